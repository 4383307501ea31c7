"""The header of every phase screen: the four phases with their state, and the plugin's name."""

from __future__ import annotations

from collections.abc import Mapping

from textual.widgets import Static

from screens.phases import KEYS, PHASE_MARKS, PHASES, TITLES

COLOURS = {
    "done": "$success",
    "partly": "$warning",
    "changed": "$warning",
    "failed": "$error",
    "running": "$accent",
}
# When the long words do not fit (120 columns and a long plugin name), these are used; when
# even they do not, the marks stand alone.
SHORT = {"not started": "to do"}


class PhaseBar(Static):
    """``F2 Setup ● done │ F3 Develop ◐ partly │ … HelloWorldPlugin``; the current phase lit.

    Each phase is a link: clicking it goes there, as its F-key does.
    """

    def __init__(self, active: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.active = active
        self._plugin = ""
        self._states: dict[str, str] = {}
        self._markup = ""

    def show(self, name: str, states: Mapping[str, str]) -> None:
        """Redraw with the plugin's name and each phase's state."""
        self._plugin = name
        self._states = dict(states)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = self.size.width or 120
        for words in ({}, SHORT, None):  # None: the marks alone (an 80-column terminal)
            labels = [self._label(phase, words) for phase in PHASES]
            used = sum(len(plain) for plain, _ in labels) + 3 * (len(labels) - 1)
            if used + 3 + len(self._plugin) <= width or words is None:
                break
        room = max(0, width - used - 3)
        name = self._plugin if len(self._plugin) <= room else self._plugin[: max(0, room - 1)] + "…"
        markup = " │ ".join(marked for _, marked in labels) + f"   [b]{name}[/b]"
        if markup != self._markup:
            self._markup = markup
            self.update(markup)

    def _label(self, phase: str, words: Mapping[str, str] | None) -> tuple[str, str]:
        """(what it shows, as plain text; its markup): a link to the phase."""
        state = self._states.get(phase, "not started")
        plain = f"{KEYS[phase].upper()} {TITLES[phase]} {PHASE_MARKS.get(state, '?')}"
        if words is not None:
            plain += f" {words.get(state, state)}"
        colour = COLOURS.get(state, "$foreground-muted")
        pad = "" if words is None and phase != self.active else " "  # tight when narrow
        if phase == self.active:
            marked = f"[reverse][b] {plain} [/b][/reverse]"
        else:
            marked = f"{pad}[{colour}]{plain}[/]{pad}"
        return f"{pad}{plain}{pad}", f"[@click=app.phase('{phase}')]{marked}[/]"
