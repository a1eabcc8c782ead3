"""The demo class: its typical mistakes applied to the solutions, and its folder."""

import pytest

from grading.cli import demo
from grading.course import REPO_ROOT, CourseError, find_notebooks
from grading_fixture import fixture


def test_apply_mistakes_to_a_solution_cell():
    nb = fixture.build_notebook()
    demo.apply_mistakes(nb, [("softmax", fixture.STABLE_SOFTMAX_LINE, fixture.UNSTABLE_SOFTMAX_LINE)])
    softmax = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "softmax")
    assert fixture.UNSTABLE_SOFTMAX_LINE in softmax.source
    assert fixture.STABLE_SOFTMAX_LINE not in softmax.source


@pytest.mark.parametrize("mistake, message", [
    (("softmax", "no such text", "x"), "does not contain"),
    (("nonexistent", "a", "b"), "no cell with grade_id"),
    (("test_relu", "relu", "x"), "not a solution cell"),
])
def test_stale_mistakes_are_errors(mistake, message):
    with pytest.raises(demo.MistakeError, match=message):
        demo.apply_mistakes(fixture.build_notebook(), [mistake])


def test_demo_mistakes_table_matches_the_real_notebooks():
    """Every MISTAKES entry must still apply to notebooks/ (a stale table fails here)."""
    notebooks = find_notebooks(REPO_ROOT / "notebooks")
    for name, mistakes in demo.MISTAKES.items():
        if name in notebooks:
            demo.notebook_with_mistakes(notebooks[name], mistakes)
        else:
            assert not mistakes, f"MISTAKES has entries for {name}, which has no notebook"


def test_demo_without_notebooks_says_so(tmp_path):
    lines = []
    assert demo.run_demo(tmp_path / "empty", tmp_path / "demo", out=lines.append) == 0
    assert "nothing to demonstrate" in lines[0]
    assert not (tmp_path / "demo").exists()


def test_demo_refuses_to_wipe_a_foreign_folder(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / f"{fixture.FIXTURE_NAME}.ipynb").write_bytes(fixture.FIXTURE_PATH.read_bytes())
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(CourseError, match="not made by the demo"):
        demo.run_demo(tmp_path / "notebooks", tmp_path / "mine", out=lambda line: None)
    assert (tmp_path / "mine" / "thesis.tex").exists()
