"""Every screen fits the terminal, from 80×24 up: compact controls when rows are few.

The layout itself follows the screen's size classes (``-narrow`` below 100 columns,
``-short`` below 32 rows; see ``wizard.tcss``). What CSS cannot do is choose Textual's
compact form of a control (one row, no border): :class:`FitsTheTerminal` does that for
the inputs, selects, buttons, checkboxes and radio sets of a screen when it mounts, comes
back into view, or the terminal is resized. The footer is compact on a narrow terminal,
without the command palette's key (ctrl+p still opens it), below 130 columns, so that the wizard's own keys fit.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Footer

NARROW_COLUMNS = 100
SHORT_ROWS = 32
PALETTE_COLUMNS = 130  # below this, the footer's room goes to the wizard's own keys
BREAKPOINTS_WIDE = [(0, "-narrow"), (NARROW_COLUMNS, "-wide")]
BREAKPOINTS_TALL = [(0, "-short"), (SHORT_ROWS, "-tall")]
#: The controls that have a compact form.
COMPACTABLE = "Input, Select, Button, Checkbox, RadioSet"


def fit(screen: Widget, width: int, height: int) -> None:
    """Compact controls on a short terminal, a compact footer on a narrow one."""
    short = height < SHORT_ROWS
    for widget in screen.query(COMPACTABLE):
        # Reading a reactive of a widget not mounted yet would run its watchers too early
        # (a Select then looks for parts it has not made): those wait for the next call.
        if widget.is_mounted and getattr(widget, "compact", short) != short:
            widget.compact = short  # type: ignore[attr-defined]
    narrow = width < NARROW_COLUMNS
    for footer in screen.query(Footer):
        if not footer.is_mounted:
            continue
        if footer.compact != narrow:
            footer.compact = narrow
        palette = width >= PALETTE_COLUMNS  # ctrl+p opens it all the same
        if footer.show_command_palette != palette:
            footer.show_command_palette = palette


class FitsTheTerminal:
    """A Screen mixin: :func:`fit` on mount, on resume and on every resize."""

    def _fit(self) -> None:
        size = self.app.size  # type: ignore[attr-defined]
        fit(self, size.width, size.height)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit)  # type: ignore[attr-defined]  # parts mounted

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self._fit)  # type: ignore[attr-defined]

    def on_resize(self, event: events.Resize) -> None:
        fit(self, event.size.width, event.size.height)  # type: ignore[arg-type]
