"""What release does to a notebook beyond nbgrader's defaults.

:class:`ClearSolutionsNamingTheQuestion`: nbgrader's ``ClearSolutions``, whose stub for a written answer names its
question and shows as a box to write in (:func:`answer_stub`). nbgrader's Validate lists every unanswered written
answer by its text: with the plain stub, a notebook's three unanswered questions read as three identical entries,
and the stub renders as one more paragraph of the notebook's text.

:class:`RemoveDiscussions`: the discussion below a written answer (:mod:`grading.nbgrader_glue.discussions`) would
give the answer away: the student version has none, and the student reads it in the feedback.
"""
import re

from nbgrader.preprocessors import ClearSolutions, NbGraderPreprocessor

from grading.nbgrader_glue.cells import is_written_answer
from grading.nbgrader_glue.discussions import is_discussion, is_put_back

#: How a written question is introduced in the notebooks: "**Question 2.**", or 09's "Written answer 5".
QUESTION = re.compile(r"\*\*(Question \d+)\.\*\*|(Written answer \d+)")


def written_answer_labels(nb):
    """``{index of a written answer cell: "Question 2"}``: the nearest question above each Markdown answer cell."""
    labels = {}
    for index, cell in enumerate(nb.cells):
        if not is_written_answer(cell):
            continue
        for above in reversed(nb.cells[:index]):
            match = QUESTION.search(above.source) if above.cell_type == "markdown" else None
            if match:
                labels[index] = match.group(1) or match.group(2)
                break
    return labels


def answer_stub(text_stub, label):
    """What a released written answer cell holds: a quote block (JupyterLab draws it as a shaded box with a bar
    on its left) naming the question, e.g. ``> ✎ **YOUR ANSWER HERE (Question 2)**: double-click ...``.
    Validate counts the cell unanswered while it holds exactly this (nbgrader compares its checksum)."""
    return f"> \u270e **{text_stub} ({label})**: double-click this box, and replace this line with your answer."


class ClearSolutionsNamingTheQuestion(ClearSolutions):
    """``ClearSolutions`` that writes :func:`answer_stub` into each written answer cell."""

    def preprocess(self, nb, resources):
        self._labels = written_answer_labels(nb)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        cell, resources = super().preprocess_cell(cell, resources, index)
        label = getattr(self, "_labels", {}).get(index)
        if label and cell.cell_type == "markdown" and cell.source.strip() == self.text_stub.strip():
            cell.source = answer_stub(self.text_stub, label)
        return cell, resources


class RemoveDiscussions(NbGraderPreprocessor):
    """Release: the discussion cells (and any discussion put back or folded) are left out of the student version."""

    def preprocess(self, nb, resources):
        nb.cells = [cell for cell in nb.cells if not (is_discussion(cell) or is_put_back(cell))]
        return nb, resources
