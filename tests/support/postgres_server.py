"""A pytest plugin: a throwaway PostgreSQL server for the gradebook tests, started once per session on 127.0.0.1
and a free port, in a temporary folder, and removed at the end.

``postgres_server`` is the server (``new_database(name)`` creates an empty database and returns its URL);
``postgres_url`` is a fresh database of its own for each test module that asks (module ``test_postgres``:
``.../gradebook_test_postgres``), so that modules never see each other's rows.

It needs PostgreSQL's server programs (``initdb``, ``pg_ctl``; Debian's ``postgresql`` package, which
``.ci/run`` installs) and the driver ``psycopg2-binary`` (pinned in requirements.txt); without them the tests
that ask are skipped (failed in CI, see ``needs``). As root, the server runs as the ``postgres`` user that the
Debian package creates (``initdb`` refuses to run as root).
"""
from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import needs
import pytest


def _server_bin():
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return Path(candidates[-1]).parent if candidates else None


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _runner(data):
    """The prefix that runs the server's programs: none, or ``runuser -u postgres --`` as root."""
    if os.geteuid() != 0:
        return []
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        needs.missing("running as root and there is no 'postgres' user to run the server")
    if not shutil.which("runuser"):
        needs.missing("running as root without runuser to start the server as 'postgres'")
    os.chown(data, user.pw_uid, user.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


class PostgresServer:
    """A running server with trust authentication for ``postgres`` on 127.0.0.1:``port``."""

    def __init__(self, port):
        self.port = port

    def new_database(self, name):
        """Create the empty database ``name`` (replacing one of that name); returns its URL."""
        import psycopg2

        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"not a plain database name: {name!r}")
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
            cursor.execute(f"CREATE DATABASE {name}")
        connection.close()
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def postgres_server():
    needs.module("psycopg2", "the PostgreSQL driver psycopg2-binary is not installed")
    bindir = _server_bin()
    if bindir is None or not (bindir / "pg_ctl").exists():
        needs.missing("PostgreSQL server programs (initdb, pg_ctl) not found: "
                      "install Debian's postgresql package (.ci/run does)")
    data = Path(tempfile.mkdtemp(prefix="nnfs-pg-"))   # test_postgres finds the server's socket by this prefix
    prefix = _runner(data)
    port, cluster = _free_port(), data / "cluster"

    def run(*cmd):
        return subprocess.run([*prefix, *map(str, cmd)], capture_output=True, text=True, timeout=120)

    try:
        done = run(bindir / "initdb", "-D", cluster, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        assert done.returncode == 0, f"initdb failed:\n{done.stdout}\n{done.stderr}"
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off"
        done = run(bindir / "pg_ctl", "-D", cluster, "-o", options, "-l", data / "server.log", "-w", "-t", "60",
                   "start")
        log = data / "server.log"
        assert done.returncode == 0, f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}\n" + (
            log.read_text(errors="replace") if log.exists() else "")
        yield PostgresServer(port)
    finally:
        run(bindir / "pg_ctl", "-D", cluster, "-m", "immediate", "-w", "stop")
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres_url(postgres_server, request):
    """The URL of an empty database of this test module's own, on :func:`postgres_server`."""
    module = request.module.__name__.rpartition(".")[2].lower()
    return postgres_server.new_database("gradebook_" + re.sub(r"[^a-z0-9_]", "_", module))
