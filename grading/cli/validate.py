"""Students' self-check: run a notebook the way the autograder does, report each test.

Uses nbgrader's ``Validator`` (what ``nbgrader validate`` runs), executing with the same
kernel, judge (test cells decided outside the kernel, :mod:`grading.judge`) and stderr
handling as autograding, and reports every graded test cell instead of only the failing ones: ``passed``, or ``FAILED`` with the check's message (the hint
that names the likely mistake).

JupyterLab's **Validate** button runs nbgrader's ``Validator`` inside the Jupyter server,
configured by the ``nbgrader_config.py`` of the folder JupyterLab was started in. The
repository's root ``nbgrader_config.py`` calls :func:`apply_validation_settings`, so that
the button checks the way grading does (see there).
"""
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput
from nbgrader.validator import Validator

from grading.course import DEFAULT_NOTEBOOKS_DIR as NOTEBOOKS, CourseLayout
from grading.edition.build import COMPILED, build_edition
from grading.execute.kernels import private_tmp_environment
from grading.execute.preprocessors import GradingExecute, StderrToStdout
from grading.judge.check_calls import is_graded_test_cell
from grading.nbgrader_glue.api import course_config, load_config


@dataclass
class CellCheck:
    """Result of one graded test cell."""

    grade_id: str
    points: float
    score: float
    message: str = ""

    @property
    def passed(self):
        return self.score >= self.points


@dataclass
class ValidationReport:
    """Per-test results of one notebook, plus notebook-level problems."""

    path: Path
    checks: list
    problems: list  # e.g. modified test cells, changed cell types

    @property
    def passed(self):
        return not self.problems and all(check.passed for check in self.checks)


def _failure_message(cell, score, points):
    errors = [
        f"{out.ename}: {out.evalue}" if out.evalue else
        ("NotImplementedError: not done yet (the exercise still raises NotImplementedError)"
         if out.ename == "NotImplementedError" else out.ename)
        for out in cell.outputs
        if out.output_type == "error"
    ]
    if errors:
        return "\n".join(errors)
    return f"partial credit: {score:g} of {points:g} points"


def validation_preprocessors():
    """What a self-check runs: nbgrader's Validator list with grading's Execute and
    stderr handling (a warning on stderr must not fail a test that grading passes)."""
    return [CheckCellMetadata, ClearOutput, GradingExecute, StderrToStdout]


#: Settings of the course configuration that a self-check shares with grading.
SHARED_SETTINGS = (("ExecutePreprocessor", "timeout"), ("ExecutePreprocessor", "kernel_name"))


def apply_validation_settings(config):
    """Make nbgrader's ``Validator`` check the way grading does; for ``nbgrader_config.py``.

    Sets the per-cell timeout and kernel name of ``grading/nbgrader_config.py`` in
    ``config``, and makes :func:`validation_preprocessors` the ``Validator``'s
    preprocessors. nbgrader does not let configuration change that list (the trait is
    not configurable), so this changes the class default, in this process only: the
    Jupyter server's, for its Validate button. Nothing else is configured: release,
    autograding and feedback settings stay in ``grading/nbgrader_config.py``, which
    ``python -m grading`` loads explicitly.
    """
    course = course_config()
    for section, name in SHARED_SETTINGS:
        if name in course[section]:
            config[section][name] = course[section][name]
    Validator.class_traits()["preprocessors"].default_value = validation_preprocessors()
    return config


def _make_validator(sandbox_tmp=None, edition=None):
    # Only the execution options matter here; the course directory is never touched.
    config = load_config(CourseLayout(Path.cwd()))
    if sandbox_tmp is not None:
        config.GradingKernelSpecManager.sandbox = True
        config.GradingKernelSpecManager.environment = private_tmp_environment(sandbox_tmp)
    if edition is not None:
        config.GradingExecute.edition = str(edition)
    # Test cells are decided by the judge, as when grading (grading.judge); JupyterLab's Validate
    # button and the notebook's own test cells still run the checks in the kernel, for immediate
    # feedback.
    config.GradingExecute.judge = True
    validator = Validator(config=config)
    validator.preprocessors = validation_preprocessors()
    return validator


def validate_notebook(path, sandbox=False):
    """Execute the notebook at ``path`` (a copy in memory) and check its test cells.

    With ``sandbox`` (``python -m grading validate`` on a grader's machine), the kernel is
    confined as in grading (:mod:`grading.execute.kernels`): it starts in an empty private folder,
    reads nothing of the notebook's folder or the course, has no network and gets only the
    allowlisted environment; it imports the notebook's student edition of helpers, as grading's.
    """
    shown, path = Path(path), Path(path).resolve()
    nb = nbformat.read(str(path), as_version=4)
    if not sandbox:
        return _validate(nb, shown, _make_validator(), path.parent)
    with tempfile.TemporaryDirectory(prefix="nnfs-validate-") as private:
        work = Path(private) / "work"
        work.mkdir()
        edition = student_edition(path.stem, Path(private) / "edition")
        return _validate(nb, shown, _make_validator(Path(private) / "tmp", edition), work)


def student_edition(assignment, folder):
    """``folder``, holding the student edition of helpers for ``assignment`` (built from the workbook's
    notebook of that name), which a confined kernel imports as grading's does; None when the workbook has no
    compiled notebook of that name (the kernel then reads the workbook's helpers)."""
    source = NOTEBOOKS / f"{assignment}.ipynb"
    if assignment not in COMPILED or not source.is_file():
        return None
    build_edition(folder, {assignment: source})
    return folder


def _validate(nb, shown, validator, workdir):
    problems = [
        f"cell {cell.metadata.nbgrader.get('grade_id', '?')} was changed from a "
        f"{cell.metadata.nbgrader['cell_type']} cell to a {cell.cell_type} cell"
        for cell in validator._get_type_changed_cells(nb)
    ]
    with utils.chdir(str(workdir)):
        nb = validator._preprocess(nb)
    for cell in validator._get_changed_cells(nb):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "?")
        problems.append(
            f"locked cell {grade_id} was modified; grading restores the original, "
            "so these results may differ from your grade"
        )
    checks = []
    for cell in nb.cells:
        if not is_graded_test_cell(cell):
            continue
        score, points = utils.determine_grade(cell)
        check = CellCheck(cell.metadata.nbgrader["grade_id"], points, score or 0.0)
        if not check.passed:
            check.message = _failure_message(cell, check.score, points)
        checks.append(check)
    return ValidationReport(shown, checks, problems)


def format_report(report):
    """Text for the terminal: one line per test cell, failures with their message."""
    lines = [f"Validating {report.path}"]
    for problem in report.problems:
        lines.append(f"  WARNING: {problem}")
    if not report.checks:
        lines.append("  (no graded test cells)")
    for check in report.checks:
        status = "passed" if check.passed else "FAILED"
        lines.append(f"  {check.grade_id:<30} {status:<7} ({check.score:g}/{check.points:g} points)")
        for line in check.message.splitlines():
            lines.append(f"      {line}")
    total = sum(c.score for c in report.checks)
    maximum = sum(c.points for c in report.checks)
    verdict = "all tests passed" if report.passed else "NOT all tests passed"
    lines.append(f"{verdict}: {total:g}/{maximum:g} points (grading also runs hidden tests)")
    return "\n".join(lines)
