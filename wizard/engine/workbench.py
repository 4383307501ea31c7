"""The Workbench: the wizard's work on one profile, the one object both faces drive.

``--replay`` (and each ``--watch`` round) and the TUI used to each build the plan, check
the order, take the lock and run; the lock was taken in three places and the TUI read the
disk with its own copy of the detects. Now both ask a :class:`Workbench`, as copier's
``Worker`` drives its phases: it holds the loaded profile, takes its lock (here and
nowhere else), knows the file's one writer, builds the plan for the profile's mode, checks
the order before a slice starts, runs the slice with whatever sink the face gives it, and
answers what every step detects (the :class:`wizard.engine.survey.Survey`).

``--replay`` gives it a console sink; the TUI gives it its widget sink, from a thread.
Neither face runs a step, takes a lock or reads a checkout itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.engine.plan import build_plan, slice_plan, step_ids
from wizard.engine.state import StepRecord, step_records
from wizard.engine.step import Context
from wizard.errors import UsageError

if TYPE_CHECKING:
    from wizard.engine.lock import FolderLock, ProfileLock
    from wizard.engine.run import OrderProblem, RunResult
    from wizard.engine.sink import Sink
    from wizard.engine.step import Step
    from wizard.engine.survey import CheckoutSurvey, Survey
    from wizard.profile.model import Profile
    from wizard.profile.writer import ProfileWriter


class OutOfOrder(UsageError):
    """A slice was asked to start after a step that is not done (the order guard refused)."""

    def __init__(self, problem: OrderProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Workbench:
    """One profile being worked on: its lock, its writer, its plan, its run, its survey.

    ``profile`` is the current value (profiles are immutable: an edit replaces it). The
    lock is not taken on creation: the list of profiles surveys many without locking any.
    Without ``locking`` (a TUI started with ``lock=False``) no lock is ever taken.
    """

    profile: Profile
    locking: bool = True
    _lock: ProfileLock | None = field(default=None, init=False, repr=False)
    _folder_locks: list[FolderLock] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def load(cls, path: Path, overrides: list[str] | None = None) -> Workbench:
        """The workbench of the profile file at ``path`` (``ProfileError`` if it does not load)."""
        from wizard.profile.load import load_profile

        return cls(load_profile(path, overrides))

    # -- the file: its lock and its one writer

    @property
    def writer(self) -> ProfileWriter:
        """The one writer of the profile file (shared by every name of the real file)."""
        from wizard.profile.writer import writer_for

        return writer_for(self.profile.path)

    @property
    def rescue_path(self) -> Path:
        """Where an edit that cannot be written is kept: ``<profile>.unsaved`` beside it."""
        return self.profile.path.with_name(self.profile.path.name + ".unsaved")

    def keep_unsaved(self) -> None:
        """Write the profile as it is now into the rescue file (never into the profile):
        an edit that does not validate, or that waits for the user's word on an outside
        change, survives the app ending meanwhile."""
        from wizard.profile.save import to_data, write_atomically
        from wizard.profile.yaml_edit import block_yaml

        with contextlib.suppress(OSError):
            write_atomically(self.rescue_path, block_yaml(to_data(self.profile)))

    @property
    def lock(self) -> ProfileLock | None:
        """The profile's lock while this workbench holds it, else None."""
        return self._lock

    def hold(self) -> None:
        """Take the profile's lock, then those of its checkout and build folder
        (``LockedError`` names the wizard that has one, and its profile); the only place a
        lock is taken. Holding them already changes nothing."""
        if self._lock is not None or not self.locking:
            return
        from wizard.engine.lock import FolderLock, ProfileLock

        lock = ProfileLock(self.profile.path)
        lock.acquire()
        self._lock = lock
        try:
            workspace = self.profile.workspace_dir
            for folder, what in (
                (self.profile.checkout_dir, "checkout"),
                (self.profile.build_dir, "build folder"),
            ):
                if workspace not in folder.resolve().parents:
                    continue  # a link out of the workspace: the steps refuse it, named
                folder_lock = FolderLock(folder, self.profile.path, what)
                folder_lock.path.parent.mkdir(parents=True, exist_ok=True)
                folder_lock.acquire()
                self._folder_locks.append(folder_lock)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        """Let go of the locks; safe when not held."""
        held = [*reversed(self._folder_locks), self._lock]
        self._lock, self._folder_locks = None, []
        for lock in held:
            if lock is not None:
                with contextlib.suppress(Exception):
                    lock.release()

    @contextlib.contextmanager
    def held(self) -> Iterator[Workbench]:
        """The lock for the block; when it is already held (the TUI), it stays held after."""
        if self._lock is not None or not self.locking:
            yield self
            return
        self.hold()
        try:
            yield self
        finally:
            self.release()

    # -- the plan

    @property
    def mode(self) -> str:
        return self.profile.build.mode

    @property
    def records(self) -> dict[str, StepRecord]:
        """What ``state:`` says of each step, as typed records (read afresh: a run adds to it)."""
        return step_records(self.profile.state)

    def step_ids(self) -> tuple[str, ...]:
        """The ids of the plan for the profile's build mode, in order."""
        return step_ids(self.mode)

    def slice(self, start: str | None = None, stop: str | None = None) -> tuple[str, ...]:
        """The ids from ``start`` to ``stop`` (inclusive); UsageError names a wrong id."""
        try:
            return slice_plan(self.step_ids(), start, stop)
        except ValueError as error:
            raise UsageError(str(error)) from None

    def plan(self) -> list[Step]:
        """The steps of the profile's build mode, in order."""
        return build_plan(self.mode)

    def context(self, **options: Any) -> Context:
        """A run's context on the current profile (``force``, ``dry_run``, ``token``…)."""
        return Context(self.profile, **options)

    def order_problem(self, plan: Sequence[Step], first: Step, ctx: Context) -> OrderProblem | None:
        """The earliest step before ``first`` that is not done (the order guard), or None."""
        from wizard.engine.run import check_order

        return check_order(list(plan), first, ctx)

    # -- running a slice

    def run(self, ids: Sequence[str], ctx: Context, sink: Sink, *, guard: bool = True) -> RunResult:
        """Run the steps ``ids`` (in plan order) under the lock, with ``sink`` for output.

        With ``guard``, a slice that starts after a step that is not done is refused with
        :class:`OutOfOrder` before anything runs.
        """
        from wizard.engine.run import run_steps

        wanted = set(ids)
        plan = build_plan(ctx.profile.build.mode)
        steps = [step for step in plan if step.id in wanted]
        with self.held():
            if guard and steps:
                problem = self.order_problem(plan, steps[0], ctx)
                if problem:
                    raise OutOfOrder(problem)
            return run_steps(steps, ctx, sink)

    # -- what the disk says

    def survey(self) -> Survey:
        """What every step of the plan detects, and the workspace's facts; changes nothing."""
        from wizard.engine.survey import take_survey

        return take_survey(self.profile)

    def checkout_survey(self) -> CheckoutSurvey:
        """What the Develop and Plugins screens need from the clone (InterpreterProxy, lists)."""
        from wizard.engine.survey import take_checkout_survey

        return take_checkout_survey(self.profile)
