"""What the clone says about itself: branches, origin, uncommitted files. Read-only.

Every step detects before it acts, and ``--from`` detects every earlier step too, so these
questions are asked on every run. They are put to the ``git`` command itself, one short
process each (about a millisecond), with an argument list and ``GIT_OPTIONAL_LOCKS=0`` so
that asking never writes to the clone. GitPython, which costs about 40 ms to import, is
kept for the steps that change the clone (clone with progress, branch, checkout, commit).
"""

from __future__ import annotations

import os
from pathlib import Path

from wizard.errors import StepFailed

_QUIET_GIT = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def ask_git(checkout: Path, *args: str) -> str | None:
    """The output of ``git -C checkout ARGS``, or None when git answers with a failure."""
    import subprocess  # not before there is a clone to ask about (--dry-run of a new plugin)

    try:
        result = subprocess.run(
            ["git", "-C", str(checkout), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env={**os.environ, **_QUIET_GIT},
            check=False,
        )
    except FileNotFoundError:
        raise StepFailed(
            "git is not installed or not on PATH",
            hint="install git (apt install git / dnf install git / brew install git)",
        ) from None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "surrogateescape")


def is_clone(path: Path) -> bool:
    """Whether ``path`` is the top level of a git working tree (not a folder inside one)."""
    if not (path / ".git").exists():
        return False  # the common "not cloned yet" answer, without starting git
    top = ask_git(path, "rev-parse", "--show-toplevel")
    return top is not None and Path(top.strip()).resolve() == path.resolve()


def origin_urls(checkout: Path) -> list[str]:
    """The URLs of the ``origin`` remote (none when there is no such remote)."""
    urls = ask_git(checkout, "remote", "get-url", "--all", "origin")
    return urls.splitlines() if urls else []


def has_branch(checkout: Path, name: str) -> bool:
    """Whether the clone has a local branch ``name``."""
    return ask_git(checkout, "rev-parse", "--verify", "--quiet", f"refs/heads/{name}") is not None


def current_branch(checkout: Path) -> str | None:
    """The checked-out branch, or None on a detached HEAD."""
    head = ask_git(checkout, "symbolic-ref", "--quiet", "HEAD")
    return head.strip().removeprefix("refs/heads/") if head else None


def default_branch(checkout: Path) -> str | None:
    """The remote's default branch, as the clone recorded it (``origin/HEAD``)."""
    ref = ask_git(checkout, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")
    return ref.strip().removeprefix("refs/remotes/origin/") if ref else None


def remote_branches(checkout: Path) -> list[str]:
    """The branches of ``origin`` the clone knows of."""
    refs = ask_git(checkout, "for-each-ref", "--format=%(refname)", "refs/remotes/origin/")
    names = [line.removeprefix("refs/remotes/origin/") for line in (refs or "").splitlines()]
    return sorted(name for name in names if name and name != "HEAD")


def uncommitted(checkout: Path, paths: list[str] | None = None) -> list[str]:
    """Which files differ from HEAD: staged, unstaged or untracked.

    With ``paths``, only those are asked about (untracked ones included); without, every
    tracked file with a change (untracked files are not counted).
    """
    untracked = "--untracked-files=all" if paths else "--untracked-files=no"
    args = ["status", "--porcelain", "-z", untracked]
    if paths:
        args += ["--", *paths]
    status = ask_git(checkout, *args)
    if status is None:
        raise StepFailed(f"git status failed in {checkout}", hint="run git status there to see why")
    files: list[str] = []
    entries = iter(status.split("\0"))
    for entry in entries:
        if not entry:
            continue
        files.append(entry[3:])
        if entry[0] in "RC":
            next(entries, None)  # a rename or copy names its source next: not a change of ours
    return files


def commits_ahead(checkout: Path, base: str, branch: str) -> int | None:
    """How many commits ``branch`` has that ``base`` does not."""
    count = ask_git(checkout, "rev-list", "--count", f"refs/heads/{base}..refs/heads/{branch}")
    return int(count) if count and count.strip().isdigit() else None
