"""Issue 29, item 5: the TUI a newcomer meets (keys, the editor, the guide, the dialog)."""

from __future__ import annotations

import pytest
import yaml
from textual import events

from screens.develop import MethodList
from screens.widgets.smalltalk import SmalltalkEditor
from tests.test_tui_develop import open_develop
from tests.test_tui_papercuts import footer_keys
from tests.test_tui_support import (
    app_on,
    make_workspace,
    mounted_through,
    profile_data,
    settled,
    wait_for,
)


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


async def test_after_reopening_the_failed_panel_says_why_the_step_failed(tmp_path):
    profile = make_workspace(tmp_path)
    data = profile_data(profile)
    data["state"] = {
        "steps": {
            "clone": {
                "status": "failed",
                "time": "2026-12-01T10:00:00+00:00",
                "log": "logs/HelloWorldPlugin/clone.log",
                "reason": "git clone failed: could not resolve host github.com",
            }
        }
    }
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: mounted_through(app.screen))
        panel = str(app.screen.query_one("#failure-text").render())
        assert "clone failed (recorded by an earlier run): git clone failed: could not" in panel
        assert "r retries it" in panel
        detail = str(app.screen.query_one("#step-detail").render())
        assert "last run failed: git clone failed" in detail


def failing_job(workspace):
    """A configure that fails with the engine's headless hint, as the engine words it."""
    from screens.run import RunFinished
    from wizard.engine.step import Outcome

    class Step:
        id = "configure"
        title = "configure the build (cmake)"

    def job(sink) -> RunFinished:
        sink.step_started(7, 13, Step())
        sink.output("CMake Error at CMakeLists.txt:3 (project):\n")
        outcome = Outcome(
            "failed",
            "configure: cmake could not configure the build",
            workspace / "logs" / "HelloWorldPlugin" / "configure.log",
            details=("CMake Error at CMakeLists.txt:3 (project):",),
            again=True,  # as the engine makes it: no hint of the step's, run again
        )
        sink.step_finished(Step(), outcome)
        return RunFinished(1)

    return job


async def test_after_a_failure_the_guide_says_what_failed_and_r_retries(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f5")
        app.runs.start_job(("configure",), failing_job(profile.parent.parent))
        await wait_for(pilot, lambda: app.runs.model.exit_code == 1)
        await wait_for(pilot, lambda: app.surveyed_since_run)
        screen = app.screen
        guide = str(screen.query_one("#guide-next").render())
        assert "configure failed" in guide and "r retries it" in guide
        assert "running" not in guide
        run_line = str(screen.query_one("#guide-run-text").render())
        assert "configure failed: cmake could not configure the build" in run_line
        output = "\n".join(screen.query_one("#output").lines)
        assert "FAILED: configure: cmake could not configure the build" in output
        assert "run the same command again" not in output
        assert "then press r on F5 Build" in output
        await pilot.press("f3")  # another phase: the guide says where to go
        await wait_for(pilot, lambda: mounted_through(app.screen))
        guide = str(app.screen.query_one("#guide-next").render())
        assert "configure failed" in guide and "on F5 Build" in guide


async def test_after_ctrl_x_the_guide_says_how_to_resume_in_the_tui(tmp_path):
    from tests.test_tui_build import descendants, start_sleepy

    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f5")
        start_sleepy(app)
        await wait_for(pilot, lambda: app.runs.model.current == "compile" and descendants())
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: not app.runs.model.running, timeout=15)
        await wait_for(pilot, lambda: app.surveyed_since_run)
        screen = app.screen
        guide = str(screen.query_one("#guide-next").render())
        assert "compile was stopped" in guide and "ctrl+n resumes the run from it" in guide
        output = "\n".join(screen.query_one("#output").lines)
        assert "INTERRUPTED: compile was interrupted" in output
        assert "run the same command again" not in output
        assert "ctrl+n on F5 Build resumes from this step" in output
        assert "interrupted" in str(screen.query_one("#guide-run-text").render())


async def open_new_plugin_dialog(pilot, name: str):
    from screens.dialogs import NewPlugin

    app = pilot.app
    await wait_for(pilot, lambda: mounted_through(app.screen))
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(app.screen, NewPlugin))
    await wait_for(pilot, lambda: mounted_through(app.screen))
    await pilot.press(*name)
    return app.screen


async def test_the_new_plugin_dialog_takes_a_template_and_the_repository(tmp_path):
    folder = tmp_path / "MyPlugins" / "profiles"
    folder.mkdir(parents=True)
    app = app_on(None, profiles_dir=folder)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_new_plugin_dialog(pilot, "CrcPlugin")
        assert dialog.query_one("#new-url").value == "https://github.com/pharo-project/pharo-vm.git"
        assert dialog.query_one("#new-base").value == "pharo-12"  # the template's, shown
        await pilot.click("#start-library")
        await wait_for(pilot, lambda: dialog.start == "library")
        dialog.query_one("#new-url").value = "../pharo-vm-mirror"
        dialog.query_one("#new-base").value = "pharo-10"
        await pilot.click("#create")
        await wait_for(pilot, lambda: app.session is not None)
        assert app.session.profile.plugin.name == "CrcPlugin"
    text = (folder / "CrcPlugin.yml").read_text()
    data = yaml.safe_load(text)
    assert data["repository"]["url"] == "../pharo-vm-mirror"
    assert data["repository"]["base_branch"] == "pharo-10"
    assert data["plugin"]["link"], "the library template's profile"
    assert (folder / "CrcPlugin" / "crcHelper.c").is_file()
    assert "\n  # " in text, "the template's comments are kept"


async def test_the_new_plugin_dialog_says_why_it_cannot_import_and_stays_open(tmp_path):
    from screens.dialogs import NewPlugin

    folder = tmp_path / "MyPlugins" / "profiles"
    folder.mkdir(parents=True)
    app = app_on(None, profiles_dir=folder)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_new_plugin_dialog(pilot, "CrcPlugin")
        await pilot.click("#start-import")
        await wait_for(pilot, lambda: dialog.query_one("#from-checkout").display)
        assert not dialog.query_one("#from-template").display
        dialog.query_one("#checkout").value = str(tmp_path / "nowhere")
        await pilot.click("#create")
        problem = dialog.query_one("#name-problem")
        await wait_for(pilot, lambda: "no such folder" in str(problem.render()))
        assert isinstance(app.screen, NewPlugin) and app.session is None
    assert not (folder / "CrcPlugin.yml").exists()


async def test_the_new_plugin_dialog_imports_a_class_from_a_checkout(fake_origin, tmp_path):
    from tests.test_import import NEW_STYLE, checkout_with

    checkout = checkout_with(tmp_path, fake_origin, "pharo-12", NEW_STYLE)
    folder = tmp_path / "ws" / "profiles"
    app = app_on(None, profiles_dir=folder)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_new_plugin_dialog(pilot, "CrcPlugin")
        await pilot.click("#start-import")
        dialog.query_one("#checkout").value = str(checkout)
        await pilot.click("#create")
        await wait_for(pilot, lambda: app.session is not None)
        profile = app.session.profile
        assert [m.selector for m in profile.plugin.methods] == [
            "moduleName",
            "primitiveCrc:from:to:",
            "reset",
        ]
        assert profile.repository.base_branch == "pharo-12"
        assert profile.checkout_dir == checkout.resolve()


#: The least room a control needs to be used: an input shows a path's worth of text, a
#: list shows its lines.
MIN_WIDTH = {"Input": 12, "OptionList": 20, "SelectionList": 40, "TextArea": 30, "Log": 30}


def unusable(screen) -> list[str]:
    """The controls on show that are cut by the screen's edge or too small to use."""
    from textual.containers import ScrollableContainer

    bounds = screen.region
    found = []
    for widget in screen.query("Input, Button, Select, Checkbox, OptionList, TextArea, Log"):
        region = widget.region
        if not widget.display or not widget.visible or region.area == 0:
            continue
        if any(not ancestor.display for ancestor in widget.ancestors_with_self):
            continue
        scrolled = any(isinstance(a, ScrollableContainer) for a in widget.ancestors)
        if not scrolled and (region.right > bounds.right or region.bottom > bounds.bottom):
            found.append(f"{widget!r} goes past the screen's edge: {region}")
        kind = None
        for base in type(widget).__mro__:
            if base.__name__ in MIN_WIDTH:
                kind = base.__name__
                break
        least = MIN_WIDTH.get(kind or "", 0)
        if kind == "Input" and widget.type == "integer":
            least = 4  # a number of jobs
        if region.width < least:
            found.append(f"{widget!r} is {region.width} columns wide")
    return found


@pytest.mark.slow
async def test_a_walk_at_80x24_reaches_a_built_plugin(tmp_path, fake_origin):
    """One ctrl+n per phase on an 80x24 terminal, every control on each screen usable."""
    from screens.build import BuildScreen
    from screens.develop import DevelopScreen
    from screens.plugins import PluginsScreen
    from screens.setup import SetupScreen
    from tests.test_tui_flow import run_phase
    from tests.test_tui_support import point_at

    profile = point_at(make_workspace(tmp_path), fake_origin)
    app = app_on(profile)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        for screen_type in (SetupScreen, DevelopScreen, PluginsScreen, BuildScreen):
            assert isinstance(app.screen, screen_type)
            await wait_for(pilot, lambda: mounted_through(app.screen))
            await pilot.pause()
            assert unusable(app.screen) == [], screen_type.__name__
            await run_phase(pilot, timeout=300)
            assert app.runs.model.exit_code == 0, app.runs.model.failure
        assert all(view.finished for view in app.views().values())
        await wait_for(pilot, lambda: app.screen.query_one("#bottom").current == "result")
        assert unusable(app.screen) == []
        assert "libHelloWorldPlugin" in str(app.screen.query_one("#result-facts").render())
        await pilot.press("ctrl+q")
