"""What names grading's modules by path or dotted name from outside Python's imports keeps working: the
kernelspec that starts a graded kernel (``-m grading.sandbox.kernel_launcher``), the judge's kernel-side shim
(sent to the kernel as source text), the course's nbgrader configuration file, ``python -m grading`` and the
console script."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from grading.execute.kernels import GradingKernelSpecManager
from grading.judge import shim, wire
from grading.nbgrader_glue.api import CONFIG_FILE, course_config

ROOT = Path(__file__).resolve().parents[2]


def test_the_graded_kernels_spec_starts_the_launcher_that_exists():
    spec = GradingKernelSpecManager(memory_limit=1 << 30, sandbox=True).get_kernel_spec("python3")
    assert spec.argv[:3] == [sys.executable, "-m", "grading.sandbox.kernel_launcher"]
    # the launcher applies its limits, then hands the rest of its arguments to the kernel (here: its help)
    done = subprocess.run([*spec.argv[:3], "--memory", str(2 << 30), "--", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "IPython" in done.stdout, done.stderr


def test_the_shim_source_that_the_judge_sends_defines_the_kernel_side():
    source = Path(wire.__file__).read_text() + "\n" + Path(shim.__file__).read_text()
    namespace = {}
    exec(compile(source, "<nnfs-judge>", "exec"), namespace)  # noqa: S102 - our own source
    assert callable(namespace["install"]) and namespace["PREFIX"] == shim.PREFIX


def test_the_course_configuration_file_is_found_and_loads():
    assert CONFIG_FILE == ROOT / "grading" / "nbgrader_config.py" and CONFIG_FILE.exists()
    config = course_config()
    assert "GradingExecute" in str(config.Autograde.autograde_preprocessors)


def test_python_m_grading_and_the_console_script_reach_the_commands():
    done = subprocess.run([sys.executable, "-m", "grading", "--help"], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert done.returncode == 0 and "autograde" in done.stdout, done.stderr
    script = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["nnfs-grade"]
    module, _, function = script.partition(":")
    done = subprocess.run([sys.executable, "-c", f"import {module}; assert callable({module}.{function})"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
