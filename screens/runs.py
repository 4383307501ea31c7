"""Running steps from the TUI: the workbench in a thread worker, its output drained every 50 ms.

The app owns one :class:`RunControl` (``app.runs``). It runs a slice of the plan with
:meth:`RunControl.start` (the workbench's ``run``, order guard included) or any function of
a sink with :meth:`RunControl.start_job` (the benches use it). The run's thread only ever
touches the :class:`RunFeed`; :meth:`RunControl.drain`, on the event loop, folds what
arrived into the :class:`RunModel` and publishes it to the screens. What it keeps of the
run under way is one :class:`RunHandle`.

Words: a *run* is the wizard working through a slice of the plan (``--replay``, ctrl+n, a
ctrl+b round); within it each step *runs*; the programs a step starts are *commands*.
``ctrl+x`` cancels through the run's CancelToken, off the event loop (stopping a process
tree waits for it), and the run only counts as over once that cancel has finished.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.signal import Signal

from screens.phases import KEYS, TITLES, screen_phase_of
from screens.run import RunFeed, RunFinished, RunModel, RunUpdate, TuiSink
from wizard.engine.plan import step_ids
from wizard.engine.step import Context
from wizard.engine.workbench import OutOfOrder
from wizard.errors import EXIT_BAD_INPUT, EXIT_FAILED, UsageError
from wizard.profile.trust import Grant

if TYPE_CHECKING:
    from textual.worker import Worker

    from screens.app import WizardApp
    from wizard.commands.watch import RoundSummary
    from wizard.engine.run import OrderProblem
    from wizard.engine.runner import CancelToken
    from wizard.profile.trust import Grant

CANCEL_WAIT_SECONDS = 15.0


@dataclass
class RunHandle:
    """The run the app drives (one at a time): its context and cancel token, the thread
    worker it runs in, the phase to go to when it succeeds, and the cancel under way.

    The app keeps it in one place; the run's outcome, for the screens, is the
    :class:`screens.run.RunModel`.
    """

    context: Context | None = None
    worker: Worker[None] | None = None
    then: str | None = None
    cancel_done: threading.Event | None = None

    @property
    def token(self) -> CancelToken | None:
        return self.context.token if self.context is not None else None


@dataclass
class LoopRounds:
    """ctrl+b's rounds of the Slang loop in this session: how many, and the summary the
    last round's thread left for the event loop to publish (``WizardApp.loop_report``)."""

    count: int = 0
    finished: RoundSummary | None = None


class RunControl:
    """The runs the app drives, one at a time (``app.runs``): the model the screens draw,
    the feed the run's thread writes to, the handle of the run under way, ctrl+b's rounds,
    and the cmake options trusted in this session.

    It starts a run in a thread worker, drains its feed on the event loop, stops it on
    ctrl+x, and tells the app when it has ended (:meth:`screens.app.WizardApp.run_ended`):
    the app, not this object, decides what the screens read again.
    """

    def __init__(self, app: WizardApp, clock: Callable[[], float]) -> None:
        self.app = app
        self.clock = clock
        self.model = RunModel(clock)
        self.feed = RunFeed()
        self.handle = RunHandle()
        self.loop = LoopRounds()
        self.trusted_keys: set[str] = set()  # options and caches said yes to in this session
        self.signal: Signal[RunUpdate] = Signal(app, "run")

    def reset(self) -> None:
        """Forget the last run's marks and output (another profile is about to open)."""
        self.model = RunModel(self.clock)
        self.feed = RunFeed()

    def _ready(self) -> bool:
        """Whether a run may start: a profile is open, nothing runs, the edit is saved."""
        app = self.app
        if app.session is None or app.workbench is None or self.model.running:
            return False
        problem = app.save_now()
        if problem:
            app.notify(f"fix the profile first: {problem}", severity="error", timeout=8)
            return False
        return True

    def start(
        self,
        ids: tuple[str, ...] | list[str],
        *,
        then: str | None = None,
        guard: bool = True,
    ) -> bool:
        """Run ``ids`` (plan order) in a thread; on success go to the phase ``then``.

        With ``guard`` the workbench's order guard runs first, in the thread, and a refusal
        is shown instead of a run.
        """
        if not self._ready() or not self.trusted(ids, then=then, guard=guard):
            return False
        from wizard.engine.runner import CancelToken

        workbench = self.app.workbench
        assert workbench is not None
        ctx = workbench.context(token=CancelToken(), trust=self.grant())
        wanted = tuple(ids)
        here = self.app.current_mode  # the phase on screen when the run was asked for

        def job(sink: TuiSink) -> RunFinished:
            try:
                return RunFinished(workbench.run(wanted, ctx, sink, guard=guard).exit_code)
            except OutOfOrder as refused:
                mode = ctx.profile.build.mode
                return RunFinished(EXIT_FAILED, _tui_words(refused.problem, mode, here))
            except UsageError as refused:  # the workbench's checks: trust, option paths
                return RunFinished(EXIT_BAD_INPUT, str(refused))

        return self.start_job(wanted, job, ctx, then=then)

    def start_loop(self) -> bool:
        """ctrl+b on Develop: the whole plan, in which the done steps are skipped, so a
        changed method costs the Slang loop only; ``app.loop_report`` gets the round's
        summary."""
        if not self._ready():
            return False
        ids = tuple(step_ids(self.app.mode))
        if not self.trusted(ids, then=None, guard=False):
            return False
        import time

        from wizard.commands.watch import summarize
        from wizard.engine.runner import CancelToken

        workbench = self.app.workbench
        assert workbench is not None
        ctx = workbench.context(token=CancelToken(), trust=self.grant())
        loop = self.loop
        loop.count += 1
        number = loop.count
        loop.finished = None

        def job(sink: TuiSink) -> RunFinished:
            started = time.monotonic()
            try:
                result = workbench.run(ids, ctx, sink, guard=False)
            except UsageError as refused:  # the workbench's checks: trust, option paths
                return RunFinished(EXIT_BAD_INPUT, str(refused))
            loop.finished = summarize(number, time.monotonic() - started, result, ctx)
            return RunFinished(result.exit_code)

        return self.start_job(ids, job, ctx)

    def grant(self) -> Grant:
        """What the user said yes to in this session, for a run's context."""
        return Grant(keys=frozenset(self.trusted_keys))

    def trusted(self, ids: tuple[str, ...] | list[str], *, then: str | None, guard: bool) -> bool:
        """Whether the run may start as far as trust goes; when something needs it, ask first.

        The workbench's assessment, as for ``--replay`` (:meth:`Workbench.trust_needed`):
        cmake options that are not plain data and a build folder's cache the wizard did not write are shown in
        a dialog, each with why; the run starts only when the user says yes, and the answer
        holds for these exact options and that cache in this session (a change asks again).
        """
        app = self.app
        assert app.session is not None
        assert app.workbench is not None
        left = app.workbench.trust_needed(self.grant())
        if not left.needs_trust:
            return True
        from screens.dialogs import Confirm

        def answered(yes: bool | None) -> None:
            if yes:
                self.trusted_keys.update(left.keys)
                self.start(ids, then=then, guard=guard)
            else:
                app.notify("not run: not trusted", timeout=5)

        from rich.markup import escape

        # escaped: a value's own [markup] must show as written, never hide or restyle text
        app.push_screen(
            Confirm(
                "This needs your trust: cmake would run a program, a script or flags you "
                "have not seen:\n"
                + "\n".join(f"• {escape(line)}" for line in left.lines())
                + "\nRun it? Say yes only if you wrote it or trust who did.",
                yes="Trust and run",
                no="Do not run",
            ),
            answered,
        )
        return False

    def start_job(
        self,
        ids: tuple[str, ...],
        job: Callable[[TuiSink], RunFinished],
        ctx: Context | None = None,
        *,
        then: str | None = None,
    ) -> bool:
        """Run ``job`` with a TUI sink in the run's thread worker (the benches feed it too)."""
        if self.model.running:
            return False
        self.handle = RunHandle(ctx, then=then)
        self.feed.reset()
        self.model.start(ids)
        self.signal.publish(RunUpdate())
        self.handle.worker = self.app.run_worker(
            functools.partial(self._work, job),
            thread=True,
            exclusive=True,
            group="run",
            exit_on_error=False,
        )
        self.app.refresh_bindings()
        return True

    def _work(self, job: Callable[[TuiSink], RunFinished]) -> None:
        """The engine, in a thread, talking to the feed; the event loop drains it."""
        session = self.app.session
        try:
            workspace = str(session.profile.workspace_dir) if session else None
            finished = job(TuiSink(self.feed, workspace))
        except Exception as error:  # a bug in the engine: say it, keep the app alive
            self.feed.put_text(f"internal error: {type(error).__name__}: {error}\n")
            finished = RunFinished(EXIT_FAILED, f"internal error: {error}")
        stopping = self.handle.cancel_done
        if stopping is not None:
            # The cancel also stops every child of the wizard: let it finish before the run
            # counts as over, or it could stop the next run's processes.
            stopping.wait(CANCEL_WAIT_SECONDS)
        self.feed.put_event(finished)

    def drain(self) -> None:
        """Every 50 ms: take what the engine's thread produced and hand it to the screens."""
        update = self.feed.take()
        if update is None:
            return
        self.model.apply(update)
        self.signal.publish(update)
        if any(isinstance(event, RunFinished) for event in update.events):
            self._ended()

    def _ended(self) -> None:
        run = self.handle
        if run.context is not None:
            run.context.close()
            run.context = None
        following, run.then = run.then, None
        report, self.loop.finished = self.loop.finished, None
        self.app.run_ended(report, following if self.model.exit_code == 0 else None)

    def stop(self) -> None:
        """ctrl+x: stop the running step's whole process tree; the step ends interrupted."""
        token = self.handle.token
        if not self.model.running or token is None:
            return
        self.model.cancelling = True
        self.signal.publish(RunUpdate())
        stopped = threading.Event()
        self.handle.cancel_done = stopped

        def cancel() -> None:
            try:
                token.cancel()  # blocks while the tree gets its grace period
            finally:
                stopped.set()

        self.app.run_worker(cancel, thread=True, group="cancel", exit_on_error=False)


def _tui_words(problem: OrderProblem, mode: str, here: str | None = None) -> str:
    """The order guard's sentence, with the TUI's way out instead of the command line's.

    ``here`` is the phase on screen: on the blocking step's own screen the way out is that
    step (enter on it, or ctrl+n), not a key to the screen the user is already on.
    """
    if problem.blocking in step_ids(mode):
        phase = screen_phase_of(problem.blocking, mode)
        if phase == here:
            return f"{problem.sentence()}; run {problem.blocking} first (enter on it, or ctrl+n)"
        return f"{problem.sentence()}; finish {TITLES[phase]} first ({KEYS[phase].upper()})"
    return problem.sentence()
