"""The formgrader works on the generated course with this repository's configuration:
`release` writes COURSE/nbgrader_config.py, and a Jupyter server started in the course folder
(as `make formgrader` does) lists the released assignment through the formgrader's own API."""
from __future__ import annotations

import json
import re
import time
import urllib.request

import pytest
from traitlets.config.loader import PyFileConfigLoader

from grading.batch.pipeline import Grader
from formgrader_server import formgrader_server
from grading_fixture import fixture

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("formgrader") / "course"
    Grader(root).release({fixture.FIXTURE_NAME: fixture.FIXTURE_PATH})
    return root


def test_release_writes_the_course_configuration_for_the_formgrader(course):
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    assert config.CourseDirectory.root == str(course)
    assert config.CourseDirectory.db_url.startswith(f"sqlite:///{course}")
    # the repository's course configuration came along (e.g. feedback that hides hidden tests)
    assert "HideTestInternals" in repr(config.GenerateFeedback.preprocessors)
    assert config.OverwriteCells.add_missing_cells is True


def test_formgrader_lists_the_released_assignment_and_its_token_url_logs_in_everywhere(course, tmp_path):
    """The server started as make formgrader starts it (jupyter/instructors, this checkout's grading): the login
    cookie that a formgrader URL with ?token= sets is good for the whole server (path /), not only for the folder of
    the URL (nbgrader's handlers left its path empty: see grading/nbgrader_glue/formgrader.py)."""
    with formgrader_server(course, tmp_path) as (server, base, token, log_path):
        url = f"{base}/formgrader/api/assignments?token={token}"
        deadline, answer = time.monotonic() + 90, None
        while answer is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    answer = json.loads(response.read())
                    cookies = response.headers.get_all("Set-Cookie")
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(f"the formgrader did not answer: {log_path.read_text()[-2000:]}")
                time.sleep(0.5)
    assert fixture.FIXTURE_NAME in [assignment["name"] for assignment in answer], answer
    [login] = [cookie for cookie in cookies if cookie.startswith("username-")]
    assert "Path=/;" in login or login.endswith("Path=/"), login


def _formgrader_exporter(course, template_name):
    """nbconvert's HTMLExporter as the formgrader configures it: nbgrader's settings, then the course's file."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = template_name
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config())
    return HTMLExporter(config=config)


def test_the_grading_page_loads_mathjax_from_the_server_and_feedback_keeps_its_template(course):
    """The grading page asks the Jupyter server for MathJax (jupyter-server-mathjax's copy, three folders above
    BASE_URL/formgrader/submissions/ID/), not a CDN; the formgrader's Generate Feedback still finds nbgrader's
    feedback template (the course file sets the template folders, which nbgrader's feedback then takes as they are).
    tests/browser/test_browser_formgrader.py checks the page in a browser."""
    resources = {"assignment_id": fixture.FIXTURE_NAME, "notebook_id": fixture.FIXTURE_NAME, "submission_id": "x",
                 "index": 0, "total": 1, "base_url": "", "student": "alice", "last_name": None, "first_name": None,
                 "notebook_path": "x"}
    page, _ = _formgrader_exporter(course, "formgrade").from_filename(
        str(course / "release" / fixture.FIXTURE_NAME / f"{fixture.FIXTURE_NAME}.ipynb"), resources=resources)
    scripts = re.findall(r'<script[^>]*\ssrc="([^"]*)"', page)
    assert "../../../static/jupyter_server_mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe" in scripts
    assert not [src for src in scripts if "://" in src], scripts
    assert 'webFont: "STIX-Web"' in page                     # the one font jupyter-server-mathjax ships
    assert _formgrader_exporter(course, "feedback").template is not None
