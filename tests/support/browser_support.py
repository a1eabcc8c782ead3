"""Debian's Chromium driven by Playwright, as the browser tests use it (no browser download)."""
from __future__ import annotations

import shutil
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
