"""Test-cell checks: `from helpers.checks import shallow as checks; checks.check_sigmoid(sigmoid)`.

Inside Jupyter, importing this package changes how two errors are displayed (they stay errors,
so nbgrader still scores the cell 0):
- an ExerciseFailure shows its message alone: a traceback into the checking code is noise for a
  student (and would reveal hidden tests);
- a NameError keeps its traceback and adds what to do: run the defining cell, or after a kernel
  restart, the notebook from the top;
- a KeyError on the notebook's `measured` dict (a cell that reads a result measured further up, run
  before it) keeps its traceback and says to run the cells above first.
"""
import textwrap

from .core import ExerciseFailure, Mistake, expect_array, expect_float, expect_keys, fail, passed

__all__ = ["ExerciseFailure", "Mistake", "expect_array", "expect_float", "expect_keys", "fail", "passed"]

RED, BOLD, RESET = "\x1b[0;31m", "\x1b[1m", "\x1b[0m"


def name_error_hint(error: NameError) -> str:
    """What a student should do about a NameError in a notebook."""
    name = getattr(error, "name", None)
    if not name:
        parts = str(error).split("'")
        name = parts[1] if len(parts) > 2 else "it"
    return (f"Hint: `{name}` is not defined in this kernel yet. Run the cell that defines it first. "
            f"Exercise cells must be run before their test cells; after a kernel restart, nothing is "
            f"defined any more: run the notebook from the top (Run > Run All Above, or Restart Kernel "
            f"and Run All Cells).")


def measured_hint(error: KeyError, tb) -> str:
    """What a student should do about a KeyError on the notebook's `measured` dict ('' for any other)."""
    if not error.args or tb is None:
        return ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    frame = tb.tb_frame
    measured = frame.f_locals.get("measured", frame.f_globals.get("measured"))
    key = error.args[0]
    if not isinstance(measured, dict) or key in measured:
        return ""
    return (f"Hint: measured[{key!r}] is not there yet: a cell further up in this notebook measures it, and it has "
            f"not run in this kernel. Run the cells above first (Run > Run All Above Selected Cell), then this one.")


#: The width a failure's lines are wrapped to: nbgrader's Validate dialog shows about 110 characters and
#: cuts longer lines off sideways (it does not wrap), and a notebook's output area is not much wider.
WIDTH = 100


def failure_line(name: str, message) -> str:
    """The line a failed check shows: `✘ ExerciseFailure: message` (ANSI colours), its long lines wrapped at
    WIDTH characters (a continuation keeps its line's indent); the grading judge writes the same line into the
    test cells it decides."""
    return f"{RED}{BOLD}\u2718 {name}{RESET}{RED}: {wrapped(str(message), WIDTH - len(name) - 4)}{RESET}"


def wrapped(message: str, first_width: int = WIDTH) -> str:
    """`message` with each line longer than its width broken between words; the first line is
    `first_width` wide (it follows the error's name), the others WIDTH."""
    lines = []
    for number, line in enumerate(message.splitlines() or [""]):
        indent = " " * (len(line) - len(line.lstrip()))
        width = first_width if number == 0 else WIDTH
        lines += textwrap.wrap(line, width, subsequent_indent=indent + "  ", break_long_words=False,
                               break_on_hyphens=False, drop_whitespace=True) or [line]
    return "\n".join(lines)


def structured_traceback(shell, etype, value, tb, tb_offset=None) -> list[str]:
    """The lines shown for an ExerciseFailure, a NameError or a KeyError (ANSI colours, as IPython's own)."""
    if issubclass(etype, ExerciseFailure):
        return [failure_line(etype.__name__, value)]
    traceback = list(shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset))
    hint = measured_hint(value, tb) if issubclass(etype, KeyError) else name_error_hint(value)
    return traceback + ([f"{BOLD}{hint}{RESET}"] if hint else [])


def _show_failure(shell, etype, value, tb, tb_offset=None):
    # IPython ignores what a custom handler returns: the handler must display the error itself.
    # _showtraceback sends the `error` output in a kernel (and records it for the execute reply,
    # which nbgrader reads), and prints it in a terminal.
    shell._showtraceback(etype, value, structured_traceback(shell, etype, value, tb, tb_offset))


def load_ipython_extension(shell) -> None:
    """`%load_ext helpers.checks`, or loaded at every kernel start by the environment's
    etc/ipython/ipython_kernel_config.py (written by `make`) or ipython_kernel_config.json (installed by
    the student edition's wheel, docs/student-image.md): then even a kernel that was just restarted,
    where nothing is defined yet, answers a NameError with what to do."""
    shell.set_custom_exc((ExerciseFailure, NameError, KeyError), _show_failure)


def _install_ipython_display() -> None:
    try:
        from IPython import get_ipython
    except ImportError:            # plain Python: ordinary tracebacks
        return
    shell = get_ipython()
    if shell is not None:
        load_ipython_extension(shell)


_install_ipython_display()
