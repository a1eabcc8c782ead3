"""Grading throughput on a generated class working through the whole workbook: notebooks
graded per minute, and the time a class of 200 students x 9 notebooks would take.

    python benchmarks/grading_throughput.py                      # 4 students x the 9 notebooks
    python benchmarks/grading_throughput.py --students 8 --jobs 1 --jobs 2
    python benchmarks/grading_throughput.py --notebook 01_shallow_network --students 12
    python benchmarks/grading_throughput.py --jobs 2 --dask-workers 2 --repeat 3    # and on a Dask LocalCluster

The class mixes correct submissions (the solution), blank ones (the released student
version) and buggy ones (the solution with the typical mistakes of grading/cli/demo.py, carol's),
in the pattern correct, blank, correct, buggy. Each run grades the whole class into a fresh
course with the default limits, through ``Grader.autograde_all`` (what ``python -m grading
autograde`` runs); the release is not timed, the fork server is started before timing, and
preparing each assignment (its private-course template, built once per assignment and source
version) is timed apart: the projection for a class counts it once.
The scores are checked: correct full marks, blank 0, buggy exactly the points that
``EXPECTED_FAILURES`` leaves. Run it on an otherwise idle machine: it measures wall time.

``--dask-workers N`` grades the same class again on a Dask ``LocalCluster`` of N worker processes
(``autograde --dask-workers``: each job folder packed, graded by a Dask task, its results shipped
back), started and warmed up before timing, and prints its rate beside the local pool's, the overhead
per submission (the extra worker time per notebook against the local pool with as many workers) and
the size of a packed job folder per assignment. ``--repeat R`` grades R times with each setting,
interleaved, and keeps the fastest of each: on a shared machine, the least disturbed.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
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


def grade_class(sources, submissions, jobs, scratch, progress=False, cluster=None):
    """Grade the class in a fresh course (on ``cluster``, a Dask client, if given); returns (seconds
    preparing the assignments, seconds grading, CPU seconds grading, results). Prints the time the
    merge took per submission: one grading command merges one result at a time, on a cluster too."""
    from grading.course import find_submissions
    from grading.batch.pipeline import Grader
    from grading.gradebook.report import Progress

    class TimedGrader(Grader):
        """Counts the time this process spends merging results into the gradebook (one at a time)."""
        merging = 0.0

        def _merge(self, job, worker):
            start = time.perf_counter()
            try:
                return super()._merge(job, worker)
            finally:
                TimedGrader.merging += time.perf_counter() - start

    course = Path(tempfile.mkdtemp(prefix=f"course-{jobs}-", dir=scratch))
    grader = TimedGrader(course, jobs=jobs, cluster=cluster)
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
    print(f"  merging into the gradebook took {TimedGrader.merging / len(found):.2f} s per submission in the "
          f"grading command", flush=True)
    return preparing, seconds, cpu, results


def warm_up(sources, released, scratch, cluster=None):
    """Start the worker fork server (imports nbgrader once), on this machine or on each worker of
    ``cluster``, outside the timed runs."""
    from grading.course import find_submissions
    from grading.batch.pipeline import Grader

    name = next(iter(sources))
    warm = Path(tempfile.mkdtemp(prefix="warmup-", dir=scratch))
    workers = len(cluster.nthreads()) if cluster else 1
    for student in range(workers):
        folder = warm / "submissions" / f"w{student}" / name
        folder.mkdir(parents=True)
        shutil.copyfile(released[name], folder / f"{name}.ipynb")
    grader = Grader(warm / "course", jobs=1, cluster=cluster)
    grader.release({name: sources[name]})
    grader.autograde_all(find_submissions(warm / "submissions"))


def packed_sizes(sources, submissions, scratch):
    """``{assignment: bytes}``: the size of one submission's job folder packed as it travels to a Dask
    worker (``grading.batch.remote.pack``)."""
    from grading.batch.jobs import prepare_job_folder, released_notebooks, template
    from grading.batch.pipeline import Grader
    from grading.batch.remote import pack
    from grading.course import find_submissions, tree_hash
    from grading.records import PlannedJob

    grader = Grader(Path(tempfile.mkdtemp(prefix="sizes-", dir=scratch)))
    grader.release(sources)
    grader.prepare(sources)
    sizes = {}
    for submission in find_submissions(submissions):
        if submission.assignment not in sizes:
            source_hash = tree_hash(grader.layout.source_dir(submission.assignment))
            folder = template(grader.layout, submission.assignment, source_hash)
            job = PlannedJob(submission, "", source_hash, released_notebooks(folder), [])
            sizes[submission.assignment] = len(pack(prepare_job_folder(grader.layout, job, folder, grader.limits,
                                                                       grader.layout.work_dir)))
    return sizes


def start_clusters(stack, dask_list, sources, released, scratch):
    """``{workers: Dask client}``: a LocalCluster per size in ``dask_list``, started and warmed up (kept
    open by ``stack``)."""
    from grading.batch.cluster import describe, open_cluster

    clients = {}
    for workers in dask_list:
        clients[workers] = stack.enter_context(open_cluster(workers=workers))
        print(f"  on {describe(clients[workers])}", flush=True)
        warm_up(sources, released, scratch, cluster=clients[workers])
    return clients


def check_scores(results, kinds, expected):
    """The lines of the results whose score is not the expected one."""
    wrong = []
    for r in results:
        want = expected.get((kinds[r.student], r.assignment))
        if want is not None and r.score != want:
            wrong.append(f"{r.student} ({kinds[r.student]}) {r.assignment}: {r.score}, expected {want}")
    return wrong


def print_table(rows, notebooks, sources):
    """One line per run: notebooks per minute, the projection for a class, the CPU per notebook."""
    from grading.gradebook.report import format_duration

    header = (f"{'workers':>10}  {'notebooks':>9}  {'wall (s)':>8}  {'per minute':>10}  "
              f"{f'{CLASS_SIZE} students x {WORKBOOK} notebooks':>28}  {'CPU s per notebook':>18}")
    print(header)
    print("-" * len(header))
    for label, _, preparing, seconds, cpu, _ in rows:
        rate = notebooks / seconds * 60
        # a whole class: each assignment prepared once, then every notebook at this rate
        whole = preparing * WORKBOOK / len(sources) + CLASS_SIZE * WORKBOOK / rate * 60
        print(f"{label:>10}  {notebooks:>9}  {seconds:>8.1f}  {rate:>10.1f}  {format_duration(whole):>28}  "
              f"{cpu / notebooks:>18.2f}")


def print_dask_comparison(rows, notebooks, sizes):
    """Each Dask run against the local run with as many workers: the rate's ratio, the overhead per submission."""
    local = {workers: (seconds, cpu) for label, workers, _, seconds, cpu, _ in rows if "Dask" not in label}
    for label, workers, _, seconds, cpu, _ in rows:
        if "Dask" not in label or workers not in local:
            continue
        overhead = (seconds - local[workers][0]) * workers / notebooks     # worker seconds per submission
        cpu_overhead = (cpu - local[workers][1]) / notebooks
        print(f"Dask, {workers} worker(s): {local[workers][0] / seconds:.0%} of the local pool's notebooks per minute; "
              f"overhead per submission {overhead:+.2f} s of worker time, {cpu_overhead:+.2f} s of CPU")
    print("a job folder packed for a Dask worker: " + ", ".join(
        f"{name} {size / 1024:.0f} KiB" for name, size in sizes.items()))


def main(argv=None):
    from grading.batch.pipeline import default_jobs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", action="append", metavar="NAME",
                        help="only this notebook (repeatable; 00_mini: the small test fixture); default: all")
    parser.add_argument("--students", type=int, default=4, help="students in the class (default 4)")
    parser.add_argument("--jobs", type=int, action="append", metavar="N",
                        help="workers (repeatable: one run each); default: the cores")
    parser.add_argument("--dask-workers", type=int, action="append", nargs="?", const=0, metavar="N",
                        help="also grade on a Dask LocalCluster of N worker processes (repeatable; "
                             "without N: the cores)")
    parser.add_argument("--repeat", type=int, default=1, metavar="R",
                        help="grade R times with each setting, interleaved, and keep the fastest (default 1)")
    parser.add_argument("--progress", action="store_true", help="a line per graded notebook")
    args = parser.parse_args(argv)
    jobs_list = args.jobs or [default_jobs()]
    dask_list = [n or default_jobs() for n in args.dask_workers or []]

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

        rows, expected, wrong = {}, expected_scores(sources), []
        runs = [(str(jobs), jobs, None) for jobs in jobs_list] + [(f"{n} (Dask)", n, n) for n in dask_list]
        with ExitStack() as stack:
            clients = start_clusters(stack, dask_list, sources, released, scratch)
            for _ in range(args.repeat):     # the runs interleaved: a busy moment of the machine hits them alike
                for label, jobs, workers in runs:
                    preparing, seconds, cpu, results = grade_class(sources, submissions, jobs, scratch, args.progress,
                                                                   cluster=clients.get(workers))
                    print(f"  prepared the {len(sources)} assignment(s) in {preparing:.1f} s (once per assignment "
                          f"and source version), then graded with {label} worker(s) in {seconds:.1f} s (a notebook "
                          f"in {sum(r.seconds for r in results) / len(results):.2f} s of its worker)", flush=True)
                    wrong += check_scores(results, kinds, expected)
                    if label not in rows or seconds < rows[label][3]:
                        rows[label] = (label, jobs, preparing, seconds, cpu, results)
        if wrong:
            sys.exit("unexpected scores:\n" + "\n".join(sorted(set(wrong))))
        rows = list(rows.values())
        sizes = packed_sizes(sources, submissions, scratch) if dask_list else {}

    results = rows[-1][5]
    print("\nscores as expected (correct full marks, blank 0, buggy exactly EXPECTED_FAILURES)")
    print("worker seconds per notebook (mean over the class): " + ", ".join(
        f"{kind} {sum(r.seconds for r in results if kinds[r.student] == kind) / max(1, sum(kinds[r.student] == kind for r in results)):.1f} s"
        for kind in counts))
    per_notebook = {}
    for r in results:
        per_notebook.setdefault(r.assignment, []).append(r.seconds)
    print("by notebook: " + ", ".join(f"{name[:2]} {sum(s) / len(s):.1f} s" for name, s in per_notebook.items()))
    print()
    print_table(rows, notebooks, sources)
    if dask_list:
        print()
        print_dask_comparison(rows, notebooks, sizes)
    cores = default_jobs()
    print(f"\nCPU time does not depend on what else the machine runs: with {cores} core(s) to "
          f"itself, grading could go at most {cores * 60 / (rows[0][4] / notebooks):.0f} notebooks "
          f"per minute (all cores busy, no waiting).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
