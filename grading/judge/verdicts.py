"""Test cells decided by the judge: :class:`Judge` runs a cell's check calls here, with the student's
functions as stand-ins for the kernel's, and :class:`NotebookJudge` records each verdict in the cell, where
nbgrader scores it and the grading worker reads it back.
"""
from __future__ import annotations

import ast
import contextlib
import importlib
import io
import time
from dataclasses import dataclass, fields

from nbclient.util import run_sync
from nbformat import NotebookNode

from grading.judge.check_calls import parse_cell, parse_test_cell
from grading.judge.link import JudgeError, KernelDied, KernelLink, KernelLost, KernelTimeout, RemoteError
from grading.records import CheckVerdict


KERNEL_DIED_MESSAGE = "the kernel died while the judge was running this cell's tests"


@dataclass
class Verdict(CheckVerdict):
    """The judge's decision on one graded test cell while it is made: the verdict that is recorded
    (:class:`grading.records.CheckVerdict`: ``error`` is the failure's exception name), and what the
    judge keeps for itself."""

    stdout: str = ""
    calls: int = 0
    callbacks: int = 0
    seconds: float = 0.0
    halt: str = ""                      # the kernel was stopped: later cells are not run

    def record(self):
        """The record kept with the run (the gradebook's ``nnfs_check_results``)."""
        return CheckVerdict(**{field.name: getattr(self, field.name) for field in fields(CheckVerdict)})


def defined_names(nb, function, before=None):
    """Every name the last definition of `function` in the notebook's code cells (those before cell
    index `before`) uses: read from the submitted source, which the student's kernel cannot change,
    so that a check asking which globals a function uses does not depend on the kernel's answer."""
    names = set()
    for cell in nb.cells[:before]:
        tree = parse_cell(cell.source) if cell.cell_type == "code" else None
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
                names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
                    n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
    return names


def checks_module(nb):
    """The check module a notebook's locked cells import as ``checks`` (``helpers.checks.X``)."""
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.get("metadata", {}).get("nbgrader", {}).get("locked"):
            continue
        tree = parse_cell(cell.source)
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.ImportFrom) and node.module == "helpers.checks":
                for alias in node.names:
                    if (alias.asname or alias.name) == "checks":
                        return f"helpers.checks.{alias.name}"
    return ""


@dataclass
class Judge:
    """Decides a notebook's test cells against one kernel (see the module's docstring)."""

    link: KernelLink
    module_name: str

    def decide(self, grade_id, source, timeout):
        """The verdict of the test cell ``source`` (as restored by nbgrader, hidden tests included)."""
        start = time.monotonic()
        verdict = Verdict(grade_id, passed=False)
        calls_before, callbacks_before = self.link.calls, self.link.callbacks
        self.link.deadline = start + timeout if timeout else None
        out = io.StringIO()
        results = {True: [], False: []}
        self._run_checks(verdict, source, timeout, out, results)
        self._end_cell(verdict, timeout)
        if verdict.passed or verdict.error == "ExerciseFailure":
            visible, hidden = results[False], results[True]
            verdict.visible_passed = bool(visible) and all(visible)
            verdict.hidden_passed = (all(hidden) if hidden else None) if verdict.visible_passed else None
            if verdict.passed and not hidden:
                verdict.hidden_passed = None
        verdict.stdout = out.getvalue()
        verdict.calls = self.link.calls - calls_before
        verdict.callbacks = self.link.callbacks - callbacks_before
        verdict.seconds = time.monotonic() - start
        self.link.deadline = None
        return verdict

    def _run_checks(self, verdict, source, timeout, out, results):
        """Run the cell's check calls, their prints into ``out``, each outcome into
        ``results[hidden]``; the first failure decides ``verdict``."""
        from helpers.checks.core import ExerciseFailure  # the workbook's checks: only when a cell is judged

        from helpers.checks import core  # the workbook's checks: only when a cell is judged

        call = None
        self.link.hints_off = False
        core.hint_pass = self.link.hint_budget
        try:
            calls = parse_test_cell(source)
            verdict.exercise = calls[0].function if calls else ""
            module = importlib.import_module(self.module_name)
            self.link.open()
            functions = {}
            for call in calls:
                checker = getattr(module, call.check, None)
                if not callable(checker):
                    raise JudgeError(f"{self.module_name} has no check {call.check}")
                if call.function not in functions:
                    functions[call.function] = self.link.request({"op": "lookup", "name": call.function})
                try:
                    with contextlib.redirect_stdout(out):
                        checker(functions[call.function], *call.args, **call.kwargs)
                finally:       # what the check lent the kernel (reference blocks, callbacks) answers no more
                    self.link.handles.revoke()
                    self.link.case_elements = 0
                results[call.hidden].append(True)
            verdict.passed = True
        except ExerciseFailure as failure:
            verdict.error, verdict.message = "ExerciseFailure", str(failure)
            verdict.mistake = getattr(failure, "mistake", "") or ""
            error = getattr(failure, "relative_error", None)
            verdict.relative_error = float(error) if isinstance(error, (int, float)) else None
            if call is not None:
                results[call.hidden].append(False)
        except NameError as error:  # the exercise's function is not defined in the kernel
            verdict.error, verdict.message = "NameError", str(error)
        except KernelTimeout as error:
            verdict.error = "CellTimeoutError"
            verdict.message = f"the test ran past the cell's time limit ({timeout} s) ({error})"
            verdict.halt = "timeout"
        except KernelDied:
            verdict.error, verdict.message, verdict.halt = "KernelDied", KERNEL_DIED_MESSAGE, "died"
        except RemoteError as error:  # the student's function raised an exception of its own
            verdict.error, verdict.message = error.kind or "Error", str(error)[:2000]
        except Exception as error:  # a broken answer from the kernel, or an unexpected failure
            verdict.error = type(error).__name__
            verdict.message = str(error)[:2000] or verdict.error
        finally:
            core.hint_pass = contextlib.nullcontext

    def _end_cell(self, verdict, timeout):
        """Tell the kernel the cell is done (a timeout or death then still costs the cell)."""
        if verdict.halt:
            self.link.end_broken()
            return
        try:
            self.link.end()
        except KernelTimeout:
            verdict.halt = "timeout"
            verdict.passed, verdict.error = False, "CellTimeoutError"
            verdict.message = f"the kernel did not finish the test within the cell's time limit ({timeout} s)"
        except KernelDied:
            verdict.passed = False
            verdict.error, verdict.message, verdict.halt = "KernelDied", KERNEL_DIED_MESSAGE, "died"
        except JudgeError:  # the student's code broke the shim: the next test cell reinstalls it
            pass


def verdict_outputs(verdict):
    """The test cell's outputs for ``verdict``: what the checks printed, then the failure (if any)
    as the error output a failing check shows in the kernel (``ExerciseFailure: message``)."""
    from helpers.checks import failure_line  # the workbook's checks: only when a cell is judged

    outputs = []
    if verdict.stdout:
        outputs.append(NotebookNode(output_type="stream", name="stdout", text=verdict.stdout))
    if not verdict.passed:
        outputs.append(NotebookNode(output_type="error", ename=verdict.error, evalue=verdict.message,
                                    traceback=[failure_line(verdict.error, verdict.message)]))
    return outputs


class NotebookJudge:
    """The judge of one notebook run by :class:`grading.execute.preprocessors.GradingExecute`: connects to its
    kernel on first use, decides each graded test cell, and records the verdicts in the cells'
    metadata (``nnfs_judge``), where the grading worker reads them back."""

    METADATA = "nnfs_judge"
    #: What the judge refused a kernel during one test cell is noted, at most this many times.
    REFUSALS_NOTED = 3

    def __init__(self, km, nb, process=None, helpers_dir=""):
        self.km, self.nb, self.process, self.helpers_dir = km, nb, process, helpers_dir
        self.judge = None
        self.notes = []

    def _alive(self):
        return self.process is None or self.process.poll() is None

    def decide(self, cell, timeout):
        """Set ``cell``'s outputs and metadata from the judge's verdict; returns the verdict."""
        grade_id = cell.metadata.nbgrader.get("grade_id", "")
        if self.judge is None:
            module = checks_module(self.nb)
            self.judge = Judge(KernelLink(self.km, alive=self._alive), module)
            if not module:
                self.notes.append("the notebook imports no helpers.checks module as `checks`")
        if self.helpers_dir and not self.notes:
            try:
                self.judge.link.deadline = time.monotonic() + (timeout or 30)
                where = self.judge.link.install()
            except (Exception, KernelLost) as exc:  # noqa: BLE001  (reported; the cell's verdict follows)
                where = f"unknown ({type(exc).__name__})"
            if not str(where).startswith(str(self.helpers_dir)):
                self.notes.append(f"the student edition was not in force: helpers came from {where}")
            self.helpers_dir = ""
        position = next((i for i, other in enumerate(self.nb.cells) if other is cell), None)
        self.judge.link.source_names = lambda name: defined_names(self.nb, name, position)
        refusals = len(self.judge.link.refusals)
        verdict = self.judge.decide(grade_id, cell.source, timeout)
        for refusal in dict.fromkeys(self.judge.link.refusals[refusals:][:self.REFUSALS_NOTED]):
            self.notes.append(f"{grade_id}: {refusal}")
        cell.outputs = verdict_outputs(verdict)
        cell.execution_count = None
        cell.metadata[self.METADATA] = verdict.record().to_dict()
        return verdict

    def close(self):
        if self.judge is not None:
            self.judge.link.close()
        if self.notes:
            self.nb.metadata[self.METADATA] = {"notes": self.notes}

    def recover(self, km, grace=5.0):
        """After a timeout: interrupt the kernel; True if it answers again within ``grace`` s."""
        try:
            run_sync(km.interrupt_kernel)()
            self.judge.link.deadline = time.monotonic() + grace
            self.judge.link.install()
            return True
        except (Exception, KernelLost):  # noqa: BLE001  (it did not come back: the caller stops it)
            return False
        finally:
            self.judge.link.deadline = None
