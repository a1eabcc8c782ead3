"""Round trip of the real notebooks through nbgrader: release, then autograde a generated class.

For every notebook: the solution (alice) scores full marks in every test cell, the blank
student version (bob) scores 0 automatic points, and the demo's typical mistakes
(grading/cli/demo.py) lose carol exactly the points of the test cells they are meant to fail,
nothing more. dave submits three of the notebooks (DAVE), each with only its first mistake, so that the class
report (reports/mistakes.csv) must count two students for those and one for the others, and three or four
submissions per notebook. In alice's, carol's and
dave's notebooks every demonstration cell would kill the kernel: grading must skip them all.
"""
from __future__ import annotations

import csv
from collections import Counter

import nbformat
import pytest

from grading.batch.pipeline import Grader
from grading.cli.demo import EXPECTED_FAILURES, EXPECTED_MISTAKES, MISTAKES, notebook_with_mistakes, write_submissions
from grading.course import find_notebooks, find_submissions
from grading.gradebook.class_report import write_report
from grading.gradebook.session import Gradebook
from grading_fixture import poisoned
from notebook_runner import NOTEBOOKS

pytestmark = pytest.mark.slow

ASSIGNMENTS = sorted(find_notebooks(NOTEBOOKS))
#: The notebooks dave submits (a grading costs about 3 s on 2 cores: not all nine).
DAVE = ASSIGNMENTS[::4]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The graded class's course (a Grader)."""
    root = tmp_path_factory.mktemp("roundtrip")
    notebooks = find_notebooks(NOTEBOOKS)
    grader = Grader(root / "course")
    released = grader.release(notebooks)
    write_submissions(root / "submissions", notebooks, released, MISTAKES)
    for assignment in DAVE:
        source = notebooks[assignment]
        folder = root / "submissions" / "dave" / assignment
        folder.mkdir(parents=True)
        nbformat.write(notebook_with_mistakes(source, MISTAKES[assignment][:1]), str(folder / f"{assignment}.ipynb"))
    # Every demonstration cell of the submissions made from the source kills its kernel if it runs: alice's full
    # marks and carol's and dave's exact losses also show that grading skips every demonstration of every notebook.
    for path in (root / "submissions").glob("[acd]*/*/*.ipynb"):
        nbformat.write(poisoned(nbformat.read(str(path), as_version=4)), str(path))
    results = grader.autograde_all(find_submissions(root / "submissions"), notebooks)
    problems = [f"{r.student}/{r.assignment}: {r.problem}" for r in results if r.problem]
    assert not problems, problems
    return grader


@pytest.fixture(scope="module")
def graded(course):
    return {(student, assignment): Gradebook(course.layout.db_url).cell_scores(student, assignment)
            for student in ("alice", "bob", "carol") for assignment in ASSIGNMENTS}


def test_every_notebook_has_typical_mistakes_with_their_expected_failures():
    for assignment in ASSIGNMENTS:
        assert MISTAKES.get(assignment), f"grading/cli/demo.py has no MISTAKES for {assignment}"
        assert EXPECTED_FAILURES.get(assignment), f"grading/cli/demo.py has no EXPECTED_FAILURES for {assignment}"
        assert len(EXPECTED_MISTAKES.get(assignment, [])) == len(MISTAKES[assignment]), \
            f"grading/cli/demo.py: EXPECTED_MISTAKES[{assignment!r}] needs one entry per mistake"


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


def test_class_report_counts_the_named_mistakes_of_the_class(course):
    """mistakes.csv holds exactly the mistakes carol and dave made (grading recorded which named
    mistake fired), with the number of students who made each; exercises.csv the pass counts."""
    paths = write_report(course.gradebook, course.layout.reports_dir)
    expected = Counter()
    for assignment in ASSIGNMENTS:
        dave = [EXPECTED_MISTAKES[assignment][:1]] if assignment in DAVE else []
        for student_mistakes in [EXPECTED_MISTAKES[assignment], *dave]:                  # carol's, dave's
            for exercise, mistake in set().union(*student_mistakes):
                expected[(assignment, exercise, mistake)] += 1
    with open(paths["mistakes"], newline="") as handle:
        found = {(r["assignment"], r["exercise"], r["mistake"]): int(r["students"]) for r in csv.DictReader(handle)}
    assert found == dict(expected)
    with open(paths["exercises"], newline="") as handle:
        exercises = list(csv.DictReader(handle))
    points = {student: {a: Gradebook(course.layout.db_url).cell_scores(student, a)
                        for a in (DAVE if student == "dave" else ASSIGNMENTS)}
              for student in ("alice", "bob", "carol", "dave")}
    assert {(r["assignment"], f"test_{r['exercise']}") for r in exercises} == {
        (a, cell) for a in ASSIGNMENTS for cell in points["alice"][a] if cell.startswith("test_")}
    for row in exercises:
        assignment, cell = row["assignment"], f"test_{row['exercise']}"
        passed = {s for s in points if assignment in points[s]
                  and points[s][assignment][cell][0] == points[s][assignment][cell][1]}
        assert (int(row["submitted"]), int(row["passed"])) == (4 if assignment in DAVE else 3, len(passed))
        assert "alice" in passed and "bob" not in passed
        assert ("carol" in passed) == (cell not in EXPECTED_FAILURES[assignment])
    html = paths["html"].read_text()
    assert html.count('data-figure="scores-') == len(ASSIGNMENTS) and 'data-figure="most-failed"' in html


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_release_has_no_discussion_and_grading_puts_each_back_under_its_answer(course, assignment):
    """Release leaves out every discussion cell of the source (their text would give the written answers away);
    grading puts each back under the student's answer and the graders' note (grading/nbgrader_glue/discussions.py),
    once, even in a submission made from the source (alice's)."""
    source = nbformat.read(str(course.layout.source_notebook(assignment)), as_version=4)
    texts = [c.source for c in source.cells if c.get("id", "").startswith("discussion-")]
    assert texts, f"{assignment} has no discussion"
    released = course.layout.release_notebook(assignment).read_text()
    released_texts = [c.source for c in nbformat.reads(released, as_version=4).cells]
    assert not [t for t in texts if any(t in r for r in released_texts)], "a discussion is in the student version"
    for student in ("alice", "bob"):
        graded = [c.source for c in nbformat.read(str(course.layout.autograded_notebook(student, assignment)),
                                                  as_version=4).cells]
        shown = [graded.index(t) for t in texts if graded.count(t) == 1]
        assert len(shown) == len(texts) and all(graded[i - 1].startswith("**For graders") for i in shown), student
