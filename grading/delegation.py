"""Delegation: an exercise answered with the workbook's own reference scores 0.

While a notebook is graded, its kernel imports ``helpers`` from a private copy
(:func:`private_helpers`, first on the kernel's ``PYTHONPATH``) in which the reference of each of
the notebook's exercises (the functions its test cells check, :func:`grading.check_calls.exercises`,
in the notebook's reference module or defined with the same name in another helpers module) is
guarded where it is defined: called from the notebook's code, it raises :data:`DELEGATION` with a clear
message instead of computing anything; called from inside ``helpers`` (a building block of an
earlier notebook that uses it, e.g. ``helpers.practice.train``), it works as before. Building
blocks the notebook imports on purpose (03 on ``helpers.deep``, 09 on
``helpers.practice.backward_propagation``) are other functions and are untouched.

A verdict whose message carries :data:`DELEGATION` is reported as a note (:func:`delegation_note`).
"""
import ast
import importlib
import shutil
from pathlib import Path

from .check_calls import helpers_used

#: The exception name, and marker, of a guarded reference called from a notebook.
DELEGATION = "DelegationError"

GUARD_MODULE = '''"""Added by grading (a private copy of helpers): the graded notebook's own exercises."""
import sys


class DelegationError(RuntimeError):
    pass


def guard(fn, exercise, notebook):
    def guarded(*args, **kwargs):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller == "helpers" or caller.startswith("helpers."):
            return fn(*args, **kwargs)
        raise DelegationError(
            f"{exercise} called the workbook's reference implementation {fn.__module__}.{fn.__name__}, "
            f"the answer of this very exercise ({notebook}): write your own code in the exercise cell.")

    guarded.__name__ = guarded.__qualname__ = fn.__name__
    guarded.__module__, guarded.__doc__ = fn.__module__, fn.__doc__
    return guarded
'''


def used_on_purpose(nb):
    """``{(helpers module, name)}`` the notebook's own (locked) cells use (see
    :func:`~grading.check_calls.helpers_used`). Never guarded outside the reference module."""
    return helpers_used(cell for cell in nb.cells if cell.get("metadata", {}).get("nbgrader", {}).get("locked"))


def reference_functions(checks_module, exercises, used=()):
    """``{(defining module, function name): exercise}``: the references of ``exercises``. The
    notebook's reference module (``helpers.X`` for ``helpers.checks.X``) provides the main one
    (found where it is defined, e.g. ``helpers.data`` for a function ``helpers.regularization``
    re-exports); a function of the same name defined in another helpers module (``helpers.deep``'s
    ``sigmoid`` for notebook 01's) is the same exercise too, unless the notebook uses it on purpose
    (``used``, see :func:`used_on_purpose`)."""
    import helpers  # the workbook's package (numpy and the references): only a guarded kernel needs it

    reference = checks_module.replace("helpers.checks.", "helpers.", 1)
    names = [reference] + sorted(
        f"helpers.{path.stem}" for path in Path(helpers.__file__).resolve().parent.glob("*.py")
        if not path.stem.startswith("_") and f"helpers.{path.stem}" != reference)
    found = {}
    for module_name in names:
        module = importlib.import_module(module_name)
        for name in exercises:
            fn = getattr(module, name, None)
            defined_in = getattr(fn, "__module__", "") or ""
            if module_name != reference and ((module_name, name) in used or defined_in != module_name):
                continue
            if callable(fn) and defined_in.startswith("helpers."):
                found.setdefault((defined_in, fn.__name__), name)
    return found


def private_helpers(dest, checks_module, exercises, notebook, used=()):
    """Write ``dest/helpers``: a copy of the workbook's helpers with ``exercises`` guarded.
    Returns ``dest`` (to put first on the kernel's ``PYTHONPATH``)."""
    import helpers  # the workbook's package (numpy and the references): only a guarded kernel needs it

    source = Path(helpers.__file__).resolve().parent
    target = Path(dest) / "helpers"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "_judge_guard.py").write_text(GUARD_MODULE)
    by_module = {}
    for (module, name), exercise in reference_functions(checks_module, exercises, used).items():
        by_module.setdefault(module, []).append((exercise, name))
    for module, names in by_module.items():
        path = target / (module.split(".", 1)[1].replace(".", "/") + ".py")
        lines = ["", "", "# --- added by grading: this notebook's exercises, guarded against delegation",
                 "from helpers._judge_guard import guard as _nnfs_guard  # noqa: E402"]
        lines += [f"{name} = _nnfs_guard({name}, {exercise!r}, {notebook!r})" for exercise, name in names]
        with open(path, "a") as handle:
            handle.write("\n".join(lines) + "\n")
    return Path(dest)


def delegation_note(student, notebook, grade_id, message):
    """The report's note for a test cell failed by delegation."""
    return (f"delegation: {student}, {notebook}, cell {grade_id}: the exercise called the workbook's "
            f"reference implementation ({message.split(': ', 1)[-1][:200]}); 0 points for it")
