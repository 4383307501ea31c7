"""What ``--dry-run`` prints is what ``run`` performs (issue 13): every step, both plans.

Each step of the plan is first described, as ``--dry-run`` does, then run by the engine
with a :class:`RecordingExecutor`, which records every action and performs it, on the test
repository with the real git, cmake, make and C compiler. The recorded actions' lines must
be the dry run's lines, in order, less only the conditional ones (``when``) that the run
found no need for. A second round after a method changed takes the Slang loop's ways.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from fakevm.profiles import EXAMPLES, echo_profile, edit_methods
from tests.shared_builds import backdate
from wizard.engine.actions import RecordingExecutor, lines_of
from wizard.engine.plan import build_plan
from wizard.engine.run import run_one
from wizard.engine.sink import ConsoleSink
from wizard.engine.step import Context, Step
from wizard.profile.load import load_profile

#: The mark :func:`wizard.engine.actions.conditional` puts on an action done only when needed.
CONDITION = re.compile(r"   \((only when|unless) [^)]*\)$")


def dry_run_lines(step: Step, profile: Path) -> list[str]:
    ctx = Context(load_profile(profile), dry_run=True)
    try:
        return step.describe(ctx)
    finally:
        ctx.close()


def recorded_run(step: Step, profile: Path) -> list[str]:
    """Run one step as the engine does; answer the lines of the actions it performed."""
    executor = RecordingExecutor()
    ctx = Context(load_profile(profile), executor=executor)
    try:
        outcome = run_one(step, ctx, ConsoleSink(io.StringIO()))
    finally:
        ctx.close()
    assert outcome.kind == "ok", outcome.summary()
    return lines_of(executor.performed)


def assert_runs_what_it_printed(step: Step, printed: list[str], performed: list[str]) -> None:
    assert performed, f"{step.id} performed no action"
    kept = [line for line in printed if line in performed]
    assert kept == performed, f"{step.id}: performed\n{performed}\nprinted\n{printed}"
    left_out = [line for line in printed if line not in performed]
    assert all(CONDITION.search(line) for line in left_out), f"{step.id} skipped {left_out}"


def run_round(profile: Path, mode: str) -> list[str]:
    """Describe, then run, every step not done yet; answer the ids that ran."""
    ran = []
    for step in build_plan(mode):
        ctx = Context(load_profile(profile), dry_run=True)
        try:
            done = not step.always_runs and step.detect(ctx).done
        finally:
            ctx.close()
        if done:
            continue
        printed = dry_run_lines(step, profile)
        assert_runs_what_it_printed(step, printed, recorded_run(step, profile))
        ran.append(step.id)
    return ran


def fake_default_branch(origin: Path) -> str:
    import git

    return git.Repo(origin).active_branch.name


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["two-pass", "single-pass"])
def test_every_step_runs_the_actions_its_dry_run_prints(
    fake_origin, workspace, layout_branch, mode
):
    profile = echo_profile(workspace, fake_origin, EXAMPLES, base_branch=layout_branch, mode=mode)
    first = run_round(profile, mode)
    everything = [step.id for step in build_plan(mode)]
    # the clone's default branch (pharo-10) is the base branch of the 2024 layout: checked out
    done_by_clone = ["checkout"] if layout_branch == fake_default_branch(fake_origin) else []
    assert first == [name for name in everything if name not in done_by_clone]

    # the new class file must be visibly newer than the C: the build was 2 s ago
    backdate(workspace, Path(os.environ["XDG_CACHE_HOME"]))
    edit_methods(profile, "Hello from", "Greetings from")
    again = run_round(profile, mode)
    loop = {"generate", "compile"} if mode == "two-pass" else set()
    assert {"plugin-source", "commit", "verify", "try", *loop} <= set(again)
