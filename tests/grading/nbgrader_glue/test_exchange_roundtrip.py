"""A class through nbgrader's exchange, end to end on one machine, as docs/instructors.md's "Larger courses:
JupyterHub and a PostgreSQL gradebook" tells it, on each gradebook of DATABASES.

Every step is a command run the way its user runs it, in a process of its own, with that user's folder and
environment: the instructor (home ``instructor/``, the course ``course/``) and two students, each with a home
of their own and nbgrader's configuration in it (``~/.jupyter/nbgrader_config.py``: the exchange, the course
id, and the student id in place of a unix user name). The instructor's own nbgrader configuration names only
the exchange: the course id and the gradebook come from the course's configuration, which release writes.

1. the instructor releases (``python -m grading release ... --course-id nnfs101``, the gradebook's URL given
   this once), then ``nbgrader release_assignment``;
2. alice and bob ``nbgrader fetch_assignment``, fill in the notebook (alice the solutions, bob a softmax
   without the max-subtraction, which the hidden test of ``test_softmax``, 3 points, catches), ``nbgrader
   submit``;
3. the instructor ``nbgrader collect``, ``python -m grading autograde COURSE/submitted --course COURSE`` and
   ``feedback`` (no ``--db-url``: the course's configuration names the gradebook), ``nbgrader
   release_feedback``;
4. each student ``nbgrader fetch_feedback``, and finds their own feedback with their own score;
5. the instructor ``python -m grading export`` and ``report``: both students' scores.

At every step the course id is nnfs101 (the exchange's folders, the course's configuration, the gradebook's
assignment), and no command falls back to a gradebook of its own. Each step's time is printed (``-s``).
The students' commands run side by side, as students' would.
"""
import csv
import shutil

import nbformat
import pytest
from class_exchange import COURSE_ID, NBGRADER, PYTHON, Actor, each, plain_text, print_times, student_config, timed
from sqlalchemy import create_engine, text

from grading.course import SECRET, TIMESTAMP
from grading.gradebook.database import normalize_db_url
from grading.gradebook.session import Gradebook, read_csv
from grading.nbgrader_glue.api import course_settings
from grading_fixture import NAME, TOTAL, cell, fixture, solved

pytestmark = pytest.mark.slow

#: What each student hands in, and the score it earns (bob's softmax loses exactly test_softmax's 3 points).
EXPECTED = {"alice": {"test_relu": 2.0, "test_softmax": 3.0}, "bob": {"test_relu": 2.0, "test_softmax": 0.0}}


#: The gradebooks the round trip runs on. PostgreSQL is a hub's, and where the course id and the URL matter most;
#: tests/browser/test_browser_hub.py plays the same exchange through JupyterHub on SQLite. This round trip's own
#: SQLite case (add "sqlite" here: 24 s more) is left out of `make test` to keep CI well under 15 minutes.
DATABASES = ["postgresql"]


@pytest.fixture(params=DATABASES)
def db_url(request):
    """The gradebook's URL as given at release: None (SQLite, COURSE/gradebook.db) or a PostgreSQL database."""
    return None if request.param == "sqlite" else request.getfixturevalue("postgres_url")


def test_a_class_through_the_exchange(db_url, tmp_path):
    exchange, course, notebooks = tmp_path / "exchange", tmp_path / "course", tmp_path / "notebooks"
    exchange.mkdir()
    exchange.chmod(0o777)                       # nbgrader's exchange: everyone writes into it
    notebooks.mkdir()
    shutil.copyfile(fixture.FIXTURE_PATH, notebooks / f"{NAME}.ipynb")
    instructor = Actor("instructor", tmp_path / "instructor", course, f"c.Exchange.root = {str(exchange)!r}\n",
                       grading=True)
    students = [Actor(name, tmp_path / name, tmp_path / name, student_config(exchange, name)) for name in EXPECTED]
    url = db_url or f"sqlite:///{course / 'gradebook.db'}"
    times = {}
    try:
        release(instructor, db_url, notebooks, times)
        fetch_and_fill(students, times)
        hand_in(students, times)
        release_again(instructor, db_url, notebooks, times)
        grade(instructor, url, times)
        return_feedback(instructor, students, times)
        results(instructor, times)
        only_the_courses(tmp_path, url, db_url)
    finally:
        print_times(f"exchange round trip on {'SQLite' if db_url is None else 'PostgreSQL'}", times)


def release(instructor, db_url, notebooks, times):
    course, exchange = instructor.cwd, exchange_of(instructor)
    with timed(times, "python -m grading release"):
        instructor.run(PYTHON, "-m", "grading", "release", "--course", course, "--notebooks-dir", notebooks,
                       *(["--db-url", db_url] if db_url else []), "--course-id", COURSE_ID, cwd=instructor.home)
    assert course_settings(course) == (db_url and normalize_db_url(db_url), COURSE_ID)
    with timed(times, "nbgrader release_assignment"):
        instructor.run(NBGRADER, "release_assignment", NAME)
    assert [p.name for p in exchange.iterdir()] == [COURSE_ID], "released under another course id"
    assert (exchange / COURSE_ID / "outbound" / NAME / f"{NAME}.ipynb").is_file()


def fetch_and_fill(students, times):
    with timed(times, "2 students: nbgrader fetch_assignment"):
        each(students, NBGRADER, "fetch_assignment", NAME)
    for student in students:
        fetched = student.home / NAME / f"{NAME}.ipynb"
        nb = solved(fetched)                     # the student fills in the released notebook
        if student.name == "bob":
            answer = cell(nb, "softmax")
            assert fixture.STABLE_SOFTMAX_LINE in answer.source
            answer.source = answer.source.replace(fixture.STABLE_SOFTMAX_LINE, fixture.UNSTABLE_SOFTMAX_LINE)
        nbformat.write(nb, str(fetched))


def hand_in(students, times):
    exchange = exchange_of(students[0])
    with timed(times, "2 students: nbgrader submit"):
        each(students, NBGRADER, "submit", NAME)
    inbound = sorted(p.name.split("+")[:2] for p in (exchange / COURSE_ID / "inbound").iterdir())
    assert inbound == [[s.name, NAME] for s in students]


def release_again(instructor, db_url, notebooks, times):
    """``make formgrader`` releases again, with neither ``--db-url`` nor ``--course-id``: both are kept."""
    course = instructor.cwd
    with timed(times, "python -m grading release again (make formgrader)"):
        instructor.run(PYTHON, "-m", "grading", "release", "--course", course, "--notebooks-dir", notebooks)
    assert course_settings(course) == (db_url and normalize_db_url(db_url), COURSE_ID)


def grade(instructor, url, times):
    course = instructor.cwd
    with timed(times, "nbgrader collect"):
        instructor.run(NBGRADER, "collect", NAME)
    for student in EXPECTED:
        assert {p.name for p in (course / "submitted" / student / NAME).iterdir()} == {
            f"{NAME}.ipynb", SECRET, TIMESTAMP}
    with timed(times, "python -m grading autograde (2 submissions)"):
        printed = instructor.run(PYTHON, "-m", "grading", "autograde", course / "submitted", "--course", course)
    for student, cells in EXPECTED.items():
        assert f"{student}/{NAME}: {sum(cells.values()):g} / {TOTAL}  graded" in printed, printed
        assert Gradebook(url, COURSE_ID).cell_scores(student, NAME) == {
            grade_id: (score, float(fixture.POINTS[grade_id])) for grade_id, score in cells.items()}
    with timed(times, "python -m grading feedback"):
        instructor.run(PYTHON, "-m", "grading", "feedback", "--course", course)
    for student in EXPECTED:
        assert (course / "feedback" / student / NAME / SECRET).is_file()


def return_feedback(instructor, students, times):
    course, exchange = instructor.cwd, exchange_of(instructor)
    with timed(times, "nbgrader release_feedback"):
        instructor.run(NBGRADER, "release_feedback", NAME)
    assert len(list((exchange / COURSE_ID / "feedback").glob("*.html"))) == len(students)
    with timed(times, "2 students: nbgrader fetch_feedback"):
        each(students, NBGRADER, "fetch_feedback", NAME)
    for student in students:
        [page] = (student.home / NAME / "feedback").glob(f"*/{NAME}.html")
        assert page.read_bytes() == (course / "feedback" / student.name / NAME / f"{NAME}.html").read_bytes()
        shown = plain_text(page)
        assert f"Score: {sum(EXPECTED[student.name].values()):.1f} / {TOTAL:.1f}" in shown
        assert not [other for other in EXPECTED if other != student.name and other in shown]


def results(instructor, times):
    course = instructor.cwd
    with timed(times, "python -m grading export"):
        instructor.run(PYTHON, "-m", "grading", "export", "--course", course)
    assert {r["student_id"]: float(r["score"]) for r in read_csv(course / "grades.csv")} == {
        student: sum(cells.values()) for student, cells in EXPECTED.items()}
    notes = {r["student_id"]: (r["outcome"], r["notes"]) for r in read_csv(course / "grading_report.csv")}
    assert notes == {student: ("graded", "") for student in EXPECTED}     # the exchange's files are no extra files
    with timed(times, "python -m grading report"):
        instructor.run(PYTHON, "-m", "grading", "report", "--course", course)
    with open(course / "reports" / "exercises.csv", newline="") as handle:
        exercises = [(r["exercise"], r["submitted"], r["passed"], r["mean_score"]) for r in csv.DictReader(handle)]
    assert exercises == [("relu", "2", "2", "2"), ("softmax", "2", "1", "1.5")]
    page = plain_text(course / "reports" / "class_report.html")
    assert "2 students, 1 assignments" in page and "2 submitted (2 graded, 0 zeroed), 0 not submitted" in page
    assert "nothing was found in the submissions" in page, page             # no note on the exchange's files


def only_the_courses(tmp_path, url, db_url):
    """The course id is nnfs101 everywhere, and no command made a gradebook of its own."""
    course = tmp_path / "course"
    assert [p.name for p in (tmp_path / "exchange").iterdir()] == [COURSE_ID]
    assert course_settings(course)[1] == COURSE_ID
    engine = create_engine(normalize_db_url(url))
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT name, course_id FROM assignment")).all() == [(NAME, COURSE_ID)]
            # nbgrader's own preprocessors (SaveCells, OverwriteCells, GetGrades, ...) open the gradebook without
            # a course id, and nbgrader adds its default course's row then: an empty one, no assignment its.
            courses = {row[0] for row in connection.execute(text("SELECT id FROM course"))}
            assert COURSE_ID in courses and courses <= {COURSE_ID, "default_course"}
    finally:
        engine.dispose()
    templates = course / ".grading" / "templates"      # the workers' private copies
    databases = [p for p in tmp_path.rglob("*.db") if templates not in p.parents]
    assert databases == ([] if db_url else [course / "gradebook.db"])


def exchange_of(actor):
    return actor.home.parent / "exchange"
