"""Adding a step is one class and one line in a plan: everything else derives from them.

A step written here, registered by one plan line, is listed, sliced, surveyed, previewed by
``--dry-run``, run and recorded through the Workbench, and placed on a TUI screen, with no
other table to edit.
"""

from __future__ import annotations

import io

import pytest

from fakevm.profiles import write_profile
from screens.phases import phase_steps, screen_phase_of, step_views
from wizard.engine import plan
from wizard.engine.actions import WriteFile
from wizard.engine.sink import ConsoleSink
from wizard.engine.step import Context, Status, Step
from wizard.engine.workbench import Workbench


class Announce(Step):
    """A step of the test's own: write an announcement beside the build folder."""

    id = "announce"
    phase = "build"
    title = "announce the plugin"

    def detect(self, ctx: Context) -> Status:
        done = (ctx.workspace / "ANNOUNCE").exists()
        return Status(done, "announced" if done else "not announced yet")

    def actions(self, ctx: Context) -> list:
        return [WriteFile(ctx.workspace / "ANNOUNCE", f"{ctx.plugin} is here\n")]


@pytest.fixture
def with_announce(monkeypatch):
    """The two-pass plan with one more line, before ``try``."""
    two_pass = plan.PLANS["two-pass"]
    monkeypatch.setitem(plan.PLANS, "two-pass", (*two_pass[:-1], plan.line(Announce), two_pass[-1]))


def test_one_plan_line_makes_a_step_of_the_plan_and_of_its_screen(with_announce):
    assert plan.step_ids("two-pass")[-2:] == ("announce", "try")
    assert "announce" not in plan.step_ids("single-pass")
    assert plan.title_of("announce") == "announce the plugin"
    assert plan.phase_of("announce") == "build"
    assert [entry.id for entry in plan.every_step()][-2:] == ["announce", "try"]  # --list-steps
    assert screen_phase_of("announce", "two-pass") == "build"
    assert "announce" in phase_steps("two-pass")["build"]


def test_the_workbench_surveys_previews_runs_and_records_the_new_step(workspace, with_announce):
    profile = write_profile(workspace, workspace / "no-origin")
    workbench = Workbench.load(profile)
    assert workbench.slice("announce", "announce") == ("announce",)
    survey = workbench.survey()
    assert survey.statuses["announce"] == Status(False, "not announced yet")
    views = step_views(workbench.step_ids(), survey, workbench.records)
    assert views["announce"].title == "announce the plugin"

    (entry,) = workbench.preview(("announce",), workbench.context(dry_run=True))
    assert (entry.step.id, entry.verdict) == ("announce", "run")
    assert entry.lines == (f"write {workspace / 'ANNOUNCE'}",)

    out = io.StringIO()
    result = workbench.run(("announce",), workbench.context(), ConsoleSink(out), guard=False)
    assert result.exit_code == 0, out.getvalue()
    assert (workspace / "ANNOUNCE").read_text() == "HelloWorldPlugin is here\n"
    assert Workbench.load(profile).records["announce"].done
    assert Workbench.load(profile).survey().statuses["announce"].done
