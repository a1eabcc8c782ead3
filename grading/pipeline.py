"""Running nbgrader on the course: release, autograde, feedback, export.

nbgrader runs in-process through ``NbGraderAPI`` (much faster than its command line),
configured from ``grading/nbgrader_config.py``; except autograding, where each
submission runs in a worker process of its own, in a private copy of the course
(:mod:`grading.worker`, :mod:`grading.isolation`), ``jobs`` at a time, under
:class:`grading.limits.Limits`. This process alone writes the results into the gradebook.
"""
import fcntl
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from sqlalchemy.exc import SAWarning

from . import gradebook
from .course import (
    CourseError,
    CourseLayout,
    copy_submission,
    install_sources,
    remove_outputs,
    tree_hash,
)
from .limits import Limits, sandbox_gaps

CONFIG_FILE = Path(__file__).resolve().parent / "nbgrader_config.py"

#: Failure reasons that point at the grading machinery, not at a student's notebook.
INFRASTRUCTURE_PATTERNS = (
    "OperationalError",
    "database",
    "NoSuchKernel",
    "No such kernel",
    "before replying to kernel_info",
)


def ensure_scripts_on_path():
    """Put this interpreter's scripts folder (``.venv/bin``) first on ``PATH``.

    nbgrader runs the ``alembic`` command by name when it creates a gradebook, which
    fails when the virtual environment's Python is run without activating it.
    """
    scripts = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if scripts not in path.split(os.pathsep):
        os.environ["PATH"] = scripts + (os.pathsep + path if path else "")


def default_jobs():
    """Worker processes by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def load_config(layout):
    """The course configuration, with ``CourseDirectory.root`` and ``db_url`` set.

    With a database server, ``course_id`` defaults to ``default_course``: nbgrader's own
    default, ``''``, names no row of its ``course`` table, which SQLite lets pass and
    PostgreSQL's foreign keys refuse (``generate_assignment`` fails).
    """
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()
    config.CourseDirectory.root = str(layout.root)
    config.CourseDirectory.db_url = layout.db_url
    if not gradebook.is_sqlite(layout.db_url) and not config.CourseDirectory.get("course_id"):
        config.CourseDirectory.course_id = "default_course"
    return config


FORMGRADER_CONFIG = """\
# Written by `python -m grading release` (do not edit: the next release rewrites it).
# nbgrader's formgrader (`make formgrader`, JupyterLab started in this folder) reads it: the
# course configuration of the repository, with this course directory and its gradebook.
c = get_config()  # noqa: F821
load_subconfig({config_name!r}, path={config_dir!r})  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
"""


def write_formgrader_config(layout):
    """Write COURSE/nbgrader_config.py so that the formgrader, started in the course directory,
    uses this repository's course configuration and the same gradebook as the command."""
    config = load_config(layout)
    # Never a password in the course folder: the formgrader's libpq reads ~/.pgpass instead.
    text = FORMGRADER_CONFIG.format(config_name=CONFIG_FILE.name, config_dir=str(CONFIG_FILE.parent),
                                    root=str(layout.root), db_url=gradebook.without_password(layout.db_url))
    if config.CourseDirectory.get("course_id"):
        text += f"c.CourseDirectory.course_id = {config.CourseDirectory.course_id!r}\n"
    path = layout.root / "nbgrader_config.py"
    path.write_text(text)
    return path


@dataclass
class GradeResult:
    """Outcome of autograding one submission."""

    student: str
    assignment: str
    score: float | None = None
    max_score: float | None = None
    problem: str = ""          # why it could not be graded at all (then it scores 0)
    infrastructure: bool = False
    reason: str = ""           # graded, but a limit stopped some cells: which, and why
    notes: list = field(default_factory=list)  # tampering found, extra files ignored...
    skipped: bool = False      # unchanged since it was graded: not graded again
    seconds: float = 0.0

    @property
    def graded(self):
        return not self.problem

    @property
    def outcome(self):
        """``graded``, ``limited`` (a limit cost some cells), ``zeroed`` or ``error``."""
        if self.infrastructure:
            return "error"
        if self.problem:
            return "zeroed"
        return "limited" if self.reason else "graded"

    @property
    def status(self):
        if self.problem:
            return f"failed to process: {self.problem}"
        if self.skipped:
            return "unchanged since graded (skipped)"
        return f"graded; {self.reason}" if self.reason else "graded"


#: nbgrader's error messages that only say "see above".
GENERIC_ERRORS = ("There was an error processing", "Please see the")


def _logged_errors(result):
    """The ERROR entries of an API result's log, each as (first line, last line)."""
    entries, current = [], None
    for line in (result.get("log") or "").splitlines():
        if re.match(r"\[[A-Z]+\] ", line):
            current = [line] if line.startswith("[ERROR] ") else None
            if current is not None:
                entries.append(current)
        elif current is not None and line.strip():
            current.append(line.strip())
    return [(entry[0][len("[ERROR] "):].strip(), entry[-1].strip()) for entry in entries]


def failure_reason(result):
    """A one-line reason from an ``NbGraderAPI`` result dict that reports a failure.

    nbgrader logs a specific message (e.g. a timeout), a formatted traceback whose last
    line is the exception, and generic "see above" messages; in that order of use.
    """
    errors = _logged_errors(result)
    for first, _ in errors:
        if not first.startswith("Traceback") and not first.startswith(GENERIC_ERRORS):
            return first
    for first, last in errors:
        if first.startswith("Traceback"):
            return last
    trace = (result.get("error") or "").strip().splitlines()
    return trace[-1].strip() if trace else "nbgrader reported a failure without a message"


def _is_infrastructure(text):
    return any(re.search(re.escape(p), text, re.IGNORECASE) for p in INFRASTRUCTURE_PATTERNS)


def _failure_text(result):
    """The failure's messages and exceptions (not whole tracebacks), for classifying it."""
    lines = [line for entry in _logged_errors(result) for line in entry]
    trace = (result.get("error") or "").strip().splitlines()
    return "\n".join(lines + trace[-1:])


class PipelineError(Exception):
    """nbgrader could not do what was asked; the message says why."""


@dataclass
class _Job:
    """One submission to grade in a worker."""

    submission: object
    content_hash: str
    source_hash: str
    notebooks: list
    extra_files: list
    directory: Path | None = None


class Grader:
    """One nbgrader course directory, driven through ``NbGraderAPI``.

    ``db_url`` selects the gradebook (default: SQLite ``COURSE/gradebook.db``); ``limits``
    and ``jobs`` (worker processes, default: the number of cores) apply to autograding.
    """

    def __init__(self, course_root, verbose=False, db_url=None, limits=None, jobs=None):
        self.layout = CourseLayout(course_root, db_url)
        self.verbose = verbose
        self.limits = limits or Limits()
        self.jobs = jobs or default_jobs()
        self._api = None

    @property
    def api(self):
        """The ``NbGraderAPI`` (created on first use: importing nbgrader takes seconds)."""
        if self._api is None:
            from nbgrader.apps import NbGraderAPI

            self.layout.root.mkdir(parents=True, exist_ok=True)
            ensure_scripts_on_path()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SAWarning)
                self._api = NbGraderAPI(config=load_config(self.layout), log=self._log())
        return self._api

    def _log(self):
        log = logging.getLogger("grading.nbgrader")
        log.setLevel(logging.INFO)
        log.propagate = False
        if self.verbose and not any(type(h) is logging.StreamHandler for h in log.handlers):
            log.addHandler(logging.StreamHandler(sys.stderr))
        elif not log.handlers:  # without any, logging prints warnings to stderr anyway
            log.addHandler(logging.NullHandler())
        return log

    def _call(self, method, *args, **kwargs):
        """Call an API method; returns its ``{success, log, error}`` dict."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SAWarning)
            # A test cell re-added by OverwriteCells.add_missing_cells has no cell id.
            warnings.filterwarnings("ignore", "Cell is missing an id field")
            return getattr(self.api, method)(*args, **kwargs)

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
            result = self._call("generate_assignment", assignment, force=True, create=True)
            path = self.layout.release_notebook(assignment)
            if not result["success"] or not path.exists():
                raise PipelineError(f"generate_assignment {assignment} failed: {failure_reason(result)}")
            released[assignment] = path
        return released

    def known_assignments(self):
        """Assignment ids already released into this course's gradebook."""
        if not self.layout.gradebook_exists():
            return set()
        return gradebook.assignment_ids(self.layout.db_url)

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
        """A folder with a private gradebook holding only this assignment and its release.

        Generated once per version of the source (by nbgrader's generate_assignment, in a
        scratch course) and reused; workers get copies. It never holds any student.
        """
        folder = self.layout.work_dir / "templates" / f"{assignment}-{source_hash[:16]}"
        if (folder / "gradebook.db").exists():
            return folder
        scratch = Path(tempfile.mkdtemp(prefix="template-", dir=self.layout.work_dir))
        try:
            shutil.copytree(self.layout.source_dir(assignment), scratch / "course" / "source" / assignment)
            template = Grader(scratch / "course", verbose=self.verbose)
            result = template._call("generate_assignment", assignment, force=True, create=True)
            if not result["success"]:
                raise PipelineError(f"generate_assignment {assignment} failed: {failure_reason(result)}")
            built = scratch / "template"
            built.mkdir()
            shutil.copyfile(template.layout.gradebook, built / "gradebook.db")
            shutil.copytree(scratch / "course" / "release" / assignment, built / "release")
            if folder.exists():
                shutil.rmtree(folder)
            folder.parent.mkdir(parents=True, exist_ok=True)
            os.replace(built, folder)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return folder

    def prepare(self, assignments):
        """Build now the private-course templates of released ``assignments``, which
        autograding otherwise builds on first use (once per assignment and source version)."""
        with self._course_lock():
            for assignment in assignments:
                self._template(assignment, self._source_hash(assignment))

    def _plan(self, submissions, known, force):
        """Split ``submissions`` into results known at once and jobs for the workers."""
        runs = gradebook.load_runs(self.layout.db_url) if known else {}
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
            run = runs.get((student, assignment))
            if (not force and run is not None and run.outcome in gradebook.FINAL_OUTCOMES
                    and run.content_hash == content_hash and run.source_hash == source_hashes[assignment]):
                scores = gradebook.submission_score(self.layout.db_url, student, assignment)
                if scores is not None:
                    result = GradeResult(student, assignment, *scores, skipped=True,
                                         reason=run.reason, notes=run.notes)
                    if run.outcome == "zeroed":
                        result.problem = run.reason
                    done.append(result)
                    continue
            template = self._template(assignment, source_hashes[assignment])
            notebooks = sorted(p.stem for p in (template / "release").glob("*.ipynb"))
            expected = {f"{name}.ipynb" for name in notebooks} | {"timestamp.txt"}
            jobs.append(_Job(submission, content_hash, source_hashes[assignment], notebooks,
                             submission.extra_files(expected)))
        return done, jobs

    # -- autograde: one job ----------------------------------------------------------

    def _check_submission(self, job):
        """Why a submission cannot be graded ('' if it looks gradable to the parent)."""
        submission = job.submission
        if submission.notebook.is_symlink():
            return f"{submission.notebook.name} is a symbolic link, not a file"
        if not submission.notebook.exists():
            others = submission.other_notebooks()
            found = f" (found: {', '.join(others)})" if others else " (no notebook at all)"
            return f"no {submission.notebook.name} in the submission{found}"
        if not submission.notebook.is_file():
            return f"{submission.notebook.name} is not a file"
        return ""

    def _prepare(self, job, root):
        """Write the job folder for the worker (see :mod:`grading.worker`)."""
        import json

        submission, template = job.submission, self._template(job.submission.assignment, job.source_hash)
        student, assignment = submission.student, submission.assignment
        directory = Path(tempfile.mkdtemp(prefix=f"{student}-{assignment}-"[:60], dir=root))
        private = CourseLayout(directory / "course")
        shutil.copytree(template / "release", directory / "release")
        private.root.mkdir()
        shutil.copyfile(template / "gradebook.db", private.gradebook)
        shutil.copytree(self.layout.source_dir(assignment), private.source_dir(assignment))
        submitted = private.submitted_dir(student, assignment)
        submitted.mkdir(parents=True)
        for name in [f"{nb}.ipynb" for nb in job.notebooks] + ["timestamp.txt"]:
            path = submission.path / name
            if path.is_file() and not path.is_symlink():
                shutil.copyfile(path, submitted / name)
        limits = {name: getattr(self.limits, name) for name in
                  ("timeout", "cell_timeout", "memory", "file_size", "sandbox")}
        (directory / "job.json").write_text(json.dumps({
            "student": student, "assignment": assignment, "notebooks": job.notebooks,
            "limits": limits,
        }))
        job.directory = directory
        return directory

    def _run_job(self, job, root, cancel):
        """Worker-thread part: prepare, run the worker under the hard limits, read its result."""
        import json

        from .isolation import run_isolated

        directory = self._prepare(job, root)
        outcome = run_isolated(directory, self.limits, len(job.notebooks), cancel=cancel)
        result_file = directory / "result.json"
        if outcome.killed:
            return {"problem": outcome.killed, "infrastructure": outcome.killed == "cancelled",
                    "notes": [], "seconds": outcome.seconds}
        if not result_file.exists():
            return {"problem": f"the grading worker ended without a result (exit code {outcome.exitcode})",
                    "infrastructure": True, "notes": [], "seconds": outcome.seconds}
        return json.loads(result_file.read_text())

    def _merge(self, job, worker):
        """Main-thread part: put one worker's result into the course and the gradebook."""
        submission = job.submission
        student, assignment = submission.student, submission.assignment
        result = GradeResult(
            student, assignment, problem=worker.get("problem", ""),
            infrastructure=bool(worker.get("infrastructure")), reason=worker.get("reason", ""),
            notes=list(worker.get("notes", [])), seconds=float(worker.get("seconds", 0.0)),
        )
        if job.extra_files:
            shown = ", ".join(job.extra_files[:5]) + (" ..." if len(job.extra_files) > 5 else "")
            result.notes.append(f"extra files not used for grading: {shown}")
        if worker.get("sandbox") is not None and self.limits.sandbox and not result.problem:
            result.notes += [f"the kernel's sandbox is incomplete here: {gap}"
                             for gap in sandbox_gaps(worker["sandbox"])]
        if result.infrastructure:
            # Not the student's doing: leave the gradebook and any earlier result as they
            # are, and record no content hash, so that the next run tries again.
            return self._keep_previous(result)
        try:
            copy_submission(self.layout, submission)
            private = CourseLayout(job.directory / "course") if job.directory else None
            autograded = {}
            if private is not None and not result.problem:
                folder = private.autograded_dir(student, assignment)
                autograded = {name: folder / f"{name}.ipynb" for name in job.notebooks
                              if (folder / f"{name}.ipynb").is_file()}
                if not autograded:
                    result.problem = "nbgrader produced no autograded notebook"
            remove_outputs(self.layout, student, assignment)
            if result.problem:
                gradebook.record_unprocessable(self.layout.db_url, student, assignment)
            else:
                dest = self.layout.autograded_dir(student, assignment)
                dest.mkdir(parents=True)
                for name, path in autograded.items():
                    shutil.copyfile(path, dest / f"{name}.ipynb")
                timestamp = private.submitted_dir(student, assignment) / "timestamp.txt"
                stamp = None
                if timestamp.is_file():
                    shutil.copyfile(timestamp, dest / "timestamp.txt")
                    stamp = _parse_timestamp(timestamp.read_text())
                gradebook.save_autogrades(
                    self.layout.db_url, student, assignment,
                    {name: dest / f"{name}.ipynb" for name in autograded}, stamp, self.api.config,
                )
            scores = gradebook.submission_score(self.layout.db_url, student, assignment)
            if scores is not None:
                result.score, result.max_score = scores
            gradebook.save_run(self.layout.db_url, gradebook.RunRecord(
                student, assignment, job.content_hash, job.source_hash, result.outcome,
                result.problem or result.reason, result.notes, result.seconds,
            ))
            gradebook.save_checks(self.layout.db_url, student, assignment,
                                  [] if result.problem else _check_records(student, assignment, worker))
        except Exception as exc:  # one submission must never stop the batch
            result.problem = result.problem or f"{type(exc).__name__}: {exc}"
            result.infrastructure = True
        return result

    def _keep_previous(self, result):
        scores = None
        if self.layout.gradebook_exists():
            try:
                scores = gradebook.submission_score(self.layout.db_url, result.student, result.assignment)
            except Exception:  # the gradebook itself may be what failed
                scores = None
        if scores is not None:
            result.score, result.max_score = scores
        return result

    #: Most of a worker's log kept in the course (its end, where the errors are).
    LOG_LIMIT = 1 << 20

    def _keep_log(self, job):
        log = job.directory / "worker.log" if job.directory else None
        if log is None or not log.exists():
            return
        target = self.layout.log_file(job.submission.student, job.submission.assignment)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "rb") as source, open(target, "wb") as out:
            size = source.seek(0, os.SEEK_END)
            source.seek(max(0, size - self.LOG_LIMIT))
            shutil.copyfileobj(source, out)

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
        with self._course_lock():
            known = self.known_assignments()
            wanted = {s.assignment for s in submissions}
            to_release = {a: notebooks[a] for a in sorted(wanted - known) if a in notebooks}
            if to_release:
                self.release(to_release)
                known |= set(to_release)
            known &= wanted
            done, jobs = self._plan(submissions, known, force)
            results = []

            def finish(result):
                results.append(result)
                if progress:
                    progress(result)

            for result in done:
                finish(result)
            runnable = []
            for job in jobs:
                problem = self._check_submission(job)
                if problem:
                    finish(self._merge(job, {"problem": problem}))
                else:
                    runnable.append(job)
            if runnable:
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
                            worker = {"problem": f"{type(exc).__name__}: {exc}", "infrastructure": True}
                        finish(self._merge(job, worker))
                        self._keep_log(job)
                        if job.directory is not None:
                            shutil.rmtree(job.directory, ignore_errors=True)
                except BaseException:  # Ctrl-C: stop every worker, with its kernel
                    cancel.set()
                    raise

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
            result = self._call("generate_feedback", assignment, force=True)
            if not result["success"]:
                raise PipelineError(f"generate_feedback {assignment} failed: {failure_reason(result)}")
        feedback = {
            pair: self.layout.feedback_html(*pair)
            for pair in pairs
            if self.layout.feedback_html(*pair).exists()
        }
        if self.layout.gradebook_exists():
            for (student, assignment), run in gradebook.load_runs(self.layout.db_url).items():
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
        gradebook.export_csv(self.layout.db_url, self.layout.grades_csv)
        gradebook.export_report(self.layout.db_url, self.layout.grading_report)
        return self.layout.grades_csv

    def export(self):
        """Write ``COURSE/grades.csv`` and the report; return the CSV's path and the score rows."""
        if not self.layout.gradebook_exists():
            raise CourseError(f"no gradebook in {self.layout.root}: release and autograde first")
        path = self.write_csv()
        return path, gradebook.all_scores(self.layout.db_url)

    def runs(self):
        """Our record of each graded submission (outcome, reason, notes)."""
        if not self.layout.gradebook_exists():
            return {}
        return gradebook.load_runs(self.layout.db_url)


def _check_records(student, assignment, worker):
    """The judge's verdicts of a worker's result as :class:`gradebook.CheckRecord` s."""
    return [
        gradebook.CheckRecord(
            student, assignment, grade_id, str(record.get("exercise") or ""),
            bool(record.get("visible_passed")), record.get("hidden_passed"),
            str(record.get("mistake") or ""), str(record.get("message") or ""), record.get("relative_error"))
        for cells in (worker.get("verdicts") or {}).values() for grade_id, record in sorted(cells.items())
    ]


def _parse_timestamp(text):
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text.strip())
    except Exception:  # an unreadable timestamp.txt: graded without a submission time
        return None


def _unprocessable_page(student, assignment, reason):
    from html import escape

    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{escape(assignment)}: not graded</title></head><body>\n"
        f"<h1>{escape(assignment)}</h1>\n"
        f"<p>The submission of <b>{escape(student)}</b> could not be graded, so it scores 0.</p>\n"
        f"<p>Reason: {escape(reason)}</p>\n"
        "<p>Fix the problem and submit again; ask your instructor if the reason is unclear.</p>\n"
        "</body></html>\n"
    )
