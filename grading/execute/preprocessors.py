"""nbgrader preprocessors used by this course (wired up in ``nbgrader_config.py``).

* :class:`GradingExecute` - nbgrader's ``Execute`` on the grading interpreter's kernel,
  with a whole-notebook time limit, and a kernel that dies or ignores interrupts costing
  the affected cells (with the reason in their output) instead of the whole submission;
  with ``judge``, graded test cells are decided in this process (:mod:`grading.judge`).
  It does not run the demonstrations and challenges that no running cell needs
  (:mod:`grading.execute.cellplan`).
* :class:`ClearRunOutputs` - autograde's sanitizing: nbgrader's ``ClearOutput`` for the
  cells that will run; the others keep the student's outputs, for the feedback.
* :class:`StderrToStdout` - autograde: a warning on stderr must not zero a passing test.
* :class:`HideTestInternals` - feedback: failures of graded test cells are shown as
  ``ename: evalue`` only, and no output line may quote hidden test code.

Hidden blocks themselves are removed from the feedback's test sources by nbgrader's own
``ClearHiddenTests``, which must run *after* :class:`HideTestInternals` (this one needs
the hidden block to know which lines to scrub from the outputs).
"""
import os
from pathlib import Path
from time import monotonic

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, Execute, NbGraderPreprocessor
from traitlets import Bool, Integer, Unicode

from grading.execute.cellplan import plan_cells
from grading.execute.kernels import GradingKernelManager
from grading.judge.check_calls import is_check_cell, is_graded_test_cell
from grading.judge.verdicts import NotebookJudge
from grading.sandbox.processes import kill_descendants, kill_tree

#: ``ename`` of the error outputs that GradingExecute writes into cells it had to stop or
#: skip; with ``CellTimeoutError`` (nbgrader's per-cell timeout) and ``MemoryError``
#: they are the "limit" errors that the grading report summarises.
NOT_RUN = "NotRun"
KERNEL_DIED = "KernelDied"
TIMEOUT = "CellTimeoutError"
LIMIT_ERRORS = (TIMEOUT, NOT_RUN, KERNEL_DIED, "MemoryError")

BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"
#: What the feedback shows of a cell that printed after the hidden tests ran: the kernel's output could
#: hold their cases (a function that kept its arguments, printed by a later cell).
WITHHELD = "(output not in the feedback: this cell ran after the hidden tests)\n"


def withheld(outputs) -> list:
    """A cell's outputs as the feedback shows them once the hidden tests ran: the limit errors (the grading report
    counts them), then a line saying the rest is withheld."""
    kept = [out for out in outputs if out.output_type == "error" and out.get("ename") in LIMIT_ERRORS]
    return kept + [NotebookNode(output_type="stream", name="stdout", text=WITHHELD)]


def hidden_test_lines(source):
    """The stripped, non-empty lines between the hidden-test delimiters of ``source``."""
    hidden, inside = set(), False
    for line in source.splitlines():
        if BEGIN_HIDDEN in line:
            inside = True
        elif END_HIDDEN in line:
            inside = False
        elif inside and line.strip():
            hidden.add(line.strip())
    return hidden


def scrub_lines(text, forbidden):
    """``text`` without the lines whose stripped content is in ``forbidden``."""
    if not forbidden:
        return text
    kept = [line for line in text.splitlines(keepends=True) if line.strip() not in forbidden]
    return "".join(kept)


def error_output(ename, evalue):
    """An ``error`` output whose traceback is just ``ename: evalue``."""
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class GradingExecute(Execute):
    """nbgrader's ``Execute`` whose ``python3`` kernel is the grading interpreter, made robust.

    nbgrader's ``Execute`` passes ``kernel_manager_class`` as an argument, so the
    ``ExecutePreprocessor.kernel_manager_class`` option cannot change it; this subclass
    does. Timeouts and other options still come from ``Execute``/``ExecutePreprocessor``.

    Where nbgrader gives up on the whole submission ("failed to process", no grade), this
    class records the problem in the cell and goes on, so that the cells that ran keep
    their points and the others score 0 with the reason in their output:

    * ``notebook_timeout``: a wall-clock limit for the whole notebook. Each cell's timeout
      is cut to the time left; once it is used up the remaining cells are not run.
    * a kernel that dies (a crash, ``os._exit``, a fatal error at the memory limit): the
      cell gets a ``KernelDied`` error and the remaining cells are not run.
    * a kernel that does not stop when interrupted at the per-cell timeout (code that
      ignores SIGINT, or stuck in C code): it is killed, the cell keeps its timeout error
      and the remaining cells are not run.
    * ``kill_leftover_processes``: when the kernel has shut down, kill every process this
      process still has below it (a daemon started by a submission). For the grading
      worker only: in a Jupyter server it would kill the user's other kernels.
    * ``judge``: a graded test cell made of check calls is not executed in the kernel; the
      judge decides it here and writes the verdict into its outputs (:mod:`grading.judge`),
      within the same per-cell and notebook time limits (a kernel that does not answer in
      time is interrupted, one that dies stops the notebook, as above). ``edition``: the kernel
      imports the student edition of ``helpers`` from that folder (:mod:`grading.edition.build`): the
      tools and the visible checks, no reference of the notebook's exercises to call.

    Cells tagged ``demo`` or ``challenge`` that no running cell needs are not run
    (:meth:`skips`); they keep whatever outputs they have.
    """

    notebook_timeout = Integer(
        0, help="Wall-clock limit in seconds for the whole notebook (0: none).",
    ).tag(config=True)
    kill_leftover_processes = Bool(
        False, help="After the kernel shut down, kill everything else this process started.",
    ).tag(config=True)
    judge = Bool(
        False, help="Decide graded test cells made of check calls in this process (grading.judge), "
                    "not in the kernel; other test cells (plain asserts) still run in the kernel.",
    ).tag(config=True)
    edition = Unicode(
        "", help="A folder holding the student edition of helpers for this notebook (grading.edition.build): the "
                 "kernel imports helpers from there (first on its PYTHONPATH; a sandboxed kernel reads no other "
                 "helpers). Empty: the kernel imports what it finds.",
    ).tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", GradingKernelManager)
        super().__init__(*args, **kwargs)
        self._halted = ""
        self._deadline = None
        self._judge = None
        self._plan = None
        self._hidden_ran = False

    def preprocess(self, nb, resources=None, km=None):
        if self.judge:
            hide_hidden_tests_on_disk(resources)
        self._halted = ""
        self._plan = plan_cells(nb)
        self._deadline = monotonic() + self.notebook_timeout if self.notebook_timeout else None
        self._judge, self._hidden_ran = None, False
        try:
            return super().preprocess(nb, resources, km)
        finally:
            if self._judge is not None:
                self._judge.close()
            if self.kill_leftover_processes:
                kill_descendants()

    async def async_start_new_kernel(self, **kwargs):
        if self.edition and "env" not in kwargs:
            kwargs["env"] = self._edition_environment()
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)  # nbclient's setup_kernel calls this one

    def _edition_environment(self):
        """The kernel's environment with the student edition of helpers first on its path."""
        specs = getattr(self.km, "kernel_spec_manager", None)
        if specs is not None and hasattr(specs, "readable_dirs"):
            specs.readable_dirs = [self.edition]   # a sandbox's reads: the edition, not the workbook's helpers
        path = os.environ.get("PYTHONPATH", "")
        return {**os.environ, "PYTHONPATH": self.edition + (os.pathsep + path if path else "")}

    def _judge_cell(self, cell):
        """Decide a graded test cell in this process (see grading.judge)."""
        if self._judge is None:
            process = getattr(getattr(self.km, "provisioner", None), "process", None)
            self._judge = NotebookJudge(self.km, self.nb, process, self.edition)
        verdict = self._judge.decide(cell, self.timeout)
        if verdict.halt == "died":
            cell.outputs[-1:] = [error_output(KERNEL_DIED, verdict.message)]
            self._halted = "the kernel died in an earlier cell"
        elif verdict.halt == "timeout":
            cell.outputs[-1:] = [error_output(TIMEOUT, verdict.message)]
            if not self._judge.recover(self.km):
                self._stop_kernel()
                self._halted = "the kernel was stopped in an earlier cell"

    def _time_left(self):
        return None if self._deadline is None else self._deadline - monotonic()

    def _stop_kernel(self):
        """Kill the kernel and everything it started (it did not answer an interrupt)."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            kill_tree(process.pid)

    def skips(self, cell, index):
        """True for a cell that grading does not run: a demonstration or challenge that no
        running cell needs (see :func:`grading.execute.cellplan.plan_cells`)."""
        return self._plan is not None and self._plan.skips(index)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return super().preprocess_cell(cell, resources, index)
        if self.skips(cell, index):
            return cell, resources
        left = self._time_left()
        if not self._halted and left is not None:
            if left < 1:
                self._halted = f"the notebook used up its time limit of {self.notebook_timeout} s"
            elif self.timeout is None or left < self.timeout:
                self.timeout = max(1, int(left))
        if self._halted:
            cell.outputs = [error_output(NOT_RUN, f"not run: {self._halted}")]
            cell.execution_count = None
            return cell, resources
        try:
            if self.judge and is_graded_test_cell(cell) and is_check_cell(cell.source):
                self._judge_cell(cell)
                self._hidden_ran = self._hidden_ran or BEGIN_HIDDEN in cell.source
            else:
                cell, resources = super().preprocess_cell(cell, resources, index)
                if self._hidden_ran and not utils.is_grade(cell) and cell.outputs:
                    cell.outputs = withheld(cell.outputs)   # it may print what the hidden tests passed
        except DeadKernelError:
            cell.outputs.append(error_output(
                KERNEL_DIED,
                "the kernel died while running this cell (a crash, os._exit(), or the memory limit)",
            ))
            self._halted = "the kernel died in an earlier cell"
        except CellTimeoutError:
            # nbclient interrupted the kernel at the timeout, but it did not stop
            self._stop_kernel()
            cell.outputs.append(error_output(
                TIMEOUT, f"the cell ran past its time limit ({self.timeout} s) and did not stop "
                         "when interrupted, so the kernel was stopped",
            ))
            self._halted = "the kernel was stopped in an earlier cell"
        if not self._halted:
            left = self._time_left()
            if left is not None and left < 1:
                self._halted = f"the notebook used up its time limit of {self.notebook_timeout} s"
                for output in cell.outputs:
                    if output.output_type == "error" and output.ename == TIMEOUT:
                        output.evalue = f"stopped at the notebook's time limit of {self.notebook_timeout} s"
                        output.traceback = [f"{TIMEOUT}: {output.evalue}"]
        return cell, resources


class ClearRunOutputs(ClearOutput):
    """nbgrader's ``ClearOutput`` (autograde's sanitizing), except for the cells that
    :class:`GradingExecute` will not run: those keep the student's outputs, which the
    feedback then shows. Runs after ``OverwriteCells``, on the notebook that will be
    executed, so that both make the same :func:`~grading.execute.cellplan.plan_cells` decision.
    """

    def preprocess(self, nb, resources):
        self._plan = plan_cells(nb)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if self._plan.skips(index):
            return cell, resources
        return super().preprocess_cell(cell, resources, index)


class StderrToStdout(NbGraderPreprocessor):
    """Turn stderr stream outputs of graded cells into stdout outputs, text kept.

    nbgrader's ``determine_grade`` gives 0 points to a graded cell with any stderr
    output, so a harmless ``warnings.warn`` (or a numpy ``RuntimeWarning``) would zero
    a passing test. Real failures are ``error`` outputs and still score 0.
    """

    prefix = Unicode("", help="Text put in front of each moved stderr output.").tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and utils.is_grade(cell):
            for output in cell.get("outputs", []):
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
                    output.text = self.prefix + output.text
        return cell, resources


def hide_hidden_tests_on_disk(resources) -> None:
    """nbgrader's autograde writes the notebook it is about to run, its test cells restored from the gradebook
    with their hidden tests, into the kernel's working folder, where the kernel could read them. Rewrite that file
    without them: the judge reads the hidden calls from the notebook in memory, and nbgrader writes the graded
    notebook over the file afterwards."""
    meta = (resources or {}).get("metadata") or {}
    path = Path(meta.get("path") or ".") / f"{meta.get('name', '')}.ipynb"
    if not meta.get("name") or not path.is_file():
        return
    on_disk = nbformat.read(str(path), as_version=4)
    ClearHiddenTestsOfTestCells().preprocess(on_disk, {})
    nbformat.write(on_disk, str(path))


class ClearHiddenTestsOfTestCells(ClearHiddenTests):
    """Feedback: nbgrader's ``ClearHiddenTests``, on the graded test cells only (the course's, restored from
    the gradebook). Elsewhere the markers are the student's own text (an answer that quotes
    ``### BEGIN HIDDEN TESTS``) and stay as written: nbgrader's would remove what follows, or fail the whole
    feedback with "No end hidden tests statement found"."""

    def preprocess_cell(self, cell, resources, cell_index):
        if not is_graded_test_cell(cell):
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)


class HideTestInternals(NbGraderPreprocessor):
    """Feedback: show what failed in a graded test cell, never how it is tested.

    For every graded test cell:

    * each ``error`` output's traceback (which quotes the failing test line, often
      hidden test code) is replaced by the single line ``ename: evalue``; the checks'
      messages are written to be informative on their own;
    * lines quoting hidden test code (e.g. the source line that ``warnings`` prints
      under a warning) are removed from stream and text outputs and from ``evalue``.

    The hidden block is left in the source for ``ClearHiddenTests`` to remove.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if not is_graded_test_cell(cell):
            return cell, resources
        hidden = hidden_test_lines(cell.source)
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.evalue = scrub_lines(str(output.get("evalue", "")), hidden)
                summary = output.ename + (f": {output.evalue}" if output.evalue else "")
                output.traceback = [summary]
            elif output.output_type == "stream":
                output.text = scrub_lines(output.text, hidden)
            elif "data" in output and "text/plain" in output.data:
                output.data["text/plain"] = scrub_lines(output.data["text/plain"], hidden)
        cell.outputs = [
            out for out in cell.get("outputs", [])
            if not (out.output_type == "stream" and not out.text.strip())
        ]
        return cell, resources
