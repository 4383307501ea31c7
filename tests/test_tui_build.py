"""The Build screen with Pilot: live output, cancel, quit during a run, failure panel.

These tests run a real process tree through the engine (``run_steps`` with the runner's
CancelToken) from a small step defined here, so cancelling is the real thing: the step's
processes must be gone afterwards. The full plan on the pharo-vm-shaped test repository is
in test_tui_flow.py.
"""

from __future__ import annotations

import sys

import psutil
from textual.widgets import Log

from screens.build import BuildScreen
from screens.dialogs import Confirm
from screens.run import RunFinished, TuiSink
from tests.test_tui_support import app_on, make_workspace, settled, wait_for
from wizard.engine.run import run_steps
from wizard.engine.runner import CancelToken
from wizard.engine.step import Context, Status, Step

SLEEPER = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    "for i in range(1000):\n"
    "    print(f'[{min(i, 99):3d}%] compiling file{i}.c', flush=True)\n"
    "    time.sleep(0.01)\n"
    "time.sleep(60)\n"
)


class SleepyCompile(Step):
    """A step whose process tree (python and its child) runs until it is stopped."""

    id = "compile"
    phase = "build"
    title = "a compile that never ends"

    def detect(self, ctx: Context) -> Status:
        return Status(False, "never done")

    def describe(self, ctx: Context) -> list[str]:
        return ["python -c SLEEPER"]

    def run(self, ctx: Context, out) -> None:
        from wizard.engine.runner import run_command

        run_command([sys.executable, "-c", SLEEPER], out, cwd=ctx.workspace, token=ctx.token)


def descendants() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if p.is_running()]


def start_sleepy(app) -> Context:
    ctx = app.workbench.context(token=CancelToken())

    def job(sink: TuiSink) -> RunFinished:
        return RunFinished(run_steps([SleepyCompile()], ctx, sink).exit_code)

    assert app.runs.start_job(("compile",), job, ctx)
    return ctx


async def test_output_progress_and_cancel_leave_no_process_behind(tmp_path):
    profile = make_workspace(tmp_path)
    app = app_on(profile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f5")
        screen = app.screen
        assert isinstance(screen, BuildScreen)
        start_sleepy(app)
        await wait_for(pilot, lambda: (app.runs.model.percent or 0) >= 5)
        log = screen.query_one(Log)
        assert any("compiling file" in line for line in log.lines)
        assert app.runs.model.current == "compile"
        assert len(descendants()) >= 2  # python and its child
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: not app.runs.model.running, timeout=15)
        assert app.runs.model.exit_code == 130
        step, outcome = app.runs.model.failure
        assert step == "compile" and outcome.kind == "interrupted"
        await wait_for(pilot, lambda: not descendants(), timeout=5)
        assert "compile interrupted" in str(screen.query_one("#failure-text").render())
        log_file = tmp_path / "MyPlugins" / "logs" / "HelloWorldPlugin" / "compile.log"
        assert "compiling file" in log_file.read_text()
    state = app.workbench.state.entry("compile")
    assert state["status"] == "interrupted"


async def test_quitting_during_a_run_asks_then_stops_it_cleanly(tmp_path):
    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f5")
        start_sleepy(app)
        await wait_for(pilot, lambda: app.runs.model.current == "compile" and descendants())
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # keep running
        assert app.runs.model.running
        await pilot.press("ctrl+q")
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, timeout=15)
    assert app.runs.model.exit_code == 130  # the run was interrupted…
    assert app.return_code == 0  # …and the wizard quit as asked: not a failure, not a signal
    assert not descendants()
    assert app.session.records["compile"].status == "interrupted"


async def test_enter_on_a_step_applies_the_order_guard(tmp_path):
    app = app_on(make_workspace(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f5")
        plan = app.screen.query_one("#plan")
        plan.focus()
        plan.highlighted = 6  # configure, with nothing done before it
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.runs.model.refused is not None)
        assert "earlier step clone is not done" in app.runs.model.refused
        assert "finish Setup first (F2)" in app.runs.model.refused
        assert "The run did not start" in str(app.screen.query_one("#failure-text").render())
