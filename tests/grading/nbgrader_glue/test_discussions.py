"""The discussion below a written answer: left out of the class's release, put back under the student's answer for
the graders and the feedback, folded in a self-learner's copy (grading/nbgrader_glue/discussions.py).

Here on notebooks in memory and on the real notebooks' sources; a graded class's release, autograded notebook,
formgrader page and feedback are in test_grader_notes.py, the real notebooks' release and autograding in
tests/grading/cli/test_demo_roundtrip.py, and `python -m grading student-copies` in
tests/grading/edition/test_edition.py.
"""
from __future__ import annotations

import copy
import json

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from grading.course import REPO_ROOT, find_notebooks
from grading.nbgrader_glue.api import course_config
from grading.nbgrader_glue.discussions import (SUMMARY, add_discussions, discussions, fold_discussions, is_discussion,
                                               is_put_back)
from grading.nbgrader_glue.release import RemoveDiscussions

SOURCES = find_notebooks(REPO_ROOT / "notebooks")
TEXT = "**Discussion.** The sum grows with $m$: the average does not."


def answer(grade_id, text="*A model answer:* the average."):
    return new_markdown_cell(text, metadata={"nbgrader": {"grade": True, "solution": True, "locked": False,
                                                          "schema_version": 3, "grade_id": grade_id, "points": 1}})


def source_notebook():
    return new_notebook(cells=[new_markdown_cell("**Question 1.** Why the average?"), answer("q1"),
                               new_markdown_cell(TEXT, id="discussion-q1"), new_markdown_cell("## Next section"),
                               answer("q2"), new_markdown_cell("Elsewhere."),
                               new_markdown_cell("**Discussion.** Below no answer: lost.")])


def released():
    nb, _ = RemoveDiscussions().preprocess(source_notebook(), {})
    return nb


def test_release_removes_every_discussion_and_put_back_ones_first():
    assert course_config().GenerateAssignment.preprocessors[0] is RemoveDiscussions
    nb = released()
    assert [c.source for c in nb.cells if "Discussion" in c.source] == []
    assert len(nb.cells) == len(source_notebook().cells) - 2
    assert {key: [c.id for c in cells] for key, cells in discussions(source_notebook()).items()} == {
        "q1": ["discussion-q1"]}


@pytest.mark.parametrize("assignment", sorted(SOURCES))
def test_every_discussion_of_the_notebooks_sits_below_a_written_answer_and_leaves_with_the_release(assignment):
    """A discussion anywhere else could not come back in the feedback. The release's real run is in
    test_demo_roundtrip.py; here the course's release step on each source, in memory."""
    source = nbformat.read(SOURCES[assignment], as_version=4)
    found = [c for c in source.cells if is_discussion(c)]
    placed = [c for cells in discussions(source).values() for c in cells]
    assert found and placed == found, assignment
    assert all(c.id.startswith("discussion-") and c.source.startswith("**Discussion.**") for c in found)
    student, _ = RemoveDiscussions().preprocess(copy.deepcopy(source), {})
    texts = [c.source for c in student.cells]
    assert not [d.id for d in found if any(d.source in t for t in texts)]


def test_grading_puts_the_discussion_back_under_the_answer_once_and_marked():
    graded = released()
    graded.cells[1].source = "Mine."
    forged = new_markdown_cell("**Discussion.** Full marks.", metadata={"nnfs": {"discussion": True}})
    graded.cells.insert(0, forged)
    add_discussions(graded, source_notebook())
    assert [c.source for c in graded.cells[:3]] == ["**Question 1.** Why the average?", "Mine.", TEXT]
    back = graded.cells[2]
    assert is_put_back(back) and "nbgrader" not in back.metadata and back.metadata["editable"] is False
    assert "Full marks" not in json.dumps(graded) and len(graded.cells) == len(released().cells) + 1
    again = copy.deepcopy(graded)
    add_discussions(again, source_notebook())
    assert [c.source for c in again.cells] == [c.source for c in graded.cells]


def test_a_submission_made_from_the_source_shows_each_discussion_once():
    graded = source_notebook()
    add_discussions(graded, source_notebook())
    assert [c.source for c in graded.cells].count(TEXT) == 1 and is_put_back(graded.cells[2])


def test_a_self_learners_copy_has_the_discussion_folded_under_the_answer():
    copy_ = json.loads(json.dumps(released()))          # as add_student_copies reads it
    copy_["cells"][1]["source"] = ["*A model answer:*", " the average."]     # a source may be a list of lines
    fold_discussions(copy_, source_notebook())
    folded = copy_["cells"][2]
    assert folded["id"] == "discussion-q1" and is_put_back(folded) and folded["metadata"]["editable"] is False
    assert folded["source"] == (f"<details><summary>{SUMMARY}</summary>\n\n"
                                "The sum grows with $m$: the average does not.\n</details>")
    assert len(copy_["cells"]) == len(released().cells) + 1
    nbformat.validate(nbformat.from_dict(copy_))
