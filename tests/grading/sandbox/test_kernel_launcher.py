"""The graded kernel's launcher (grading/sandbox/kernel_launcher.py): its limits, the folders its sandbox opens,
and what it hands to the kernel."""
import json
import os
import resource
import subprocess
import sys

from grading.sandbox.kernel_launcher import DEVICES, python_dirs, sandbox_paths

class Args:
    memory = file_size = 0
    sandbox = False
    read_dir = ["/extra/read"]
    write_dir = ["/extra/write"]


def test_the_sandbox_opens_python_the_working_folder_and_the_connection_folders(tmp_path, monkeypatch):
    sockets = tmp_path / "sockets"
    sockets.mkdir()
    connection = tmp_path / "kernel.json"
    connection.write_text(json.dumps({"transport": "ipc", "ip": str(sockets / "kernel-ipc")}))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    readable, writable = sandbox_paths(Args(), ["-f", str(connection)])
    assert os.path.dirname(os.path.realpath(sys.executable)) in python_dirs()
    assert set(python_dirs()) <= set(readable) and "/extra/read" in readable
    assert writable[0] == str(tmp_path) and set(DEVICES) <= set(writable)
    assert {str(tmp_path), str(sockets), "/extra/write", str(tmp_path / "tmp")} <= set(writable)
    assert not set(writable) & {"/", os.path.expanduser("~")}


def test_the_limits_are_in_force_before_the_kernel_runs():
    """The launcher sets its limits, then runs the kernel with what follows ``--``: here Python code that prints
    the limits it finds (no sandbox: the same process sets them either way)."""
    code = ("import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0], "
            "resource.getrlimit(resource.RLIMIT_FSIZE)[0], resource.getrlimit(resource.RLIMIT_CORE)[0])")
    probe = ("import os\n"
             "from grading.sandbox import kernel_launcher\n"
             "os.execv = lambda executable, argv: (print(argv[1:3]), exec(argv[-1]))  # the kernel: the code below\n"
             f"kernel_launcher.main(['--memory', str(3 << 30), '--file-size', str(1 << 20), '--', '-c', {code!r}])\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    handed, limits = done.stdout.splitlines()
    assert handed == "['-m', 'ipykernel_launcher']"
    assert limits.split() == [str(3 << 30), str(1 << 20), "0"]
    assert resource.getrlimit(resource.RLIMIT_AS)[0] != 3 << 30  # this process is untouched
