"""The offline route is kept where the user meant it (issue 29, 2).

An option set in the TUI's build editor is written in the form ``--set`` gives it (so the
same value from either never makes ``configure`` run again), over the template's commented
line when there is one; ``--set`` says when its value is for one run only.
"""

from __future__ import annotations

import re

from fakevm.profiles import write_profile
from screens.setup import SetupScreen
from tests.helpers import wizard
from tests.test_tui_build_form import set_option
from tests.test_tui_support import app_on, make_workspace, settled, wait_for
from wizard.profile.load import load_profile
from wizard.profile.overrides import cmake_option_text
from wizard.profile.template import template_text
from wizard.profile.writer import writer_for

TEMPLATE_LINE = (
    "    # BUILD_BUNDLE: false              # no SDL2/Cairo/Freetype/libgit2 downloads\n"
)
UNCOMMENTED = "    BUILD_BUNDLE: false                # no SDL2/Cairo/Freetype/libgit2 downloads\n"


def template_profile(tmp_path):
    path = make_workspace(tmp_path)
    text = template_text("HelloWorldPlugin")
    text = re.sub(r"  examples:\n(?:    [^\n]*\n)+", "", text, count=1)
    assert TEMPLATE_LINE in text
    path.write_text(text, encoding="utf-8")
    return path


def test_every_spelling_of_a_switch_is_the_form_set_gives(tmp_path):
    for spelling in ("false", "OFF", "off", "no", "False"):
        assert cmake_option_text(spelling) == "OFF"
    for spelling in ("true", "ON", "yes"):
        assert cmake_option_text(spelling) == "ON"
    assert cmake_option_text("/opt/pharo/pharo") == "/opt/pharo/pharo"
    assert cmake_option_text("") == ""
    path = template_profile(tmp_path)
    by_set = load_profile(path, ["build.cmake_options.BUILD_BUNDLE=false"])
    assert dict(by_set.build.cmake_options)["BUILD_BUNDLE"] == cmake_option_text("false")


def test_the_writer_uncomments_the_templates_line(tmp_path):
    path = template_profile(tmp_path)
    profile = load_profile(path)
    options = (*profile.build.cmake_options, ("BUILD_BUNDLE", "OFF"))
    from dataclasses import replace

    wanted = replace(profile, build=replace(profile.build, cmake_options=options))
    writer_for(path).save_edit(wanted)
    text = path.read_text(encoding="utf-8")
    assert UNCOMMENTED in text and TEMPLATE_LINE not in text
    assert len(re.findall(r"(?m)^ *BUILD_BUNDLE:", text)) == 1
    assert dict(load_profile(path).build.cmake_options)["BUILD_BUNDLE"] == "OFF"


async def test_the_build_editor_writes_what_set_writes_over_the_commented_line(tmp_path):
    path = template_profile(tmp_path)
    app = app_on(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        assert isinstance(app.screen, SetupScreen)
        await set_option(pilot, "BUILD_BUNDLE", "false")
        await wait_for(
            pilot, lambda: "BUILD_BUNDLE" in dict(app.session.profile.build.cmake_options)
        )
        await wait_for(pilot, lambda: not app.session.dirty)
    text = path.read_text(encoding="utf-8")
    assert UNCOMMENTED in text and TEMPLATE_LINE not in text
    assert "'false'" not in text
    options = dict(load_profile(path).build.cmake_options)
    by_set = dict(
        load_profile(path, ["build.cmake_options.BUILD_BUNDLE=false"]).build.cmake_options
    )
    assert options == by_set  # configure sees the same value either way: no rerun


def test_set_says_when_it_is_for_this_run_only(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin, cmake_options={"BUILD_BUNDLE": "ON"})
    assert wizard("--replay", str(profile), "--until", "clone", cwd=workspace).returncode == 0
    result = wizard(
        "--replay", str(profile), "--dry-run", "--until", "clone",
        "--set", "build.cmake_options.BUILD_BUNDLE=false",
        "--set", "build.cmake_options.FEATURE_LIB_SDL2=OFF",
        "--set", "build.cmake_options.FEATURE_LIB_CAIRO=ON",
        "--set", "build.cmake_options.MY_FLAG=1",
        "--set", "build.jobs=2",
        cwd=workspace,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stdout.splitlines() if line.startswith("note: --set")]
    assert notes == [
        "note: --set build.cmake_options.BUILD_BUNDLE=false is for this run only; the profile "
        "says ON — put it in the profile to keep it",
        "note: --set build.cmake_options.FEATURE_LIB_SDL2=OFF is for this run only; the "
        "profile leaves it at the checkout's default, ON — put it in the profile to keep it",
        "note: --set build.cmake_options.MY_FLAG=1 is for this run only; the profile does not "
        "set it — put it in the profile to keep it",
    ]  # FEATURE_LIB_CAIRO=ON is the checkout's default, build.jobs=2 the profile's: no note
