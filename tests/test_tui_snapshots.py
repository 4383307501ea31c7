"""Snapshots of every screen at 120×40 and at 80×24 (accept changes with ``pytest --snapshot-update``).

Deterministic on purpose: the workspace is always ``<tmp>/MyPlugins`` and every path on
screen is relative to it, the clock is fixed, the process monitor is off, and each test
waits until the disk has been read before the picture is taken. The SVGs live in
``tests/snapshots/``.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import pytest_textual_snapshot

from screens.run import RunFinished, TuiSink
from tests.test_tui_support import app_on, make_workspace, mounted_through, settled, wait_for
from wizard.engine.step import Outcome

SIZE = (120, 40)
SNAPSHOTS = Path(__file__).parent / "snapshots"


class _SnapshotsFolder(pytest_textual_snapshot.SVGImageExtension):
    """The plugin's SVG extension, storing files in tests/snapshots/."""

    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(SNAPSHOTS)


@pytest.fixture(autouse=True)
def _snapshots_in_tests_snapshots(monkeypatch):
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", _SnapshotsFolder)


class FakeStep:
    def __init__(self, step_id: str, title: str) -> None:
        self.id = step_id
        self.title = title


def test_profiles_list(tmp_path, snap_compare):
    make_workspace(tmp_path)
    folder = tmp_path / "MyPlugins" / "profiles"
    (folder / "Broken.yml").write_text("version: 1\nplugin:\n  name: brokenPlugin\n")
    app = app_on(None, profiles_dir=Path("profiles"))

    async def ready(pilot):
        table = app.screen.query_one("DataTable")
        await wait_for(pilot, lambda: "steps" in str(table.get_row_at(1)[2]))

    import os

    cwd = os.getcwd()
    os.chdir(tmp_path / "MyPlugins")
    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=ready)
    finally:
        os.chdir(cwd)


def test_setup_before_the_clone(tmp_path, snap_compare):
    app = app_on(make_workspace(tmp_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=settled)


def test_setup_build_options(tmp_path, snap_compare):
    """The build editor with an offline option and one that needs trust (marked)."""
    options = {
        "BUILD_BUNDLE": False,
        "VMMAKER_IMAGE": "/opt/pharo/Pharo.image",
        "GENERATE_PHARO_VM": "/opt/pharo/pharo",
    }
    build = {"mode": "single-pass", "cmake_options": options, "jobs": 2}
    app = app_on(make_workspace(tmp_path, build=build))

    async def pick_an_option(pilot):
        await settled(pilot)
        listing = app.screen.query_one("#build-options")
        listing.focus()
        listing.highlighted = 1
        await wait_for(pilot, lambda: app.screen.query_one("#option-name").value != "")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=pick_an_option)


def test_develop_without_a_clone(tmp_path, snap_compare):
    app = app_on(make_workspace(tmp_path))

    async def develop(pilot):
        await settled(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: app.screen.query_one("#diagnostics").border_title)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=develop)


def test_plugins_without_a_clone(tmp_path, snap_compare):
    app = app_on(make_workspace(tmp_path))

    async def plugins(pilot):
        await settled(pilot)
        await pilot.press("f4")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=plugins)


def test_build_before_any_run(tmp_path, snap_compare):
    app = app_on(make_workspace(tmp_path))

    async def build(pilot):
        await settled(pilot)
        await pilot.press("f5")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=build)


def test_help(tmp_path, snap_compare):
    app = app_on(make_workspace(tmp_path))
    assert snap_compare(app, press=["f1"], terminal_size=SIZE, run_before=settled)


COMPILE_OUTPUT = [
    "$ cmake --build build --target install -j 2",
    "[  4%] Building C object CMakeFiles/PharoVMCore.dir/src/memoryUnix.c.o",
    "[ 21%] Building C object CMakeFiles/PharoVMCore.dir/generated/64/vm/src/gcc3x-cointerp.c.o",
    "src/debug.c:88:12: warning: unused variable 'frame' [-Wunused-variable]",
    "[ 42%] Building C object CMakeFiles/HelloWorldPlugin.dir/generated/64/plugins/src/"
    "HelloWorldPlugin/HelloWorldPlugin.c.o",
]


def test_build_in_the_middle_of_a_compile(tmp_path, snap_compare):
    app = app_on(make_workspace(tmp_path))
    release = threading.Event()

    def job(sink: TuiSink) -> RunFinished:
        sink.step_started(11, 12, FakeStep("compile", "build the plugin library"))
        sink.output("".join(line + "\n" for line in COMPILE_OUTPUT))
        sink.progress(42)
        release.wait(3)
        return RunFinished(130)

    async def mid_build(pilot):
        await settled(pilot)
        await pilot.press("f5")
        app.runs.start_job(("compile",), job)
        await wait_for(pilot, lambda: app.runs.model.percent == 42)
        await pilot.pause(0.1)

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=mid_build)
    finally:
        release.set()


def test_build_after_a_failure(tmp_path, snap_compare):
    profile = make_workspace(tmp_path)
    app = app_on(profile)
    workspace = profile.parent.parent
    log = workspace / "logs" / "HelloWorldPlugin" / "configure.log"

    def job(sink: TuiSink) -> RunFinished:
        step = FakeStep("configure", "configure the build (cmake)")
        sink.step_started(7, 12, step)
        sink.output(
            f"$ cmake -S {workspace}/pharo-vm -B {workspace}/build\n"
            "-- The C compiler identification is GNU 12.2.0\n"
            "CMake Error at plugins.cmake:12 (add_vm_plugin):\n"
            "  Cannot find source file: generated/64/plugins/src/HelloWorldPlugin/"
            "HelloWorldPlugin.c\n"
        )
        outcome = Outcome(
            "failed",
            "configure: cmake could not configure the build",
            log,
            "cmake cannot find a generated plugin C file: the generate step must run before "
            "a plugin is declared in plugins.cmake",
            (
                "CMake Error at plugins.cmake:12 (add_vm_plugin):",
                "  Cannot find source file:",
                "    generated/64/plugins/src/HelloWorldPlugin/HelloWorldPlugin.c",
            ),
        )
        sink.step_finished(step, outcome)
        return RunFinished(1)

    async def failed(pilot):
        await settled(pilot)
        await pilot.press("f5")
        app.runs.start_job(("configure",), job)
        await wait_for(pilot, lambda: not app.runs.model.running)
        await wait_for(pilot, lambda: app.surveyed_since_run)  # the disk read after the run
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=failed)


def test_develop_shows_the_articles_mistake(tmp_path, fake_origin, snap_compare):
    """The article's ``interpreterProxy stringFromCString:``, caught against the clone."""
    import yaml

    from tests.helpers import wizard
    from tests.test_tui_support import point_at, profile_data

    profile = point_at(make_workspace(tmp_path), fake_origin)
    data = profile_data(profile)
    method = data["plugin"]["methods"][1]
    method["source"] = method["source"].replace(
        "(interpreterProxy stringForCString:", "(interpreterProxy stringFromCString:"
    )
    profile.write_text(yaml.safe_dump(data, sort_keys=False))
    setup = wizard("--replay", str(profile), "--until", "branch", cwd=profile.parent.parent)
    assert setup.returncode == 0, setup.stdout
    app = app_on(profile)

    async def develop(pilot):
        await settled(pilot)
        await wait_for(pilot, lambda: app.current_mode == "develop")
        screen = app.screen
        await wait_for(pilot, lambda: any(d.severity == "error" for d in screen.diagnostics))
        screen.query_one("#methods").highlighted = 1
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=develop)


# -- 80x24: every screen and the help fit a small terminal (issue 29, 5)

SMALL = (80, 24)


def test_small_setup(tmp_path, snap_compare):
    """The Setup screen's cmake-option fields get the row; the controls are one row each."""
    app = app_on(make_workspace(tmp_path))
    assert snap_compare(app, terminal_size=SMALL, run_before=settled)


def test_small_develop(tmp_path, snap_compare):
    app = app_on(make_workspace(tmp_path))

    async def develop(pilot):
        await settled(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: app.screen.query_one("#diagnostics").border_title)
        await wait_for(pilot, lambda: mounted_through(app.screen))
        editor = app.screen.query_one("#editor")
        editor.cursor_blink = False  # a blinking cursor would make two pictures
        editor.focus()  # the footer shows escape and ctrl+l
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=develop)


def test_small_plugins(tmp_path, fake_origin, snap_compare):
    """With a clone: every plugin class, each with its status column."""
    from tests.helpers import wizard
    from tests.test_tui_support import point_at

    profile = point_at(make_workspace(tmp_path), fake_origin)
    setup = wizard("--replay", str(profile), "--until", "branch", cwd=profile.parent.parent)
    assert setup.returncode == 0, setup.stdout
    app = app_on(profile)

    async def plugins(pilot):
        await settled(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: mounted_through(app.screen))
        await wait_for(pilot, lambda: app.screen.query_one("#plugins").option_count > 3)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=plugins)


def test_small_build(tmp_path, snap_compare):
    app = app_on(make_workspace(tmp_path))

    async def build(pilot):
        await settled(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: mounted_through(app.screen))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=build)


def test_small_build_after_a_failure(tmp_path, snap_compare):
    """The step pane, the failure panel (it scrolls) and the guide's words on what to do."""
    from tests.test_tui_newcomer import failing_job

    profile = make_workspace(tmp_path)
    app = app_on(profile)

    async def failed(pilot):
        await settled(pilot)
        await pilot.press("f5")
        app.runs.start_job(("configure",), failing_job(profile.parent.parent))
        await wait_for(pilot, lambda: not app.runs.model.running)
        await wait_for(pilot, lambda: app.surveyed_since_run)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=failed)


def test_small_profiles_list(tmp_path, snap_compare):
    make_workspace(tmp_path)
    app = app_on(None, profiles_dir=Path("profiles"))

    async def ready(pilot):
        table = app.screen.query_one("DataTable")
        await wait_for(pilot, lambda: "steps" in str(table.get_row_at(0)[2]))
        await pilot.pause()

    import os

    cwd = os.getcwd()
    os.chdir(tmp_path / "MyPlugins")
    try:
        assert snap_compare(app, terminal_size=SMALL, run_before=ready)
    finally:
        os.chdir(cwd)


def test_small_new_plugin_dialog(tmp_path, snap_compare, monkeypatch):
    folder = tmp_path / "MyPlugins" / "profiles"
    folder.mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "MyPlugins")  # the list's title shows the folder as given
    app = app_on(None, profiles_dir=Path("profiles"))

    async def dialog(pilot):
        from screens.dialogs import NewPlugin

        await wait_for(pilot, lambda: mounted_through(app.screen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NewPlugin))
        await wait_for(pilot, lambda: mounted_through(app.screen))
        await pilot.press(*"MyPlugin")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=dialog)


def test_small_help(tmp_path, snap_compare):
    app = app_on(make_workspace(tmp_path))

    async def help_shown(pilot):
        from screens.help import HelpScreen

        await settled(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await wait_for(pilot, lambda: mounted_through(app.screen))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=help_shown)
