"""What a grading worker gets: the private course of one assignment, and one job folder.

A *template* holds a private gradebook with only the assignment and its released notebooks,
generated once per version of the source (by nbgrader's ``generate_assignment``, in a
scratch course) and reused; it never holds any student. A *job folder* is a copy of it with
one submission's notebooks and the worker's orders (``job.json``, a
:class:`grading.records.Job`); its layout is described in :mod:`grading.worker.main`.
"""
import functools
import os
import shutil
import tempfile
from pathlib import Path

from grading.course import TIMESTAMP, CourseLayout, tree_hash
from grading.edition.build import COMPILED, HELPERS, build_edition
from grading.nbgrader_glue.api import NbGrader, PipelineError, failure_reason
from grading.records import Job


@functools.lru_cache(maxsize=1)
def helpers_hash() -> str:
    """The hash of the workbook's helpers (read once per process: template() is asked for every job)."""
    return tree_hash(HELPERS)


def template(layout, assignment, source_hash, verbose=False):
    """The template folder of ``assignment`` at ``source_hash`` in ``layout``'s work folder
    (``gradebook.db``, ``release/`` and, for a compiled notebook, ``edition/helpers``: the student edition
    its kernel imports), generated on first use (and again when the workbook's helpers change)."""
    folder = layout.work_dir / "templates" / f"{assignment}-{source_hash[:16]}-{helpers_hash()[:8]}"
    if (folder / "gradebook.db").exists():
        return folder
    scratch = Path(tempfile.mkdtemp(prefix="template-", dir=layout.work_dir))
    try:
        shutil.copytree(layout.source_dir(assignment), scratch / "course" / "source" / assignment)
        course = NbGrader(CourseLayout(scratch / "course"), verbose=verbose)
        result = course.call("generate_assignment", assignment, force=True, create=True)
        if not result["success"]:
            raise PipelineError(f"generate_assignment {assignment} failed: {failure_reason(result)}")
        built = scratch / "template"
        built.mkdir()
        shutil.copyfile(course.layout.gradebook, built / "gradebook.db")
        shutil.copytree(scratch / "course" / "release" / assignment, built / "release")
        source = layout.source_dir(assignment) / f"{assignment}.ipynb"
        if assignment in COMPILED and source.is_file():
            build_edition(built / "edition", {assignment: source})
        if folder.exists():
            shutil.rmtree(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.replace(built, folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


def released_notebooks(folder):
    """The notebook names (stems) of a template's release."""
    return sorted(p.stem for p in (folder / "release").glob("*.ipynb"))


def submission_problem(submission):
    """Why ``submission`` (a :class:`grading.course.Submission`) cannot be graded, as the parent
    sees it without opening the notebook ('' if it looks gradable)."""
    if submission.notebook.is_symlink():
        return f"{submission.notebook.name} is a symbolic link, not a file"
    if not submission.notebook.exists():
        others = submission.other_notebooks()
        found = f" (found: {', '.join(others)})" if others else " (no notebook at all)"
        return f"no {submission.notebook.name} in the submission{found}"
    if not submission.notebook.is_file():
        return f"{submission.notebook.name} is not a file"
    return ""


def prepare_job_folder(layout, planned, template_folder, limits, root):
    """Write the job folder of ``planned`` (a :class:`grading.records.PlannedJob`) under
    ``root``: the template's copy, the assignment's source, the submitted notebooks and
    ``timestamp.txt``, and ``job.json``. Sets and returns ``planned.directory``."""
    submission = planned.submission
    student, assignment = submission.student, submission.assignment
    directory = Path(tempfile.mkdtemp(prefix=f"{student}-{assignment}-"[:60], dir=root))
    private = CourseLayout(directory / "course")
    shutil.copytree(template_folder / "release", directory / "release")
    if (template_folder / "edition").is_dir():
        shutil.copytree(template_folder / "edition", directory / "edition")
    private.root.mkdir()
    shutil.copyfile(template_folder / "gradebook.db", private.gradebook)
    shutil.copytree(layout.source_dir(assignment), private.source_dir(assignment))
    submitted = private.submitted_dir(student, assignment)
    submitted.mkdir(parents=True)
    for name in [f"{nb}.ipynb" for nb in planned.notebooks] + [TIMESTAMP]:
        path = submission.path / name
        if path.is_file() and not path.is_symlink():
            shutil.copyfile(path, submitted / name)
    (directory / "job.json").write_text(Job(student, assignment, planned.notebooks, limits).to_json())
    planned.directory = directory
    return directory
