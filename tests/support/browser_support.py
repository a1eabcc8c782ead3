"""Debian's Chromium driven by Playwright, as the browser tests use it (no browser download)."""
from __future__ import annotations

import shutil
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "build" / "artifacts"
#: Without the background-networking flags Chromium keeps trying to reach Google's hosts.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
MISSING_CHROMIUM = "Debian's chromium is not installed: apt-get install -y chromium (.ci/run does it)"


def launch(playwright):
    """A headless Chromium browser from a ``sync_playwright()`` context."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def notebook_cell(page, text):
    """The first cell of the open notebook whose input contains `text`, scrolled into view."""
    cell = page.locator(".jp-Notebook .jp-Cell", has=page.locator(".jp-InputArea", has_text=text)).first
    cell.scroll_into_view_if_needed()
    return cell


def replace_source(page, cell, source):
    """Replace the code of `cell` with `source`, as pasted (no auto-indent, unlike typing key by key)."""
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(source)
