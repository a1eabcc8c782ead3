"""Where things are: the course layout, finding and copying notebooks and submissions, their hashes."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grading.course import (CourseError, CourseLayout, Submission, add_student_copies, copy_submission, find_notebooks,
                            find_submissions)
from grading_fixture import fixture


def test_committed_fixture_matches_its_builder():
    committed = nbformat.read(str(fixture.FIXTURE_PATH), as_version=4)
    built = fixture.build_notebook()
    assert [(c.cell_type, c.source, c.metadata) for c in committed.cells] == \
        [(c.cell_type, c.source, c.metadata) for c in built.cells]


def test_find_notebooks(tmp_path):
    for name in ("02_b", "01_a"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    assert list(find_notebooks(tmp_path)) == ["01_a", "02_b"]
    assert list(find_notebooks(tmp_path, ["02_b"])) == ["02_b"]
    with pytest.raises(CourseError, match="03_c"):
        find_notebooks(tmp_path, ["03_c"])
    assert find_notebooks(tmp_path / "missing") == {}


def test_add_student_copies_never_overwrites(tmp_path):
    released = {}
    for name in ("01_a", "02_b"):
        released[name] = tmp_path / f"release_{name}.ipynb"
        nbformat.write(new_notebook(cells=[new_code_cell(f"# released {name}")],
                                    metadata={"language_info": {"name": "python"}}), str(released[name]))
    dest = tmp_path / "student"
    dest.mkdir()
    (dest / "01_a.ipynb").write_text("my work")
    added, kept = add_student_copies(released, dest)
    assert added == [dest / "02_b.ipynb"] and kept == [dest / "01_a.ipynb"]
    assert (dest / "01_a.ipynb").read_text() == "my work"
    copy = nbformat.read(str(dest / "02_b.ipynb"), as_version=4)
    assert copy.cells[0].source == "# released 02_b"
    # the kernel's own language_info: JupyterLab has nothing to rewrite, the copy opens unchanged
    from ipykernel.ipkernel import IPythonKernel
    assert copy.metadata.language_info == IPythonKernel.language_info


def test_submissions_are_found_and_copied_not_linked(tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice" / "01_a").mkdir(parents=True)
    (subs / "alice" / "01_a" / "01_a.ipynb").write_text("alice's")
    (subs / "alice" / ".ipynb_checkpoints").mkdir()
    (subs / "bob" / "02_b").mkdir(parents=True)
    (subs / "bob" / "02_b" / "Untitled.ipynb").write_text("?")
    (subs / "notes.txt").write_text("not a student")
    found = find_submissions(subs)
    assert [(s.student, s.assignment) for s in found] == [("alice", "01_a"), ("bob", "02_b")]
    assert find_submissions(subs, ["02_b"]) == [found[1]]
    assert found[1].other_notebooks() == ["Untitled.ipynb"]

    layout = CourseLayout(tmp_path / "course")
    stale = layout.submitted_dir("alice", "01_a") / "stale.txt"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    dest = copy_submission(layout, found[0])
    copied = dest / "01_a.ipynb"
    assert copied.read_text() == "alice's" and not copied.is_symlink() and not stale.exists()
    # grading the course's own submitted/ folder leaves it in place
    assert copy_submission(layout, Submission("alice", "01_a", dest)) == dest
    assert copied.exists()
    with pytest.raises(CourseError):
        find_submissions(tmp_path / "nowhere")


def test_db_url_is_absolute_sqlite_with_timeout(tmp_path):
    url = CourseLayout(tmp_path / "c").db_url
    assert url == f"sqlite:///{(tmp_path / 'c').resolve()}/gradebook.db?timeout=60"


def test_tree_hash_sees_content_and_names_not_hidden_files(tmp_path):
    from grading.course import tree_hash

    (tmp_path / "a.ipynb").write_text("one")
    first = tree_hash(tmp_path)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("x")
    assert tree_hash(tmp_path) == first
    (tmp_path / "a.ipynb").write_text("two")
    assert tree_hash(tmp_path) != first
    (tmp_path / "a.ipynb").write_text("one")
    (tmp_path / "b.txt").write_text("")
    assert tree_hash(tmp_path) != first
