"""The small fixture course of the grading tests (tests/support/fixtures/grading/build_fixture.py: notebook
``00_mini``, test_relu 2 points and test_softmax 3), loaded once, with the notebook utilities
those tests share; and, as a pytest plugin (tests/conftest.py), the session's graded course with a written
answer (:func:`written_course`), which the formgrader's tests share."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import nbformat
import nbformat.v4
import pytest

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "grading"
_spec = importlib.util.spec_from_file_location("grading_fixture_builder", FIXTURE_DIR / "build_fixture.py")
fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture)

NAME = fixture.FIXTURE_NAME
TOTAL = sum(fixture.POINTS.values())


def read_nb(path):
    return nbformat.read(str(path), as_version=4)


def cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def hidden_code_lines():
    """Every non-empty line of hidden test code in the source notebook. (Written here on its own,
    not with grading.execute.preprocessors.hidden_test_lines, so that it can catch a bug there.)"""
    lines = set()
    for c in read_nb(fixture.FIXTURE_PATH).cells:
        inside = False
        for line in c.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and line.strip():
                lines.add(line.strip())
    assert len(lines) >= 5
    return lines


def fixture_course(root, **grader_options):
    """A course of the fixture notebook in folder ``root``, released: ``(grader, notebooks folder,
    released notebook)``; ``grader_options`` go to :class:`grading.batch.pipeline.Grader`."""
    from grading.course import find_notebooks
    from grading.batch.pipeline import Grader

    notebooks = Path(root) / "notebooks"
    notebooks.mkdir()
    shutil.copyfile(fixture.FIXTURE_PATH, notebooks / f"{NAME}.ipynb")
    grader = Grader(Path(root) / "course", **grader_options)
    return grader, notebooks, grader.release(find_notebooks(notebooks))[NAME]


def solved(released):
    """The released notebook answered with the source's solutions (without their delimiters)."""
    nb, source = read_nb(released), read_nb(fixture.FIXTURE_PATH)
    for grade_id in ("relu", "softmax"):
        cell(nb, grade_id).source = "\n".join(
            line for line in cell(source, grade_id).source.splitlines() if "SOLUTION" not in line)
    return nb


# -- a course with a written answer, graded: the formgrader's tests share it ------------------------------------------

#: The model answer and rubric of the written question (the graders' note under the answer), and alice's answer.
MODEL = "*A model answer:* the cost is averaged over the examples, so that it does not grow with m."
RUBRIC = ("*Rubric (1 point):*\n"
          "- 0.5: says that the cost is an average over the examples.\n"
          "- 0.5: says why: the learning rate then does not depend on m.")
STUDENT = "Dividing by m keeps the numbers small, I think."
#: The written question's grade id (1 point, graded by hand).
WRITTEN = "why_average"
#: The question's discussion, under its answer in the source: release leaves it out, grading puts it back.
DISCUSSION = "**Discussion.** A sum over m examples grows with m, and the best learning rate would shrink with it."


def nbgrader_meta(grade_id, *, grade=False, solution=False, locked=False, points=0):
    meta = {"grade": grade, "solution": solution, "locked": locked, "schema_version": 3, "grade_id": grade_id}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def question(number, grade_id):
    """A written question, with a formula (LaTeX: the formgrader renders it with MathJax)."""
    return nbformat.v4.new_markdown_cell(
        rf"**Question {number}.** Why is the cost $J = \frac{{1}}{{m}} \sum_{{i=1}}^{{m}} \mathcal{{L}}^{{(i)}}$ "
        "averaged over the examples?", metadata=nbgrader_meta(f"{grade_id}_text", locked=True))


def answer(grade_id, text=f"{MODEL}\n\n{RUBRIC}"):
    """A written answer cell, 1 point graded by hand (``text``: the source's model answer and rubric)."""
    return nbformat.v4.new_markdown_cell(text, metadata=nbgrader_meta(grade_id, grade=True, solution=True, points=1))


@pytest.fixture(scope="session")
def written_course(tmp_path_factory):
    """The fixture notebook with one written question added, released, and alice's submission (solved, with
    :data:`STUDENT` as her written answer) autograded: ``(grader, result)``. Shared by the formgrader's tests: one
    that grades the written answer by hand puts the gradebook back as it found it."""
    from grading.batch.pipeline import Grader
    from grading.course import find_notebooks, find_submissions

    root = tmp_path_factory.mktemp("written_course")
    source = fixture.build_notebook()
    source.cells += [question(1, WRITTEN), answer(WRITTEN),
                     nbformat.v4.new_markdown_cell(DISCUSSION, id="discussion-why-average")]
    (root / "notebooks").mkdir()
    nbformat.write(source, str(root / "notebooks" / f"{NAME}.ipynb"))
    grader = Grader(root / "course")
    released = grader.release(find_notebooks(root / "notebooks"))[NAME]
    assert "grows with m" not in released.read_text()     # the release leaves the discussion out
    submission = solved(released)
    cell(submission, WRITTEN).source = STUDENT
    folder = root / "submitted" / "alice" / NAME
    folder.mkdir(parents=True)
    nbformat.write(submission, str(folder / f"{NAME}.ipynb"))
    [result] = grader.autograde_all(find_submissions(root / "submitted"), find_notebooks(root / "notebooks"))
    return grader, result


def poisoned(nb):
    """``nb`` with every demo cell made to kill its kernel if it ever runs (what the cell defines and reads is
    unchanged): graded, it keeps its points only if grading skipped every demonstration."""
    from grading.execute.cellplan import DEMO_TAG

    for c in nb.cells:
        if DEMO_TAG in c.metadata.get("tags", []):
            c.source = '__import__("os")._exit(3)\n' + c.source
    return nb
