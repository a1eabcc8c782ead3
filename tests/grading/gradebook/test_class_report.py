"""The instructor's class report on a made-up class: statistics, CSV files and the page.

(The same report on a class really graded by nbgrader is tested in tests/grading/cli/test_demo_roundtrip.py.)
"""
from __future__ import annotations

import csv
import re

from grading.gradebook import class_report
from grading.gradebook.class_data import summarize, submissions_with_notes, waiting_for_manual_grading
from grading.gradebook.session import Gradebook
from grading.gradebook.tables import CheckRecord
from made_up_class import FIGURES, made_up_class

def test_summaries_count_submissions_passes_and_mistakes():
    data = made_up_class()
    (assignment,), (cost, backward) = summarize(data)
    assert assignment.not_submitted == 1 and assignment.graded == 3
    assert assignment.zeroed == [("dan", "01_shallow.ipynb is not a valid notebook")]
    assert assignment.scores == [5.0, 3.0, 0.0, 0.0] and assignment.median == 1.5
    assert (cost.submitted, cost.passed, cost.visible_passed, cost.checked) == (4, 1, 1, 3)
    assert [(m.mistake, m.students) for m in cost.mistakes] == [("compute_cost.missing-1-over-m", ["ben", "cat"])]
    assert (cost.hidden_passed, backward.passed, backward.visible_passed, backward.hidden_passed) == (1, 2, 2, 1)
    assert backward.relative_errors == [1e-3]        # ben's hidden failure recorded no error
    assert submissions_with_notes(data)[0][:3] == ("cat", "01_shallow", "graded")
    assert waiting_for_manual_grading(data) == [("01_shallow", "answer_why", ["ann", "ben", "cat"])]


def test_csv_files_hold_one_row_per_mistake_and_exercise(tmp_path):
    _, exercises = summarize(made_up_class())
    with open(class_report.write_mistakes_csv(exercises, tmp_path / "m.csv")) as handle:
        mistakes = list(csv.DictReader(handle))
    assert mistakes == [
        {"assignment": "01_shallow", "exercise": "compute_cost", "mistake": "compute_cost.missing-1-over-m", "students": "2",
         "hint": "message for compute_cost.missing-1-over-m"},
        {"assignment": "01_shallow", "exercise": "backward", "mistake": "backward.transposed", "students": "1",
         "hint": "message for backward.transposed"},
    ]
    top = class_report.top_mistakes(exercises)
    assert "hint" in top.splitlines()[0] and "message for compute_cost.missing-1-over-m" in top
    with open(class_report.write_exercises_csv(exercises, tmp_path / "e.csv")) as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["exercise"], r["points"], r["submitted"], r["passed"], r["mean_score"]) for r in rows] == [
        ("compute_cost", "2", "4", "1", "0.5"), ("backward", "3", "4", "2", "1.5")]


def test_page_is_self_contained_with_every_figure_and_section():
    data = made_up_class()
    page = class_report.render_html(data, *summarize(data))
    figures = re.findall(r'data-figure="([^"]+)"', page)
    assert figures == FIGURES
    assert page.count('src="data:image/png;base64,') == len(figures)
    assert not re.search(r'(src|href)="(https?:)?//', page)           # nothing fetched from the network
    for text in ("compute_cost.missing-1-over-m", "ben, cat", "not a valid notebook", "patched helpers.checks",
                 "answer_why", "1 not submitted"):
        assert text in page


def test_check_records_are_replaced_per_submission(tmp_path):
    from grading.nbgrader_glue.api import ensure_scripts_on_path

    ensure_scripts_on_path()  # a new gradebook is stamped by nbgrader's `alembic` command
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    first = [CheckRecord("test_a", "a", False, False, None, "a is wrong", "a.wrong", 0.5, student="ann", assignment="01"),
             CheckRecord("test_b", "b", True, True, True, student="ann", assignment="01")]
    bens = CheckRecord("test_a", "a", False, True, False, student="ben", assignment="01")
    Gradebook(url).save_checks("ann", "01", first)
    Gradebook(url).save_checks("ben", "01", [bens])
    assert Gradebook(url).load_checks() == sorted(first + [bens], key=lambda r: (r.assignment, r.grade_id, r.student))
    Gradebook(url).save_checks("ann", "01", [])
    assert [r.student for r in Gradebook(url).load_checks()] == ["ben"]
