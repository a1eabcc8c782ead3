"""A pytest plugin: every named mistake of the checks is fed in by some test.

A named mistake is declared in two ways: as a `Wrong` in an exercise table (tests/checks/test_exercises.py
feeds each in), or as a literal identifier in a check written as code (`Mistake(..., id="x.y")`,
`fail(..., mistake="x.y")`). This plugin records the identifier of every ExerciseFailure raised
while the tests run. For each check module whose tests all ran (tests/checks/test_checks_<module>.py and
tests/checks/test_exercises.py, none deselected), it fails the run if a mistake the module declares was
never raised: a hint that no test has ever seen is a hint nobody knows to be reachable.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import helpers.checks
from helpers.checks import core
from helpers.checks.catalog import declared

TESTS = Path(__file__).resolve().parents[1] / "checks"
RAISED: set[str] = set()


def declared_mistakes(name: str) -> set[str]:
    """The identifiers of the named mistakes of check module `name`: its tables', and the literal ones of its
    code (helpers.checks.catalog reads them, for docs/mistakes.md too)."""
    return {mistake.id for mistake in declared(name)}


def pytest_configure(config):
    original = core.ExerciseFailure.__init__

    def recording_init(self, message, mistake="", relative_error=None):
        original(self, message, mistake, relative_error)
        if mistake:
            RAISED.add(mistake)

    core.ExerciseFailure.__init__ = recording_init


def _modules_fully_tested(session) -> list[str]:
    """The check modules whose tests (and test_exercises.py) all ran in this session."""
    collected = {Path(str(item.fspath)).name for item in session.items}
    if (session.config.option.keyword or session.config.option.markexpr not in ("", "not slow")
            or session.shouldfail or "test_exercises.py" not in collected):
        return []
    return [name for name in (p.stem.removeprefix("test_checks_") for p in TESTS.glob("test_checks_*.py"))
            if f"test_checks_{name}.py" in collected
            and (Path(helpers.checks.__file__).parent / f"{name}.py").exists()]


def pytest_sessionfinish(session, exitstatus):
    if exitstatus != 0:
        return
    never = sorted(set().union(*[declared_mistakes(name) for name in _modules_fully_tested(session)]) - RAISED)
    if never:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(f"{len(never)} named mistake(s) never fed in by any test: " + ", ".join(never), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
