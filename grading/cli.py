"""Command line: ``python -m grading COMMAND`` (also installed as ``nnfs-grade``).

Exit status: 0 on success; 1 when something needs attention (a failed self-check, a
grading infrastructure problem, a broken course); 2 for a usage error. Students' failing
tests or unprocessable submissions are reported, not turned into a failure status.
"""
import argparse
import sys
import tempfile
from pathlib import Path

from .course import (
    DEFAULT_COURSE_DIR,
    DEFAULT_DEMO_DIR,
    DEFAULT_NOTEBOOKS_DIR,
    CourseError,
    add_student_copies,
    find_notebooks,
    find_submissions,
)


def _add_common(parser, notebooks=True, course=True, assignment=True):
    if notebooks:
        parser.add_argument(
            "--notebooks-dir", type=Path, default=DEFAULT_NOTEBOOKS_DIR,
            help="folder of the source notebooks (default: the repository's notebooks/)",
        )
    if course:
        parser.add_argument(
            "--course", type=Path, default=DEFAULT_COURSE_DIR,
            help="nbgrader course directory, generated (default: build/course)",
        )
    if assignment:
        parser.add_argument(
            "--assignment", action="append", metavar="ID",
            help="only this assignment (notebook stem); repeatable",
        )


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m grading",
        description="Neural Networks from Scratch: nbgrader release, grading and feedback.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show nbgrader's log")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("release", help="generate the student versions into COURSE/release")
    _add_common(p)

    p = commands.add_parser(
        "student-copies", help="add released notebooks to DEST, never overwriting a copy")
    p.add_argument("--dest", type=Path, required=True, help="folder of the working copies")
    _add_common(p, course=False)
    p.add_argument(
        "--course", type=Path, default=None,
        help="course directory to release into (default: a temporary one)",
    )

    p = commands.add_parser("validate", help="run a notebook's tests and report each one")
    p.add_argument("notebook", type=Path, metavar="NB", help="notebook to check")

    p = commands.add_parser(
        "autograde", help="autograde SUBMISSIONS/STUDENT/ASSIGNMENT/ASSIGNMENT.ipynb")
    p.add_argument("submissions", type=Path, metavar="SUBMISSIONS", help="submissions folder")
    _add_common(p)

    p = commands.add_parser("feedback", help="feedback HTML for everything autograded")
    _add_common(p, notebooks=False)

    p = commands.add_parser("export", help="write COURSE/grades.csv and print the grades")
    _add_common(p, notebooks=False, assignment=False)

    p = commands.add_parser("demo", help="the whole pipeline on three demo students")
    _add_common(p, course=False, assignment=False)
    p.add_argument(
        "--dir", type=Path, default=DEFAULT_DEMO_DIR,
        help="throwaway folder, wiped first (default: build/demo)",
    )
    return parser


def _grader(args):
    from .pipeline import Grader

    return Grader(args.course, verbose=args.verbose)


def cmd_release(args):
    notebooks = find_notebooks(args.notebooks_dir, args.assignment)
    if not notebooks:
        print(f"No notebooks in {args.notebooks_dir}: nothing to release.")
        return 0
    for assignment, path in _grader(args).release(notebooks).items():
        print(f"released {assignment}: {path}")
    return 0


def cmd_student_copies(args):
    notebooks = find_notebooks(args.notebooks_dir, args.assignment)
    if not notebooks:
        print(f"No notebooks in {args.notebooks_dir}: nothing to copy.")
        return 0
    with tempfile.TemporaryDirectory(prefix="nnfs-release-") as tmp:
        args.course = args.course or Path(tmp) / "course"
        released = _grader(args).release(notebooks)
        added, kept = add_student_copies(released, args.dest)
    for path in added:
        print(f"added {path}")
    for path in kept:
        print(f"kept  {path} (your copy; not overwritten)")
    return 0


def cmd_validate(args):
    from .validate import format_report, validate_notebook

    if not args.notebook.is_file():
        raise CourseError(f"no notebook {args.notebook}")
    try:
        report = validate_notebook(args.notebook)
    except Exception as exc:  # unreadable notebook, kernel that cannot start or died...
        raise CourseError(f"could not run {args.notebook}: {type(exc).__name__}: {exc}") from exc
    print(format_report(report))
    return 0 if report.passed else 1


def cmd_autograde(args):
    from .report import format_points, grading_table

    notebooks = find_notebooks(args.notebooks_dir)
    submissions = find_submissions(args.submissions, args.assignment)
    if not submissions:
        raise CourseError(f"no STUDENT/ASSIGNMENT folders in {args.submissions}")
    grader = _grader(args)

    def progress(result):
        print(f"{result.student}/{result.assignment}: "
              f"{format_points(result.score, result.max_score)}  {result.status}", flush=True)

    results = grader.autograde_all(submissions, notebooks, progress=progress)
    print()
    print(grading_table(results))
    failed = [r for r in results if not r.graded]
    print(f"\n{len(results) - len(failed)} graded, {len(failed)} failed to process.")
    broken = [r for r in results if r.infrastructure]
    if broken:
        print(f"{len(broken)} failure(s) look like a grading infrastructure problem.", file=sys.stderr)
        return 1
    return 0


def cmd_feedback(args):
    feedback = _grader(args).feedback(args.assignment)
    if not feedback:
        print(f"Nothing autograded in {args.course}: no feedback to generate.")
    for (student, assignment), path in sorted(feedback.items()):
        print(f"{student}/{assignment}: {path}")
    return 0


def cmd_export(args):
    from .report import grades_matrix

    path, rows = _grader(args).export()
    print(f"wrote {path}\n")
    print(grades_matrix(rows) if rows else "(no grades yet)")
    return 0


def cmd_demo(args):
    from .demo import run_demo

    return run_demo(args.notebooks_dir, args.dir)


COMMANDS = {
    "release": cmd_release,
    "student-copies": cmd_student_copies,
    "validate": cmd_validate,
    "autograde": cmd_autograde,
    "feedback": cmd_feedback,
    "export": cmd_export,
    "demo": cmd_demo,
}


def main(argv=None):
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    from .demo import MistakeError
    from .pipeline import PipelineError

    try:
        return COMMANDS[args.command](args)
    except (CourseError, PipelineError, MistakeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
