"""The TUI application: the profile in memory, the four phase screens, the engine in a thread.

The app drives one :class:`wizard.engine.workbench.Workbench` (the profile's lock, its writer,
its plan, its runs, what its steps detect) and owns the three things every screen draws:
the :class:`Session` (the profile being edited, kept on the workbench), the latest
:class:`Survey` of the disk, and the :class:`RunModel` of the current run. Screens listen
to its signals. Running is the app's :class:`screens.runs.RunControl` (``app.runs``).

Nothing typed is lost: edits save themselves a second after typing stops, and the profile
is saved again on ``ctrl+s``, before a run, on quit and when the app crashes.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import var
from textual.signal import Signal
from textual.timer import Timer

from screens.build import BuildScreen
from screens.develop import DevelopScreen
from screens.fit import BREAKPOINTS_TALL, BREAKPOINTS_WIDE
from screens.help import HelpScreen
from screens.phases import (
    PHASES,
    StepView,
    first_open_phase,
    phase_states,
    recorded_views,
    step_views,
)
from screens.picker import ProfilesScreen
from screens.plugins import PluginsScreen
from screens.runs import RunControl
from screens.session import Session
from screens.setup import SetupScreen
from wizard.commands.watch import RoundSummary
from wizard.engine.lock import ProfileLock
from wizard.engine.plan import step_ids
from wizard.engine.survey import CheckoutSurvey, Survey
from wizard.engine.workbench import Workbench
from wizard.errors import LockedError
from wizard.profile.model import Profile

DRAIN_SECONDS = 0.05
SAVE_DELAY = 1.0
WATCH_SECONDS = 1.0  # how often the profile file is compared with what was last read or written
LEAVE_SECONDS = 5.0  # after a stop signal, the most the terminal's restoring may take


class WizardApp(App[int]):
    """pharo-plugin-wizard's TUI on one profile (or the list of profiles, to choose one)."""

    CSS_PATH = "wizard.tcss"
    # Size classes every screen gets: the layout in wizard.tcss follows them (80×24 and up).
    HORIZONTAL_BREAKPOINTS = BREAKPOINTS_WIDE
    VERTICAL_BREAKPOINTS = BREAKPOINTS_TALL
    TITLE = "pharo-plugin-wizard"
    MODES = {
        "setup": SetupScreen,
        "develop": DevelopScreen,
        "plugins": PluginsScreen,
        "build": BuildScreen,
    }
    #: The last ctrl+b round's summary, published when its run ends (the Develop screen
    #: watches it); a new round always publishes, even an equal summary.
    loop_report: var[RoundSummary | None] = var(None, always_update=True)

    BINDINGS = [
        Binding("f1", "help", "Help", priority=True),
        Binding("f2", "phase('setup')", "Setup", priority=True, show=False),
        Binding("f3", "phase('develop')", "Develop", priority=True, show=False),
        Binding("f4", "phase('plugins')", "Plugins", priority=True, show=False),
        Binding("f5", "phase('build')", "Build", priority=True, show=False),
        Binding("ctrl+o", "profiles", "Profiles", priority=True),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+x", "stop_run", "Stop run", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        profile: Profile | None = None,
        *,
        profiles_dir: Path = Path("profiles"),
        clock: Callable[[], float] = time.monotonic,
        monitor: bool = True,
        save_delay: float = SAVE_DELAY,
        lock: bool = True,
        signals: bool = False,
        workbench: Workbench | None = None,
    ) -> None:
        super().__init__()
        self.handle_signals = signals
        self.initial_profile = profile
        self.profiles_dir = profiles_dir
        self.clock = clock
        self.monitor = monitor
        self.save_delay = save_delay
        self.use_lock = lock
        self.workbench = workbench  # the profile's, once one is open (run_app's holds its lock)
        self.session: Session | None = None
        self.survey: Survey | None = None
        self.checkout_survey: CheckoutSurvey | None = None
        self.runs = RunControl(self, clock)
        self.survey_signal: Signal[Survey] = Signal(self, "survey")
        self.checkout_signal: Signal[CheckoutSurvey] = Signal(self, "checkout")
        self.session_signal: Signal[Session] = Signal(self, "session")
        self._save_timer: Timer | None = None
        self._survey_generation = 0
        self._clear_marks_at = -1
        self._place_when_surveyed = False
        self._asking_about_disk = False

    # -- opening a profile

    @property
    def lock(self) -> ProfileLock | None:
        """The profile's lock while the workbench holds it."""
        return self.workbench.lock if self.workbench is not None else None

    @property
    def mode(self) -> str:
        return self.session.profile.build.mode if self.session else "two-pass"

    def on_mount(self) -> None:
        if self.handle_signals:
            self._install_stop_signals()
        self.set_interval(DRAIN_SECONDS, self.runs.drain)
        self.set_interval(WATCH_SECONDS, self.watch_profile_file)
        if self.initial_profile is not None:
            self.open_profile(self.initial_profile)
        else:
            self.push_screen(ProfilesScreen(self.profiles_dir))

    def open_profile(self, profile: Profile) -> bool:
        """Work on ``profile``: take its lock, go to where the work stands, read the disk."""
        workbench = self.workbench
        if workbench is None or workbench.profile.path != profile.path:
            if workbench is not None:
                workbench.release()
            workbench = Workbench(profile, locking=self.use_lock)
        workbench.profile = profile
        if self.use_lock:
            try:
                workbench.hold()
            except LockedError as error:
                self.notify(str(error), severity="error", timeout=10)
                return False
        self.workbench = workbench
        self.session = Session(workbench)
        if self.session.rescue_path.exists():
            self.notify(
                f"{self.session.rescue_path.name} holds an edit from an earlier session that did "
                "not validate; the profile has the last good version. Copy what you need, then "
                "delete that file.",
                severity="warning",
                timeout=15,
            )
        states = phase_states(recorded_views(self.session.records, self.mode), self.mode)
        self.switch_mode(first_open_phase(states))
        self._place_when_surveyed = True  # the state is a guess; detect has the last word
        self.refresh_survey()
        self.refresh_checkout()
        return True

    # -- what the screens draw

    def views(self) -> dict[str, StepView]:
        """Every step of the plan as the screens show it: run marks, detect, ``state:``."""
        assert self.session is not None
        records = self.session.records
        return step_views(step_ids(self.mode), self.survey, records, self.runs.model.marks)

    def phase_states(self, views: Mapping[str, StepView]) -> dict[str, str]:
        return phase_states(views, self.mode)

    # -- reading the disk, off the event loop

    def refresh_survey(self) -> None:
        """Detect every step again (in a thread); screens redraw when it arrives."""
        if self.session is None:
            return
        self._survey_generation += 1
        self._survey(self.session.workbench.at(self.session.profile), self._survey_generation)

    @work(thread=True, group="survey", exit_on_error=False)
    def _survey(self, workbench: Workbench, generation: int) -> None:
        survey = workbench.survey()
        self.call_from_thread(self._survey_arrived, survey, generation)

    def _survey_arrived(self, survey: Survey, generation: int) -> None:
        if generation < self._survey_generation:
            return  # a newer survey is on its way
        self.survey = survey
        if generation >= self._clear_marks_at > 0 and not self.runs.model.running:
            marks = self.runs.model.marks
            marks.outcomes = {
                step: outcome
                for step, outcome in marks.outcomes.items()
                if outcome.kind in ("failed", "interrupted")
            }
            self._clear_marks_at = -1
        if self._place_when_surveyed:
            self._place_when_surveyed = False
            phase = first_open_phase(self.phase_states(self.views()))
            if phase != self.current_mode and not self.runs.model.running:
                self.switch_mode(phase)
        self.survey_signal.publish(survey)

    @property
    def surveyed_since_run(self) -> bool:
        """True once the disk was read again after the last run ended."""
        return self._clear_marks_at == -1

    # -- after a run

    def run_ended(self, report: RoundSummary | None, then: str | None) -> None:
        """A run has ended: read the disk again (its marks clear once that survey is in),
        publish ctrl+b's round summary, go to the phase ``then`` (a successful run's)."""
        if report is not None:
            self.loop_report = report  # the Develop screen watches it
        self.refresh_bindings()
        self.refresh_survey()
        self._clear_marks_at = self._survey_generation
        self.refresh_checkout()
        if then:
            self.action_phase(then)

    def action_stop_run(self) -> None:
        """ctrl+x: stop the running step's whole process tree; the step ends interrupted."""
        self.runs.stop()

    def refresh_checkout(self) -> None:
        if self.session is not None:
            self._checkout(self.session.workbench.at(self.session.profile))

    @work(thread=True, group="checkout", exit_on_error=False)
    def _checkout(self, workbench: Workbench) -> None:
        checkout = workbench.checkout_survey()
        self.call_from_thread(self._checkout_arrived, checkout)

    def _checkout_arrived(self, checkout: CheckoutSurvey) -> None:
        self.checkout_survey = checkout
        self.checkout_signal.publish(checkout)

    # -- editing and saving

    def profile_edited(self) -> None:
        """A screen changed the profile: tell the others, save a moment after typing stops."""
        if self.session is None:  # the profile was closed meanwhile: nothing to save
            return
        self.session_signal.publish(self.session)
        if self._save_timer is None:
            self._save_timer = self.set_timer(self.save_delay, self._autosave)
        else:
            self._save_timer.reset()

    def _autosave(self) -> None:
        self._save_timer = None
        self.save_now()
        self.refresh_survey()

    def save_now(self) -> str | None:
        """Save the profile if it changed; answer the problem when it cannot be saved."""
        if self.session is None:
            return None
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        problem = self.session.save()
        self.session_signal.publish(self.session)
        if self.session.outside_edit:
            self.ask_about_outside_edit()
        return problem

    # -- another program changed the profile

    def watch_profile_file(self) -> None:
        """Reload a profile changed on disk, or ask when there is an unsaved edit too."""
        session = self.session
        if session is None or self._asking_about_disk or not session.changed_on_disk():
            return
        if session.dirty:
            session.outside_edit = True
            self.ask_about_outside_edit()
            return
        self.reload_profile()

    def reload_profile(self) -> None:
        """Take the profile from disk (an unsaved edit is kept in the rescue file)."""
        assert self.session is not None
        name = self.session.profile.path.name
        problem = self.session.reload()
        if problem:
            self.notify(f"{name}: {problem}; your version is kept", severity="error", timeout=8)
        else:
            self.notify(f"reloaded {name}: it changed on disk", timeout=4)
        self.session_signal.publish(self.session)
        self.refresh_survey()

    def ask_about_outside_edit(self) -> None:
        """The file changed on disk and there is an unsaved edit: which one wins."""
        if self._asking_about_disk or self.session is None:
            return
        from screens.dialogs import Confirm

        session = self.session
        self._asking_about_disk = True

        def answered(keep_mine: bool | None) -> None:
            self._asking_about_disk = False
            if keep_mine:
                problem = session.save(overwrite=True)
                if problem:
                    self.notify(f"not saved: {problem}", severity="error", timeout=8)
                self.session_signal.publish(session)
            else:
                self.reload_profile()

        self.push_screen(
            Confirm(
                f"{session.profile.path.name} was changed on disk by another program while "
                f"you were editing it. Load it from disk (your unsaved edit is kept in "
                f"{session.rescue_path.name}), or keep yours and write it over those values?",
                yes="Keep mine",
                no="Load from disk",
            ),
            answered,
        )

    def action_save(self) -> None:
        if self.session is None:
            return
        problem = self.save_now()
        if problem:
            self.notify(f"not saved: {problem}", severity="error", timeout=8)
        else:
            self.notify(f"saved {self.session.profile.path.name}", timeout=2)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "profiles":
            return self.session is not None
        if action == "save" and self.session is None:
            return False
        if action == "stop_run":
            return self.runs.model.running and not self.runs.model.cancelling
        return True

    # -- moving around

    def action_phase(self, phase: str) -> None:
        if phase not in PHASES:
            return
        if self.session is None:  # on the list of profiles: say why nothing opens
            message = (
                f"{phase.capitalize()} is a phase of one plugin: choose a plugin in the list "
                "(enter), or start a new one (n)"
            )
            if isinstance(self.screen, ProfilesScreen):
                self.screen.say(message)
            else:
                self.notify(message, timeout=6)
            return
        self._place_when_surveyed = False  # the user chose where to be
        while len(self.screen_stack) > 1 and self.screen.is_modal:
            self.pop_screen()
        self.switch_mode(phase)

    async def action_profiles(self) -> None:
        """ctrl+o: back to the list of profiles (saving first), to open or start another one."""
        if self.session is None:
            return
        if self.runs.model.running:
            self.notify("a run is going on: stop it first (ctrl+x)", severity="warning", timeout=6)
            return
        problem = self.save_now()
        if problem:
            self.notify(f"not saved: {problem}", severity="error", timeout=8)
            return
        if self.workbench is not None:
            self.workbench.release()
            self.workbench = None
        self.session = None
        self.survey = None
        self.checkout_survey = None
        self.runs.reset()
        if "profiles" not in self._screen_stacks:
            self.add_mode("profiles", lambda: ProfilesScreen(self.profiles_dir))
        await self.switch_mode("profiles")
        if isinstance(self.screen, ProfilesScreen):
            self.screen.reload()  # how far each plugin got, read again
        for phase in PHASES:  # the next plugin gets fresh screens
            await self.remove_mode(phase)
            self.add_mode(phase, self.MODES[phase])

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- leaving

    async def action_quit(self) -> None:
        if not self.runs.model.running:
            self.finish()
            self.exit(return_code=0)
            return
        from screens.dialogs import Confirm

        def answered(stop: bool | None) -> None:
            if stop:
                self._stop_and_quit()

        step = self.runs.model.current or "a step"
        self.push_screen(
            Confirm(
                f"{step} is running. Stop it (its whole process tree) and quit?\n"
                "The step is recorded as interrupted; the next start resumes there.",
                yes="Stop and quit",
                no="Keep running",
            ),
            answered,
        )

    @work(group="quit", exit_on_error=False)
    async def _stop_and_quit(self) -> None:
        """ctrl+q, "Stop and quit": the step ends interrupted (its record says so), then the
        app leaves with 0: quitting is what the user asked for, not a failure. Only a stop
        signal (SIGINT, SIGTERM, SIGHUP) leaves with 130."""
        self.runs.stop()
        worker = self.runs.handle.worker
        if worker is not None:
            with contextlib.suppress(Exception):
                await worker.wait()
        self.runs.drain()
        self.finish()
        self.exit(return_code=0)

    def _install_stop_signals(self) -> None:
        """SIGINT, SIGTERM and SIGHUP arrive on the event loop, as calls of :meth:`_stop_signal`.

        Python's default handlers would raise in the middle of Textual's loop (SIGINT) or end
        the process on the spot (SIGTERM, SIGHUP): a build left running, the terminal left in
        the alternate screen, the last second of typing lost.
        """
        import asyncio

        from wizard.engine.signals import STOP_SIGNALS

        loop = asyncio.get_running_loop()
        for number in STOP_SIGNALS:
            loop.add_signal_handler(number, self._stop_signal, number)

    def _stop_signal(self, number: int) -> None:
        """The first stop signal stops the run and leaves with 130; later ones change nothing."""
        from wizard.engine import signals

        if signals.note(number):
            self.call_later(self._stop_and_leave)

    @work(group="signal", exit_on_error=False)
    async def _stop_and_leave(self) -> None:
        """Stop the running build's tree (it ends ``interrupted``), keep the typing, exit 130."""
        self.keep_typed_text()
        if self.runs.model.running:
            if not self.runs.model.cancelling:
                self.runs.stop()
            worker = self.runs.handle.worker
            if worker is not None:
                with contextlib.suppress(Exception):
                    await worker.wait()
            self.runs.drain()
        self.keep_typed_text()  # the run's state: is saved by the engine; the edits here
        self.finish()
        if not self.is_headless and _terminal_gone():
            # A hang-up took the terminal: nothing to restore on it, nor to wait for.
            from wizard.engine.runner import stop_children

            with contextlib.suppress(Exception):
                stop_children()
            os._exit(130)
        _leave_anyway_after(LEAVE_SECONDS)
        self.exit(return_code=130)

    def keep_typed_text(self) -> None:
        """Save what is typed now (not a second later); if the profile cannot be written, the
        edit goes to the rescue file beside it, which the next start offers."""
        if self.session is None:
            return
        try:
            self.save_now()
        except OSError:
            self.session._rescue()

    def finish(self) -> None:
        """Save what is typed, stop what runs, let go of the lock. Safe to call twice."""
        if self.session is not None:
            with contextlib.suppress(Exception):
                self.save_now()
        token = self.runs.handle.token
        if self.runs.model.running and token is not None:
            with contextlib.suppress(Exception):
                token.cancel()
        if self.workbench is not None:
            self.workbench.release()

    def _handle_exception(self, error: Exception) -> None:
        """A bug in the TUI: save what was typed before Textual shows the traceback."""
        if self.session is not None:
            with contextlib.suppress(Exception):
                self.session.save()
        super()._handle_exception(error)


def _terminal_gone() -> bool:
    """True when this process has no terminal left (it hung up: the window closed, the tmux
    server or the ssh connection ended), so there is nothing to restore on it."""
    try:
        descriptor = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return True
    os.close(descriptor)
    return False


def _leave_anyway_after(seconds: float) -> None:
    """End the process with 130 if restoring the terminal hangs.

    After a hang-up the terminal is gone, and Textual can block for ever writing its
    farewell to it. By then the build is stopped, its step recorded, the typing saved and
    the lock released: nothing is left to lose by leaving.
    """
    timer = threading.Timer(seconds, os._exit, (130,))
    timer.daemon = True
    timer.start()


def make_app(profile: Profile | None = None, **options: Any) -> WizardApp:
    """The app factory the CLI and the tests call."""
    return WizardApp(profile, **options)


def run_app(profile: Path | None) -> int:
    """Start the TUI (on ``profile``, or on the list of ./profiles); answer the exit status.

    A profile that does not load raises :class:`ProfileError` before anything is drawn (the
    CLI prints its one line and exits 2); a profile another wizard holds raises LockedError.
    """
    import sys

    workbench = Workbench.load(profile) if profile is not None else None
    if workbench is not None:
        workbench.hold()
    loaded = workbench.profile if workbench is not None else None
    app = make_app(loaded, signals=True, workbench=workbench)
    try:
        app.run()
    finally:
        from wizard.engine import signals

        signals.install_headless()  # the loop's handlers left with it: a late signal waits

        app.finish()
        from wizard.engine.runner import stop_children

        with contextlib.suppress(Exception):
            stop_children()
    session = app.session
    if session is not None and session.problem:
        print(
            f"pharo-plugin-wizard: the last edit did not validate ({session.problem}); "
            f"{session.profile.path.name} keeps the last good version and your edit is in "
            f"{session.rescue_path}",
            file=sys.stderr,
        )
    return app.return_code or 0
