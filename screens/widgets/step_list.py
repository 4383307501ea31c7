"""The plan as a list: one line per step with its mark and state, from detect and the run."""

from __future__ import annotations

from collections.abc import Iterable

from textual.markup import escape
from textual.reactive import var
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from screens.phases import StepView

STATE_COLOURS = {
    "done": "$success",
    "skipped": "$success",
    "failed": "$error",
    "interrupted": "$warning",
    "running": "$accent",
    "pending": "$foreground-muted",
    "changed": "$warning",
}


def step_prompt(view: StepView, *, with_reason: bool, width: int = 14) -> str:
    """One step as markup: ``✓ clone          done   pharo-vm/ is a clone of …``."""
    colour = STATE_COLOURS.get(view.state, "$foreground")
    line = f"[{colour}]{view.mark} {view.id:<{width}} {view.state:<11}[/]"
    if with_reason and view.reason:
        line += f" [dim]{escape(view.reason)}[/dim]"
    return line


class StepList(OptionList):
    """Steps with their state; the highlighted step survives every redraw.

    ``views`` is reactive: setting an equal tuple draws nothing, and a change of states
    replaces only the lines that differ (a build's 50 ms updates keep the highlight still).
    """

    views: var[tuple[StepView, ...]] = var(())

    def __init__(self, *, with_reason: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.with_reason = with_reason

    def show(self, views: Iterable[StepView]) -> None:
        self.views = tuple(views)

    def prompt(self, view: StepView) -> str:
        return step_prompt(view, with_reason=self.with_reason)

    def watch_views(self, old: tuple[StepView, ...], new: tuple[StepView, ...]) -> None:
        ids = [view.id for view in new]
        if ids == [view.id for view in old] and ids == [option.id for option in self.options]:
            for index, (before, now) in enumerate(zip(old, new, strict=True)):
                if self.prompt(before) != self.prompt(now):
                    self.replace_option_prompt_at_index(index, self.prompt(now))
            return
        highlighted = self.highlighted_id
        self.clear_options()
        self.add_options([Option(self.prompt(view), id=view.id) for view in new])
        if highlighted in ids:
            self.highlighted = ids.index(highlighted)

    @property
    def highlighted_id(self) -> str | None:
        if self.highlighted is None or self.highlighted >= self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id
