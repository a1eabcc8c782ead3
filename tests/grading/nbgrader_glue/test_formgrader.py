"""The formgrader works on the generated course with this repository's configuration:
`release` writes COURSE/nbgrader_config.py, and a Jupyter server started in the course folder
(as `make formgrader` does) lists the released assignment through the formgrader's own API."""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from traitlets.config.loader import PyFileConfigLoader

from grading.batch.pipeline import Grader
from grading_fixture import fixture


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("formgrader") / "course"
    Grader(root).release({fixture.FIXTURE_NAME: fixture.FIXTURE_PATH})
    return root


def test_release_writes_the_course_configuration_for_the_formgrader(course):
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    assert config.CourseDirectory.root == str(course)
    assert config.CourseDirectory.db_url.startswith(f"sqlite:///{course}")
    # the repository's course configuration came along (e.g. feedback that hides hidden tests)
    assert "HideTestInternals" in repr(config.GenerateFeedback.preprocessors)
    assert config.OverwriteCells.add_missing_cells is True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_formgrader_lists_the_released_assignment(course, tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    command = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--ServerApp.token={token}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}/formgrader/api/assignments?token={token}"
            deadline, answer = time.monotonic() + 90, None
            while answer is None:
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        answer = json.loads(response.read())
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        pytest.fail(f"the formgrader did not answer: {log_path.read_text()[-2000:]}")
                    time.sleep(0.5)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    assert fixture.FIXTURE_NAME in [assignment["name"] for assignment in answer], answer
