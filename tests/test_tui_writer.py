"""The profile's one writer, through the TUI: edits typed during a real build all reach the file.

The engine records each step in ``state:`` while the Develop screen autosaves what is typed;
both go through one writer that holds the file while it reads, changes and writes it. The
test types edit after edit while the test repository builds for real, and checks before
each new edit that the previous one (reported saved) is still in the file: a state save
that read the file before that edit and wrote after it would have taken it away.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from screens.build import BuildScreen
from screens.develop import DevelopScreen
from screens.widgets.smalltalk import SmalltalkEditor
from tests.test_tui_support import app_on, make_workspace, profile_data, settled, wait_for
from wizard.profile.template import template_text

SIZE = (120, 40)


def commented_profile(tmp_path: Path, origin: Path) -> Path:
    """The ``--new`` template (comments and all) pointed at the test repository, by hand."""
    path = make_workspace(tmp_path)
    text = template_text("HelloWorldPlugin")
    text = text.replace("workspace: ..\n", "workspace: ..  # the folder above profiles/\n", 1)
    text = text.replace(
        "url: https://github.com/pharo-project/pharo-vm.git", f"url: '{origin}'  # local", 1
    )
    text = re.sub(
        r"    ICEBERG_DEFAULT_REMOTE: httpsUrl[^\n]*\n",
        "    # the user's own note on the options\n    BUILD_BUNDLE: false\n",
        text,
        count=1,
    )
    text = re.sub(r"  jobs: 0[^\n]*\n", "  jobs: 2\n", text, count=1)
    # The template's example needs translated Slang: the VMMaker stand-in's C cannot greet.
    text = re.sub(r"  examples:\n(?:    [^\n]*\n)+", "", text, count=1)
    assert "BUILD_BUNDLE: false" in text and str(origin) in text
    path.write_text(text, encoding="utf-8")
    return path


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.lstrip().startswith("#")] + [
        line.split("#", 1)[1] for line in text.splitlines() if "  # " in line
    ]


@contextmanager
def every_version(path: Path) -> Iterator[list[str]]:
    """Every text the file holds while the block runs, in order (read again and again).

    Saves replace the file whole (a rename), so each read sees one complete version; a
    version lives until the next save, far longer than one read.
    """
    versions: list[str] = [path.read_text(encoding="utf-8")]
    done = threading.Event()

    def watch() -> None:
        seen = path.stat().st_ino
        while not done.is_set():
            now = path.stat().st_ino  # a save is a rename: a new inode each time
            if now != seen:
                seen = now
                versions.append(path.read_text(encoding="utf-8"))
            done.wait(0.001)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield versions
    finally:
        done.set()
        watcher.join()
        last = path.read_text(encoding="utf-8")
        if last != versions[-1]:
            versions.append(last)


@pytest.fixture
def profile(tmp_path, fake_origin):
    return commented_profile(tmp_path, fake_origin)


def typed_count(version: str) -> int:
    """How many of the test's ``x`` keys the method in this version of the file holds."""
    source = yaml.safe_load(version)["plugin"]["methods"][1]["source"]
    return source.rstrip("\n").rsplit("\n", 1)[-1].count("x")


def steps_recorded(version: str) -> int:
    return len((yaml.safe_load(version).get("state") or {}).get("steps") or {})


@pytest.mark.slow
async def test_edits_typed_during_a_build_all_reach_the_file(profile):
    before = profile.read_text(encoding="utf-8")
    app = app_on(profile, save_delay=0.05)
    with every_version(profile) as versions:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            await pilot.press("f3")
            screen = app.screen
            assert isinstance(screen, DevelopScreen)
            await pilot.press("down")  # primitiveGetHelloString
            editor = screen.query_one(SmalltalkEditor)
            editor.focus()
            last = editor.document.line_count - 1
            editor.move_cursor((last, len(editor.document.get_line(last))))
            await pilot.press("enter", "x")
            await pilot.press("f5")
            assert isinstance(app.screen, BuildScreen)
            await pilot.press("ctrl+n")  # everything, from clone to compile
            await wait_for(pilot, lambda: app.runs.model.running)
            await pilot.press("f3")
            assert app.screen is screen and app.focused is editor
            typed = 1
            while app.runs.model.running:  # one key at a time, saved while the steps record
                await pilot.press("x")
                typed += 1
            await wait_for(pilot, lambda: not app.session.dirty)
            assert app.runs.model.exit_code == 0, app.runs.model.failure
            source = app.session.profile.plugin.methods[1].source
    after = profile.read_text(encoding="utf-8")
    data = profile_data(profile)
    counts = [typed_count(version) for version in versions]
    lost = [(i, n) for i, n in enumerate(counts) if n < max(counts[:i], default=0)]
    assert lost == [], "a state save took away keys already saved"
    assert counts[-1] == typed and source.endswith("\n" + "x" * typed)
    recorded = [steps_recorded(version) for version in versions]
    interleaved = [
        i for i in range(1, len(versions)) if recorded[i] > recorded[i - 1] and counts[i] > 1
    ]
    assert len(interleaved) >= 2  # steps were recorded while the keys were being saved
    assert data["plugin"]["methods"][1]["source"] == source
    steps = data["state"]["steps"]
    assert steps["compile"]["status"] == "done" and steps["clone"]["status"] == "done"
    assert comments(after) == comments(before)  # every comment where the user put it
    assert "    BUILD_BUNDLE: false\n" in after
    untouched = before.split("  methods:")[0]
    assert after.startswith(untouched)


def saved_line(app) -> str:
    return str(app.screen.query_one("#guide-saved").render())


async def open_develop_editor(pilot) -> SmalltalkEditor:
    app = pilot.app
    await settled(pilot)
    await pilot.press("f3")
    assert isinstance(app.screen, DevelopScreen)
    editor = app.screen.query_one(SmalltalkEditor)
    editor.focus()
    return editor


async def test_a_profile_over_one_mebibyte_is_refused_and_kept(tmp_path):
    profile = make_workspace(tmp_path)
    before = profile.read_text(encoding="utf-8")
    app = app_on(profile)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_develop_editor(pilot)
        last = editor.document.line_count - 1
        editor.move_cursor((last, len(editor.document.get_line(last))))
        pasted = '\n\t"' + "a long comment " * 70_000 + '"'  # about 1 MiB, pasted
        app.copy_to_clipboard(pasted)
        await pilot.press("ctrl+v")
        await wait_for(pilot, lambda: app.session.problem is not None)
        await wait_for(pilot, lambda: "at most 1 MiB" in saved_line(app))
        assert "not saved" in saved_line(app)
        assert app.session.dirty and pasted in app.session.profile.plugin.methods[0].source
    assert profile.read_text(encoding="utf-8") == before  # still opens
    rescue = profile.with_name(profile.name + ".unsaved")
    assert (
        pasted
        in yaml.safe_load(rescue.read_text(encoding="utf-8"))["plugin"]["methods"][0]["source"]
    )


async def test_an_outside_edit_is_reloaded_when_nothing_is_unsaved(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_develop_editor(pilot)
        text = profile.read_text(encoding="utf-8")
        profile.write_text(text.replace("answers a greeting", "greets from outside"))
        await wait_for(pilot, lambda: "greets from outside" in app.session.profile.plugin.comment)
        assert not app.session.dirty
        await pilot.press("x")  # the next edit is saved over the new file, not the old one
        await wait_for(pilot, lambda: not app.session.dirty)
    data = profile_data(profile)
    assert "greets from outside" in data["plugin"]["comment"]
    assert data["plugin"]["methods"][0]["source"] == app.session.profile.plugin.methods[0].source
    assert editor.text.startswith("x")


@pytest.mark.parametrize("keep_mine", [False, True], ids=["load-from-disk", "keep-mine"])
async def test_an_outside_edit_with_an_unsaved_edit_asks(tmp_path, keep_mine):
    from screens.dialogs import Confirm

    profile = make_workspace(tmp_path)
    app = app_on(profile, save_delay=3600)  # the edit stays unsaved until the question
    async with app.run_test(size=SIZE) as pilot:
        await open_develop_editor(pilot)
        await pilot.press("y", "o", "u", "r", "s")
        await wait_for(pilot, lambda: app.session.dirty)
        text = profile.read_text(encoding="utf-8")
        profile.write_text(text.replace("answers a greeting", "greets from outside"))
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        assert "changed on disk" in app.screen.question
        assert profile.read_text(encoding="utf-8") != text  # nothing written meanwhile
        await pilot.press("y" if keep_mine else "n")
        await wait_for(pilot, lambda: not isinstance(app.screen, Confirm))
        await wait_for(pilot, lambda: not app.session.dirty)
    data = profile_data(profile)
    source = data["plugin"]["methods"][0]["source"]
    rescue = profile.with_name(profile.name + ".unsaved")
    if keep_mine:
        assert source.startswith("yours") and not rescue.exists()
        assert data["plugin"]["comment"] == "A plugin that answers a greeting."
    else:
        assert not source.startswith("yours")
        assert "greets from outside" in data["plugin"]["comment"]
        assert app.session.profile.plugin.comment == data["plugin"]["comment"]
        kept = yaml.safe_load(rescue.read_text(encoding="utf-8"))
        assert kept["plugin"]["methods"][0]["source"].startswith("yours")


async def test_a_tab_before_the_pattern_line_saves_and_loads_back(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_develop_editor(pilot)
        editor.move_cursor((0, 0))
        await pilot.press("tab")
        await wait_for(pilot, lambda: editor.text.startswith("\t"))
        editor.move_cursor((1, 0))
        await pilot.press("space", "space", "tab")
        await wait_for(pilot, lambda: not app.session.dirty)
        assert app.session.problem is None
        source = app.session.profile.plugin.methods[0].source
    assert source.startswith("\tmoduleNameAndVersion\n  \t")
    assert profile_data(profile)["plugin"]["methods"][0]["source"] == source


async def test_an_outside_edit_that_breaks_the_profile_is_reported_and_nothing_lost(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile)
    async with app.run_test(size=SIZE) as pilot:
        await open_develop_editor(pilot)
        kept = app.session.profile
        profile.write_text("version: 1\nplugin: [broken\n")
        await wait_for(pilot, lambda: app.session.problem is not None)
        assert "does not load" in app.session.problem
        assert app.session.profile == kept  # the version in memory stays
        await wait_for(pilot, lambda: "does not load" in saved_line(app))
        assert "not saved" not in saved_line(app)  # nothing of the user's is unsaved yet
        rescue = profile.with_name(profile.name + ".unsaved")
        await pilot.press("x")  # an edit is not written over the broken file either
        await wait_for(pilot, lambda: rescue.exists() and "not saved" in saved_line(app))
        assert profile.read_text() == "version: 1\nplugin: [broken\n"
    assert yaml.safe_load(rescue.read_text())["plugin"]["methods"][0]["source"].startswith("x")


async def test_a_stop_signal_keeps_an_edit_the_profile_cannot_take(tmp_path, monkeypatch):
    """SIGTERM with an unsaved edit and a profile that refuses the write (immutable): the
    edit goes to the rescue file, and the next start names that file."""
    import signal
    import subprocess

    import screens.app
    from wizard.engine import signals

    monkeypatch.setattr(signals, "_received", [])  # this process's record of stop signals
    monkeypatch.setattr(screens.app, "_leave_anyway_after", lambda seconds: None)
    profile = make_workspace(tmp_path)
    before = profile.read_text(encoding="utf-8")
    rescue = profile.with_name(profile.name + ".unsaved")
    app = app_on(profile, save_delay=3600)  # the edit stays unsaved until the signal
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_develop_editor(pilot)
            await pilot.press("y", "o", "u", "r", "s")
            await wait_for(pilot, lambda: app.session.dirty)
            locked = subprocess.run(["chattr", "+i", str(profile)], capture_output=True)
            if locked.returncode != 0:
                pytest.skip("chattr +i is refused on this file system")
            app._stop_signal(signal.SIGTERM)  # as the event loop calls it for the signal
            await wait_for(pilot, rescue.exists)
    finally:
        subprocess.run(["chattr", "-i", str(profile)], capture_output=True)
    assert profile.read_text(encoding="utf-8") == before
    kept = yaml.safe_load(rescue.read_text(encoding="utf-8"))["plugin"]["methods"][0]["source"]
    assert kept.startswith("yours")

    again = app_on(profile)
    async with again.run_test(size=SIZE) as pilot:
        await settled(pilot)
        said = [notice.message for notice in again._notifications]
        assert any(rescue.name in message for message in said), said
