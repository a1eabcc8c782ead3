"""Execute source notebooks once per test session and hand back what they measured.

Each notebook keeps the numbers behind its claims in a dict called `measured`. The runner
appends one cell that prints that dict (and the kernel's peak memory) as JSON, executes the notebook top to bottom in a fresh
kernel (from the notebook's own folder, as a student would), and caches the result, so the
"runs without error" test and the claims tests share a single execution.
"""
from __future__ import annotations

import json
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


class Execution:
    def __init__(self, notebook: nbformat.NotebookNode, seconds: float, measured: dict, peak_rss_mib: float):
        self.notebook, self.seconds, self.measured = notebook, seconds, measured
        self.peak_rss_mib = peak_rss_mib          # the kernel's peak resident memory


@lru_cache(maxsize=None)
def execute(name: str, timeout: int = 300) -> Execution:
    """Execute notebooks/<name>.ipynb; returns the executed notebook, its wall time and `measured`."""
    path = NOTEBOOKS / f"{name}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(
        "import json as _json, resource as _resource\n"
        "_peak = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        f"print({MARKER!r} + _json.dumps({{'measured': measured if 'measured' in dir() else {{}}, "
        "'peak_rss_mib': _peak}, default=float))"))
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    report = {"measured": {}, "peak_rss_mib": float("nan")}
    for output in notebook.cells[-1].outputs:
        if output.get("output_type") == "stream" and MARKER in output.get("text", ""):
            report = json.loads(output["text"].split(MARKER, 1)[1])
    return Execution(notebook, seconds, report["measured"], report["peak_rss_mib"])
