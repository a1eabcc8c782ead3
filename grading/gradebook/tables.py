"""Our two tables beside nbgrader's in the gradebook (SQLite and PostgreSQL alike).

``nnfs_grading_runs``, per submission: the content hash of the files that were graded (to skip unchanged
submissions), the outcome and the reason (a limit hit, why it could not be processed) and the notes (tampering
found, extra files ignored). ``nnfs_check_results``, per graded test cell: what its checks found, whether the
visible and the hidden calls passed, the message, and the stable identifier of the named mistake that fired (the
class report counts them).
"""
import csv
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Boolean, Column, DateTime, Float, MetaData, String, Table, Text, create_engine

from grading.gradebook.database import normalize_db_url
from grading.gradebook.scores import all_scores, open_gradebook


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
