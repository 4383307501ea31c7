"""What the clone says about itself, asked of the real git: the questions detection asks."""

from __future__ import annotations

import subprocess

import pytest

from wizard.checkout.git import (
    commits_ahead,
    current_branch,
    default_branch,
    has_branch,
    is_clone,
    origin_urls,
    remote_branches,
    uncommitted,
)


def git(folder, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def origin(tmp_path):
    """A small repository with two branches, ``main`` checked out, and a clone of it."""
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    (origin / "a.st").write_text("a\n")
    (origin / "b.st").write_text("b\n")
    (origin / "with space é.st").write_text("c\n")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "one")
    git(origin, "branch", "pharo-12")
    return origin


@pytest.fixture
def clone(origin, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    return clone


def test_a_clone_and_what_is_not_one(clone, tmp_path):
    assert is_clone(clone)
    (clone / "sub").mkdir()
    assert not is_clone(clone / "sub"), "a folder inside a clone is not a clone"
    assert not is_clone(tmp_path / "missing")
    (tmp_path / "fake" / ".git").mkdir(parents=True)
    assert not is_clone(tmp_path / "fake"), "an empty .git folder is not a repository"


def test_branches_origin_and_default_branch(clone, origin):
    assert origin_urls(clone) == [str(origin)]
    assert current_branch(clone) == "main"
    assert default_branch(clone) == "main"
    assert remote_branches(clone) == ["main", "pharo-12"]
    assert has_branch(clone, "main") and not has_branch(clone, "pharo-12")
    git(clone, "branch", "pharo-12", "origin/pharo-12")
    assert has_branch(clone, "pharo-12")
    git(clone, "checkout", "-q", "--detach")
    assert current_branch(clone) is None


def test_no_origin_remote(clone):
    git(clone, "remote", "remove", "origin")
    assert origin_urls(clone) == []
    assert default_branch(clone) is None


def test_uncommitted_staged_unstaged_untracked_renamed(clone):
    assert uncommitted(clone, ["a.st", "b.st", "new.st"]) == []
    (clone / "a.st").write_text("changed\n")
    (clone / "new.st").write_text("new\n")
    (clone / "with space é.st").write_text("changed\n")
    git(clone, "mv", "b.st", "renamed.st")
    asked = uncommitted(clone, ["a.st", "new.st", "renamed.st", "b.st", "with space é.st"])
    assert sorted(asked) == ["a.st", "new.st", "renamed.st", "with space é.st"]
    assert uncommitted(clone, ["a.st"]) == ["a.st"], "only the paths asked about"
    tracked = uncommitted(clone)
    assert "new.st" not in tracked, "untracked files count only when asked about"
    assert {"a.st", "renamed.st", "with space é.st"} <= set(tracked)


def test_asking_writes_nothing(clone):
    """Detection must not change the clone: not even git's index refresh."""
    (clone / "a.st").write_text("changed\n")
    index = clone / ".git" / "index"
    before = index.stat().st_mtime_ns, index.read_bytes()
    uncommitted(clone)
    uncommitted(clone, ["a.st"])
    assert (index.stat().st_mtime_ns, index.read_bytes()) == before


def test_commits_ahead(clone):
    git(clone, "checkout", "-q", "-b", "Plugin")
    assert commits_ahead(clone, "main", "Plugin") == 0
    (clone / "a.st").write_text("changed\n")
    git(clone, "commit", "-q", "-am", "two")
    assert commits_ahead(clone, "main", "Plugin") == 1
    assert commits_ahead(clone, "main", "NoSuchBranch") is None
