"""Round trip of the real notebooks through nbgrader: release, then autograde three students.

For every notebook: the solution scores full marks in every test cell, the blank student
version scores 0 automatic points, and the demo's typical mistakes (grading/demo.py) lose
exactly the points of the test cells they are meant to fail, nothing more.
"""
from __future__ import annotations

import pytest

from grading import gradebook
from grading.course import find_notebooks, find_submissions
from grading.demo import EXPECTED_FAILURES, MISTAKES, write_submissions
from grading.pipeline import Grader
from notebook_runner import NOTEBOOKS

pytestmark = pytest.mark.slow

ASSIGNMENTS = sorted(find_notebooks(NOTEBOOKS))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("roundtrip")
    notebooks = find_notebooks(NOTEBOOKS)
    grader = Grader(root / "course")
    released = grader.release(notebooks)
    write_submissions(root / "submissions", notebooks, released, MISTAKES)
    results = grader.autograde_all(find_submissions(root / "submissions"), notebooks)
    problems = [f"{r.student}/{r.assignment}: {r.problem}" for r in results if r.problem]
    assert not problems, problems
    return {(student, assignment): gradebook.cell_scores(grader.layout.db_url, student, assignment)
            for student in ("alice", "bob", "carol") for assignment in notebooks}


def test_every_notebook_has_typical_mistakes_with_their_expected_failures():
    for assignment in ASSIGNMENTS:
        assert MISTAKES.get(assignment), f"grading/demo.py has no MISTAKES for {assignment}"
        assert EXPECTED_FAILURES.get(assignment), f"grading/demo.py has no EXPECTED_FAILURES for {assignment}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks(graded, assignment):
    cells = graded[("alice", assignment)]
    tests = {name: score for name, score in cells.items() if name.startswith("test_")}
    assert tests, "no autograded test cell"
    lost = {name: score for name, score in tests.items() if score[0] != score[1]}
    assert not lost, f"the solution loses points in {lost}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_student_version_scores_zero(graded, assignment):
    cells = graded[("bob", assignment)]
    assert sum(score for score, _ in cells.values()) == 0
    assert sum(max_score for _, max_score in cells.values()) > 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_typical_mistakes_lose_exactly_their_exercises(graded, assignment):
    cells = graded[("carol", assignment)]
    # written answers (graded by hand, not autograded) score 0 until an instructor grades them
    failed = {name for name, (score, max_score) in cells.items() if score < max_score and name.startswith("test_")}
    assert failed == EXPECTED_FAILURES[assignment]
    for name in failed:
        assert cells[name][0] == 0
