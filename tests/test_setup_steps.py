"""The setup phase on a pharo-vm-shaped repository, with the real git."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import git
import psutil

from fakevm.profiles import write_profile
from tests.helpers import headers, tree_snapshot, wizard


def slow_clone_home(tmp_path):
    """A HOME whose git config slows every clone from it by a minute (a pack-objects hook)."""
    home = tmp_path / "home"
    home.mkdir()
    hook = home / "slow-pack"
    hook.write_text('#!/bin/sh\nsleep 60\nexec "$@"\n')
    hook.chmod(0o755)
    (home / ".gitconfig").write_text(f"[uploadpack]\n\tpackObjectsHook = {hook}\n")
    return home


def still_running(family: list[psutil.Process], patience: float = 0.2) -> list[int]:
    """The pids of ``family`` still running (not zombies) after at most ``patience`` seconds
    (the grace the test always gave): at once when the wizard stopped its tree before it
    left, as it does."""
    deadline = time.monotonic() + patience
    while True:
        running = []
        for process in family:
            try:
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    running.append(process.pid)
            except psutil.NoSuchProcess:
                continue
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.02)


def test_until_branch_then_again_skips_everything(built_workspace):
    built = built_workspace(until="branch")
    workspace, profile = built.workspace, built.profile
    first = built.first
    assert first.returncode == 0, first.stdout + first.stderr
    assert headers(first.stdout) == [("clone", "ok"), ("checkout", "ok"), ("branch", "ok")]
    repo = git.Repo(workspace / "pharo-vm")
    assert repo.active_branch.name == "HelloWorldPlugin"
    assert repo.heads["HelloWorldPlugin"].commit == repo.heads["pharo-12"].commit
    assert (workspace / "logs" / "HelloWorldPlugin" / "clone.log").is_file()
    state = profile.read_text()
    assert "status: done" in state and "base_branch: pharo-12" in state

    before = tree_snapshot(workspace / "pharo-vm")
    second = wizard("--replay", str(profile), "--until", "branch", cwd=workspace)
    assert second.returncode == 0
    assert headers(second.stdout) == [
        ("clone", "skipped"),
        ("checkout", "skipped"),
        ("branch", "skipped"),
    ]
    assert tree_snapshot(workspace / "pharo-vm") == before


def test_base_branch_defaults_to_the_remote_default(built_workspace):
    built = built_workspace(None, until="branch")  # base_branch: none in the profile
    workspace, result = built.workspace, built.first
    assert result.returncode == 0, result.stdout
    repo = git.Repo(workspace / "pharo-vm")
    assert repo.heads["HelloWorldPlugin"].commit == repo.heads["pharo-10"].commit


def test_unknown_base_branch_lists_the_real_ones(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin, base_branch="pharo-99")
    result = wizard("--replay", str(profile), "--until", "branch", cwd=workspace)
    assert result.returncode == 1
    assert "origin has no branch pharo-99" in result.stdout
    assert "pharo-12" in result.stdout


def test_dry_run_after_setup_changes_nothing(built_workspace):
    built = built_workspace(until="branch")
    workspace, profile = built.workspace, built.profile
    before = tree_snapshot(workspace)
    result = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert result.returncode == 0
    assert "would skip: already done" in result.stdout
    assert tree_snapshot(workspace) == before


def test_refuses_a_folder_that_is_not_a_clone(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin)
    (workspace / "pharo-vm").mkdir()
    (workspace / "pharo-vm" / "notes.txt").write_text("mine")
    result = wizard("--replay", str(profile), "--until", "clone", cwd=workspace)
    assert result.returncode == 1
    assert "not a git repository" in result.stdout
    assert (workspace / "pharo-vm" / "notes.txt").read_text() == "mine"


def test_refuses_a_clone_of_another_repository(fake_origin, workspace, tmp_path):
    other = tmp_path / "other"
    git.Repo.init(other)
    git.Repo.clone_from(other, workspace / "pharo-vm")
    profile = write_profile(workspace, fake_origin)
    result = wizard("--replay", str(profile), "--until", "clone", cwd=workspace)
    assert result.returncode == 1
    assert "is a clone of" in result.stdout


def test_refuses_to_overwrite_uncommitted_changes(built_workspace):
    built = built_workspace("pharo-9", until="checkout")
    workspace, profile = built.workspace, built.profile
    repo = git.Repo(workspace / "pharo-vm")
    # On pharo-10 (the clone's default), change a file that differs on pharo-9.
    changed = next(
        item.a_path for item in repo.head.commit.diff("pharo-9") if item.a_path.endswith(".st")
    )
    path = workspace / "pharo-vm" / changed
    path.write_text(path.read_text() + '"my edit"\n')
    result = wizard("--replay", str(profile), "--until", "branch", cwd=workspace)
    assert result.returncode == 1
    assert "uncommitted changes would be overwritten" in result.stdout
    assert changed in result.stdout
    assert path.read_text().endswith('"my edit"\n'), "the edit is still there"
    assert repo.active_branch.name == "pharo-10"


def test_ctrl_c_during_clone_leaves_no_half_clone(fake_origin, workspace, tmp_path):
    """A clone slowed by a pack-objects hook (a real git feature), interrupted with SIGINT."""
    home = slow_clone_home(tmp_path)
    profile = write_profile(workspace, f"file://{fake_origin}")
    process = subprocess.Popen(
        [sys.executable, "-m", "wizard", "--replay", str(profile), "--until", "branch"],
        cwd=workspace,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin"},
    )
    partial = workspace / ".pharo-vm.partial-clone"
    deadline = time.monotonic() + 30
    while not partial.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert partial.exists(), "the clone started"
    family = psutil.Process(process.pid).children(recursive=True)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 130, output
    assert "INTERRUPTED: clone" in output
    assert not partial.exists()
    assert not (workspace / "pharo-vm").exists()
    assert not still_running(family)
    assert "status: interrupted" in profile.read_text()
    # The next run (without the slow hook) resumes and finishes.
    result = wizard("--replay", str(profile), "--until", "branch", cwd=workspace)
    assert result.returncode == 0, result.stdout
    assert headers(result.stdout)[0] == ("clone", "ok")


def test_second_wizard_on_the_same_profile_refuses(fake_origin, workspace, tmp_path):
    home = slow_clone_home(tmp_path)
    profile = write_profile(workspace, f"file://{fake_origin}")
    first = subprocess.Popen(
        [sys.executable, "-m", "wizard", "--replay", str(profile)],
        cwd=workspace,
        stdout=subprocess.DEVNULL,
        env={"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin"},
    )
    try:
        deadline = time.monotonic() + 30
        while not (workspace / ".pharo-vm.partial-clone").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        second = wizard("--replay", str(profile), cwd=workspace)
        assert second.returncode == 2
        assert f"pid {first.pid}" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 130
