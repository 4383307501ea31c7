"""Committing only the wizard's own change in a file it shares with the user.

``PharoVMMaker.class.st``, ``plugins.cmake`` and ``cmake/vmmaker.cmake`` are pharo-vm's
files: the wizard edits a few lines of each, and a VM hacker may well have an experiment of
their own uncommitted in the same file. What the wizard commits is therefore not the
working-tree file but the committed (HEAD) version with only the wizard's edit applied; the
user's other lines stay in the working tree, uncommitted. Only where the user's change
touches the very lines the wizard changes is there nothing safe to commit: the step then
refuses, naming the file and the lines.

This module is the pure part: texts in, a verdict out. No git here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Hunk:
    """One change between two texts: old lines ``[start, end)`` replaced by ``lines``."""

    start: int
    end: int
    lines: tuple[str, ...]

    def touches(self, other: Hunk) -> bool:
        """Whether the two changes touch the same old lines, or meet at one line's edge."""
        return self.start <= other.end and other.start <= self.end

    def describe(self) -> str:
        """The old lines as a person counts them: ``line 12`` or ``lines 12-14``."""
        first, last = self.start + 1, max(self.end, self.start + 1)
        return f"line {first}" if first == last else f"lines {first}-{last}"


def hunks(old: str, new: str) -> list[Hunk]:
    """The changes that turn ``old`` into ``new``, line by line."""
    before = old.splitlines(keepends=True)
    after = new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        Hunk(i1, i2, tuple(after[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


@dataclass(frozen=True)
class Conflict:
    """The user's uncommitted change touches the lines the wizard changes."""

    lines: tuple[str, ...]  # "line 12", "lines 40-41": in the committed file

    def sentence(self, relative: str) -> str:
        return (
            f"{relative}: your uncommitted change touches the {', '.join(self.lines)} the wizard "
            "changes (counted in the committed file)"
        )


def conflict(committed: str, worktree: str, wizards: str) -> Conflict | None:
    """Whether committing ``wizards`` would take or lose a line of the user's.

    ``committed`` is the file at HEAD, ``worktree`` the file as it is (the wizard's edit
    plus whatever the user changed), ``wizards`` the committed file with only the wizard's
    edit. The wizard's change can be committed alone when every hunk of it appears, as is,
    in the working tree and no other hunk of the working tree touches it.
    """
    mine = hunks(committed, wizards)
    theirs = hunks(committed, worktree)
    clashes = []
    for hunk in mine:
        touching = [other for other in theirs if other.touches(hunk)]
        if touching != [hunk]:
            clashes.append(hunk.describe())
    return Conflict(tuple(clashes)) if clashes else None
