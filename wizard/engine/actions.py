"""Actions: the work a step does, as data that ``run`` performs and ``--dry-run`` prints.

A step does not write its ``--dry-run`` text by hand beside its ``run``: it plans a list of
actions (a command with its arguments, a file to write, a commit of given paths with a given
message, a folder to remove…) and ``run`` hands the same actions, one by one, to the
context's :class:`Executor`. Each action says itself in ``lines()`` from the very fields it
performs with, so what is printed is what runs.

An action marked ``when`` is conditional: the step performs it only when what it finds at
run time asks for it (an unfinished clone to remove, a branch to fetch), and the dry run
prints the condition. A :class:`Check` changes nothing; it marks a test the step makes, so
that the dry run names it and a recording executor sees where it happens.

The executor is the one place where a side effect happens; a test substitutes a
:class:`RecordingExecutor` that records each action, then performs it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from wizard.engine.sink import StepOutput
    from wizard.engine.step import Context


class Action:
    """One piece of a step's work. Subclasses set the fields, ``lines`` and ``perform``."""

    def lines(self) -> list[str]:
        """What the action does, as ``--dry-run`` prints it."""
        raise NotImplementedError

    def perform(self, ctx: Context, out: StepOutput) -> Any:
        """Do it; answer what the step needs back (an exit status, a commit id…)."""
        raise NotImplementedError


def own_roots(ctx: Context) -> tuple[Path, ...]:
    """The folders the wizard's own paths are reached from (each resolved once per run):
    the checkout, the build folder, the workspace."""
    return (ctx.checkout, ctx.build_dir, ctx.workspace)


def conditional(line: str, when: str) -> str:
    """A dry-run line with the condition under which it happens, if any."""
    return f"{line}   ({when})" if when else line


@dataclass(frozen=True)
class Command(Action):
    """A program run with an argument list (never a shell), streamed to the step's output.

    ``prepend_paths`` puts a folder first on a search-path variable (the dynamic linker's,
    for the built VM), keeping what the variable held.
    """

    args: tuple[str, ...]
    cwd: Path | None = None
    prepend_paths: tuple[tuple[str, str], ...] = ()
    when: str = ""
    says: str = ""  # a sentence printed before the command, saying what it is for
    timeout: float | None = None  # seconds before its whole process tree is stopped

    def lines(self) -> list[str]:
        prefix = "".join(f"{name}={folder}{os.pathsep}… " for name, folder in self.prepend_paths)
        line = conditional(prefix + " ".join(self.args), self.when)
        if self.timeout is not None:
            line += f"   (stopped after {self.timeout:g} s)"
        return [self.says, line] if self.says else [line]

    def environment(self) -> dict[str, str] | None:
        """The wizard's environment with ``prepend_paths`` applied; None when unchanged."""
        if not self.prepend_paths:
            return None
        environment = dict(os.environ)
        for name, folder in self.prepend_paths:
            rest = environment.get(name)
            environment[name] = folder + (os.pathsep + rest if rest else "")
        return environment

    def perform(self, ctx: Context, out: StepOutput) -> Any:
        """Run it; answer the :class:`wizard.engine.runner.Completed` (status and last lines)."""
        from wizard.engine.runner import run_command

        cwd = self.cwd if self.cwd is not None else ctx.workspace
        return run_command(
            list(self.args),
            out,
            cwd=cwd,
            env=self.environment(),
            token=ctx.token,
            timeout=self.timeout,
        )


@dataclass(frozen=True)
class WriteOwned(Action):
    """Write a checkout file the wizard owns or edits, refusing to overwrite a hand edit.

    ``says`` replaces the default line when the dry run should show more (the lines added).
    """

    owner: str
    relative: str
    text: str
    new_file: bool = False
    says: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        return list(self.says) or [f"write {self.relative}"]

    def perform(self, ctx: Context, out: StepOutput) -> bool:
        from wizard.checkout.facts import write_owned

        return write_owned(ctx, self.owner, self.relative, self.text, out, new_file=self.new_file)


@dataclass(frozen=True)
class WriteFile(Action):
    """Write a file of the wizard's own (a placeholder, a script) outside the checkout."""

    path: Path
    text: str
    says: str = ""
    when: str = ""

    def lines(self) -> list[str]:
        return [conditional(self.says or f"write {self.path}", self.when)]

    def perform(self, ctx: Context, out: StepOutput) -> None:
        from wizard.checkout.safe_files import split, write_text

        write_text(*split(self.path, own_roots(ctx)), self.text)


@dataclass(frozen=True)
class RemoveFolder(Action):
    """Remove a folder the wizard made (an unfinished clone, the try folder), and all in it."""

    path: Path
    when: str = ""

    def lines(self) -> list[str]:
        return [conditional(f"remove {self.path}", self.when)]

    def perform(self, ctx: Context, out: StepOutput) -> None:
        from wizard.checkout.safe_files import remove, split

        remove(*split(self.path, own_roots(ctx)))


@dataclass(frozen=True)
class Rename(Action):
    """Give a finished folder its name (the clone, once complete)."""

    source: Path
    target: Path

    def lines(self) -> list[str]:
        return [f"rename {self.source.name} to {self.target.name} once the clone is complete"]

    def perform(self, ctx: Context, out: StepOutput) -> None:
        os.rename(self.source, self.target)


@dataclass(frozen=True)
class Check(Action):
    """A test the step makes; it changes nothing. Printed so the dry run names it."""

    says: str

    def lines(self) -> list[str]:
        return [self.says]

    def perform(self, ctx: Context, out: StepOutput) -> None:
        return None


@dataclass(frozen=True)
class Unknown(Action):
    """What cannot be known before an earlier action ran; only ever printed, never performed."""

    says: str

    def lines(self) -> list[str]:
        return [self.says]

    def perform(self, ctx: Context, out: StepOutput) -> None:
        raise RuntimeError(f"an action that cannot be known yet was performed: {self.says}")


def lines_of(actions: Iterable[Action]) -> list[str]:
    """The dry-run text of a list of actions."""
    return [line for action in actions for line in action.lines()]


class Executor:
    """Performs actions: the one place a step's side effects happen."""

    def perform(self, action: Action, ctx: Context, out: StepOutput) -> Any:
        return action.perform(ctx, out)


@dataclass
class RecordingExecutor(Executor):
    """Records each action (for a test to compare with the dry run), then performs it."""

    performed: list[Action] = field(default_factory=list)

    def perform(self, action: Action, ctx: Context, out: StepOutput) -> Any:
        self.performed.append(action)
        return super().perform(action, ctx, out)
