"""The course's cells as grading reads them, in a notebook that a student may have filled with anything: nbgrader's
metadata, the course's own (``{"nnfs": {...}}``, :data:`MARK`) and the text. A value of the wrong type reads as
absent. A cell is a ``dict`` (an nbformat cell, or one read with ``json``, whose source may be a list of lines).
"""
from nbformat.v4 import new_markdown_cell

#: The key of this course's own cell metadata (``{"nnfs": {"for_graders": true}}``).
MARK = "nnfs"


def cell_metadata(cell, key):
    """``cell.metadata[key]`` if it is a dict, else ``{}``."""
    metadata = cell.get("metadata")
    value = metadata.get(key) if isinstance(metadata, dict) else None
    return value if isinstance(value, dict) else {}


def is_marked(cell, flag):
    """True if the course's metadata of ``cell`` sets ``flag``."""
    return bool(cell_metadata(cell, MARK).get(flag))


def grade_id(cell):
    """The cell's nbgrader ``grade_id``, or None (none, or not a string)."""
    value = cell_metadata(cell, "nbgrader").get("grade_id")
    return value if isinstance(value, str) else None


def is_written_answer(cell):
    """True for a written answer cell: Markdown that nbgrader grades by hand (``solution`` and ``grade``)."""
    flags = cell_metadata(cell, "nbgrader")
    return cell.get("cell_type") == "markdown" and bool(flags.get("solution")) and bool(flags.get("grade"))


def text(cell):
    """The cell's source as one string (a list of lines joined; anything else reads as ``""``)."""
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(line for line in source if isinstance(line, str))
    return source if isinstance(source, str) else ""


def markdown_cell(source, metadata, nbformat_minor=5):
    """A new Markdown cell; in a notebook older than nbformat 4.5 (``nbformat_minor``), without a cell id."""
    cell = new_markdown_cell(source, metadata=metadata)
    if isinstance(nbformat_minor, int) and nbformat_minor < 5:
        cell.pop("id", None)
    return cell
