"""The README and the pages of ``docs/``: a front page that stays short, links that lead
somewhere, and no word a user cannot look up.

The README is the front page (what the wizard is, the two set-up commands, a quick start,
the TUI, where to read on); everything else lives in ``docs/``. A link to a page or a file
that is not in the repository, or to a heading a page does not have, is a dead end for the
reader. The product contract is an internal document: "SPEC" means nothing to a user, so it
appears neither in the pages nor in ``--help``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    headings = re.findall(r"(?m)^#+ (.+)$", page.read_text(encoding="utf-8"))
    return {_anchor(heading) for heading in headings}


def test_the_readme_is_a_front_page() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 300, f"the README has {len(lines)} lines; move detail into docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    dead = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:: not checked here (no network)
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        missing_anchor = bool(anchor) and resolved.suffix == ".md"
        if not resolved.exists() or (missing_anchor and anchor not in _anchors(resolved)):
            dead.append(target)
    assert dead == [], f"{page.name}: links to nothing: {dead}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_no_page_speaks_of_spec(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "SPEC" not in text, f"{page.name} mentions SPEC, which a user cannot read"


def test_help_does_not_speak_of_spec() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "wizard", "--help"], capture_output=True, text=True, check=True
    )
    assert "SPEC" not in shown.stdout
