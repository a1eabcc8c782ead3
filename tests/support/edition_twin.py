"""A pytest plugin: every check call of the checks' tests is also made on the student edition, and must end alike.

With EDITION_TWIN=FOLDER (a folder holding `student_helpers`, a student edition built by grading/edition/build.py) and
EDITION_TWIN_REPORT=FILE, each `check_*` of the instructor's checks modules that the edition compiles is
replaced, before the tests are collected, by a twin: it runs the instructor's check as before (its output and
its exception are what the test sees), then the edition's check with the same answer and arguments. Where the
edition knows the case (not a hidden one: it says "not the visible case" and the call is not compared), both
must pass, or fail with the same message and the same mistake id; a call on the visible case (no argument
but the answer) that the edition does not know is a difference too. One difference is by design: a composed
exercise whose building block is wrong is graded by the instructor's check with the reference blocks, and
fails the edition's, which has no reference and names the student's block to fix first. An answer marked
`calls_the_references` (one that calls the reference blocks through their modules, to reach a check's last
resort) is not compared: the edition has no references to call. The calls compared and the differences are
written to the report (JSON), which tests/grading/edition/test_edition.py reads.

So every wrong answer that the checks' tests feed in (each table's named mistakes in tests/checks/test_exercises.py,
the diagnoses written as code in tests/checks/test_checks_<module>.py) is fed to the student's side too.
"""
from __future__ import annotations

import functools
import importlib
import io
import json
import os
import sys
import warnings
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

COMPARED, DIFFERENCES, RUNNING = [], [], []


def _outcome(check, fn, args, kwargs, quiet=False):
    """(printed, exception) of one check call (quiet: its warnings too are kept from the test)."""
    with redirect_stdout(io.StringIO()) as out, warnings.catch_warnings(), \
            redirect_stderr(io.StringIO() if quiet else sys.stderr):
        if quiet:
            warnings.simplefilter("ignore")
        try:
            check(fn, *args, **kwargs)
        except Exception as exception:  # noqa: BLE001 - the outcome is compared, then re-raised
            return out.getvalue(), exception
    return out.getvalue(), None


def _summary(printed, exception):
    if exception is None:
        return ("passed", "all tests passed" in printed)
    return (type(exception).__name__ if not isinstance(exception, AssertionError) else "failure",
            str(exception), getattr(exception, "mistake", None))


def twin(name, instructor_check, edition_check):
    @functools.wraps(instructor_check)
    def both(fn, *args, **kwargs):
        if RUNNING:          # a check that another check calls (a block's, an extra's): compared by the outer one
            return instructor_check(fn, *args, **kwargs)
        if getattr(fn, "calls_the_references", False):   # an answer no student can write: the edition has none
            return instructor_check(fn, *args, **kwargs)
        RUNNING.append(name)
        try:
            printed, exception = _outcome(instructor_check, fn, args, kwargs)
        finally:
            RUNNING.pop()
        edition_printed, edition_exception = _outcome(edition_check, fn, args, kwargs, quiet=True)
        other_case = (args or kwargs) and getattr(edition_exception, "mistake", "") == "edition.not-the-visible-case"
        if not other_case:
            expected, got = _summary(printed, exception), _summary(edition_printed, edition_exception)
            COMPARED.append(name)
            own_block = "does not pass its own test yet" in str(edition_exception)
            if expected != got and not own_block:   # a composed exercise: the grader's substitutes reference blocks
                DIFFERENCES.append({"check": name, "answer": getattr(fn, "__qualname__", repr(fn)),
                                    "instructor": repr(expected)[:600], "edition": repr(got)[:600]})
        print(printed, end="")
        if exception is not None:
            raise exception
    return both


def pytest_configure(config):
    folder = os.environ.get("EDITION_TWIN")
    if not folder:
        return
    sys.path.insert(0, folder)
    for path in sorted((Path(folder) / "student_helpers" / "checks").glob("*.json")):
        instructor = importlib.import_module(f"helpers.checks.{path.stem}")
        edition = importlib.import_module(f"student_helpers.checks.{path.stem}")
        for name in [n for n in vars(instructor) if n.startswith("check_") and callable(getattr(edition, n, None))]:
            setattr(instructor, name, twin(f"{path.stem}.{name}", getattr(instructor, name), getattr(edition, name)))


def pytest_sessionfinish(session, exitstatus):
    report = os.environ.get("EDITION_TWIN_REPORT")
    if report:
        Path(report).write_text(json.dumps({"compared": COMPARED, "differences": DIFFERENCES}))
