"""The instructor's report of a graded class: what to explain again on Monday.

``python -m grading report`` (``make report``) writes into ``COURSE/reports/``:

* ``class_report.html``: one self-contained page (figures embedded as PNG, no network): per
  assignment the score histogram, mean, median, and how many were not submitted, graded or
  zeroed (with the reason); per exercise the share of students passing the visible and the
  hidden tests and the named mistakes ranked by how many students made them (with a few of
  them); the exercises most students failed across the workbook; the submissions with notes;
  the written answers still waiting for manual grading;
* ``mistakes.csv``: ``assignment,exercise,mistake,students,hint``, one row per named mistake made;
* ``exercises.csv``: ``assignment,exercise,points,submitted,passed,mean_score``.

The numbers come from :mod:`grading.gradebook.class_data`.
"""
from __future__ import annotations

import base64
import csv
import io
import math
from html import escape
from pathlib import Path

from grading.gradebook.class_data import load_class, submissions_with_notes, summarize, waiting_for_manual_grading
from grading.gradebook.report import format_table

#: How many students a mistake names as examples.
EXAMPLES = 3
#: How many exercises the "most failed" chart shows.
MOST_FAILED = 15


# -- figures ----------------------------------------------------------------------------------

def _figure(width=6.0, height=2.6):
    import matplotlib  # optional and slow to import: only a report with figures needs it

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt  # after choosing the Agg backend

    return plt.subplots(figsize=(width, height), dpi=96)


def _embedded(fig, name, alt):
    """The figure as an ``<img>`` with a data URI (the page needs no other file)."""
    import matplotlib.pyplot as plt  # loaded by _figure already

    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<img class="figure" data-figure="{escape(name)}" alt="{escape(alt)}" '
            f'src="data:image/png;base64,{data}">')


def score_histogram(summary):
    fig, ax = _figure()
    bins = max(1, min(20, int(summary.max_score) or 1))
    ax.hist(summary.scores, bins=bins, range=(0, summary.max_score or 1), color="#4c72b0", edgecolor="white")
    ax.set_xlabel(f"score (out of {summary.max_score:g})")
    ax.set_ylabel("students")
    ax.set_title(f"{summary.name}: scores")
    return _embedded(fig, f"scores-{summary.name}", f"histogram of the scores of {summary.name}")


def most_failed_chart(exercises):
    ranked = sorted((e for e in exercises if e.submitted),
                    key=lambda e: (-(1 - e.passed / e.submitted), e.assignment, e.cell))[:MOST_FAILED]
    fig, ax = _figure(height=0.3 * len(ranked) + 1.2)
    labels = [f"{e.assignment[:2]} {e.exercise}" for e in ranked]
    shares = [100 * (1 - e.passed / e.submitted) for e in ranked]
    ax.barh(labels[::-1], shares[::-1], color="#c44e52")
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of the submissions that did not pass")
    ax.set_title("The exercises most students failed")
    return _embedded(fig, "most-failed", "bar chart of the exercises most students failed")


def relative_error_histogram(exercise):
    """How far the wrong answers were: log10 of |actual - expected| / (|actual| + |expected|)."""
    values = [math.log10(max(err, 1e-16)) if math.isfinite(err) else 0.0 for err in exercise.relative_errors]
    fig, ax = _figure(height=2.2)
    ax.hist(values, bins=16, range=(-16, 0), color="#8172b2", edgecolor="white")
    ax.set_xlabel("log10 relative error of the wrong answers")
    ax.set_ylabel("students")
    ax.set_title(f"{exercise.exercise}: how far the wrong answers were")
    return _embedded(fig, f"errors-{exercise.assignment}-{exercise.cell}",
                     f"histogram of the relative errors for {exercise.exercise}")


# -- the page -----------------------------------------------------------------------------------

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.7em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; } code { font-size: 0.92em; }
.bad { color: #b00; } .figure { display: block; margin: 0.5em 0; max-width: 100%; }
"""


def _percent(part, whole):
    return "-" if not whole or part is None else f"{100 * part / whole:.0f}%"


def _table(headers, rows, numeric=()):
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{cell}</td>' if i in numeric else f"<td>{cell}</td>"
                         for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def assignment_section(summary, exercises):
    mean = "-" if summary.mean is None else f"{summary.mean:.1f}"
    median = "-" if summary.median is None else f"{summary.median:g}"
    parts = [f'<h2 id="{escape(summary.name)}">{escape(summary.name)}</h2>',
             f"<p>{len(summary.scores)} submitted ({summary.graded} graded, {len(summary.zeroed)} zeroed), "
             f"{summary.not_submitted} not submitted; mean {mean}, median {median} of {summary.max_score:g}.</p>"]
    if summary.scores:
        parts.append(score_histogram(summary))
    if summary.zeroed:
        parts.append(_table(["zeroed", "reason"], [[escape(s), escape(r)] for s, r in summary.zeroed]))
    rows = [[f"<code>{escape(e.exercise)}</code>", f"{e.points:g}", _percent(e.passed, e.submitted),
             _percent(e.visible_passed, e.checked), _percent(e.hidden_passed, e.checked),
             "-" if e.mean_score is None else f"{e.mean_score:.2f}"] for e in exercises]
    parts.append(_table(["exercise", "points", "full points", "visible tests passed", "hidden tests passed",
                         "mean score"], rows, numeric=(1, 2, 3, 4, 5)))
    for exercise in exercises:
        parts.append(exercise_mistakes(exercise))
    return "\n".join(part for part in parts if part)


def exercise_mistakes(exercise):
    if not exercise.mistakes and not exercise.relative_errors:
        return ""
    parts = [f"<h3><code>{escape(exercise.exercise)}</code>: the mistakes made</h3>"]
    if exercise.mistakes:
        rows = []
        for mistake in exercise.mistakes:
            examples = ", ".join(mistake.students[:EXAMPLES]) + (" ..." if len(mistake.students) > EXAMPLES else "")
            rows.append([f"<code>{escape(mistake.mistake)}</code>", str(len(mistake.students)),
                         escape(examples), escape(_first_line(mistake.hint))])
        parts.append(_table(["mistake", "students", "for example", "what they were told"], rows, numeric=(1,)))
    if exercise.relative_errors:
        parts.append(relative_error_histogram(exercise))
    return "\n".join(parts)


def _first_line(text):
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def notes_section(notes, waiting):
    parts = ["<h2>Submissions with notes</h2>"]
    if notes:
        parts.append(_table(["student", "assignment", "outcome", "reason and notes"],
                            [[escape(s), escape(a), escape(o), "<br>".join(escape(line) for line in lines)]
                             for s, a, o, lines in notes]))
    else:
        parts.append("<p>None: no limit was hit, nothing was found in the submissions.</p>")
    parts.append("<h2>Written answers waiting for manual grading</h2>")
    if waiting:
        parts.append(_table(["assignment", "answer", "students"],
                            [[escape(a), f"<code>{escape(c)}</code>", f"{len(s)}: " + escape(", ".join(s))]
                             for a, c, s in waiting]))
    else:
        parts.append("<p>None.</p>")
    return "\n".join(parts)


def render_html(data, assignments, exercises):
    """The page, from :func:`load_class`'s data and :func:`summarize`'s summaries of it."""
    by_assignment = {a.name: [e for e in exercises if e.assignment == a.name] for a in assignments}
    contents = "".join(f'<li><a href="#{escape(a.name)}">{escape(a.name)}</a></li>' for a in assignments)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>Class report</title>", f"<style>{STYLE}</style></head><body>",
        "<h1>Class report</h1>",
        f"<p>{len(data.students)} students, {len(assignments)} assignments.</p>",
        f"<ul>{contents}</ul>",
    ]
    if any(e.submitted for e in exercises):
        parts.append(most_failed_chart(exercises))
    parts += [assignment_section(a, by_assignment[a.name]) for a in assignments]
    parts.append(notes_section(submissions_with_notes(data), waiting_for_manual_grading(data)))
    parts.append("</body></html>")
    return "\n".join(parts)


# -- the files --------------------------------------------------------------------------------------

def write_mistakes_csv(exercises, path):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assignment", "exercise", "mistake", "students", "hint"])
        for exercise in exercises:
            for mistake in exercise.mistakes:
                writer.writerow([mistake.assignment, mistake.exercise, mistake.mistake, len(mistake.students),
                                 _first_line(mistake.hint)])
    return path


def write_exercises_csv(exercises, path):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assignment", "exercise", "points", "submitted", "passed", "mean_score"])
        for e in exercises:
            mean = "" if e.mean_score is None else f"{e.mean_score:.4g}"
            writer.writerow([e.assignment, e.exercise, f"{e.points:g}", e.submitted, e.passed, mean])
    return path


def write_report(gradebook, reports_dir):
    """Write the page and the two CSV files into ``reports_dir``; returns their paths, and under
    ``"top"`` a terminal table of the most frequent mistakes ('' when none was recorded)."""
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    data = load_class(gradebook)
    page = reports_dir / "class_report.html"
    assignments, exercises = summarize(data)
    page.write_text(render_html(data, assignments, exercises), encoding="utf-8")
    return {
        "html": page,
        "mistakes": write_mistakes_csv(exercises, reports_dir / "mistakes.csv"),
        "exercises": write_exercises_csv(exercises, reports_dir / "exercises.csv"),
        "top": top_mistakes(exercises),
    }


def top_mistakes(exercises, count=10):
    """A terminal table of the most frequent mistakes of :func:`summarize`'s exercises ('' if none)."""
    ranked = sorted((m for e in exercises for m in e.mistakes), key=lambda m: (-len(m.students), m.assignment))
    rows = [[m.assignment, m.exercise, m.mistake, str(len(m.students)), _words(m.hint)] for m in ranked[:count]]
    return format_table(["assignment", "exercise", "mistake", "students", "hint"], rows) if rows else ""


def _words(text, count=8):
    """A hint's first words, for a terminal table."""
    words = _first_line(text).split()
    return " ".join(words[:count]) + (" ..." if len(words) > count else "")
