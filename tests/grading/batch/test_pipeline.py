"""End-to-end tests of the grading tooling: nbgrader really runs (in-process).

Everything uses the fixture notebook ``tests/support/fixtures/grading/00_mini.ipynb``: relu
(test_relu, 2 points) and softmax (test_softmax, 3 points), with hidden tests. One
course is graded once per module (``graded``) and examined by several tests.
"""
import html
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from grading.batch.pipeline import Grader
from grading.cli.commands import main
from grading.cli.demo import run_demo
from grading.course import find_notebooks, find_submissions
from grading.gradebook.session import read_csv
from grading_fixture import fixture, NAME, TOTAL, read_nb, cell, hidden_code_lines

pytestmark = pytest.mark.slow


def with_unstable_softmax(nb):
    """The one typical mistake: softmax without subtracting the max (fails hidden test)."""
    softmax = cell(nb, "softmax")
    assert fixture.STABLE_SOFTMAX_LINE in softmax.source
    softmax.source = softmax.source.replace(fixture.STABLE_SOFTMAX_LINE, fixture.UNSTABLE_SOFTMAX_LINE)
    return nb


def html_text(path):
    """Visible text of an HTML file: tags removed, entities decoded."""
    raw = Path(path).read_text()
    raw = re.sub(r"<(script|style)\b.*?</\1>", "", raw, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def submit(submissions, student, nb=None, *, filename=f"{NAME}.ipynb", text=None):
    folder = submissions / student / NAME
    folder.mkdir(parents=True, exist_ok=True)
    if text is not None:
        (folder / filename).write_text(text)
    elif nb is not None:
        nbformat.write(nb, str(folder / filename))
    return folder


@pytest.fixture(scope="module")
def notebooks_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebooks")
    shutil.copyfile(fixture.FIXTURE_PATH, folder / f"{NAME}.ipynb")
    return folder


@pytest.fixture(scope="module")
def graded(tmp_path_factory, notebooks_dir):
    """Release the fixture, grade a batch of submissions, generate feedback, export."""
    root = tmp_path_factory.mktemp("graded")
    grader = Grader(root / "course")
    notebooks = find_notebooks(notebooks_dir)
    released = grader.release(notebooks)[NAME]
    source = fixture.FIXTURE_PATH

    subs = root / "submissions"
    submit(subs, "adam", text="{ this is not JSON")  # sorts first: must not stop the batch
    submit(subs, "alice", read_nb(source))
    submit(subs, "bob", read_nb(released))
    submit(subs, "carol", with_unstable_softmax(read_nb(source)))
    dave = with_unstable_softmax(read_nb(source))
    dave.cells.remove(cell(dave, "test_softmax"))  # deleting the failing test does not help
    submit(subs, "dave", dave)
    submit(subs, "mallory", read_nb(source), filename="Untitled.ipynb")

    results = grader.autograde_all(find_submissions(subs), notebooks)
    feedback = grader.feedback()
    csv_path, rows = grader.export()
    return {
        "opens": grader.gradebook.opens,
        "grader": grader,
        "released": released,
        "results": {r.student: r for r in results},
        "feedback": feedback,
        "csv": csv_path,
        "rows": rows,
    }


def scores_of(graded, student):
    return graded["grader"].gradebook.cell_scores(student, NAME)


def test_the_gradebook_opens_once_for_the_whole_batch(graded):
    """Six submissions merged (scores, runs, verdicts, nbgrader's SaveAutoGrades), feedback and export: nbgrader's
    gradebook opened once by the grading command (nbgrader's AssignLatePenalties still opens its own)."""
    assert graded["opens"] == 1


def test_release_removes_hidden_tests_and_solutions(graded):
    text = Path(graded["released"]).read_text()
    for marker in ["BEGIN HIDDEN TESTS", "END HIDDEN TESTS", *fixture.HIDDEN_MARKERS]:
        assert marker not in text
    for line in hidden_code_lines():
        assert line not in text
    assert "BEGIN SOLUTION" not in text
    assert fixture.STABLE_SOFTMAX_LINE.strip() not in text
    assert "np.maximum(0.0, x)" not in text
    nb = read_nb(graded["released"])
    assert "raise NotImplementedError()" in cell(nb, "relu").source
    # the visible tests are still there
    assert "relu([-1, 0, 2]) should be [0, 0, 2]" in cell(nb, "test_relu").source


def test_solution_gets_full_marks(graded):
    result = graded["results"]["alice"]
    assert result.graded and (result.score, result.max_score) == (TOTAL, TOTAL)
    assert scores_of(graded, "alice") == {"test_relu": (2.0, 2.0), "test_softmax": (3.0, 3.0)}


def test_blank_copy_gets_zero(graded):
    result = graded["results"]["bob"]
    assert result.graded and (result.score, result.max_score) == (0.0, TOTAL)


def test_one_mistake_loses_exactly_that_exercise(graded):
    assert scores_of(graded, "carol") == {"test_relu": (2.0, 2.0), "test_softmax": (0.0, 3.0)}
    assert graded["results"]["carol"].score == TOTAL - fixture.POINTS["test_softmax"]


def test_deleted_test_cell_is_put_back_and_graded(graded):
    assert scores_of(graded, "dave") == {"test_relu": (2.0, 2.0), "test_softmax": (0.0, 3.0)}
    nb = read_nb(graded["grader"].layout.autograded_notebook("dave", NAME))
    assert "was missing from the submission" in cell(nb, "test_softmax").source


def test_stderr_warning_does_not_zero_a_passing_test(graded):
    assert scores_of(graded, "alice")["test_relu"] == (2.0, 2.0)
    nb = read_nb(graded["grader"].layout.autograded_notebook("alice", NAME))
    outputs = cell(nb, "test_relu").outputs
    assert any("this warning is harmless" in o.get("text", "") for o in outputs)
    assert not any(o.output_type == "stream" and o.name == "stderr" for o in outputs)


def test_bad_submissions_are_reported_and_do_not_stop_the_batch(graded):
    results = graded["results"]
    assert set(results) == {"adam", "alice", "bob", "carol", "dave", "mallory"}
    assert "not a valid notebook" in results["adam"].status
    assert results["adam"].status.startswith("failed to process")
    assert f"no {NAME}.ipynb" in results["mallory"].status
    assert "Untitled.ipynb" in results["mallory"].status
    for student in ("adam", "mallory"):
        assert not results[student].graded and not results[student].infrastructure
        assert results[student].score == 0.0
    for student in ("alice", "bob", "carol", "dave"):
        assert results[student].graded


def test_feedback_never_shows_hidden_tests(graded):
    feedback = graded["feedback"]
    assert set(feedback) == {(s, NAME) for s in ("adam", "alice", "bob", "carol", "dave", "mallory")}
    # a submission that could not be graded gets a page with the reason
    adam = html_text(feedback[("adam", NAME)])
    assert "could not be graded" in adam and "is not a valid notebook" in adam
    hidden = hidden_code_lines()
    for path in feedback.values():
        text = html_text(path)
        assert "HIDDEN TESTS" not in text and "Traceback" not in text
        for line in hidden:
            assert line not in text, f"hidden test code {line!r} in {path}"
    carol = html_text(feedback[("carol", NAME)])
    # the failure message of the hidden test is shown, as 'ename: evalue'
    assert "AssertionError: softmax is not numerically stable" in carol
    assert "relu([-1, 0, 2]) should be [0, 0, 2]" in carol  # visible tests stay visible


def test_export_csv_has_a_row_per_student(graded):
    rows = {row["student_id"]: row for row in read_csv(graded["csv"])}
    expected = {"adam": 0, "alice": 5, "bob": 0, "carol": 2, "dave": 2, "mallory": 0}
    assert {s: float(rows[s]["score"]) for s in rows} == expected
    assert all(float(row["max_score"]) == TOTAL and row["assignment"] == NAME for row in rows.values())
    assert {(r.student, r.score) for r in graded["rows"]} == set(expected.items())


def test_autograde_feedback_export_cli(tmp_path, notebooks_dir, capsys):
    subs = tmp_path / "subs"
    submit(subs, "alice", with_unstable_softmax(read_nb(fixture.FIXTURE_PATH)))
    submit(subs, "zoe", text="not a notebook")
    course = tmp_path / "course"
    common = ["--course", str(course), "--notebooks-dir", str(notebooks_dir)]

    assert main(["autograde", str(subs), *common]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"alice\s+{NAME}\s+2 / 5\s+graded", out)
    assert re.search(rf"zoe\s+{NAME}\s+0 / 5\s+failed to process: {NAME}.ipynb is not a valid notebook", out)

    assert main(["feedback", "--course", str(course)]) == 0
    assert (course / "feedback" / "alice" / NAME / f"{NAME}.html").exists()
    assert main(["export", "--course", str(course)]) == 0
    out = capsys.readouterr().out
    assert (course / "grades.csv").exists()
    assert re.search(r"alice\s+2\s+2 / 5", out)

    # a new, broken version of a graded submission: 0 points, old results removed
    submit(subs, "alice", text="{}")
    assert main(["autograde", str(subs), *common]) == 0
    assert re.search(rf"alice\s+{NAME}\s+0 / 5\s+failed to process", capsys.readouterr().out)
    assert not (course / "feedback" / "alice" / NAME).exists()
    assert not (course / "autograded" / "alice" / NAME).exists()
    assert main(["export", "--course", str(course)]) == 0
    rows = {row["student_id"]: row for row in read_csv(course / "grades.csv")}
    assert float(rows["alice"]["score"]) == 0.0


def test_student_copies_never_overwrite(tmp_path, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copyfile(fixture.FIXTURE_PATH, notebooks / f"{NAME}.ipynb")
    dest = tmp_path / "student"
    args = ["student-copies", "--dest", str(dest), "--notebooks-dir", str(notebooks)]

    assert main(args) == 0
    copy = dest / f"{NAME}.ipynb"
    assert "BEGIN HIDDEN TESTS" not in copy.read_text()
    assert "added" in capsys.readouterr().out

    edited = read_nb(copy)
    cell(edited, "relu").source = "def relu(x):\n    return 'my own work'"
    nbformat.write(edited, str(copy))
    before = copy.read_bytes()
    shutil.copyfile(fixture.FIXTURE_PATH, notebooks / "02_more.ipynb")  # a new notebook

    assert main(args) == 0
    out = capsys.readouterr().out
    assert copy.read_bytes() == before
    assert "my own work" in copy.read_text()
    assert (dest / "02_more.ipynb").exists()
    assert "BEGIN SOLUTION" not in (dest / "02_more.ipynb").read_text()
    assert f"kept  {copy}" in out and f"added {dest / '02_more.ipynb'}" in out


def test_validate_reports_each_test(tmp_path, graded, capsys):
    assert main(["validate", str(fixture.FIXTURE_PATH)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"test_relu\s+passed", out) and re.search(r"test_softmax\s+passed", out)

    mine = tmp_path / f"{NAME}.ipynb"
    nb = read_nb(graded["released"])
    cell(nb, "relu").source = "def relu(x):\n    return np.maximum(0.0, x)"
    nbformat.write(nb, str(mine))
    assert main(["validate", str(mine)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"test_relu\s+passed", out)
    assert re.search(r"test_softmax\s+FAILED", out) and "NotImplementedError" in out


def test_demo_runs_the_whole_pipeline(tmp_path, notebooks_dir):
    lines = []
    mistakes = {NAME: [("softmax", fixture.STABLE_SOFTMAX_LINE, fixture.UNSTABLE_SOFTMAX_LINE)]}
    assert run_demo(notebooks_dir, tmp_path / "demo", out=lines.append, mistakes=mistakes) == 0
    out = "\n".join(lines)
    assert re.search(rf"alice\s+{NAME}\s+5 / 5\s+graded", out)
    assert re.search(rf"bob\s+{NAME}\s+0 / 5\s+graded", out)
    assert re.search(rf"carol\s+{NAME}\s+2 / 5\s+graded", out)
    assert (tmp_path / "demo" / "course" / "grades.csv").exists()
    assert len(list((tmp_path / "demo" / "course" / "feedback").glob("*/*/*.html"))) == 3


def test_jupyterlab_validate_button_checks_like_grading(tmp_path, monkeypatch):
    """JupyterLab's Validate button reads ./nbgrader_config.py of the folder JupyterLab runs
    in (make lab: the repository root). With the root file it passes a test cell that
    writes a warning to stderr, as grading does; nbgrader's defaults fail it."""
    import os

    from nbgrader.server_extensions.validate_assignment.handlers import ValidateAssignmentHandler
    from nbgrader.validator import Validator

    from grading.course import REPO_ROOT

    trait = Validator.class_traits()["preprocessors"]
    monkeypatch.setattr(trait, "default_value", trait.default_value)  # restored afterwards
    notebook = tmp_path / f"{NAME}.ipynb"
    shutil.copyfile(fixture.FIXTURE_PATH, notebook)

    monkeypatch.chdir(tmp_path)  # JupyterLab started elsewhere: nbgrader's defaults
    plain = ValidateAssignmentHandler.load_config(None)
    failed = Validator(config=plain).validate(str(notebook)).get("failed", [])
    assert any("this warning is harmless" in cell["source"] for cell in failed)

    monkeypatch.chdir(REPO_ROOT)  # what the handler does, in the folder make lab starts in
    config = ValidateAssignmentHandler.load_config(None)
    assert config.ExecutePreprocessor.timeout == 120
    assert set(config) - set(plain) == {"ExecutePreprocessor"}, "the root config must stay minimal"
    assert Validator(config=config).validate(str(notebook)) == {}
    assert os.getcwd() == str(REPO_ROOT)
