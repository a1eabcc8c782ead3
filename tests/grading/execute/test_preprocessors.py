"""The preprocessors of a graded run and of feedback: stderr, hidden tests, what feedback shows."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from grading.execute.preprocessors import HideTestInternals, StderrToStdout, hidden_test_lines


def graded_cell(source, outputs, *, solution=False):
    meta = {"grade": True, "solution": solution, "locked": True, "schema_version": 3,
            "grade_id": "t", "points": 2}
    return new_code_cell(source, metadata={"nbgrader": meta}, outputs=outputs)


def run(preprocessor, nb):
    return preprocessor.preprocess(nb, {})[0]


SOURCE = (
    "assert f(1) == 1, 'f(1) should be 1'\n"
    "### BEGIN HIDDEN TESTS\n"
    "warnings.warn('secret')\n"
    "assert f(2) == 4, 'f is wrong for 2'\n"
    "### END HIDDEN TESTS"
)


def test_stderr_of_graded_cells_becomes_stdout():
    warning = new_output("stream", name="stderr", text="UserWarning: careful\n")
    plain = new_code_cell("x = 1", outputs=[new_output("stream", name="stderr", text="ungraded\n")])
    nb = run(StderrToStdout(), new_notebook(cells=[graded_cell("assert True", [warning]), plain]))
    assert nb.cells[0].outputs[0].name == "stdout"
    assert nb.cells[0].outputs[0].text == "UserWarning: careful\n"
    assert nb.cells[1].outputs[0].name == "stderr"  # only graded cells are touched


def test_hidden_test_lines():
    assert hidden_test_lines(SOURCE) == {"warnings.warn('secret')", "assert f(2) == 4, 'f is wrong for 2'"}


def test_feedback_shows_only_the_error_message_and_no_hidden_code():
    error = new_output("error", ename="AssertionError", evalue="f is wrong for 2",
                       traceback=["----", "AssertionError  Traceback", "----> 4 assert f(2) == 4, 'f is wrong for 2'"])
    stream = new_output("stream", name="stdout",
                        text="cell.py:3: UserWarning: secret\n  warnings.warn('secret')\n")
    nb = run(HideTestInternals(), new_notebook(cells=[graded_cell(SOURCE, [stream, error])]))
    stream, error = nb.cells[0].outputs
    assert error.traceback == ["AssertionError: f is wrong for 2"]
    assert stream.text == "cell.py:3: UserWarning: secret\n"
    assert "BEGIN HIDDEN TESTS" in nb.cells[0].source  # ClearHiddenTests removes it afterwards


def test_feedback_leaves_answer_cells_alone():
    error = new_output("error", ename="ValueError", evalue="bad", traceback=["line 1", "line 2"])
    nb = run(HideTestInternals(), new_notebook(cells=[graded_cell("def f(): ...", [error], solution=True)]))
    assert nb.cells[0].outputs[0].traceback == ["line 1", "line 2"]


def test_feedback_clears_the_hidden_tests_and_leaves_a_students_markers_alone():
    """An answer that quotes nbgrader's hidden-tests marker (unpaired, in a written answer or a comment) is the
    student's text: the feedback shows it as written instead of failing ("No end hidden tests statement
    found"); the test cells' hidden tests are still removed."""
    from grading.execute.preprocessors import ClearHiddenTestsOfTestCells

    test = nbformat.v4.new_code_cell("checks.check_relu(relu)\n### BEGIN HIDDEN TESTS\nchecks.check_relu(relu, "
                                     "shape=(9, 2))\n### END HIDDEN TESTS")
    test.metadata.nbgrader = {"grade": True, "solution": False, "grade_id": "test_relu", "points": 1}
    written = "Hidden tests start at `### BEGIN HIDDEN TESTS`, I read."
    answer = nbformat.v4.new_markdown_cell(written)
    answer.metadata.nbgrader = {"grade": True, "solution": True, "grade_id": "q1", "points": 1}
    code = nbformat.v4.new_code_cell("def relu(Z):\n    # ### BEGIN HIDDEN TESTS\n    return Z * (Z > 0)")
    code.metadata.nbgrader = {"grade": False, "solution": True, "grade_id": "relu"}
    nb = nbformat.v4.new_notebook(cells=[code, test, answer])
    nb, _ = ClearHiddenTestsOfTestCells().preprocess(nb, {})
    assert nb.cells[1].source == "checks.check_relu(relu)"
    assert nb.cells[2].source == written and "# ### BEGIN HIDDEN TESTS" in nb.cells[0].source
