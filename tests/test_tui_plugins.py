"""The Plugins screen with Pilot: toggling a plugin changes external_plugins and nothing else."""

from __future__ import annotations

from textual.widgets import SelectionList

from screens.plugins import PluginsScreen
from tests.test_tui_support import app_on, make_workspace, profile_data, settled, wait_for
from wizard.profile import load_profile


async def test_without_a_clone_the_list_is_the_profile_and_says_so(tmp_path):
    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, PluginsScreen)
        listing = screen.query_one(SelectionList)
        assert listing.option_count == 1
        assert listing.selected == ["HelloWorldPlugin"]
        assert "No pharo-vm clone yet" in str(screen.query_one("#notes").render())


async def test_toggling_changes_external_plugins_and_nothing_else(tmp_path):
    profile = make_workspace(tmp_path)
    before = load_profile(profile)
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f4")
        listing = app.screen.query_one(SelectionList)
        listing.focus()
        await pilot.press("space")  # HelloWorldPlugin off
        await wait_for(pilot, lambda: not app.session.dirty)
        notes = str(app.screen.query_one("#notes").render())
        assert "HelloWorldPlugin is off" in notes
    after = load_profile(profile)
    assert after.external_plugins == ()
    assert after.plugin == before.plugin
    assert after.repository == before.repository
    assert after.build == before.build
    assert after.state == before.state
    assert profile_data(profile)["external_plugins"] == []
