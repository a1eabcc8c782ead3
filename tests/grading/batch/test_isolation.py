"""Grading a class safely: parallel isolated workers, limits, bad submissions, re-runs.

One course (the fixture notebook ``00_mini``: test_relu 2 points, test_softmax 3) grades a
batch of bad submissions with 2 workers and small limits. Every expectation is a score
read back from the gradebook or the CSV, and a reason; no bad submission may stop the
batch or change another student's grade.
"""
import csv
import re
import shutil
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from grading.batch import pipeline
from grading.batch.pipeline import Grader
from grading.cli.commands import main
from grading.course import find_notebooks, find_submissions
from grading.gradebook.session import Gradebook, read_csv
from grading.limits import GiB, MiB, Limits
from grading.records import WorkerResult
from grading.sandbox.landlock import landlock_abi
from grading_fixture import fixture, fixture_course, NAME, TOTAL, read_nb, cell, hidden_code_lines

pytestmark = pytest.mark.slow

#: Small limits, so that the endless loops end quickly, with room for a loaded machine: an
#: honest cell takes well under a second (``cell_timeout``), a whole honest notebook a few
#: seconds (``timeout``, kernel start included). The fixture's kernel needs about 0.9 GiB of
#: address space (numpy, ipykernel's threads).
LIMITS = Limits(timeout=20, cell_timeout=10, memory=int(1.5 * GiB))
#: The "slow" student's cells: each within the per-cell limit (4 s to spare), together past
#: the notebook's limit (however fast the rest of the notebook runs).
SLOW_CELLS, SLOW_SECONDS = 4, 6.0
assert SLOW_SECONDS < LIMITS.cell_timeout - 3 and SLOW_CELLS * SLOW_SECONDS > LIMITS.timeout
#: A daemon that a submission starts and that must not outlive its grading.
DAEMON_SECONDS = 737


def index(nb, grade_id):
    return nb.cells.index(cell(nb, grade_id))


class Class:
    """Builds a class's submissions: the released notebook, answered by each student."""

    def __init__(self, folder, released):
        self.folder = Path(folder)
        self.released = released

    def solved(self):
        """The released notebook with the correct answers: what a good student submits."""
        nb, source = read_nb(self.released), read_nb(fixture.FIXTURE_PATH)
        for grade_id in ("relu", "softmax"):
            cell(nb, grade_id).source = cell(source, grade_id).source
        return nb

    def unstable(self):
        nb = self.solved()
        softmax = cell(nb, "softmax")
        softmax.source = softmax.source.replace(fixture.STABLE_SOFTMAX_LINE, fixture.UNSTABLE_SOFTMAX_LINE)
        return nb

    def submit(self, student, nb=None, *, text=None, filename=f"{NAME}.ipynb", extra=None):
        folder = self.folder / student / NAME
        folder.mkdir(parents=True, exist_ok=True)
        if text is not None:
            (folder / filename).write_text(text)
        elif nb is not None:
            nbformat.write(nb, str(folder / filename))
        for name, content in (extra or {}).items():
            (folder / name).write_text(content)
        return folder


def released_class(tmp_path):
    """(the notebooks' folder, the course, an empty Class) for the fixture notebook released in tmp_path."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copyfile(fixture.FIXTURE_PATH, notebooks / f"{NAME}.ipynb")
    course = tmp_path / "course"
    released = Grader(course).release(find_notebooks(notebooks))[NAME]
    return notebooks, course, Class(tmp_path / "subs", released)


def bad_class(klass, course):
    """The batch: name -> (expected score, regex the status must match)."""
    expected = {}
    klass.submit("alice", klass.solved())
    expected["alice"] = (TOTAL, r"^graded$")

    nb = klass.solved()  # endless loop in an answer cell: interrupted at the per-cell limit
    cell(nb, "relu").source = "while True:\n    pass"
    klass.submit("loop", nb)
    expected["loop"] = (3, r"relu: CellTimeoutError")

    nb = klass.solved()  # memory hog: MemoryError at the kernel's limit, the rest goes on
    cell(nb, "relu").source = (
        "def relu(x):\n    hog = [bytearray(64 * 2**20) for _ in range(200)]\n    return np.maximum(0.0, x)")
    klass.submit("hog", nb)
    expected["hog"] = (3, r"test_relu: MemoryError \(memory limit 1.5 GiB\)")

    nb = klass.solved()
    cell(nb, "relu").source = "def relu(x)\n    return np.maximum(0.0, x)"
    klass.submit("syntax", nb)
    expected["syntax"] = (3, r"^graded$")

    nb = klass.solved()  # the kernel dies in softmax's cell: relu keeps its points
    cell(nb, "softmax").source = "import os\nos._exit(3)"
    klass.submit("crash", nb)
    expected["crash"] = (2, r"softmax: KernelDied .*; 1 later cell\(s\) not run")

    nb = klass.unstable()  # both test cells tampered with: edited, and deleted
    cell(nb, "test_softmax").source = "assert True"
    klass.submit("edit", nb)
    expected["edit"] = (2, r"^graded$")
    nb = klass.unstable()
    nb.cells.remove(cell(nb, "test_softmax"))
    klass.submit("delete", nb)
    expected["delete"] = (2, r"^graded$")

    nb = klass.unstable()  # the failing test cell turned into Markdown
    test = cell(nb, "test_softmax")
    nb.cells[index(nb, "test_softmax")] = new_markdown_cell(test.source, metadata=test.metadata)
    klass.submit("markdown", nb)
    expected["markdown"] = (2, r"^graded$")

    nb = klass.unstable()  # the failing test renamed, the other test cell duplicated
    cell(nb, "test_softmax").metadata.nbgrader["grade_id"] = "my_softmax_test"
    test_relu = cell(nb, "test_relu")
    copy = nbformat.from_dict(dict(test_relu))
    copy["id"] = "copy-of-test-relu"
    nb.cells.insert(index(nb, "test_relu"), copy)
    klass.submit("rename", nb)
    expected["rename"] = (2, r"^graded$")

    klass.submit("garbage", text="{ this is not JSON")
    expected["garbage"] = (0, r"failed to process: 00_mini.ipynb is not a valid notebook")
    klass.submit("nobook", klass.solved(), filename="Untitled.ipynb")
    expected["nobook"] = (0, rf"failed to process: no {NAME}.ipynb in the submission \(found: Untitled.ipynb\)")

    # a module next to the notebook must not shadow numpy
    klass.submit("extra", klass.solved(), extra={"numpy.py": "raise ImportError('shadowed')\n",
                                                 "notes.txt": "my notes"})
    expected["extra"] = (TOTAL, r"^graded$")

    nb = klass.solved()  # writes into the gradebook and the source, starts a daemon
    targets = ["../../../gradebook.db", f"../../../source/{NAME}/{NAME}.ipynb"]
    if landlock_abi():
        targets += [str(course / "gradebook.db"), str(course / "source" / NAME / f"{NAME}.ipynb")]
    nb.cells.insert(index(nb, "relu"), new_code_cell(
        "import subprocess, sys\n"  # Python itself: the sandbox runs no system program
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep({DAEMON_SECONDS})'], "
        "start_new_session=True)\n"
        f"for target in {targets!r}:\n"
        "    try:\n"
        "        with open(target, 'w') as handle:\n"
        "            handle.write('overwritten by a student')\n"
        "        print('WROTE', target)\n"
        "    except OSError as exc:\n"
        "        print('DENIED', target, type(exc).__name__)\n"
    ))
    klass.submit("writer", nb)
    expected["writer"] = (TOTAL, r"^graded$")

    nb = klass.solved()  # ignores SIGINT: the kernel is killed, the cells after it not run
    cell(nb, "softmax").source = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    klass.submit("sigint", nb)
    expected["sigint"] = (2, r"softmax: CellTimeoutError \(.*did not stop when interrupted.*\); "
                             r"1 later cell\(s\) not run")

    nb = klass.solved()  # every cell within the per-cell limit, the notebook not
    at = index(nb, "test_relu") + 1
    for _ in range(SLOW_CELLS):
        nb.cells.insert(at, new_code_cell(f"import time\ntime.sleep({SLOW_SECONDS})"))
    klass.submit("slow", nb)
    expected["slow"] = (2, rf"later cell\(s\) not run \(the notebook used up its time limit of {LIMITS.timeout} s\)")
    return expected


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("isolation")
    grader, notebooks, released = fixture_course(root, limits=LIMITS, jobs=2)
    course = root / "course"
    source_before = (course / "source" / NAME / f"{NAME}.ipynb").read_bytes()
    klass = Class(root / "submissions", released)
    expected = bad_class(klass, course.resolve())
    results = grader.autograde_all(find_submissions(klass.folder), find_notebooks(notebooks))
    feedback = grader.feedback()
    return {"grader": grader, "results": {r.student: r for r in results}, "expected": expected,
            "klass": klass, "notebooks": notebooks, "feedback": feedback,
            "source_before": source_before, "course": course}


def test_every_submission_is_graded_or_zeroed_with_its_reason(graded):
    results, expected = graded["results"], graded["expected"]
    assert set(results) == set(expected)
    problems = []
    for student, (score, status) in expected.items():
        result = results[student]
        if (result.score, result.max_score) != (score, TOTAL) or not re.search(status, result.status):
            problems.append(f"{student}: {result.score}/{result.max_score} {result.status!r}; "
                            f"expected {score} and /{status}/")
        assert not result.infrastructure, f"{student}: {result.status}"
    assert not problems, "\n".join(problems)


def test_scores_in_the_gradebook_and_the_csv(graded):
    grader = graded["grader"]
    rows = {row["student_id"]: float(row["score"]) for row in read_csv(grader.layout.grades_csv)}
    assert rows == {student: float(score) for student, (score, _) in graded["expected"].items()}
    cells = Gradebook(grader.layout.db_url).cell_scores("crash", NAME)
    assert cells == {"test_relu": (2.0, 2.0), "test_softmax": (0.0, 3.0)}
    with open(grader.layout.grading_report, newline="") as handle:
        report = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert report["hog"]["outcome"] == "limited" and "MemoryError" in report["hog"]["reason"]
    assert report["garbage"]["outcome"] == "zeroed" and "not a valid notebook" in report["garbage"]["reason"]
    assert report["alice"]["outcome"] == "graded" and report["alice"]["reason"] == ""


def test_tampering_is_noted_and_undone(graded):
    notes = {student: " | ".join(r.notes) for student, r in graded["results"].items()}
    assert notes["alice"] == ""
    assert "test cell test_softmax was edited; the released version is graded" in notes["edit"]
    assert "test cell test_softmax was deleted; it was put back and graded" in notes["delete"]
    assert "test cell test_softmax was changed from code to markdown" in notes["markdown"]
    assert "grade_id 'my_softmax_test', which the assignment does not have" in notes["rename"]
    assert "grade_id test_relu appears 2 times" in notes["rename"]
    assert "extra files not used for grading: notes.txt, numpy.py" in notes["extra"]


def test_a_submission_cannot_write_into_the_course(graded):
    course = graded["course"]
    assert (course / "source" / NAME / f"{NAME}.ipynb").read_bytes() == graded["source_before"]
    nb = read_nb(graded["grader"].layout.autograded_notebook("writer", NAME))
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    if landlock_abi():  # denied, by relative and by absolute path
        assert "WROTE" not in printed, printed
        assert "DENIED ../../../gradebook.db PermissionError" in printed, printed
        assert f"DENIED {course.resolve() / 'gradebook.db'} PermissionError" in printed, printed
    else:  # nothing stops it, but it reaches only the worker's private copy of the course
        assert "WROTE ../../../gradebook.db" in printed and "DENIED" not in printed, printed
    # the real gradebook still holds everyone's grades (checked against the CSV above)
    assert Gradebook(graded["grader"].layout.db_url).submission_score("alice", NAME) == (TOTAL, TOTAL)


def test_no_process_outlives_its_grading(graded):
    leftovers = [p for p in psutil.process_iter(["cmdline"])
                 if f"time.sleep({DAEMON_SECONDS})" in " ".join(p.info["cmdline"] or [])]
    assert not leftovers


def test_feedback_shows_results_never_hidden_tests(graded):
    feedback = graded["feedback"]
    expected = graded["expected"]
    assert set(feedback) == {(student, NAME) for student in expected}
    hidden = hidden_code_lines()
    for (student, _), path in feedback.items():
        text = path.read_text()
        assert "HIDDEN TESTS" not in text
        for line in hidden:
            assert line not in text, f"hidden test code {line!r} in {student}'s feedback"
    crash = feedback[("crash", NAME)].read_text()
    assert "KernelDied" in crash and "not run: the kernel died in an earlier cell" in crash
    garbage = feedback[("garbage", NAME)].read_text()
    assert "could not be graded" in garbage and "not a valid notebook" in garbage


def test_rerun_skips_unchanged_and_grades_a_late_submission(graded, monkeypatch):
    grader, klass = graded["grader"], graded["klass"]
    before = Gradebook(grader.layout.db_url).all_scores()
    mtimes = {s: grader.layout.autograded_notebook(s, NAME).stat().st_mtime_ns
              for s in ("alice", "crash")}
    klass.submit("zoe", klass.unstable())  # late
    workers = []  # the job folder of each worker started: only the late submission's
    real_run = pipeline.run_isolated
    monkeypatch.setattr(pipeline, "run_isolated", lambda directory, *args, **kwargs: (
        workers.append(directory.name), real_run(directory, *args, **kwargs))[1])
    results = {r.student: r for r in grader.autograde_all(find_submissions(klass.folder),
                                                         find_notebooks(graded["notebooks"]))}
    monkeypatch.undo()
    assert len(workers) == 1 and workers[0].startswith(f"zoe-{NAME}-"), workers
    assert [s for s, r in results.items() if not r.skipped] == ["zoe"]
    assert results["zoe"].score == 2 and results["zoe"].status == "graded"
    assert all(r.status.startswith("unchanged") for s, r in results.items() if s not in ("zoe", "garbage", "nobook"))
    assert results["garbage"].status.startswith("failed to process: ") and results["garbage"].skipped
    after = {(r.student, r.score) for r in Gradebook(grader.layout.db_url).all_scores()}
    assert after == {(r.student, r.score) for r in before} | {("zoe", 2.0)}
    assert mtimes == {s: grader.layout.autograded_notebook(s, NAME).stat().st_mtime_ns
                      for s in ("alice", "crash")}
    # a changed submission is graded again
    klass.submit("alice", klass.unstable())
    results = grader.autograde_all(find_submissions(klass.folder, [NAME]), {})
    changed = [r for r in results if not r.skipped]
    assert [(r.student, r.score) for r in changed] == [("alice", 2.0)]

    # a failure of the grading machinery keeps the previous result, and is tried again
    klass.submit("alice", klass.solved())
    monkeypatch.setattr(Grader, "_run_job", lambda self, job, root, cancel: WorkerResult.failure(
        "the worker exploded", infrastructure=True))
    [alice] = [r for r in grader.autograde_all(find_submissions(klass.folder, [NAME]), {}) if not r.skipped]
    assert alice.infrastructure and alice.score == 2.0
    assert Gradebook(grader.layout.db_url).submission_score("alice", NAME) == (2.0, TOTAL)
    monkeypatch.undo()
    [alice] = [r for r in grader.autograde_all(find_submissions(klass.folder, [NAME]), {}) if not r.skipped]
    assert (alice.student, alice.score, alice.status) == ("alice", TOTAL, "graded")


def test_hard_limits_kill_the_whole_run(tmp_path):
    """When the worker's own limits cannot stop a run, the supervisor kills it with all its
    processes: past the hard time limit, or when they hold too much memory together."""
    _, course, klass = released_class(tmp_path)

    nb = klass.solved()  # so large that preparing it outlasts the limits: killed at 2 s
    nb.cells += [new_markdown_cell(f"padding {i}") for i in range(60_000)]
    klass.submit("huge", nb)
    tight = Limits(timeout=1, cell_timeout=1, grace=1, memory=int(1.5 * GiB))
    [result] = Grader(course, limits=tight).autograde_all(find_submissions(klass.folder), {})
    assert re.fullmatch(r"failed to process: killed after 2 s: the whole-notebook time limit .*",
                        result.status), result.status
    assert result.score == 0 and not result.infrastructure
    shutil.rmtree(klass.folder / "huge")

    nb = klass.solved()  # three processes of 800 MB, each one within the kernel's limit
    cell(nb, "relu").source = (
        "import subprocess, sys, time\n"
        "code = \"b = b'x' * (800 * 2**20); import time; time.sleep(60)\"\n"
        "procs = [subprocess.Popen([sys.executable, '-c', code]) for _ in range(3)]\n"
        "time.sleep(25)\n"
        "def relu(x):\n    return np.maximum(0.0, x)")
    klass.submit("forker", nb)
    roomy = Limits(timeout=30, cell_timeout=30, grace=5, memory=int(1.5 * GiB), worker_memory=384 * MiB)
    results = Grader(course, limits=roomy).autograde_all(find_submissions(klass.folder), {})
    result = {r.student: r for r in results}["forker"]
    assert re.fullmatch(r"failed to process: killed: its processes used more than 1.88 GiB of memory.*",
                        result.status), result.status
    # the reason says which limit fired: the memory, well before the time limit (35 s)
    assert result.score == 0 and not result.infrastructure
    assert not [p for p in psutil.process_iter(["cmdline"]) if "time.sleep(60)" in " ".join(p.info["cmdline"] or [])]


def test_cli_jobs_force_and_limits(tmp_path, capsys):
    notebooks, course, klass = released_class(tmp_path)
    klass.submit("alice", klass.solved())
    klass.submit("bob", klass.unstable())
    argv = ["autograde", str(klass.folder), "--course", str(course), "--notebooks-dir", str(notebooks),
            "--jobs", "2", "--timeout", "60", "--cell-timeout", "20", "--memory-limit", "1.5G"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert re.search(rf"alice\s+{NAME}\s+5 / 5\s+graded", out)
    assert re.search(rf"bob\s+{NAME}\s+2 / 5\s+graded", out)
    assert "2 graded, 0 skipped (unchanged), 0 failed to process" in out
    assert main(argv) == 0
    assert "0 graded, 2 skipped (unchanged), 0 failed to process" in capsys.readouterr().out
    assert main(argv + ["--force"]) == 0
    assert "2 graded, 0 skipped (unchanged), 0 failed to process" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(argv[:6] + ["--memory-limit", "lots"])
    assert exc.value.code == 2
    assert "not a size: 'lots'" in capsys.readouterr().err
