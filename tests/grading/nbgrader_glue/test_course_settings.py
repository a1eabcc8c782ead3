"""The course's own configuration (``COURSE/nbgrader_config.py``, written by release) holds its gradebook's URL
and its course id: every later command finds them there, and release keeps them, so that the course id that the
exchange and JupyterHub know is never replaced by nbgrader's default."""
import shutil

from grading.batch.pipeline import Grader
from grading.cli.commands import main
from grading.course import CourseLayout
from grading.gradebook.database import normalize_db_url
from grading.nbgrader_glue.api import course_settings, load_config, write_formgrader_config
from grading_fixture import NAME, fixture


def test_the_course_id_given_at_release_stays_the_courses(tmp_path):
    notebooks, course = tmp_path / "notebooks", tmp_path / "course"
    notebooks.mkdir()
    shutil.copyfile(fixture.FIXTURE_PATH, notebooks / f"{NAME}.ipynb")
    args = ["release", "--course", str(course), "--notebooks-dir", str(notebooks)]
    assert main([*args, "--course-id", "nnfs101"]) == 0
    assert course_settings(course) == (None, "nnfs101")
    assert main(args) == 0                                   # released again (make formgrader does): kept
    assert course_settings(course) == (None, "nnfs101")
    grader = Grader(course)
    assert grader.layout.course_id == "nnfs101"
    assert load_config(grader.layout).CourseDirectory.course_id == "nnfs101"
    assert Grader(course, course_id="other").layout.course_id == "other"   # the command line wins


def test_a_server_gradebook_is_found_from_the_course_without_being_named_again(tmp_path):
    url = "postgresql://grader@dbhost/nnfs"
    write_formgrader_config(CourseLayout(tmp_path, url, "hub-course"))
    assert course_settings(tmp_path) == (normalize_db_url(url), "hub-course")
    grader = Grader(tmp_path)                                # no --db-url, no --course-id
    assert grader.layout.db_url == normalize_db_url(url) and grader.layout.course_id == "hub-course"
    assert load_config(grader.layout).CourseDirectory.course_id == "hub-course"    # not "default_course"
    write_formgrader_config(CourseLayout(tmp_path, url))
    assert load_config(Grader(tmp_path).layout).CourseDirectory.course_id == "default_course"   # none given


def test_a_course_without_configuration_has_nbgraders_defaults(tmp_path):
    assert course_settings(tmp_path) == (None, None)
    layout = Grader(tmp_path).layout
    assert layout.db_url.startswith("sqlite:///") and layout.course_id is None
