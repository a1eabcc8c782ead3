"""The discussion of a written question: read once the question is answered, not before.

In a source notebook, a written answer cell may be followed by a **discussion**: a Markdown cell that starts with
``**Discussion.**`` (its id ``discussion-...``; CONTRIBUTING.md's conventions) and explains the answer. Below the
student's answer box it would give the answer away, so each reader gets it at the right time:

* the class's release leaves it out (``RemoveDiscussions``, :mod:`grading.nbgrader_glue.release`);
* grading puts it back under the student's answer in the autograded notebook (:func:`add_discussions`, beside the
  graders' notes of :mod:`grading.nbgrader_glue.grader_notes`): the formgrader's graders see it, and so does the
  student in the feedback (which leaves the graders' notes out, not the discussion);
* a self-learner's copy (``python -m grading student-copies``, ``make lab``), which no feedback follows, has it
  folded under its answer box, ``<details><summary>`` :data:`SUMMARY` (:func:`fold_discussions`).

The cells put back are marked in their metadata (``{"nnfs": {"discussion": true}}``) and have no nbgrader metadata.
Each is taken out again before the discussions are put back (a student could forge one), and so is a student's
copy of a source discussion (a submission made from the source notebook): the discussion shows once.
"""
from grading.nbgrader_glue.cells import MARK, grade_id, is_marked, is_written_answer, markdown_cell, text

#: How a discussion cell starts, and how its id does.
PREFIX, ID_PREFIX = "**Discussion.**", "discussion-"
#: The flag of a discussion put back by grading or folded into a self-learner's copy.
DISCUSSION = "discussion"
#: The line that a folded discussion shows.
SUMMARY = "Discussion: open it once you have written your answer"


def _marked_read_only():
    """The metadata of a discussion put back or folded (a new dict for each cell)."""
    return {MARK: {DISCUSSION: True}, "editable": False, "deletable": False}


def is_discussion(cell):
    """True for a discussion cell of a source notebook (Markdown, not graded, ``**Discussion.**`` or its id)."""
    cell_id = cell.get("id")
    return (cell.get("cell_type") == "markdown" and grade_id(cell) is None
            and (text(cell).lstrip().startswith(PREFIX) or (isinstance(cell_id, str) and cell_id.startswith(ID_PREFIX))))


def is_put_back(cell):
    """True for a discussion that grading put back, or one folded into a self-learner's copy."""
    return is_marked(cell, DISCUSSION)


def discussions(source):
    """``{grade_id of a written answer: [its discussion cells]}``: the discussions right below each written answer of
    ``source`` (a notebook). A discussion anywhere else has no answer to follow: it is nowhere in the result."""
    found, answer = {}, None
    for cell in source["cells"]:
        if is_written_answer(cell):
            answer = grade_id(cell)
        elif is_discussion(cell) and answer is not None:
            found.setdefault(answer, []).append(cell)
        else:
            answer = None
    return found


def _insert(nb, source, make):
    """``nb``'s cells without discussions (put back, or copied from ``source``), with ``make(discussion)`` right
    after each written answer for each discussion of ``source`` under the answer of the same grade_id."""
    below = discussions(source)
    copies = {text(cell) for cells in below.values() for cell in cells}
    cells = []
    for cell in nb["cells"]:
        if is_put_back(cell) or (is_discussion(cell) and text(cell) in copies):
            continue
        cells.append(cell)
        if is_written_answer(cell):
            cells += [make(discussion) for discussion in below.get(grade_id(cell), [])]
    return cells


def add_discussions(nb, source):
    """Put each discussion of ``source`` (the source notebook) back under the written answer of the same grade_id
    in ``nb`` (an autograded notebook): a read-only Markdown cell with the discussion's text, marked."""
    minor = nb.get("nbformat_minor", 5)
    nb["cells"] = _insert(nb, source, lambda cell: markdown_cell(text(cell), _marked_read_only(), minor))


def folded(discussion, nbformat_minor=5):
    """The discussion cell folded: its text in ``<details>`` that shows only :data:`SUMMARY`, as the notebooks'
    hints are written; read-only, marked, and with the discussion's own id."""
    body = text(discussion).strip()
    body = body[len(PREFIX):].strip() if body.startswith(PREFIX) else body
    cell = markdown_cell(f"<details><summary>{SUMMARY}</summary>\n\n{body}\n</details>", _marked_read_only(),
                         nbformat_minor)
    if "id" in cell and isinstance(discussion.get("id"), str):
        cell["id"] = discussion["id"]
    return cell


def fold_discussions(nb, source):
    """Put each discussion of ``source`` (the source notebook), :func:`folded`, under the written answer of the same
    grade_id in ``nb`` (a released notebook, for a self-learner)."""
    minor, ids = nb.get("nbformat_minor", 5), {cell.get("id") for cell in nb["cells"]}

    def fold(discussion):
        cell = folded(discussion, minor)
        if discussion.get("id") in ids and "id" in cell:   # a cell of nb has its id already: a new one
            cell["id"] = markdown_cell("", {})["id"]
        return cell

    nb["cells"] = _insert(nb, source, fold)
