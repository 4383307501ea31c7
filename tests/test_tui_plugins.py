"""The Plugins screen with Pilot: toggling a plugin changes external_plugins and nothing else."""

from __future__ import annotations

from textual.widgets import SelectionList

from fakevm import BRANCH_LAYOUT
from screens.plugins import PluginsScreen
from tests.test_tui_support import app_on, make_workspace, profile_data, settled, wait_for
from wizard.profile.load import load_profile


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


async def test_setup_names_the_layout_and_plugins_reads_its_list(
    tmp_path, fake_origin, layout_branch
):
    """The Setup tree says which layout the clone has; the Plugins screen reads that layout's
    plugin list (cmake/plugins.cmake in 2025, never the stale root plugins.cmake)."""
    from screens.widgets.workspace_tree import WorkspaceTree
    from tests.helpers import wizard
    from tests.test_tui_support import point_at

    profile = point_at(make_workspace(tmp_path), fake_origin, base_branch=layout_branch)
    workspace = profile.parent.parent
    assert wizard("--replay", str(profile), "--until", "branch", cwd=workspace).returncode == 0
    layout_2025 = BRANCH_LAYOUT[layout_branch] == "2025"
    if layout_2025:  # the stale root list declares a plugin nothing builds
        stale = workspace / "pharo-vm" / "plugins.cmake"
        stale.write_text(stale.read_text() + "\nadd_vm_plugin(StalePlugin)\n")
    words, plugin_list = (
        ("2025 layout (cmake/plugins.cmake)", "cmake/plugins.cmake")
        if layout_2025
        else ("2024 layout (plugins.cmake)", "plugins.cmake")
    )
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f2")
        await wait_for(pilot, lambda: bool(app.screen.query(WorkspaceTree)))
        tree = app.screen.query_one(WorkspaceTree)
        await wait_for(pilot, lambda: words in str(tree.root.children[0].label))
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, PluginsScreen)
        await wait_for(
            pilot, lambda: f"{plugin_list} builds:" in str(screen.query_one("#notes").render())
        )
        notes = str(screen.query_one("#notes").render())
        assert "FloatArrayPlugin" in notes.split(f"{plugin_list} builds:")[1]
        assert "StalePlugin" not in notes
