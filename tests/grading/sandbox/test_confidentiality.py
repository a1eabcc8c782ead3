"""Grading confidentiality: what a submission's kernel can read, reach and signal (issue 16).

A class on the fixture course (``00_mini``, 5 points) is graded in two runs: first an honest
``victim``, whose notebook carries a marker, then a corpus of curious submissions. Each one
answers both exercises correctly and, in an extra cell, tries one kind of access, printing
``PROBE <what> errno <n>`` when refused, or ``PROBE <what> GOT <data>`` when it got through:

* ``snoop``: the course's source notebooks (absolute path, and in its own job's private
  copy), the repository's source notebooks, another student's submission (in the
  submissions folder and in the course), the gradebook (the course's and the job's private
  one), the course configuration, a ``.pgpass`` file, a worker log; folder listings;
* ``spy``: ``/proc/<pid>/cmdline`` and ``environ`` of its grading worker and of the grading
  process, the process list, the worker's working folder; its own environment;
  signals to the worker and to the grading process;
* ``net``: a TCP connection to a listener on loopback, a listening TCP socket, a UDP
  datagram to a socket on loopback, unix sockets (a listening path and an abstract name).

Expected: full marks for every submission (the attempts cost nothing and earn nothing),
every attempt refused with its errno (checked in the graded notebook: the restriction is in
force in the kernel, not only configured), nothing arriving at the listeners, and no marker
of the victim's notebook, the source notebooks, the gradebook, the configuration or the
grader's processes in any of the corpus's autograded notebooks or feedback. ``validate``
gives the same guarantees (the last tests).
"""
import json
import re
import socket
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from grading.cli.validate import validate_notebook
from grading.course import REPO_ROOT, find_notebooks, find_submissions
from grading.execute.kernels import KERNEL_ENVIRONMENT, KERNEL_FIXED_ENVIRONMENT
from grading.gradebook.session import Gradebook
from grading.limits import GiB, Limits
from grading.sandbox.landlock import landlock_abi
from grading.sandbox.seccomp import seccomp_available
from grading_fixture import NAME, TOTAL, cell, fixture, fixture_course, read_nb, solved

pytestmark = pytest.mark.slow

LIMITS = Limits(timeout=60, cell_timeout=20, memory=int(1.5 * GiB))
VICTIM = "victim"
MARKERS = {
    "victim": "VICTIM_MARKER_5f1c2e",      # in the victim's notebook only
    "pgpass": "PGPASS_MARKER_93b7d0",      # in a .pgpass file
    "config": "CONFIG_MARKER_0a4e61",      # in the course configuration
    "solution": "BEGIN SOLUTION",           # in source notebooks only (the fixture's, the repo's)
    "hidden": fixture.HIDDEN_MARKERS[0],    # hidden test code: source notebooks and the gradebook
    "environ": "PATH=/",                    # in any process's environment block
    "cmdline": "forkserver",                # in the grading worker's command line
}
#: What ipykernel itself puts in its environment at start (on top of what it was given).
IPYKERNEL_SETS = {"CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "GIT_PAGER", "PAGER", "TERM",
                  "MPLBACKEND", "PYDEVD_USE_FRAME_EVAL"}

PROBE = '''\
import os
import socket

PROBES = []


def probe(what, action):
    try:
        result = action()
    except OSError as exc:
        PROBES.append(f"PROBE {what} errno {exc.errno}")
    else:
        PROBES.append(f"PROBE {what} GOT {result!r}")
    print(PROBES[-1])


def read(path):
    with open(path, "rb") as handle:
        return handle.read()
'''


def submit(folder, student, nb):
    path = folder / student / NAME / f"{NAME}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def with_probes(released, probes):
    """A correct submission with one more cell that runs ``probes`` (code lines)."""
    nb = solved(released)
    nb.cells.insert(2, new_code_cell(PROBE + "\n".join(probes)))
    return nb


def file_probes(course, submissions, secrets):
    course = course.resolve()
    files = {
        "source": course / "source" / NAME / f"{NAME}.ipynb",
        "source-in-job": Path("../../../source") / NAME / f"{NAME}.ipynb",
        "repo-notebook": REPO_ROOT / "notebooks" / "01_shallow_network.ipynb",
        "submission": submissions.resolve() / VICTIM / NAME / f"{NAME}.ipynb",
        "submitted": course / "submitted" / VICTIM / NAME / f"{NAME}.ipynb",
        "autograded": course / "autograded" / VICTIM / NAME / f"{NAME}.ipynb",
        "gradebook": course / "gradebook.db",
        "gradebook-in-job": Path("../../../gradebook.db"),
        "config": course / "nbgrader_config.py",
        "pgpass": secrets / ".pgpass",
        "log": course / ".grading" / "logs" / VICTIM / f"{NAME}.log",
    }
    folders = {"list-submissions": submissions.resolve(), "list-course": course,
               "list-source-in-job": Path("../../../source")}
    return ([f"probe({what!r}, lambda: read({str(path)!r}))" for what, path in files.items()]
            + [f"probe({what!r}, lambda: os.listdir({str(path)!r}))" for what, path in folders.items()])


def process_probes():
    return [
        "import json, signal",
        "worker = os.getppid()",
        f"grader = {__import__('os').getpid()}",
        "for who, pid in [('worker', worker), ('grader', grader)]:",
        "    probe(f'{who}-cmdline', lambda: read(f'/proc/{pid}/cmdline'))",
        "    probe(f'{who}-environ', lambda: read(f'/proc/{pid}/environ'))",
        "probe('worker-cwd', lambda: os.readlink(f'/proc/{worker}/cwd'))",
        "probe('processes', lambda: os.listdir('/proc'))",
        "probe('signal-grader', lambda: os.kill(grader, 0))",
        "probe('signal-worker', lambda: os.kill(worker, signal.SIGTERM))",
        "print('ENVIRONMENT', json.dumps(sorted(os.environ)))",
    ]


def network_probes(tcp_port, udp_port, unix_path, abstract):
    return [
        f"probe('tcp-connect', lambda: socket.create_connection(('127.0.0.1', {tcp_port}), timeout=5))",
        "probe('tcp-listen', lambda: socket.create_server(('127.0.0.1', 0)))",
        f"probe('udp-send', lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)"
        f".sendto(b'leak', ('127.0.0.1', {udp_port})))",
        f"probe('unix-connect', lambda: socket.socket(socket.AF_UNIX).connect({unix_path!r}))",
        f"probe('abstract-connect', lambda: socket.socket(socket.AF_UNIX).connect({abstract!r}))",
    ]


@pytest.fixture(scope="module")
def listeners(tmp_path_factory):
    """A TCP, a UDP and two unix sockets on this machine that no kernel may reach."""
    folder = tmp_path_factory.mktemp("listeners")
    tcp = socket.create_server(("127.0.0.1", 0))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(folder / "db.sock"))
    unix.listen()
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind(f"\0nnfs-test-{folder.name}")
    abstract.listen()
    sockets = {"tcp": tcp, "udp": udp, "unix": unix, "abstract": abstract}
    yield sockets
    for sock in sockets.values():
        sock.close()


def nothing_arrived(sockets):
    """The names of the listeners that something reached."""
    reached = []
    for name, sock in sockets.items():
        sock.setblocking(False)
        try:
            sock.recvfrom(100) if name == "udp" else sock.accept()
        except BlockingIOError:
            continue
        reached.append(name)
    return reached


@pytest.fixture(scope="module")
def graded(tmp_path_factory, listeners):
    root = tmp_path_factory.mktemp("confidential")
    grader, notebooks, released = fixture_course(root, limits=LIMITS, jobs=2)
    course = grader.layout.root
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"# {MARKERS['config']}\n")
    secrets = root / "secrets"
    secrets.mkdir()
    (secrets / ".pgpass").write_text(f"127.0.0.1:5432:*:grader:{MARKERS['pgpass']}\n")

    first = root / "first"
    victim = solved(released)
    victim.cells.insert(1, new_markdown_cell(f"My notes: {MARKERS['victim']}"))
    submit(first, VICTIM, victim)
    grader.autograde_all(find_submissions(first), find_notebooks(notebooks))

    corpus = root / "corpus"
    submit(corpus, "honest", solved(released))
    submit(corpus, "snoop", with_probes(released, file_probes(course, first, secrets)))
    submit(corpus, "spy", with_probes(released, process_probes()))
    submit(corpus, "net", with_probes(released, network_probes(
        listeners["tcp"].getsockname()[1], listeners["udp"].getsockname()[1],
        listeners["unix"].getsockname(), listeners["abstract"].getsockname())))
    results = {r.student: r for r in grader.autograde_all(find_submissions(corpus), find_notebooks(notebooks))}
    feedback = grader.feedback()
    probes = {}
    for student in results:
        nb = read_nb(grader.layout.autograded_notebook(student, NAME))
        printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
        probes[student] = dict(re.findall(r"^PROBE (\S+) (.*)$", printed, re.MULTILINE))
        probes[student]["ENVIRONMENT"] = re.findall(r"^ENVIRONMENT (.*)$", printed, re.MULTILINE)
    return {"grader": grader, "results": results, "feedback": feedback, "probes": probes,
            "course": course}


def test_every_submission_keeps_its_full_marks(graded):
    outcomes = {student: (r.score, r.max_score, r.status) for student, r in graded["results"].items()}
    assert outcomes == {student: (TOTAL, TOTAL, "graded") for student in ("honest", "snoop", "spy", "net")}
    grader = graded["grader"]
    assert Gradebook(grader.layout.db_url).submission_score(VICTIM, NAME) == (TOTAL, TOTAL)


def test_no_marker_reaches_the_corpus(graded):
    grader = graded["grader"]
    leaks = []
    for student in graded["results"]:
        autograded = read_nb(grader.layout.autograded_notebook(student, NAME))
        # the autograded notebook (the grader's copy) has the hidden tests: its outputs are what
        # the kernel wrote; the feedback is all the student gets back
        texts = {"outputs": json.dumps([c.get("outputs", []) for c in autograded.cells]),
                 "feedback": graded["feedback"][(student, NAME)].read_text()}
        for where, text in texts.items():
            leaks += [f"{student}'s {where}: {name} ({marker!r})"
                      for name, marker in MARKERS.items() if marker in text]
    assert not leaks, "\n".join(leaks)
    # the markers are real: each is where the corpus tried to read it
    course = graded["course"]
    assert MARKERS["victim"] in grader.layout.autograded_notebook(VICTIM, NAME).read_text()
    assert MARKERS["hidden"] in (course / "source" / NAME / f"{NAME}.ipynb").read_text()
    assert MARKERS["hidden"].encode() in (course / "gradebook.db").read_bytes()
    assert MARKERS["config"] in (course / "nbgrader_config.py").read_text()


@pytest.mark.skipif(not landlock_abi(), reason="Landlock is not available on this kernel")
def test_reads_are_refused_in_the_kernel(graded):
    probes = graded["probes"]["snoop"]
    assert len(probes) == 15, probes
    refused = {what: outcome for what, outcome in probes.items() if what != "ENVIRONMENT"}
    assert refused == {what: "errno 13" for what in refused}


@pytest.mark.skipif(not landlock_abi(), reason="Landlock is not available on this kernel")
def test_processes_are_out_of_reach(graded):
    probes = graded["probes"]["spy"]
    expected = {f"{who}-{what}": "errno 13" for who in ("worker", "grader") for what in ("cmdline", "environ")}
    expected.update({"worker-cwd": "errno 13", "processes": "errno 13"})
    if landlock_abi() >= 6:
        expected.update({"signal-grader": "errno 1", "signal-worker": "errno 1"})
    assert {what: probes[what] for what in expected} == expected


def test_the_kernel_environment_is_the_allowlist(graded):
    (names,) = graded["probes"]["spy"]["ENVIRONMENT"]
    allowed = set(KERNEL_ENVIRONMENT) | set(KERNEL_FIXED_ENVIRONMENT) | {"HOME"} | IPYKERNEL_SETS
    extra = [name for name in json.loads(names) if name not in allowed and not name.startswith("LC_")]
    assert not extra


@pytest.mark.skipif(not seccomp_available() and landlock_abi() < 4,
                    reason="neither seccomp nor Landlock's network rules here")
def test_no_network_not_even_loopback(graded, listeners):
    probes = graded["probes"]["net"]
    expected = {"tcp-connect": "errno 13", "tcp-listen": "errno 13"}
    if seccomp_available():
        expected.update({"udp-send": "errno 13", "unix-connect": "errno 13", "abstract-connect": "errno 13"})
    assert {what: probes[what] for what in expected} == expected
    assert nothing_arrived(listeners) == []


# -- validate, as a grader runs it ------------------------------------------------------------

def test_validate_keeps_secrets_from_the_notebook(tmp_path, monkeypatch, listeners):
    """``validate`` with the sandbox (the command line's default): the grader's environment,
    the notebook's folder and the network are out of reach; the answers still pass. The
    probes run in test_relu's cell, which then fails with what they found as its message."""
    monkeypatch.setenv("NNFS_TEST_TOKEN", MARKERS["pgpass"])
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "notes.txt").write_text(MARKERS["victim"])
    nb = nbformat.read(str(fixture.FIXTURE_PATH), as_version=4)
    cell(nb, "test_relu").source = PROBE + "\n".join([
        "PROBES.append(f'TOKEN {os.environ.get(\"NNFS_TEST_TOKEN\")}')",
        f"probe('neighbour', lambda: read({str(folder / 'notes.txt')!r}))",
        "probe('listing', lambda: os.listdir('..'))",
        f"probe('tcp-connect', lambda: socket.create_connection(('127.0.0.1', "
        f"{listeners['tcp'].getsockname()[1]}), timeout=5))",
        "raise AssertionError(' | '.join(PROBES))",
    ])
    path = folder / f"{NAME}.ipynb"
    nbformat.write(nb, str(path))
    checks = {check.grade_id: check for check in validate_notebook(path, sandbox=True).checks}
    assert checks["test_softmax"].passed
    found = checks["test_relu"].message
    seen = dict(re.findall(r"PROBE (\S+) (errno \d+|GOT .*?)(?: \||$)", found))
    assert "TOKEN None" in found and MARKERS["pgpass"] not in found, found
    if landlock_abi():
        assert seen["neighbour"] == "errno 13" and seen["listing"] == "errno 13", found
        assert MARKERS["victim"] not in found
    if seccomp_available() or landlock_abi() >= 4:
        assert seen["tcp-connect"] == "errno 13", found
    assert nothing_arrived(listeners) == []
