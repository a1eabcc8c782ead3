"""Fast tests of the grading tooling's parts (nbgrader never executes a notebook here)."""
import re
import shlex
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from grading.cli import commands as cli
from grading.cli import demo
from grading.course import (REPO_ROOT, CourseError, CourseLayout, Submission, add_student_copies, copy_submission,
                            find_notebooks, find_submissions)
from grading.execute.kernels import GradingKernelSpecManager
from grading.execute.preprocessors import HideTestInternals, StderrToStdout, hidden_test_lines
from grading.gradebook.report import grades_matrix, grading_table
from grading.gradebook.scores import ScoreRow
from grading.limits import GiB, Limits
from grading.nbgrader_glue.api import failure_reason
from grading.records import GradeResult
from grading_fixture import fixture


def graded_cell(source, outputs, *, solution=False):
    meta = {"grade": True, "solution": solution, "locked": True, "schema_version": 3,
            "grade_id": "t", "points": 2}
    return new_code_cell(source, metadata={"nbgrader": meta}, outputs=outputs)


def run(preprocessor, nb):
    return preprocessor.preprocess(nb, {})[0]


# -- fixture ---------------------------------------------------------------------

def test_committed_fixture_matches_its_builder():
    committed = nbformat.read(str(fixture.FIXTURE_PATH), as_version=4)
    built = fixture.build_notebook()
    assert [(c.cell_type, c.source, c.metadata) for c in committed.cells] == \
        [(c.cell_type, c.source, c.metadata) for c in built.cells]


# -- preprocessors ---------------------------------------------------------------

def test_stderr_of_graded_cells_becomes_stdout():
    warning = new_output("stream", name="stderr", text="UserWarning: careful\n")
    plain = new_code_cell("x = 1", outputs=[new_output("stream", name="stderr", text="ungraded\n")])
    nb = run(StderrToStdout(), new_notebook(cells=[graded_cell("assert True", [warning]), plain]))
    assert nb.cells[0].outputs[0].name == "stdout"
    assert nb.cells[0].outputs[0].text == "UserWarning: careful\n"
    assert nb.cells[1].outputs[0].name == "stderr"  # only graded cells are touched


SOURCE = (
    "assert f(1) == 1, 'f(1) should be 1'\n"
    "### BEGIN HIDDEN TESTS\n"
    "warnings.warn('secret')\n"
    "assert f(2) == 4, 'f is wrong for 2'\n"
    "### END HIDDEN TESTS"
)


def test_hidden_test_lines():
    assert hidden_test_lines(SOURCE) == {"warnings.warn('secret')", "assert f(2) == 4, 'f is wrong for 2'"}


def test_feedback_shows_only_the_error_message_and_no_hidden_code():
    error = new_output("error", ename="AssertionError", evalue="f is wrong for 2",
                       traceback=["----", "AssertionError  Traceback", "----> 4 assert f(2) == 4, 'f is wrong for 2'"])
    stream = new_output("stream", name="stdout",
                        text="cell.py:3: UserWarning: secret\n  warnings.warn('secret')\n")
    nb = run(HideTestInternals(), new_notebook(cells=[graded_cell(SOURCE, [stream, error])]))
    stream, error = nb.cells[0].outputs
    assert error.traceback == ["AssertionError: f is wrong for 2"]
    assert stream.text == "cell.py:3: UserWarning: secret\n"
    assert "BEGIN HIDDEN TESTS" in nb.cells[0].source  # ClearHiddenTests removes it afterwards


def test_feedback_leaves_answer_cells_alone():
    error = new_output("error", ename="ValueError", evalue="bad", traceback=["line 1", "line 2"])
    nb = run(HideTestInternals(), new_notebook(cells=[graded_cell("def f(): ...", [error], solution=True)]))
    assert nb.cells[0].outputs[0].traceback == ["line 1", "line 2"]


def test_python3_kernel_is_the_grading_interpreter():
    spec = GradingKernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[0] == sys.executable
    assert spec.argv[1:3] == ["-m", "ipykernel_launcher"]


# -- course layout and copying -----------------------------------------------------

def test_find_notebooks(tmp_path):
    for name in ("02_b", "01_a"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    assert list(find_notebooks(tmp_path)) == ["01_a", "02_b"]
    assert list(find_notebooks(tmp_path, ["02_b"])) == ["02_b"]
    with pytest.raises(CourseError, match="03_c"):
        find_notebooks(tmp_path, ["03_c"])
    assert find_notebooks(tmp_path / "missing") == {}


def test_add_student_copies_never_overwrites(tmp_path):
    released = {}
    for name in ("01_a", "02_b"):
        released[name] = tmp_path / f"release_{name}.ipynb"
        released[name].write_text(f"released {name}")
    dest = tmp_path / "student"
    dest.mkdir()
    (dest / "01_a.ipynb").write_text("my work")
    added, kept = add_student_copies(released, dest)
    assert added == [dest / "02_b.ipynb"] and kept == [dest / "01_a.ipynb"]
    assert (dest / "01_a.ipynb").read_text() == "my work"
    assert (dest / "02_b.ipynb").read_text() == "released 02_b"


def test_submissions_are_found_and_copied_not_linked(tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice" / "01_a").mkdir(parents=True)
    (subs / "alice" / "01_a" / "01_a.ipynb").write_text("alice's")
    (subs / "alice" / ".ipynb_checkpoints").mkdir()
    (subs / "bob" / "02_b").mkdir(parents=True)
    (subs / "bob" / "02_b" / "Untitled.ipynb").write_text("?")
    (subs / "notes.txt").write_text("not a student")
    found = find_submissions(subs)
    assert [(s.student, s.assignment) for s in found] == [("alice", "01_a"), ("bob", "02_b")]
    assert find_submissions(subs, ["02_b"]) == [found[1]]
    assert found[1].other_notebooks() == ["Untitled.ipynb"]

    layout = CourseLayout(tmp_path / "course")
    stale = layout.submitted_dir("alice", "01_a") / "stale.txt"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    dest = copy_submission(layout, found[0])
    copied = dest / "01_a.ipynb"
    assert copied.read_text() == "alice's" and not copied.is_symlink() and not stale.exists()
    # grading the course's own submitted/ folder leaves it in place
    assert copy_submission(layout, Submission("alice", "01_a", dest)) == dest
    assert copied.exists()
    with pytest.raises(CourseError):
        find_submissions(tmp_path / "nowhere")


def test_db_url_is_absolute_sqlite_with_timeout(tmp_path):
    url = CourseLayout(tmp_path / "c").db_url
    assert url == f"sqlite:///{(tmp_path / 'c').resolve()}/gradebook.db?timeout=60"


# -- results and tables ------------------------------------------------------------

ALEMBIC_LOG = """[INFO] Updating/creating assignment '00_mini': {}
[ERROR] There was an error processing assignment: /c/source/./00_mini
[ERROR] Traceback (most recent call last):
      File "base.py", line 386, in convert_notebooks
        self.init_assignment(gd['assignment_id'], gd['student_id'])
    FileNotFoundError: [Errno 2] No such file or directory: 'alembic'

[ERROR] There was an error processing assignment '00_mini' for student '.'
[ERROR] Please see the the above traceback for details on the specific errors on the above failures.
"""


def test_failure_reason_picks_the_informative_message():
    assert failure_reason({"log": ALEMBIC_LOG, "error": "Traceback\nNbGraderException: x"}) == \
        "FileNotFoundError: [Errno 2] No such file or directory: 'alembic'"
    timeout = "[INFO] hi\n[ERROR] Timeout waiting for execute reply (120s).\n" + ALEMBIC_LOG
    assert failure_reason({"log": timeout}) == "Timeout waiting for execute reply (120s)."
    assert failure_reason({"success": False, "error": "Traceback\nValueError: y"}) == "ValueError: y"


def test_tables():
    results = [GradeResult("alice", "01_a", 5.0, 5.0), GradeResult("zoe", "01_a", 0.0, 5.0, problem="bad")]
    table = grading_table(results)
    assert re.search(r"alice\s+01_a\s+5 / 5\s+graded", table)
    assert re.search(r"zoe\s+01_a\s+0 / 5\s+failed to process: bad", table)
    matrix = grades_matrix([
        ScoreRow("alice", "01_a", 5.0, 5.0, True), ScoreRow("alice", "02_b", 1.5, 3.0, True),
        ScoreRow("bob", "01_a", 0.0, 5.0, False), ScoreRow("bob", "02_b", 3.0, 3.0, True),
    ])
    assert re.search(r"student\s+01_a \(/5\)\s+02_b \(/3\)\s+total", matrix)
    assert re.search(r"alice\s+5\s+1.5\s+6.5 / 8", matrix)
    assert re.search(r"bob\s+-\s+3\s+3 / 8", matrix)


# -- demo mistakes -----------------------------------------------------------------

def test_apply_mistakes_to_a_solution_cell():
    nb = fixture.build_notebook()
    demo.apply_mistakes(nb, [("softmax", fixture.STABLE_SOFTMAX_LINE, fixture.UNSTABLE_SOFTMAX_LINE)])
    softmax = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "softmax")
    assert fixture.UNSTABLE_SOFTMAX_LINE in softmax.source
    assert fixture.STABLE_SOFTMAX_LINE not in softmax.source


@pytest.mark.parametrize("mistake, message", [
    (("softmax", "no such text", "x"), "does not contain"),
    (("nonexistent", "a", "b"), "no cell with grade_id"),
    (("test_relu", "relu", "x"), "not a solution cell"),
])
def test_stale_mistakes_are_errors(mistake, message):
    with pytest.raises(demo.MistakeError, match=message):
        demo.apply_mistakes(fixture.build_notebook(), [mistake])


def test_demo_mistakes_table_matches_the_real_notebooks():
    """Every MISTAKES entry must still apply to notebooks/ (a stale table fails here)."""
    notebooks = find_notebooks(REPO_ROOT / "notebooks")
    for name, mistakes in demo.MISTAKES.items():
        if name in notebooks:
            demo.notebook_with_mistakes(notebooks[name], mistakes)
        else:
            assert not mistakes, f"MISTAKES has entries for {name}, which has no notebook"


def test_demo_without_notebooks_says_so(tmp_path):
    lines = []
    assert demo.run_demo(tmp_path / "empty", tmp_path / "demo", out=lines.append) == 0
    assert "nothing to demonstrate" in lines[0]
    assert not (tmp_path / "demo").exists()


def test_demo_refuses_to_wipe_a_foreign_folder(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / f"{fixture.FIXTURE_NAME}.ipynb").write_bytes(fixture.FIXTURE_PATH.read_bytes())
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(CourseError, match="not made by the demo"):
        demo.run_demo(tmp_path / "notebooks", tmp_path / "mine", out=lambda line: None)
    assert (tmp_path / "mine" / "thesis.tex").exists()


# -- command line --------------------------------------------------------------------

def test_every_make_target_command_parses():
    makefile = (REPO_ROOT / "Makefile").read_text()
    commands = re.findall(r"-m grading (.+)", makefile)
    assert len(commands) >= 7
    names = set()
    for command in commands:
        argv = shlex.split(re.sub(r"\$\((\w+)\)", r"VALUE_\1", command))
        args = cli.build_parser().parse_args(argv)
        names.add(args.command)
    assert names == set(cli.COMMANDS)


def test_autograde_exit_status_only_fails_for_infrastructure(tmp_path, monkeypatch, capsys):
    from grading.batch import pipeline

    (tmp_path / "subs" / "alice" / "01_a").mkdir(parents=True)
    outcome = [GradeResult("alice", "01_a", 0.0, 5.0, problem="not a valid notebook")]
    monkeypatch.setattr(pipeline.Grader, "autograde_all", lambda self, *a, **k: outcome)
    argv = ["autograde", str(tmp_path / "subs"), "--course", str(tmp_path / "course")]
    assert cli.main(argv) == 0
    outcome[0].infrastructure = True
    assert cli.main(argv) == 1
    assert "infrastructure" in capsys.readouterr().err
    assert cli.main(["autograde", str(tmp_path / "nowhere")]) == 1


def test_infrastructure_failures_are_recognised():
    from grading.nbgrader_glue.api import classify_failure, is_infrastructure

    assert is_infrastructure("sqlite3.OperationalError: database is locked")
    assert is_infrastructure("jupyter_client.kernelspec.NoSuchKernel: python3")
    assert not is_infrastructure("CellTimeoutError: No reply from kernel before timeout")
    locked = {"success": False, "log": "[ERROR] There was an error processing\n",
              "error": "Traceback\nsqlite3.OperationalError: database is locked"}
    assert classify_failure(locked) == ("sqlite3.OperationalError: database is locked", True)
    timeout = {"success": False, "log": "[ERROR] Timeout waiting for execute reply (120s).\n"}
    assert classify_failure(timeout) == ("Timeout waiting for execute reply (120s).", False)


def test_validate_missing_notebook_is_an_error(tmp_path, capsys):
    assert cli.main(["validate", str(tmp_path / "nope.ipynb")]) == 1
    assert "no notebook" in capsys.readouterr().err


# -- student versions of the real notebooks ----------------------------------------

def _student_version(path):
    """What generate_assignment does to the code: solutions stubbed, hidden tests removed."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    nb = nbformat.read(str(path), as_version=4)
    for preprocessor in (ClearSolutions(), ClearHiddenTests()):
        nb, _ = preprocessor.preprocess(nb, {})
    return nb


@pytest.mark.parametrize(
    "path", [fixture.FIXTURE_PATH, *find_notebooks(REPO_ROOT / "notebooks").values()],
    ids=lambda path: path.stem,
)
def test_student_version_compiles(path):
    """A blank student version must run into NotImplementedError, not a SyntaxError:
    code after an END SOLUTION marker has to be valid once the solution is stubbed."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    transform = TransformerManager().transform_cell
    problems = []
    for cell in _student_version(path).cells:
        if cell.cell_type != "code":
            continue
        try:
            ast.parse(transform(cell.source))
        except SyntaxError as exc:
            name = cell.metadata.get("nbgrader", {}).get("grade_id", cell.get("id", "?"))
            problems.append(f"cell {name}: {exc.msg} (line {exc.lineno})")
    assert not problems, f"student version of {path.name} does not compile: {problems}"


# -- limits, database URLs, sanitizing -------------------------------------------------

def test_sizes_and_limits():
    from grading.limits import MiB, format_size, parse_size

    assert parse_size("3G") == 3 * GiB and parse_size("1.5GiB") == int(1.5 * GiB)
    assert parse_size("800M") == 800 * MiB and parse_size("4096") == 4096
    for bad in ("lots", "-1G", "0", "3 X"):
        with pytest.raises(ValueError):
            parse_size(bad)
    assert format_size(int(1.875 * GiB)) == "1.88 GiB" and format_size(3 * GiB) == "3 GiB"
    limits = Limits(timeout=300, grace=60)
    assert limits.hard_timeout(2) == 660 and limits.tree_memory == limits.memory + limits.worker_memory
    with pytest.raises(ValueError):
        Limits(timeout=0)


def test_database_urls(tmp_path):
    from grading.gradebook.database import normalize_db_url

    try:  # SQLAlchemy 2.1's default driver; the pinned one is psycopg2
        import psycopg  # noqa: F401
        plain = "postgresql"
    except ImportError:
        plain = "postgresql+psycopg2"
    assert normalize_db_url("postgres://u@h:5/db") == f"{plain}://u@h:5/db"
    assert normalize_db_url("postgresql://u@h/db") == f"{plain}://u@h/db"
    assert normalize_db_url("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert normalize_db_url("sqlite:////x/g.db") == "sqlite:////x/g.db"
    layout = CourseLayout(tmp_path / "c", "postgresql://u@h/db")
    assert layout.db_url == f"{plain}://u@h/db" and layout.gradebook_exists()
    assert not CourseLayout(tmp_path / "c").gradebook_exists()


def test_server_gradebook_gets_a_course_id(tmp_path):
    from grading.nbgrader_glue.api import load_config

    assert load_config(CourseLayout(tmp_path)).CourseDirectory.get("course_id") is None
    config = load_config(CourseLayout(tmp_path, "postgresql://u@h/db"))
    assert config.CourseDirectory.course_id == "default_course"


def test_root_nbgrader_config_does_not_reach_the_grading_command(tmp_path, monkeypatch):
    """python -m grading loads grading/nbgrader_config.py explicitly, wherever it runs."""
    from grading.nbgrader_glue.api import load_config

    monkeypatch.chdir(REPO_ROOT)
    from_root = load_config(CourseLayout(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert load_config(CourseLayout(tmp_path)) == from_root
    text = (REPO_ROOT / "nbgrader_config.py").read_text()
    assert "apply_validation_settings" in text and "Autograde" not in text


def _release_like():
    nb = fixture.build_notebook()
    for c in nb.cells:
        c.metadata.nbgrader["checksum"] = "abc"
    return nb


def test_sanitize_notes_and_restores_the_grading_structure():
    from grading.worker.sanitize import sanitize

    release = _release_like()
    assert sanitize(fixture.build_notebook(), release) == []

    nb = fixture.build_notebook()
    tests = {c.metadata.nbgrader["grade_id"]: c for c in nb.cells}
    tests["test_relu"].source = "assert True"
    tests["test_relu"].metadata.nbgrader["points"] = 100
    tests["softmax"].cell_type = "markdown"
    tests["test_softmax"].metadata.nbgrader["grade_id"] = "renamed"
    nb.cells.remove(tests["ex1_text"])
    duplicate = nbformat.from_dict(dict(tests["imports"]))
    duplicate["id"] = "copy-of-imports"
    nb.cells.insert(0, duplicate)
    notes = sanitize(nb, release)
    assert "test cell test_relu was edited; the released version is graded" in notes
    assert "the nbgrader metadata of test cell test_relu was changed; restored" in notes
    assert "answer cell softmax was changed from code to markdown; it is graded as code" in notes
    assert any("grade_id 'renamed', which the assignment does not have" in n for n in notes)
    assert "test cell test_softmax was deleted; it was put back and graded" in notes
    assert "read-only cell ex1_text was deleted; it is missing" in notes
    assert "grade_id imports appears 2 times; only the last copy is graded" in notes
    # restored: points from the release, no nbgrader metadata on the renamed cell or the
    # first copy of a duplicate (nbgrader 0.9.6 crashes on the '{}' its DeduplicateIds leaves)
    assert tests["test_relu"].metadata.nbgrader["points"] == 2
    assert "nbgrader" not in tests["test_softmax"].metadata
    assert "nbgrader" not in duplicate.metadata and "nbgrader" in tests["imports"].metadata


def test_sanitize_puts_moved_test_cells_back_where_they_were_released():
    """A test cell moved below later tests (or above its exercise) is graded where it was released, with a
    note: a test runs when its exercise is defined, never after later tests lent their building blocks."""
    from grading.worker.sanitize import sanitize

    release = _release_like()
    order = [c.metadata.nbgrader["grade_id"] for c in release.cells]
    tests = [grade_id for grade_id in order if grade_id.startswith("test_")]
    assert len(tests) >= 2
    nb = fixture.build_notebook()
    first = next(c for c in nb.cells if c.metadata.nbgrader["grade_id"] == tests[0])
    nb.cells.remove(first)
    nb.cells.append(first)                                   # moved to the very end
    last = next(c for c in nb.cells if c.metadata.nbgrader["grade_id"] == tests[-1])
    nb.cells.remove(last)
    nb.cells.insert(0, last)                                 # moved above everything
    notes = sanitize(nb, release)
    assert [c.metadata.nbgrader["grade_id"] for c in nb.cells] == order
    before = {grade_id: order[order.index(grade_id) - 1] for grade_id in (tests[0], tests[-1])}
    assert sorted(notes) == sorted(f"test cell {t} was moved; it is graded where it was released, after {b}"
                                   for t, b in before.items())


def test_feedback_clears_the_hidden_tests_and_leaves_a_students_markers_alone():
    """An answer that quotes nbgrader's hidden-tests marker (unpaired, in a written answer or a comment) is the
    student's text: the feedback shows it as written instead of failing ("No end hidden tests statement
    found"); the test cells' hidden tests are still removed."""
    from grading.execute.preprocessors import ClearHiddenTestsOfTestCells

    test = nbformat.v4.new_code_cell("checks.check_relu(relu)\n### BEGIN HIDDEN TESTS\nchecks.check_relu(relu, "
                                     "shape=(9, 2))\n### END HIDDEN TESTS")
    test.metadata.nbgrader = {"grade": True, "solution": False, "grade_id": "test_relu", "points": 1}
    written = "Hidden tests start at `### BEGIN HIDDEN TESTS`, I read."
    answer = nbformat.v4.new_markdown_cell(written)
    answer.metadata.nbgrader = {"grade": True, "solution": True, "grade_id": "q1", "points": 1}
    code = nbformat.v4.new_code_cell("def relu(Z):\n    # ### BEGIN HIDDEN TESTS\n    return Z * (Z > 0)")
    code.metadata.nbgrader = {"grade": False, "solution": True, "grade_id": "relu"}
    nb = nbformat.v4.new_notebook(cells=[code, test, answer])
    nb, _ = ClearHiddenTestsOfTestCells().preprocess(nb, {})
    assert nb.cells[1].source == "checks.check_relu(relu)"
    assert nb.cells[2].source == written and "# ### BEGIN HIDDEN TESTS" in nb.cells[0].source


def test_tree_hash_sees_content_and_names_not_hidden_files(tmp_path):
    from grading.course import tree_hash

    (tmp_path / "a.ipynb").write_text("one")
    first = tree_hash(tmp_path)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("x")
    assert tree_hash(tmp_path) == first
    (tmp_path / "a.ipynb").write_text("two")
    assert tree_hash(tmp_path) != first
    (tmp_path / "a.ipynb").write_text("one")
    (tmp_path / "b.txt").write_text("")
    assert tree_hash(tmp_path) != first


def test_limit_events_summary():
    from grading.worker.main import summarize_events

    events = [("softmax", "KernelDied", "the kernel died"), ("test_softmax", "NotRun", "not run: the kernel died in an earlier cell")]
    assert summarize_events(events) == \
        "softmax: KernelDied (the kernel died); 1 later cell(s) not run (the kernel died in an earlier cell)"
    assert summarize_events([("test_relu", "MemoryError", "")], Limits(memory=2 * GiB)) == \
        "test_relu: MemoryError (memory limit 2 GiB)"


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


# -- credentials -------------------------------------------------------------------------------

def test_no_password_on_the_command_line_or_in_the_course(tmp_path, capsys):
    """A --db-url with a password is refused (it would be in every process's view of the command
    line); a URL file is read only if no one else may read it; the formgrader's configuration in
    the course folder never holds the password."""
    from grading.course import CourseLayout
    from grading.nbgrader_glue.api import write_formgrader_config

    parser = cli.build_parser()
    with pytest.raises(SystemExit) as refused:
        parser.parse_args(["export", "--db-url", "postgresql://grader:s3cret@dbhost/course"])
    assert refused.value.code == 2 and "~/.pgpass" in capsys.readouterr().err
    assert parser.parse_args(["export", "--db-url", "postgresql://grader@dbhost/course"]).db_url == \
        "postgresql://grader@dbhost/course"
    url_file = tmp_path / "gradebook-url"
    url_file.write_text("postgresql://grader:s3cret@dbhost/course\n")
    url_file.chmod(0o644)
    with pytest.raises(SystemExit):
        parser.parse_args(["export", "--db-url-file", str(url_file)])
    assert "chmod 600" in capsys.readouterr().err
    url_file.chmod(0o600)
    args = parser.parse_args(["export", "--db-url-file", str(url_file)])
    assert args.db_url == "postgresql://grader:s3cret@dbhost/course"
    (tmp_path / "course").mkdir()
    config = write_formgrader_config(CourseLayout(tmp_path / "course", args.db_url)).read_text()
    assert "s3cret" not in config and "grader@dbhost/course" in config


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
