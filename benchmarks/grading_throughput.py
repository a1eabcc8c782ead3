"""Grading throughput on a generated class: submissions graded per minute with 1 and with
N worker processes, and the overhead of grading over plain notebook execution.

    python benchmarks/grading_throughput.py                # notebook 01, 40 students
    python benchmarks/grading_throughput.py --students 12 --notebook 00_mini   # quick

The class mixes correct submissions (the solution), blank ones (the released student
version) and buggy ones (the solution with the typical mistakes of grading/demo.py), in
the proportions 2 : 1 : 1. Each run grades the whole class into a fresh course, with the
default limits, through ``Grader.autograde_all`` (what ``python -m grading autograde``
runs); the release is not timed, the fork server is started before timing.

"Plain execution" runs the same notebooks one after another with nbclient on the same
kernel, without nbgrader; the overhead ratio is (1-worker grading time) / (plain time).
Run it on an otherwise idle machine: it measures wall-clock time.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "grading" / "00_mini.ipynb"


def notebook_source(name):
    if name == "00_mini":
        return FIXTURE
    path = REPO / "notebooks" / f"{name}.ipynb"
    if not path.exists():
        sys.exit(f"no notebook {path}")
    return path


def mistakes_for(name):
    from grading.demo import MISTAKES

    if name == "00_mini":
        return [("softmax", "    z = np.exp(x - np.max(x))", "    z = np.exp(x)")]
    return MISTAKES.get(name, [])


def build_class(folder, name, source, released, students):
    """Write the submissions; returns {student: kind}."""
    from grading.demo import notebook_with_mistakes

    versions = {
        "correct": nbformat.read(str(source), as_version=4),
        "blank": nbformat.read(str(released), as_version=4),
        "buggy": notebook_with_mistakes(source, mistakes_for(name)),
    }
    pattern = ["correct", "blank", "correct", "buggy"]
    kinds = {}
    for i in range(students):
        student = f"s{i + 1:03d}"
        kinds[student] = pattern[i % len(pattern)]
        target = Path(folder) / student / name
        target.mkdir(parents=True)
        nbformat.write(versions[kinds[student]], str(target / f"{name}.ipynb"))
    return kinds, versions


def plain_seconds(nb, workdir):
    """Wall time of executing ``nb`` once with nbclient, errors allowed, same kernel."""
    from nbclient import NotebookClient

    from grading.kernels import GradingKernelManager

    nb = nbformat.from_dict(nb)
    client = NotebookClient(nb, kernel_manager_class=GradingKernelManager, timeout=600,
                            allow_errors=True, resources={"metadata": {"path": str(workdir)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def grade_class(source_path, name, submissions, jobs, scratch):
    from grading.course import find_submissions
    from grading.pipeline import Grader

    course = Path(tempfile.mkdtemp(prefix=f"course-{jobs}-", dir=scratch))
    grader = Grader(course, jobs=jobs)
    grader.release({name: source_path})
    start = time.perf_counter()
    results = grader.autograde_all(find_submissions(submissions))
    seconds = time.perf_counter() - start
    problems = [f"{r.student}: {r.status}" for r in results if r.infrastructure]
    if problems:
        sys.exit("grading failed:\n" + "\n".join(problems))
    return seconds, {r.student: r.score for r in results}


def warm_up(source_path, name, released, scratch):
    """Start the worker fork server (imports nbgrader once) outside the timed runs."""
    from grading.course import find_submissions
    from grading.pipeline import Grader

    folder = Path(scratch) / "warmup" / "w" / name
    folder.mkdir(parents=True)
    shutil.copyfile(released, folder / f"{name}.ipynb")
    grader = Grader(Path(scratch) / "warmup-course", jobs=1)
    grader.release({name: source_path})
    grader.autograde_all(find_submissions(folder.parent.parent))


def main(argv=None):
    from grading.pipeline import default_jobs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="01_shallow_network", help="notebook to grade (or 00_mini)")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="N (default: the cores)")
    args = parser.parse_args(argv)

    source = notebook_source(args.notebook)
    with tempfile.TemporaryDirectory(prefix="nnfs-bench-") as scratch:
        scratch = Path(scratch)
        from grading.pipeline import Grader

        shutil.copyfile(source, scratch / f"{args.notebook}.ipynb")
        source_path = scratch / f"{args.notebook}.ipynb"
        released = Grader(scratch / "release-course").release({args.notebook: source_path})[args.notebook]
        submissions = scratch / "submissions"
        kinds, versions = build_class(submissions, args.notebook, source, released, args.students)
        counts = {kind: list(kinds.values()).count(kind) for kind in versions}
        print(f"{args.students} submissions of {args.notebook}: "
              + ", ".join(f"{n} {kind}" for kind, n in counts.items())
              + f"; {os.cpu_count()} cores", flush=True)

        workdir = scratch / "plain"
        workdir.mkdir()
        plain = {kind: min(plain_seconds(nb, workdir) for _ in range(2)) for kind, nb in versions.items()}
        plain_total = sum(plain[kind] for kind in kinds.values())
        warm_up(source_path, args.notebook, released, scratch)

        rows = []
        scores = {}
        for jobs in sorted({1, args.jobs}):
            seconds, scores[jobs] = grade_class(source_path, args.notebook, submissions, jobs, scratch)
            rows.append((jobs, seconds))
            print(f"  graded with {jobs} worker(s) in {seconds:.1f} s", flush=True)
        if len(set(map(lambda s: tuple(sorted(s.items())), scores.values()))) != 1:
            sys.exit("the runs disagree on the scores")

    by_kind = {kind: sorted({scores[1][s] for s, k in kinds.items() if k == kind}) for kind in versions}
    print("\nscores by kind: " + ", ".join(f"{kind} {'/'.join(f'{v:g}' for v in vals)}"
                                          for kind, vals in by_kind.items()))
    print(f"plain execution per notebook: " + ", ".join(f"{kind} {s:.1f} s" for kind, s in plain.items()))
    print()
    header = f"{'workers':>7}  {'submissions':>11}  {'wall (s)':>8}  {'per minute':>10}  {'speed-up':>8}  {'overhead vs plain':>17}"
    print(header)
    print("-" * len(header))
    base = rows[0][1]
    for jobs, seconds in rows:
        print(f"{jobs:>7}  {args.students:>11}  {seconds:>8.1f}  {args.students / seconds * 60:>10.1f}  "
              f"{base / seconds:>7.2f}x  {seconds / plain_total:>16.2f}x")
    print(f"{'plain':>7}  {args.students:>11}  {plain_total:>8.1f}  {args.students / plain_total * 60:>10.1f}  "
          f"{'':>8}  {'(nbclient, serial)':>17}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
