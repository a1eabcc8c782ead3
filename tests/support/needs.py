"""What a test needs from the machine: skipped where it is missing, except in CI.

`.ci/run` installs everything the suite needs (Chromium, PostgreSQL, playwright), so in CI (the
`CI` environment variable set) a missing piece is a broken install and fails the test instead of
hiding behind a skip.
"""
from __future__ import annotations

import importlib
import os

import pytest


def missing(reason: str):
    """Skip with `reason`, or fail with it in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: .ci/run must install it)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def module(name: str, reason: str):
    """Import `name`, or skip (fail in CI) with `reason`."""
    try:
        return importlib.import_module(name)
    except ImportError:
        missing(reason)
