"""Running nbgrader on the course: release, autograde, feedback, export.

nbgrader runs in-process (:class:`grading.nbgrader_glue.api.NbGrader`); except autograding, where
each submission runs in a worker process of its own (:mod:`grading.worker.main`, started and
supervised by :mod:`grading.batch.isolation`), in a private copy of the course
(:mod:`grading.batch.jobs`), ``jobs`` at a time, under :class:`grading.limits.Limits`; or, given a Dask
cluster, one task per submission on its workers (:mod:`grading.batch.cluster`), which do the same there.
This process alone writes the results into the gradebook (:mod:`grading.batch.merge`).
"""
import fcntl
import os
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from html import escape
from pathlib import Path

from grading.batch.isolation import run_isolated, worker_result
from grading.batch.jobs import prepare_job_folder, released_notebooks, submission_problem, template
from grading.batch.merge import keep_log, merge
from grading.course import SECRET, TIMESTAMP, CourseError, CourseLayout, install_sources, tree_hash
from grading.edition.build import build_edition
from grading.edition.wheel import NAME as WHEEL_NAME, build_wheel
from grading.gradebook import tables
from grading.gradebook.database import normalize_db_url
from grading.gradebook.session import Gradebook
from grading.limits import Limits
from grading.nbgrader_glue.api import (NbGrader, PipelineError, course_settings, ensure_scripts_on_path,
                                       failure_reason, write_formgrader_config)
from grading.records import GradeResult, PlannedJob, WorkerResult


def default_jobs():
    """Worker processes by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class Grader:
    """One nbgrader course directory.

    ``db_url`` selects the gradebook and ``course_id`` names the course (default: what the course's
    ``nbgrader_config.py``, written by release, names; else SQLite ``COURSE/gradebook.db`` and nbgrader's
    default course); ``limits`` and ``jobs`` (worker processes, default: the number of cores) apply to
    autograding. ``cluster``: a ``distributed.Client`` (:func:`grading.batch.cluster.open_cluster`) whose
    workers grade instead of this machine's (``jobs`` does not apply then).
    """

    def __init__(self, course_root, verbose=False, db_url=None, limits=None, jobs=None, course_id=None,
                 cluster=None):
        known_url, known_course = course_settings(course_root)   # what release wrote into the course
        self.layout = CourseLayout(course_root, normalize_db_url(db_url or known_url), course_id or known_course)
        self.verbose = verbose
        self.limits = limits or Limits()
        self.jobs = jobs or default_jobs()
        self.cluster = cluster
        self.nbgrader = NbGrader(self.layout, verbose=verbose)
        self.gradebook = Gradebook(self.layout.db_url, self.layout.course_id)   # opened on first use, once

    def close(self):
        """Close the gradebook (a command's end; using the grader again opens it again)."""
        self.gradebook.close()

    @property
    def api(self):
        """The ``NbGraderAPI`` of this course (created on first use)."""
        return self.nbgrader.api

    # -- release -----------------------------------------------------------------

    def release(self, notebooks):
        """Copy the sources in and generate their student versions (forced).

        ``notebooks`` maps assignment id to source notebook. Returns a map from id to
        released notebook. Raises :class:`PipelineError` if any generation fails.
        """
        install_sources(self.layout, notebooks)
        write_formgrader_config(self.layout)
        released = {}
        for assignment in notebooks:
            result = self.nbgrader.call("generate_assignment", assignment, force=True, create=True)
            path = self.layout.release_notebook(assignment)
            if not result["success"] or not path.exists():
                raise PipelineError(f"generate_assignment {assignment} failed: {failure_reason(result)}")
            released[assignment] = path
        return released

    def write_edition(self, notebooks):
        """Write ``COURSE/release/helpers``, the student edition of helpers for the released ``notebooks``
        (:mod:`grading.edition.build`), and its wheel beside it (:mod:`grading.edition.wheel`, replacing an earlier
        release's); returns its :class:`~grading.edition.build.Edition`."""
        release = self.layout.root / "release"
        edition = build_edition(release, notebooks)
        for old in release.glob(f"{WHEEL_NAME}-*.whl"):
            old.unlink()
        edition.wheel = build_wheel(edition.path, release)
        return edition

    def known_assignments(self):
        """Assignment ids already released into this course's gradebook."""
        if not self.layout.gradebook_exists():
            return set()
        return self.gradebook.assignment_ids()

    # -- autograde: planning -------------------------------------------------------

    @contextmanager
    def _course_lock(self):
        """One grading run at a time per course directory."""
        self.layout.work_dir.mkdir(parents=True, exist_ok=True)
        with open(self.layout.work_dir / "autograde.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PipelineError(
                    f"another autograde run is using {self.layout.root}; wait for it to finish"
                ) from None
            yield

    def _source_hash(self, assignment):
        return tree_hash(self.layout.source_dir(assignment))

    def _template(self, assignment, source_hash):
        return template(self.layout, assignment, source_hash, verbose=self.verbose)

    def prepare(self, assignments):
        """Build now the private-course templates of released ``assignments``, which
        autograding otherwise builds on first use (once per assignment and source version)."""
        with self._course_lock():
            for assignment in assignments:
                self._template(assignment, self._source_hash(assignment))

    def _unchanged(self, submission, run, content_hash, source_hash):
        """The recorded result of ``submission`` if it needs no grading again, else None."""
        if (run is None or run.outcome not in tables.FINAL_OUTCOMES
                or run.content_hash != content_hash or run.source_hash != source_hash):
            return None
        points = self.gradebook.submission_score(submission.student, submission.assignment)
        if points is None:
            return None
        result = GradeResult(submission.student, submission.assignment, *points, skipped=True,
                             reason=run.reason, notes=run.notes)
        if run.outcome == "zeroed":
            result.problem = run.reason
        return result

    def _plan(self, submissions, known, force):
        """Split ``submissions`` into results known at once and jobs for the workers."""
        runs = self.gradebook.load_runs() if known else {}
        source_hashes = {a: self._source_hash(a) for a in known}
        done, jobs = [], []
        for submission in submissions:
            student, assignment = submission.student, submission.assignment
            if assignment not in known:
                done.append(GradeResult(
                    student, assignment,
                    problem=f"unknown assignment {assignment!r} (no such notebook)",
                ))
                continue
            content_hash = tree_hash(submission.path)
            known_result = None if force else self._unchanged(
                submission, runs.get((student, assignment)), content_hash, source_hashes[assignment])
            if known_result is not None:
                done.append(known_result)
                continue
            notebooks = released_notebooks(self._template(assignment, source_hashes[assignment]))
            expected = {f"{name}.ipynb" for name in notebooks} | {TIMESTAMP, SECRET}
            jobs.append(PlannedJob(submission, content_hash, source_hashes[assignment], notebooks,
                                   submission.extra_files(expected)))
        return done, jobs

    # -- autograde: one job ----------------------------------------------------------

    def _prepare_job(self, job, root):
        """Write the job folder of ``job`` under ``root`` (from its assignment's template); returns it."""
        template_folder = self._template(job.submission.assignment, job.source_hash)
        return prepare_job_folder(self.layout, job, template_folder, self.limits, root)

    def _run_job(self, job, root, cancel):
        """Worker-thread part: prepare, run the worker under the hard limits, read its result
        (a :class:`grading.records.WorkerResult`)."""
        directory = self._prepare_job(job, root)
        return worker_result(directory, run_isolated(directory, self.limits, len(job.notebooks), cancel=cancel))

    def _merge(self, job, worker):
        """Main-thread part: put one worker's result into the course and the gradebook."""
        return merge(self.layout, self.gradebook, job, worker, self.limits.sandbox, lambda: self.api.config)

    def _finish_job(self, job, worker, finish):
        """Main-thread part: merge ``worker`` (the job's :class:`WorkerResult`), keep its log, remove its folder."""
        finish(self._merge(job, worker))
        keep_log(self.layout, job)
        if job.directory is not None:
            shutil.rmtree(job.directory, ignore_errors=True)

    # -- autograde: the batch ----------------------------------------------------------

    def autograde(self, submission, force=True):
        """Autograde one submission (see :meth:`autograde_all`); never raises."""
        return self.autograde_all([submission], force=force)[0]

    def autograde_all(self, submissions, notebooks=None, progress=None, force=False):
        """Autograde ``submissions`` (from :func:`course.find_submissions`), ``jobs`` at a time.

        Assignments not yet in the gradebook are released first from ``notebooks`` (id to
        source notebook); a submission for an assignment that neither knows is reported
        as failed. A submission whose files (and assignment source) are unchanged since it
        was last graded is not graded again unless ``force``. ``progress`` is called with
        each :class:`GradeResult` as it is done. Writes ``grades.csv`` and
        ``grading_report.csv`` at the end. Returns the results sorted by student.
        """
        notebooks = notebooks or {}
        ensure_scripts_on_path()
        results = []

        def finish(result):
            results.append(result)
            if progress:
                progress(result)

        with self._course_lock():
            known = self.known_assignments()
            wanted = {s.assignment for s in submissions}
            to_release = {a: notebooks[a] for a in sorted(wanted - known) if a in notebooks}
            if to_release:
                self.release(to_release)
                known |= set(to_release)
            known &= wanted
            done, jobs = self._plan(submissions, known, force)
            for result in done:
                finish(result)
            runnable = []
            for job in jobs:
                problem = submission_problem(job.submission)
                if problem:
                    finish(self._merge(job, WorkerResult.failure(problem)))
                else:
                    runnable.append(job)
            if runnable and self.cluster is not None:
                self._run_on_cluster(runnable, finish)
            elif runnable:
                self._run_parallel(runnable, finish)
            if known:
                self.write_csv()
        return sorted(results, key=lambda r: (r.student, r.assignment))

    def _run_parallel(self, jobs, finish):
        cancel = threading.Event()
        with tempfile.TemporaryDirectory(prefix="nnfs-grading-") as root:
            root = Path(root)
            with ThreadPoolExecutor(max_workers=min(self.jobs, len(jobs))) as pool:
                futures = {pool.submit(self._run_job, job, root, cancel): job for job in jobs}
                try:
                    for future in as_completed(futures):
                        job = futures[future]
                        try:
                            worker = future.result()
                        except Exception as exc:  # preparing the job failed: ours, not the student's
                            worker = WorkerResult.failure(f"{type(exc).__name__}: {exc}", infrastructure=True)
                        self._finish_job(job, worker, finish)
                except BaseException:  # Ctrl-C: stop every worker, with its kernel
                    cancel.set()
                    raise

    def _run_on_cluster(self, jobs, finish):
        """Grade ``jobs`` on the Dask cluster: the job folders are prepared here, graded there, merged here."""
        # distributed takes a second to import: only grading on a cluster needs it.
        from grading.batch.cluster import grade_on_cluster

        with tempfile.TemporaryDirectory(prefix="nnfs-grading-") as root:
            grade_on_cluster(self.cluster, jobs, lambda job: self._prepare_job(job, Path(root)),
                             lambda job, worker: self._finish_job(job, worker, finish))

    # -- feedback and export -----------------------------------------------------

    def feedback(self, assignments=None):
        """Generate feedback HTML for every autograded submission (of ``assignments``).

        A submission that could not be graded gets a short page with the reason instead.
        Returns ``{(student, assignment): html_path}`` for those that have feedback.
        Raises :class:`PipelineError` if nbgrader fails for an assignment.
        """
        pairs = self.layout.autograded_pairs()
        if assignments:
            pairs = [pair for pair in pairs if pair[1] in assignments]
        for assignment in sorted({a for _, a in pairs}):
            result = self.nbgrader.call("generate_feedback", assignment, force=True)
            if not result["success"]:
                raise PipelineError(f"generate_feedback {assignment} failed: {failure_reason(result)}")
        feedback = {
            pair: self.layout.feedback_html(*pair)
            for pair in pairs
            if self.layout.feedback_html(*pair).exists()
        }
        if self.layout.gradebook_exists():
            for (student, assignment), run in self.gradebook.load_runs().items():
                if run.outcome != "zeroed" or (assignments and assignment not in assignments):
                    continue
                if (student, assignment) in feedback:
                    continue
                path = self.layout.feedback_html(student, assignment)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(_unprocessable_page(student, assignment, run.reason))
                feedback[(student, assignment)] = path
        return feedback

    def write_csv(self):
        """Write ``grades.csv`` (nbgrader's) and ``grading_report.csv`` (outcomes, reasons)."""
        self.gradebook.export_csv(self.layout.grades_csv)
        self.gradebook.export_report(self.layout.grading_report)
        return self.layout.grades_csv

    def export(self):
        """Write ``COURSE/grades.csv`` and the report; return the CSV's path and the score rows."""
        if not self.layout.gradebook_exists():
            raise CourseError(f"no gradebook in {self.layout.root}: release and autograde first")
        path = self.write_csv()
        return path, self.gradebook.all_scores()

    def runs(self):
        """Our record of each graded submission (outcome, reason, notes)."""
        if not self.layout.gradebook_exists():
            return {}
        return self.gradebook.load_runs()


def _unprocessable_page(student, assignment, reason):
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{escape(assignment)}: not graded</title></head><body>\n"
        f"<h1>{escape(assignment)}</h1>\n"
        f"<p>The submission of <b>{escape(student)}</b> could not be graded, so it scores 0.</p>\n"
        f"<p>Reason: {escape(reason)}</p>\n"
        "<p>Fix the problem and submit again; ask your instructor if the reason is unclear.</p>\n"
        "</body></html>\n"
    )
