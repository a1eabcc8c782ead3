"""Test-cell checks: `from helpers.checks import shallow as checks; checks.check_sigmoid(sigmoid)`.

Inside Jupyter, importing this package makes an ExerciseFailure display as its message alone
(no traceback into the checking code, which is noise for a student and would reveal hidden tests);
it is still an error, so nbgrader scores the cell 0.
"""
from .core import ExerciseFailure, Mistake, expect_array, expect_float, expect_keys, fail, passed

__all__ = ["ExerciseFailure", "Mistake", "expect_array", "expect_float", "expect_keys", "fail", "passed"]


def _show_failure_briefly(shell, etype, value, tb, tb_offset=None):
    red, bold, reset = "\x1b[0;31m", "\x1b[1m", "\x1b[0m"
    return [f"{red}{bold}\u2718 {etype.__name__}{reset}{red}: {value}{reset}"]


def _install_ipython_display() -> None:
    try:
        from IPython import get_ipython
    except ImportError:            # plain Python: ordinary tracebacks
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((ExerciseFailure,), _show_failure_briefly)


_install_ipython_display()
