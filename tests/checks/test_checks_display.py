"""How failures look in Jupyter: an ExerciseFailure as its message alone, a NameError with advice."""
import sys

import pytest
from IPython.testing.globalipapp import start_ipython

from helpers.checks import ExerciseFailure, name_error_hint, structured_traceback


@pytest.fixture(scope="module")
def shell():
    return start_ipython()


def _structured(shell, code):
    try:
        exec(code, {})
    except Exception:
        etype, value, tb = sys.exc_info()
        return etype, "\n".join(structured_traceback(shell, etype, value, tb))
    raise AssertionError("no error raised")


def test_exercise_failure_shows_the_message_without_traceback(shell):
    etype, text = _structured(shell, "from helpers.checks import fail\nfail('dW1 is m = 5 times too large')")
    assert etype is ExerciseFailure
    assert "dW1 is m = 5 times too large" in text
    assert "Traceback" not in text and "core.py" not in text


def test_name_error_keeps_the_traceback_and_says_what_to_do(shell):
    etype, text = _structured(shell, "checks.check_sigmoid(sigmoid)")
    assert etype is NameError
    assert "NameError" in text and "Run the cell that defines it first" in text
    assert "`checks`" in text and "from the top" in text


def test_a_result_read_before_it_is_measured_says_to_run_the_cells_above(shell):
    etype, text = _structured(shell, "measured = {'sweep': 1}\nbest = measured['test']")
    assert etype is KeyError and "KeyError" in text
    assert "measured['test'] is not there yet" in text and "Run the cells above first" in text
    etype, text = _structured(shell, "grades = {}\ngrades['alice']")        # any other KeyError: as usual
    assert etype is KeyError and "Hint" not in text


def test_handler_is_installed_in_ipython(shell):
    # (the package was imported before this shell existed, so install as its import would)
    shell.run_cell("import helpers.checks; helpers.checks._install_ipython_display()")
    assert {ExerciseFailure, NameError, KeyError} <= set(shell.custom_exceptions)
    result = shell.run_cell("undefined_thing + 1")
    assert isinstance(result.error_in_exec, NameError)      # still an error: nbgrader scores it 0


def test_a_real_kernel_shows_both_errors_and_reports_them():
    """In ipykernel the error must reach the front end (an `error` output) and the reply."""
    import nbformat
    from nbclient import NotebookClient
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in (
        "import helpers.checks\nfrom helpers.checks import fail",
        "undefined_name + 1",
        "fail('dW1 is m = 5 times too large')")])
    NotebookClient(notebook, kernel_name="python3", allow_errors=True, timeout=60).execute()
    name_error, failure = notebook.cells[1].outputs, notebook.cells[2].outputs
    assert [o.output_type for o in name_error] == ["error"] and name_error[0].ename == "NameError"
    assert "Run the cell that defines it first" in "\n".join(name_error[0].traceback)
    assert [o.output_type for o in failure] == ["error"] and failure[0].ename == "ExerciseFailure"
    assert "dW1 is m = 5 times too large" in "\n".join(failure[0].traceback)
    assert not any("site-packages" in line or "core.py" in line for line in failure[0].traceback)


def test_a_restarted_kernel_gives_the_hint_before_anything_is_imported():
    """`make` configures every kernel of the virtual environment to load helpers.checks, so the
    first cell run after a restart (here: a test cell, with nothing defined) says what to do."""
    import sys
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient
    config = Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"
    if not config.exists():
        pytest.skip(f"{config} is written by `make` (make test / make lab); this environment was set up otherwise")
    assert "helpers.checks" in config.read_text()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("checks.check_sigmoid(sigmoid)")])
    NotebookClient(notebook, kernel_name="python3", allow_errors=True, timeout=60).execute()
    (error,) = notebook.cells[0].outputs
    assert error.ename == "NameError"
    assert "after a kernel restart" in "\n".join(error.traceback)


def test_hint_names_the_missing_variable():
    assert "`sigmoid`" in name_error_hint(NameError("name 'sigmoid' is not defined"))
