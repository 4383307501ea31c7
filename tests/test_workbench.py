"""The Workbench: the one place the lock is taken, and the order guard before a slice runs.

Real files only: a profile from the template in a temporary workspace, the kernel's
``flock`` for the lock, the steps' own ``detect`` reading the (empty) workspace.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fakevm.profiles import write_profile
from wizard.engine.sink import ConsoleSink
from wizard.engine.workbench import OutOfOrder, Workbench
from wizard.errors import LockedError


def test_held_takes_the_lock_for_the_block_and_keeps_one_already_held(workspace):
    profile = write_profile(workspace, workspace / "no-origin")
    workbench = Workbench.load(profile)
    with workbench.held(), pytest.raises(LockedError):
        Workbench.load(profile).hold()  # a second wizard on the same profile
    other = Workbench.load(profile)
    other.hold()  # released after the block: another one may take it
    other.release()

    workbench.hold()
    with workbench.held():
        pass
    assert workbench.lock is not None  # the TUI's lock outlives each run
    with pytest.raises(LockedError):
        Workbench.load(profile).hold()
    workbench.release()
    assert workbench.lock is None


def test_a_slice_after_a_step_not_done_is_refused_before_anything_runs(workspace):
    profile = write_profile(workspace, workspace / "no-origin")
    workbench = Workbench.load(profile)
    before = sorted(path.relative_to(workspace) for path in workspace.rglob("*"))
    out = io.StringIO()
    with pytest.raises(OutOfOrder) as refused:
        workbench.run(workbench.slice("configure"), workbench.context(), ConsoleSink(out))
    assert refused.value.problem.start == "configure"
    assert refused.value.problem.blocking == "clone"
    assert out.getvalue() == ""  # no step started
    assert sorted(path.relative_to(workspace) for path in workspace.rglob("*")) == before
    assert workbench.lock is None  # let go of, though the run was refused


#: What the TUI must not do itself: git, YAML, the file formats of pharo-vm, the steps'
#: work. It asks the workbench (and wizard.engine.survey) instead.
ENGINE_ONLY = (
    "git",
    "yaml",
    "wizard.formats",
    "wizard.checkout.git",
    "wizard.checkout.git_plumbing",
    "wizard.checkout.facts",
    "wizard.steps",
    "wizard.checkout.partial_commit",
    "wizard.profile.yaml_edit",
)


def imported_modules(path: Path) -> set[str]:
    """Every module a Python file imports, at any depth of its code."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_screens_hold_no_git_yaml_or_file_format_logic():
    screens = Path(__file__).resolve().parent.parent / "screens"
    files = sorted(screens.rglob("*.py"))
    assert len(files) > 10
    offending = {
        f"{path.relative_to(screens)}: {module}"
        for path in files
        for module in imported_modules(path)
        if any(module == name or module.startswith(name + ".") for name in ENGINE_ONLY)
    }
    assert not offending
