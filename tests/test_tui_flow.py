"""The whole wizard through the TUI, on the pharo-vm-shaped test repository (``fake_origin``).

The test repository builds for real with cmake, make and the C compiler; only its code
generator is a stand-in for VMMaker (which needs a Pharo image from the network), as the
fixture says. These tests drive the screens with Pilot as a user would: ctrl+n per phase,
an edit that brings the article's mistake, plugin toggles, a build that is cancelled,
resumed, finished; and a second start that shows the truth from the disk.
"""

from __future__ import annotations

import psutil
import pytest
import yaml
from textual.widgets import SelectionList

from fakevm import PHARO_VM_MAKER_ON, stock_external_plugins
from screens.build import BuildScreen
from screens.develop import DevelopScreen
from screens.plugins import PluginsScreen
from screens.setup import SetupScreen
from screens.widgets.smalltalk import SmalltalkEditor
from tests.test_tui_support import (
    add_echo_primitive,
    app_on,
    at_rest,
    make_workspace,
    point_at,
    profile_data,
    settled,
    wait_for,
)
from wizard.profile.load import load_profile
from wizard.profile.save import to_data

SIZE = (120, 40)
CLASS = "smalltalksrc/VMMaker/HelloWorldPlugin.class.st"
ARTICLE_LINE = (
    "\t\tthenPush: (interpreterProxy stringFromCString: 'Hello from your HelloWorldPlugin.')"
)


@pytest.fixture
def profile(tmp_path, fake_origin):
    return point_at(make_workspace(tmp_path), fake_origin)


def checkout(profile):
    return profile.parent.parent / "pharo-vm"


def descendants() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if p.is_running()]


async def run_phase(pilot, timeout: float = 120) -> None:
    """ctrl+n on the current screen, then wait until the run ended and the disk was read."""
    app = pilot.app
    await pilot.press("ctrl+n")
    await wait_for(pilot, lambda: app.runs.model.running or app.runs.model.exit_code is not None)
    await wait_for(pilot, lambda: not app.runs.model.running, timeout=timeout)
    await at_rest(pilot)
    await pilot.pause()


async def test_setup_then_the_articles_mistake_is_caught_before_any_build(profile):
    app = app_on(profile)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert isinstance(app.screen, SetupScreen)
        await run_phase(pilot)
        assert app.runs.model.exit_code == 0
        assert isinstance(app.screen, DevelopScreen)  # ctrl+n moved on
        await wait_for(
            pilot, lambda: app.checkout_survey is not None and app.checkout_survey.present
        )
        assert app.survey.repo.branch == "HelloWorldPlugin"
        assert {"pharo-9", "pharo-10", "pharo-12"} <= set(app.survey.repo.remote_branches)

        screen = app.screen
        await pilot.press("down")  # primitiveGetHelloString
        editor = screen.query_one(SmalltalkEditor)
        editor.focus()
        line = next(i for i, text in enumerate(editor.text.splitlines()) if "thenPush:" in text)
        editor.move_cursor((line, 0))
        editor.action_select_line()
        editor.replace(ARTICLE_LINE, *editor.selection)
        await wait_for(pilot, lambda: any(d.severity == "error" for d in screen.diagnostics))
        error = next(d for d in screen.diagnostics if d.severity == "error")
        assert error.method == "primitiveGetHelloString" and error.line == line + 1
        assert "stringFromCString:" in error.message and "stringForCString:" in error.message
        assert "checked against pharo-vm/" in screen.query_one("#diagnostics").border_subtitle

        await run_phase(pilot)  # plugin-source refuses the class
        assert app.runs.model.exit_code == 1
        assert app.runs.model.failure[0] == "plugin-source"
        assert isinstance(app.screen, DevelopScreen)
        assert not (checkout(profile) / CLASS).exists()


async def test_plugins_toggle_with_a_clone_changes_only_external_plugins(profile):
    app = app_on(profile)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await run_phase(pilot)  # setup
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, PluginsScreen)
        await wait_for(
            pilot, lambda: app.checkout_survey is not None and app.checkout_survey.present
        )
        await pilot.pause()
        listing = screen.query_one(SelectionList)
        before_toggle = load_profile(profile)
        stock = stock_external_plugins("pharo-12")  # the profile's base branch: 2026 shape
        assert set(listing.selected) == {*stock, "HelloWorldPlugin"}
        notes = str(screen.query_one("#notes").render())
        assert f"VMMaker's list today: #({' '.join(stock)})" in notes
        assert f"(PharoVMMaker, in {PHARO_VM_MAKER_ON['pharo-12']})" in notes
        index = next(
            i
            for i in range(listing.option_count)
            if listing.get_option_at_index(i).value == "SurfacePlugin"
        )
        listing.focus()
        listing.highlighted = index
        await pilot.press("space")
        await wait_for(pilot, lambda: not app.session.dirty)
    after = load_profile(profile)
    kept = [name for name in stock if name != "SurfacePlugin"]
    assert after.external_plugins == (*kept, "HelloWorldPlugin")
    expected = to_data(before_toggle)
    expected["external_plugins"] = [*kept, "HelloWorldPlugin"]
    assert to_data(after) == expected


@pytest.mark.slow
async def test_build_cancel_resume_finish_and_reopen(profile):
    app = app_on(profile)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("f5")
        screen = app.screen
        assert isinstance(screen, BuildScreen)
        # run everything; stop it as soon as a build tool is running
        await pilot.press("ctrl+n")
        build_steps = ("configure", "generate", "reconfigure", "compile")
        await wait_for(
            pilot,
            lambda: app.runs.model.current in build_steps and descendants(),
            timeout=120,
        )
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: not app.runs.model.running, timeout=30)
        assert app.runs.model.exit_code == 130
        stopped, outcome = app.runs.model.failure
        assert outcome.kind == "interrupted"
        await wait_for(pilot, lambda: not descendants(), timeout=10)
        log = profile.parent.parent / "logs" / "HelloWorldPlugin" / f"{stopped}.log"
        assert log.is_file()
        assert profile_data(profile)["state"]["steps"][stopped]["status"] == "interrupted"

        # resume: the same key runs what is left, from the interrupted step
        await run_phase(pilot, timeout=300)
        assert app.runs.model.exit_code == 0, app.runs.model.failure
        views = app.views()
        assert all(view.finished for view in views.values()), views
        await wait_for(pilot, lambda: app.screen.query_one("#bottom").current == "result")
        facts = str(app.screen.query_one("#result-facts").render())
        assert "libHelloWorldPlugin" in facts and "primitiveGetHelloString" in facts
        snippet = app.screen.query_one("#snippet").text
        assert "<primitive: ''primitiveGetHelloString'' module: ''HelloWorldPlugin''>" in snippet
        await pilot.press("ctrl+q")

    # a second start shows the truth from the disk
    again = app_on(profile)
    async with again.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await wait_for(pilot, lambda: isinstance(again.screen, BuildScreen))
        assert all(view.finished for view in again.views().values())
        assert again.phase_states(again.views()) == dict.fromkeys(
            ("setup", "develop", "plugins", "build"), "done"
        )


async def test_retry_a_failed_step_after_fixing_its_cause(profile):
    data = profile_data(profile)
    method = data["plugin"]["methods"][1]
    method["source"] = method["source"].replace(
        "(interpreterProxy stringForCString:", "(interpreterProxy stringFromCString:"
    )

    profile.write_text(yaml.safe_dump(data, sort_keys=False))
    app = app_on(profile)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("f5")
        await run_phase(pilot, timeout=120)
        assert app.runs.model.exit_code == 1
        assert app.runs.model.failure[0] == "plugin-source"
        failure = str(app.screen.query_one("#failure-text").render())
        assert "plugin-source failed" in failure
        assert "logs/HelloWorldPlugin/plugin-source.log" in failure
        assert app.views()["plugin-source"].state == "failed"

        # fix the method as the Develop screen would, then retry the failed step alone
        fixed = app.session.profile.plugin.methods[1]
        from dataclasses import replace

        app.session.set_method(
            1,
            replace(
                fixed,
                source=fixed.source.replace(
                    "(interpreterProxy stringFromCString:", "(interpreterProxy stringForCString:"
                ),
            ),
        )
        app.profile_edited()
        await pilot.press("r")
        assert app.runs.model.ids == ("plugin-source",)
        await wait_for(pilot, lambda: not app.runs.model.running, timeout=60)
        assert app.runs.model.exit_code == 0
        await wait_for(pilot, lambda: app.views()["plugin-source"].state == "done")
        assert (checkout(profile) / CLASS).is_file()


@pytest.mark.slow
async def test_build_shows_the_try_table_after_verify(tmp_path, fake_origin):
    """With plugin.examples, the result panel shows try's table instead of the snippet.

    The echo primitive is what can pass on the test repository (see ``add_echo_primitive``).
    """
    path = add_echo_primitive(point_at(make_workspace(tmp_path), fake_origin))
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("f5")
        assert isinstance(app.screen, BuildScreen)
        await run_phase(pilot, timeout=300)
        assert app.runs.model.exit_code == 0, app.runs.model.failure
        assert app.views()["try"].state == "done"
        await wait_for(pilot, lambda: app.screen.query_one("#bottom").current == "result")
        facts = str(app.screen.query_one("#result-facts").render())
        assert "✓ try: every example answered as expected" in facts
        header, row = facts.splitlines()[-2:]
        assert header.split() == ["primitive", "arguments", "expected", "got", "verdict"]
        assert row.split() == ["primitiveEcho", "'Hi'", "'Hi'", "'Hi'", "ok"]
        assert not app.screen.query_one("#snippet").display
        await pilot.press("ctrl+q")
