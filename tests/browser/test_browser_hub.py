"""A student on a real JupyterHub, the instructor at the command line: one assignment through nbgrader's exchange.

A JupyterHub (``jupyterhub`` from PyPI, its proxy the npm project ``configurable-http-proxy``: Debian's
``node-configurable-http-proxy`` or ``make hub-proxy``'s) runs on 127.0.0.1 with JupyterHub's DummyAuthenticator
and SimpleLocalProcessSpawner: the student ``alice`` logs in and gets a JupyterLab server of her own, started in
a home of her own (``HOME``), with the students' lab settings (``JUPYTER_CONFIG_PATH=jupyter/students``, as
``make lab``) and nbgrader's configuration in her ``~/.jupyter/nbgrader_config.py``: the exchange, the course id
and her student id (every student here being the same unix user, root in a container).

1. The instructor releases the fixture assignment ``00_mini`` (``python -m grading release --course-id``, then
   ``nbgrader release_assignment``), while the hub starts;
2. alice signs in, opens Nbgrader > Assignment List, fetches the assignment, opens its notebook from the panel,
   answers relu right and softmax without the max-subtraction (which only the hidden test catches), saves,
   validates from the panel (the visible tests pass) and submits;
3. the instructor ``nbgrader collect``, ``python -m grading autograde``, ``python -m grading feedback``,
   ``nbgrader release_feedback``;
4. alice fetches the feedback in the panel, follows "view feedback" and opens the page: her score, 2 / 5,
   and the hidden test's message saying what is wrong.

The gradebook is SQLite's (``COURSE/gradebook.db``): tests/grading/nbgrader_glue/test_exchange_roundtrip.py runs
the two-student class on PostgreSQL. Screenshots go to build/artifacts/browser/ (20_ to 24_); each step's time is
printed (``-s``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import needs
import pytest
from browser_support import ARTIFACTS as ALL_ARTIFACTS
from browser_support import CHROMIUM, MISSING_CHROMIUM, ROOT, free_port, launch, notebook_cell, replace_source
from class_exchange import (COURSE_ID, NBGRADER, PYTHON, Actor, class_config, plain_text, print_times, timed,
                            write_nbgrader_config)
from grading_fixture import NAME, TOTAL, fixture

ARTIFACTS = ALL_ARTIFACTS / "browser"
STUDENT = "alice"
#: alice's answers: relu right, softmax without the max-subtraction (the visible test passes, the hidden one not).
RELU = "def relu(x):\n    return np.maximum(0.0, x)\n"
SOFTMAX = f"def softmax(x):\n{fixture.UNSTABLE_SOFTMAX_LINE}\n    return z / z.sum()\n"
SCORE = 2.0
HINT = "softmax is not numerically stable"
#: The npm project configurable-http-proxy: Debian's package puts it on PATH, `make hub-proxy` into build/node.
DEBIAN_NODE_MODULES = "/usr/share/nodejs"
PROXY_IN_BUILD = ROOT / "build" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
MISSING_PROXY = ("configurable-http-proxy is not installed: apt-get install -y node-configurable-http-proxy "
                 "(.ci/run does it), or make hub-proxy (npm)")

playwright_api = needs.module("playwright.sync_api", "playwright is not installed (make test installs it)")
needs.module("jupyterhub", "jupyterhub is not installed (make test installs it)")
if not Path(CHROMIUM).exists():
    needs.missing(MISSING_CHROMIUM)
PROXY = shutil.which("configurable-http-proxy") or (str(PROXY_IN_BUILD) if PROXY_IN_BUILD.exists() else None)
if PROXY is None:
    needs.missing(MISSING_PROXY)
pytestmark = pytest.mark.slow


def wait_until(condition, seconds, message):
    """Poll ``condition()`` for up to ``seconds``; fail with ``message``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


def hub_config(work, port):
    """jupyterhub_config.py: everything on 127.0.0.1, state in `work`, a home per student in `work/homes`."""
    singleuser = Path(sys.executable).parent / "jupyterhub-singleuser"
    config_path = os.pathsep.join([str(ROOT / "jupyter" / "students"), str(work / "etc-jupyter")])
    return f"""c = get_config()
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{PROXY!r}]
c.ConfigurableHTTPProxy.pid_file = {str(work / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{work / "jupyterhub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(work / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(work / "hub.pid")!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {{{STUDENT!r}}}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(work / "homes" / "{username}")!r}
c.Spawner.cmd = [{str(singleuser)!r}]
c.Spawner.args = {["--allow-root"] if os.geteuid() == 0 else []!r}
c.Spawner.default_url = "/lab"
# The students' lab (no news prompt, no instructor panels of nbgrader), as make lab starts it, and the class's
# nbgrader configuration (etc-jupyter/nbgrader_config.py), as a hub's image would have them in /etc/jupyter.
c.Spawner.environment = {{"JUPYTER_CONFIG_PATH": {config_path!r}}}
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
"""


@pytest.fixture
def hub(tmp_path):
    """A JupyterHub on 127.0.0.1 being started: ``(url, process, log)``; wait for it with ``wait_for_hub``."""
    work = tmp_path / "hub"
    work.mkdir()
    port = free_port()
    (work / "jupyterhub_config.py").write_text(hub_config(work, port))
    log = open(work / "hub.log", "w")
    # The hub passes its environment to the proxy. Debian's Node.js looks for Debian's node modules (the proxy's
    # own dependencies) in /usr/share/nodejs; another Node.js on PATH (NodeSource's) needs to be told.
    env = {**os.environ, "NODE_PATH": os.pathsep.join(filter(None, [os.environ.get("NODE_PATH"), DEBIAN_NODE_MODULES]))}
    process = subprocess.Popen([PYTHON, "-m", "jupyterhub", "-f", str(work / "jupyterhub_config.py")],
                               stdout=log, stderr=subprocess.STDOUT, cwd=work, env=env)
    yield f"http://127.0.0.1:{port}", process, work / "hub.log"
    process.terminate()                       # the hub stops its proxy and alice's server
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def wait_for_hub(url, process, log, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"{url}/hub/api", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"JupyterHub did not start:\n{Path(log).read_text()[-3000:]}")
            time.sleep(0.3)


def test_a_student_on_jupyterhub_fetches_submits_and_reads_the_feedback(hub, tmp_path):
    exchange, course, notebooks = tmp_path / "exchange", tmp_path / "course", tmp_path / "notebooks"
    exchange.mkdir()
    exchange.chmod(0o777)
    notebooks.mkdir()
    shutil.copyfile(fixture.FIXTURE_PATH, notebooks / f"{NAME}.ipynb")
    instructor = Actor("instructor", tmp_path / "instructor", course, f"c.Exchange.root = {str(exchange)!r}\n",
                       grading=True)
    # The class's configuration for every student: the repository's nbgrader_config.py (Validate checks as grading
    # does), the exchange and the course id; alice's own, in her home: her student id.
    (tmp_path / "hub" / "etc-jupyter").mkdir()
    (tmp_path / "hub" / "etc-jupyter" / "nbgrader_config.py").write_text(
        (ROOT / "nbgrader_config.py").read_text() + class_config(exchange))
    write_nbgrader_config(tmp_path / "hub" / "homes" / STUDENT, f"c.CourseDirectory.student_id = {STUDENT!r}\n")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    times, start = {}, time.perf_counter()
    try:
        with ThreadPoolExecutor(1) as pool:
            released = pool.submit(release, instructor, notebooks, times)
            with timed(times, "hub start (the release runs meanwhile)"):
                wait_for_hub(*hub)
            with playwright_api.sync_playwright() as p:
                browser = launch(p)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                try:
                    sign_in(page, hub[0], times)
                    released.result()
                    fetch_answer_submit(page, times, tmp_path / "hub" / "homes" / STUDENT)
                    grade(instructor, times)
                    read_feedback(page, times)
                except Exception:
                    page.screenshot(path=str(ARTIFACTS / "29_hub_failed.png"))   # where the browser was
                    raise
                finally:
                    browser.close()
    finally:
        print_times("a student on JupyterHub (SQLite gradebook)", times, time.perf_counter() - start)


def release(instructor, notebooks, times):
    with timed(times, "instructor: python -m grading release + nbgrader release_assignment"):
        instructor.run(PYTHON, "-m", "grading", "release", "--course", instructor.cwd, "--notebooks-dir", notebooks,
                       "--course-id", COURSE_ID, cwd=instructor.home)
        instructor.run(NBGRADER, "release_assignment", NAME)


def sign_in(page, url, times):
    with timed(times, f"{STUDENT} signs in; her server starts; JupyterLab loads"):
        page.goto(f"{url}/hub/login")
        page.fill("#username_input", STUDENT)
        page.fill("#password_input", "any password")
        page.screenshot(path=str(ARTIFACTS / "20_hub_login.png"))
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{STUDENT}/lab**", timeout=90_000)
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(timeout=90_000)


def assignment_list(page):
    """The Assignments panel (Nbgrader > Assignment List), in front."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
    panel = page.locator("#nbgrader-assignment-list")
    panel.wait_for()
    return panel


def fetch_answer_submit(page, times, home):
    with timed(times, f"{STUDENT}: Assignment List, Fetch, open the notebook"):
        panel = assignment_list(page)
        panel.locator("#released_assignments_list .list_item", has_text=NAME).get_by_role(
            "button", name="Fetch").click()
        fetched = panel.locator("#fetched_assignments_list > .list_item", has_text=NAME)
        fetched.locator(".assignment-notebooks-link").click()
        page.screenshot(path=str(ARTIFACTS / "21_hub_assignments.png"))
        fetched.locator(".nested_list_item a", has_text=NAME).click()
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    with timed(times, f"{STUDENT}: answers relu and softmax, saves"):
        replace_source(page, notebook_cell(page, "def relu(x):"), RELU)
        replace_source(page, notebook_cell(page, "def softmax(x):"), SOFTMAX)
        page.keyboard.press("Escape")
        page.keyboard.press("Control+s")
        # The saved file, not the tab's unsaved-changes mark: the kernel's metadata can mark the tab again.
        saved = home / NAME / f"{NAME}.ipynb"
        wait_until(lambda: "np.maximum(0.0, x)" in saved.read_text(), 30, f"{saved} was not saved with the answers")
    with timed(times, f"{STUDENT}: Validate in the panel (the visible tests pass)"):
        panel = assignment_list(page)
        validate = fetched.locator(".nested_list_item button", has_text="Validate")
        validate.click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=120_000)
        text = dialog.inner_text()
        assert "passes all the tests" in text, text
        dialog.get_by_role("button", name="Ok").click()
    with timed(times, f"{STUDENT}: Submit in the panel"):
        fetched.get_by_role("button", name="Submit").click()
        panel.locator("#submitted_assignments_list > .list_item", has_text=NAME).wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "22_hub_submitted.png"))


def grade(instructor, times):
    course = instructor.cwd
    with timed(times, "instructor: nbgrader collect"):
        instructor.run(NBGRADER, "collect", NAME)
    with timed(times, "instructor: python -m grading autograde"):
        printed = instructor.run(PYTHON, "-m", "grading", "autograde", course / "submitted", "--course", course)
    assert f"{STUDENT}/{NAME}: {SCORE:g} / {TOTAL}  graded" in printed, printed
    with timed(times, "instructor: python -m grading feedback + nbgrader release_feedback"):
        instructor.run(PYTHON, "-m", "grading", "feedback", "--course", course)
        instructor.run(NBGRADER, "release_feedback", NAME)
    shown = plain_text(course / "feedback" / STUDENT / NAME / f"{NAME}.html")
    assert f"Score: {SCORE:.1f} / {TOTAL:.1f}" in shown and HINT in shown, shown


def read_feedback(page, times):
    with timed(times, f"{STUDENT}: Fetch Feedback in the panel, opens the page"):
        panel = assignment_list(page)
        submitted = panel.locator("#submitted_assignments_list > .list_item", has_text=NAME)
        submitted.get_by_role("button", name="Fetch Feedback").click()
        submitted.get_by_text("(view feedback)").click()
        page.locator(".jp-DirListing-item", has_text=f"{NAME}.html").dblclick()
        feedback = page.frame_locator(".jp-HTMLViewer iframe")
        feedback.get_by_text(HINT).first.wait_for(timeout=30_000)
        text = feedback.locator("body").inner_text()
        page.screenshot(path=str(ARTIFACTS / "23_hub_feedback.png"))            # the score
        feedback.get_by_text(HINT).first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "24_hub_feedback_hint.png"))       # the hidden test's message
    assert f"Score: {SCORE:.1f} / {TOTAL:.1f}" in " ".join(text.split()), text
