"""One assertion shared by the checks' tests: a wrong answer fails its check with the named mistake expected."""
from __future__ import annotations

import pytest

from helpers.checks import ExerciseFailure


def assert_named_mistake(check, answer, mistake: str, **arguments) -> ExerciseFailure:
    """check(answer, **arguments) must raise an ExerciseFailure whose mistake identifier is `mistake`."""
    with pytest.raises(ExerciseFailure) as failure:
        check(answer, **arguments)
    assert failure.value.mistake == mistake, str(failure.value)
    return failure.value


def fails_with(check, answer, phrase: str, **arguments) -> ExerciseFailure:
    """check(answer, **arguments) must raise an ExerciseFailure whose message holds `phrase`."""
    with pytest.raises(ExerciseFailure) as failure:
        check(answer, **arguments)
    assert phrase in str(failure.value), f"message was: {failure.value}"
    return failure.value


def over_mistakes(mistakes):
    """pytest's parametrize over [(check, answer, phrase)], each case named by its check and phrase."""
    return pytest.mark.parametrize("check, answer, phrase", mistakes,
                                   ids=[f"{check.__name__}-{phrase}" for check, _, phrase in mistakes])
