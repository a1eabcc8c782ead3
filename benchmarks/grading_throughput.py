"""Grading throughput on a generated class working through the whole workbook: notebooks
graded per minute, and the time a class of 200 students x 9 notebooks would take.

    python benchmarks/grading_throughput.py                      # 4 students x the 9 notebooks
    python benchmarks/grading_throughput.py --students 8 --jobs 1 --jobs 2
    python benchmarks/grading_throughput.py --notebook 01_shallow_network --students 12

The class mixes correct submissions (the solution), blank ones (the released student
version) and buggy ones (the solution with the typical mistakes of grading/cli/demo.py, carol's),
in the pattern correct, blank, correct, buggy. Each run grades the whole class into a fresh
course with the default limits, through ``Grader.autograde_all`` (what ``python -m grading
autograde`` runs); the release is not timed, the fork server is started before timing, and
preparing each assignment (its private-course template, built once per assignment and source
version) is timed apart: the projection for a class counts it once.
The scores are checked: correct full marks, blank 0, buggy exactly the points that
``EXPECTED_FAILURES`` leaves. Run it on an otherwise idle machine: it measures wall time.
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
FIXTURE = REPO / "tests" / "support" / "fixtures" / "grading" / "00_mini.ipynb"
PATTERN = ["correct", "blank", "correct", "buggy"]
CLASS_SIZE, WORKBOOK = 200, 9


def notebook_sources(names):
    """``{assignment: source path}``: the named notebooks (``00_mini`` is the test fixture),
    or all of ``notebooks/``."""
    from grading.course import find_notebooks

    if not names:
        return find_notebooks(REPO / "notebooks")
    sources = {}
    for name in names:
        path = FIXTURE if name == "00_mini" else REPO / "notebooks" / f"{name}.ipynb"
        if not path.exists():
            sys.exit(f"no notebook {path}")
        sources[name] = path
    return sources


def mistakes_for(name):
    from grading.cli.demo import MISTAKES

    if name == "00_mini":
        return [("softmax", "    z = np.exp(x - np.max(x))", "    z = np.exp(x)")]
    return MISTAKES.get(name, [])


def build_class(folder, sources, released, students):
    """Write every student's submission of every notebook; returns ``{student: kind}``."""
    from grading.cli.demo import notebook_with_mistakes

    kinds = {f"s{i + 1:03d}": PATTERN[i % len(PATTERN)] for i in range(students)}
    for name, source in sources.items():
        versions = {
            "correct": nbformat.read(str(source), as_version=4),
            "blank": nbformat.read(str(released[name]), as_version=4),
            "buggy": notebook_with_mistakes(source, mistakes_for(name)),
        }
        for student, kind in kinds.items():
            target = Path(folder) / student / name
            target.mkdir(parents=True)
            nbformat.write(versions[kind], str(target / f"{name}.ipynb"))
    return kinds


def expected_scores(sources):
    """``{(kind, assignment): points}``: full marks, 0, and full marks less the test cells
    that carol's mistakes fail (unknown for a notebook without EXPECTED_FAILURES)."""
    from grading.cli.demo import EXPECTED_FAILURES

    expected = {}
    for name, source in sources.items():
        points = {cell.metadata.nbgrader["grade_id"]: cell.metadata.nbgrader.get("points", 0)
                  for cell in nbformat.read(str(source), as_version=4).cells
                  if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code"}
        expected["correct", name] = sum(points.values())
        expected["blank", name] = 0
        if name in EXPECTED_FAILURES:
            expected["buggy", name] = sum(p for g, p in points.items() if g not in EXPECTED_FAILURES[name])
    return expected


def cpu_seconds():
    """CPU time (user + system) of this process and all its descendants, the ended ones
    included (the workers and their kernels, reaped by the fork server): the work grading
    costs, whatever else the machine is doing."""
    import psutil

    def total(proc):
        times = proc.cpu_times()
        seconds = times.user + times.system + times.children_user + times.children_system
        return seconds + sum(total(child) for child in proc.children())

    return total(psutil.Process())


def grade_class(sources, submissions, jobs, scratch, progress=False):
    """Grade the class in a fresh course; returns (seconds preparing the assignments,
    seconds grading, CPU seconds grading, results)."""
    from grading.course import find_submissions
    from grading.batch.pipeline import Grader
    from grading.gradebook.report import Progress

    course = Path(tempfile.mkdtemp(prefix=f"course-{jobs}-", dir=scratch))
    grader = Grader(course, jobs=jobs)
    grader.release(sources)
    start = time.perf_counter()
    grader.prepare(sources)
    preparing = time.perf_counter() - start
    found = find_submissions(submissions)
    cpu, start = cpu_seconds(), time.perf_counter()
    tracker = Progress(len(found))

    def report(result):
        line = f"    {tracker.step(result)} {result.student}/{result.assignment}: {result.score:g} in {result.seconds:.1f} s"
        if progress:
            print(line, flush=True)

    results = grader.autograde_all(found, progress=report)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    problems = [f"{r.student}/{r.assignment}: {r.status}" for r in results if not r.graded]
    if problems:
        sys.exit("grading failed:\n" + "\n".join(problems))
    return preparing, seconds, cpu, results


def warm_up(sources, released, scratch):
    """Start the worker fork server (imports nbgrader once) outside the timed runs."""
    from grading.course import find_submissions
    from grading.batch.pipeline import Grader

    name = next(iter(sources))
    folder = Path(scratch) / "warmup" / "w" / name
    folder.mkdir(parents=True)
    shutil.copyfile(released[name], folder / f"{name}.ipynb")
    grader = Grader(Path(scratch) / "warmup-course", jobs=1)
    grader.release({name: sources[name]})
    grader.autograde_all(find_submissions(folder.parent.parent))


def main(argv=None):
    from grading.batch.pipeline import default_jobs
    from grading.gradebook.report import format_duration

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", action="append", metavar="NAME",
                        help="only this notebook (repeatable; 00_mini: the small test fixture); default: all")
    parser.add_argument("--students", type=int, default=4, help="students in the class (default 4)")
    parser.add_argument("--jobs", type=int, action="append", metavar="N",
                        help="workers (repeatable: one run each); default: the cores")
    parser.add_argument("--progress", action="store_true", help="a line per graded notebook")
    args = parser.parse_args(argv)
    jobs_list = args.jobs or [default_jobs()]

    sources = notebook_sources(args.notebook)
    notebooks = args.students * len(sources)
    with tempfile.TemporaryDirectory(prefix="nnfs-bench-") as scratch:
        scratch = Path(scratch)
        from grading.batch.pipeline import Grader

        released = Grader(scratch / "release-course").release(sources)
        submissions = scratch / "submissions"
        kinds = build_class(submissions, sources, released, args.students)
        counts = {kind: list(kinds.values()).count(kind) for kind in dict.fromkeys(PATTERN)}
        print(f"{args.students} students x {len(sources)} notebook(s) = {notebooks} submissions ("
              + ", ".join(f"{n} {kind}" for kind, n in counts.items())
              + f" students); {os.cpu_count()} cores", flush=True)
        warm_up(sources, released, scratch)

        rows, expected, wrong = [], expected_scores(sources), []
        for jobs in jobs_list:
            preparing, seconds, cpu, results = grade_class(sources, submissions, jobs, scratch, args.progress)
            rows.append((jobs, preparing, seconds, cpu, results))
            print(f"  prepared the {len(sources)} assignment(s) in {preparing:.1f} s (once per assignment "
                  f"and source version), then graded with {jobs} worker(s) in {seconds:.1f} s", flush=True)
            for r in results:
                want = expected.get((kinds[r.student], r.assignment))
                if want is not None and r.score != want:
                    wrong.append(f"{r.student} ({kinds[r.student]}) {r.assignment}: {r.score}, expected {want}")
        if wrong:
            sys.exit("unexpected scores:\n" + "\n".join(sorted(set(wrong))))

    results = rows[-1][4]
    print("\nscores as expected (correct full marks, blank 0, buggy exactly EXPECTED_FAILURES)")
    print("worker seconds per notebook (mean over the class): " + ", ".join(
        f"{kind} {sum(r.seconds for r in results if kinds[r.student] == kind) / max(1, sum(kinds[r.student] == kind for r in results)):.1f} s"
        for kind in counts))
    per_notebook = {}
    for r in results:
        per_notebook.setdefault(r.assignment, []).append(r.seconds)
    print("by notebook: " + ", ".join(f"{name[:2]} {sum(s) / len(s):.1f} s" for name, s in per_notebook.items()))
    print()
    header = (f"{'workers':>7}  {'notebooks':>9}  {'wall (s)':>8}  {'per minute':>10}  "
              f"{f'{CLASS_SIZE} students x {WORKBOOK} notebooks':>28}  {'CPU s per notebook':>18}")
    print(header)
    print("-" * len(header))
    for jobs, preparing, seconds, cpu, _ in rows:
        rate = notebooks / seconds * 60
        # a whole class: each assignment prepared once, then every notebook at this rate
        whole = preparing * WORKBOOK / len(sources) + CLASS_SIZE * WORKBOOK / rate * 60
        print(f"{jobs:>7}  {notebooks:>9}  {seconds:>8.1f}  {rate:>10.1f}  {format_duration(whole):>28}  "
              f"{cpu / notebooks:>18.2f}")
    cores = default_jobs()
    print(f"\nCPU time does not depend on what else the machine runs: with {cores} core(s) to "
          f"itself, grading could go at most {cores * 60 / (rows[-1][3] / notebooks):.0f} notebooks "
          f"per minute (all cores busy, no waiting).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
