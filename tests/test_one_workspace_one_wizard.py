"""Two profiles sharing one checkout and build folder: a second wizard refuses before it
changes anything, naming the first one and its profile (headless and TUI alike)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fakevm.profiles import write_profile
from tests.helpers import tree_snapshot, wizard
from wizard.engine.workbench import Workbench
from wizard.errors import LockedError
from wizard.profile.load import load_profile

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from wizard.engine.workbench import Workbench
    workbench = Workbench.load(Path(sys.argv[1]))
    workbench.hold()
    print("held", flush=True)
    time.sleep(120)
    """
)


def files_of(root: Path) -> dict[str, float]:
    """Every file under ``root`` with its mtime (a folder's own time moves with a lock file
    made and removed again)."""
    return {name: time for name, time in tree_snapshot(root).items() if not (root / name).is_dir()}


@pytest.fixture
def first(workspace: Path, fake_origin: Path):
    """A wizard at work on HelloWorldPlugin's profile (holding what a run holds)."""
    profile = write_profile(workspace, fake_origin)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(profile)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    yield holder, profile
    holder.kill()
    holder.wait()


def test_a_second_profile_on_the_same_workspace_is_refused_headless(first, workspace, fake_origin):
    holder, held = first
    other = write_profile(workspace, fake_origin, name="OtherPlugin")
    before = files_of(workspace)
    result = wizard("--replay", str(other), cwd=workspace)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"pid {holder.pid} on {held}" in result.stderr
    assert "pharo-vm: another pharo-plugin-wizard" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert files_of(workspace) == before, "refused before it changed anything"


def test_a_build_folder_shared_alone_is_refused_too(first, workspace, fake_origin):
    holder, held = first
    other = write_profile(
        workspace,
        fake_origin,
        name="OtherPlugin",
        extra={"repository": {"url": str(fake_origin), "path": "vm2"}},
    )
    result = wizard("--replay", str(other), "--until", "clone", cwd=workspace)
    assert result.returncode == 2
    assert "build: another pharo-plugin-wizard" in result.stderr
    assert f"pid {holder.pid} on {held}" in result.stderr
    assert not (workspace / "vm2").exists()


def test_the_second_runs_once_the_first_is_gone(first, workspace, fake_origin):
    holder, _ = first
    holder.kill()
    holder.wait()
    other = write_profile(workspace, fake_origin, name="OtherPlugin")
    result = wizard("--replay", str(other), "--until", "clone", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_checkout_and_build_of_its_own_runs_side_by_side(first, workspace, fake_origin):
    """The README's way for several plugins in one workspace is not blocked."""
    other = write_profile(
        workspace,
        fake_origin,
        name="OtherPlugin",
        extra={
            "repository": {"url": str(fake_origin), "path": "vm2", "base_branch": "pharo-12"},
            "build": {"mode": "two-pass", "dir": "build2", "jobs": 2},
        },
    )
    bench = Workbench.load(other)
    bench.hold()
    bench.release()


def test_in_one_process_the_folders_are_held_once(workspace, fake_origin):
    one = Workbench.load(write_profile(workspace, fake_origin))
    two = Workbench.load(write_profile(workspace, fake_origin, name="OtherPlugin"))
    one.hold()
    try:
        with pytest.raises(LockedError):
            two.hold()
        assert two.lock is None, "the second profile's own lock was let go"
    finally:
        one.release()
    two.hold()
    two.release()


async def test_the_tui_refuses_a_second_profile_on_the_same_workspace(
    first, workspace, fake_origin
):
    from tests.test_tui_support import app_on

    holder, held = first
    other = write_profile(workspace, fake_origin, name="OtherPlugin")
    app = app_on(None, profiles_dir=other.parent)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.open_profile(load_profile(other)) is False
        await pilot.pause()
        assert app.session is None
        said = [notice.message for notice in app._notifications]
        assert any(f"pid {holder.pid} on {held}" in message for message in said), said
