"""The gradebook of one command (:class:`Gradebook`): nbgrader's tables and our two (SQLite or any SQLAlchemy URL).

nbgrader's gradebook is opened once, on first use, and kept until the command closes it; every operation starts
afresh (what it read before is forgotten) and ends its transaction, so that it sees what other processes (the
formgrader, nbgrader's own preprocessors) wrote meanwhile and holds no lock between operations.

Scores always come from here, never from nbgrader's exit status: nbgrader reports success when tests fail or time
out. Autograded results are written by one process (the grading command), through nbgrader's own
``SaveAutoGrades`` and ``AssignLatePenalties`` applied to the autograded notebook: the workers grade in private
gradebooks, so their writes cannot collide.
"""
import csv
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine
from sqlalchemy.exc import SAWarning

from grading.gradebook import tables
from grading.gradebook.database import normalize_db_url


@dataclass(frozen=True)
class ScoreRow:
    """One student's result on one assignment."""

    student: str
    assignment: str
    score: float
    max_score: float
    submitted: bool


class Gradebook:
    """The course's gradebook at ``db_url``, for one command: open it once, pass it to whatever needs it, close it
    at the end (``with Gradebook(url) as gradebook: ...``). ``course_id``: the course that assignments and
    students created here belong to (nbgrader's default course if None). ``opens``: how often nbgrader's
    gradebook was opened here (once, unless it was closed and used again)."""

    def __init__(self, db_url, course_id=None):
        self.db_url = normalize_db_url(db_url)
        self.course_id = course_id or "default_course"
        self.opens = 0
        self._nbgrader = None
        self._engine = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._nbgrader is not None:
            self._nbgrader.close()
            self._nbgrader = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @contextmanager
    def nbgrader(self):
        """nbgrader's ``Gradebook``, fresh for one operation, without SQLAlchemy's harmless warnings."""
        from nbgrader.api import Gradebook as NbgraderGradebook  # nbgrader: seconds to import, needed only here

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SAWarning)
            if self._nbgrader is None:
                self._nbgrader = NbgraderGradebook(self.db_url, course_id=self.course_id)
                self.opens += 1
            gb = self._nbgrader
            gb.db.expire_all()
            try:
                yield gb
                gb.db.commit()
            except BaseException:
                gb.db.rollback()
                raise

    @property
    def engine(self):
        """Our tables' engine (they are created beside nbgrader's on first use)."""
        if self._engine is None:
            with self.nbgrader():  # nbgrader's tables first: it stamps only a new database
                pass
            self._engine = create_engine(self.db_url)
            tables.METADATA.create_all(self._engine, tables=[tables.RUNS, tables.CHECKS], checkfirst=True)
        return self._engine

    # -- nbgrader's scores ----------------------------------------------------------------------------

    def assignment_ids(self):
        """Ids of the assignments the gradebook knows (created by generate_assignment)."""
        with self.nbgrader() as gb:
            return {assignment.name for assignment in gb.assignments}

    def submission_score(self, student, assignment):
        """``(score, max_score)`` of a submission, or ``None`` if there is none."""
        from nbgrader.api import MissingEntry  # nbgrader: seconds to import, needed only when the gradebook is opened

        with self.nbgrader() as gb:
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                return None
            return float(submission.score), float(submission.max_score)

    def cell_scores(self, student, assignment):
        """``{grade_id: (score, max_score)}`` of every graded cell of a submission."""
        with self.nbgrader() as gb:
            submission = gb.find_submission(assignment, student)
            return {grade.name: (float(grade.score), float(grade.max_score))
                    for notebook in submission.notebooks for grade in notebook.grades}

    def record_unprocessable(self, student, assignment):
        """Record a submission that could not be graded as submitted with 0 points.

        This is what nbgrader itself does for a notebook missing from a submission, and it replaces any score
        left from an earlier, successful grading of an older version.
        """
        with self.nbgrader() as gb:
            gb.update_or_create_student(student)
            submission = gb.update_or_create_submission(assignment, student)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    grade.auto_score = 0
                    grade.manual_score = None
                    grade.needs_manual_grade = False

    def all_scores(self):
        """A :class:`ScoreRow` for every (student, assignment) pair, sorted by student. A student without a
        submission for an assignment gets 0 points, as in nbgrader's CSV export."""
        from nbgrader.api import MissingEntry  # nbgrader: seconds to import, needed only when the gradebook is opened

        rows = []
        with self.nbgrader() as gb:
            for student in gb.students:
                for assignment in gb.assignments:
                    try:
                        submission = gb.find_submission(assignment.name, student.id)
                    except MissingEntry:
                        rows.append(ScoreRow(student.id, assignment.name, 0.0, float(assignment.max_score), False))
                    else:
                        rows.append(ScoreRow(student.id, assignment.name, float(submission.score),
                                             float(submission.max_score), True))
        return sorted(rows, key=lambda row: (row.student, row.assignment))

    def export_csv(self, path):
        """Write nbgrader's standard ``grades.csv`` (its CsvExportPlugin) to ``path``."""
        from nbgrader.plugins import CsvExportPlugin  # nbgrader: seconds to import, needed only here

        plugin = CsvExportPlugin(to=str(path))
        with self.nbgrader() as gb:
            plugin.export(gb)
        return path

    def save_autogrades(self, student, assignment, notebooks, timestamp=None, config=None):
        """Record an autograded submission, as nbgrader's autograde does after executing it.

        ``notebooks`` maps notebook name to the autograded notebook (a file that no process of the submission
        can still change). The submission is created or updated (keeping any manual grades), every grade is
        first set to 0 (a notebook missing from the submission scores 0, as in nbgrader), then nbgrader's
        ``SaveAutoGrades`` (on this gradebook) and ``AssignLatePenalties`` (which opens its own) run on each.
        """
        # nbformat and nbgrader: seconds to import, needed only when grades are saved
        import nbformat
        from nbgrader.preprocessors import AssignLatePenalties

        with self.nbgrader() as gb:
            gb.update_or_create_student(student)
            extra = {"timestamp": timestamp} if timestamp else {}
            submission = gb.update_or_create_submission(assignment, student, **extra)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = grade.manual_score is not None
        for name, path in sorted(notebooks.items()):
            nb = nbformat.read(str(path), as_version=4)
            resources = {"nbgrader": {"student": student, "assignment": assignment, "notebook": name,
                                      "db_url": self.db_url}}
            with self.nbgrader() as gb:
                _save_auto_grades(config, gb).preprocess(nb, resources)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SAWarning)
                AssignLatePenalties(config=config).preprocess(nb, resources)

    # -- our tables ----------------------------------------------------------------------------------

    def save_run(self, record):
        """Insert or replace the :class:`tables.RunRecord` of ``(record.student, record.assignment)``."""
        with self.engine.begin() as conn:
            conn.execute(tables.RUNS.delete().where(
                (tables.RUNS.c.student_id == record.student) & (tables.RUNS.c.assignment_id == record.assignment)))
            conn.execute(tables.RUNS.insert().values(**tables.run_row(record)))

    def load_runs(self):
        """``{(student, assignment): RunRecord}`` of every graded submission."""
        with self.engine.connect() as conn:
            rows = conn.execute(tables.RUNS.select()).mappings().all()
        return {(row["student_id"], row["assignment_id"]): tables.run_record(row) for row in rows}

    def save_checks(self, student, assignment, records):
        """Replace what is recorded for the test cells of ``(student, assignment)`` by ``records``
        (:class:`tables.CheckRecord`); an empty list clears them (a submission that could not be graded)."""
        with self.engine.begin() as conn:
            conn.execute(tables.CHECKS.delete().where(
                (tables.CHECKS.c.student_id == student) & (tables.CHECKS.c.assignment_id == assignment)))
            for record in records:
                conn.execute(tables.CHECKS.insert().values(**tables.check_row(record)))

    def load_checks(self):
        """Every :class:`tables.CheckRecord`, sorted by assignment, cell and student."""
        with self.engine.connect() as conn:
            rows = conn.execute(tables.CHECKS.select()).mappings().all()
        return sorted((tables.check_record(row) for row in rows), key=lambda r: (r.assignment, r.grade_id, r.student))

    def export_report(self, path):
        """Write ``grading_report.csv``: score, outcome, reason and notes per submission."""
        runs = self.load_runs()
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["student_id", "assignment", "score", "max_score", "outcome", "reason", "notes"])
            for row in self.all_scores():
                run = runs.get((row.student, row.assignment))
                writer.writerow([
                    row.student, row.assignment, f"{row.score:g}", f"{row.max_score:g}",
                    run.outcome if run else ("graded" if row.submitted else "not submitted"),
                    run.reason if run else "", " | ".join(run.notes) if run else "",
                ])
        return path


def _save_auto_grades(config, gradebook):
    """nbgrader's ``SaveAutoGrades`` working on ``gradebook`` (an open nbgrader Gradebook) instead of opening its
    own: its cell-by-cell saving is nbgrader's, only the connection is ours."""
    from nbgrader.preprocessors import SaveAutoGrades  # nbgrader: seconds to import, needed only when saving

    class OnThisGradebook(SaveAutoGrades):
        def preprocess(self, nb, resources):
            info = resources["nbgrader"]
            self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
            self.student_id, self.db_url = info["student"], info["db_url"]
            self.gradebook = gradebook
            return super(SaveAutoGrades, self).preprocess(nb, resources)  # the cells, without SaveAutoGrades' open

    return OnThisGradebook(config=config)


def read_csv(path):
    """Rows of a grades CSV as dictionaries."""
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))
