"""The grading structure restored before nbgrader sees a submission."""

import nbformat

from grading_fixture import fixture


def _release_like():
    nb = fixture.build_notebook()
    for c in nb.cells:
        c.metadata.nbgrader["checksum"] = "abc"
    return nb


def test_sanitize_notes_and_restores_the_grading_structure():
    from grading.worker.sanitize import sanitize

    release = _release_like()
    assert sanitize(fixture.build_notebook(), release) == []

    nb = fixture.build_notebook()
    tests = {c.metadata.nbgrader["grade_id"]: c for c in nb.cells}
    tests["test_relu"].source = "assert True"
    tests["test_relu"].metadata.nbgrader["points"] = 100
    tests["softmax"].cell_type = "markdown"
    tests["test_softmax"].metadata.nbgrader["grade_id"] = "renamed"
    nb.cells.remove(tests["ex1_text"])
    duplicate = nbformat.from_dict(dict(tests["imports"]))
    duplicate["id"] = "copy-of-imports"
    nb.cells.insert(0, duplicate)
    notes = sanitize(nb, release)
    assert "test cell test_relu was edited; the released version is graded" in notes
    assert "the nbgrader metadata of test cell test_relu was changed; restored" in notes
    assert "answer cell softmax was changed from code to markdown; it is graded as code" in notes
    assert any("grade_id 'renamed', which the assignment does not have" in n for n in notes)
    assert "test cell test_softmax was deleted; it was put back and graded" in notes
    assert "read-only cell ex1_text was deleted; it is missing" in notes
    assert "grade_id imports appears 2 times; only the last copy is graded" in notes
    # restored: points from the release, no nbgrader metadata on the renamed cell or the
    # first copy of a duplicate (nbgrader 0.9.6 crashes on the '{}' its DeduplicateIds leaves)
    assert tests["test_relu"].metadata.nbgrader["points"] == 2
    assert "nbgrader" not in tests["test_softmax"].metadata
    assert "nbgrader" not in duplicate.metadata and "nbgrader" in tests["imports"].metadata


def test_sanitize_puts_moved_test_cells_back_where_they_were_released():
    """A test cell moved below later tests (or above its exercise) is graded where it was released, with a
    note: a test runs when its exercise is defined, never after later tests lent their building blocks."""
    from grading.worker.sanitize import sanitize

    release = _release_like()
    order = [c.metadata.nbgrader["grade_id"] for c in release.cells]
    tests = [grade_id for grade_id in order if grade_id.startswith("test_")]
    assert len(tests) >= 2
    nb = fixture.build_notebook()
    first = next(c for c in nb.cells if c.metadata.nbgrader["grade_id"] == tests[0])
    nb.cells.remove(first)
    nb.cells.append(first)                                   # moved to the very end
    last = next(c for c in nb.cells if c.metadata.nbgrader["grade_id"] == tests[-1])
    nb.cells.remove(last)
    nb.cells.insert(0, last)                                 # moved above everything
    notes = sanitize(nb, release)
    assert [c.metadata.nbgrader["grade_id"] for c in nb.cells] == order
    before = {grade_id: order[order.index(grade_id) - 1] for grade_id in (tests[0], tests[-1])}
    assert sorted(notes) == sorted(f"test cell {t} was moved; it is graded where it was released, after {b}"
                                   for t, b in before.items())


def test_a_grade_id_that_is_not_a_string_is_broken_metadata():
    """A grade_id edited into a list (unhashable) or a number: the cell runs as an ordinary cell, with a note."""
    from grading.worker.sanitize import sanitize

    nb = fixture.build_notebook()
    by_id = {c.metadata.nbgrader["grade_id"]: c for c in nb.cells}
    by_id["relu"].metadata.nbgrader["grade_id"] = ["relu"]
    by_id["test_relu"].metadata.nbgrader["grade_id"] = 7
    notes = sanitize(nb, _release_like())
    assert sum("has broken nbgrader metadata" in note for note in notes) == 2, notes
    assert "nbgrader" not in by_id["relu"].metadata and "nbgrader" not in by_id["test_relu"].metadata
