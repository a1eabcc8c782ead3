"""Running nbgrader on the course: release, autograde, feedback, export.

nbgrader runs in-process through ``NbGraderAPI`` (much faster than its command line),
configured from ``grading/nbgrader_config.py``.
"""
import logging
import os
import re
import sys
import warnings
from dataclasses import dataclass
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
)

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


def load_config(layout):
    """The course configuration, with ``CourseDirectory.root`` and ``db_url`` set."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()
    config.CourseDirectory.root = str(layout.root)
    config.CourseDirectory.db_url = layout.db_url
    return config


@dataclass
class GradeResult:
    """Outcome of autograding one submission."""

    student: str
    assignment: str
    score: float | None = None
    max_score: float | None = None
    problem: str = ""
    infrastructure: bool = False

    @property
    def graded(self):
        return not self.problem

    @property
    def status(self):
        return "graded" if self.graded else f"failed to process: {self.problem}"


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


class Grader:
    """One nbgrader course directory, driven through ``NbGraderAPI``."""

    def __init__(self, course_root, verbose=False):
        self.layout = CourseLayout(course_root)
        self.verbose = verbose
        self._api = None

    @property
    def api(self):
        """The ``NbGraderAPI`` (created on first use: importing nbgrader takes seconds)."""
        if self._api is None:
            from nbgrader.apps import NbGraderAPI

            self.layout.root.mkdir(parents=True, exist_ok=True)
            log = logging.getLogger("grading.nbgrader")
            log.setLevel(logging.INFO)
            log.propagate = False
            if self.verbose and not any(type(h) is logging.StreamHandler for h in log.handlers):
                log.addHandler(logging.StreamHandler(sys.stderr))
            elif not log.handlers:  # without any, logging prints warnings to stderr anyway
                log.addHandler(logging.NullHandler())
            ensure_scripts_on_path()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SAWarning)
                self._api = NbGraderAPI(config=load_config(self.layout), log=log)
        return self._api

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
        if not self.layout.gradebook.exists():
            return set()
        return gradebook.assignment_ids(self.layout.db_url)

    # -- autograde ---------------------------------------------------------------

    def _check_submission(self, submission):
        """Why a submission cannot be graded ('' if it looks gradable)."""
        if not submission.notebook.exists():
            others = submission.other_notebooks()
            found = f" (found: {', '.join(others)})" if others else " (no notebook at all)"
            return f"no {submission.notebook.name} in the submission{found}"
        try:
            nbformat.read(str(submission.notebook), as_version=4)
        except Exception as exc:  # invalid JSON, not a notebook, unreadable file...
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return f"{submission.notebook.name} is not a valid notebook ({first_line})"
        return ""

    def autograde(self, submission):
        """Copy one submission into the course and autograde it; never raises.

        A submission that cannot be processed is recorded with 0 points and reported
        with a reason; ``infrastructure`` is set when the reason is not the student's.
        """
        student, assignment = submission.student, submission.assignment
        result = GradeResult(student, assignment)
        try:
            copy_submission(self.layout, submission)
            result.problem = self._check_submission(submission)
            if not result.problem:
                outcome = self._call("autograde", assignment, student, force=True, create=True)
                produced = self.layout.autograded_notebook(student, assignment).exists()
                if not outcome["success"]:
                    result.problem = failure_reason(outcome)
                elif not produced:
                    result.problem = "nbgrader produced no autograded notebook"
                result.infrastructure = bool(result.problem) and _is_infrastructure(
                    result.problem + "\n" + _failure_text(outcome)
                )
            if result.problem:
                remove_outputs(self.layout, student, assignment)
                gradebook.record_unprocessable(self.layout.db_url, student, assignment)
            scores = gradebook.submission_score(self.layout.db_url, student, assignment)
            if scores is not None:
                result.score, result.max_score = scores
        except Exception as exc:  # one submission must never stop the batch
            result.problem = result.problem or f"{type(exc).__name__}: {exc}"
            result.infrastructure = True
        return result

    def autograde_all(self, submissions, notebooks=None, progress=None):
        """Autograde ``submissions`` (from :func:`course.find_submissions`).

        Assignments not yet in the gradebook are released first from ``notebooks`` (id to
        source notebook); a submission for an assignment that neither knows is reported
        as failed. ``progress`` is called with each :class:`GradeResult` as it is done.
        """
        notebooks = notebooks or {}
        known = self.known_assignments()
        wanted = {s.assignment for s in submissions}
        to_release = {a: notebooks[a] for a in sorted(wanted - known) if a in notebooks}
        if to_release:
            self.release(to_release)
            known |= set(to_release)
        results = []
        for submission in submissions:
            if submission.assignment in known:
                result = self.autograde(submission)
            else:
                result = GradeResult(
                    submission.student, submission.assignment,
                    problem=f"unknown assignment {submission.assignment!r} (no such notebook)",
                )
            results.append(result)
            if progress:
                progress(result)
        return results

    # -- feedback and export -----------------------------------------------------

    def feedback(self, assignments=None):
        """Generate feedback HTML for every autograded submission (of ``assignments``).

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
        return {
            pair: self.layout.feedback_html(*pair)
            for pair in pairs
            if self.layout.feedback_html(*pair).exists()
        }

    def export(self):
        """Write ``COURSE/grades.csv``; return its path and the score rows."""
        if not self.layout.gradebook.exists():
            raise CourseError(f"no gradebook in {self.layout.root}: release and autograde first")
        path = gradebook.export_csv(self.layout.db_url, self.layout.grades_csv)
        return path, gradebook.all_scores(self.layout.db_url)
