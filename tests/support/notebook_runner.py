"""Execute source notebooks once per test session and hand back what they measured.

Each notebook keeps the numbers behind its claims in a dict called `measured`. The runner
appends one cell that prints that dict (and the kernel's peak memory, and where `helpers` came from) as JSON,
executes the notebook top to bottom in a fresh kernel, and caches the result, so the "runs without error" test,
the claims tests and the student edition's test share a single execution.

It runs as a student's copy does: in a folder of its own beside the notebook's student edition of `helpers`
(grading.edition, which its kernel imports: no reference of the notebook's exercises, the checks' values stored
on their visible cases), with the solutions in and the hidden tests out of the test cells (the edition knows the
visible cases only; every hidden case is run by tests/checks/test_exercises.py).
"""
from __future__ import annotations

import atexit
import json
import shutil
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
MARKER = "MEASURED-JSON:"


def source_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def hidden_check_calls(name: str) -> list[tuple[str, dict]]:
    """The `check_*(..., key=value)` calls in the hidden-test blocks of notebooks/<name>.ipynb,
    as (check name, keyword arguments), so the checks' tests can run the same arguments."""
    from grading.judge.check_calls import parse_test_cell
    from grading.judge.check_calls import is_graded_test_cell

    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    return [(call.check, call.kwargs) for cell in notebook.cells if is_graded_test_cell(cell)
            for call in parse_test_cell(cell.source) if call.hidden]


def pictures(notebook: nbformat.NotebookNode, cell_id: str) -> int:
    """How many pictures (image/png outputs) the executed notebook's cell with this id shows."""
    cell = next(cell for cell in notebook.cells if cell.get("id") == cell_id)
    return sum("image/png" in output.get("data", {}) for output in cell.get("outputs", []))

class Execution:
    def __init__(self, notebook: nbformat.NotebookNode, seconds: float, report: dict, folder: Path):
        self.notebook, self.seconds, self.measured = notebook, seconds, report.get("measured", {})
        self.peak_rss_mib = report.get("peak_rss_mib", float("nan"))   # the kernel's peak resident memory
        self.helpers_file = report.get("helpers", "")                  # the helpers its kernel imported
        self.reference = report.get("reference", True)                 # a checks module holding a live reference
        self.folder = folder                                           # where it ran, beside its edition


REPORT = (
    "import json as _json, resource as _resource, sys as _sys, helpers as _helpers\n"
    "_peak = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024\n"
    "_reference = any(hasattr(_m, 'ref') and not hasattr(_m.ref, '_tape') for _n, _m in list(_sys.modules.items())\n"
    "                 if _n.startswith('helpers.checks.'))\n"
    "print({marker!r} + _json.dumps({{'measured': measured if 'measured' in dir() else {{}}, 'peak_rss_mib': _peak,\n"
    "                               'helpers': _helpers.__file__, 'reference': _reference}}, default=float))")


@lru_cache(maxsize=None)
def execute(name: str, timeout: int = 300) -> Execution:
    """Execute notebooks/<name>.ipynb on its student edition; returns the executed notebook, its wall time,
    `measured` and where it ran."""
    from grading.edition.build import build_edition   # seconds: only when a notebook runs
    from nbgrader.preprocessors import ClearHiddenTests   # what release does to the test cells

    path = NOTEBOOKS / f"{name}.ipynb"
    folder = Path(tempfile.mkdtemp(prefix=f"nnfs-{name}-"))
    atexit.register(shutil.rmtree, folder, True)
    build_edition(folder, {name: path})
    notebook, _ = ClearHiddenTests().preprocess(nbformat.read(path, as_version=4), {})
    notebook.cells.append(nbformat.v4.new_code_cell(REPORT.format(marker=MARKER)))
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    report = {}
    for output in notebook.cells[-1].outputs:
        if output.get("output_type") == "stream" and MARKER in output.get("text", ""):
            report = json.loads(output["text"].split(MARKER, 1)[1])
    return Execution(notebook, seconds, report, folder)
