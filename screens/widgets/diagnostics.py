"""The diagnostics of the Slang methods: syntax errors and interpreterProxy checks, with lines."""

from __future__ import annotations

from collections.abc import Sequence

from textual.markup import escape
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from wizard.slang.syntax import Diagnostic


class DiagnosticsList(OptionList):
    """One line per diagnostic; choosing one asks the screen to put the cursor there."""

    class Chosen(Message):
        """The user chose a diagnostic (enter or click)."""

        def __init__(self, diagnostic: Diagnostic) -> None:
            super().__init__()
            self.diagnostic = diagnostic

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.diagnostics: list[Diagnostic] = []

    def show(self, diagnostics: Sequence[Diagnostic], scope: str) -> None:
        """Replace the list; the border title counts errors and warnings and names the scope."""
        self.border_subtitle = scope
        if list(diagnostics) == self.diagnostics and self.option_count:
            return
        self.diagnostics = list(diagnostics)
        errors = sum(1 for d in diagnostics if d.severity == "error")
        warnings = len(diagnostics) - errors
        self.border_title = f"Diagnostics: {errors} error(s), {warnings} warning(s)"
        self.clear_options()
        if not diagnostics:
            self.add_option(Option("[$success]✓ no problems found[/]", disabled=True))
            return
        self.add_options([Option(_prompt(d)) for d in diagnostics])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.diagnostics):
            self.post_message(self.Chosen(self.diagnostics[event.option_index]))


def _prompt(diagnostic: Diagnostic) -> str:
    colour = "$error" if diagnostic.severity == "error" else "$warning"
    mark = "✗" if diagnostic.severity == "error" else "!"
    if diagnostic.method:
        side = "class " if diagnostic.side == "class" else ""
        where = f"{side}{diagnostic.method} {diagnostic.line}:{diagnostic.column}"
    else:
        where = "class definition"
    return f"[{colour}]{mark}[/] [b]{escape(where)}[/b]  {escape(diagnostic.message)}"
