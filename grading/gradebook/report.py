"""Plain-text tables and progress lines for the terminal."""
import time


def format_table(headers, rows):
    """Left-aligned columns separated by two spaces, with a rule under the headers."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row)]
    def line(cells):
        return "  ".join(cell.ljust(w) for cell, w in zip(cells, widths)).rstrip()
    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(row) for row in rows)
    return "\n".join(out)


def format_points(score, max_score):
    """``'3 / 5'``; ``'- / 5'`` when there is no score."""
    def number(value):
        return "-" if value is None else f"{value:g}"
    return f"{number(score)} / {number(max_score)}"


def format_duration(seconds):
    """``'1 h 05 min'``, ``'4 min 10 s'`` or ``'25 s'``."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    if hours:
        return f"{hours} h {rest // 60:02d} min"
    return f"{rest // 60} min {rest % 60:02d} s" if rest >= 60 else f"{rest} s"


class Progress:
    """Where a grading run of ``total`` submissions stands: ``[done/total, ETA left]``.

    The time left is the remaining submissions at the pace of those graded so far,
    measured from the first one graded (what comes before it, such as preparing each
    assignment once, does not repeat), so that parallel workers are counted in;
    submissions skipped as unchanged cost nothing and do not set the pace.
    """

    def __init__(self, total, clock=time.monotonic):
        self.total, self.clock = total, clock
        self.start = clock()
        self.first = None
        self.done = self.graded = 0

    def step(self, result):
        """Count ``result`` (a :class:`grading.records.GradeResult`); returns the prefix."""
        self.done += 1
        now = self.clock()
        if not result.skipped:
            self.graded += 1
            if self.first is None:
                self.first = now
        text = f"[{self.done:>{len(str(self.total))}}/{self.total}"
        left = self.total - self.done
        if left and self.graded:
            pace = (now - self.first) / (self.graded - 1) if self.graded > 1 else now - self.start
            text += f", about {format_duration(pace * left)} left"
        return text + "]"


def grading_table(results):
    """Table of autograde results: student, assignment, score / max, status."""
    return format_table(
        ["student", "assignment", "score / max", "status"],
        [[r.student, r.assignment, format_points(r.score, r.max_score), r.status] for r in results],
    )


def notes_table(results):
    """Indented lines ``student/assignment: note`` for the results that have notes."""
    lines = []
    for result in results:
        for note in result.notes:
            lines.append(f"  {result.student}/{result.assignment}: {note}")
    return "\n".join(lines)


def grades_matrix(rows):
    """One line per student, one column per assignment, plus the total.

    ``rows`` are :class:`grading.gradebook.ScoreRow`; a missing submission shows as
    ``'-'`` in its cell and counts 0 in the total.
    """
    assignments = sorted({row.assignment for row in rows})
    students = sorted({row.student for row in rows})
    by_pair = {(row.student, row.assignment): row for row in rows}
    maxima = {row.assignment: row.max_score for row in rows}
    table = []
    for student in students:
        cells, total = [student], 0.0
        for assignment in assignments:
            row = by_pair.get((student, assignment))
            if row is None or not row.submitted:
                cells.append("-")
            else:
                cells.append(f"{row.score:g}")
                total += row.score
        cells.append(format_points(total, sum(maxima.values())))
        table.append(cells)
    headers = ["student"] + [f"{a} (/{maxima[a]:g})" for a in assignments] + ["total"]
    return format_table(headers, table)
