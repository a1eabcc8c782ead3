"""Every source notebook: well-formed nbgrader metadata, no committed outputs, runs top to bottom."""
from __future__ import annotations

import re

import nbformat
import pytest

from notebook_runner import execute, source_notebooks

NOTEBOOK_PATHS = source_notebooks()
IDS = [path.stem for path in NOTEBOOK_PATHS]


def test_there_are_notebooks():
    assert NOTEBOOK_PATHS, "no notebooks/NN_name.ipynb found"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [i for i, cell in enumerate(notebook.cells)
             if cell.cell_type == "code" and (cell.outputs or cell.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_nbgrader_metadata(path):
    notebook = nbformat.read(path, as_version=4)
    grade_ids, solutions, tests = [], [], []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        assert meta.get("schema_version") == 3
        grade_ids.append(meta["grade_id"])
        if meta.get("solution") and cell.cell_type == "code":
            solutions.append(meta["grade_id"])
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, meta["grade_id"]
        if meta.get("grade"):
            assert meta.get("points", 0) > 0, f"{meta['grade_id']} is graded but has no points"
            if cell.cell_type == "code":
                tests.append(meta["grade_id"])
                assert meta.get("locked"), f"test cell {meta['grade_id']} must be locked"
                assert "### BEGIN HIDDEN TESTS" in cell.source, f"{meta['grade_id']} has no hidden tests"
                visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
                assert re.search(r"check_\w+\(", visible), f"{meta['grade_id']} has no visible check"
    assert len(grade_ids) == len(set(grade_ids)), f"duplicate grade_id in {path.name}"
    assert solutions and tests, f"{path.name} has no exercises"
    assert len(tests) >= len(solutions), "every exercise needs its test cell"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_executes_top_to_bottom(path):
    run = execute(path.stem)
    errors = [output for cell in run.notebook.cells for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert not errors, f"{path.name} raised {errors[0]['ename']}: {errors[0]['evalue']}"
    print(f"{path.name}: executed in {run.seconds:.1f} s")
    assert run.measured, f"{path.name} recorded no measurements in `measured`"
