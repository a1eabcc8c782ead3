"""A pytest plugin: every named mistake of the checks is fed in by some test.

A named mistake is declared in two ways: as a `Wrong` in an exercise table (tests/checks/test_exercises.py
feeds each in), or as a literal identifier in a check written as code (`Mistake(..., id="x.y")`,
`fail(..., mistake="x.y")`). This plugin records the identifier of every ExerciseFailure raised
while the tests run. For each check module whose tests all ran (tests/checks/test_checks_<module>.py and
tests/checks/test_exercises.py, none deselected), it fails the run if a mistake the module declares was
never raised: a hint that no test has ever seen is a hint nobody knows to be reachable. And it fails the run
if a test raised an id that docs/mistakes.md does not list (helpers.checks.catalog cannot read it where it is
declared): an instructor would meet an id in the class report that the catalog does not explain.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import helpers.checks
from helpers.checks import core
from helpers.checks.catalog import MODULES, declared, diagnoses, generic

TESTS = Path(__file__).resolve().parents[1] / "checks"
RAISED: set[str] = set()


def declared_mistakes(name: str) -> set[str]:
    """The identifiers of the named mistakes of check module `name`: its tables', and the literal ones of its
    code (helpers.checks.catalog reads them, for docs/mistakes.md too)."""
    return {mistake.id for mistake in declared(name)}


#: Whether the test running now is one of the checks' tests (tests/checks/): other tests (the core's own unit
#: tests, grading's) raise made-up ids on purpose.
RECORDING = [False]


def pytest_runtest_setup(item):
    RECORDING[0] = Path(str(item.fspath)).parent == TESTS


def pytest_configure(config):
    original = core.ExerciseFailure.__init__

    def recording_init(self, message, mistake="", relative_error=None):
        original(self, message, mistake, relative_error)
        if mistake and RECORDING[0]:
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


def unlisted(raised) -> list[str]:
    """The ids of `raised` that the catalog does not list (as themselves, or as a generic ``<exercise>.name``)."""
    listed = set().union(*[declared_mistakes(name) for name in MODULES]) | {m.id for m in diagnoses() + generic()}
    tails = {i.removeprefix("<exercise>") for i in listed if i.startswith("<exercise>.")}
    return sorted(i for i in raised if i not in listed and "." + i.split(".", 1)[-1] not in tails)


def pytest_sessionfinish(session, exitstatus):
    if exitstatus != 0:
        return
    fully_tested = _modules_fully_tested(session)
    tails = {"." + i.split(".", 1)[-1] for i in RAISED}
    never = sorted(i for i in set().union(*[declared_mistakes(name) for name in fully_tested]) - RAISED
                   if not (i.startswith("<exercise>.") and i.removeprefix("<exercise>") in tails))
    missing = unlisted(RAISED) if fully_tested else []
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if never:
        reporter.write_line(f"{len(never)} named mistake(s) never fed in by any test: " + ", ".join(never), red=True)
    if missing:
        reporter.write_line(f"{len(missing)} id(s) raised that docs/mistakes.md does not list (write each as one "
                            "literal beside its hint): " + ", ".join(missing), red=True)
    if never or missing:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
