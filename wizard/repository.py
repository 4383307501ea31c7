"""Where the clone stands, as the Setup screen draws it: branch, changes, commits ahead.

Read-only: it never changes the clone, and it closes the repository it opened.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RepositoryFacts:
    """Where the clone stands: its branch, uncommitted files, commits ahead of the base."""

    cloned: bool
    branch: str | None = None
    dirty: tuple[str, ...] = ()
    ahead: int | None = None
    remote_branches: tuple[str, ...] = ()
    default_branch: str | None = None


def repository_facts(checkout: Path, base: str | None) -> RepositoryFacts:
    """Read the clone at ``checkout``; ``base`` is the profile's base branch (or None)."""
    from wizard.steps.setup import open_repo

    repo = open_repo(checkout)
    if repo is None:
        return RepositoryFacts(cloned=False)
    try:
        return _read(repo, base)
    finally:
        repo.close()  # GitPython keeps `git cat-file` helpers alive until closed


def _read(repo, base: str | None) -> RepositoryFacts:
    from wizard.steps.setup import dirty_files

    branch = None if repo.head.is_detached else repo.active_branch.name
    dirty: tuple[str, ...] = ()
    with contextlib.suppress(Exception):
        dirty = tuple(dirty_files(repo))
    remotes: list[str] = []
    default = None
    with contextlib.suppress(Exception):
        origin = repo.remotes.origin
        remotes = sorted(ref.remote_head for ref in origin.refs if ref.remote_head != "HEAD")
    with contextlib.suppress(Exception):
        default = repo.refs["origin/HEAD"].reference.remote_head
    base = base or default
    ahead = None
    if base and branch and base in repo.heads and base != branch:
        with contextlib.suppress(Exception):
            ahead = int(repo.git.rev_list("--count", f"{base}..{branch}"))
    return RepositoryFacts(True, branch, dirty, ahead, tuple(remotes), default)
