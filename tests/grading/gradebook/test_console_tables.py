"""The console tables: grades, grading outcomes."""
import re

from grading.gradebook.report import grades_matrix, grading_table
from grading.gradebook.session import ScoreRow
from grading.records import GradeResult


def test_tables():
    results = [GradeResult("alice", "01_a", 5.0, 5.0), GradeResult("zoe", "01_a", 0.0, 5.0, problem="bad")]
    table = grading_table(results)
    assert re.search(r"alice\s+01_a\s+5 / 5\s+graded", table)
    assert re.search(r"zoe\s+01_a\s+0 / 5\s+failed to process: bad", table)
    matrix = grades_matrix([
        ScoreRow("alice", "01_a", 5.0, 5.0, True), ScoreRow("alice", "02_b", 1.5, 3.0, True),
        ScoreRow("bob", "01_a", 0.0, 5.0, False), ScoreRow("bob", "02_b", 3.0, 3.0, True),
    ])
    assert re.search(r"student\s+01_a \(/5\)\s+02_b \(/3\)\s+total", matrix)
    assert re.search(r"alice\s+5\s+1.5\s+6.5 / 8", matrix)
    assert re.search(r"bob\s+-\s+3\s+3 / 8", matrix)
