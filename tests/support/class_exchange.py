"""A class on nbgrader's exchange, as the end-to-end tests play it: the people who run commands, each with a home
and nbgrader's configuration in it, and the course id they share.

``tests/grading/nbgrader_glue/test_exchange_roundtrip.py`` plays the whole class with the command line;
``tests/browser/test_browser_hub.py`` plays the student in JupyterLab on a JupyterHub and the instructor here.
"""
from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
NBGRADER = str(Path(sys.executable).parent / "nbgrader")
COURSE_ID = "nnfs101"


def class_config(exchange):
    """What nbgrader needs to know on every student's side (lines of ``c.X = ...``): the exchange, the course id."""
    return f"c.Exchange.root = {str(exchange)!r}\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"


def student_config(exchange, name):
    """A student's ``~/.jupyter/nbgrader_config.py`` body: the class's, and the student id (in place of the unix
    user name, every student here being the same unix user)."""
    return class_config(exchange) + f"c.CourseDirectory.student_id = {name!r}\n"


def write_nbgrader_config(home, config):
    """``home/.jupyter/nbgrader_config.py`` with ``config`` (lines of ``c.X = ...``)."""
    (home / ".jupyter").mkdir(parents=True, exist_ok=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text("c = get_config()\n" + config)


class Actor:
    """Someone who runs commands: a home with their nbgrader configuration, a working folder, an environment
    with nothing of this test process's (``PYTHONPATH``: this checkout's ``grading`` for the instructor)."""

    def __init__(self, name, home, cwd, config, grading=False):
        self.name, self.home, self.cwd = name, home, cwd
        write_nbgrader_config(home, config)
        self.env = {"HOME": str(home), "LANG": "C.UTF-8",
                    "PATH": os.pathsep.join([str(Path(PYTHON).parent), os.environ.get("PATH", "/usr/bin:/bin")]),
                    **{name: os.environ[name] for name in ("TMPDIR",) if name in os.environ}}
        if grading:
            self.env["PYTHONPATH"] = str(ROOT)

    def start(self, *command, cwd=None):
        return subprocess.Popen([str(part) for part in command], cwd=cwd or self.cwd, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def run(self, *command, cwd=None):
        """Run ``command``; returns what it printed. It must succeed."""
        return finish(self, self.start(*command, cwd=cwd), command)


def finish(actor, process, command, timeout=180):
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
        pytest.fail(f"{actor.name}: {' '.join(map(str, command))} ran over {timeout} s:\n{out}")
    assert process.returncode == 0, f"{actor.name}: {' '.join(map(str, command))} failed:\n{out}"
    return out


def each(students, *command):
    """Every student runs ``command`` at the same time; ``{name: printed}``."""
    running = {s.name: (s, s.start(*command)) for s in students}
    return {name: finish(student, process, command) for name, (student, process) in running.items()}


@contextmanager
def timed(times, step):
    start = time.perf_counter()
    yield
    times[step] = time.perf_counter() - start


def print_times(title, times, wall=None):
    """Each step's time, then ``wall`` (where steps overlapped) or their sum."""
    print(f"\n{title}, each step's time:")
    for step, seconds in times.items():
        print(f"  {seconds:6.1f} s  {step}")
    print(f"  {sum(times.values()) if wall is None else wall:6.1f} s  in all")


def plain_text(page):
    """The text of an HTML page, its white space folded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", Path(page).read_text())))
