"""What a Dask worker runs: one submission's task, and the check that a worker can grade at all.

The grading command prepares each job folder as for a local worker (:mod:`grading.batch.jobs`) and
packs it (:func:`pack`: tar, gzip); the task :func:`grade_submission` unpacks it into a private
temporary folder of the worker's machine, runs the same :func:`grading.batch.isolation.run_isolated`
(same sandbox, judge and limits) and returns how the worker process ended, with the files that the
merge reads (:func:`returned_files`) packed. Only bytes and JSON values travel, both ways, and
nothing here writes to the course or the gradebook: the grading command alone does.

:func:`worker_state` is what a worker says about itself before anything is submitted (what it
cannot import, whether it is daemonic, its packages' versions and the hashes of its ``grading`` and
``helpers``), and :func:`worker_problems` compares it with the grading command's own. Only
:func:`task_folder` imports ``distributed`` (a worker has it loaded already): the rest is plain Python.
"""
import functools
import importlib
import io
import multiprocessing
import shutil
import tarfile
import tempfile
import threading
from importlib import metadata
from pathlib import Path

from grading.batch.isolation import run_isolated
from grading.batch.merge import LOG_LIMIT, log_tail
from grading.course import CourseLayout, tree_hash
from grading.records import Job
from grading.sandbox.landlock import sandbox_gaps

#: What a worker imports to grade a submission: the workbook's packages, then the third-party ones
#: whose versions must match the grading command's (a different numpy or nbgrader could grade differently).
OWN_PACKAGES = ("grading", "helpers")
THIRD_PARTY = ("nbgrader", "nbformat", "nbclient", "jupyter_client", "ipykernel", "numpy", "scipy", "psutil",
               "threadpoolctl")
#: What a worker process must be told when it is daemonic (a Dask nanny's workers are, by default).
DAEMON_FIX = ("start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False in their environment "
              "(or `dask worker --no-nanny`)")

_cancel_lock = threading.Lock()
_cancelled_runs = {}


# -- packing ---------------------------------------------------------------------------------------

def pack(folder, names=None):
    """The files below ``folder`` (or only ``names``, relative paths, where they are regular files) as
    the bytes of a gzipped tar; symbolic links and anything else that is not a file are left out."""
    folder = Path(folder)
    paths = sorted(folder.rglob("*")) if names is None else [folder / name for name in names]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=6) as tar:
        for path in paths:
            if path.is_file() and not path.is_symlink():
                tar.add(path, arcname=path.relative_to(folder).as_posix(), recursive=False)
    return buffer.getvalue()


def unpack(data, folder):
    """Write the files of ``data`` (from :func:`pack`) below ``folder``; tarfile's ``data`` filter
    refuses absolute paths, paths out of ``folder``, links and devices."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(folder, filter="data")


def returned_files(directory, job):
    """What comes back from the job folder ``directory`` of ``job`` (a :class:`grading.records.Job`), relative
    to it: the worker's result and log, and the autograded notebooks (not what else the kernel wrote there)."""
    directory = Path(directory).resolve()
    autograded = CourseLayout(directory / "course").autograded_dir(job.student, job.assignment)
    return ["result.json", "worker.log"] + [
        (autograded / f"{name}.ipynb").relative_to(directory).as_posix() for name in job.notebooks]


def trim_log(path, limit=LOG_LIMIT):
    """Keep only the last ``limit`` bytes of the log at ``path`` (the grading command keeps no more)."""
    if path.is_file() and path.stat().st_size > limit:
        path.write_bytes(log_tail(path, limit))


# -- the task --------------------------------------------------------------------------------------

def cancel_event(run):
    """The event that stops this process's grading of run ``run`` (one per run and process)."""
    with _cancel_lock:
        return _cancelled_runs.setdefault(run, threading.Event())


def cancel_run(run):
    """Stop this worker's grading of run ``run`` (the command runs it on every worker when interrupted):
    its running worker processes are killed, with their kernels, as a local interruption does."""
    cancel_event(run).set()


def task_folder():
    """A new private folder for one task, in the Dask worker's own folder: Dask removes it when the worker
    closes, and the next worker on the machine when this one was killed (then nothing here can)."""
    # distributed is imported already in a Dask worker, the only place a task runs; this module needs it nowhere else.
    from distributed import get_worker

    return Path(tempfile.mkdtemp(prefix="nnfs-", dir=get_worker().local_directory))


def grade_submission(packed, name, run, expected):
    """The Dask task: grade the job folder ``packed`` (:func:`pack`) as a local worker does, in a folder
    called ``name`` (the job's name, which marks its processes). ``run`` names the grading run (to
    cancel it), ``expected`` is the grading command's :func:`worker_state` (a worker that differs
    refuses: a worker that joined after the start-up check). Returns ``{"exitcode", "killed",
    "seconds", "files"}``, the files being :func:`returned_files` packed."""
    problems = worker_problems(worker_state(), expected)
    if problems:
        raise RuntimeError(f"this worker cannot grade: {'; '.join(problems)}")
    scratch = task_folder()
    try:
        directory = scratch / name
        unpack(packed, directory)
        job = Job.from_json((directory / "job.json").read_text())
        outcome = run_isolated(directory, job.limits, len(job.notebooks), cancel=cancel_event(run))
        trim_log(directory / "worker.log")
        return {"exitcode": outcome.exitcode, "killed": outcome.killed, "seconds": outcome.seconds,
                "files": pack(directory, returned_files(directory, job))}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# -- the start-up check ----------------------------------------------------------------------------

def _import_errors(names):
    """``{module: why it cannot be imported}`` of ``names``."""
    errors = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # ImportError, or a package that fails while importing
            errors[name] = f"{type(exc).__name__}: {exc}"
    return errors


def _version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@functools.lru_cache(maxsize=1)
def code_hashes():
    """The hashes of the ``grading`` and ``helpers`` packages this process imports (their files)."""
    return {name: tree_hash(Path(importlib.import_module(name).__file__).resolve().parent) for name in OWN_PACKAGES}


@functools.lru_cache(maxsize=1)
def worker_state():
    """What this process has for grading, as JSON values: ``missing`` (module -> why it cannot be
    imported), ``daemon``, the ``versions`` of :data:`THIRD_PARTY`, the ``code`` hashes of ``grading``
    and ``helpers``, the sandbox's ``gaps`` here. Cached: a process's answer does not change."""
    missing = _import_errors(OWN_PACKAGES + THIRD_PARTY)
    return {
        "missing": missing,
        "daemon": multiprocessing.current_process().daemon,
        "versions": {name: _version(name) for name in THIRD_PARTY if name not in missing},
        "code": code_hashes() if not set(OWN_PACKAGES) & set(missing) else {},
        "gaps": sandbox_gaps(),
    }


def worker_problems(state, expected):
    """Why a worker whose :func:`worker_state` is ``state`` cannot grade for a command whose own is
    ``expected``, one phrase each (empty: it can)."""
    problems = [f"cannot import {name} ({why})" for name, why in state["missing"].items()]
    if state["daemon"]:
        problems.append(f"it is a daemonic process, which cannot start the grading processes: {DAEMON_FIX}")
    for name, version in state["versions"].items():
        if version != expected["versions"].get(name):
            problems.append(f"{name} {version} is installed, the grading command has {expected['versions'].get(name)}")
    for name, digest in state["code"].items():
        if digest != expected["code"].get(name):
            problems.append(f"its {name} package differs from the grading command's (install the same version "
                            f"of the workbook on every worker)")
    return problems
