"""Reading (and, for unprocessable submissions, zeroing) scores in nbgrader's gradebook.

Scores always come from here, never from nbgrader's exit status: nbgrader reports
success when tests fail or time out.
"""
import csv
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.exc import SAWarning


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
    from nbgrader.api import Gradebook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        with Gradebook(db_url) as gb:
            yield gb


def assignment_ids(db_url):
    """Ids of the assignments the gradebook knows (created by generate_assignment)."""
    with open_gradebook(db_url) as gb:
        return {assignment.name for assignment in gb.assignments}


def submission_score(db_url, student, assignment):
    """``(score, max_score)`` of a submission, or ``None`` if there is none."""
    from nbgrader.api import MissingEntry

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
    from nbgrader.api import MissingEntry

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
    from nbgrader.plugins import CsvExportPlugin

    plugin = CsvExportPlugin(to=str(path))
    with open_gradebook(db_url) as gb:
        plugin.export(gb)
    return path


def read_csv(path):
    """Rows of a grades CSV as dictionaries."""
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))
