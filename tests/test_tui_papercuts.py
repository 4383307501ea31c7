"""Issue 18, item 6: the TUI papercuts a newcomer met, each checked with Pilot."""

from __future__ import annotations

from textual.widgets import Static

from screens.help import HelpScreen, help_text
from screens.widgets.smalltalk import SmalltalkEditor, indent_after
from tests.test_tui_develop import open_develop
from tests.test_tui_support import app_on, make_workspace, wait_for


def footer_keys(app) -> dict[str, str]:
    """The footer's keys as shown: key display -> description."""
    return {
        binding.key: binding.description
        for _, binding, enabled, _ in app.screen.active_bindings.values()
        if binding.show and enabled
    }


async def test_escape_leaves_the_editor_and_says_so(tmp_path):
    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_develop(pilot)
        editor = screen.query_one(SmalltalkEditor)
        editor.focus()
        await pilot.pause()
        assert footer_keys(app).get("escape") == "Leave editor"
        await pilot.press("tab")
        assert editor.text.startswith("\t")  # tab is a tab in a code editor
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is not editor)
        assert "escape" not in footer_keys(app)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = help_text()
        assert "Close this help: escape, F1 or q." in text
        assert "escape  leaves the editor" in text
        assert "ctrl+l  the method list" in text
        await pilot.press("q")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))


def test_enter_keeps_the_indentation() -> None:
    assert indent_after("primitiveFoo", 0) == "\t"  # under the pattern line: the body
    assert indent_after("\t| a b |", 1) == "\t"
    assert indent_after("\t\tifTrue: [", 4) == "\t\t\t"  # a block's body
    assert indent_after("  x := 1.", 2) == "  "


async def test_enter_in_the_editor_indents_the_new_line(tmp_path):
    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_develop(pilot)
        await pilot.press("down")  # primitiveGetHelloString
        editor = screen.query_one(SmalltalkEditor)
        editor.focus()
        line = editor.document[2]  # "\t<export: true>"
        editor.move_cursor((2, len(line)))
        await pilot.press("enter", *"x := 1 > 0 ifTrue: [", "enter", *"1")
        lines = editor.text.splitlines()
        assert lines[3] == "\tx := 1 > 0 ifTrue: ["
        assert lines[4] == "\t\t1"


async def test_the_editor_shows_a_method_at_80x24(tmp_path):
    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_develop(pilot)
        await pilot.press("down")  # primitiveGetHelloString: 6 lines
        editor = screen.query_one(SmalltalkEditor)
        await pilot.pause()
        assert editor.content_region.height >= 8, editor.content_region
        assert editor.content_region.height >= len(editor.document.lines)


def test_the_order_guard_on_its_own_screen_names_the_step_not_the_screen() -> None:
    from screens.runs import _tui_words
    from wizard.engine.run import OrderProblem

    problem = OrderProblem("reconfigure", "generate", "its C does not exist yet")
    on_build = _tui_words(problem, "two-pass", "build")
    assert "finish Build first (F5)" not in on_build
    assert on_build.endswith("run generate first (enter on it, or ctrl+n)")
    assert _tui_words(problem, "two-pass", "develop").endswith("finish Build first (F5)")


async def test_stopping_a_run_says_stopping_and_no_headless_hint(tmp_path):
    from screens.build import BuildScreen
    from tests.test_tui_build import descendants, start_sleepy

    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        from tests.test_tui_support import settled

        await settled(pilot)
        await pilot.press("f5")
        screen = app.screen
        assert isinstance(screen, BuildScreen)
        start_sleepy(app)
        await wait_for(pilot, lambda: app.runs.model.current == "compile" and descendants())
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: app.runs.model.cancelling or not app.runs.model.running)
        guide = str(screen.query_one("#guide-run-text", Static).render())
        if app.runs.model.running:
            assert guide.startswith("stopping ") and "starting" not in guide, guide
        await wait_for(pilot, lambda: not app.runs.model.running, timeout=15)
        failure = str(screen.query_one("#failure-text").render())
        assert "compile interrupted" in failure
        assert "run the same command again" not in failure
        assert "r retries this step" in failure


def _class(name: str, superclass: str, comment: str = "", class_side: str = "") -> str:
    """A Tonel class file in pharo-12's style, written for these tests."""
    return (
        f'"\n{comment or "A class."}\n"\n'
        f"Class {{\n\t#name : '{name}',\n\t#superclass : '{superclass}',\n"
        "\t#category : 'VMMaker-Plugins',\n\t#package : 'VMMaker',\n\t#tag : 'Plugins'\n}\n"
        + class_side
    )


NOT_PLUGINS = {
    "BitBltSimulator": _class(
        "BitBltSimulator", "InterpreterPlugin",
        class_side="\n{ #category : 'translation' }\nBitBltSimulator class >> shouldBeTranslated [\n"
        '"This class should not be translated "\n\t^false\n]\n',
    ),
    "FakeBitBltSimulator": _class("FakeBitBltSimulator", "BitBltSimulator"),
    "BrokenPlugin": _class(
        "BrokenPlugin", "InterpreterPlugin", "A test plugin to exercise imbalanced stack access."
    ),
    "InflatePlugin": _class(
        "InflatePlugin", "InterpreterPlugin",
        class_side="\n{ #category : 'translation' }\nInflatePlugin class >> shouldBeTranslated [\n"
        "\t^self ~= InflatePlugin\n]\n",
    ),
}  # fmt: skip


def test_simulators_abstract_and_test_plugins_are_not_plugins_to_build() -> None:
    from wizard.formats.translatable import not_to_build

    texts = {**NOT_PLUGINS, "DeflatePlugin": _class("DeflatePlugin", "InflatePlugin")}
    texts["InterpreterPlugin"] = _class("InterpreterPlugin", "VMClass")
    assert not_to_build(texts) == {
        "BitBltSimulator", "FakeBitBltSimulator", "BrokenPlugin", "InflatePlugin"
    }  # fmt: skip


async def test_f4_lists_plugins_to_build_with_distinct_toggles(tmp_path, fake_origin):
    from screens.plugins import PluginsScreen, PluginToggles
    from tests.helpers import wizard
    from tests.test_tui_support import point_at, settled

    profile = point_at(make_workspace(tmp_path), fake_origin)
    workspace = profile.parent.parent
    assert wizard("--replay", str(profile), "--until", "branch", cwd=workspace).returncode == 0
    folder = workspace / "pharo-vm" / "smalltalksrc" / "VMMaker"
    for name, text in {
        **NOT_PLUGINS,
        "DeflatePlugin": _class("DeflatePlugin", "InflatePlugin"),
    }.items():
        (folder / f"{name}.class.st").write_text(text)
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, PluginsScreen)
        listing = screen.query_one(PluginToggles)
        await wait_for(pilot, lambda: listing.option_count > 1)
        names = [listing.get_option_at_index(i).value for i in range(listing.option_count)]
        assert "DeflatePlugin" in names  # a real plugin, made from InflatePlugin
        assert not set(NOT_PLUGINS) & set(names), names
        assert "SmartSyntaxInterpreterPlugin" not in names
        on = names.index("HelloWorldPlugin")
        off = names.index("DeflatePlugin")
        assert listing.render_line(on).text.startswith("▐X▌")
        assert listing.render_line(off).text.startswith("▐ ▌")
        listing.focus()
        listing.highlighted = off
        await pilot.press("space")
        await wait_for(pilot, lambda: "DeflatePlugin" in listing.selected)
        assert listing.render_line(names.index("DeflatePlugin")).text.startswith("▐X▌")


async def test_phase_keys_on_the_profile_list_say_why_and_ctrl_o_goes_back(tmp_path):
    from screens.picker import ProfilesScreen
    from screens.setup import SetupScreen
    from tests.test_tui_support import settled

    profile = make_workspace(tmp_path)
    app = app_on(None, profiles_dir=profile.parent)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ProfilesScreen))
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, ProfilesScreen)
        said = str(app.screen.query_one("#picker-problem", Static).render())
        assert "choose a plugin in the list (enter), or start a new one (n)" in said
        await pilot.press("enter")  # the first row: HelloWorldPlugin
        await settled(pilot)
        assert app.lock is not None
        first = app.screen
        assert not isinstance(first, ProfilesScreen)
        assert footer_keys(app).get("ctrl+o") == "Profiles"
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfilesScreen))
        assert app.session is None and app.lock is None  # another wizard may open it now
        await pilot.press("enter")
        await settled(pilot)
        assert app.session is not None and app.session.profile.path == profile
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen) and app.screen is not first


async def test_a_phase_whose_files_were_edited_after_it_ran_says_changed(tmp_path, fake_origin):
    from fakevm.profiles import edit_methods
    from screens.widgets.phase_bar import PhaseBar
    from tests.helpers import wizard
    from tests.test_tui_support import point_at, settled

    profile = point_at(make_workspace(tmp_path), fake_origin)
    workspace = profile.parent.parent
    ran = wizard("--replay", str(profile), "--until", "plugin-source", cwd=workspace)
    assert ran.returncode == 0, ran.stdout
    edit_methods(profile, "Hello from your", "Hi from your")  # after plugin-source ran
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        views = app.views()
        assert views["plugin-source"].state == "changed"
        assert views["plugin-source"].reason.startswith("changed since it ran: ")
        assert app.phase_states(views)["develop"] == "changed"
        bar = str(app.screen.query_one(PhaseBar).render())
        assert "F3 Develop ◇ changed" in bar
        assert "F2 Setup ● done" in bar
