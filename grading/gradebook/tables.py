"""Our two tables beside nbgrader's in the gradebook (SQLite and PostgreSQL alike).

``nnfs_grading_runs``, per submission: the content hash of the files that were graded (to skip unchanged
submissions), the outcome and the reason (a limit hit, why it could not be processed) and the notes (tampering
found, extra files ignored). ``nnfs_check_results``, per graded test cell: what its checks found, whether the
visible and the hidden calls passed, the message, and the stable identifier of the named mistake that fired (the
class report counts them).
"""
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Boolean, Column, DateTime, Float, MetaData, String, Table, Text

from grading.records import CheckVerdict

METADATA = MetaData()
RUNS = Table(
    "nnfs_grading_runs", METADATA,
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
    "nnfs_check_results", METADATA,
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


@dataclass
class CheckRecord(CheckVerdict):
    """The judge's verdict on one test cell (:class:`grading.records.CheckVerdict`) of one submission: the same
    record, with its student and assignment. Read back from the table, ``passed`` is what the table keeps
    (the visible calls passed, the hidden ones did not fail) and ``error`` is ''."""

    student: str = ""
    assignment: str = ""


def run_row(record):
    """The RUNS row of a :class:`RunRecord`."""
    return {
        "student_id": record.student, "assignment_id": record.assignment,
        "content_hash": record.content_hash, "source_hash": record.source_hash,
        "outcome": record.outcome, "reason": record.reason, "notes": json.dumps(record.notes),
        "seconds": record.seconds, "graded_at": record.graded_at or datetime.now(timezone.utc).replace(tzinfo=None),
    }


def run_record(row):
    """The :class:`RunRecord` of a RUNS row."""
    return RunRecord(row["student_id"], row["assignment_id"], row["content_hash"], row["source_hash"],
                     row["outcome"], row["reason"] or "", json.loads(row["notes"] or "[]"), row["seconds"] or 0.0,
                     row["graded_at"])


def check_row(record):
    """The CHECKS row of a :class:`CheckRecord`."""
    return dict(student_id=record.student, assignment_id=record.assignment, cell_id=record.grade_id,
                exercise=record.exercise, visible_passed=record.visible_passed, hidden_passed=record.hidden_passed,
                mistake=record.mistake, message=record.message, relative_error=record.relative_error)


def check_record(row):
    """The :class:`CheckRecord` of a CHECKS row."""
    visible = bool(row["visible_passed"])
    return CheckRecord(row["cell_id"], row["exercise"] or "", visible and row["hidden_passed"] is not False, visible,
                       row["hidden_passed"], row["message"] or "", row["mistake"] or "", row["relative_error"],
                       student=row["student_id"], assignment=row["assignment_id"])
