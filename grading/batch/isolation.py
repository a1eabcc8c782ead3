"""Run grading workers in child processes and enforce the hard limits from outside.

Workers are forked from a multiprocessing *fork server* that has imported nbgrader once
(``import nbgrader.apps`` alone takes 2-5 s), so each submission gets a fresh process at
the cost of a fork. The supervisor (one thread per running worker, in the parent) kills
the worker with all its descendants - the kernel included, which runs in a session of
its own - when it runs past its hard time limit or when the processes together hold
more memory than allowed; then it sweeps any process still marked with the job's name
(a daemon that escaped the tree). The reason is returned, never raised; :func:`worker_result` turns
it, or the ``result.json`` the worker left, into a :class:`grading.records.WorkerResult`.
"""
import multiprocessing
import threading
import time
from dataclasses import dataclass
from multiprocessing import context as mp_context
from multiprocessing import forkserver, popen_forkserver, spawn

import psutil

from grading.limits import format_size
from grading.records import JOB_ENV, RecordError, WorkerResult
from grading.sandbox.processes import kill_all, kill_tree, tree_rss

_lock = threading.Lock()
_context = None


class _Popen(popen_forkserver.Popen):
    """Fork-server launch that does not re-run the parent's ``__main__`` in the worker.

    multiprocessing re-imports the main script in every child (to find functions defined
    there); the worker's target lives in :mod:`grading.worker.main`, and a script that calls the
    grader without an ``if __name__ == "__main__":`` guard would run again in each worker.
    """

    def _launch(self, process_obj):
        original = spawn.get_preparation_data

        def without_main(name):
            data = original(name)
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
            return data

        with _lock:  # the patch is process-wide: one launch at a time
            spawn.get_preparation_data = without_main
            try:
                return super()._launch(process_obj)
            finally:
                spawn.get_preparation_data = original


class _WorkerProcess(mp_context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _Popen(process_obj)


def context():
    """The fork-server multiprocessing context, preloading the worker module."""
    global _context
    with _lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["grading.worker.main"])
            _context = ctx
        return _context


def start_fork_server():
    """Start the fork server now (it imports nbgrader: seconds), not when the first worker starts."""
    context()
    forkserver.ensure_running()


@dataclass
class RunOutcome:
    """How a worker process ended."""

    exitcode: int | None
    killed: str = ""      # why the supervisor killed it ('' if it was not killed)
    seconds: float = 0.0


def sweep_job_processes(job_name):
    """Kill every process whose environment marks it as part of job ``job_name``."""
    victims = []
    for proc in psutil.process_iter(["pid"]):
        try:
            if proc.environ().get(JOB_ENV) == job_name:
                victims.append(proc)
        except psutil.Error:
            continue
    return kill_all(victims)


def run_isolated(job_dir, limits, notebooks=1, cancel=None, poll=0.2):
    """Run :func:`grading.worker.main.run_job` on ``job_dir`` in a child process; wait for it.

    Kills the child and all its descendants when it runs past
    ``limits.hard_timeout(notebooks)`` seconds, when they hold more than
    ``limits.tree_memory`` bytes resident, or when ``cancel`` (a ``threading.Event``) is set.
    """
    # grading.worker.main imports nbgrader (seconds): the fork server has it preloaded; the
    # grading command itself needs only this reference to its entry point.
    from grading.worker.main import run_job

    context()
    process = _WorkerProcess(target=run_job, args=(str(job_dir),), name=f"grade-{job_dir.name}")
    start = time.monotonic()
    process.start()
    hard = limits.hard_timeout(notebooks)
    killed = ""
    while True:
        process.join(poll)
        if process.exitcode is not None:
            break
        if time.monotonic() - start > hard:
            killed = (f"killed after {hard} s: the whole-notebook time limit ({limits.timeout} s) "
                      f"did not stop it")
        elif tree_rss(process.pid) > limits.tree_memory:
            killed = (f"killed: its processes used more than {format_size(limits.tree_memory)} of "
                      f"memory (the kernel's limit is {format_size(limits.memory)})")
        elif cancel is not None and cancel.is_set():
            killed = "cancelled"
        if killed:
            kill_tree(process.pid)
            process.join(10)
            break
    sweep_job_processes(job_dir.name)
    return RunOutcome(process.exitcode, killed, round(time.monotonic() - start, 2))


def read_worker_result(path, outcome):
    """The :class:`WorkerResult` a worker left at ``path``; a failure (infrastructure) with the
    reason if it left none, or a malformed one. ``outcome``: how the worker process ended."""
    if not path.exists():
        return WorkerResult.failure(f"the grading worker ended without a result (exit code {outcome.exitcode})",
                                    infrastructure=True, seconds=outcome.seconds)
    try:
        return WorkerResult.from_json(path.read_text())
    except (OSError, UnicodeDecodeError, RecordError) as exc:
        return WorkerResult.failure(f"the grading worker left a malformed result: {exc}",
                                    infrastructure=True, seconds=outcome.seconds)


def worker_result(job_dir, outcome):
    """The :class:`WorkerResult` of the worker that ran on ``job_dir`` and ended as ``outcome`` (a
    :class:`RunOutcome`): why it was killed, or what it left in ``result.json``."""
    if outcome.killed:
        return WorkerResult.failure(outcome.killed, outcome.killed == "cancelled", outcome.seconds)
    return read_worker_result(job_dir / "result.json", outcome)
