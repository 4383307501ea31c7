"""The Develop screen with Pilot: method panes, diagnostics as you type, the Tonel preview."""

from __future__ import annotations

from screens.develop import DevelopScreen, MethodList
from screens.widgets.diagnostics import DiagnosticsList
from screens.widgets.smalltalk import SmalltalkEditor
from tests.test_tui_support import app_on, make_workspace, profile_data, settled, wait_for


async def open_develop(pilot) -> DevelopScreen:
    await settled(pilot)
    await pilot.press("f3")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DevelopScreen)
    await wait_for(pilot, lambda: screen.query_one(DiagnosticsList).border_title is not None)
    return screen


def errors(screen: DevelopScreen) -> list:
    return [d for d in screen.diagnostics if d.severity == "error"]


async def test_methods_are_listed_with_their_side(tmp_path):
    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_develop(pilot)
        listing = screen.query_one(MethodList)
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert "class" in prompts[0] and "moduleNameAndVersion" in prompts[0]
        assert "primitiveGetHelloString" in prompts[1]
        assert "greeting" in prompts[2]
        editor = screen.query_one(SmalltalkEditor)
        assert editor.text.startswith("moduleNameAndVersion")
        assert editor.language == "smalltalk"
        await pilot.press("down")
        assert editor.text.startswith("primitiveGetHelloString")


async def test_a_syntax_error_is_marked_and_choosing_it_moves_the_cursor(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_develop(pilot)
        assert errors(screen) == []
        await pilot.press("down")  # primitiveGetHelloString
        editor = screen.query_one(SmalltalkEditor)
        editor.focus()
        editor.move_cursor((3, 0))
        await pilot.press(*"\tx := (3 + .", "enter")
        await wait_for(pilot, lambda: errors(screen))
        found = errors(screen)[0]
        assert found.method == "primitiveGetHelloString" and found.line == 4
        listing = screen.query_one(MethodList)
        assert "✗" in str(listing.get_option_at_index(1).prompt)
        listing.focus()
        await pilot.press("up")  # another method in the editor
        assert editor.text.startswith("moduleNameAndVersion")
        diagnostics = screen.query_one(DiagnosticsList)
        diagnostics.focus()
        diagnostics.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert editor.text.startswith("primitiveGetHelloString")
        assert editor.cursor_location == (found.line - 1, found.column - 1)
        assert app.focused is editor
        # fix it again: the mark goes away
        editor.move_cursor((3, 0))
        editor.action_delete_line()
        await wait_for(pilot, lambda: not errors(screen))
        assert "✗" not in str(listing.get_option_at_index(1).prompt)
        await pilot.press("ctrl+s")
    assert profile_data(profile)["plugin"]["methods"][1]["source"] == (
        app.session.profile.plugin.methods[1].source
    )


async def test_add_and_remove_a_method(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_develop(pilot)
        screen.query_one(MethodList).focus()
        await pilot.press("a")
        assert len(app.session.profile.plugin.methods) == 4
        assert app.session.profile.plugin.methods[3].selector == "newMethod"
        assert screen.query_one(SmalltalkEditor).text.startswith("newMethod")
        screen.query_one(MethodList).focus()
        await pilot.press("delete")
        await pilot.press("y")
        await pilot.pause()
        assert [m.selector for m in app.session.profile.plugin.methods] == [
            "moduleNameAndVersion",
            "primitiveGetHelloString",
            "greeting",
        ]
        await pilot.press("ctrl+s")
    assert len(profile_data(profile)["plugin"]["methods"]) == 3


async def test_class_side_checkbox_and_protocol(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_develop(pilot)
        await pilot.press("down", "down")  # greeting
        await pilot.click("#side")
        assert app.session.profile.plugin.methods[2].side == "class"
        protocol = screen.query_one("#protocol")
        protocol.focus()
        protocol.value = ""
        await pilot.press(*"support")
        await pilot.press("ctrl+s")
    method = profile_data(profile)["plugin"]["methods"][2]
    assert method["side"] == "class" and method["protocol"] == "support"


async def test_class_definition_edits_are_checked_before_they_are_kept(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_develop(pilot)
        screen.query_one("#develop-tabs").active = "class-tab"
        await pilot.pause()
        field = screen.query_one("#instance-variables")
        field.focus()
        await pilot.press(*"Bad")
        await pilot.pause()
        assert "instance variable" in str(screen.query_one("#class-problem").render())
        assert app.session.profile.plugin.instance_variables == ()
        field.value = ""
        await pilot.press(*"counter")
        await pilot.press("ctrl+s")
    assert profile_data(profile)["plugin"]["instance_variables"] == ["counter"]


async def test_tonel_preview_and_diff_without_a_checkout(tmp_path):
    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_develop(pilot)
        screen.query_one("#develop-tabs").active = "tonel-tab"
        tonel = screen.query_one("#tonel")
        await wait_for(pilot, lambda: "Class {" in tonel.text)
        assert "HelloWorldPlugin class >> moduleNameAndVersion" in tonel.text
        assert "new: not in the checkout yet" in str(screen.query_one("#tonel-title").render())
        screen.query_one("#develop-tabs").active = "diff-tab"
        await wait_for(pilot, lambda: "+++ b/" in str(screen.query_one("#diff").render()))


def many_methods(count: int, long_lines: int = 300) -> list[dict]:
    methods = [
        {
            "protocol": "primitives",
            "source": f"primitiveNumber{i}\n\t<export: true>\n\tinterpreterProxy pop: 1 thenPush: "
            f"(interpreterProxy integerObjectOf: {i})\n",
        }
        for i in range(count - 1)
    ]
    body = "".join(f"\tx := x + {i}.\n" for i in range(long_lines))
    methods.append(
        {"source": f"primitiveLong\n\t<export: true>\n\t| x |\n\tx := 0.\n{body}\t^ x\n"}
    )
    return methods


async def test_two_hundred_methods_stay_responsive(tmp_path):
    profile = make_workspace(tmp_path)
    data = profile_data(profile)
    data["plugin"]["methods"] = many_methods(200)
    import yaml

    profile.write_text(yaml.safe_dump(data, sort_keys=False))
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_develop(pilot)
        assert screen.query_one(MethodList).option_count == 200
        await pilot.press("end")
        await pilot.pause()
        assert screen.query_one(SmalltalkEditor).text.startswith("primitiveLong")
        editor = screen.query_one(SmalltalkEditor)
        editor.focus()
        editor.move_cursor((200, 0))
        await pilot.press(*"\ty := .", "enter")
        await wait_for(pilot, lambda: errors(screen))
        assert errors(screen)[0].method == "primitiveLong"
