"""What a grading worker gets (grading/batch/jobs.py): a submission's problems seen from outside, and a job folder
with the template's copy, the submitted notebooks only, and the worker's orders."""
import json
import os

import pytest

from grading.batch.jobs import helpers_hash, prepare_job_folder, released_notebooks, submission_problem
from grading.course import CourseLayout, Submission
from grading.limits import Limits
from grading.records import Job, PlannedJob


def _submission(tmp_path, files):
    folder = tmp_path / "submitted" / "ann" / "01_a"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return Submission("ann", "01_a", folder)


@pytest.mark.parametrize("files, problem", [
    ({"01_a.ipynb": "{}"}, ""),
    ({}, "no 01_a.ipynb in the submission (no notebook at all)"),
    ({"01_b.ipynb": "{}"}, "no 01_a.ipynb in the submission (found: 01_b.ipynb)"),
])
def test_a_submissions_problem_is_named_before_any_worker_starts(tmp_path, files, problem):
    assert submission_problem(_submission(tmp_path, files)) == problem


def test_a_linked_or_folder_notebook_is_refused(tmp_path):
    submission = _submission(tmp_path, {"elsewhere.txt": "{}"})
    os.symlink(submission.path / "elsewhere.txt", submission.notebook)
    assert submission_problem(submission) == "01_a.ipynb is a symbolic link, not a file"
    submission.notebook.unlink()
    submission.notebook.mkdir()
    assert submission_problem(submission) == "01_a.ipynb is not a file"


def _template(tmp_path):
    template = tmp_path / "template"
    (template / "release").mkdir(parents=True)
    (template / "release" / "01_a.ipynb").write_text("released")
    (template / "edition" / "helpers").mkdir(parents=True)
    (template / "gradebook.db").write_bytes(b"template gradebook")
    layout = CourseLayout(tmp_path / "course")
    layout.source_dir("01_a").mkdir(parents=True)
    (layout.source_dir("01_a") / "01_a.ipynb").write_text("source")
    return layout, template


def test_a_job_folder_holds_the_template_the_submitted_notebooks_and_the_orders(tmp_path):
    layout, template = _template(tmp_path)
    assert released_notebooks(template) == ["01_a"]
    submission = _submission(tmp_path, {"01_a.ipynb": "answer", "timestamp.txt": "2026-12-07", "notes.txt": "x"})
    os.symlink("/etc/passwd", submission.path / "passwd.ipynb")
    planned = PlannedJob(submission, "c" * 64, "s" * 64, ["01_a", "passwd"], ["notes.txt"])
    limits = Limits(timeout=100, cell_timeout=10)
    directory = prepare_job_folder(layout, planned, template, limits, tmp_path)
    assert planned.directory == directory and directory.parent == tmp_path
    private = CourseLayout(directory / "course")
    submitted = private.submitted_dir("ann", "01_a")
    assert sorted(p.name for p in submitted.iterdir()) == ["01_a.ipynb", "timestamp.txt"]  # no link, no extra file
    assert (directory / "release" / "01_a.ipynb").read_text() == "released"
    assert (directory / "edition" / "helpers").is_dir()
    assert private.gradebook.read_bytes() == b"template gradebook"
    assert (private.source_dir("01_a") / "01_a.ipynb").read_text() == "source"
    job = Job.from_json((directory / "job.json").read_text())
    assert (job.student, job.assignment, job.notebooks, job.limits) == ("ann", "01_a", ["01_a", "passwd"], limits)
    assert json.loads((directory / "job.json").read_text())["student"] == "ann"


def test_the_helpers_hash_is_read_once_per_process():
    assert helpers_hash() == helpers_hash() and helpers_hash.cache_info().hits >= 1
