"""The Setup screen's build editor with Pilot: mode, jobs and cmake options, saved in place."""

from __future__ import annotations

import re

import pytest

from screens.setup import SetupScreen
from screens.widgets.build_form import TRUST_MARK
from tests.test_tui_support import app_on, make_workspace, settled, wait_for
from wizard.profile.load import load_profile
from wizard.profile.template import template_text

SIZE = (120, 40)
OPTIONS = """  cmake_options:
    # offline: the user's note
    ICEBERG_DEFAULT_REMOTE: httpsUrl
    BUILD_BUNDLE: false   # no bundle on this machine
"""


def profile_with_options(tmp_path):
    path = make_workspace(tmp_path)
    text = template_text("HelloWorldPlugin")
    text = re.sub(
        r"  cmake_options:\n    ICEBERG_DEFAULT_REMOTE: httpsUrl[^\n]*\n", OPTIONS, text, count=1
    )
    # Without the template's example: these tests change the methods it calls.
    text = re.sub(r"  examples:\n(?:    [^\n]*\n)+", "", text, count=1)
    assert OPTIONS in text
    path.write_text(text, encoding="utf-8")
    return path


def option_rows(screen) -> list[str]:
    listing = screen.query_one("#build-options")
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def set_option(pilot, name: str, value: str) -> None:
    screen = pilot.app.screen
    for selector, text in (("#option-name", name), ("#option-value", value)):
        field = screen.query_one(selector)
        field.focus()
        await pilot.press("end", "shift+home", "backspace", *text)
    await pilot.press("enter")


@pytest.mark.slow
async def test_build_mode_jobs_and_options_are_edited_and_saved_in_place(tmp_path):
    path = profile_with_options(tmp_path)
    before = path.read_text(encoding="utf-8")
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, SetupScreen)
        assert option_rows(screen) == [
            "ICEBERG_DEFAULT_REMOTE = httpsUrl",
            "BUILD_BUNDLE = OFF",
        ]
        mode = screen.query_one("#build-mode")
        mode.focus()
        await pilot.press("enter", "down", "enter")
        await wait_for(pilot, lambda: app.session.profile.build.mode == "single-pass")
        screen.query_one("#build-jobs").focus()
        await pilot.press("end", "shift+home", "backspace", "3")
        await wait_for(pilot, lambda: app.session.profile.build.jobs == 3)
        await set_option(pilot, "VMMAKER_IMAGE", "/opt/pharo/Pharo.image")
        await set_option(pilot, "BUILD_BUNDLE", "ON")  # a change keeps its place
        await set_option(pilot, "GENERATE_PHARO_VM", "/opt/pharo/pharo")
        await set_option(pilot, "ICEBERG_DEFAULT_REMOTE", "")
        await pilot.click("#option-remove")
        await wait_for(pilot, lambda: len(option_rows(screen)) == 3)
        rows = option_rows(screen)
        assert rows[0] == "BUILD_BUNDLE = ON"  # a switch, checked against the checkout's
        assert (
            rows[1].startswith("VMMAKER_IMAGE = /opt/pharo/Pharo.image") and TRUST_MARK in rows[1]
        )
        assert rows[2].startswith("GENERATE_PHARO_VM = /opt/pharo/pharo") and TRUST_MARK in rows[2]
        assert "the VM program that runs VMMaker" in rows[2]  # and why
        await set_option(pilot, "BAD NAME", "x")  # refused, said, not kept
        problem = str(screen.query_one("#build-problem").render())
        assert "BAD NAME" in problem and "not a cmake variable name" in problem
        await wait_for(pilot, lambda: not app.session.dirty)
        wanted = app.session.profile
    loaded = load_profile(path)
    assert loaded.build == wanted.build
    assert loaded.build.mode == "single-pass" and loaded.build.jobs == 3
    assert dict(loaded.build.cmake_options) == {
        "BUILD_BUNDLE": "ON",
        "VMMAKER_IMAGE": "/opt/pharo/Pharo.image",
        "GENERATE_PHARO_VM": "/opt/pharo/pharo",
    }
    after = path.read_text(encoding="utf-8")
    assert "    # offline: the user's note\n" in after
    assert "    BUILD_BUNDLE: true   # no bundle on this machine\n" in after  # still a boolean
    assert after.split("build:")[0] == before.split("build:")[0]
