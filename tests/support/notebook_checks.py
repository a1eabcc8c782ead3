"""Every notebook's check module and the check calls of its test cells, visible and hidden: read from the source
notebooks, the hidden cases' one source."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import nbformat

from grading.judge.check_calls import is_check_cell, parse_test_cell

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
IMPORT = re.compile(r"from helpers\.checks import (\w+) as checks")


def _check_modules() -> dict:
    """{check module name: (module, [the CheckCalls of its notebook's test cells])}."""
    found = {}
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        name = next(IMPORT.search(c.source).group(1) for c in nb.cells if IMPORT.search(c.source))
        calls = [call for c in nb.cells if c.cell_type == "code" and is_check_cell(c.source)
                 for call in parse_test_cell(c.source)]
        found[name] = (importlib.import_module(f"helpers.checks.{name}"), calls)
    return found


MODULES = _check_modules()
