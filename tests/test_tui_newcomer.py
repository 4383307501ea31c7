"""Issue 29, item 5: the TUI a newcomer meets (keys, the editor, the guide, the dialog)."""

from __future__ import annotations

from textual import events

from screens.develop import MethodList
from screens.widgets.smalltalk import SmalltalkEditor
from tests.test_tui_develop import open_develop
from tests.test_tui_papercuts import footer_keys
from tests.test_tui_support import app_on, make_workspace, wait_for


async def test_a_backspace_and_the_letter_typed_right_after_it_keep_their_order(tmp_path):
    """Both keys arrive before the app gets to either (a fast typist, or a paste of keys):
    the backspace must delete the letter before the cursor, not the one typed after it."""
    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_develop(pilot)
        editor = screen.query_one(SmalltalkEditor)
        editor.focus()
        line = editor.document[0]
        editor.move_cursor((0, len(line)))
        await pilot.pause()
        app.post_message(events.Key("backspace", None))
        app.post_message(events.Key("x", "x"))
        await wait_for(pilot, lambda: editor.document[0] == line[:-1] + "x")
        await pilot.pause()
        assert editor.document[0] == line[:-1] + "x"


async def test_escape_and_ctrl_l_go_from_the_editor_to_the_method_list(tmp_path):
    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_develop(pilot)
        editor = screen.query_one(SmalltalkEditor)
        listing = screen.query_one(MethodList)
        editor.focus()
        await pilot.pause()
        assert footer_keys(app).get("ctrl+l") == "Methods"
        await pilot.press("escape")
        assert app.focused is listing
        editor.focus()
        await pilot.press("ctrl+l")
        assert app.focused is listing
        screen.query_one("#develop-tabs").active = "class-tab"
        screen.query_one("#class-name").focus()
        await pilot.press("ctrl+l")
        assert app.focused is listing
