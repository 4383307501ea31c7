"""The contract every step of the plan follows, and the context a run gives it.

A step is small and uniform: an id, a phase and a title (declared once, on its class), then
``detect`` (is it already done? read from the disk, never from memory), ``actions`` (its
work as :mod:`wizard.engine.actions`, which ``--dry-run`` prints) and ``run`` (which
performs those same actions through the context's executor).
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from wizard.engine.actions import Executor, lines_of
from wizard.engine.state import StateStore
from wizard.errors import AGAIN, OutsideWorkspace, next_step
from wizard.profile.trust import Grant

if TYPE_CHECKING:
    from pathlib import Path

    from wizard.engine.actions import Action
    from wizard.engine.runner import CancelToken
    from wizard.engine.sink import StepOutput
    from wizard.engine.state import StepRecord
    from wizard.profile.model import Profile

PHASES = ("setup", "develop", "build")


@dataclass(frozen=True)
class Status:
    """What ``detect`` found: done or not, and why, in words for the user."""

    done: bool
    reason: str


@dataclass(frozen=True)
class Outcome:
    """How a step ended in this run."""

    kind: str  # "ok" | "skipped" | "failed" | "interrupted"
    reason: str = ""
    log: Path | None = None
    hint: str | None = None  # what to do, in words every face can show
    details: tuple[str, ...] = ()
    bad_input: bool = False  # a step refused bad input: the run ends with exit status 2
    again: bool = False  # the way on is to run the same steps again (each face words it)

    def advice(self, again_words: str = AGAIN) -> str | None:
        """What to do next, with ``again_words`` as this face's way to run the steps again
        (the command line's: "run the same command again")."""
        if self.kind == "interrupted" and self.again:
            return f"{again_words} to resume from this step"
        return next_step(self.hint, self.again, again_words)

    def summary(self) -> str:
        if self.kind == "ok":
            return "ok"
        if self.kind == "skipped":
            return f"skipped: already done ({self.reason})"
        lines = [f"{'FAILED' if self.kind == 'failed' else 'INTERRUPTED'}: {self.reason}"]
        lines.extend(f"    {detail}" for detail in self.details)
        if self.log is not None:
            lines.append(f"    log: {self.log}")
        advice = self.advice()
        if advice:
            lines.append(f"    next: {advice}")
        return "\n".join(lines)


@dataclass
class Context:
    """Everything a step may use: the profile, the run's options, derived paths.

    Paths derived from the profile are computed here, each checked to stay inside the
    folder it belongs to. The three roots (workspace, checkout, build folder) are resolved
    once per context, that is once per run; a path inside them is resolved on every use.
    """

    profile: Profile
    force: bool = False
    dry_run: bool = False
    bench: bool = False  # --bench: ``try`` also times each example
    trust: Grant = field(default_factory=Grant)  # --trust, or the TUI's yes
    cache: dict[str, Any] = field(default_factory=dict)
    token: CancelToken | None = None
    executor: Executor = field(default_factory=lambda: Executor())
    #: The run's ``state:``: the workbench's store, or one of its own made from the
    #: profile's (a context made by hand, a survey).
    state: StateStore = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.state is None:
            self.state = StateStore(self.profile.state)

    def perform(self, action: Action, out: StepOutput) -> Any:
        """Do one action of a step through the executor (a test's may record it)."""
        return self.executor.perform(action, self, out)

    @property
    def plugin(self) -> str:
        return self.profile.plugin.name

    @functools.cached_property
    def workspace(self) -> Path:
        return self.profile.workspace_dir

    @functools.cached_property
    def checkout(self) -> Path:
        return inside(self.profile.checkout_dir, self.workspace)

    @functools.cached_property
    def build_dir(self) -> Path:
        return inside(self.profile.build_dir, self.workspace)

    @property
    def jobs(self) -> int:
        return self.profile.build.jobs or os.cpu_count() or 1

    def log_path(self, step_id: str) -> Path:
        return inside(self.profile.logs_dir / f"{step_id}.log", self.workspace)

    def in_checkout(self, relative: str) -> Path:
        """A path inside the checkout; refuses anything that would leave it."""
        return inside(self.checkout / relative, self.checkout)

    def close(self) -> None:
        """Let go of what the steps cached: a GitPython Repo keeps ``git cat-file`` running."""
        for value in self.cache.values():
            close = getattr(value, "close", None)
            if callable(close):
                with contextlib.suppress(Exception):
                    close()
        self.cache.clear()

    @property
    def records(self) -> dict[str, StepRecord]:
        """What ``state: steps:`` says about each step, as typed records: changes nothing."""
        return self.state.records()


def inside(path: Path, root: Path) -> Path:
    """``path`` made absolute, provided it stays within ``root`` (no ``..``, no symlink trick)."""
    resolved = path.resolve()
    base = root.resolve()
    if resolved != base and base not in resolved.parents:
        raise OutsideWorkspace(
            f"{path} leads to {resolved}, outside {root}",
            hint="the wizard writes only inside its workspace: replace the symlink by the "
            "folder itself, or point the profile's workspace at a folder that holds it",
        )
    return resolved


class Step:
    """One step of the plan. Subclasses set the class attributes and the three methods."""

    id: ClassVar[str]
    phase: ClassVar[str]
    title: ClassVar[str]
    always_runs: ClassVar[bool] = False

    def detect(self, ctx: Context) -> Status:
        """Whether the step's work is already on disk. Must not change anything."""
        raise NotImplementedError

    def standing(self, ctx: Context, earlier: Mapping[str, Status]) -> Status:
        """Whether the step's work stands, as every face shows it (the Setup tree, the
        Build list, ``--dry-run``), given the standing of the steps before it: what
        ``detect`` says, for a step that runs only when its work is missing. A step that
        runs each time (verify, try) overrides this: its work stands when its last run
        passed and nothing before it changed since. Must not change anything."""
        return self.detect(ctx)

    def actions(self, ctx: Context) -> Sequence[Action]:
        """The step's work as actions, planned from what is on disk now; ``run`` performs
        these (those marked ``when`` only if what it finds asks for them)."""
        raise NotImplementedError

    def runs_each_time(self, ctx: Context) -> bool:
        """Whether a run performs the step even when its work stands (verify always; try
        when there are examples to call): ``--dry-run`` says "would run again"."""
        return self.always_runs

    def describe(self, ctx: Context) -> list[str]:
        """What ``run`` would do, for ``--dry-run``: the lines of its actions."""
        return lines_of(self.actions(ctx))

    def run(self, ctx: Context, out: StepOutput) -> None:
        """Do the step's work, or raise :class:`wizard.errors.StepFailed`: by default,
        perform its actions in order (a step whose work is only its actions needs no more)."""
        for action in self.actions(ctx):
            ctx.perform(action, out)

    def record(self, ctx: Context) -> dict[str, Any]:
        """Extra facts to keep in ``state:`` after a successful run (files written, artifact)."""
        return {}


def standings(
    steps: Iterable[Step], ctx: Context, earlier: Mapping[str, Status] | None = None
) -> dict[str, Status]:
    """Each step's :meth:`Step.standing`, in plan order, after the ``earlier`` ones: what the
    Setup tree, the Build list and ``--dry-run`` all show. A step whose detect cannot tell
    (a missing tool, an unreadable file) is "not done, because…"."""
    found: dict[str, Status] = dict(earlier or {})
    for step in steps:
        try:
            found[step.id] = step.standing(ctx, found)
        except Exception as error:  # noqa: BLE001 - a question, not the step's work
            found[step.id] = Status(False, str(error) or type(error).__name__)
    return found


def earlier_stand(earlier: Mapping[str, Status]) -> bool:
    """Whether every step before this one stands (a step that runs each time is stale
    once anything before it changed)."""
    return all(status.done for status in earlier.values())
