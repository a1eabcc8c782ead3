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


def test_the_declared_minimum_python_satisfies_every_pinned_package():
    """pyproject's requires-python (and make venv's check) is the true minimum: every package that
    requirements.txt pins accepts it (Debian's 3.11.2 cannot install soupsieve 4.1.3, which needs 3.11.5)."""
    from importlib import metadata

    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    declared = re.search(r'requires-python = ">=([0-9.]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert f"sys.version_info >= ({', '.join(declared.split('.'))})" in (ROOT / "Makefile").read_text()
    assert f"Python {declared} or newer" in (ROOT / "README.md").read_text()
    refused = {}
    for name in _pins((ROOT / "requirements.txt").read_text(), "=="):
        try:
            needs = metadata.metadata(name).get("Requires-Python")
        except metadata.PackageNotFoundError:
            continue
        if needs and Version(declared) not in SpecifierSet(needs):
            refused[name] = needs
    assert not refused, f"Python {declared} cannot install {refused}: raise requires-python"


def test_make_lab_starts_the_students_lab_and_the_formgrader_the_instructors():
    """make lab reads jupyter/students (no news prompt, no instructor tools of nbgrader); make formgrader does not,
    and reads jupyter/instructors instead."""
    import json

    makefile = (ROOT / "Makefile").read_text()
    lab = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    formgrader = makefile.split("\nformgrader:", 1)[1].split("\n\n", 1)[0]
    assert "JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/students" in lab and "jupyter/students" not in formgrader
    # the instructors' settings: the formgrader's URLs with ?token= log in (grading/nbgrader_glue/formgrader.py)
    assert "JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/instructors" in formgrader
    enabled = json.loads((ROOT / "jupyter" / "instructors" / "jupyter_server_config.d" / "grading.json").read_text())
    assert enabled == {"ServerApp": {"jpserver_extensions": {"grading.nbgrader_glue.formgrader": True}}}
    disabled = json.loads((ROOT / "jupyter" / "students" / "labconfig" / "page_config.json").read_text())
    assert set(disabled["disabledExtensions"]) == {
        "@jupyterlab/apputils-extension:announcements", "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list"}
