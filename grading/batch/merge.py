"""What comes back from a worker goes into the course and the real gradebook.

Only the grading command writes there (one thread at a time): the submission's copy, the
autograded notebooks (with the model answer and its rubric for graders under each written answer,
:mod:`grading.nbgrader_glue.grader_notes`, and the question's discussion,
:mod:`grading.nbgrader_glue.discussions`), nbgrader's own ``SaveAutoGrades`` on them, our record of the run
(:class:`grading.gradebook.RunRecord`) and the judge's verdicts
(:class:`grading.gradebook.CheckRecord`). A failure of the grading machinery leaves the
gradebook and any earlier result as they are, so that the next run tries again.
"""
import os
import shutil
from dataclasses import asdict

from grading.course import SECRET, TIMESTAMP, CourseLayout, copy_submission, remove_outputs
from grading.gradebook import tables
from grading.records import GradeResult
from grading.sandbox.landlock import sandbox_gaps

#: Most of a worker's log kept in the course (its end, where the errors are).
LOG_LIMIT = 1 << 20
#: The largest exchange secret copied (nbgrader writes 128 hexadecimal digits).
SECRET_BYTES = 1024


def grade_result(planned, worker, sandboxed):
    """The :class:`GradeResult` of ``planned`` (a :class:`grading.records.PlannedJob`) from
    ``worker`` (its :class:`grading.records.WorkerResult`), with the parent's notes: extra
    files, and (``sandboxed``: a sandbox was asked for) what the kernel was not confined from."""
    submission = planned.submission
    result = GradeResult(submission.student, submission.assignment, problem=worker.problem,
                         infrastructure=worker.infrastructure, reason=worker.reason,
                         notes=list(worker.notes), seconds=worker.seconds)
    if planned.extra_files:
        shown = ", ".join(planned.extra_files[:5]) + (" ..." if len(planned.extra_files) > 5 else "")
        result.notes.append(f"extra files not used for grading: {shown}")
    if worker.sandbox is not None and sandboxed and not result.problem:
        result.notes += [f"the kernel's sandbox is incomplete here: {gap}" for gap in sandbox_gaps(worker.sandbox)]
    return result


def merge(layout, gradebook, planned, worker, sandboxed, config):
    """Put one worker's result into the course ``layout`` and its ``gradebook`` (the command's
    :class:`grading.gradebook.session.Gradebook`); returns the
    :class:`GradeResult`. ``config`` (a callable) gives nbgrader's configuration, for
    ``SaveAutoGrades``. Never raises: a failure here is the grading machinery's."""
    result = grade_result(planned, worker, sandboxed)
    if result.infrastructure:
        # Not the student's doing: leave the gradebook and any earlier result as they
        # are, and record no content hash, so that the next run tries again.
        return keep_previous(layout, gradebook, result)
    try:
        _save(layout, gradebook, planned, worker, result, config)
    except Exception as exc:  # one submission must never stop the batch
        result.problem = result.problem or f"{type(exc).__name__}: {exc}"
        result.infrastructure = True
    return result


def _save(layout, gradebook, planned, worker, result, config):
    submission = planned.submission
    student, assignment = submission.student, submission.assignment
    copy_submission(layout, submission)
    private = CourseLayout(planned.directory / "course") if planned.directory else None
    autograded = {}
    if private is not None and not result.problem:
        folder = private.autograded_dir(student, assignment)
        autograded = {name: folder / f"{name}.ipynb" for name in planned.notebooks
                      if (folder / f"{name}.ipynb").is_file()}
        if not autograded:
            result.problem = "nbgrader produced no autograded notebook"
    remove_outputs(layout, student, assignment)
    if result.problem:
        gradebook.record_unprocessable(student, assignment)
    else:
        save_autograded(layout, gradebook, student, assignment, autograded,
                        private.submitted_dir(student, assignment) / TIMESTAMP, config())
    points = gradebook.submission_score(student, assignment)
    if points is not None:
        result.score, result.max_score = points
    gradebook.save_run(tables.RunRecord(
        student, assignment, planned.content_hash, planned.source_hash, result.outcome,
        result.problem or result.reason, result.notes, result.seconds,
    ))
    gradebook.save_checks(student, assignment, [] if result.problem else check_records(student, assignment, worker))


def save_autograded(layout, gradebook, student, assignment, autograded, timestamp, config):
    """Copy the ``autograded`` notebooks (name -> path), ``timestamp`` and the exchange's secret (from the
    course's copy of the submission) into the course and save their grades with nbgrader's ``SaveAutoGrades``
    (and late penalties). Each notebook gets, under each written answer, the source's model answer and rubric
    for the formgrader's graders (which feedback leaves out), then the source's discussion of the question (which
    release left out, and feedback shows). nbgrader's generate_feedback copies the secret on
    into the feedback folder, where release_feedback needs it."""
    # grader_notes imports nbgrader (seconds), which saving the grades below needs anyway
    from grading.nbgrader_glue.grader_notes import annotate_autograded

    dest = layout.autograded_dir(student, assignment)
    dest.mkdir(parents=True)
    for name, path in autograded.items():
        shutil.copyfile(path, dest / f"{name}.ipynb")
        annotate_autograded(dest / f"{name}.ipynb", layout.source_dir(assignment) / f"{name}.ipynb")
    secret = layout.submitted_dir(student, assignment) / SECRET
    if secret.is_file() and not secret.is_symlink() and secret.stat().st_size <= SECRET_BYTES:
        shutil.copyfile(secret, dest / SECRET)
    stamp = None
    if timestamp.is_file():
        shutil.copyfile(timestamp, dest / TIMESTAMP)
        stamp = parse_timestamp(timestamp.read_text())
    gradebook.save_autogrades(student, assignment, {name: dest / f"{name}.ipynb" for name in autograded}, stamp, config)


def keep_previous(layout, gradebook, result):
    """``result`` with the scores already in the gradebook, if any (it is left unchanged)."""
    points = None
    if layout.gradebook_exists():
        try:
            points = gradebook.submission_score(result.student, result.assignment)
        except Exception:  # the gradebook itself may be what failed
            points = None
    if points is not None:
        result.score, result.max_score = points
    return result


def check_records(student, assignment, worker):
    """The judge's verdicts of ``worker`` (a :class:`grading.records.WorkerResult`) as
    :class:`gradebook.CheckRecord` s."""
    return [
        tables.CheckRecord(**{**asdict(verdict), "visible_passed": bool(verdict.visible_passed)},
                           student=student, assignment=assignment)
        for cells in worker.verdicts.values() for _, verdict in sorted(cells.items())
    ]


def parse_timestamp(text):
    """The submission time in ``timestamp.txt``, or None if unreadable."""
    # nbgrader.utils imports most of nbgrader (seconds): only a submission with a timestamp needs it.
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text.strip())
    except Exception:  # an unreadable timestamp.txt: graded without a submission time
        return None


def log_tail(path, limit=LOG_LIMIT):
    """The last ``limit`` bytes of the log at ``path`` (its end, where the errors are)."""
    with open(path, "rb") as source:
        size = source.seek(0, os.SEEK_END)
        source.seek(max(0, size - limit))
        return source.read()


def keep_log(layout, planned):
    """Keep the end of the worker's log in the course (``COURSE/.grading/logs``)."""
    log = planned.directory / "worker.log" if planned.directory else None
    if log is None or not log.exists():
        return
    target = layout.log_file(planned.submission.student, planned.submission.assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(log_tail(log))
