"""How failures look in Jupyter: an ExerciseFailure as its message alone, a NameError with advice."""
import sys

import pytest
from IPython.testing.globalipapp import start_ipython

from helpers.checks import ExerciseFailure, _show_failure, name_error_hint


@pytest.fixture(scope="module")
def shell():
    return start_ipython()


def _structured(shell, code):
    try:
        exec(code, {})
    except Exception:
        etype, value, tb = sys.exc_info()
        return etype, "\n".join(_show_failure(shell, etype, value, tb))
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


def test_handler_is_installed_in_ipython(shell):
    # (the package was imported before this shell existed, so install as its import would)
    shell.run_cell("import helpers.checks; helpers.checks._install_ipython_display()")
    assert ExerciseFailure in shell.custom_exceptions and NameError in shell.custom_exceptions
    result = shell.run_cell("undefined_thing + 1")
    assert isinstance(result.error_in_exec, NameError)      # still an error: nbgrader scores it 0


def test_hint_names_the_missing_variable():
    assert "`sigmoid`" in name_error_hint(NameError("name 'sigmoid' is not defined"))
