"""A student's session in a real browser: JupyterLab on the student copy of notebook 01.

Drives Debian's Chromium through Playwright (no browser download) against a JupyterLab server
on loopback, with the settings `make lab` uses (jupyter/students). It runs a test cell before its exercise
(the hint says what to do), fills in the exercise, checks the visible test's success line, then a wrong answer,
its hint and the test's own case; it writes a written answer into its box, and Validate then names the
questions still unanswered; the folded discussion of a question opens. Screenshots go to build/artifacts/browser/.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import needs
import pytest
from browser_support import ARTIFACTS as ALL_ARTIFACTS
from browser_support import CHROMIUM, MISSING_CHROMIUM, ROOT, free_port, launch, notebook_cell, replace_source

ARTIFACTS = ALL_ARTIFACTS / "browser"
NOTEBOOK = "01_shallow_network.ipynb"

playwright_api = needs.module("playwright.sync_api", "playwright is not installed (make test installs it)")
if not Path(CHROMIUM).exists():
    needs.missing(MISSING_CHROMIUM)
pytestmark = pytest.mark.slow

CORRECT = "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
WRONG = "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on loopback, serving a fresh student copy of notebook 01."""
    work = tmp_path_factory.mktemp("lab")
    student = work / "student"
    subprocess.run([sys.executable, "-m", "grading", "student-copies", "--dest", str(student),
                    "--assignment", NOTEBOOK.removesuffix(".ipynb")], check=True, capture_output=True, cwd=ROOT)
    settings = work / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell (JupyterLab 4 renders only the visible ones by default).
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(work / "settings"),
               JUPYTER_CONFIG_DIR=str(work / "config"), JUPYTER_RUNTIME_DIR=str(work / "runtime"),
               JUPYTER_CONFIG_PATH=str(ROOT / "jupyter" / "students"))     # as make lab starts it
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--ServerApp.token={token}", f"--ServerApp.root_dir={student}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = open(work / "lab.log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail(f"JupyterLab did not start: {(work / 'lab.log').read_text()[-2000:]}")
            time.sleep(0.5)
    yield f"{base}/lab/tree/{NOTEBOOK}?token={token}"
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def page(lab):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(lab)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        # Wait for the kernel: executing while it still starts loses the output.
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
        yield page
        browser.close()


def _run(page, cell):
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")        # run, stay on the cell


def _markdown_cell(page, text):
    """The first rendered Markdown cell showing `text`."""
    cell = page.locator(".jp-Notebook .jp-MarkdownCell", has=page.locator(".jp-RenderedMarkdown", has_text=text)).first
    cell.scroll_into_view_if_needed()
    return cell


def _output_text(cell, expected, timeout=60_000):
    output = cell.locator(".jp-OutputArea-output", has_text=expected)
    output.first.wait_for(timeout=timeout)
    return cell.locator(".jp-OutputArea").inner_text()


def test_the_students_lab_opens_the_notebook_unchanged_without_prompt_or_instructor_tools(page):
    """make lab's settings (jupyter/students): no news prompt, no Create Assignment panel; the notebook does
    not show as changed when its kernel starts; nbgrader's Validate button and its menu stay."""
    page.wait_for_timeout(4000)                  # the news prompt would come a few seconds after the start
    page.screenshot(path=str(ARTIFACTS / "00_students_lab.png"))
    assert page.get_by_text("official Jupyter news").count() == 0
    tabs = page.eval_on_selector_all(".lm-TabBar-tab", "tabs => tabs.map(tab => tab.getAttribute('title') || '')")
    assert not [title for title in tabs if "Create Assignment" in title], tabs
    assert page.locator(".jp-mod-dirty").count() == 0
    assert page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").count() == 1
    assert page.locator(".jp-Notebook-toolbar, .jp-NotebookPanel-toolbar").get_by_text("Validate").count() >= 1


def test_test_cell_before_its_exercise_says_what_to_do(page):
    _run(page, notebook_cell(page, "from helpers.checks import shallow as checks"))
    test_cell = notebook_cell(page, "checks.check_sigmoid(sigmoid)")
    _run(page, test_cell)
    text = _output_text(test_cell, "Run the cell that defines it first")
    assert "NameError" in text and "`sigmoid`" in text
    page.screenshot(path=str(ARTIFACTS / "01_test_before_exercise.png"))


def test_correct_answer_shows_the_success_line(page):
    exercise = notebook_cell(page, "def sigmoid(z):")
    replace_source(page, exercise, CORRECT)
    _run(page, exercise)
    test_cell = notebook_cell(page, "checks.check_sigmoid(sigmoid)")
    _run(page, test_cell)
    text = _output_text(test_cell, "all tests passed")
    assert "\u2714 sigmoid: all tests passed." in text
    page.screenshot(path=str(ARTIFACTS / "02_sigmoid_passed.png"))


def test_wrong_answer_shows_the_hint(page):
    exercise = notebook_cell(page, "def sigmoid(z):")
    replace_source(page, exercise, WRONG)
    _run(page, exercise)
    test_cell = notebook_cell(page, "checks.check_sigmoid(sigmoid)")
    _run(page, test_cell)
    text = _output_text(test_cell, "the exponent is -z")
    assert "ExerciseFailure" in text and "Traceback" not in text
    assert "The test's own case: shape=(3, 4), seed=0." in text      # why its numbers differ from the example's
    test_cell.screenshot(path=str(ARTIFACTS / "03_sigmoid_hint.png"))
    page.screenshot(path=str(ARTIFACTS / "03_sigmoid_hint_page.png"))


ANSWER = "Every hidden unit would compute the same function, so they would stay identical."


def test_a_written_answer_is_a_box_to_write_in(page):
    """The released stub renders as a quote block naming its question. With the students' shortcut settings
    (jupyter/students), Ctrl+A on a selected cell opens it for editing instead of selecting every cell (which a
    Shift+Enter would then run); a second Ctrl+A selects its text, and Shift+Enter renders the answer."""
    box = _markdown_cell(page, "YOUR ANSWER HERE (Question 1)")
    assert box.locator(".jp-RenderedMarkdown blockquote").count() == 1
    box.screenshot(path=str(ARTIFACTS / "04_answer_box.png"))
    cell = box.element_handle()                          # the cell itself: once edited, its rendering is gone
    box.locator(".jp-RenderedMarkdown").click()          # selected, in command mode
    page.keyboard.press("Control+a")
    cell.wait_for_selector(".jp-InputArea-editor .cm-content", state="visible")
    assert page.locator(".jp-Notebook .jp-Cell.jp-mod-selected").count() <= 1
    assert page.locator(".jp-Notebook.jp-mod-editMode").count() == 1
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(ANSWER)
    page.keyboard.press("Shift+Enter")
    answered = _markdown_cell(page, ANSWER)
    answered.wait_for()
    assert "YOUR ANSWER HERE" not in answered.inner_text()
    answered.screenshot(path=str(ARTIFACTS / "05_answer_written.png"))


def test_the_discussion_of_a_question_opens_once_asked_with_its_list_and_formulas(page):
    """A self-learner's copy keeps each question's discussion folded under its answer box
    (grading/nbgrader_glue/discussions.py); opened, its Markdown and its math render as the hints' do."""
    folded = _markdown_cell(page, "Discussion: open it once you have written your answer")
    body = folded.locator("details li", has_text="saturate")
    assert folded.locator("summary").count() == 1 and not body.is_visible()
    folded.locator("summary").click()
    body.wait_for(state="visible", timeout=10_000)
    assert folded.locator("details li").count() == 2 and folded.locator("details mjx-container").count() >= 3
    assert "$" not in folded.locator("details").inner_text()            # every formula typeset
    folded.screenshot(path=str(ARTIFACTS / "05_discussion_opened.png"))


def test_validate_names_the_unanswered_questions(page):
    """After the answer to Question 1, Validate lists Questions 2 and 3 as unanswered, each by its number."""
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.locator(".jp-mod-dirty").first.wait_for(state="detached", timeout=30_000)
    page.locator(".jp-Notebook-toolbar, .jp-NotebookPanel-toolbar").get_by_text("Validate").first.click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_text("Question 2").first.wait_for(timeout=180_000)
    text = dialog.inner_text()
    page.screenshot(path=str(ARTIFACTS / "06_validate.png"))           # the failing checks, wrapped
    dialog.get_by_text("Question 3").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "07_validate_questions.png"))  # the unanswered questions
    assert "Question 3" in text and "Question 1" not in text, text
