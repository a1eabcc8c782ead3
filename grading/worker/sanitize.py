"""Before nbgrader sees a submission: compare it with the released notebook, note what the
student changed in the grading structure, and make the structure one nbgrader can grade.

nbgrader itself restores an edited locked cell, a changed cell type, changed points and
(with ``add_missing_cells``) a deleted test cell. It cannot cope with some other changes:
a grade cell whose ``grade_id`` was renamed keeps ``grade: true`` without an id and makes
the whole submission fail to process; flipped ``grade``/``solution`` flags are not
restored; and a duplicated ``grade_id`` makes nbgrader 0.9.6 crash (its DeduplicateIds
leaves ``nbgrader: {}`` behind, which OverwriteCells' missing-task-cell check cannot
read). So every cell whose ``grade_id`` the release knows gets the release's nbgrader
metadata back, only the last copy of a duplicated ``grade_id`` keeps it (the copy
nbgrader would grade), and a cell with an unknown ``grade_id`` becomes an ordinary cell.
A test cell moved elsewhere (below a later exercise's test, say) is put back where it was
released, right after the graded cell that precedes it there: a test runs when its exercise
is defined, not after later tests have run.

The notes say what was found, for the instructor's report. They compare with the
*release* notebook, because nbgrader's own "checksum has changed" warning fires for
every test cell that had hidden tests, tampered or not.
"""
import copy

from grading.nbgrader_glue.cells import grade_id as grade_id_of

#: ``metadata.nbgrader`` keys that nbgrader recomputes; a difference there is not a change.
_DERIVED_KEYS = {"checksum", "cell_type"}


def _kind(meta):
    if meta.get("grade") and not meta.get("solution"):
        return "test cell"
    if meta.get("solution"):
        return "answer cell"
    return "read-only cell"


def _comparable(meta):
    return {k: v for k, v in meta.items() if k not in _DERIVED_KEYS}


def sanitize(nb, release_nb):
    """Restore the grading structure of ``nb`` (in place) from ``release_nb``; return notes.

    Each note is one sentence for the instructor, e.g. ``"test cell test_relu was
    edited; the released version is graded"``.
    """
    release = {}
    for cell in release_nb.cells:
        grade_id = grade_id_of(cell)
        if grade_id:
            release[grade_id] = cell
    notes, seen = [], {}
    for number, cell in enumerate(nb.cells, start=1):
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            continue
        grade_id = grade_id_of(cell)
        if grade_id not in release:
            what = f"grade_id {grade_id!r}" if grade_id else "broken nbgrader metadata"
            notes.append(f"cell {number} has {what}, which the assignment does not have "
                         "(renamed?); it runs as an ordinary cell")
            del cell.metadata["nbgrader"]
            continue
        seen[grade_id] = seen.get(grade_id, 0) + 1
        if seen[grade_id] > 1:
            continue  # reported once below; nbgrader grades the last copy
        ref = release[grade_id]
        kind = _kind(ref.metadata.nbgrader)
        if cell.cell_type != ref.cell_type:
            notes.append(f"{kind} {grade_id} was changed from {ref.cell_type} to {cell.cell_type}; "
                         f"it is graded as {ref.cell_type}")
        elif ref.metadata.nbgrader.get("locked") and cell.source.strip() != ref.source.strip():
            notes.append(f"{kind} {grade_id} was edited; the released version is graded")
        if _comparable(meta) != _comparable(ref.metadata.nbgrader):
            notes.append(f"the nbgrader metadata of {kind} {grade_id} was changed; restored")
    for grade_id, count in seen.items():
        if count > 1:
            notes.append(f"grade_id {grade_id} appears {count} times; only the last copy is graded")
    for grade_id, ref in release.items():
        if grade_id not in seen:
            kind = _kind(ref.metadata.nbgrader)
            restored = "it was put back and graded" if kind == "test cell" else "it is missing"
            notes.append(f"{kind} {grade_id} was deleted; {restored}")
    last = {}
    for cell in nb.cells:
        grade_id = grade_id_of(cell)
        if grade_id in release:
            last[grade_id] = cell
    for cell in nb.cells:
        grade_id = grade_id_of(cell)
        if grade_id in release:
            if last[grade_id] is cell:
                cell.metadata["nbgrader"] = copy.deepcopy(release[grade_id].metadata["nbgrader"])
            else:
                del cell.metadata["nbgrader"]
    return notes + _tests_put_back(nb, release_nb)


def _tests_put_back(nb, release_nb):
    """Move each test cell of ``nb`` that is not where the release has it back after the graded cell that
    precedes it in the release; the notes."""
    order = [grade_id_of(cell) for cell in release_nb.cells if grade_id_of(cell)]
    notes = []
    for position, grade_id in enumerate(order):
        cells = nb.cells
        index = next((i for i, cell in enumerate(cells) if grade_id_of(cell) == grade_id), None)
        if index is None or position == 0 or _kind(cells[index].metadata["nbgrader"]) != "test cell":
            continue
        before = order[position - 1]
        graded_before = [grade_id_of(cell) for cell in cells[:index] if grade_id_of(cell)]
        if graded_before and graded_before[-1] == before:
            continue
        anchor = next((i for i, cell in enumerate(cells) if grade_id_of(cell) == before), None)
        if anchor is None:
            continue
        cell = cells.pop(index)
        cells.insert(anchor + (anchor < index), cell)
        notes.append(f"test cell {grade_id} was moved; it is graded where it was released, after {before}")
    return notes
