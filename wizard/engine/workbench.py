"""The Workbench: the wizard's work on one profile, the one object both faces drive.

``--replay`` (and each ``--watch`` round) and the TUI used to each build the plan, check
the order, take the lock and run; the lock was taken in three places and the TUI read the
disk with its own copy of the detects. Now both ask a :class:`Workbench`, as copier's
``Worker`` drives its phases: it holds the loaded profile, takes its lock (here and
nowhere else), knows the file's one writer, builds the plan for the profile's mode, checks
the order before a slice starts, runs the slice with whatever sink the face gives it, and
answers what every step detects (the :class:`wizard.engine.survey.Survey`).

It is also the one door of every check before a run: the cmake options and build folder
that need the user's trust (:mod:`wizard.profile.trust`), option paths that do not exist,
plugins sharing a workspace, ``--set`` values that differ from the file
(:meth:`Workbench.preflight`, refused by :meth:`Workbench.check`, which :meth:`run` calls),
and what ``--dry-run`` shows, as data (:meth:`Workbench.preview`).

``--replay`` gives it a console sink; the TUI gives it its widget sink, from a thread.
Neither face runs a step, takes a lock, decides on trust or reads a checkout itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.engine.plan import build_plan, slice_plan, step_ids
from wizard.engine.state import StateStore, StepRecord
from wizard.engine.step import Context, Status, standings
from wizard.errors import StepFailed, UsageError
from wizard.profile.trust import assess, assess_with, gate, switch_defaults

if TYPE_CHECKING:
    from wizard.engine.lock import FolderLock, ProfileLock
    from wizard.engine.run import OrderProblem, RunResult
    from wizard.engine.sink import Sink
    from wizard.engine.step import Step
    from wizard.engine.survey import CheckoutSurvey, Survey
    from wizard.profile.model import Profile
    from wizard.profile.option_paths import OptionPath
    from wizard.profile.trust import Assessment, Grant
    from wizard.profile.writer import ProfileWriter


class OutOfOrder(UsageError):
    """A slice was asked to start after a step that is not done (the order guard refused)."""

    def __init__(self, problem: OrderProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Preflight:
    """What a run would meet, asked before it starts; every face shows it its own way."""

    assessment: Assessment  # what needs --trust (or the TUI's yes), each with why
    missing_paths: tuple[OptionPath, ...]  # path-valued cmake options that are not usable
    warnings: tuple[str, ...]  # other plugins using this checkout or build folder
    notes: tuple[str, ...]  # each --set whose value differs from the profile's


@dataclass(frozen=True)
class PreviewEntry:
    """One step of a ``--dry-run``: what a run would do with it, and the exact work.

    ``verdict`` is ``run``, ``again`` (stands, but runs each time), ``skip`` (already
    done), ``skip-pending`` (a run would find nothing to do yet) or ``fail``.
    """

    step: Step
    verdict: str
    reason: str
    lines: tuple[str, ...] = ()


@dataclass
class Workbench:
    """One profile being worked on: its lock, its writer, its plan, its run, its survey.

    ``profile`` is the current value (profiles are immutable: an edit replaces it). The
    lock is not taken on creation: the list of profiles surveys many without locking any.
    Without ``locking`` (a TUI started with ``lock=False``) no lock is ever taken.
    """

    profile: Profile
    locking: bool = True
    overrides: tuple[str, ...] = ()  # the run's --set values, as typed
    where: str = ""  # the profile's path as the user named it, for messages
    state: StateStore = field(default=None, repr=False)  # type: ignore[assignment]
    _lock: ProfileLock | None = field(default=None, init=False, repr=False)
    _folder_locks: list[FolderLock] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.state is None:  # ``state:`` as loaded: from now on the store is the one copy
            self.state = StateStore(self.profile.state)

    @classmethod
    def load(cls, path: Path, overrides: list[str] | None = None) -> Workbench:
        """The workbench of the profile file at ``path`` (``ProfileError`` if it does not load)."""
        from wizard.profile.load import load_profile

        return cls(load_profile(path, overrides), overrides=tuple(overrides or ()), where=str(path))

    def at(self, profile: Profile) -> Workbench:
        """A workbench on ``profile`` (an edited value of this one's) that shares this one's
        ``state:`` store and never locks: for a survey taken in a thread of its own."""
        return Workbench(profile, locking=False, where=self.where, state=self.state)

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
        return self.state.records()

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
        return Context(self.profile, state=self.state, **options)

    def order_problem(self, plan: Sequence[Step], first: Step, ctx: Context) -> OrderProblem | None:
        """The earliest step before ``first`` that is not done (the order guard), or None."""
        from wizard.engine.run import check_order

        return check_order(list(plan), first, ctx)

    # -- the checks before a run: trust, option paths, sharing, --set

    def preflight(self) -> Preflight:
        """What a run of this profile would meet, read from the disk now; changes nothing."""
        from wizard.profile.load import override_notes
        from wizard.profile.option_paths import missing_option_paths
        from wizard.profile.shared_workspace import sharing_warnings

        defaults = switch_defaults(self.profile.checkout_dir)  # the cmake files, read once
        switches = None if defaults is None else frozenset(defaults)
        return Preflight(
            assessment=assess_with(self.profile, switches),
            missing_paths=tuple(missing_option_paths(self.profile)),
            warnings=tuple(sharing_warnings(self.profile)),
            notes=tuple(override_notes(self.profile.path, list(self.overrides), defaults or {})),
        )

    def trust_needed(self, grant: Grant) -> Assessment:
        """What a run needs trust for that ``grant`` does not give (the TUI asks for it)."""
        return assess(self.profile).ungranted(grant)

    def check(self, grant: Grant, preflight: Preflight | None = None) -> None:
        """Refuse a run that needs trust ``grant`` does not give (:class:`NeedsTrust`), or
        whose path-valued options are not usable (:class:`UsageError`): the one trust gate
        of every face, before any step starts. With ``preflight`` (taken just before, as
        ``--replay`` does) the disk is not read again."""
        from wizard.profile.option_paths import missing_option_paths

        where = self.where or str(self.profile.path)
        gate(self.profile, grant, where, preflight.assessment if preflight else None)
        missing = preflight.missing_paths if preflight else missing_option_paths(self.profile)
        if missing:
            raise UsageError(f"{where}: " + "; ".join(entry.line() for entry in missing))

    def preview(self, ids: Collection[str], ctx: Context) -> list[PreviewEntry]:
        """``--dry-run`` as data: each chosen step's standing (as the TUI shows it) and the
        exact lines of the work it would do; nothing changes. The steps before the slice
        are asked too: a step that runs each time stands only when every earlier one does."""
        chosen = set(ids)
        entries: list[PreviewEntry] = []
        earlier: dict[str, Status] = {}
        for step in self.plan():
            if step.id not in chosen:
                earlier = standings([step], ctx, earlier)
                continue
            try:
                status = earlier[step.id] = step.standing(ctx, earlier)
                again = status.done and step.runs_each_time(ctx)
            except StepFailed as failure:
                earlier[step.id] = Status(False, failure.message)
                entries.append(PreviewEntry(step, "fail", failure.message))
                continue
            if status.done and not again:
                entries.append(PreviewEntry(step, "skip", status.reason))
                continue
            if not status.done and not step.always_runs and _run_skips(step, ctx):
                entries.append(PreviewEntry(step, "skip-pending", status.reason))
                continue
            try:
                lines = tuple(step.describe(ctx))  # the lines of the very actions its run performs
            except StepFailed as failure:
                entries.append(PreviewEntry(step, "fail", failure.message))
                continue
            entries.append(PreviewEntry(step, "again" if again else "run", status.reason, lines))
        return entries

    # -- running a slice

    def run(
        self,
        ids: Sequence[str],
        ctx: Context,
        sink: Sink,
        *,
        guard: bool = True,
        preflight: Preflight | None = None,
    ) -> RunResult:
        """Run the steps ``ids`` (in plan order) under the lock, with ``sink`` for output.

        Trust and option paths are checked first (:meth:`check`, with ``preflight`` when the
        face took one just before). With ``guard``, a slice that starts after a step that is
        not done is refused with :class:`OutOfOrder` before anything runs.
        """
        from wizard.engine.run import run_steps

        wanted = set(ids)
        plan = build_plan(ctx.profile.build.mode)
        steps = [step for step in plan if step.id in wanted]
        if not ctx.dry_run:
            self.check(ctx.trust, preflight)
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

        return take_survey(self.profile, self.state.data)

    def checkout_survey(self) -> CheckoutSurvey:
        """What the Develop and Plugins screens need from the clone (InterpreterProxy, lists)."""
        from wizard.engine.survey import take_checkout_survey

        return take_checkout_survey(self.profile)


def _run_skips(step: Step, ctx: Context) -> bool:
    """Whether a run would skip a step that does not stand yet (try without examples,
    before verify: a run finds nothing to call)."""
    try:
        return step.detect(ctx).done
    except StepFailed:
        return False
