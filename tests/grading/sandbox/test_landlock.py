"""Landlock and seccomp: what a confined process can reach, and what this machine lacks."""
import sys

import pytest


def test_landlock_confines_reads_writes_and_tcp(tmp_path):
    """A child that confined itself reads only its folders, writes only the writable one and
    uses no TCP (loopback included), where Landlock exists: each denial's errno is printed."""
    import socket
    import subprocess

    from grading.sandbox.landlock import Confinement, landlock_abi

    abi = landlock_abi()
    if not abi:
        assert Confinement(0).missing() and "not available" in Confinement(0).missing()[0]
        pytest.skip("Landlock is not available on this kernel")
    for folder in ("ok", "ro", "secret"):
        (tmp_path / folder).mkdir()
    (tmp_path / "ro" / "r").write_text("readable")
    (tmp_path / "secret" / "s").write_text("SECRET")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    code = (
        "import os, socket, sys\nfrom grading.sandbox.landlock import confine\n"
        "python = sorted({sys.prefix, sys.base_prefix, '/lib', '/lib64', '/usr/lib', '/usr/lib64'})\n"
        f"print(confine(python + [{str(tmp_path / 'ro')!r}], [{str(tmp_path / 'ok')!r}]).missing())\n"
        "def attempt(what, action):\n"
        "    try:\n        action()\n        print(what, 'allowed')\n"
        "    except OSError as exc:\n        print(what, 'errno', exc.errno)\n"
        f"attempt('write ok', lambda: open({str(tmp_path / 'ok' / 'a')!r}, 'w').write('x'))\n"
        f"attempt('read ro', lambda: open({str(tmp_path / 'ro' / 'r')!r}).read())\n"
        f"attempt('write ro', lambda: open({str(tmp_path / 'ro' / 'w')!r}, 'w'))\n"
        f"attempt('read secret', lambda: print(open({str(tmp_path / 'secret' / 's')!r}).read()))\n"
        f"attempt('list secret', lambda: print(os.listdir({str(tmp_path / 'secret')!r})))\n"
        f"attempt('connect', lambda: socket.create_connection(('127.0.0.1', {port}), timeout=5))\n"
        "attempt('bind', lambda: socket.socket().bind(('127.0.0.1', 0)))\n"
        "attempt('signal parent', lambda: os.kill(os.getppid(), 0))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    listener.setblocking(False)
    if abi >= 4:
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    listener.close()
    lines = done.stdout.splitlines()
    assert lines[0] == "[]", done.stdout + done.stderr
    expected = ["write ok allowed", "read ro allowed", "write ro errno 13", "read secret errno 13",
                "list secret errno 13",
                "connect errno 13" if abi >= 4 else "connect allowed",
                "bind errno 13" if abi >= 4 else "bind allowed",
                "signal parent errno 1" if abi >= 6 else "signal parent allowed"]
    assert lines[1:] == expected, done.stdout + done.stderr
    assert "SECRET" not in done.stdout
    assert (tmp_path / "ok" / "a").exists() and not (tmp_path / "ro" / "w").exists()


def test_sandbox_gaps_name_what_is_missing():
    from grading.sandbox.landlock import Confinement

    assert Confinement(7).missing() == []
    assert Confinement(7).missing(sockets=False) == [
        "no seccomp filter: the kernel can send UDP and connect to unix sockets"]
    assert Confinement(5).missing() == ["Landlock ABI 5 < 6: the kernel can signal this user's other processes"]
    assert Confinement(3).missing(sockets=False)[0] == \
        "Landlock ABI 3 < 4 and no seccomp: the kernel can use the network"
    gaps = Confinement(0).missing()
    assert len(gaps) == 2 and gaps[0].startswith("Landlock is not available") and "read and write" in gaps[0]
