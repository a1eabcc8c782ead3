"""The grading worker: autogrades ONE submission in a private copy of the course.

Runs in a child process (started by :mod:`grading.batch.isolation`, which also enforces the
hard time and memory limits from outside). Its job folder, prepared by the parent::

    JOB/job.json                       what to grade, the limits (a grading.records.Job; no path
                                       of the real course)
    JOB/release/NB.ipynb               released notebooks (to compare the submission with)
    JOB/course/gradebook.db            a private gradebook: only this assignment, no students
    JOB/course/source/A/...            the assignment's source folder
    JOB/course/submitted/S/A/NB.ipynb  the submitted notebooks (and timestamp.txt)
    JOB/edition/helpers/               the assignment's student edition of helpers (grading.edition.build),
                                       which the kernel imports: no reference of its exercises
    JOB/tmp/                           $TMPDIR, caches and IPython's folder for the kernel

It sanitizes and scans the notebooks (:mod:`grading.worker.sanitize`, :mod:`grading.worker.scan`), runs
nbgrader's autograde on the private course (test cells decided by the judge,
:mod:`grading.judge`; the kernel imports the assignment's student edition of helpers), kills whatever the submission left running,
and writes ``JOB/result.json`` (a :class:`grading.records.WorkerResult`: scores, notes, and each
test cell's verdict).
The kernel may write only in its working folder (``JOB/course/autograded/S/A``) and
``JOB/tmp`` where Landlock is available: not in the private gradebook, not in the course.
The parent merges the autograded notebook into the real gradebook with nbgrader's own
``SaveAutoGrades``; nothing here writes to it.
"""
import contextlib
import logging
import os
import sys
import time
import traceback
from pathlib import Path

import nbformat
from nbgrader import utils as nbutils
from nbgrader.apps import NbGraderAPI  # noqa: F401  (imported once, in the fork server)
from threadpoolctl import threadpool_limits

from grading.course import CourseLayout
from grading.execute.kernels import private_tmp_environment
from grading.execute.preprocessors import LIMIT_ERRORS, NOT_RUN
from grading.judge.verdicts import NotebookJudge
from grading.limits import format_size
from grading.nbgrader_glue.api import NbGrader, classify_failure, load_config
from grading.records import JOB_ENV, CheckVerdict, Job, WorkerResult
from grading.sandbox.landlock import landlock_abi
from grading.sandbox.processes import become_subreaper, cap_address_space, kill_descendants
from grading.worker.sanitize import sanitize
from grading.worker.scan import scan_notebook

def _write_text(path, text):
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _cell_label(cell, number):
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return grade_id or f"cell {number}"


def limit_events(nb):
    """``[(cell label, ename, evalue)]`` of the limit errors in an executed notebook."""
    events = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") in LIMIT_ERRORS:
                events.append((_cell_label(cell, number), output.ename, str(output.get("evalue", ""))))
    return events


def summarize_events(events, limits=None):
    """One line for the report: what stopped which cell, and how many were not run."""
    parts, not_run = [], [label for label, ename, _ in events if ename == NOT_RUN]
    for label, ename, evalue in events:
        if ename == NOT_RUN:
            continue
        if ename == "MemoryError" and limits:
            evalue = f"memory limit {format_size(limits.memory)}"
        parts.append(f"{label}: {ename}" + (f" ({evalue})" if evalue else ""))
    if not_run:
        why = next(evalue for _, ename, evalue in events if ename == NOT_RUN).removeprefix("not run: ")
        parts.append(f"{len(not_run)} later cell(s) not run ({why})")
    return "; ".join(parts)


def cell_scores(nb):
    """``{grade_id: auto_score}`` as nbgrader's SaveAutoGrades computes it (for the log)."""
    return {
        cell.metadata.nbgrader["grade_id"]: nbutils.determine_grade(cell)[0]
        for cell in nb.cells
        if nbutils.is_grade(cell)
    }


def judge_records(nb, student, notebook):
    """The judge's verdict on each test cell of an autograded notebook (``{grade_id:
    CheckVerdict}``) and the notes it calls for (the student edition not in force). Raises
    :class:`grading.records.RecordError` on a malformed verdict."""
    records, notes = {}, []
    for cell in nb.cells:
        record = cell.get("metadata", {}).get(NotebookJudge.METADATA)
        if not record:
            continue
        verdict = CheckVerdict.from_dict(record, f"{notebook}: the judge's verdict")
        records[verdict.grade_id] = verdict
    for note in nb.metadata.get(NotebookJudge.METADATA, {}).get("notes", []):
        notes.append(f"judge: {student}, {notebook}: {note}")
    return records, notes


def _private_config(layout, limits, edition=None):
    config = load_config(layout)
    config.ExecutePreprocessor.timeout = limits.cell_timeout
    config.GradingExecute.notebook_timeout = limits.timeout
    config.GradingExecute.kill_leftover_processes = True
    config.GradingExecute.judge = True
    if edition is not None and (edition / "helpers").is_dir():
        config.GradingExecute.edition = str(edition)
    config.GradingKernelSpecManager.memory_limit = limits.memory
    config.GradingKernelSpecManager.file_size_limit = limits.file_size
    config.GradingKernelSpecManager.sandbox = bool(limits.sandbox)
    # The grading command saves the grades into the real gradebook (the parent's merge);
    # saving them into the private one too would only cost time.
    config.SaveAutoGrades.enabled = False
    config.AssignLatePenalties.enabled = False
    # Kill the kernel once the notebook has run (nothing of it is kept): a graceful exit
    # costs 0.7 s and 0.3 s of CPU per submission in its interpreter's shutdown.
    config.ExecutePreprocessor.shutdown_kernel = "immediate"
    return config


def _kernel_environment(job):
    """The kernel's environment: temporary files and caches in JOB/tmp (writable under
    Landlock), the job's name (to find its processes), one BLAS thread. A sandboxed kernel
    gets only these and the other variables that :data:`grading.execute.kernels.KERNEL_ENVIRONMENT`
    allows."""
    os.environ.update(private_tmp_environment(job / "tmp"))
    os.environ[JOB_ENV] = job.name
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    # One BLAS thread per kernel: the workers already use the cores, and on a many-core
    # machine OpenBLAS's per-thread buffers alone could exceed the memory limit.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def sanitize_submission(job, spec, result):
    """Compare each submitted notebook with its release, restore the grading structure and
    scan the code (notes into ``result``); False if a notebook is not even a notebook."""
    submitted = CourseLayout(job / "course").submitted_dir(spec.student, spec.assignment)
    for name in spec.notebooks:
        path = submitted / f"{name}.ipynb"
        if not path.exists():
            continue  # nbgrader records 0 for a notebook missing from a submission
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception as exc:  # invalid JSON, not a notebook, unreadable file...
            text = str(exc).strip()
            first_line = text.splitlines()[0] if text else type(exc).__name__
            result.problem = f"{name}.ipynb is not a valid notebook ({first_line})"
            return False
        release = nbformat.read(str(job / "release" / f"{name}.ipynb"), as_version=4)
        result.notes += sanitize(nb, release)
        result.notes += scan_notebook(nb, spec.student, name)
        nbformat.write(nb, str(path))
    return True


def read_autograded(layout, spec, result):
    """Scores, verdicts, limit events and notes of the autograded notebooks, into ``result``."""
    for name in spec.notebooks:
        path = layout.autograded_dir(spec.student, spec.assignment) / f"{name}.ipynb"
        if not path.exists():
            continue
        nb = nbformat.read(str(path), as_version=4)
        result.events += limit_events(nb)
        result.scores[name] = cell_scores(nb)
        verdicts, notes = judge_records(nb, spec.student, name)
        result.verdicts[name] = verdicts
        result.notes += notes
    if not result.scores:
        result.problem = "nbgrader produced no autograded notebook"
    result.reason = summarize_events(result.events, spec.limits)


def _peak_mapped():
    """This process's largest address space so far (bytes; 0 where Linux's /proc is not there)."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text().splitlines()
        return int(next(line for line in status if line.startswith("VmPeak:")).split()[1]) * 1024
    return 0


def grade(job, spec, log):
    """Autograde the job's submission (``spec``: its :class:`grading.records.Job`); returns
    its :class:`grading.records.WorkerResult`."""
    layout = CourseLayout(job / "course")
    result = WorkerResult(sandbox=0)
    if not sanitize_submission(job, spec, result):
        return result
    _kernel_environment(job)
    if spec.limits.sandbox:
        result.sandbox = landlock_abi()
    nbgrader = NbGrader(layout, config=_private_config(layout, spec.limits, job / "edition"), log=log)
    # What the judge computes here is small, and bounded too: one BLAS thread (the fork server loaded
    # OpenBLAS for all the cores, and its threads' buffers would count against the cap), then the cap.
    threadpool_limits(1)
    cap = cap_address_space(spec.limits.worker_memory)
    outcome = nbgrader.call("autograde", spec.assignment, spec.student, force=True, create=True)
    kill_descendants()
    log.info("address space: capped at %s, peak %s", cap and format_size(cap), format_size(_peak_mapped()))
    if not outcome["success"]:
        result.problem, result.infrastructure = classify_failure(outcome)
        return result
    read_autograded(layout, spec, result)
    return result


def run_job(job_dir):
    """Entry point of the worker process: grade ``job_dir``, write ``job_dir/result.json``."""
    job = Path(job_dir)
    os.setsid()  # own process group and session: the terminal's Ctrl-C goes to the parent only
    become_subreaper()
    log_file = open(job / "worker.log", "a", buffering=1)
    os.dup2(log_file.fileno(), 1)
    os.dup2(log_file.fileno(), 2)
    sys.stdout = sys.stderr = log_file
    log = logging.getLogger("grading.worker.main")
    log.handlers[:] = [logging.StreamHandler(log_file)]
    log.handlers[0].setFormatter(logging.Formatter("%(relativeCreated)d [%(levelname)s] %(message)s"))
    log.setLevel(logging.INFO)
    log.propagate = False
    start = time.monotonic()
    try:
        spec = Job.from_json((job / "job.json").read_text())
        result = grade(job, spec, log)
    except BaseException as exc:  # a bug here must still leave a result behind
        traceback.print_exc()
        result = WorkerResult.failure(f"grading worker failed: {type(exc).__name__}: {exc}",
                                      infrastructure=True)
    finally:
        kill_descendants()
    result.seconds = round(time.monotonic() - start, 2)
    _write_text(job / "result.json", result.to_json())
    log_file.flush()
