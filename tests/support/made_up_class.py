"""A made-up class for the class report's tests (its statistics, CSV files, page, and the page in a browser)."""
from __future__ import annotations

from grading.gradebook.class_data import CellInfo, ClassData
from grading.gradebook.tables import CheckRecord, RunRecord

STUDENTS = ["ann", "ben", "cat", "dan", "eve"]
#: The figures of the made-up class's page: the most failed exercises, one score histogram per
#: assignment, and the relative errors of the wrong answers per exercise where some were recorded.
FIGURES = ["most-failed", "scores-01_shallow", "errors-01_shallow-test_compute_cost", "errors-01_shallow-test_backward"]


def made_up_class():
    """ann right everywhere; ben and cat forget the 1/m in the cost (cat also in backward);
    dan's submission could not be processed; eve submitted nothing; a written answer waits."""
    cells = {"01_shallow": [CellInfo("test_compute_cost", 2.0, "test"), CellInfo("test_backward", 3.0, "test"),
                            CellInfo("answer_why", 1.0, "written")]}
    data = ClassData(STUDENTS, cells, {"01_shallow": 6.0})
    points = {"ann": (2, 3), "ben": (0, 3), "cat": (0, 0), "dan": (0, 0)}
    for student, (cost, backward) in points.items():
        data.scores[(student, "01_shallow")] = float(cost + backward)
        data.cells[(student, "01_shallow", "test_compute_cost")] = (float(cost), False)
        data.cells[(student, "01_shallow", "test_backward")] = (float(backward), False)
        data.cells[(student, "01_shallow", "answer_why")] = (0.0, student != "dan")
    data.runs[("dan", "01_shallow")] = RunRecord("dan", "01_shallow", "h", "s", "zeroed",
                                                 "01_shallow.ipynb is not a valid notebook")
    data.runs[("cat", "01_shallow")] = RunRecord("cat", "01_shallow", "h", "s", "graded",
                                                 notes=["test_backward: patched helpers.checks"])
    record = lambda student, cell, ok, hidden=True, mistake="", err=None: CheckRecord(  # noqa: E731
        cell, cell.removeprefix("test_"), ok and hidden is not False, ok, hidden,
        f"message for {mistake}" if mistake else "", mistake, err, student=student, assignment="01_shallow")
    data.checks = [
        record("ann", "test_compute_cost", True), record("ann", "test_backward", True),
        record("ben", "test_compute_cost", False, None, "compute_cost.missing-1-over-m", 0.6),
        record("ben", "test_backward", True, False),
        # graded before the ids were written by hand: the same mistake under its old id
        record("cat", "test_compute_cost", False, None, "compute_cost.the-cost-is-the-sum-over", 0.6),
        record("cat", "test_backward", False, None, "backward.transposed", 1e-3),
    ]
    return data
