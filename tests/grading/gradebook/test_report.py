"""The terminal's progress line of a grading run: done/total and the time left."""
from types import SimpleNamespace

from grading.gradebook.report import Progress, format_duration


def result(skipped=False):
    return SimpleNamespace(skipped=skipped)


def test_durations_read_naturally():
    assert format_duration(25.4) == "25 s"
    assert format_duration(250) == "4 min 10 s"
    assert format_duration(3900) == "1 h 05 min"


def test_progress_counts_and_estimates_the_time_left_from_the_pace_so_far():
    now = [100.0]
    progress = Progress(10, clock=lambda: now[0])
    assert progress.step(result(skipped=True)) == "[ 1/10]"          # no pace yet
    now[0] += 60
    assert progress.step(result()) == "[ 2/10, about 8 min 00 s left]"  # 60 s for the first, 8 to go
    now[0] += 20
    assert progress.step(result()) == "[ 3/10, about 2 min 20 s left]"  # then one per 20 s, 7 to go
    now[0] += 40
    assert progress.step(result()) == "[ 4/10, about 3 min 00 s left]"  # 30 s each since the first


def test_the_last_line_has_no_estimate():
    progress = Progress(1, clock=lambda: 0.0)
    assert progress.step(result()) == "[1/1]"
