"""Reading and writing scores in nbgrader's gradebook (SQLite or any SQLAlchemy URL).

Scores always come from here, never from nbgrader's exit status: nbgrader reports
success when tests fail or time out.

Autograded results are written by one process (the grading command), through nbgrader's
own ``SaveAutoGrades`` and ``AssignLatePenalties`` applied to the autograded notebook:
the workers grade in private gradebooks, so their writes cannot collide.

Next to nbgrader's tables the gradebook holds two tables of ours (SQLite and PostgreSQL
alike): ``nnfs_grading_runs``, per submission, the content hash of the files that were
graded (to skip unchanged submissions), the outcome and the reason (a limit hit, why it
could not be processed) and the notes (tampering found, extra files ignored); and
``nnfs_check_results``, per graded test cell, what its checks found: whether the visible and
the hidden calls passed, the message, and the stable identifier of the named mistake that
fired (the class report counts them).
"""
import csv
import json
import os
import stat
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Boolean, Column, DateTime, Float, MetaData, String, Table, Text, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SAWarning

from .course import normalize_db_url


@dataclass(frozen=True)
class ScoreRow:
    """One student's result on one assignment."""

    student: str
    assignment: str
    score: float
    max_score: float
    submitted: bool


@contextmanager
def open_gradebook(db_url):
    """nbgrader's ``Gradebook``, without SQLAlchemy's harmless 'not in session' warnings."""
    from nbgrader.api import Gradebook  # nbgrader: seconds to import, needed only when the gradebook is opened

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        with Gradebook(normalize_db_url(db_url)) as gb:
            yield gb


def is_sqlite(db_url):
    return db_url.startswith("sqlite:")


# -- credentials: never on a command line, never in a file others can read ----------------------

def url_password(db_url):
    """The password written in a database URL, or ``None``."""
    return make_url(db_url).password


def without_password(db_url):
    """``db_url`` with its password (if any) left out: libpq then reads ``~/.pgpass`` or
    ``$PGPASSFILE``."""
    url = make_url(db_url)
    return db_url if url.password is None else url._replace(password=None).render_as_string(hide_password=False)


def read_url_file(path):
    """The gradebook URL in file ``path`` (first line), which only its owner may read.

    Raises ``ValueError`` if the file is readable by the group or others (``chmod 600``).
    """
    mode = os.stat(path).st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ValueError(f"{path} is readable by other users (mode {stat.filemode(mode)}): "
                         f"chmod 600 {path}")
    with open(path) as handle:
        url = handle.readline().strip()
    if not url:
        raise ValueError(f"{path} is empty: write the gradebook's URL on its first line")
    return url


def assignment_ids(db_url):
    """Ids of the assignments the gradebook knows (created by generate_assignment)."""
    with open_gradebook(db_url) as gb:
        return {assignment.name for assignment in gb.assignments}


def submission_score(db_url, student, assignment):
    """``(score, max_score)`` of a submission, or ``None`` if there is none."""
    from nbgrader.api import MissingEntry  # nbgrader: seconds to import, needed only when the gradebook is opened

    with open_gradebook(db_url) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        return float(submission.score), float(submission.max_score)


def cell_scores(db_url, student, assignment):
    """``{grade_id: (score, max_score)}`` of every graded cell of a submission."""
    with open_gradebook(db_url) as gb:
        submission = gb.find_submission(assignment, student)
        return {
            grade.name: (float(grade.score), float(grade.max_score))
            for notebook in submission.notebooks
            for grade in notebook.grades
        }


def record_unprocessable(db_url, student, assignment):
    """Record a submission that could not be graded as submitted with 0 points.

    This is what nbgrader itself does for a notebook missing from a submission, and it
    replaces any score left from an earlier, successful grading of an older version.
    """
    with open_gradebook(db_url) as gb:
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0
                grade.manual_score = None
                grade.needs_manual_grade = False
        gb.db.commit()


def all_scores(db_url):
    """A :class:`ScoreRow` for every (student, assignment) pair, sorted by student.

    A student without a submission for an assignment gets 0 points, as in nbgrader's
    CSV export.
    """
    from nbgrader.api import MissingEntry  # nbgrader: seconds to import, needed only when the gradebook is opened

    rows = []
    with open_gradebook(db_url) as gb:
        for student in gb.students:
            for assignment in gb.assignments:
                try:
                    submission = gb.find_submission(assignment.name, student.id)
                except MissingEntry:
                    rows.append(ScoreRow(student.id, assignment.name, 0.0, float(assignment.max_score), False))
                else:
                    rows.append(ScoreRow(
                        student.id, assignment.name, float(submission.score),
                        float(submission.max_score), True,
                    ))
    return sorted(rows, key=lambda row: (row.student, row.assignment))


def export_csv(db_url, path):
    """Write nbgrader's standard ``grades.csv`` (its CsvExportPlugin) to ``path``."""
    from nbgrader.plugins import CsvExportPlugin  # nbgrader: seconds to import, needed only when the gradebook is opened

    plugin = CsvExportPlugin(to=str(path))
    with open_gradebook(db_url) as gb:
        plugin.export(gb)
    return path


def read_csv(path):
    """Rows of a grades CSV as dictionaries."""
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def save_autogrades(db_url, student, assignment, notebooks, timestamp=None, config=None):
    """Record an autograded submission, as nbgrader's autograde does after executing it.

    ``notebooks`` maps notebook name to the autograded notebook (a file that no process of
    the submission can still change). The submission is created or updated (keeping any
    manual grades), every grade is first set to 0 (a notebook missing from the submission
    scores 0, as in nbgrader), then nbgrader's ``SaveAutoGrades`` and
    ``AssignLatePenalties`` run on each notebook against this gradebook.
    """
    # nbformat and nbgrader: seconds to import, needed only when grades are saved
    import nbformat
    from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

    with open_gradebook(db_url) as gb:
        gb.update_or_create_student(student)
        extra = {"timestamp": timestamp} if timestamp else {}
        submission = gb.update_or_create_submission(assignment, student, **extra)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = grade.manual_score is not None
        gb.db.commit()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        for name, path in sorted(notebooks.items()):
            nb = nbformat.read(str(path), as_version=4)
            resources = {"nbgrader": {"student": student, "assignment": assignment,
                                      "notebook": name, "db_url": normalize_db_url(db_url)}}
            for preprocessor in (SaveAutoGrades, AssignLatePenalties):
                preprocessor(config=config).preprocess(nb, resources)


# -- our table: one row per graded submission ------------------------------------------

_META = MetaData()
RUNS = Table(
    "nnfs_grading_runs", _META,
    Column("student_id", String(128), primary_key=True),
    Column("assignment_id", String(128), primary_key=True),
    Column("content_hash", String(64)),
    Column("source_hash", String(64)),
    Column("outcome", String(16)),     # graded | limited | zeroed | error
    Column("reason", Text),
    Column("notes", Text),             # JSON list of strings
    Column("seconds", Float),
    Column("graded_at", DateTime),
)

#: Outcomes after which an unchanged submission is not graded again (``error`` is retried).
FINAL_OUTCOMES = ("graded", "limited", "zeroed")


@dataclass
class RunRecord:
    """Our record of the last grading of one submission."""

    student: str
    assignment: str
    content_hash: str
    source_hash: str
    outcome: str
    reason: str = ""
    notes: list = field(default_factory=list)
    seconds: float = 0.0
    graded_at: datetime | None = None


CHECKS = Table(
    "nnfs_check_results", _META,
    Column("student_id", String(128), primary_key=True),
    Column("assignment_id", String(128), primary_key=True),
    Column("cell_id", String(128), primary_key=True),    # the test cell's grade_id
    Column("exercise", String(128)),                      # the function the cell checks
    Column("visible_passed", Boolean),
    Column("hidden_passed", Boolean),                     # NULL when the cell has no hidden call
    Column("mistake", String(200)),                       # Mistake.key of the named mistake, or ''
    Column("message", Text),                              # the first failure's message, or ''
    Column("relative_error", Float),                      # |actual - expected| / (|actual| + |expected|)
)


@dataclass(frozen=True)
class CheckRecord:
    """What the checks of one test cell found for one submission."""

    student: str
    assignment: str
    cell: str
    exercise: str
    visible_passed: bool
    hidden_passed: bool | None = None
    mistake: str = ""
    message: str = ""
    relative_error: float | None = None

    @property
    def passed(self):
        return self.visible_passed and self.hidden_passed is not False


_engines = {}


def _engine(db_url):
    db_url = normalize_db_url(db_url)
    engine = _engines.get(db_url)
    if engine is None:
        with open_gradebook(db_url):  # nbgrader's tables first: it stamps only a new database
            pass
        engine = _engines[db_url] = create_engine(db_url)
        _META.create_all(engine, tables=[RUNS, CHECKS], checkfirst=True)
    return engine


def save_run(db_url, record):
    """Insert or replace the record of ``(record.student, record.assignment)``."""
    row = {
        "student_id": record.student, "assignment_id": record.assignment,
        "content_hash": record.content_hash, "source_hash": record.source_hash,
        "outcome": record.outcome, "reason": record.reason, "notes": json.dumps(record.notes),
        "seconds": record.seconds, "graded_at": record.graded_at or datetime.now(timezone.utc).replace(tzinfo=None),
    }
    with _engine(db_url).begin() as conn:
        conn.execute(RUNS.delete().where(
            (RUNS.c.student_id == record.student) & (RUNS.c.assignment_id == record.assignment)))
        conn.execute(RUNS.insert().values(**row))


def load_runs(db_url):
    """``{(student, assignment): RunRecord}`` of every graded submission."""
    with _engine(db_url).connect() as conn:
        rows = conn.execute(RUNS.select()).mappings().all()
    return {
        (row["student_id"], row["assignment_id"]): RunRecord(
            row["student_id"], row["assignment_id"], row["content_hash"], row["source_hash"],
            row["outcome"], row["reason"] or "", json.loads(row["notes"] or "[]"),
            row["seconds"] or 0.0, row["graded_at"],
        )
        for row in rows
    }


def save_checks(db_url, student, assignment, records):
    """Replace what is recorded for the test cells of ``(student, assignment)`` by ``records``
    (:class:`CheckRecord`); an empty list clears them (a submission that could not be graded)."""
    with _engine(db_url).begin() as conn:
        conn.execute(CHECKS.delete().where(
            (CHECKS.c.student_id == student) & (CHECKS.c.assignment_id == assignment)))
        for record in records:
            conn.execute(CHECKS.insert().values(
                student_id=record.student, assignment_id=record.assignment, cell_id=record.cell,
                exercise=record.exercise, visible_passed=record.visible_passed,
                hidden_passed=record.hidden_passed, mistake=record.mistake, message=record.message,
                relative_error=record.relative_error,
            ))


def load_checks(db_url):
    """Every :class:`CheckRecord`, sorted by assignment, cell and student."""
    with _engine(db_url).connect() as conn:
        rows = conn.execute(CHECKS.select()).mappings().all()
    records = [
        CheckRecord(row["student_id"], row["assignment_id"], row["cell_id"], row["exercise"] or "",
                    bool(row["visible_passed"]), row["hidden_passed"], row["mistake"] or "",
                    row["message"] or "", row["relative_error"])
        for row in rows
    ]
    return sorted(records, key=lambda r: (r.assignment, r.cell, r.student))


def export_report(db_url, path):
    """Write ``grading_report.csv``: score, outcome, reason and notes per submission."""
    runs = load_runs(db_url)
    rows = all_scores(db_url)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "assignment", "score", "max_score", "outcome", "reason", "notes"])
        for row in rows:
            run = runs.get((row.student, row.assignment))
            writer.writerow([
                row.student, row.assignment, f"{row.score:g}", f"{row.max_score:g}",
                run.outcome if run else ("graded" if row.submitted else "not submitted"),
                run.reason if run else "", " | ".join(run.notes) if run else "",
            ])
    return path
