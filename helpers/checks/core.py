"""The machinery of the test cells: compare a student's answer with the expected one and, when
it is wrong, say which variable is wrong and the most likely mistake.

A check raises `ExerciseFailure` (an AssertionError, so nbgrader scores the cell 0) with a
message meant for a student: what was expected, what came back, and a hint. Hints come from
two places, most specific first:
  1. named mistakes of the exercise: (hint, wrong_value) pairs computed with the typical bug
     (the checks of each notebook build these);
  2. generic diagnoses: transposed, 1-D instead of a column, summed over the wrong axis,
     sign flipped, m times too large or too small, all zeros, NaN.
"""
from __future__ import annotations

import copy
import functools
import io
import numbers
import warnings
from contextlib import contextmanager, nullcontext, redirect_stderr, redirect_stdout
from dataclasses import dataclass

import numpy as np


class ExerciseFailure(AssertionError):
    """A test of an exercise failed; the message says what is wrong and how to fix it.

    `mistake` is the stable identifier of the named mistake recognised (see `Mistake.id`), or
    '' when none was; `relative_error` is |actual - expected| / (|actual| + |expected|) when a
    value of the right shape was wrong. Grading records both, so that an instructor's report can
    count mistakes and show how far answers were, without parsing messages.
    """

    def __init__(self, message: str, mistake: str = "", relative_error: float | None = None):
        super().__init__(message)
        self.mistake = mistake
        self.relative_error = relative_error


def relative_error(actual, expected) -> float:
    """|actual - expected| / (|actual| + |expected|) (Frobenius norms); 0 when both are 0."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    denominator = np.linalg.norm(actual) + np.linalg.norm(expected)
    if not np.isfinite(denominator):
        return float("inf")
    return float(np.linalg.norm(actual - expected) / denominator) if denominator else 0.0


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: `hint` is shown when the student's value equals `value`.

    `id`: the mistake's identifier, written by hand ("exercise.what-went-wrong"): grading records it and the
    class report counts it, so it stays when the hint's wording changes.
    """
    hint: str
    value: object
    id: str


def fail(message: str, mistake: str = "", relative_error: float | None = None):
    raise ExerciseFailure(message, mistake, relative_error)


def passed(what: str) -> None:
    """Print the success line of a test cell."""
    print(f"\u2714 {what}: all tests passed.")


def student_call(fn, name: str, *args, **kwargs):
    """Call the student's function, turning the usual crashes into a hint."""
    if not callable(fn):
        fail(f"{name} is not a function (got {type(fn).__name__}). Run the cell that defines it first.")
    module = getattr(fn, "__module__", "") or ""
    if module.startswith("helpers."):
        fail(f"{name} is the reference implementation from {module}: write your own in the exercise cell.")
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        fail(f"{name} is not implemented yet: replace `raise NotImplementedError()` with your code.")
    except ExerciseFailure:
        raise
    except TypeError as exc:
        text = str(exc)
        hint = ""
        if "only length-1 arrays" in text or "only 0-dimensional" in text or "must be real number" in text:
            hint = " Did you use math.exp / math.log? Use np.exp / np.log, which work on whole arrays."
        elif "unexpected keyword argument" in text or "positional argument" in text:
            hint = " Keep the function's signature exactly as given in the exercise."
        fail(f"{name} raised TypeError: {text}.{hint}")
    except ValueError as exc:
        text = str(exc)
        hint = ""
        if "matmul" in text or "shapes" in text or "broadcast" in text:
            hint = (" A shape mismatch: write the shape of every matrix next to your formula "
                    "(examples are columns, W is (n[l], n[l-1])) and check where a transpose is missing or extra.")
        fail(f"{name} raised ValueError: {text}.{hint}")
    except (KeyError, IndexError, AttributeError, NameError, ZeroDivisionError) as exc:
        fail(f"{name} raised {type(exc).__name__}: {exc}.")


@contextmanager
def names_replaced(fn, replacements: dict):
    """While the block runs, each name of `replacements` that fn's module (the notebook) defines
    means the replacement there; names the notebook does not define are left alone.

    The one way checks substitute building blocks (grading a composed exercise with the reference
    blocks, recording the calls it makes): it goes through `fn.__globals__` only, so that a
    stand-in for a function living in another process can offer the same mapping.
    """
    namespace = getattr(fn, "__globals__", None)
    saved = {}
    if namespace is not None:
        for name, replacement in replacements.items():
            if name in namespace:
                saved[name] = namespace[name]
                namespace[name] = replacement
    try:
        yield
    finally:
        for name, original in saved.items():
            namespace[name] = original


class HintAbandoned(Exception):
    """The pass that only looks for a hint ran out of its time (see hint_pass): the verdict stands, without it."""


#: The context of graded_on_its_own's second pass, which only adds a hint: the grader's judge gives it a time
#: budget of its own (a slow building block must not cost a composed exercise its points) and raises
#: HintAbandoned when it runs out; elsewhere, nothing.
hint_pass = nullcontext


def graded_on_its_own(fn, name: str, blocks: dict, run) -> None:
    """Grade a composed exercise on its own, then say whether the student's own blocks break it.

    fn: the student's composed function (nn_model, L_model_forward, ...); blocks: {name of a
    building block that fn calls: its reference}, in the order of the notebook's exercises;
    run(): the exercise's comparisons, raising ExerciseFailure when fn is wrong.

    The grade depends on fn alone: run() goes with the reference blocks in place of the
    student's (names_replaced). When it passes, run() goes once more with the student's own
    blocks, silently; if that fails, the success line is followed by a note naming the building
    block to fix first: the first (in the notebook's order, so list the blocks that other blocks
    call first) whose reference alone repairs the composition, else the first that breaks it
    alone. The note goes to stdout: a test cell that writes to stderr scores 0 in nbgrader. The second pass
    runs within hint_pass(): when the grader's judge abandons it (HintAbandoned), the verdict stands, no note.
    """
    with names_replaced(fn, blocks):
        run()
    passed(name)
    try:
        with hint_pass():
            culprit = _breaking_block(fn, run, blocks)
    except HintAbandoned:
        return
    if culprit is not False:
        because = (f"because of your `{culprit}`: fix `{culprit}` first (its own test cell says what is wrong)"
                   if culprit else "because of your building blocks " + ", ".join(f"`{b}`" for b in blocks)
                   + " together: run their test cells again")
        print(f"  Note: {name} itself is right (it is graded with the reference building blocks). With your own "
              f"building blocks it fails, {because}.")


def _breaking_block(fn, run, blocks):
    """False when fn composes right with the student's own blocks; else the block to fix first (None: several
    together), as graded_on_its_own says."""
    if not _composition_fails(fn, run, {}):
        return False
    return (next((block for block in blocks if not _composition_fails(fn, run, {block: blocks[block]})), None)
            or next((block for block in blocks
                     if _composition_fails(fn, run, {b: r for b, r in blocks.items() if b != block})), None))


def composed_of(**blocks):
    """Decorator of the check of a composed exercise: `check_X(X, ...)` is graded on its own, with the
    reference `blocks` ({name: reference}) in place of the student's (see graded_on_its_own); the
    decorated check raises on a wrong answer and leaves the success line to graded_on_its_own."""
    def decorate(check):
        name = check.__name__.removeprefix("check_")

        @functools.wraps(check)
        def graded(fn, *args, **kwargs):
            graded_on_its_own(fn, name, blocks, lambda: check(fn, *args, **kwargs))
        return graded
    return decorate


def _composition_fails(fn, run, replacements: dict) -> bool:
    """True when run() fails with `replacements` in fn's module (and the student's other blocks);
    what it prints or warns is swallowed."""
    with warnings.catch_warnings(), np.errstate(all="ignore"), names_replaced(fn, replacements), \
            redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            run()
        except Exception:  # noqa: BLE001 - any failure of the student's blocks counts
            return True
    return False


def global_names(fn) -> set:
    """Every global name fn's code (and the functions defined inside it) refers to.

    A stand-in for a function that lives in another process (grading's judge) has no code here:
    it answers with its own `global_names()`.
    """
    if hasattr(fn, "global_names"):
        return set(fn.global_names())
    code = getattr(fn, "__code__", None)
    names, todo = set(), [code] if code is not None else []
    while todo:
        current = todo.pop()
        names.update(current.co_names)
        todo.extend(constant for constant in current.co_consts if isinstance(constant, type(current)))
    return names


def copy_inputs(value):
    """A deep copy of the arrays inside tuples / lists / dicts, so that a student's function cannot
    change the check's own data (an in-place `+=` on a cache, say). A random generator is copied
    too, state and all: every copy draws the same numbers."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.random.Generator):
        return copy.deepcopy(value)
    if isinstance(value, tuple):
        return tuple(copy_inputs(v) for v in value)
    if isinstance(value, list):
        return [copy_inputs(v) for v in value]
    if isinstance(value, dict):
        return {k: copy_inputs(v) for k, v in value.items()}
    return value


def same_array(actual, expected, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """True when `actual` is an array of expected's shape and close values (bool arrays included)."""
    return (isinstance(actual, np.ndarray) and actual.shape == np.shape(expected)
            and np.allclose(actual.astype(np.float64), np.asarray(expected, dtype=np.float64), rtol=rtol, atol=atol))


def expect_float(name: str, actual, expected: float, *, mistakes=(), m: int | None = None,
                 rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """`actual` must be a Python/numpy scalar float close to `expected`."""
    if isinstance(actual, np.ndarray):
        if actual.size == 1:
            fail(f"{name} must be a Python float, got a numpy array of shape {actual.shape}. "
                 f"Convert it with float(...) (np.squeeze keeps an array).")
        fail(f"{name} must be a single number (a float), got an array of shape {actual.shape}. "
             f"Did you forget to sum over the examples?")
    if isinstance(actual, bool) or not isinstance(actual, numbers.Real):
        fail(f"{name} must be a float, got {type(actual).__name__}.")
    actual = float(actual)
    if np.isclose(actual, expected, rtol=rtol, atol=atol):
        return
    named = _named_mistake(actual, mistakes, rtol, atol)
    hint, key = (named.hint, named.id) if named else _value_hint(np.array(actual), np.array(expected), m)
    fail(f"{name} = {actual:.8g}, expected {expected:.8g}." + (f" {hint}" if hint else ""),
         key, relative_error(actual, expected))


def expect_array(name: str, actual, expected, *, mistakes=(), m: int | None = None,
                 rtol: float = 1e-6, atol: float = 1e-9, what: str = "") -> None:
    """`actual` must be a numpy array of expected's shape with values close to expected's.

    m: the number of examples in the test, to recognise "m times too large".
    what: the layout reminder shown with shape errors, e.g. "(n_h, n_x)".
    """
    expected = np.asarray(expected)
    layout = f" {what}" if what else ""
    if not isinstance(actual, np.ndarray):
        fail(f"{name} must be a numpy array of shape {expected.shape}{layout}, got {type(actual).__name__}.")
    if actual.shape != expected.shape:
        named = _shape_mistake(actual, expected, mistakes)
        hint, key = (named.hint, named.id) if named else _shape_hint(actual, expected)
        fail(f"{name} has shape {actual.shape}, expected {expected.shape}{layout}." + (f" {hint}" if hint else ""),
             key)
    if not np.issubdtype(actual.dtype, np.number) and actual.dtype != bool:
        fail(f"{name} must hold numbers, got dtype {actual.dtype}.")
    if np.allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=False):
        return
    named = _named_mistake(actual, mistakes, rtol, atol)
    hint, key = (named.hint, named.id) if named else _value_hint(actual, expected, m)
    what_is_wrong = ("became NaN or infinite" if named and not np.all(np.isfinite(actual))
                     else f"has the right shape {expected.shape} but wrong values")
    fail(f"{name} {what_is_wrong}." + (f" {hint}" if hint else "")
         + f"\n  expected (first values): {_preview(expected)}\n  got      (first values): {_preview(actual)}",
         key, relative_error(actual, expected))


def expect_keys(name: str, actual, keys) -> None:
    """`actual` must be a dict holding (at least) `keys`."""
    if not isinstance(actual, dict):
        fail(f"{name} must be a dict with keys {list(keys)}, got {type(actual).__name__}.")
    missing = [key for key in keys if key not in actual]
    if missing:
        fail(f"{name} is missing the key(s) {missing}; it has {sorted(actual)}.")


def expect_tuple(name: str, actual, length: int, description: str) -> tuple:
    """`actual` must be a tuple (or list) of `length` items, e.g. (A2, cache)."""
    if not isinstance(actual, (tuple, list)) or len(actual) != length:
        got = f"a {type(actual).__name__}" + (f" of length {len(actual)}" if isinstance(actual, (tuple, list)) else "")
        fail(f"{name} must return {description}, got {got}.")
    return tuple(actual)


def _named_mistake(actual, mistakes, rtol, atol) -> Mistake | None:
    for mistake in mistakes:
        wrong = np.asarray(mistake.value)
        if wrong.shape == np.shape(actual) and np.allclose(actual, wrong, rtol=rtol, atol=atol, equal_nan=True):
            return mistake
    return None


def _shape_mistake(actual: np.ndarray, expected: np.ndarray, mistakes) -> Mistake | None:
    for mistake in mistakes:
        if np.shape(mistake.value) == actual.shape and np.shape(mistake.value) != expected.shape:
            if np.allclose(actual, mistake.value, rtol=1e-6, atol=1e-9, equal_nan=True):
                return mistake
    return None


# The generic diagnoses carry identifiers too ("diagnosis.<name>"), so that the class report counts
# "m times too large" as it counts a named mistake (it groups them by exercise).

def _shape_hint(actual: np.ndarray, expected: np.ndarray) -> tuple[str, str]:
    """(hint, identifier) of a wrong shape; ("", "") when no diagnosis fits."""
    if actual.shape == expected.shape[::-1]:
        return "It looks transposed: check the order of the factors and where a .T belongs.", "diagnosis.transposed"
    if actual.ndim == 1 and expected.ndim == 2 and actual.size == expected.size:
        return ("You returned a 1-D array: keep it 2-D (keepdims=True in np.sum, or reshape to a column/row).",
                "diagnosis.one-dimensional")
    if expected.ndim == 2 and expected.shape[1] == 1 and actual.ndim == 2 and actual.shape[0] == 1:
        return ("Summed over the wrong axis? Examples are columns: sum over axis=1 "
                "(np.sum(..., axis=1, keepdims=True)).", "diagnosis.summed-wrong-axis")
    if actual.ndim == 2 and expected.ndim == 2 and actual.shape[0] == expected.shape[0]:
        return ("The number of columns is wrong: check the transposes in your matrix products.",
                "diagnosis.wrong-number-of-columns")
    return "", ""


def _value_hint(actual: np.ndarray, expected: np.ndarray, m: int | None) -> tuple[str, str]:
    """(hint, identifier) of wrong values of the right shape; ("", "") when no diagnosis fits."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if not np.all(np.isfinite(actual)):
        return ("It contains NaN or infinity: look for log(0), a division by zero, or an overflow in exp.",
                "diagnosis.not-finite")
    if np.allclose(actual, 0) and not np.allclose(expected, 0):
        return ("It is all zeros: did you return the initial value, or multiply by zero somewhere?",
                "diagnosis.all-zeros")
    if np.allclose(actual, -expected, rtol=1e-6, atol=1e-9):
        return "It has the opposite sign: check the sign of your formula.", "diagnosis.opposite-sign"
    nonzero = np.abs(expected) > 1e-12
    if nonzero.any():
        ratios = actual[nonzero] / expected[nonzero]
        ratio = ratios.flat[0]
        if np.allclose(ratios, ratio, rtol=1e-6) and np.allclose(actual[~nonzero], 0, atol=1e-9):
            return _factor_hint(ratio, m)
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and np.allclose(actual, expected.T):
        return "It is the transpose of the expected value.", "diagnosis.transposed"
    return "", ""


def _factor_hint(ratio: float, m: int | None) -> tuple[str, str]:
    """(hint, identifier) of a value that is `ratio` times the expected one."""
    if m and np.isclose(ratio, m):
        return f"It is m = {m} times too large: did you forget the 1/m?", "diagnosis.m-times-too-large"
    if m and np.isclose(ratio, 1 / m):
        return f"It is m = {m} times too small: did you divide by m twice?", "diagnosis.m-times-too-small"
    if m and np.isclose(ratio, -m):
        return (f"It is -m = {-m} times the expected value: check the sign and the 1/m.",
                "diagnosis.minus-m-times")
    return f"It is {ratio:.6g} times the expected value: a constant factor is wrong.", "diagnosis.constant-factor"


def _preview(array, count: int = 4) -> str:
    flat = np.asarray(array, dtype=np.float64).reshape(-1)
    text = np.array2string(flat[:count], precision=6, separator=", ")
    return text[:-1] + ", ...]" if flat.size > count else text
