"""Command line: ``python -m grading COMMAND`` (also installed as ``nnfs-grade``).

Exit status: 0 on success; 1 when something needs attention (a failed self-check, a
grading infrastructure problem, a broken course); 2 for a usage error. Students' failing
tests or unprocessable submissions are reported, not turned into a failure status.

``autograde`` grades each submission in a worker process of its own (``--jobs`` at a
time), under a whole-notebook time limit, nbgrader's per-cell timeout and a memory limit,
and skips submissions unchanged since they were graded (``--force`` grades them again).
``--db-url`` puts the gradebook in a database server (e.g. PostgreSQL) instead of
``COURSE/gradebook.db``. ``--scheduler`` grades on the workers of a Dask cluster instead of this
machine's cores, and ``--dask-workers`` on a Dask cluster started on this machine (docs/dask.md).
"""
import argparse
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import nbformat

from grading.batch.pipeline import Grader, default_jobs
from grading.course import (DEFAULT_COURSE_DIR, DEFAULT_DEMO_DIR, DEFAULT_NOTEBOOKS_DIR, CourseError,
                            add_student_copies, find_notebooks, find_submissions)
from grading.edition.build import build_edition
from grading.gradebook.class_report import write_report
from grading.gradebook.database import read_url_file, url_password
from grading.gradebook.report import Progress, format_points, grades_matrix, grading_table, notes_table
from grading.limits import Limits, format_size, parse_size
from grading.nbgrader_glue.api import PipelineError
from grading.nbgrader_glue.discussions import fold_discussions
from grading.sandbox.landlock import sandbox_gaps


def _size(text):
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def _db_url(text):
    """A ``--db-url`` without a password: one on a command line is visible to every process
    of the machine (``ps``, ``/proc/PID/cmdline``), a submission's included."""
    if url_password(text) is not None:
        raise argparse.ArgumentTypeError(
            "a password in --db-url is visible to every process on this machine; leave it out "
            "and put it in ~/.pgpass or the file named by $PGPASSFILE (PostgreSQL's libpq reads "
            "it, mode 600), or pass the whole URL in a file with --db-url-file")
    return text


def _db_url_file(text):
    try:
        return read_url_file(text)
    except (OSError, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_db(parser):
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--db-url", type=_db_url, metavar="URL", default=None,
        help="gradebook database, any SQLAlchemy URL without a password, e.g. "
             "postgresql://grader@dbhost/course, the password in ~/.pgpass or $PGPASSFILE "
             "(default: SQLite COURSE/gradebook.db)",
    )
    group.add_argument(
        "--db-url-file", type=_db_url_file, dest="db_url", metavar="FILE",
        help="read the gradebook's URL (which may hold a password) from the first line of FILE, "
             "readable by its owner only (chmod 600)",
    )
    parser.add_argument(
        "--course-id", metavar="ID", default=None,
        help="nbgrader's course id, the one the exchange and JupyterHub know (default: the one the course's "
             "nbgrader_config.py names, written by release; else nbgrader's default)",
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


def _add_release_commands(commands):
    p = commands.add_parser("release", help="generate the student versions into COURSE/release")
    _add_common(p)
    _add_db(p)

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
    p.add_argument("--no-sandbox", dest="sandbox", action="store_false",
                   help="run the kernel unconfined (by default it is confined as in grading: it reads "
                        "only Python and helpers, writes only a private folder, has no network)")


def _add_autograde_command(commands):
    p = commands.add_parser(
        "autograde", help="autograde SUBMISSIONS/STUDENT/ASSIGNMENT/ASSIGNMENT.ipynb")
    p.add_argument("submissions", type=Path, metavar="SUBMISSIONS", help="submissions folder")
    _add_common(p)
    _add_db(p)
    defaults = Limits()
    where = p.add_mutually_exclusive_group()
    where.add_argument("-j", "--jobs", type=_positive_int, default=None, metavar="N",
                       help=f"submissions graded at once, each in its own process "
                            f"(default: the number of cores, here {default_jobs()})")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="grade on the Dask cluster of this scheduler, e.g. tcp://HOST:8786 (docs/dask.md)")
    where.add_argument("--dask-workers", type=_positive_int, default=None, metavar="N",
                       help="grade on a Dask cluster of N worker processes started on this machine (to try it)")
    p.add_argument("--force", action="store_true",
                   help="grade every submission again, also those unchanged since graded")
    p.add_argument("--timeout", type=_positive_int, default=defaults.timeout, metavar="S",
                   help=f"wall-clock limit for a whole notebook, seconds (default {defaults.timeout})")
    p.add_argument("--cell-timeout", type=_positive_int, default=defaults.cell_timeout, metavar="S",
                   help=f"limit for one cell, seconds (default {defaults.cell_timeout})")
    p.add_argument("--memory-limit", type=_size, default=defaults.memory, metavar="SIZE",
                   help=f"memory of a submission's kernel, e.g. 2G or 1536M "
                        f"(default {format_size(defaults.memory).replace(' ', '')})")


def _add_result_commands(commands):
    p = commands.add_parser("feedback", help="feedback HTML for everything autograded")
    _add_common(p, notebooks=False)
    _add_db(p)

    p = commands.add_parser("export", help="write COURSE/grades.csv and print the grades")
    _add_common(p, notebooks=False, assignment=False)
    _add_db(p)

    p = commands.add_parser("report", help="the class report (mistakes, scores, notes) -> COURSE/reports/")
    _add_common(p, notebooks=False, assignment=False)
    _add_db(p)

    p = commands.add_parser("demo", help="the whole pipeline on three demo students")
    _add_common(p, course=False, assignment=False)
    p.add_argument(
        "--dir", type=Path, default=DEFAULT_DEMO_DIR,
        help="throwaway folder, wiped first (default: build/demo)",
    )


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m grading",
        description="Neural Networks from Scratch: nbgrader release, grading and feedback.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show nbgrader's log")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_release_commands(commands)
    _add_autograde_command(commands)
    _add_result_commands(commands)
    return parser


def _grader(args, cluster=None):
    limits = None
    if getattr(args, "timeout", None):
        limits = Limits(timeout=args.timeout, cell_timeout=args.cell_timeout, memory=args.memory_limit)
    return Grader(args.course, verbose=args.verbose, db_url=getattr(args, "db_url", None), limits=limits,
                  jobs=getattr(args, "jobs", None), course_id=getattr(args, "course_id", None), cluster=cluster)


@contextmanager
def _dask_cluster(args):
    """The Dask client that ``--scheduler`` or ``--dask-workers`` asks for (its workers checked), else None."""
    if not (args.scheduler or args.dask_workers):
        yield None
        return
    # distributed takes a second to import: only grading on a Dask cluster needs it.
    from grading.batch.cluster import describe, open_cluster

    with open_cluster(args.scheduler, args.dask_workers) as client:
        print(f"Grading on {describe(client)}", flush=True)
        yield client


def _warn_worker_gaps(client):
    """A WARNING line per Dask worker whose sandbox is incomplete, with what it lacks."""
    # distributed is imported already (the client is open): only grading on a cluster gets here.
    from grading.batch.cluster import sandbox_gaps_of

    for address, gaps in sorted(sandbox_gaps_of(client).items()):
        for gap in gaps:
            print(f"WARNING: the kernel's sandbox is incomplete on the Dask worker {address}: {gap}.",
                  file=sys.stderr, flush=True)


def cmd_release(args):
    notebooks = find_notebooks(args.notebooks_dir, args.assignment)
    if not notebooks:
        print(f"No notebooks in {args.notebooks_dir}: nothing to release.")
        return 0
    grader = _grader(args)
    for assignment, path in grader.release(notebooks).items():
        print(f"released {assignment}: {path}")
    _report_edition(grader.write_edition(notebooks))
    return 0


def _report_edition(edition):
    """What the student edition holds, and what it reveals on purpose."""
    print(f"student edition of helpers: {edition.path} (no answer of its notebooks' exercises in it)")
    if edition.wheel:
        print(f"  as a wheel, for a JupyterHub image: pip install {edition.wheel}")
    for assignment, names in sorted(edition.revealed.items()):
        shown = ", ".join(f"{module}.{name}" for module, name in names)
        print(f"  {assignment} uses, and so reveals, the answers of later or earlier exercises: {shown}. "
              f"Release it after they are due, or accept it.")
    if edition.not_compiled:
        print(f"  not in it yet (their checks are not compiled; they need the repository's helpers): "
              f"{', '.join(edition.not_compiled)}")


def cmd_student_copies(args):
    notebooks = find_notebooks(args.notebooks_dir, args.assignment)
    if not notebooks:
        print(f"No notebooks in {args.notebooks_dir}: nothing to copy.")
        return 0
    with tempfile.TemporaryDirectory(prefix="nnfs-release-") as tmp:
        args.course = args.course or Path(tmp) / "course"
        released = _grader(args).release(notebooks)
        # A self-learner has no feedback to read the discussions in: they stay, folded under their answer boxes.
        added, kept = add_student_copies(
            released, args.dest, lambda assignment, nb: fold_discussions(nb, nbformat.read(notebooks[assignment], 4)))
        edition = build_edition(args.dest, notebooks)       # replaced every time: made from the course, not yours
    for path in added:
        print(f"added {path}")
    for path in kept:
        print(f"kept  {path} (your copy; not overwritten)")
    print(f"helpers for your notebooks: {edition.path} (the student edition: tools and checks, no answer of "
          f"these notebooks' exercises; the worked solutions are in {args.notebooks_dir})")
    return 0


def _warn_sandbox_gaps():
    """A WARNING line per thing the students' kernels are not confined from on this machine."""
    for gap in sandbox_gaps():
        print(f"WARNING: the kernel's sandbox is incomplete here: {gap}. See docs/grading-security.md, "
              "'What a submission can reach', for what to do instead.", file=sys.stderr, flush=True)


def cmd_validate(args):
    # nbformat and the kernel machinery take seconds to import: only this command needs them.
    from grading.cli.validate import format_report, validate_notebook

    if not args.notebook.is_file():
        raise CourseError(f"no notebook {args.notebook}")
    if args.sandbox:
        _warn_sandbox_gaps()
    try:
        report = validate_notebook(args.notebook, sandbox=args.sandbox)
    except Exception as exc:  # unreadable notebook, kernel that cannot start or died...
        raise CourseError(f"could not run {args.notebook}: {type(exc).__name__}: {exc}") from exc
    print(format_report(report))
    return 0 if report.passed else 1


def cmd_autograde(args):
    notebooks = find_notebooks(args.notebooks_dir)
    submissions = find_submissions(args.submissions, args.assignment)
    if not submissions:
        raise CourseError(f"no STUDENT/ASSIGNMENT folders in {args.submissions}")
    with _dask_cluster(args) as cluster:
        grader = _grader(args, cluster)
        workers = "the Dask workers" if cluster else f"{grader.jobs} worker(s)"
        print(f"Grading {len(submissions)} submission(s) with {workers}; limits: {grader.limits.describe()}.",
              flush=True)
        if cluster:
            _warn_worker_gaps(cluster)
        else:
            _warn_sandbox_gaps()
        tracker = Progress(len(submissions))

        def progress(result):
            print(f"{tracker.step(result)} {result.student}/{result.assignment}: "
                  f"{format_points(result.score, result.max_score)}  {result.status}", flush=True)

        results = grader.autograde_all(submissions, notebooks, progress=progress, force=args.force)
    return _report_grading(grader, results)


def _report_grading(grader, results):
    """Print the grading table, the notes and the counts; the exit status (1: an infrastructure failure)."""
    print()
    print(grading_table(results))
    notes = notes_table(results)
    if notes:
        print("\nNotes (what was found in the submissions, and done about it):")
        print(notes)
    skipped = [r for r in results if r.skipped]
    failed = [r for r in results if not r.graded and not r.skipped]
    graded = len(results) - len(skipped) - len(failed)
    print(f"\n{graded} graded, {len(skipped)} skipped (unchanged), {len(failed)} failed to process.")
    if grader.layout.grades_csv.exists():
        print(f"Grades: {grader.layout.grades_csv}; reasons: {grader.layout.grading_report}")
    broken = [r for r in results if r.infrastructure]
    if broken:
        print(f"{len(broken)} failure(s) look like a grading infrastructure problem "
              f"(logs: {grader.layout.work_dir / 'logs'}).", file=sys.stderr)
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
    grader = _grader(args)
    path, rows = grader.export()
    print(f"wrote {path} and {grader.layout.grading_report}\n")
    print(grades_matrix(rows) if rows else "(no grades yet)")
    unusual = [(key, run) for key, run in sorted(grader.runs().items()) if run.reason]
    if unusual:
        print("\nNot graded in full:")
        for (student, assignment), run in unusual:
            print(f"  {student}/{assignment} ({run.outcome}): {run.reason}")
    return 0


def cmd_report(args):
    grader = _grader(args)
    if not grader.layout.gradebook_exists():
        raise CourseError(f"no gradebook in {grader.layout.root}: release and autograde first")
    paths = write_report(grader.gradebook, grader.layout.reports_dir)
    print(f"wrote {paths['html']}, {paths['mistakes'].name} and {paths['exercises'].name}")
    if paths["top"]:
        print(f"\nThe most frequent mistakes:\n{paths['top']}")
    return 0


def cmd_demo(args):
    # nbformat takes seconds to import: only this command needs it.
    from grading.cli.demo import MistakeError, run_demo

    try:
        return run_demo(args.notebooks_dir, args.dir)
    except MistakeError as exc:  # a stale MISTAKES entry: reported like a broken course
        raise CourseError(str(exc)) from exc


COMMANDS = {
    "release": cmd_release,
    "student-copies": cmd_student_copies,
    "validate": cmd_validate,
    "autograde": cmd_autograde,
    "feedback": cmd_feedback,
    "export": cmd_export,
    "demo": cmd_demo,
    "report": cmd_report,
}


def main(argv=None):
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (CourseError, PipelineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
