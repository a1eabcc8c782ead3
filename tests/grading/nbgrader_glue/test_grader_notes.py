"""The formgrader shows a grader the model answer and its rubric under each written answer; feedback leaves them
out (grading/nbgrader_glue/grader_notes.py). The question's discussion, which release leaves out, comes back under
the answer for the graders and in the feedback (grading/nbgrader_glue/discussions.py).

The fixture notebook has no written answer (adding one would change every score the grading tests assert): the
end-to-end test grades a copy of it with one written question, and its discussion, added (the session's
``written_course``, which the formgrader's browser test shares).
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from grading.nbgrader_glue.api import course_config
from grading.nbgrader_glue.grader_notes import (HEADING, RemoveGraderNotes, add_grader_notes, is_grader_note,
                                                annotate_autograded)
from grading_fixture import (DISCUSSION, MODEL, NAME, RUBRIC, STUDENT, TOTAL, WRITTEN, answer, cell, hidden_code_lines,
                             question, read_nb)


def rendered_text(path):
    """Visible text of an HTML file: scripts and styles dropped, tags removed, entities decoded."""
    raw = re.sub(r"<(script|style)\b.*?</\1>", "", Path(path).read_text(), flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


# -- the notes, on notebooks in memory -----------------------------------------------------------------------------

def test_a_note_follows_each_written_answer_with_its_source_text_and_a_forged_one_goes():
    source = new_notebook(cells=[question(1, "q1"), answer("q1"), question(2, "q2"),
                                 answer("q2", "*A model answer:* two")])
    forged = new_markdown_cell(f"{HEADING}\n\n- 1: full credit for anything", metadata={"nnfs": {"for_graders": True}})
    graded = new_notebook(cells=[question(1, "q1"), answer("q1", STUDENT), forged, question(2, "q2"),
                                 answer("q2", "mine"), answer("q3", "not in the source")])
    assert add_grader_notes(graded, source)
    kinds = ["note" if is_grader_note(c) else c.metadata["nbgrader"]["grade_id"] for c in graded.cells]
    assert kinds == ["q1_text", "q1", "note", "q2_text", "q2", "note", "q3"]
    first, second = graded.cells[2], graded.cells[5]
    assert first.source.startswith(HEADING) and first.source.endswith(f"{MODEL}\n\n{RUBRIC}")
    assert second.source.endswith("*A model answer:* two") and "full credit for anything" not in first.source
    assert "nbgrader" not in first.metadata and first.metadata["editable"] is False
    assert not add_grader_notes(graded, source)   # again: nothing changes


def test_a_notebook_older_than_nbformat_4_5_gets_its_note_without_a_cell_id():
    graded = new_notebook(cells=[answer("q1", STUDENT)])
    graded.nbformat_minor = 4
    graded.cells[0].pop("id")
    add_grader_notes(graded, new_notebook(cells=[answer("q1")]))
    assert [c.get("id") for c in graded.cells] == [None, None]
    nbformat.validate(graded)


def test_a_note_is_written_only_where_the_source_is(tmp_path):
    path = tmp_path / "graded.ipynb"
    nbformat.write(new_notebook(cells=[answer("q1", STUDENT)]), str(path))
    assert not annotate_autograded(path, tmp_path / "missing.ipynb")
    nbformat.write(new_notebook(cells=[answer("q1")]), str(tmp_path / "source.ipynb"))
    assert annotate_autograded(path, tmp_path / "source.ipynb")
    assert [is_grader_note(c) for c in read_nb(path).cells] == [False, True]


def test_feedback_removes_the_notes_first():
    preprocessors = course_config().GenerateFeedback.preprocessors
    assert preprocessors[0] is RemoveGraderNotes
    graded = new_notebook(cells=[answer("q1", STUDENT)])
    add_grader_notes(graded, new_notebook(cells=[answer("q1")]))
    nb, _ = RemoveGraderNotes().preprocess(graded, {})
    assert [c.source for c in nb.cells] == [STUDENT]


# -- a graded class: the formgrader shows them, the feedback does not ------------------------------------------------

@pytest.fixture(scope="module")
def graded(written_course):
    """The session's course with one written question (grading_fixture.written_course), alice's submission graded,
    with feedback."""
    grader, result = written_course
    return grader, result, grader.feedback()


@pytest.mark.slow
def test_the_autograded_notebook_shows_graders_the_model_answer_and_rubric(graded):
    grader, result, _ = graded
    assert not result.problem and (result.score, result.max_score) == (TOTAL, TOTAL + 1), result
    nb = read_nb(grader.layout.autograded_notebook("alice", NAME))
    notes = [i for i, c in enumerate(nb.cells) if is_grader_note(c)]
    answer_index = nb.cells.index(cell(nb, WRITTEN))
    assert notes == [answer_index + 1]
    assert [c.source for c in nb.cells if "grows with m" in c.source] == [DISCUSSION]   # the discussion, after them
    assert nb.cells[answer_index + 2].source == DISCUSSION and "nbgrader" not in nb.cells[answer_index + 2].metadata
    note = nb.cells[answer_index + 1]
    assert note.cell_type == "markdown" and "nbgrader" not in note.metadata
    assert note.source.startswith(HEADING) and MODEL in note.source and RUBRIC in note.source
    assert cell(nb, WRITTEN).source == STUDENT


@pytest.mark.slow
def test_the_formgrader_renders_the_submission_with_the_note(graded):
    """The formgrader's own conversion of the autograded notebook (its HTMLExporter and template), and its
    gradebook's view of the submission: the written answer waits for a grader, the note is no grade."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    grader, _, _ = graded
    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {"assignment_id": NAME, "notebook_id": NAME, "submission_id": "x", "index": 0, "total": 1,
                 "base_url": "", "student": "alice", "last_name": None, "first_name": None, "notebook_path": "x"}
    page, _ = HTMLExporter(config=config).from_filename(str(grader.layout.autograded_notebook("alice", NAME)),
                                                        resources=resources)
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "For graders: the model answer and its rubric" in text and "grows with m" in text
    assert "says why: the learning rate then does not depend on m." in text
    assert f'id="{WRITTEN}"' in page and STUDENT in text   # the answer's score box, and the answer itself
    submission = grader.api.get_submission(NAME, "alice")
    assert submission["needs_manual_grade"] and submission["max_score"] == TOTAL + 1, submission


@pytest.mark.slow
def test_the_feedback_leaves_the_model_answer_and_rubric_out_and_shows_the_discussion_after_the_answer(graded):
    _, _, feedback = graded
    page = Path(feedback[("alice", NAME)]).read_text()
    text = rendered_text(feedback[("alice", NAME)])
    assert STUDENT in text and text.count("grows with m") == 1
    assert text.index(STUDENT) < text.index("Discussion.") < text.index("grows with m")
    assert not [line for line in hidden_code_lines() if line in text]
    for secret in ("For graders", "the cost is averaged over the examples, so that",
                   "says that the cost is an average", "the learning rate then does not depend on m", "Rubric"):
        assert secret not in page and secret not in text, secret
