"""The small fixture course of the grading tests (tests/support/fixtures/grading/build_fixture.py: notebook
``00_mini``, test_relu 2 points and test_softmax 3), loaded once, with the notebook utilities
those tests share."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import nbformat

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "grading"
_spec = importlib.util.spec_from_file_location("grading_fixture_builder", FIXTURE_DIR / "build_fixture.py")
fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture)

NAME = fixture.FIXTURE_NAME
TOTAL = sum(fixture.POINTS.values())


def read_nb(path):
    return nbformat.read(str(path), as_version=4)


def cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def hidden_code_lines():
    """Every non-empty line of hidden test code in the source notebook. (Written here on its own,
    not with grading.execute.preprocessors.hidden_test_lines, so that it can catch a bug there.)"""
    lines = set()
    for c in read_nb(fixture.FIXTURE_PATH).cells:
        inside = False
        for line in c.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and line.strip():
                lines.add(line.strip())
    assert len(lines) >= 5
    return lines


def fixture_course(root, **grader_options):
    """A course of the fixture notebook in folder ``root``, released: ``(grader, notebooks folder,
    released notebook)``; ``grader_options`` go to :class:`grading.batch.pipeline.Grader`."""
    from grading.course import find_notebooks
    from grading.batch.pipeline import Grader

    notebooks = Path(root) / "notebooks"
    notebooks.mkdir()
    shutil.copyfile(fixture.FIXTURE_PATH, notebooks / f"{NAME}.ipynb")
    grader = Grader(Path(root) / "course", **grader_options)
    return grader, notebooks, grader.release(find_notebooks(notebooks))[NAME]


def solved(released):
    """The released notebook answered with the source's solutions (without their delimiters)."""
    nb, source = read_nb(released), read_nb(fixture.FIXTURE_PATH)
    for grade_id in ("relu", "softmax"):
        cell(nb, grade_id).source = "\n".join(
            line for line in cell(source, grade_id).source.splitlines() if "SOLUTION" not in line)
    return nb
