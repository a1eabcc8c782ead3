"""The pip and conda routes install the same versions, and the set-up files agree."""
from __future__ import annotations

import re
from pathlib import Path

import needs

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
    requirements.txt or requirements-student.txt pins accepts it (Debian's 3.11.2 cannot install soupsieve 4.1.3,
    which needs 3.11.5)."""
    from importlib import metadata

    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    declared = re.search(r'requires-python = ">=([0-9.]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert f"sys.version_info >= ({', '.join(declared.split('.'))})" in (ROOT / "Makefile").read_text()
    assert f"Python {declared} or newer" in (ROOT / "README.md").read_text()
    refused = {}
    pinned = {**_pins((ROOT / "requirements.txt").read_text(), "=="),
              **_pins((ROOT / "requirements-student.txt").read_text(), "==")}
    assert "Python " + declared in (ROOT / "docs" / "student-image.md").read_text()
    for name in pinned:
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


#: A student's environment leaves out the instructors' and the tests' packages (requirements-student.in says why).
NOT_FOR_STUDENTS = ("pytest", "playwright", "psycopg2-binary", "dask", "distributed", "bokeh", "numba")


def test_the_students_environment_is_pinned_at_the_workbooks_versions():
    """requirements-student.in (the top level of a JupyterHub image, docs/student-image.md) asks for
    requirements.in's versions, and requirements-student.txt, its lock, pins each package at requirements.txt's
    version: a student's kernel runs what the tests ran."""
    workbook_top = _pins((ROOT / "requirements.in").read_text(), "==")
    workbook_lock = _pins((ROOT / "requirements.txt").read_text(), "==")
    student_top = _pins((ROOT / "requirements-student.in").read_text(), "==")
    student_lock = _pins((ROOT / "requirements-student.txt").read_text(), "==")
    assert {name: workbook_top.get(name) for name in student_top} == student_top
    assert {name: student_lock.get(name) for name in student_top} == student_top
    assert {name: workbook_lock.get(name) for name in student_lock if name in workbook_lock} == {
        name: version for name, version in student_lock.items() if name in workbook_lock}
    # setuptools (nbgrader imports it) comes with Python 3.11's venv, and so requirements.txt, a freeze, leaves it
    # out; the students' lock pins the version of that venv (one of Python 3.12 or newer has none)
    assert set(student_lock) - set(workbook_lock) == {"setuptools"}
    assert not set(NOT_FOR_STUDENTS) & set(student_lock)
    assert {"jupyterlab", "ipykernel", "nbgrader", "numpy", "matplotlib"} <= set(student_top)


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _requirements(top, pinned) -> tuple:
    """(every package that `top` pulls in, {a requirement not in `pinned`: the package that needs it}), from the
    metadata of this environment: each package's requirements, with the extras asked for (jupyter-events asks for
    jsonschema[format-nongpl]) and the environment markers of this machine."""
    from importlib import metadata

    from packaging.requirements import Requirement

    wanted, seen, reached, missing = [(name, frozenset()) for name in top], set(), set(), {}
    while wanted:
        name, extras = wanted.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        reached.add(name)
        for requirement in map(Requirement, metadata.requires(name) or []):
            marker, needed = requirement.marker, _normalized(requirement.name)
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras | {""}):
                if needed in pinned:
                    wanted.append((needed, frozenset(requirement.extras)))
                else:
                    missing.setdefault(needed, name)
    return reached, missing


def test_the_students_lock_holds_exactly_what_its_packages_need():
    """requirements-student.txt is exactly what requirements-student.in pulls in: every requirement of every
    package it pins is pinned in it too, so that `pip install -r` installs exactly it, and nothing else is. Read
    from the metadata of this environment, which has the same versions (skipped where it has not, outside CI)."""
    locked = {_normalized(name): version
              for name, version in _pins((ROOT / "requirements-student.txt").read_text(), "==").items()}
    installed = {name: _installed(name) for name in locked}
    if installed != locked:
        needs.missing(f"this environment is not the one requirements.txt pins (make venv builds it): "
                      f"{ {name: version for name, version in installed.items() if version != locked[name]} }")
    top = [_normalized(name) for name in _pins((ROOT / "requirements-student.in").read_text(), "==")]
    reached, missing = _requirements(top, set(locked))
    assert not missing, f"requirements-student.txt lacks {missing} (each needed by the one beside it)"
    assert set(locked) - reached == set(), "requirements-student.txt pins what no student package needs"


def test_the_student_image_guide_shows_the_start_up_hook_that_the_wheel_installs():
    """docs/student-image.md shows the file that the edition's wheel installs, as it is written."""
    import json

    from grading.edition.wheel import STARTUP, STARTUP_CONFIG

    guide = (ROOT / "docs" / "student-image.md").read_text()
    assert f"$PREFIX/{STARTUP_CONFIG}" in guide and json.dumps(STARTUP) in guide
    assert "pip install -r requirements-student.txt" in guide
