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
