"""The class report opens in Chromium without errors, with every figure drawn.

The page of the made-up class (tests/support/made_up_class.py) is written to build/artifacts/report/,
opened from disk (it must need nothing else: no server, no network), checked and screenshotted.
"""
from __future__ import annotations

from pathlib import Path

import needs
from browser_support import ARTIFACTS, CHROMIUM, MISSING_CHROMIUM, launch
from made_up_class import FIGURES, made_up_class

from grading.gradebook import class_report
from grading.gradebook.class_data import summarize

playwright_api = needs.module("playwright.sync_api", "playwright is not installed (make test installs it)")
if not Path(CHROMIUM).exists():
    needs.missing(MISSING_CHROMIUM)


def test_report_page_opens_without_errors_and_shows_every_figure():
    folder = ARTIFACTS / "report"
    folder.mkdir(parents=True, exist_ok=True)
    data = made_up_class()
    page_file = folder / "class_report.html"
    page_file.write_text(class_report.render_html(data, *summarize(data)), encoding="utf-8")
    errors, requests = [], []
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("request", lambda request: requests.append(request.url))
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        figures = page.eval_on_selector_all(
            "img.figure", "imgs => imgs.map(i => [i.dataset.figure, i.complete && i.naturalWidth > 0])")
        page.screenshot(path=str(folder / "class_report.png"), full_page=True)
        browser.close()
    assert errors == []
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert [name for name, _ in figures] == FIGURES
    assert all(drawn for _, drawn in figures), figures
