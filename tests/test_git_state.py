"""The user's git state is theirs: operations in progress, git's own reasons, thin clones,
hooks. Each case is made with the real git in a clone of the test repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fakevm.profiles import write_profile
from tests.helpers import headers, wizard

IDENTITY = {
    "GIT_AUTHOR_NAME": "Dev",
    "GIT_AUTHOR_EMAIL": "dev@example.org",
    "GIT_COMMITTER_NAME": "Dev",
    "GIT_COMMITTER_EMAIL": "dev@example.org",
}
CONFLICTED = "CMakeLists.txt"


def git(checkout: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The real git in ``checkout`` as the developer runs it (with an identity, no editor)."""
    return subprocess.run(
        ["git", "-C", str(checkout), *args],
        capture_output=True,
        text=True,
        check=check,
        env={**os.environ, **IDENTITY, "GIT_EDITOR": "true", "LC_ALL": "C"},
    )


def commit_line(checkout: Path, line: str) -> str:
    """Commit ``line`` appended to the file every case conflicts on; answer the sha."""
    path = checkout / CONFLICTED
    path.write_text(path.read_text() + line + "\n")
    git(checkout, "commit", "-q", "-am", line)
    return git(checkout, "rev-parse", "HEAD").stdout.strip()


def two_sides(checkout: Path) -> tuple[str, str]:
    """Branches ``mine`` and ``theirs`` from pharo-12, changing the same line differently;
    ``mine`` is checked out. Answers their commits."""
    git(checkout, "checkout", "-q", "-b", "theirs", "pharo-12")
    theirs = commit_line(checkout, "# their line")
    git(checkout, "checkout", "-q", "-b", "mine", "pharo-12")
    mine = commit_line(checkout, "# my line")
    return mine, theirs


def start_rebase(checkout: Path) -> None:
    two_sides(checkout)
    assert git(checkout, "rebase", "theirs", check=False).returncode != 0


def start_merge(checkout: Path) -> None:
    two_sides(checkout)
    git(checkout, "merge", "--no-commit", "--no-ff", "theirs", check=False)


def start_cherry_pick(checkout: Path) -> None:
    two_sides(checkout)
    assert git(checkout, "cherry-pick", "theirs", check=False).returncode != 0


def start_revert(checkout: Path) -> None:
    _, theirs = two_sides(checkout)
    git(checkout, "checkout", "-q", "theirs")
    commit_line(checkout, "# their second line")
    assert git(checkout, "revert", "--no-edit", theirs, check=False).returncode != 0


def start_am(checkout: Path) -> None:
    two_sides(checkout)
    patch = git(checkout, "format-patch", "-1", "theirs", "--stdout").stdout
    (checkout.parent / "their.patch").write_text(patch)
    assert git(checkout, "am", str(checkout.parent / "their.patch"), check=False).returncode != 0


def start_bisect(checkout: Path) -> None:
    two_sides(checkout)
    git(checkout, "bisect", "start", "mine", "pharo-12")


OPERATIONS = {
    "rebase": (start_rebase, "a rebase", "git rebase --continue / git rebase --abort"),
    "merge": (start_merge, "a merge", "git merge --continue / git merge --abort"),
    "cherry-pick": (
        start_cherry_pick,
        "a cherry-pick",
        "git cherry-pick --continue / git cherry-pick --abort",
    ),
    "revert": (start_revert, "a revert", "git revert --continue / git revert --abort"),
    "am": (start_am, "a git am", "git am --continue / git am --skip / git am --abort"),
    "bisect": (start_bisect, "a bisect", "git bisect reset"),
}


def git_state(checkout: Path) -> tuple[str, str, list[str]]:
    """HEAD (as a name or a sha), the index's digest and git's folder: what must not move."""
    head = git(checkout, "symbolic-ref", "-q", "HEAD", check=False).stdout.strip()
    head = head or git(checkout, "rev-parse", "HEAD").stdout.strip()
    index = git(checkout, "ls-files", "-s").stdout
    folder = sorted(p.name for p in (checkout / ".git").iterdir() if p.name != "logs")
    return head, index, folder


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_no_branch_switch_during_an_operation(built_workspace, operation):
    start, name, ways_out = OPERATIONS[operation]
    built = built_workspace(until="checkout")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    start(checkout)
    before = git_state(checkout)
    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 1, result.stdout
    assert headers(result.stdout)[-1] == ("branch", "FAILED")
    assert f"{name} is in progress in {checkout}" in result.stdout
    assert ways_out in result.stdout
    assert "uncommitted changes" not in result.stdout
    assert git_state(checkout) == before, "the wizard moved the user's git state"


def test_no_commit_during_a_merge_on_the_plugin_branch(built_workspace):
    built = built_workspace(until="branch")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    git(checkout, "checkout", "-q", "-b", "theirs", "pharo-12")
    commit_line(checkout, "# their line")
    git(checkout, "checkout", "-q", "HelloWorldPlugin")
    git(checkout, "merge", "--no-commit", "--no-ff", "theirs")
    head = git(checkout, "rev-parse", "HEAD").stdout
    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 1, result.stdout
    assert headers(result.stdout)[-1] == ("commit", "FAILED")
    assert "a merge is in progress" in result.stdout
    assert "git merge --continue / git merge --abort" in result.stdout
    assert git(checkout, "rev-parse", "HEAD").stdout == head
    assert (checkout / ".git" / "MERGE_HEAD").exists()


def test_a_stale_index_lock_is_named_not_guessed(built_workspace):
    built = built_workspace(until="checkout")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    (checkout / ".git" / "index.lock").write_text("")
    result = wizard("--replay", str(profile), "--until", "branch", cwd=workspace)
    assert result.returncode == 1
    failed = next(line for line in result.stdout.splitlines() if line.startswith("FAILED:"))
    assert "index.lock" in failed and "File exists" in failed, failed
    assert "uncommitted changes" not in result.stdout


def test_a_branch_open_in_another_worktree_is_named(built_workspace):
    built = built_workspace(until="checkout")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    git(checkout, "branch", "HelloWorldPlugin", "pharo-12")
    git(checkout, "worktree", "add", "-q", str(workspace / "elsewhere"), "HelloWorldPlugin")
    result = wizard("--replay", str(profile), "--until", "branch", cwd=workspace)
    assert result.returncode == 1
    failed = next(line for line in result.stdout.splitlines() if line.startswith("FAILED:"))
    assert "already checked out" in failed and "elsewhere" in failed, failed
    assert "uncommitted changes" not in result.stdout


@pytest.mark.parametrize(
    "flags", [["--single-branch"], ["--depth", "1"]], ids=["single", "shallow"]
)
def test_a_thin_clone_gets_the_base_branch_it_lacks(fake_origin, workspace, flags):
    checkout = workspace / "pharo-vm"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            *flags,
            "--branch",
            "pharo-10",
            f"file://{fake_origin}",
            str(checkout),
        ],
        check=True,
    )
    profile = write_profile(workspace, f"file://{fake_origin}", base_branch="pharo-12")
    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 0, result.stdout
    assert git(checkout, "symbolic-ref", "HEAD").stdout.strip() == "refs/heads/HelloWorldPlugin"
    assert (
        git(checkout, "rev-parse", "HelloWorldPlugin~1").stdout
        == git(checkout, "rev-parse", "pharo-12").stdout
    )


def test_a_shallow_clone_that_cannot_fetch_is_named_with_how_to_deepen_it(
    fake_origin, workspace, tmp_path
):
    origin = tmp_path / "moving" / "pharo-vm"
    shutil.copytree(fake_origin, origin, symlinks=True)
    checkout = workspace / "pharo-vm"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "pharo-10",
            f"file://{origin}",
            str(checkout),
        ],
        check=True,
    )
    profile = write_profile(workspace, f"file://{origin}", base_branch="pharo-12")
    origin.rename(origin.with_name("gone"))  # offline, as it were
    result = wizard("--replay", str(profile), "--until", "checkout", cwd=workspace)
    assert result.returncode == 1
    assert "is a shallow clone" in result.stdout
    assert "git fetch --unshallow" in result.stdout


HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "post-checkout")


def test_the_wizards_commit_runs_none_of_the_users_hooks(built_workspace, tmp_path):
    built = built_workspace(until="branch")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    marks = tmp_path / "marks"
    marks.mkdir()
    for hooks in (checkout / ".git" / "hooks", tmp_path / "configured-hooks"):
        hooks.mkdir(exist_ok=True)
        for hook in HOOKS:
            script = hooks / hook
            script.write_text(f"#!/bin/sh\necho ran > '{marks}/{hooks.name}-{hook}'\n")
            script.chmod(0o755)
    # A hook the user's own commit runs: the marks prove the hooks work.
    git(checkout, "commit", "-q", "--allow-empty", "-m", "mine")
    assert (marks / "hooks-post-commit").exists()
    for mark in marks.iterdir():
        mark.unlink()
    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 0, result.stdout
    assert headers(result.stdout)[-1] == ("commit", "ok")
    assert sorted(p.name for p in marks.iterdir()) == []
    git(checkout, "config", "core.hooksPath", str(tmp_path / "configured-hooks"))
    git(checkout, "reset", "-q", "--hard", "HEAD~1")  # the wizard commits again
    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert headers(result.stdout)[-1] == ("commit", "ok"), result.stdout
    assert sorted(p.name for p in marks.iterdir()) == []


def test_an_operation_in_a_linked_worktree_is_seen(fake_origin, workspace, tmp_path):
    """The checkout is a linked worktree (git's folder is elsewhere): a merge in it is seen."""
    main = tmp_path / "main-clone"
    subprocess.run(["git", "clone", "-q", str(fake_origin), str(main)], check=True)
    checkout = workspace / "pharo-vm"
    git(main, "worktree", "add", "-q", "-b", "pharo-12", str(checkout), "origin/pharo-12")
    profile = write_profile(workspace, fake_origin)
    start_merge(checkout)
    marker = git(checkout, "rev-parse", "--git-path", "MERGE_HEAD").stdout.strip()
    assert not marker.startswith(".git/"), "git's folder of a linked worktree is elsewhere"
    before = git_state_of_worktree(checkout)
    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 1, result.stdout
    assert "a merge is in progress" in result.stdout
    assert git_state_of_worktree(checkout) == before


def git_state_of_worktree(checkout: Path) -> tuple[str, str]:
    head = git(checkout, "symbolic-ref", "-q", "HEAD", check=False).stdout.strip()
    return head, git(checkout, "ls-files", "-s").stdout
