"""What a graded class did, read from the gradebook: the numbers behind the instructor's report.

:func:`load_class` reads nbgrader's gradebook (assignments, their graded cells, every student's
scores) and our two tables (``nnfs_grading_runs``: outcome, reason and notes per submission;
``nnfs_check_results``: per test cell, the visible and hidden verdicts and the named mistake
that fired) into plain records; :func:`summarize` turns them into the statistics the report
shows (:mod:`grading.gradebook.class_report`). Nothing here parses a message: mistakes are counted by
the stable identifiers recorded when grading.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from helpers.checks.catalog import current_id


@dataclass(frozen=True)
class CellInfo:
    """A graded cell of an assignment: a test cell (``kind='test'``) or a written answer."""

    name: str
    points: float
    kind: str  # 'test' (autograded code) | 'written' (graded by hand)

    @property
    def exercise(self):
        return self.name.removeprefix("test_")


@dataclass
class ClassData:
    """Everything the report needs, as plain data."""

    students: list
    assignments: dict                                  # name -> [CellInfo], in notebook order
    max_scores: dict                                   # name -> max score
    scores: dict = field(default_factory=dict)         # (student, assignment) -> total score
    cells: dict = field(default_factory=dict)          # (student, assignment, cell) -> (score, needs manual)
    runs: dict = field(default_factory=dict)           # (student, assignment) -> gradebook.RunRecord
    checks: list = field(default_factory=list)         # [gradebook.CheckRecord]


def load_class(gradebook):
    """Read ``gradebook`` (a :class:`grading.gradebook.session.Gradebook`) into a :class:`ClassData`."""
    from nbgrader.api import MissingEntry  # nbgrader: seconds to import, needed only here

    with gradebook.nbgrader() as gb:
        assignments, max_scores = {}, {}
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            assignments[assignment.name] = [
                CellInfo(cell.name, float(cell.max_score), "test" if cell.cell_type == "code" else "written")
                for notebook in assignment.notebooks for cell in notebook.grade_cells
            ]
            max_scores[assignment.name] = float(assignment.max_score)
        data = ClassData(sorted(student.id for student in gb.students), assignments, max_scores)
        for student in data.students:
            for name in assignments:
                try:
                    submission = gb.find_submission(name, student)
                except MissingEntry:
                    continue
                data.scores[(student, name)] = float(submission.score)
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        data.cells[(student, name, grade.name)] = (float(grade.score), bool(grade.needs_manual_grade))
    data.runs = gradebook.load_runs()
    data.checks = gradebook.load_checks()
    return data


@dataclass(frozen=True)
class AssignmentSummary:
    name: str
    max_score: float
    scores: list            # total scores of the submissions (zeroed ones included)
    not_submitted: int
    graded: int
    zeroed: list            # [(student, reason)]

    @property
    def mean(self):
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def median(self):
        return statistics.median(self.scores) if self.scores else None


@dataclass(frozen=True)
class MistakeCount:
    assignment: str
    exercise: str
    mistake: str
    students: list          # who made it, sorted
    hint: str               # one message that named it (for the page only)


@dataclass(frozen=True)
class ExerciseSummary:
    assignment: str
    cell: str
    exercise: str
    points: float
    submitted: int
    passed: int             # full points on the cell
    mean_score: float | None
    visible_passed: int | None = None    # from the recorded checks, when there are some
    hidden_passed: int | None = None
    checked: int = 0                      # submissions with a recorded check of this cell
    mistakes: list = field(default_factory=list)           # [MistakeCount], most frequent first
    relative_errors: list = field(default_factory=list)    # of the wrong answers, where recorded


def summarize_assignment(data, name):
    submitted = [s for s in data.students if (s, name) in data.scores]
    zeroed = sorted((s, data.runs[(s, name)].reason) for s in submitted
                    if (s, name) in data.runs and data.runs[(s, name)].outcome == "zeroed")
    return AssignmentSummary(
        name, data.max_scores[name], [data.scores[(s, name)] for s in submitted],
        not_submitted=len(data.students) - len(submitted),
        graded=len(submitted) - len(zeroed), zeroed=zeroed,
    )


def _mistake_counts(assignment, exercise, records):
    """The mistakes recorded for one exercise, counted by their current id (an id that an older grading run
    recorded before it was renamed counts with its new name: helpers.checks.catalog.current_id)."""
    students, hints = defaultdict(set), {}
    for record in records:
        if record.mistake:
            key = current_id(record.mistake, exercise)
            students[key].add(record.student)
            hints.setdefault(key, record.message)
    ranked = sorted(students, key=lambda key: (-len(students[key]), key))
    return [MistakeCount(assignment, exercise, key, sorted(students[key]), hints[key]) for key in ranked]


def summarize_exercise(data, assignment, cell, checks_by_cell):
    scores = [data.cells[(s, assignment, cell.name)][0] for s in data.students
              if (s, assignment, cell.name) in data.cells]
    records = checks_by_cell.get((assignment, cell.name), [])
    summary = dict(
        assignment=assignment, cell=cell.name, exercise=cell.exercise, points=cell.points,
        submitted=len(scores), passed=sum(score >= cell.points for score in scores),
        mean_score=statistics.fmean(scores) if scores else None,
    )
    if records:
        summary.update(
            checked=len(records),
            visible_passed=sum(r.visible_passed for r in records),
            # hidden calls run only after the visible ones pass; None: the cell has none
            hidden_passed=(sum(r.hidden_passed is True for r in records)
                           if any(r.hidden_passed is not None for r in records) else None),
            mistakes=_mistake_counts(assignment, cell.exercise, records),
            relative_errors=[r.relative_error for r in records
                             if not r.passed and r.relative_error is not None],
        )
    return ExerciseSummary(**summary)


def summarize(data):
    """``(assignments, exercises)``: an :class:`AssignmentSummary` per assignment and an
    :class:`ExerciseSummary` per autograded test cell, in notebook order."""
    checks_by_cell = defaultdict(list)
    for record in data.checks:
        checks_by_cell[(record.assignment, record.grade_id)].append(record)
    assignments = [summarize_assignment(data, name) for name in data.assignments]
    exercises = [summarize_exercise(data, name, cell, checks_by_cell)
                 for name, cells in data.assignments.items() for cell in cells if cell.kind == "test"]
    return assignments, exercises


def submissions_with_notes(data):
    """``[(student, assignment, outcome, [reason and notes])]`` of the runs that have any."""
    rows = []
    for (student, assignment), run in sorted(data.runs.items()):
        lines = ([run.reason] if run.reason else []) + list(run.notes)
        if lines:
            rows.append((student, assignment, run.outcome, lines))
    return rows


def waiting_for_manual_grading(data):
    """``[(assignment, cell, [students])]`` of the written answers no instructor has graded yet."""
    waiting = defaultdict(list)
    for (student, assignment, cell), (_, needs_manual) in sorted(data.cells.items()):
        if needs_manual:
            waiting[(assignment, cell)].append(student)
    return [(assignment, cell, students) for (assignment, cell), students in sorted(waiting.items())]
