"""nbgrader preprocessors used by this course (wired up in ``nbgrader_config.py``).

* :class:`GradingExecute` - nbgrader's ``Execute`` on the grading interpreter's kernel.
* :class:`StderrToStdout` - autograde: a warning on stderr must not zero a passing test.
* :class:`HideTestInternals` - feedback: failures of graded test cells are shown as
  ``ename: evalue`` only, and no output line may quote hidden test code.

Hidden blocks themselves are removed from the feedback's test sources by nbgrader's own
``ClearHiddenTests``, which must run *after* :class:`HideTestInternals` (this one needs
the hidden block to know which lines to scrub from the outputs).
"""
from nbgrader import utils
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Unicode

from .kernels import GradingKernelManager

BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"


def is_graded_test_cell(cell):
    """True for a graded code cell that is not an answer cell: an autograder test cell."""
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


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


class GradingExecute(Execute):
    """nbgrader's ``Execute`` whose ``python3`` kernel is the grading interpreter.

    nbgrader's ``Execute`` passes ``kernel_manager_class`` as an argument, so the
    ``ExecutePreprocessor.kernel_manager_class`` option cannot change it; this subclass
    does. Timeouts and other options still come from ``Execute``/``ExecutePreprocessor``.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", GradingKernelManager)
        super().__init__(*args, **kwargs)


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
