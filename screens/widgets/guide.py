"""The guide lines above the footer: what comes next; the run, its progress, the save status."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widgets import ProgressBar, Static

from screens.run import RunModel, clock_text


class Guide(Vertical):
    """Line one: "Next: …". Line two: the current run with its progress, and the profile."""

    def compose(self) -> ComposeResult:
        yield Static(id="guide-next")
        with Horizontal(id="guide-run"):
            yield Static(id="guide-run-text")
            yield ProgressBar(total=100, show_eta=False, id="guide-progress")
            yield Static(id="guide-saved")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: dict[str, str] = {}

    def _put(self, name: str, text: str) -> None:
        """Update one line only when its text changed: an update costs a layout pass."""
        if self._shown.get(name) != text:
            self._shown[name] = text
            self.query_one(f"#{name}", Static).update(text)

    def show_next(self, text: str) -> None:
        self._put("guide-next", text)

    def show_saved(self, text: str) -> None:
        self._put("guide-saved", text)

    def show_run(self, model: RunModel, *, on_build: bool = False) -> None:
        """The run in one line: running which step for how long, or how the last one ended
        (``on_build``: the Build screen, where the failure panel is in view)."""
        bar = self.query_one("#guide-progress", ProgressBar)
        if model.running and model.cancelling:
            self._put(
                "guide-run-text",
                f"[$warning][b]stopping[/b] {model.current or 'the run'}[/] "
                "[dim](its whole process tree)[/dim]",
            )
        elif model.running:
            step = model.current or "starting"
            self._put(
                "guide-run-text",
                f"[$accent][b]running[/b] {step}[/] {clock_text(model.step_elapsed())}  "
                "[dim]ctrl+x stops · F5 shows the output[/dim]",
            )
        elif model.refused:
            self._put("guide-run-text", f"[$warning]not started:[/] {model.refused}")
        elif model.failure is not None:
            step, outcome = model.failure
            if outcome.kind == "interrupted":
                text = f"[$warning]{step} interrupted[/] [dim](stopped before it finished)[/dim]"
            else:
                why = escape(outcome.reason.removeprefix(f"{step}: "))
                where = "" if on_build else " [dim]· F5 shows why[/dim]"
                text = f"[$error]{step} failed:[/] {why}{where}"
            self._put("guide-run-text", text)
        elif model.exit_code == 0:
            self._put(
                "guide-run-text", f"[$success]last run finished[/] ({clock_text(model.elapsed())})"
            )
        else:
            self._put("guide-run-text", "")
        shown = model.running and model.percent is not None
        if bar.display != shown:
            bar.display = shown
        if model.percent is not None and bar.progress != model.percent:
            bar.update(progress=model.percent)
