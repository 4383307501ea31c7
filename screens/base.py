"""What every phase screen shares: the header, the guide line, the footer, ``ctrl+n``.

A phase screen draws three things from the app: the profile (``app.session``), the latest
survey of the disk (``app.survey``) and the run (``app.runs.model``). It listens to the app's
signals and redraws when it is the screen on show; when it comes back into view it redraws
from the latest values, so a screen never shows something older than the disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen

from screens.fit import FitsTheTerminal
from screens.memory import settle_long_lived
from screens.phases import NEXT, TITLES, phase_steps
from screens.widgets.footer import KeyFooter
from screens.widgets.guide import Guide
from screens.widgets.phase_bar import PhaseBar

if TYPE_CHECKING:
    from screens.app import WizardApp
    from screens.phases import StepView
    from screens.run import RunUpdate


class PhaseScreen(FitsTheTerminal, Screen[None]):
    """A phase of the wizard: subclasses set PHASE and compose their body."""

    PHASE: ClassVar[str] = ""
    BINDINGS = [Binding("ctrl+n", "advance", "Run this phase", priority=True)]

    @property
    def wizard(self) -> WizardApp:
        return cast("WizardApp", self.app)

    def compose(self) -> ComposeResult:
        yield PhaseBar(self.PHASE, id="phase-bar")
        with Container(id="body"):
            yield from self.compose_body()
        yield Guide(id="guide")
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        app = self.wizard
        app.survey_signal.subscribe(self, self._survey_changed)
        app.runs.signal.subscribe(self, self._run_changed, immediate=True)
        app.session_signal.subscribe(self, self._session_changed)
        app.checkout_signal.subscribe(self, self._checkout_changed)
        self.mounted()
        self.redraw()
        self.call_after_refresh(settle_long_lived)  # a phase screen lives as long as the app

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.resumed()
            self.redraw()

    def mounted(self) -> None:
        """Once, before the first redraw; subclasses fill their forms here.

        (Textual calls every ``on_mount`` of the class hierarchy itself, so subclasses use
        this hook instead of overriding ``on_mount``.)
        """

    def resumed(self) -> None:
        """Each time the screen comes back into view, before the redraw."""

    # -- signals

    def _survey_changed(self, _: object) -> None:
        if self.is_current:
            self.redraw()

    def _checkout_changed(self, _: object) -> None:
        if self.is_current:
            self.checkout_changed()

    def _session_changed(self, _: object) -> None:
        if self.is_current:
            self.draw_frame()

    def _run_changed(self, update: RunUpdate) -> None:
        self.run_changed(update)
        if self.is_current:
            self.draw_frame()
            if update.events:
                self.draw_body()

    # -- drawing

    def redraw(self) -> None:
        """Everything, from the app's latest values."""
        self.draw_frame()
        self.draw_body()

    def draw_frame(self) -> None:
        """The header, the guide line and the save status."""
        app = self.wizard
        if app.session is None:
            return
        views = app.views()
        self.query_one(PhaseBar).show(app.session.profile.plugin.name, app.phase_states(views))
        guide = self.query_one(Guide)
        guide.show_next(self.after_run_text() or self.next_text(views))
        guide.show_saved(f"[dim]profile:[/dim] {app.session.status()}")
        guide.show_run(app.runs.model, on_build=self.PHASE == "build")

    def after_run_text(self) -> str | None:
        """After a run that failed or was stopped: what to do now, with this TUI's keys.

        It comes before the phase's own next step: until the next run starts, the last run's
        end is what the user has to deal with.
        """
        model = self.wizard.runs.model
        if model.running or model.failure is None:
            return None
        step, outcome = model.failure
        on_build = self.PHASE == "build"
        if outcome.kind == "interrupted":
            where = "ctrl+n" if on_build else "F5, then ctrl+n,"
            return (
                f"[$warning]{step} was stopped[/] before it finished (recorded as interrupted). "
                f"Next: {where} resumes the run from it; r runs it alone."
            )
        where = "below" if on_build else "on F5 Build"
        then = "r retries it" if on_build else "r there retries it"
        return (
            f"[$error]{step} failed[/] (why: {where}). Next: fix the cause, then {then}; "
            "ctrl+n runs every remaining step."
        )

    def draw_body(self) -> None:
        """The screen's own widgets; subclasses override."""

    def checkout_changed(self) -> None:
        """The clone's facts changed (after a run); subclasses that show them override."""
        self.draw_body()

    def run_changed(self, update: RunUpdate) -> None:
        """Called for every batch of run output, shown or not; the Build screen overrides."""

    # -- the primary action

    def phase_ids(self) -> tuple[str, ...]:
        return phase_steps(self.wizard.mode)[self.PHASE]

    def phase_done(self, views: dict[str, StepView]) -> bool:
        return all(views[step].finished for step in self.phase_ids() if step in views)

    def next_text(self, views: dict[str, StepView]) -> str:
        """What comes next, in one sentence; subclasses say it in their words."""
        following = NEXT[self.PHASE]
        if self.phase_done(views) and following:
            return f"[b]{TITLES[self.PHASE]} is done.[/b] Next: ctrl+n goes to {TITLES[following]}."
        return f"Next: ctrl+n runs {', '.join(self.phase_ids())}."

    def action_advance(self) -> None:
        """ctrl+n: run what is left of this phase; when it succeeds, go to the next one."""
        app = self.wizard
        following = NEXT[self.PHASE]
        if app.runs.model.running:
            app.notify("a run is going on; F5 shows it, ctrl+x stops it", severity="warning")
            return
        if self.phase_done(app.views()) and following:
            app.action_phase(following)
            return
        app.runs.start(self.phase_ids(), then=following)
