"""One truth: the TUI and ``--replay --dry-run`` report the same state for every step.

Both faces ask the :class:`wizard.engine.workbench.Workbench`, so the Setup tree, the Build step
list and the dry-run's "would skip"/"would run" must agree step by step, on a real
workspace of the test repository (real git, cmake, make and cc; the VMMaker stand-in
writes the C). The placeholder case is the one that used to disagree: with only the
placeholder C on disk, ``generate`` says it is not done, and the Setup tree said
"generated C present". The steps that run each time (verify, try) agree too: both faces
ask each step's ``standing`` (``wizard.engine.step.standings``), which for them means "the last
run passed and nothing before it changed" ("would run again" in the dry-run).
"""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import Tree

from screens.build import BuildScreen
from screens.phases import MARKS
from screens.setup import SetupScreen
from screens.widgets.step_list import StepList
from screens.widgets.workspace_tree import WorkspaceTree
from tests.helpers import wizard
from tests.test_tui_support import app_on, settled, wait_for
from wizard.engine.plan import step_ids
from wizard.steps.cmake import PLACEHOLDER_MARK

GENERATED = "build/generated/64/plugins/src/HelloWorldPlugin/HelloWorldPlugin.c"
DONE_MARK = "✓"


def dry_run_verdicts(profile: Path, workspace: Path) -> dict[str, bool]:
    """Each step of ``--replay --dry-run``: True when its work stands ("would skip", or
    "would run again" for a step that runs each time and last passed)."""
    result = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    verdicts: dict[str, bool] = {}
    current = None
    for line in result.stdout.splitlines():
        if line.startswith("==> ["):
            current = line.split("] ", 1)[1].split(":", 1)[0]
        elif current and line.startswith("would "):
            verdicts[current] = line.startswith(("would skip:", "would run again:"))
            current = None
    return verdicts


def tree_leaves(tree: Tree) -> dict[str, str]:
    """Every step leaf of the workspace tree: step id -> its mark."""
    leaves: dict[str, str] = {}
    for node in tree.root.children:
        for leaf in node.children:
            mark, _, rest = str(leaf.label).partition(" ")
            if mark in MARKS.values():  # a step's leaf, not a log file's
                leaves[rest.split()[0]] = mark
    return leaves


def build_label(tree: Tree) -> str:
    """The build folder's own line in the workspace tree."""
    return next(str(node.label) for node in tree.root.children if "build/" in str(node.label))


async def tui_states(profile: Path) -> tuple[dict[str, bool], str]:
    """Each step as the Setup tree and the Build step list show it (True: done), and the
    build folder's line of the tree."""
    app = app_on(profile)
    shown: dict[str, bool] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
        await pilot.pause()
        tree = app.screen.query_one(WorkspaceTree)
        for step, mark in tree_leaves(tree).items():
            shown[step] = mark == DONE_MARK
        label = build_label(tree)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, BuildScreen))
        await pilot.pause()
        steps = app.screen.query_one(StepList)
        for index in range(steps.option_count):
            option = steps.get_option_at_index(index)
            done = re.sub(r"\[[^\]]*\]", "", str(option.prompt)).startswith(DONE_MARK)
            assert shown.get(option.id, done) == done, f"{option.id}: the tree and the list differ"
            shown[option.id] = done
    app.finish()  # let go of the profile's lock: the next look opens it again
    return shown, label


def differing(shown: dict[str, bool], verdicts: dict[str, bool]) -> set[str]:
    """The steps the TUI and the dry-run disagree on."""
    return {step for step in verdicts if shown[step] != verdicts[step]}


async def test_the_tui_and_the_dry_run_agree_on_every_step(built_workspace):
    restored = built_workspace(until="reconfigure")
    workspace, profile, built = restored.workspace, restored.profile, restored.first
    assert built.returncode == 0, built.stdout[-3000:]

    verdicts = dry_run_verdicts(profile, workspace)
    shown, label = await tui_states(profile)
    assert set(verdicts) == set(step_ids("two-pass")) == set(shown)
    assert not differing(shown, verdicts)
    assert verdicts["generate"] and "generated C present" in label

    # The placeholder case: only the stand-in C that lets cmake configure is on disk.
    generated = workspace / GENERATED
    generated.write_text(f"/* {PLACEHOLDER_MARK}: VMMaker replaces this file */\n")
    verdicts = dry_run_verdicts(profile, workspace)
    shown, label = await tui_states(profile)
    assert not verdicts["generate"]
    assert not differing(shown, verdicts)
    assert "generated C present" not in label


async def test_the_steps_that_run_each_time_agree_too(built_workspace):
    """verify and try run each time: both faces count them done while their last run
    passed and nothing before them changed ("would run again" in the dry-run)."""
    restored = built_workspace()
    workspace, profile, built = restored.workspace, restored.profile, restored.first
    assert built.returncode == 0, built.stdout[-3000:]

    verdicts = dry_run_verdicts(profile, workspace)
    shown, _ = await tui_states(profile)
    assert not differing(shown, verdicts)
    assert verdicts["verify"] and all(verdicts.values())

    # The library is gone: compile no longer stands, and the last check is stale.
    for library in (workspace / "build").rglob("libHelloWorldPlugin.so*"):
        library.unlink()
    verdicts = dry_run_verdicts(profile, workspace)
    shown, _ = await tui_states(profile)
    assert not differing(shown, verdicts)
    assert not verdicts["verify"]
