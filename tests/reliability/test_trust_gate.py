"""Trust: cmake options that are not plain data, and a build cache the wizard did not write,
need ``--trust``.

A profile someone sent you names ``CMAKE_C_COMPILER_LAUNCHER: 'sh;-c;…'``: without
``--trust`` nothing runs at all (exit 2, the options listed), ``--dry-run`` shows them, and
with ``--trust`` cmake does read them. The TUI asks before a run, and a "no" runs nothing;
it asks about a foreign ``build/CMakeCache.txt`` too. (The attacks of a colleague's
repository, one by one, are in ``tests/test_trust_attacks.py``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fakevm.profiles import write_profile
from screens.dialogs import Confirm
from tests.helpers import headers, wizard
from tests.test_tui_support import (
    app_on,
    at_rest,
    make_workspace,
    point_at,
    settled,
    wait_for,
)


def shell_launcher(marker: Path) -> str:
    """The option value a hostile profile would carry: any shell command, then the compiler."""
    return f'sh;-c;touch {marker}; exec "$0" "$@";cc'


def test_replay_refuses_untrusted_options_and_runs_nothing(fake_origin, workspace, tmp_path):
    marker = tmp_path / "ran"
    profile = write_profile(
        workspace,
        fake_origin,
        cmake_options={"CMAKE_C_COMPILER_LAUNCHER": shell_launcher(marker), "BUILD_BUNDLE": "OFF"},
    )
    before = profile.read_bytes()
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "CMAKE_C_COMPILER_LAUNCHER" in result.stderr and "--trust" in result.stderr
    assert "BUILD_BUNDLE" not in result.stderr  # only the options that run something
    assert result.stdout == ""  # not one step started
    assert sorted(p.name for p in workspace.iterdir()) == ["profiles"]
    assert profile.read_bytes() == before
    assert not marker.exists()


def test_an_override_needs_trust_too(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin)
    result = wizard(
        "--replay",
        str(profile),
        "--set",
        "build.cmake_options.CMAKE_TOOLCHAIN_FILE=/tmp/evil.cmake",
        cwd=workspace,
    )
    assert result.returncode == 2
    assert "CMAKE_TOOLCHAIN_FILE" in result.stderr
    assert not (workspace / "pharo-vm").exists()


@pytest.mark.parametrize("trust", [False, True])
def test_dry_run_shows_the_options(fake_origin, workspace, tmp_path, trust):
    marker = tmp_path / "ran"
    profile = write_profile(
        workspace,
        fake_origin,
        cmake_options={"CMAKE_C_COMPILER_LAUNCHER": shell_launcher(marker)},
    )
    result = wizard("--replay", str(profile), "--dry-run", *(["--trust"] * trust), cwd=workspace)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert "CMAKE_C_COMPILER_LAUNCHER" in first
    assert ("allowed by --trust" if trust else "a run needs --trust") in first
    assert not marker.exists()


def test_with_trust_cmake_reads_the_script(fake_origin, workspace, tmp_path):
    marker = tmp_path / "included"
    script = tmp_path / "include.cmake"
    script.write_text(f'file(WRITE "{marker}" "read by cmake")\n')
    profile = write_profile(
        workspace, fake_origin, cmake_options={"CMAKE_PROJECT_INCLUDE": str(script)}
    )
    refused = wizard("--replay", str(profile), "--until", "configure", cwd=workspace)
    assert refused.returncode == 2 and not marker.exists()
    result = wizard("--replay", str(profile), "--until", "configure", "--trust", cwd=workspace)
    assert result.returncode == 0, result.stdout[-2000:]
    assert dict(headers(result.stdout))["configure"] == "ok"
    assert marker.read_text() == "read by cmake"


async def test_the_tui_asks_and_no_runs_nothing(tmp_path, fake_origin):
    profile = point_at(make_workspace(tmp_path), fake_origin)
    text = profile.read_text().replace(
        "cmake_options: {}", "cmake_options: {CMAKE_PROJECT_INCLUDE: /tmp/x.cmake}"
    )
    profile.write_text(text)
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        assert "CMAKE_PROJECT_INCLUDE='/tmp/x.cmake'" in app.screen.question
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, Confirm))
        await pilot.pause()
        assert not app.runs.model.running and app.runs.model.exit_code is None
        assert not (profile.parent.parent / "pharo-vm").exists()

        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.runs.model.exit_code is not None, timeout=120)
        assert app.runs.model.exit_code == 0
        assert (profile.parent.parent / "pharo-vm" / ".git").exists()
        await at_rest(pilot)


async def test_the_tui_asks_about_a_cache_the_wizard_did_not_write(tmp_path, fake_origin):
    """A colleague's workspace carries build/CMakeCache.txt with a launcher of theirs: the
    question names the file and the entry, with why; a "no" runs nothing."""
    profile = point_at(make_workspace(tmp_path), fake_origin)
    workspace = profile.parent.parent
    (workspace / "build").mkdir()
    cache = workspace / "build" / "CMakeCache.txt"
    cache.write_text(
        "CMAKE_C_COMPILER_LAUNCHER:STRING=/tmp/theirs.sh\n"
        "CMAKE_CXX_COMPILER_LAUNCHER:STRING=[#000000 on #000000]hidden[/]\n",
        encoding="utf-8",
    )
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        question = app.screen.question
        assert "build/CMakeCache.txt was not written by the wizard" in question
        assert "CMAKE_C_COMPILER_LAUNCHER='/tmp/theirs.sh' (a program cmake puts" in question
        # a value's own markup is shown as written, not applied (it could hide text)
        shown = str(app.screen.query_one(".dialog-question").render())
        assert "'[#000000 on #000000]hidden[/]'" in shown
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, Confirm))
        await pilot.pause()
        assert not app.runs.model.running and app.runs.model.exit_code is None
        assert not (workspace / "pharo-vm").exists()
        await at_rest(pilot)
