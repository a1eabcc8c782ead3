"""The gradebook in a real PostgreSQL server (nbgrader's ``db_url``), for shared or large
deployments: release, parallel autograde, re-run, feedback and export against it.

The tests use a throwaway server (``postgres_url``: a database of this module's own on the session's
server, tests/support/postgres_server.py), skipped without PostgreSQL's server programs or the driver
(failed in CI).
"""
import csv
import glob
import os
import shutil
import tempfile

import nbformat
import pytest

from grading.batch.pipeline import Grader
from grading.cli.commands import main
from grading.course import find_notebooks, find_submissions
from grading.gradebook.session import Gradebook, read_csv
from grading.limits import GiB, Limits
from grading_fixture import NAME, fixture, fixture_course, solved

pytestmark = pytest.mark.slow


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_class_graded_into_postgresql(postgres_url, tmp_path, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copyfile(fixture.FIXTURE_PATH, notebooks / f"{NAME}.ipynb")
    course = tmp_path / "course"
    limits = Limits(timeout=60, cell_timeout=20, memory=int(1.5 * GiB))
    grader = Grader(course, db_url=postgres_url, limits=limits, jobs=2)
    released = grader.release(find_notebooks(notebooks))[NAME]

    subs = tmp_path / "subs"
    source = nbformat.read(str(fixture.FIXTURE_PATH), as_version=4)
    for student, stable in (("alice", True), ("carol", False)):
        nb = nbformat.read(str(released), as_version=4)
        for grade_id in ("relu", "softmax"):
            _cell(nb, grade_id).source = _cell(source, grade_id).source
        if not stable:
            _cell(nb, "softmax").source = _cell(nb, "softmax").source.replace(
                fixture.STABLE_SOFTMAX_LINE, fixture.UNSTABLE_SOFTMAX_LINE)
        (subs / student / NAME).mkdir(parents=True)
        nbformat.write(nb, str(subs / student / NAME / f"{NAME}.ipynb"))
    (subs / "zed" / NAME).mkdir(parents=True)
    (subs / "zed" / NAME / f"{NAME}.ipynb").write_text("not JSON")

    results = {r.student: r for r in grader.autograde_all(find_submissions(subs), find_notebooks(notebooks))}
    assert {s: (r.score, r.status.split(":")[0]) for s, r in results.items()} == {
        "alice": (5.0, "graded"), "carol": (2.0, "graded"), "zed": (0.0, "failed to process")}
    assert not (course / "gradebook.db").exists(), "the SQLite gradebook must not be used"

    # the scores are in PostgreSQL, cell by cell
    assert Gradebook(postgres_url).cell_scores("carol", NAME) == {
        "test_relu": (2.0, 2.0), "test_softmax": (0.0, 3.0)}
    runs = Gradebook(postgres_url).load_runs()
    assert runs[("zed", NAME)].outcome == "zeroed" and "not a valid notebook" in runs[("zed", NAME)].reason

    # a re-run skips everything (the content hashes are in PostgreSQL too)
    again = grader.autograde_all(find_submissions(subs), find_notebooks(notebooks))
    assert all(r.skipped for r in again)

    # the command line, with --db-url, and feedback
    assert main(["feedback", "--course", str(course), "--db-url", postgres_url]) == 0
    assert (course / "feedback" / "carol" / NAME / f"{NAME}.html").exists()
    assert main(["export", "--course", str(course), "--db-url", postgres_url]) == 0
    out = capsys.readouterr().out
    assert "zed/00_mini (zeroed)" in out
    rows = {row["student_id"]: float(row["score"]) for row in read_csv(course / "grades.csv")}
    assert rows == {"alice": 5.0, "carol": 2.0, "zed": 0.0}

    # the class report reads the same gradebook
    assert main(["report", "--course", str(course), "--db-url", postgres_url]) == 0
    with open(course / "reports" / "exercises.csv", newline="") as handle:
        exercises = [(r["exercise"], r["submitted"], r["passed"], r["mean_score"]) for r in csv.DictReader(handle)]
    assert exercises == [("relu", "3", "2", "1.333"), ("softmax", "3", "1", "1")]
    page = (course / "reports" / "class_report.html").read_text()
    assert "zed" in page and "not a valid notebook" in page

def test_a_submission_cannot_reach_the_gradebook_server(postgres_url, tmp_path):
    """A submission that knows the gradebook's URL (and the server's unix socket) tries to
    connect and write: refused, both ways (no TCP, no connect() in the sandboxed kernel), and
    it still gets its honest full marks. The server runs with trust authentication, so any
    connection that got through would be a write into the gradebook."""
    from sqlalchemy.engine import make_url

    from grading.sandbox.landlock import landlock_abi
    from grading.sandbox.seccomp import seccomp_available

    if not seccomp_available() and landlock_abi() < 4:
        pytest.skip("neither seccomp nor Landlock's network rules here")
    url = make_url(postgres_url)
    sockets = glob.glob(os.path.join(tempfile.gettempdir(), "nnfs-pg-*", f".s.PGSQL.{url.port}"))
    grader, notebooks, released = fixture_course(
        tmp_path, db_url=postgres_url, limits=Limits(timeout=60, cell_timeout=20, memory=int(1.5 * GiB)))
    nb = solved(released)
    attempts = [f"dict(dsn={postgres_url!r})"] + [
        f"dict(host={os.path.dirname(path)!r}, port={url.port}, user='postgres', dbname={url.database!r})"
        for path in sockets]
    nb.cells.insert(2, nbformat.v4.new_code_cell(
        "import psycopg2\n"
        f"for kwargs in [{', '.join(attempts)}]:\n"
        "    try:\n"
        "        connection = psycopg2.connect(connect_timeout=5, **kwargs)\n"
        "        with connection.cursor() as cursor:\n"
        "            cursor.execute('CREATE TABLE pwned (x int)')\n"
        "        connection.commit()\n"
        "        print('CONNECTED', kwargs)\n"
        "    except psycopg2.Error as exc:\n"
        "        print('REFUSED', type(exc).__name__, repr(str(exc))[:100])\n"
    ))
    (tmp_path / "subs" / "mallory" / NAME).mkdir(parents=True)
    nbformat.write(nb, str(tmp_path / "subs" / "mallory" / NAME / f"{NAME}.ipynb"))
    (result,) = grader.autograde_all(find_submissions(tmp_path / "subs"), find_notebooks(notebooks))
    assert (result.score, result.status) == (5.0, "graded")
    printed = "".join(o.get("text", "") for c in nbformat.read(
        str(grader.layout.autograded_notebook("mallory", NAME)), as_version=4).cells for o in c.get("outputs", []))
    assert "CONNECTED" not in printed and printed.count("REFUSED") == len(attempts), printed
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=url.port, user="postgres", dbname=url.database)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.pwned')")
        assert cursor.fetchone() == (None,)
    connection.close()

def test_judge_check_results_in_postgresql(postgres_url):
    """The judge's per-test-cell results (gradebook.nnfs_check_results) on PostgreSQL: replaced
    per submission, 'not run' kept as NULL."""
    from grading.batch.merge import check_records
    from grading.nbgrader_glue.api import ensure_scripts_on_path
    from grading.records import CheckVerdict, WorkerResult

    ensure_scripts_on_path()  # nbgrader runs alembic by name when it creates the gradebook
    worker = WorkerResult(verdicts={"00_mini": {"test_relu": CheckVerdict(
        "test_relu", exercise="relu", passed=False, visible_passed=False, hidden_passed=None,
        message="relu has the wrong sign", mistake="relu.sign", relative_error=1.0)}})
    for _ in range(2):
        Gradebook(postgres_url).save_checks("zed", "00_mini", check_records("zed", "00_mini", worker))
    rows = [row for row in Gradebook(postgres_url).load_checks() if row.student == "zed"]
    assert len(rows) == 1
    assert rows[0].hidden_passed is None and rows[0].visible_passed is False
    assert rows[0].mistake == "relu.sign" and rows[0].exercise == "relu" and rows[0].relative_error == 1.0
