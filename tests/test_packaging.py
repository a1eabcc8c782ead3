"""The pip and conda routes install the same versions, and the set-up files agree."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pins(text: str, separator: str) -> dict[str, str]:
    pattern = rf"^\s*-?\s*([A-Za-z0-9_.-]+)\s*{re.escape(separator)}\s*([0-9][^\s#]*)"
    return {name.lower(): version for name, version in re.findall(pattern, text, flags=re.M)}


def test_conda_environment_matches_pip_pins():
    pip_pins = _pins((ROOT / "requirements.in").read_text(), "==")
    conda_pins = _pins((ROOT / "environment.yml").read_text(), "=")
    conda_pins.pop("python", None)
    assert pip_pins, "no pins found in requirements.in"
    assert conda_pins == pip_pins


def test_lock_file_pins_every_top_level_requirement_at_the_same_version():
    top = _pins((ROOT / "requirements.in").read_text(), "==")
    lock = _pins((ROOT / "requirements.txt").read_text(), "==")
    for name, version in top.items():
        assert lock.get(name) == version, f"{name}: requirements.in says {version}, lock says {lock.get(name)}"


def test_student_copies_and_build_outputs_are_ignored():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "student/" in ignored and "build/" in ignored and ".venv/" in ignored


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
