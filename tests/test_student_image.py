"""A student's environment, built as a JupyterHub image builds it (docs/student-image.md), runs a released notebook.

In a fresh virtual environment: requirements-student.txt, then the student edition's wheel that `python -m grading
release` writes, then the students' lab settings; nothing of the workbook's own environment. There, in a kernel of
that environment, the released notebook 01 with the source's solutions put back runs top to bottom (less the
demonstrations that grading skips too), and every test cell passes on the edition's checks; the start-up hook that
the wheel installs is active: a test cell run before anything is defined (as after a kernel restart) says what to
run instead of a bare NameError; and everything the nine notebooks import imports. Beside the notebook, the lab's
server extensions import in the image, nbgrader's of the Assignments panel and Validate among them.

Time (CI runs the whole suite on 2 cores): the packages come from pip's usual sources; the install skips the
dependency resolution (--no-deps: the lock is complete, which `pip check` verifies) and the byte-compilation
(--no-compile: a kernel compiles what it imports), and runs while the assignment is released; the lab's side is
checked while the notebook runs.
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import needs
import pytest

from grading.execute.cellplan import parse_cell, plan_cells

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "01_shallow_network"
pytestmark = pytest.mark.slow
#: What pip says when it cannot reach an index (an offline machine: skipped there, except in CI).
OFFLINE = ("NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
           "Network is unreachable")

#: Run in the image's Python: the notebook executed in its own kernel (ipykernel's python3 runs sys.executable),
#: the cell tagged raises-exception allowed to fail.
EXECUTE = """
import sys, nbformat
from nbclient import NotebookClient
notebook = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
nbformat.write(notebook, sys.argv[2])
"""
#: Run in the image's Python, beside the notebook: the lab's side. Every server extension that the image enables
#: imports (as `jupyter server extension list` checks, without starting a server: JupyterLab's, nbgrader's of the
#: Assignments panel and Validate...); printed: the extensions, and the Jupyter configuration folders, which the
#: lab reads its settings from.
LAB_SIDE = """
import importlib, json
from jupyter_core.paths import jupyter_config_path
from jupyter_server.config_manager import BaseJSONConfigManager
enabled = {}
for folder in reversed(jupyter_config_path()):           # the first folder has the last word
    enabled.update(BaseJSONConfigManager(config_dir=folder).get("jupyter_server_config")
                   .get("ServerApp", {}).get("jpserver_extensions", {}))
for module in sorted(name for name, on in enabled.items() if on):
    importlib.import_module(module)
print(json.dumps({"extensions": sorted(enabled), "config_path": jupyter_config_path()}))
"""


def notebook_imports() -> list:
    """The modules that the nine notebooks import, helpers aside (their cells, solutions and tests alike)."""
    modules = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                for node in ast.walk(parse_cell(cell.source)[1]):
                    if isinstance(node, ast.Import):
                        modules |= {alias.name for alias in node.names}
                    elif isinstance(node, ast.ImportFrom) and node.level == 0:
                        modules.add(node.module)
    return sorted(module for module in modules if module.split(".")[0] != "helpers")


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _test_cell(cell) -> bool:
    return cell.cell_type == "code" and bool(cell.metadata.get("nbgrader", {}).get("grade"))


def solved(released: Path, source: Path):
    """The released notebook with the source's solution code put back, less the demonstrations that grading skips
    too (grading.execute.cellplan: trainings, sweeps and plots, two thirds of its CPU time); a test cell copied to
    the top (run before anything is defined), and a last cell that imports what every notebook imports, says where the
    kernel found Python and helpers, and draws a figure."""
    notebook, answers = (nbformat.read(path, as_version=4) for path in (released, source))
    solutions = {_grade_id(cell): cell.source for cell in answers.cells
                 if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")}
    for cell in notebook.cells:
        if _grade_id(cell) in solutions:
            cell.source = "\n".join(line for line in solutions[_grade_id(cell)].splitlines() if "SOLUTION" not in line)
    skipped = plan_cells(notebook).skipped
    notebook.cells = [cell for index, cell in enumerate(notebook.cells) if index not in skipped]
    first_test = next(cell for cell in notebook.cells if _test_cell(cell))
    notebook.cells.insert(0, nbformat.v4.new_code_cell(first_test.source, metadata={"tags": ["raises-exception"]}))
    notebook.cells.append(nbformat.v4.new_code_cell("\n".join(
        [f"import {module}" for module in notebook_imports()]
        + ["import json, sys, helpers", "print(json.dumps({'prefix': sys.prefix, 'helpers': helpers.__file__}))",
           "matplotlib.pyplot.plot([0, 1], [1, 0])", "matplotlib.pyplot.show()"])))
    return notebook


def _site_packages(prefix: Path) -> Path:
    return prefix / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"


def _run(command, **options):
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **options)
    assert done.returncode == 0, f"{command[:4]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _image_environment(home: Path) -> dict:
    """The environment of a process in the image: none of this run's Python or Jupyter paths, and Jupyter's and
    IPython's per-user folders empty (a kernelspec or configuration of this machine's user would not be the
    image's)."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH")
    environment = {name: value for name, value in os.environ.items() if name not in drop}
    return {**environment, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
            "IPYTHONDIR": str(home / "ipython")}


def build_image(tmp_path: Path) -> tuple:
    """(the image's python, the released notebook): requirements-student.txt installed in a fresh venv, while
    the assignment is released; then the edition's wheel and the lab settings, as docs/student-image.md says."""
    image = tmp_path / "image"
    _run([sys.executable, "-m", "venv", "--without-pip", str(image)])
    python, pip = image / "bin" / "python", [sys.executable, "-m", "pip", "--python", str(image / "bin" / "python")]
    install = subprocess.Popen([*pip, "install", "--quiet", "--no-deps", "--no-compile", "-r",
                                str(ROOT / "requirements-student.txt")], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    course = tmp_path / "course"
    _run([sys.executable, "-m", "grading", "release", "--course", str(course), "--assignment", ASSIGNMENT], cwd=ROOT)
    out, err = install.communicate(timeout=600)
    if install.returncode and any(sign in err for sign in OFFLINE):
        needs.missing(f"pip cannot reach a package index from here: {err.strip().splitlines()[-1]}")
    assert install.returncode == 0, f"pip install -r requirements-student.txt failed:\n{out[-3000:]}\n{err[-3000:]}"
    (wheel,) = (course / "release").glob("nnfs_student_helpers-*.whl")
    _run([*pip, "install", "--quiet", "--no-deps", str(wheel)])
    labconfig = image / "etc" / "jupyter" / "labconfig"
    labconfig.mkdir(parents=True)
    for settings in (ROOT / "jupyter" / "students" / "labconfig").glob("*.json"):
        (labconfig / settings.name).write_text(settings.read_text())
    return python, course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def test_a_fresh_student_image_runs_a_released_notebook_with_the_start_up_hook(tmp_path):
    python, released = build_image(tmp_path)
    prefix = python.parent.parent
    environment = _image_environment(tmp_path / "home")
    # the lab's side, while the notebook runs: the lock is complete, and the Assignments panel's server part imports
    checks = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
              for command in ([sys.executable, "-m", "pip", "--python", str(python), "check"],
                              [str(python), "-c", LAB_SIDE])]
    work = tmp_path / "work"                  # a student's folder: no helpers/ in it, the wheel's is imported
    work.mkdir()
    nbformat.write(solved(released, ROOT / "notebooks" / f"{ASSIGNMENT}.ipynb"), work / "solved.ipynb")
    _run([str(python), "-c", EXECUTE, "solved.ipynb", "executed.ipynb"], cwd=work, env=environment)
    notebook = nbformat.read(work / "executed.ipynb", as_version=4)

    (early,) = notebook.cells[0].outputs
    assert early.ename == "NameError" and "after a kernel restart" in "\n".join(early.traceback), early
    tests = [cell for cell in notebook.cells if _test_cell(cell)]
    assert [_grade_id(cell) for cell in tests] == [
        _grade_id(cell) for cell in nbformat.read(released, as_version=4).cells if _test_cell(cell)]
    for cell in tests:
        printed = "".join(output.get("text", "") for output in cell.outputs)
        assert "all tests passed" in printed, f"{_grade_id(cell)}: {cell.outputs}"
    last = notebook.cells[-1].outputs
    where = next(output for output in last if output.output_type == "stream" and output.name == "stdout")
    figure = next(output for output in last if output.output_type == "display_data")
    assert json.loads(where.text) == {"prefix": str(prefix), "helpers": f"{_site_packages(prefix)}/helpers/__init__.py"}
    assert "image/png" in figure.data, figure

    for check in checks:
        out, _ = check.communicate(timeout=300)
        assert check.returncode == 0, out
    lab = json.loads(out.splitlines()[-1])
    assert str(prefix / "etc" / "jupyter") in lab["config_path"]         # where the students' lab settings are
    assert {"jupyterlab", "nbgrader.server_extensions.assignment_list",
            "nbgrader.server_extensions.validate_assignment"} <= set(lab["extensions"])
    assert (prefix / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader" / "package.json").is_file()
