"""What a grader sees and a student does not: the model answer and its rubric under each written answer.

nbgrader's formgrader shows a written answer under its question, but not the model answer nor its rubric: both are
only in the source notebook, in the answer cell itself (``*A model answer:* ...`` ending with ``*Rubric (N
points):*`` and one ``- S: part`` line per part; CONTRIBUTING.md's conventions). :func:`add_grader_notes` puts,
right after each written answer cell of an autograded notebook, a read-only Markdown cell for graders: a heading
(:data:`HEADING`) and the text of the source's answer cell of the same ``grade_id``. The cell is marked in its
metadata (``{"nnfs": {"for_graders": true}}``) and has no nbgrader metadata, so nbgrader's gradebook and its
formgrader see one more plain Markdown cell. :class:`RemoveGraderNotes`, the feedback's first preprocessor
(``grading/nbgrader_config.py``), takes these cells out again: a student's feedback never shows them.
:func:`annotate_autograded` adds them to an autograded notebook's file, with the discussions of its questions
(:mod:`grading.nbgrader_glue.discussions`), which the feedback keeps.
"""
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from grading.nbgrader_glue.cells import MARK, grade_id, is_marked, is_written_answer, markdown_cell
from grading.nbgrader_glue.discussions import add_discussions

#: The flag under the course's metadata key (:data:`~grading.nbgrader_glue.cells.MARK`) that marks a cell for graders.
FOR_GRADERS = "for_graders"
HEADING = "**For graders: the model answer and its rubric**"
#: Below the heading: where the text comes from, and who never sees it.
NOTE = "*(from the source notebook; never in the students' feedback)*"


def is_grader_note(cell):
    """True for a cell marked as one for graders."""
    return is_marked(cell, FOR_GRADERS)


def grader_note(answer, nbformat_minor=5):
    """The read-only Markdown cell for graders that shows ``answer`` (the source's answer cell) under
    :data:`HEADING`. A notebook older than nbformat 4.5 (``nbformat_minor``) gets it without a cell id."""
    return markdown_cell(f"{HEADING}\n{NOTE}\n\n{answer.source}",
                         {MARK: {FOR_GRADERS: True}, "editable": False, "deletable": False}, nbformat_minor)


def add_grader_notes(nb, source):
    """Put a cell for graders (:func:`grader_note`) right after each written answer cell of ``nb`` (an autograded
    notebook) whose ``grade_id`` names a written answer cell of ``source`` (its source notebook). A cell of ``nb``
    already marked for graders is removed first: only grading writes them (a student could forge one). Returns
    True if ``nb`` changed (more than its notes' cell ids)."""
    answers = {grade_id(cell): cell for cell in source.cells if is_written_answer(cell)}
    answers.pop(None, None)
    cells = []
    for cell in nb.cells:
        if is_grader_note(cell):
            continue
        cells.append(cell)
        answer = answers.get(grade_id(cell)) if is_written_answer(cell) else None
        if answer is not None:
            cells.append(grader_note(answer, nb.get("nbformat_minor", 5)))
    changed = _contents(cells) != _contents(nb.cells)
    nb.cells = cells
    return changed


def _contents(cells):
    return [(cell.get("cell_type"), cell.get("source"), cell.get("metadata")) for cell in cells]


def annotate_autograded(path, source_path):
    """What grading adds to the autograded notebook file ``path``, from the source notebook ``source_path`` (none
    there: nothing to add): under each written answer, the cell for graders (:func:`add_grader_notes`), then the
    discussion (:func:`~grading.nbgrader_glue.discussions.add_discussions`). The file is written again only if it
    changed; returns True if it did."""
    path, source_path = Path(path), Path(source_path)
    if not source_path.is_file():
        return False
    nb, source = nbformat.read(str(path), as_version=4), nbformat.read(str(source_path), as_version=4)
    before = _contents(nb.cells)
    add_discussions(nb, source)     # first: the note then goes between the answer and its discussion
    add_grader_notes(nb, source)
    changed = _contents(nb.cells) != before
    if changed:
        nbformat.write(nb, str(path))
    return changed


class RemoveGraderNotes(NbGraderPreprocessor):
    """Feedback: the cells for graders (:func:`add_grader_notes`) are left out, always."""

    def preprocess(self, nb, resources):
        nb.cells = [cell for cell in nb.cells if not is_grader_note(cell)]
        return nb, resources
