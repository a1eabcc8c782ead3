"""Reading and writing scores in nbgrader's gradebook (SQLite or any SQLAlchemy URL).

Scores always come from here, never from nbgrader's exit status: nbgrader reports
success when tests fail or time out.

Autograded results are written by one process (the grading command), through nbgrader's
own ``SaveAutoGrades`` and ``AssignLatePenalties`` applied to the autograded notebook:
the workers grade in private gradebooks, so their writes cannot collide.
"""
import csv
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.exc import SAWarning

from grading.gradebook.database import normalize_db_url


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
    from nbgrader.plugins import (CsvExportPlugin)  # nbgrader: seconds to import, needed only when the gradebook is opened

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
