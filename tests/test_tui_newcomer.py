"""Issue 29, item 5: the TUI a newcomer meets (keys, the editor, the guide, the dialog)."""

from __future__ import annotations

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
    from wizard.plan import Outcome

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
            "fix the cause, then run the same command again",
            ("CMake Error at CMakeLists.txt:3 (project):",),
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
