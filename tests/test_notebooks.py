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
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, meta["grade_id"]
            if "challenge" not in cell.metadata.get("tags", []):   # an optional challenge has no graded test
                solutions.append(meta["grade_id"])
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
    # The target is 20 s on an idle 2-core machine (`make bench` measures it); this guard is loose
    # on purpose, so that a busy CI machine does not make it flaky.
    assert run.seconds < 90, f"{path.name} took {run.seconds:.0f} s"


def _first_cell_sections(notebook):
    intro = notebook.cells[0].source
    contents = intro.split("**Contents**", 1)[1].split("**Exercises**", 1)[0] if "**Contents**" in intro else ""
    items = re.findall(r"^\s*(\d+)\.\s+(.+?)\s*$", contents, flags=re.M)
    return intro, [(int(number), title.split(" — ")[0].strip()) for number, title in items]


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_contents_list_matches_the_numbered_section_headings(path):
    notebook = nbformat.read(path, as_version=4)
    _, items = _first_cell_sections(notebook)
    assert items, f"{path.name}: the first cell needs a **Contents** list"
    headings = [m for cell in notebook.cells if cell.cell_type == "markdown"
                for m in re.findall(r"^## (\d+) · (.+?)\s*$", cell.source, flags=re.M)]
    assert [int(n) for n, _ in headings] == [n for n, _ in items], f"{path.name}: contents and headings differ"
    for (number, title), (_, heading) in zip(items, headings):
        assert heading.startswith(title[:20]), f"{path.name}: contents item {number} {title!r} vs heading {heading!r}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_exercise_summary_matches_the_graded_cells(path):
    notebook = nbformat.read(path, as_version=4)
    intro, _ = _first_cell_sections(notebook)
    total = re.search(r"\*\*Exercises\*\* \((\d+) points\)", intro)
    assert total, f"{path.name}: the first cell needs '**Exercises** (N points)' and a table"
    # | 3 | `forward_propagation(X, parameters)` | 2 |   or, for a written answer:   | 9 | written: ... | 2 |
    rows = re.findall(r"^\|\s*(\d+)\s*\|\s*(.+?)\s*\|\s*(\d+)\s*\|\s*$", intro, flags=re.M)
    assert rows and [int(n) for n, _, _ in rows] == list(range(1, len(rows) + 1))
    graded_points = sum(cell.metadata["nbgrader"].get("points", 0) for cell in notebook.cells
                        if cell.metadata.get("nbgrader", {}).get("grade"))
    assert int(total.group(1)) == sum(int(p) for _, _, p in rows) == graded_points
    solutions = "\n".join(cell.source for cell in notebook.cells
                          if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code")
    for _, exercise, _ in rows:
        function = re.fullmatch(r"`(\w+)\(.*\)`", exercise)
        assert function or exercise.startswith("written"), f"{path.name}: table row {exercise!r}"
        if function:
            name = function.group(1)
            assert re.search(rf"^def {name}\(", solutions, flags=re.M), \
                f"{path.name}: {name} is in the table but no exercise defines it"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_plots_render_inline(path):
    notebook = nbformat.read(path, as_version=4)
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert "%matplotlib inline" in setup.source


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_each_test_cell_checks_its_own_exercise_visibly_and_hidden(path):
    """test_X calls checks.check_X(X) in sight, and again with new arguments in the hidden block."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not (meta.get("grade") and cell.cell_type == "code"):
            continue
        exercise = meta["grade_id"].removeprefix("test_")
        visible, hidden = cell.source.split("### BEGIN HIDDEN TESTS")
        assert re.search(rf"check_{exercise}\({exercise}\b", visible), f"{meta['grade_id']}: no visible check_{exercise}"
        assert re.search(rf"check_{exercise}\({exercise}, \w+", hidden), \
            f"{meta['grade_id']}: the hidden block must call check_{exercise} with new arguments"
