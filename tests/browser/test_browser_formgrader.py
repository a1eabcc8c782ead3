"""The formgrader's grading page in a real browser with no internet: MathJax from the Jupyter server, a URL with
``?token=`` that logs in by itself, and a written answer scored by hand that reaches grades.csv.

The session's graded course with a written answer (grading_fixture.written_course) is served as ``make formgrader``
serves it: a Jupyter server started in the course folder with jupyter/instructors' settings (and this checkout's
``grading``). Chromium, whose every request to anything but 127.0.0.1 is aborted, opens alice's grading page
straight from its ``?token=`` URL, in a fresh profile (no login cookie). Screenshots go to build/artifacts/browser/.
"""
from __future__ import annotations

import csv
import json
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import needs
import pytest
from browser_support import ARTIFACTS as ALL_ARTIFACTS
from browser_support import CHROMIUM, MISSING_CHROMIUM, launch
from formgrader_server import formgrader_server
from grading_fixture import DISCUSSION, NAME, STUDENT, TOTAL, WRITTEN

ARTIFACTS = ALL_ARTIFACTS / "browser"

playwright_api = needs.module("playwright.sync_api", "playwright is not installed (make test installs it)")
if not Path(CHROMIUM).exists():
    needs.missing(MISSING_CHROMIUM)
pytestmark = pytest.mark.slow


def _api(base, token, path, method="GET", body=None):
    request = urllib.request.Request(f"{base}/formgrader/api/{path}?token={token}", method=method,
                                     data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _wait_for_submission(server, log_path, base, token):
    """The id of alice's submitted notebook, once the formgrader answers."""
    deadline = time.monotonic() + 90
    while True:
        try:
            return _api(base, token, f"submitted_notebooks/{NAME}/{NAME}")[0]["id"]
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(f"the formgrader did not answer: {log_path.read_text()[-2000:]}")
            time.sleep(0.5)


@pytest.fixture(scope="module")
def formgrader(written_course, tmp_path_factory):
    """``(base URL, token, submission id)`` of a Jupyter server on the course, started as make formgrader does."""
    grader, _ = written_course
    with formgrader_server(grader.layout.root, tmp_path_factory.mktemp("formgrader_server")) as (server, base, token,
                                                                                                log_path):
        yield base, token, _wait_for_submission(server, log_path, base, token)


def _loopback_only(route, blocked):
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        blocked.append(route.request.url)
        route.abort()


def _open_grading_page(page, url):
    """Open the page; returns the formgrader's answer to its first API call (the submission's grades)."""
    with page.expect_response(lambda response: "/formgrader/api/grades?" in response.url) as grades:
        page.goto(url)
    return grades.value


def _grade_by_hand(page, score):
    """Type ``score`` into the written answer's box and save it with the formgrader's Escape shortcut."""
    box = page.locator(f"input.score#{WRITTEN}")
    box.scroll_into_view_if_needed()
    with page.expect_response(lambda response: "/formgrader/api/grade/" in response.url
                              and response.request.method == "PUT") as saved:
        box.fill(str(score))
        page.keyboard.press("Escape")
    assert saved.value.ok, saved.value.status


def test_the_grading_page_works_offline_from_its_token_url_and_a_score_given_by_hand_is_exported(
        formgrader, written_course):
    base, token, submission = formgrader
    grader, _ = written_course
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors, blocked = [], []
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda route: _loopback_only(route, blocked))
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        grades = _open_grading_page(page, f"{base}/formgrader/submissions/{submission}/?token={token}")
        # Logged in by the token alone: the page's own API calls (no token in their URLs) got data.
        assert grades.status == 200, (grades.status, grades.url)
        written = next(grade for grade in grades.json() if grade["name"] == WRITTEN)
        assert written["needs_manual_grade"], written
        # MathJax came from the server, typeset the question's formula, and the formgrader's start-up went on past it.
        page.wait_for_function("window.MathJax !== undefined && MathJax.loaded === true", timeout=30_000)
        question = page.locator(".text_cell_render", has_text="Question 1.").first
        question.locator(".MathJax").first.wait_for()
        assert "\\frac" not in question.inner_text()
        assert page.evaluate("formgrader.keyboard_manager !== undefined")
        page.wait_for_function("!$('html, body').is(':animated')")     # its scroll to the first score box, done
        # Beside the student's answer, the grader reads the model answer with its rubric, then the discussion.
        shown = page.locator("#notebook-container").last.inner_text()   # the notebook (nbgrader nests two)
        for text in (STUDENT, "For graders: the model answer and its rubric", "0.5: says why: the learning rate",
                     DISCUSSION.removeprefix("**Discussion.** ")):
            assert text in shown, f"the grading page does not show {text!r}"
        assert shown.index(STUDENT) < shown.index("For graders") < shown.index(DISCUSSION.removeprefix("**Discussion.** "))
        question.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "10_formgrader_mathjax.png"))
        try:
            _grade_by_hand(page, 0.5)
            page.screenshot(path=str(ARTIFACTS / "11_formgrader_scored.png"))
            csv_path, _ = grader.export()                   # what python -m grading export writes
            with open(csv_path, newline="") as handle:
                [row] = [row for row in csv.DictReader(handle) if row["student_id"] == "alice"]
        finally:   # the gradebook as the other tests of the course find it: the answer waits for a grader
            _api(base, token, f"grade/{written['id']}", "PUT", {"manual_score": None, "extra_credit": None})
        browser.close()
    assert float(row["score"]) == TOTAL + 0.5 and float(row["max_score"]) == TOTAL + 1, row
    assert errors == [], errors                         # "MathJax is not defined" among them, before
    assert blocked == [], blocked                       # nothing asked of the internet (the CDN's MathJax, before)
