"""Release: the student versions of the real notebooks compile."""

import nbformat
import pytest

from grading.course import REPO_ROOT, find_notebooks
from grading_fixture import fixture


def _student_version(path):
    """What generate_assignment does to the code: solutions stubbed, hidden tests removed."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    nb = nbformat.read(str(path), as_version=4)
    for preprocessor in (ClearSolutions(), ClearHiddenTests()):
        nb, _ = preprocessor.preprocess(nb, {})
    return nb


@pytest.mark.parametrize(
    "path", [fixture.FIXTURE_PATH, *find_notebooks(REPO_ROOT / "notebooks").values()],
    ids=lambda path: path.stem,
)
def test_student_version_compiles(path):
    """A blank student version must run into NotImplementedError, not a SyntaxError:
    code after an END SOLUTION marker has to be valid once the solution is stubbed."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    transform = TransformerManager().transform_cell
    problems = []
    for cell in _student_version(path).cells:
        if cell.cell_type != "code":
            continue
        try:
            ast.parse(transform(cell.source))
        except SyntaxError as exc:
            name = cell.metadata.get("nbgrader", {}).get("grade_id", cell.get("id", "?"))
            problems.append(f"cell {name}: {exc.msg} (line {exc.lineno})")
    assert not problems, f"student version of {path.name} does not compile: {problems}"
