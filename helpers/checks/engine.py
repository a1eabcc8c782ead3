"""One engine for the exercises' checks: an exercise is described as data, and its check is made from it.

An `Exercise` holds what differs from one exercise to the next:

    name        the student's function, e.g. "compute_cost"
    reference   the right answer (helpers' reference implementation)
    inputs      case -> Inputs(args, m): fresh arguments for one test case, made from sizes and a seed
    case        the visible test's keyword arguments (sizes, seed); hidden tests pass others
    returns     what the result must look like (`value`, `a_float`, `a_dict(...)`, `a_tuple(...)`)
    outputs     the values compared, each an `Out` with its place in the result and its layout
    mistakes    the named mistakes, each a `Wrong`: a wrong answer with the exercise's signature
    unmodified  the positions of the arguments the function must leave unchanged
    blocks      for a composed exercise: {building block: reference}, graded on its own (core.composed_of)
    extra       an escape hatch for what a table cannot say: extra(fn, result, inputs) raises ExerciseFailure
    per_case    case -> {field: value}: the fields that depend on the case (outputs, returns), e.g. one
                output per layer of case['layer_dims'], or labels that name the case's activation

`check(exercise)` makes the test-cell function `check_<name>(fn, **case)`. It calls the student's
function on fresh inputs, checks the structure of the result, then compares each output with the
reference's; where they differ, the hint is the named mistake whose wrong answer gives the
student's value at that output (a mistake that changes several outputs is named at the first that
differs; of two that give that value, the one agreeing with the student's answer at more outputs),
else a generic diagnosis (core.expect_array: transposed, m times too large, ...).
`check(exercise, vary=(key, values))` runs the exercise once per value of case[key] (e.g. once per
activation); a check that must do more (a check before the comparisons) calls `run` itself.

A mistake is a whole wrong answer, not a value: so a test can feed every named mistake in as a
student's answer and see its own hint come back (tests/checks/test_exercises.py), and the hint stays true
at every size the hidden tests use. Write it as the reference with one piece swapped, e.g.
`Wrong("missing-1/m", "dW is m times too large: ...", lambda dZ, cache: ...)`.

The hidden tests' cases are not in the table: they live in the notebooks' hidden test cells only
(the student version strips them, and students can read this package), and the tests read them
from there.
"""
from __future__ import annotations

import functools
import io
import warnings
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from .core import (ExerciseFailure, Mistake, copy_inputs, expect_array, expect_float, expect_keys, expect_tuple,
                   fail, graded_on_its_own, passed, student_call)


@dataclass(frozen=True)
class Inputs:
    """The arguments of one test case; m: the number of examples (for "m times too large")."""
    args: tuple
    m: int | None = None


@dataclass(frozen=True)
class Out:
    """One compared value. path: its place in the result, e.g. ("dW1",) in a dict, (1, "Z1") for
    cache['Z1'] in a tuple (A2, cache), () for the result itself; label: its name for the student;
    layout: the shape reminder shown with a wrong shape, e.g. "(n_h, n_x), like W1"."""
    label: str
    path: tuple = ()
    layout: str = ""
    scalar: bool = False
    per_example: bool = False       # an average over the examples: "m times too large" can apply
    rtol: float = 1e-6
    atol: float = 1e-9


@dataclass(frozen=True)
class Wrong:
    """A named mistake: `answer` makes the same mistake a student would, with the exercise's
    signature. id: "<short-name>" (the exercise's name is put in front) or a full "<exercise>.<name>".
    In the hint, `{key}` is replaced by the last step of the output's path (e.g. "dW1") and `{l}` by
    that key's layer number (e.g. "1")."""
    id: str
    hint: str
    answer: Callable


@dataclass(frozen=True)
class Exercise:
    name: str
    reference: Callable
    inputs: Callable[..., Inputs]
    case: dict
    outputs: tuple
    returns: Callable = None
    mistakes: tuple = ()
    unmodified: tuple = ()
    blocks: dict = field(default_factory=dict)
    extra: Callable | None = None
    per_case: Callable[..., dict] | None = None

    def mistake_id(self, wrong: Wrong) -> str:
        return wrong.id if "." in wrong.id.split("-")[0] else f"{self.name}.{wrong.id}"


# --- what a result must look like ----------------------------------------------------------------

def value(name, result):
    """Any value: the outputs' comparisons say what is wrong."""


def a_float(name, result):
    """A single number; expect_float says how it is wrong."""


@dataclass(frozen=True)
class ADict:
    """A dict holding `keys` (a value, not a closure: the student edition stores it as data)."""
    label: str
    keys: tuple

    def __call__(self, name, result):
        expect_keys(self.label, result, self.keys)


@dataclass(frozen=True)
class ATuple:
    """A tuple of len(items) values, each checked by its item."""
    description: str
    items: tuple

    def __call__(self, name, result):
        for item, part in zip(self.items, expect_tuple(name, result, len(self.items), f"a tuple {self.description}")):
            item(name, part)


def a_dict(label: str, keys) -> ADict:
    """A dict holding `keys`."""
    return ADict(label, tuple(keys))


def a_tuple(description: str, *items) -> ATuple:
    """A tuple of len(items) values, e.g. a_tuple("(A2, cache)", value, a_dict("cache", KEYS))."""
    return ATuple(description, items)


# --- the engine ------------------------------------------------------------------------------------

def reach(result, path: tuple):
    """The value at `path` in a result of tuples and dicts."""
    for step in path:
        result = result[step]
    return result


def wrong_results(exercise: Exercise, inputs: Inputs) -> list:
    """[(mistake, its result on these inputs)] for the mistakes that run on them."""
    results = []
    for wrong in exercise.mistakes:
        with warnings.catch_warnings(), np.errstate(all="ignore"), \
                redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            try:
                results.append((wrong, wrong.answer(*copy_inputs(inputs.args))))
            except Exception:  # noqa: BLE001 - a variant that cannot run on these inputs names nothing
                continue
    return results


def differing(out: Out, result, expected):
    """The value at `out` of a mistake's result when it differs from the right one (NaN equals NaN), else None."""
    try:
        wrong_value = reach(result, out.path)
        if np.shape(wrong_value) == np.shape(expected) and np.allclose(
                np.asarray(wrong_value, dtype=np.float64), np.asarray(expected, dtype=np.float64),
                rtol=out.rtol, atol=out.atol, equal_nan=True):
            return None
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return wrong_value


def agreement(outputs, wrong_result, result) -> int:
    """At how many of `outputs` a mistake's result has the student's values."""
    count = 0
    for out in outputs:
        try:
            wrong, given = (np.asarray(reach(r, out.path), dtype=np.float64) for r in (wrong_result, result))
        except (KeyError, IndexError, TypeError, ValueError):
            continue
        count += wrong.shape == given.shape and np.allclose(wrong, given, rtol=out.rtol, atol=out.atol,
                                                            equal_nan=True)
    return count


def mistakes_at(exercise: Exercise, out: Out, expected, wrongs) -> list[Mistake]:
    """The named mistakes whose value at `out` differs from the right one."""
    key = str(out.path[-1]) if out.path else exercise.name
    named = []
    for wrong, result in wrongs:
        wrong_value = differing(out, result, expected)
        if wrong_value is not None:
            hint = wrong.hint.replace("{key}", key).replace("{l}", "".join(filter(str.isdigit, key)))
            named.append(Mistake(hint, wrong_value, id=exercise.mistake_id(wrong)))
    return named


def compare(exercise: Exercise, out: Out, actual, expected, inputs: Inputs, wrongs) -> None:
    """Raise ExerciseFailure unless the student's value at `out` is the expected one."""
    mistakes = mistakes_at(exercise, out, expected, wrongs)
    m = inputs.m if out.per_example else None
    if out.scalar:
        expect_float(out.label, actual, float(expected), mistakes=mistakes, m=m, rtol=out.rtol, atol=out.atol)
    else:
        if isinstance(actual, np.ndarray) and actual.dtype == bool:
            actual = actual.astype(np.float64)
        expect_array(out.label, actual, expected, mistakes=mistakes, m=m, rtol=out.rtol, atol=out.atol,
                     what=out.layout)


def case_note(case: dict) -> str:
    """The line a wrong value's message ends with: which inputs the test used. Its numbers come from the
    test's own case, not from the example cell above the exercise, and a student comparing the two
    should know why they differ."""
    shown = ", ".join(f"{key}={_brief(value)}" for key, value in case.items())
    return f"(The test's own case: {shown}. The example cell above may use other inputs, hence other numbers.)"


def _brief(value, width: int = 40) -> str:
    text = repr(value.tolist() if isinstance(value, np.ndarray) else value)
    return text if len(text) <= width else text[:width - 3] + "..."


def run(exercise: Exercise, fn, case: dict) -> None:
    """One test case of `exercise` on the student's `fn`; raises ExerciseFailure when it is wrong."""
    if exercise.per_case is not None:
        exercise = replace(exercise, **exercise.per_case(**case))
    inputs = exercise.inputs(**case)
    given = copy_inputs(inputs.args)
    result = student_call(fn, exercise.name, *given)
    (exercise.returns or value)(exercise.name, result)
    expected = exercise.reference(*copy_inputs(inputs.args))
    wrongs = wrong_results(exercise, inputs)
    outputs = exercise.outputs
    # The mistakes that give the student's values at the most outputs first (a mistake in one layer only
    # and one in every layer may agree at the first output compared).
    wrongs.sort(key=lambda pair: -agreement(outputs, pair[1], result))
    for out in outputs:
        try:
            actual = reach(result, out.path)
        except (KeyError, IndexError, TypeError):
            fail(f"{exercise.name}'s result has no {out.label}.", f"{exercise.name}.missing-output")
        right = reach(expected, out.path)
        try:
            compare(exercise, out, actual, right, inputs, wrongs)
        except ExerciseFailure as failure:
            raise ExerciseFailure(f"{failure}\n  {case_note(case)}", failure.mistake,
                                  failure.relative_error) from None
        # This output is right: mistakes that would have made it wrong are less likely the student's
        # (named last, not dropped: a student may make a mistake in one parameter's update only).
        wrongs.sort(key=lambda pair: differing(out, pair[1], right) is not None)
    for position in exercise.unmodified:
        _expect_unchanged(exercise.name, given[position], inputs.args[position], position)
    if exercise.extra is not None:
        exercise.extra(fn, result, inputs)


def per_layer(layered: Callable) -> Callable:
    """per_case of an exercise whose outputs depend on the number of layers L of the case's layer_dims:
    layered(L) -> {field: value}."""
    return lambda layer_dims, **case: layered(len(layer_dims) - 1)


def check(exercise: Exercise, vary: tuple | None = None, compose: Callable = graded_on_its_own) -> Callable:
    """The test-cell function of `exercise`: check_<name>(fn, **case) with the visible case's
    arguments as defaults; it prints the success line or raises ExerciseFailure.
    vary: (key, values), to run the exercise once per value of case[key], values(case) -> them
    (e.g. ("activation", lambda case: ("sigmoid", "relu"))).
    compose(fn, name, blocks, run): how a composed exercise is graded (core.graded_on_its_own, with the
    reference blocks; the student edition, which has none, with the student's own)."""
    def check_exercise(fn, **case):
        unknown = set(case) - set(exercise.case)
        if unknown:
            raise TypeError(f"check_{exercise.name} takes the arguments {sorted(exercise.case)}, "
                            f"not {sorted(unknown)}")
        arguments = {**exercise.case, **case}
        cases = [arguments] if vary is None else [{**arguments, vary[0]: v} for v in vary[1](arguments)]

        def run_cases():
            for one in cases:
                run(exercise, fn, one)
        if exercise.blocks:
            compose(fn, exercise.name, exercise.blocks, run_cases)
        else:
            run_cases()
            passed(exercise.name)

    check_exercise.__name__ = check_exercise.__qualname__ = f"check_{exercise.name}"
    check_exercise.__doc__ = exercise.reference.__doc__
    check_exercise.exercise = exercise
    check_exercise.vary = vary
    return check_exercise


def _expect_unchanged(name: str, after, before, position: int) -> None:
    arrays = [(after, before)] if isinstance(before, np.ndarray) else (
        [(after.get(k), v) for k, v in before.items()] if isinstance(before, dict) else [])
    for new, old in arrays:
        if isinstance(old, np.ndarray) and not (isinstance(new, np.ndarray) and np.array_equal(new, old)):
            fail(f"{name} changed its argument number {position + 1} in place: compute new arrays "
                 f"(x = x - ...) instead of changing the given ones (x -= ...).", f"{name}.changed-its-input")


def as_answer(fn: Callable) -> Callable:
    """fn as a student's answer would be (tests feed references and named mistakes in this way):
    checks refuse the functions of helpers' own modules."""
    @functools.wraps(fn)
    def answer(*args, **kwargs):
        return fn(*args, **kwargs)
    answer.__module__ = "__main__"
    return answer

