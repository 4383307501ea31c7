"""The TUI shell with Pilot: phases, help, saving, quitting and crashing with nothing lost."""

from __future__ import annotations

import sys

import pytest

from screens.app import run_app
from screens.build import BuildScreen
from screens.develop import DevelopScreen
from screens.help import HelpScreen
from screens.picker import ProfilesScreen
from screens.plugins import PluginsScreen
from screens.setup import SetupScreen
from screens.widgets.smalltalk import SmalltalkEditor
from tests.test_tui_support import app_on, make_workspace, profile_data, settled, wait_for
from wizard.errors import ProfileError


async def test_f_keys_reach_every_phase_and_change_nothing(tmp_path):
    profile = make_workspace(tmp_path)
    before = profile.read_bytes()
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        assert isinstance(app.screen, SetupScreen)
        for key, kind in (
            ("f3", DevelopScreen),
            ("f4", PluginsScreen),
            ("f5", BuildScreen),
            ("f2", SetupScreen),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, kind)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    assert profile.read_bytes() == before  # opening and looking never rewrites the profile


async def test_header_shows_the_phases_and_the_plugin(tmp_path):
    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        header = str(app.screen.query_one("#phase-bar").render())
        for word in ("F2 Setup", "F3 Develop", "F4 Plugins", "F5 Build", "HelloWorldPlugin"):
            assert word in header


async def test_typed_edit_saves_itself_after_typing_stops(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f3")
        editor = app.screen.query_one(SmalltalkEditor)
        editor.focus()
        editor.move_cursor((1, 0))
        await pilot.press(*"\t| unused |", "enter")
        await wait_for(pilot, lambda: not app.session.dirty)
    source = profile_data(profile)["plugin"]["methods"][0]["source"]
    assert "| unused |" in source
    assert source.startswith("moduleNameAndVersion\n")


async def test_quit_right_after_typing_loses_nothing(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile, save_delay=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f3")
        editor = app.screen.query_one(SmalltalkEditor)
        editor.focus()
        editor.move_cursor((2, 0))
        await pilot.press(*'\t"typed just before quitting"', "enter")
        assert app.session.dirty
        await pilot.press("ctrl+q")
    assert "typed just before quitting" in profile_data(profile)["plugin"]["methods"][0]["source"]


async def test_ctrl_s_saves_at_once(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile, save_delay=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f3")
        editor = app.screen.query_one(SmalltalkEditor)
        editor.focus()
        editor.move_cursor((0, 0))
        await pilot.press("end", *"Renamed")
        await pilot.press("ctrl+s")
        await pilot.pause()
        methods = profile_data(profile)["plugin"]["methods"]
        assert methods[0]["source"].startswith("moduleNameAndVersionRenamed\n")
        assert methods[0]["side"] == "class"


async def test_a_crash_saves_what_was_typed(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile, save_delay=60)
    with pytest.raises(RuntimeError, match="boom"):
        async with app.run_test(size=(120, 40)) as pilot:
            await settled(pilot)
            await pilot.press("f3")
            editor = app.screen.query_one(SmalltalkEditor)
            editor.focus()
            editor.move_cursor((2, 0))
            await pilot.press(*'\t"typed before the crash"', "enter")

            def crash() -> None:
                raise RuntimeError("boom")

            app.call_later(crash)
            await pilot.pause(0.2)
    assert "typed before the crash" in profile_data(profile)["plugin"]["methods"][0]["source"]


async def test_an_edit_that_does_not_validate_is_kept_beside_the_profile(tmp_path):
    profile = make_workspace(tmp_path)
    before = profile.read_bytes()
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f3")
        editor = app.screen.query_one(SmalltalkEditor)
        editor.focus()
        editor.select_all()
        await pilot.press("delete")  # no pattern line: the profile cannot take it
        await wait_for(pilot, lambda: app.session.problem is not None)
        await pilot.press("ctrl+q")
    assert profile.read_bytes() == before  # the last good profile, untouched
    rescue = profile.with_name(profile.name + ".unsaved")
    assert rescue.is_file()
    assert "source: ''" in rescue.read_text() or 'source: ""' in rescue.read_text()


def test_a_profile_that_does_not_load_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    from wizard.commands.cli import dispatch

    bad = tmp_path / "Bad.yml"
    bad.write_text("version: 1\nplugin:\n  name: helloWorld\n")
    before = bad.read_bytes()
    with pytest.raises(ProfileError):
        run_app(bad)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert dispatch([str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "must start with a capital letter" in err[0]
    assert bad.read_bytes() == before


async def test_without_a_profile_the_list_offers_a_new_plugin(tmp_path):
    make_workspace(tmp_path, "HelloWorldPlugin")
    folder = tmp_path / "MyPlugins" / "profiles"
    (folder / "Broken.yml").write_text("version: 2\nplugin: {name: Broken}\n")
    app = app_on(None, profiles_dir=folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProfilesScreen)
        table = app.screen.query_one("DataTable")
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert any("does not load" in str(row[2]) for row in rows)
        assert any(row[0] == "HelloWorldPlugin" for row in rows)
        await wait_for(pilot, lambda: "steps" in str(table.get_row_at(1)[2]))
        assert "0/13 steps" in str(table.get_row_at(1)[2])
        await pilot.press("n")
        await pilot.press(*"MyPlugin", "enter")
        await wait_for(pilot, lambda: app.session is not None)
        assert app.session.profile.plugin.name == "MyPlugin"
        assert isinstance(app.screen, SetupScreen)
    assert (folder / "MyPlugin.yml").is_file()
    assert (folder / "Broken.yml").read_text() == "version: 2\nplugin: {name: Broken}\n"


async def test_a_second_wizard_on_the_profile_is_refused(tmp_path):
    from wizard.engine.lock import ProfileLock

    profile = make_workspace(tmp_path)
    folder = profile.parent
    with ProfileLock(profile):
        app = app_on(None, profiles_dir=folder)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert app.session is None
            assert isinstance(app.screen, ProfilesScreen)
