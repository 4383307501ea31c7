"""The ``interpreterProxy`` selectors the wizard ships, for ``--lint`` before any clone.

Without a checkout there is no ``InterpreterProxy.class.st`` to read, yet the article's own
bug (``interpreterProxy stringFromCString:``) is exactly what a newcomer wants caught before
a clone and a half-hour build. So the wizard ships, as package data, the selectors of the
pharo-vm branches it supports (``wizard/data/proxy_selectors.json``, read off pharo-vm by
``scripts/update-proxy-selectors.py``, with the commit of each list) and checks against the
list of the profile's base branch, or of :data:`DEFAULT_BRANCH` when the profile names none
or one the wizard has no list for. The report says which list it used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import TypedDict

from wizard.formats.proxy_api import BASIC_CONSTANT_SELECTORS, KERNEL_SELECTORS
from wizard.slang.selectors import argument_count

#: The list used when the profile has no base branch: pharo-vm's current line.
DEFAULT_BRANCH = "pharo-12"


@dataclass(frozen=True)
class ShippedProxy:
    """One branch's list: what ``interpreterProxy`` understands there, and where it came from."""

    branch: str
    commit: str
    selectors: dict[str, int]
    requested: str | None

    def describe(self) -> str:
        """One phrase for the lint's summary: which list was used, and why that one."""
        origin = f"pharo-vm {self.branch} at {self.commit[:10]}"
        if self.requested == self.branch:
            return f"the selectors shipped for {origin} (the profile's base_branch)"
        if self.requested is None:
            return f"the selectors shipped for {origin} (the default; the profile names no base_branch)"
        return (
            f"the selectors shipped for {origin} (no list is shipped for base_branch "
            f"{self.requested}; known: {', '.join(shipped_branches())})"
        )


class _Branch(TypedDict):
    """One branch's entry in ``data/proxy_selectors.json``."""

    commit: str
    interpreter_proxy: list[str]
    interpreter_plugin: list[str]


def _table() -> dict[str, _Branch]:
    text = resources.files("wizard").joinpath("data/proxy_selectors.json").read_text("utf-8")
    branches: dict[str, _Branch] = json.loads(text)["branches"]
    return branches


def shipped_branches() -> list[str]:
    """The branches a list ships for, in pharo-vm's order (pharo-9 before pharo-10)."""
    return sorted(
        _table(), key=lambda name: [int(p) if p.isdigit() else p for p in name.split("-")]
    )


def shipped_proxy(base_branch: str | None) -> ShippedProxy:
    """The list for ``base_branch`` (or the default), with Slang's own additions.

    Like :func:`wizard.formats.proxy_api.understood_by_proxy` on a checkout: the proxy's
    selectors, the sends Slang turns into C macros or constants, and InterpreterPlugin's
    own methods.
    """
    table = _table()
    branch = base_branch if base_branch in table else DEFAULT_BRANCH
    entry = table[branch]
    selectors: dict[str, int] = {}
    for name in (
        *entry["interpreter_proxy"],
        *KERNEL_SELECTORS,
        *BASIC_CONSTANT_SELECTORS,
        *entry["interpreter_plugin"],
    ):
        selectors.setdefault(name, argument_count(name))
    return ShippedProxy(branch, str(entry["commit"]), selectors, base_branch)
