"""Grading on a Dask cluster (grading.batch.cluster, the command's side; grading.batch.remote, the workers').

A LocalCluster of 2 worker processes on loopback (one for the module) grades a class of the fixture notebook
``00_mini`` exactly as local grading does; a worker killed in the middle of a run loses nothing; a submission
whose workers keep dying fails with that reason while the rest is graded; a worker that cannot import
nbgrader, or is daemonic, is refused at start-up, by name. The packing and the start-up check's comparison are
tested on their own first (fast).
"""
import contextlib
import io
import os
import shutil
import signal
import tarfile
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import dask
import nbformat
import psutil
import pytest
from distributed import Client, KilledWorker, LocalCluster
from nbformat.v4 import new_code_cell

import grading
from grading.batch.cluster import ClusterError, check_workers, open_cluster, returned_result, state_problems
from grading.batch.pipeline import Grader
from grading.batch.remote import pack, returned_files, unpack, worker_problems
from grading.cli.commands import build_parser, main
from grading.cli.demo import EXPECTED_FAILURES, MISTAKES, notebook_with_mistakes
from grading.course import find_notebooks, find_submissions
from grading.gradebook.session import read_csv
from grading.records import JOB_ENV, Job, PlannedJob
from grading_fixture import NAME, TOTAL, cell, fixture, fixture_course, read_nb, solved


# -- fast: packing, the start-up check's comparison, a dead worker's result --------------------------

def test_a_packed_folder_unpacks_to_the_same_files_without_its_links(tmp_path):
    source = tmp_path / "job"
    (source / "course" / "a").mkdir(parents=True)
    (source / "job.json").write_text("{}")
    (source / "course" / "a" / "nb.ipynb").write_bytes(b"\x00notebook")
    (source / "link").symlink_to("/etc/passwd")
    unpack(pack(source), tmp_path / "copy")
    copied = {p.relative_to(tmp_path / "copy").as_posix() for p in (tmp_path / "copy").rglob("*") if p.is_file()}
    assert copied == {"job.json", "course/a/nb.ipynb"}
    assert (tmp_path / "copy" / "course" / "a" / "nb.ipynb").read_bytes() == b"\x00notebook"
    assert set(tarfile.open(fileobj=io.BytesIO(pack(source, ["job.json", "absent"]))).getnames()) == {"job.json"}


def test_unpacking_refuses_a_path_out_of_its_folder(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(tarfile.FilterError):
        unpack(buffer.getvalue(), tmp_path / "inside")
    assert not (tmp_path / "escaped.txt").exists()


def test_what_comes_back_is_the_result_the_log_and_the_autograded_notebooks(tmp_path):
    job = Job("ann", "01_a", ["01_a", "extra"])
    assert returned_files(tmp_path, job) == ["result.json", "worker.log", "course/autograded/ann/01_a/01_a.ipynb",
                                            "course/autograded/ann/01_a/extra.ipynb"]


def test_the_start_up_check_names_what_a_worker_lacks():
    expected = {"missing": {}, "daemon": False, "versions": {"nbgrader": "0.9.6", "numpy": "2.4.6"},
                "code": {"grading": "g", "helpers": "h"}, "gaps": []}
    assert worker_problems(expected, expected) == []
    lacking = {"missing": {"nbgrader": "ModuleNotFoundError: No module named 'nbgrader'"}, "daemon": True,
               "versions": {"numpy": "2.3.0"}, "code": {"grading": "g", "helpers": "other"}, "gaps": []}
    problems = worker_problems(lacking, expected)
    assert problems[0] == "cannot import nbgrader (ModuleNotFoundError: No module named 'nbgrader')"
    assert "daemonic" in problems[1] and "DASK_DISTRIBUTED__WORKER__DAEMON=False" in problems[1]
    assert problems[2:] == ["numpy 2.3.0 is installed, the grading command has 2.4.6",
                            "its helpers package differs from the grading command's (install the same version "
                            "of the workbook on every worker)"]


def test_a_worker_or_scheduler_that_cannot_load_the_grading_code_says_why():
    wrapped = Exception("ModuleNotFoundError(\"No module named 'grading.batch.remote'\")")   # as Dask passes it
    assert state_problems(wrapped, {}) == [
        "cannot run the grading code (ModuleNotFoundError(\"No module named 'grading.batch.remote'\"))"]
    assert state_problems(ImportError("no grading"), {}) == ["cannot run the grading code (ImportError: no grading)"]


def test_a_task_whose_workers_kept_dying_is_a_failure_with_that_reason():
    job = PlannedJob(SimpleNamespace(student="ann", assignment="01_a"), "h", "s", ["01_a"], [])
    died = returned_result(job, KilledWorker("grade_submission-1", SimpleNamespace(address="tcp://10.0.0.7:4000"), 3))
    assert died.problem == "the grading workers running it died 4 times (the last: tcp://10.0.0.7:4000)"
    assert died.infrastructure
    assert returned_result(job, RuntimeError("this worker cannot grade: x")).problem == (
        "RuntimeError: this worker cannot grade: x")
    once = returned_result(job, KilledWorker("k", SimpleNamespace(address="tcp://w:1"), 0))
    assert once.problem == "the grading workers running it died 1 time (the last: tcp://w:1)"


def test_a_task_answer_that_cannot_be_read_costs_its_submission_only(tmp_path):
    job = PlannedJob(SimpleNamespace(student="ann", assignment="01_a"), "h", "s", ["01_a"], [], tmp_path)
    broken = returned_result(job, {"files": b"not a tar", "exitcode": 0, "killed": "", "seconds": 1.0})
    assert broken.infrastructure and broken.problem.startswith("the Dask task's answer could not be read: ReadError")
    empty = returned_result(job, {"files": pack(tmp_path), "exitcode": 0, "killed": "", "seconds": 1.0})
    assert empty.problem == "the grading worker ended without a result (exit code 0)"


def test_the_command_takes_one_place_to_grade():
    parser = build_parser()
    assert parser.parse_args(["autograde", "subs", "--dask-workers", "2"]).dask_workers == 2
    assert parser.parse_args(["autograde", "subs", "--scheduler", "tcp://h:8786"]).scheduler == "tcp://h:8786"
    with pytest.raises(SystemExit):
        parser.parse_args(["autograde", "subs", "--jobs", "2", "--dask-workers", "2"])


# -- a LocalCluster of 2 workers ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    with open_cluster(workers=2) as client:
        yield client


def submit(folder, student, nb=None, text=None):
    target = Path(folder) / student / NAME
    target.mkdir(parents=True, exist_ok=True)
    if text is not None:
        (target / f"{NAME}.ipynb").write_text(text)
    else:
        nbformat.write(nb, str(target / f"{NAME}.ipynb"))


def sleeping(released, seconds):
    """The solution, with a cell that takes ``seconds`` (graded like any code cell: it runs)."""
    nb = solved(released)
    nb.cells.insert(nb.cells.index(cell(nb, "test_relu")) + 1, new_code_cell(f"import time\ntime.sleep({seconds})"))
    return nb


def course_with_class(root, students, **grader_options):
    """A released course in ``root``, and its class's submissions (``students``: name -> a function of the
    released notebook, giving the notebook or the text to submit); ``(grader, notebooks, submissions)``."""
    root.mkdir(parents=True, exist_ok=True)
    grader, notebooks, released = fixture_course(root, **grader_options)
    for student, make in students.items():
        made = make(released)
        submit(root / "submissions", student, **({"text": made} if isinstance(made, str) else {"nb": made}))
    return grader, find_notebooks(notebooks), find_submissions(root / "submissions")


def rows(grades_csv):
    """The rows of a ``grades.csv``, by student (nbgrader writes them in the order they were graded)."""
    return sorted(read_csv(grades_csv), key=lambda row: (row["student_id"], row["assignment"]))


def without_times(runs):
    return {key: replace(run, seconds=0.0, graded_at=None) for key, run in runs.items()}


SHALLOW = "01_shallow_network"
SHALLOW_SOURCE = Path(grading.__file__).resolve().parents[1] / "notebooks" / f"{SHALLOW}.ipynb"


def shallow_course(root, templates=None, **grader_options):
    """Notebook 01 released in the course ``root/course``, its template copied from the course ``templates``
    (a cache, named by the source's hash) or prepared; its class: alice correct, bob blank, carol with
    the demo's mistakes, adam not a notebook. ``(grader, notebooks, submissions)``."""
    grader = Grader(root / "course", **grader_options)
    released = grader.release({SHALLOW: SHALLOW_SOURCE})[SHALLOW]
    if templates is not None:
        shutil.copytree(templates / ".grading" / "templates", grader.layout.work_dir / "templates")
    grader.prepare([SHALLOW])
    class_ = {"alice": read_nb(SHALLOW_SOURCE), "bob": read_nb(released), "adam": "{ this is not JSON",
              "carol": notebook_with_mistakes(SHALLOW_SOURCE, MISTAKES[SHALLOW])}
    for student, nb in class_.items():
        folder = root / "submissions" / student / SHALLOW
        folder.mkdir(parents=True)
        if isinstance(nb, str):
            (folder / f"{SHALLOW}.ipynb").write_text(nb)
        else:
            nbformat.write(nb, str(folder / f"{SHALLOW}.ipynb"))
    return grader, {SHALLOW: SHALLOW_SOURCE}, find_submissions(root / "submissions")


@pytest.mark.slow
def test_a_local_cluster_grades_a_class_exactly_like_local_grading(tmp_path, client):
    local, notebooks, submissions = shallow_course(tmp_path / "local", jobs=2)
    expected = local.autograde_all(submissions, notebooks)
    on_dask, notebooks, submissions = shallow_course(tmp_path / "dask", templates=local.layout.root, cluster=client)
    lines = []
    results = on_dask.autograde_all(submissions, notebooks, progress=lambda r: lines.append(r.student))

    assert [(r.student, r.score, r.status, r.notes) for r in results] == [
        (r.student, r.score, r.status, r.notes) for r in expected]
    tests = {c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"] for c in read_nb(SHALLOW_SOURCE).cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}
    full, lost = sum(tests.values()), sum(tests[grade_id] for grade_id in EXPECTED_FAILURES[SHALLOW])
    assert [(r.student, r.score) for r in results] == [("adam", 0), ("alice", full), ("bob", 0),
                                                       ("carol", full - lost)]
    assert sorted(lines) == ["adam", "alice", "bob", "carol"]
    assert rows(on_dask.layout.grades_csv) == rows(local.layout.grades_csv)
    checks = on_dask.gradebook.load_checks()
    assert checks == local.gradebook.load_checks()
    assert {c.mistake for c in checks if c.student == "carol" and c.mistake} >= {"compute_cost.missing-1-over-m"}
    assert without_times(on_dask.gradebook.load_runs()) == without_times(local.gradebook.load_runs())
    assert on_dask.layout.log_file("alice", SHALLOW).read_bytes()       # the worker's log came back
    assert on_dask.layout.autograded_notebook("alice", SHALLOW).is_file()
    # the workers ran this checkout's grading package, not another one the environment knows
    assert set(client.run(lambda: grading.__file__).values()) == {grading.__file__}


class WorkerKiller(threading.Thread):
    """Kills (SIGKILL) the Dask worker process of the cluster at ``address`` that grades ``student``'s submission,
    once its kernel has run ``after`` seconds, ``times`` times: ``killed`` lists the workers' addresses. The
    kernel is found by the job's name in its environment (``JOB_ENV``), its worker among its ancestors."""

    def __init__(self, address, student, after=0.5, times=1):
        super().__init__(daemon=True)
        self.address, self.student, self.after, self.times = address, student, after, times
        self.killed, self.orphans, self.stop = [], [], threading.Event()

    def run(self):
        with Client(self.address) as watcher:
            while len(self.killed) < self.times and not self.stop.is_set():
                workers = {pid: address for address, pid in watcher.run(os.getpid, on_error="return").items()
                           if isinstance(pid, int)}
                for kernel in self.kernels():
                    worker = next((p for p in kernel.parents() if p.pid in workers), None)
                    if worker is not None and time.time() - kernel.create_time() >= self.after:
                        self.kill(worker, workers[worker.pid])
                        break
                time.sleep(0.1)

    def kernels(self):
        """The processes of the student's grading that are started with the job's name (its kernel)."""
        found = []
        for process in psutil.process_iter():
            try:
                if process.environ().get(JOB_ENV, "").startswith(f"{self.student}-"):
                    found.append(process)
            except psutil.Error:
                continue
        return found

    def kill(self, worker, address):
        self.orphans += worker.children(recursive=True)     # its grading processes, ended by finish()
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        self.killed.append(address)

    def finish(self):
        """Stop watching; end what the killed workers left running (their grading processes end on their own,
        within the notebook's time limit, but a test need not wait)."""
        self.stop.set()
        self.join(10)
        for process in self.orphans:
            with contextlib.suppress(psutil.Error):
                process.kill()


@pytest.mark.slow
def test_a_worker_killed_during_a_run_loses_nothing(tmp_path, client):
    students = {"s1": solved, "s2": lambda released: sleeping(released, 3), "s3": solved, "s4": solved}
    grader, notebooks, submissions = course_with_class(tmp_path, students, cluster=client)
    killer = WorkerKiller(client.scheduler.address, "s2")
    killer.start()
    done = Counter()
    try:
        results = grader.autograde_all(submissions, notebooks, progress=lambda r: done.update([r.student]))
    finally:
        killer.finish()
    assert len(killer.killed) == 1, "no worker was killed during the run"
    assert done == Counter(students.keys())            # every submission once, none twice
    assert [(r.student, r.score, r.status) for r in results] == [(s, TOTAL, "graded") for s in students]
    assert len(grader.gradebook.load_runs()) == 4 and len(rows(grader.layout.grades_csv)) == 4


@pytest.mark.slow
def test_a_submission_whose_workers_keep_dying_fails_and_the_rest_is_graded(tmp_path, client):
    students = {"ok1": solved, "ok2": solved, "ok3": solved, "zed": lambda released: sleeping(released, 8)}
    grader, notebooks, submissions = course_with_class(tmp_path, students, cluster=client)
    scheduler = client.cluster.scheduler
    allowed, scheduler.allowed_failures = scheduler.allowed_failures, 1    # the default, 3, would take 4 kills
    killer = WorkerKiller(client.scheduler.address, "zed", times=2)
    killer.start()
    try:
        results = {r.student: r for r in grader.autograde_all(submissions, notebooks)}
    finally:
        killer.finish()
        scheduler.allowed_failures = allowed
    assert len(killer.killed) == 2
    zed = results.pop("zed")
    assert zed.infrastructure and zed.score is None
    assert zed.status == ("failed to process: the grading workers running it died 2 times "
                          f"(the last: {killer.killed[-1]})")
    assert {student: (r.score, r.status) for student, r in results.items()} == {
        f"ok{n}": (TOTAL, "graded") for n in range(1, 4)}
    assert ("zed", NAME) not in grader.gradebook.load_runs()     # not recorded: the next run grades it again


@pytest.mark.slow
def test_a_worker_that_cannot_import_nbgrader_is_refused_by_name(tmp_path, capsys):
    preload = tmp_path / "no_nbgrader.py"
    preload.write_text("import sys\n\nsys.modules['nbgrader'] = None   # import nbgrader fails from now on\n")
    submit(tmp_path / "submissions", "ann", text="{}")
    (tmp_path / "notebooks").mkdir()
    shutil.copyfile(fixture.FIXTURE_PATH, tmp_path / "notebooks" / f"{NAME}.ipynb")
    # Dask's own default (the module's LocalCluster has set it off while it runs)
    with dask.config.set({"distributed.worker.daemon": True}), LocalCluster(
            n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address="127.0.0.1:0",
            preload=[str(preload)]) as cluster, Client(cluster) as client:
        (worker,) = client.scheduler_info()["workers"]
        with pytest.raises(ClusterError) as refused:
            check_workers(client)
        status = main(["autograde", str(tmp_path / "submissions"), "--course", str(tmp_path / "course"),
                       "--notebooks-dir", str(tmp_path / "notebooks"), "--scheduler", cluster.scheduler_address])
    message = str(refused.value)
    assert f"{worker}: cannot import nbgrader (ModuleNotFoundError: import of nbgrader halted" in message
    assert f"{worker}: it is a daemonic process" in message and "DASK_DISTRIBUTED__WORKER__DAEMON=False" in message
    assert status == 1
    assert f"{worker}: cannot import nbgrader" in capsys.readouterr().err
    assert not (tmp_path / "course" / "gradebook.db").exists()     # nothing graded, nothing written
