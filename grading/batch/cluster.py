"""Grading a class on a Dask cluster: the grading command's side (the workers' is :mod:`grading.batch.remote`).

:func:`open_cluster` connects to a running scheduler, or starts a ``LocalCluster`` of worker processes
on loopback, and checks every worker before anything is submitted (:func:`check_workers`).
:func:`grade_on_cluster` then submits one task per submission, the job folder prepared here and
packed, a few more than the cluster has threads at a time, and hands each result back, unpacked into
its job folder, in the order they finish. A task whose workers died ``allowed-failures + 1`` times
(Dask reruns it elsewhere until then) comes back as a failure with that reason; the rest go on.
"""
import tarfile
import uuid
from contextlib import ExitStack, contextmanager, suppress

import dask
from distributed import Client, KilledWorker, LocalCluster, as_completed

from grading.batch.isolation import RunOutcome, start_fork_server, worker_result
from grading.batch.remote import cancel_run, grade_submission, pack, unpack, worker_problems, worker_state
from grading.nbgrader_glue.api import PipelineError
from grading.records import WorkerResult

#: How long the command waits for a first worker of a running scheduler.
WAIT_FOR_WORKERS = 60
#: Tasks submitted at once per thread of the cluster: enough to keep every thread busy while the command
#: merges, few enough that job folders and results do not pile up (a class can be 45,000 notebooks). More
#: than 2 per thread, so that the scheduler counts them as root tasks and queues them itself, handing a
#: worker only the one it runs (with ``worker-saturation`` 1.0, :data:`LOCAL_CLUSTER_CONFIG`).
TASKS_PER_THREAD = 3

#: A LocalCluster's settings (docs/dask.md gives them to a remote cluster). Needed: a nanny's worker must not be
#: daemonic, since a daemonic process cannot start the grading worker processes. Better: a worker holds only
#: the task it runs (Dask's default sends it one more), so that when a submission kills its worker, no other
#: submission counts among the tasks that died with it (``allowed-failures`` counts them all); and Dask's
#: periodic work (its profiler sampling every 10 ms, its event loops' ticks every 20 ms, its system monitor
#: and work stealing), made for tasks of milliseconds, costs a tenth of a core for tasks of seconds: a
#: fiftieth with these. And the grading processes get the environment of a local grading, not what a nanny
#: sets for its worker (glibc's eager trimming of freed memory, a fixed hash seed; the BLAS threads are
#: limited to one by the grading worker anyway).
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.daemon": False,
    "distributed.nanny.pre-spawn-environ": {"PYTHONHASHSEED": "random"},
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.scheduler.work-stealing-interval": "1s",
}


class ClusterError(PipelineError):
    """The Dask cluster cannot grade: no worker, or workers without what grading needs."""


@contextmanager
def open_cluster(scheduler=None, workers=None):
    """A ``distributed.Client`` of the scheduler at address ``scheduler``, or of a new ``LocalCluster``
    of ``workers`` processes (one thread each) on 127.0.0.1, closed at the end; its workers checked."""
    with ExitStack() as stack:
        if scheduler:
            try:
                client = stack.enter_context(Client(scheduler, timeout=WAIT_FOR_WORKERS))
            except OSError as exc:
                raise ClusterError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        else:
            # Read by the nannies each time they start a worker (a killed one is restarted): for the cluster's life.
            stack.enter_context(dask.config.set(LOCAL_CLUSTER_CONFIG))
            # memory_limit=0: no memory management by Dask, which would watch the Dask worker's process only;
            # the grading processes have their limits (grading.limits.Limits), kept by run_isolated.
            cluster = stack.enter_context(LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address="127.0.0.1:0", memory_limit=0))
            client = stack.enter_context(Client(cluster))
        check_workers(client)
        yield client


def check_workers(client):
    """Raise :class:`ClusterError` naming each worker of ``client``'s cluster that cannot grade, and what it
    lacks (compared with this process: the same packages, versions and code), and the scheduler if it lacks
    them (it unpickles the tasks, so it imports ``grading`` too); then start the workers' fork servers."""
    try:
        client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
    except TimeoutError:
        raise ClusterError(f"no Dask worker joined the scheduler {client.scheduler.address} within "
                           f"{WAIT_FOR_WORKERS} s") from None
    expected = worker_state()
    states = client.run(worker_state, on_error="return")
    try:
        states[f"the scheduler {client.scheduler.address}"] = client.run_on_scheduler(worker_state)
    except Exception as exc:  # the scheduler's own Python cannot load this module
        states[f"the scheduler {client.scheduler.address}"] = exc
    lines = []
    for where, state in sorted(states.items()):
        lines += [f"  {where}: {problem}" for problem in state_problems(state, expected)]
    if lines:
        raise ClusterError("Dask workers that cannot grade (each, and the scheduler, needs the workbook and its "
                           "requirements.txt at the versions of the grading command's machine; a worker must not be "
                           "daemonic):\n" + "\n".join(lines))
    client.run(start_fork_server)


def state_problems(state, expected):
    """:func:`worker_problems` of a worker's or the scheduler's ``state``, or what it failed with (an exception)."""
    if not isinstance(state, BaseException):
        return worker_problems(state, expected)
    detail = state if type(state) is Exception else f"{type(state).__name__}: {state}"   # Dask wraps some
    return [f"cannot run the grading code ({detail})"]


def sandbox_gaps_of(client):
    """``{worker address: what the kernel's sandbox cannot enforce there}`` for every worker of ``client``."""
    return {address: state["gaps"] for address, state in client.run(worker_state).items()}


def describe(client):
    """One line: the cluster's scheduler, workers and threads, and its dashboard."""
    threads = client.nthreads()
    return (f"the Dask cluster at {client.scheduler.address}: {len(threads)} worker(s), {sum(threads.values())} "
            f"thread(s); dashboard {client.dashboard_link}")


def _window(client):
    """How many tasks to keep submitted: :data:`TASKS_PER_THREAD` per thread of the cluster now."""
    return TASKS_PER_THREAD * max(1, sum(client.nthreads().values()))


def grade_on_cluster(client, jobs, prepare, finished):
    """Grade ``jobs`` (:class:`grading.records.PlannedJob`) on ``client``'s cluster: ``prepare(job)`` writes
    a job's folder (and returns it); ``finished(job, worker)`` gets its :class:`WorkerResult`, the
    returned files unpacked into the folder, as each finishes. Interrupted, it cancels what is left,
    stops the running workers and raises."""
    run, waiting, submitted = uuid.uuid4().hex, iter(jobs), {}
    results = as_completed(with_results=True, raise_errors=False)

    def submit_more():
        while len(submitted) < _window(client) and (job := next(waiting, None)) is not None:
            try:
                directory = prepare(job)
            except Exception as exc:  # preparing the job failed: ours, not the student's
                finished(job, WorkerResult.failure(f"{type(exc).__name__}: {exc}", infrastructure=True))
                continue
            future = client.submit(grade_submission, pack(directory), directory.name, run, worker_state(),
                                   pure=False)
            submitted[future] = job
            results.add(future)

    try:
        submit_more()
        for future, value in results:
            job = submitted.pop(future)
            finished(job, returned_result(job, future.exception() if future.status == "error" else value))
            submit_more()
    except BaseException:  # Ctrl-C: nothing more starts, and the running workers stop with their kernels
        with suppress(Exception):  # a scheduler already gone has nothing left to stop
            client.cancel(list(submitted))
            client.run(cancel_run, run, on_error="ignore")
        raise


def returned_result(job, value):
    """The :class:`WorkerResult` of ``job`` from what its task returned (``value``: its result, or the
    exception it ended with), the returned files unpacked into its job folder."""
    if isinstance(value, KilledWorker):
        deaths = value.allowed_failures + 1
        return WorkerResult.failure(f"the grading workers running it died {deaths} time{'s' * (deaths > 1)} "
                                    f"(the last: {getattr(value.last_worker, 'address', '?')})", infrastructure=True)
    if isinstance(value, BaseException):
        return WorkerResult.failure(f"{type(value).__name__}: {value}", infrastructure=True)
    try:
        unpack(value["files"], job.directory)
        outcome = RunOutcome(value["exitcode"], value["killed"], value["seconds"])
    except (tarfile.TarError, OSError, KeyError, TypeError) as exc:  # a broken answer costs its submission only
        return WorkerResult.failure(f"the Dask task's answer could not be read: {type(exc).__name__}: {exc}",
                                    infrastructure=True)
    return worker_result(job.directory, outcome)

