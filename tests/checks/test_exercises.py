"""One test over every exercise of every notebook, driven by the checks' tables (helpers.checks.engine).

- An independently written solution (tests/support/solutions/, written from the formulas, not calling the
  references) passes every check, on the visible case and on every hidden case of the notebook.
- Every named mistake of a table, fed in as a student's answer, fails its check with its own
  identifier, on the visible case, and fails on every hidden case too (so a hint that only holds
  at one size, or a mistake that coincides with the right answer somewhere, is caught).
- The hidden cases have one source: the notebooks' hidden test cells. They are read from there.
"""
from __future__ import annotations

import pytest

from helpers.checks import ExerciseFailure
from helpers.checks.engine import as_answer
from notebook_checks import MODULES
from solutions import SOLUTIONS

TABLES = {name: module for name, (module, _) in MODULES.items() if hasattr(module, "EXERCISES")}
EXERCISES = [(name, exercise) for name, module in TABLES.items() for exercise in module.EXERCISES]
MISTAKES = [(name, exercise, wrong) for name, exercise in EXERCISES for wrong in exercise.mistakes]
CHECK_CALLS = [(name, call) for name, (_, calls) in MODULES.items() for call in calls]


def _check(module_name: str, check_name: str):
    return getattr(MODULES[module_name][0], check_name)


def _hidden_cases(module_name: str, exercise_name: str) -> list:
    return [call.kwargs for call in MODULES[module_name][1]
            if call.hidden and call.check == f"check_{exercise_name}"]


@pytest.mark.parametrize("module_name, call", CHECK_CALLS,
                         ids=[f"{n}.{c.check}{'-hidden' if c.hidden else ''}{sorted(c.kwargs.items())}"
                              for n, c in CHECK_CALLS])
def test_an_independent_solution_passes_every_check_call_of_the_notebooks(module_name, call, capsys):
    solution = SOLUTIONS.get(module_name, {}).get(call.function)
    if solution is None and module_name not in TABLES:
        pytest.skip(f"{module_name} is not a table yet, and has no independent solutions")
    assert solution is not None, f"tests/support/solutions/{module_name}.py has no {call.function}"
    _check(module_name, call.check)(solution, *call.args, **call.kwargs)
    assert "all tests passed" in capsys.readouterr().out


@pytest.mark.parametrize("module_name, exercise", EXERCISES, ids=[f"{n}.{e.name}" for n, e in EXERCISES])
def test_the_reference_passes_and_a_graded_exercise_has_hidden_cases(module_name, exercise, capsys):
    check = _check(module_name, f"check_{exercise.name}")
    check(as_answer(exercise.reference))
    hidden = _hidden_cases(module_name, exercise.name)
    challenge = module_name in TABLES and exercise in getattr(TABLES[module_name], "CHALLENGES", ())
    assert hidden or challenge, f"the notebook has no hidden test of {exercise.name}"
    for case in hidden:
        check(as_answer(exercise.reference), **case)
    assert capsys.readouterr().out.count("all tests passed") == 1 + len(hidden)


@pytest.mark.parametrize("module_name, exercise, wrong", MISTAKES,
                         ids=[f"{n}.{e.mistake_id(w)}" for n, e, w in MISTAKES])
def test_each_named_mistake_fed_in_fails_with_its_own_hint(module_name, exercise, wrong):
    check = _check(module_name, f"check_{exercise.name}")
    expected = exercise.mistake_id(wrong)
    for case in [{}] + _hidden_cases(module_name, exercise.name):
        with pytest.raises(ExerciseFailure) as failure:
            check(as_answer(wrong.answer), **case)
        assert failure.value.mistake == expected, f"case {case}: {failure.value}"


def test_every_check_module_with_a_table_has_independent_solutions():
    """A module converted to a table has a solution module (the others keep hand-written checks)."""
    assert "shallow" in TABLES
    assert set(TABLES) <= set(SOLUTIONS)


VISIBLE_CHECKS = sorted({(name, call.check) for name, call in CHECK_CALLS if not call.hidden})


@pytest.mark.parametrize("module_name, check_name", VISIBLE_CHECKS, ids=[f"{n}.{c}" for n, c in VISIBLE_CHECKS])
def test_every_check_says_a_stub_is_not_implemented_and_refuses_a_reference(module_name, check_name):
    """A blank exercise cell (`raise NotImplementedError()`) is told so; a function of helpers' own modules (the
    reference, imported instead of written) is refused; so is what is not a function."""
    def stub(*args, **kwargs):
        raise NotImplementedError()
    with pytest.raises(ExerciseFailure, match="not implemented yet"):
        _check(module_name, check_name)(stub)
    with pytest.raises(ExerciseFailure, match="not a function"):
        _check(module_name, check_name)(None)
    stub.__module__ = "helpers.reference"
    with pytest.raises(ExerciseFailure, match="reference implementation"):
        _check(module_name, check_name)(stub)
