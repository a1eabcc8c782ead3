"""A Jupyter server with nbgrader's formgrader on a course, started as `make formgrader` starts it: in the course
folder, with jupyter/instructors on the configuration path and this checkout's grading on PYTHONPATH."""
from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

from browser_support import ROOT, free_port


@contextlib.contextmanager
def formgrader_server(course_root, work):
    """``(process, base URL, token, log path)`` of the server, stopped on exit; ``work``: a folder of its own."""
    work = Path(work)
    port, token = free_port(), secrets.token_hex(16)
    path = os.environ.get("PYTHONPATH")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(work / "config"), JUPYTER_RUNTIME_DIR=str(work / "runtime"),
               JUPYTER_CONFIG_PATH=str(ROOT / "jupyter" / "instructors"),              # as make formgrader
               PYTHONPATH=str(ROOT) + (os.pathsep + path if path else ""))             # this checkout's grading
    command = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--ServerApp.token={token}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log_path = work / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=course_root, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield server, f"http://127.0.0.1:{port}", token, log_path
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
