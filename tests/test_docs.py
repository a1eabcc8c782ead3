"""The docs a newcomer reads: the README is a landing page, and what the docs point at exists (every
relative link and its anchor, every `make` target)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
MAKE = re.compile(r"\bmake ([a-z][a-z-]*)")
CODE = re.compile(r"```.*?```|`[^`\n]+`", flags=re.S)


def prose(text: str) -> str:
    """The text without its code (fenced blocks and inline spans), where brackets are not links."""
    return CODE.sub("", text)


def code(text: str) -> str:
    """The text's code only: where a command such as `make lab` is written."""
    return "\n".join(CODE.findall(text))


def anchors(path: Path) -> set[str]:
    """GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as dashes."""
    headings = re.findall(r"^#+ (.+)$", path.read_text(), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), flags=re.M))


def test_the_readme_is_a_landing_page():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) < 150, f"README.md has {len(lines)} lines: move the details into docs/"
    text = "\n".join(lines)
    for doc in ("docs/students.md", "docs/instructors.md", "docs/grading-security.md", "docs/notebooks.md",
                "docs/performance.md", "docs/student-image.md", "CONTRIBUTING.md"):
        assert f"]({doc})" in text, f"the README does not link {doc}"


@pytest.mark.parametrize("doc", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_every_relative_link_and_anchor_exists(doc):
    for target in LINK.findall(prose(doc.read_text())):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        path, _, anchor = target.partition("#")
        resolved = (doc.parent / path).resolve() if path else doc
        assert resolved.exists(), f"{doc.name} links {target}, which does not exist"
        if anchor:
            assert anchor in anchors(resolved), f"{doc.name} links {target}: no such heading in {resolved.name}"


@pytest.mark.parametrize("doc", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_every_make_target_named_exists(doc):
    assert MAKE.findall(code("run `make lab`, then\n```\nmake test\n```")) == ["lab", "test"]
    named = set(MAKE.findall(code(doc.read_text())))
    assert named <= make_targets(), f"{doc.name} names make targets the Makefile lacks: {named - make_targets()}"


def test_the_mistakes_catalog_is_what_the_checks_declare():
    """docs/mistakes.md lists every named mistake with its hint; regenerate it when a table changes."""
    from helpers.checks.catalog import MODULES, declared, markdown

    text = (ROOT / "docs" / "mistakes.md").read_text()
    assert text == markdown(), "docs/mistakes.md is stale: python -m helpers.checks.catalog > docs/mistakes.md"
    for name in MODULES:
        for mistake in declared(name):
            assert f"`{mistake.id}`" in text
