"""Nothing lost: one profile, one lock, one file, whatever path names it (a symlinked
second path gets the same lock: docs/reliability.md)."""

from __future__ import annotations

import os

from fakevm.profiles import write_profile
from tests.helpers import headers, wizard
from wizard.engine.lock import ProfileLock


def test_a_symlinked_path_shares_the_lock(fake_origin, workspace, tmp_path):
    profile = write_profile(workspace, fake_origin)
    link = tmp_path / "elsewhere.yml"
    link.symlink_to(profile)
    with ProfileLock(profile):  # a first wizard holds the real file
        result = wizard("--replay", str(link), "--until", "clone", cwd=workspace)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"pid {os.getpid()}" in result.stderr
    assert not (workspace / "pharo-vm").exists()


def test_a_save_through_a_symlink_keeps_the_link(fake_origin, workspace, tmp_path):
    profile = write_profile(workspace, fake_origin)
    link = tmp_path / "elsewhere.yml"
    link.symlink_to(profile)
    result = wizard("--replay", str(link), "--until", "clone", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert dict(headers(result.stdout))["clone"] == "ok"
    assert link.is_symlink() and link.resolve() == profile.resolve()
    assert "status: done" in profile.read_text()  # the real file has the state


def test_a_hard_linked_profile_is_refused(fake_origin, workspace, tmp_path):
    profile = write_profile(workspace, fake_origin)
    second = tmp_path / "second.yml"
    os.link(profile, second)
    for path in (profile, second):
        result = wizard("--replay", str(path), "--until", "clone", cwd=workspace)
        assert result.returncode == 2, result.stdout
        assert "hard links" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (workspace / "pharo-vm").exists()
