"""F1: the keys, and what each phase is for, for someone who never read the article.

The keys are laid out as a two-column grid (key, what it does): a long line wraps inside
its own column, so the help reads the same on an 80-column terminal as on a wide one.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from screens.fit import FitsTheTerminal

CLOSE = "Close this help: escape, F1 or q. ↑ ↓ PgUp PgDn scroll it."

INTRO = (
    "pharo-plugin-wizard builds a Pharo VM plugin (a SmartSyntaxInterpreterPlugin written in "
    "Slang) as an external library, step by step, and shows at every moment what the disk "
    "says."
)

#: (heading, [(keys, what they do)]) in the order a newcomer needs them.
SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "The phases (each one has a primary action, ctrl+n: run what is left, then go on)",
        [
            ("F2 Setup", "clone pharo-vm, check out the base branch, create your plugin branch"),
            ("F3 Develop", "the class and its Slang methods; diagnostics update as you type"),
            ("F4 Plugins", "which plugins VMMaker generates as external libraries"),
            ("F5 Build", "cmake, the two make install runs, plugins.cmake, the library check"),
        ],
    ),
    (
        "Everywhere",
        [
            ("F1", "this help"),
            ("ctrl+s", "save now (edits also save a second after you stop typing)"),
            ("ctrl+x", "stop the running step (its whole process tree)"),
            ("ctrl+q", "quit (during a run it asks, then stops the run cleanly)"),
            ("ctrl+o", "back to the list of profiles (to open another plugin, or start one)"),
        ],
    ),
    (
        "Develop",
        [
            ("a / delete", "in the method list: add or remove a method"),
            ("enter", "in the method list: edit that method; on a diagnostic: go to it"),
            ("tab, enter", "in the method editor: a tab; a new line with the same indentation"),
            ("escape", "leaves the editor for the method list"),
            ("ctrl+l", "the method list, from the editor or anywhere on the screen"),
            (
                "ctrl+b",
                "after a first build: the Slang loop (regenerate this plugin, compile, "
                "verify), with its time, exports or errors by method, without leaving the screen",
            ),
            ("Tonel, Diff", "the tabs with the class file the wizard will write"),
        ],
    ),
    (
        "Plugins",
        [
            ("space", "toggle a plugin"),
            ("d", "back to VMMaker's own list plus your plugin"),
        ],
    ),
    (
        "Build",
        [
            ("ctrl+n", "run every remaining step (done steps are skipped)"),
            ("enter", "run the highlighted step"),
            ("r", "retry the failed or interrupted step"),
            ("e / l", "open the step's log in $EDITOR / in a pager"),
            ("y", "copy the Smalltalk snippet"),
            ("end", "follow the output again after scrolling up"),
        ],
    ),
]

OUTRO = "Quit at any time: everything is saved, and the next start shows where the work stands."


def _section(heading: str, rows: list[tuple[str, str]]) -> Group:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    for keys, what in rows:
        grid.add_row(keys, what)
    return Group(Text(""), Text(heading, style="bold"), grid)


def help_renderable() -> Group:
    """The help as drawn: the close line, what the wizard is, the keys of each phase."""
    parts: list[RenderableType] = [Text(CLOSE, style="bold"), Text(""), Text(INTRO)]
    parts += [_section(heading, rows) for heading, rows in SECTIONS]
    parts += [Text(""), Text(OUTRO), Text(CLOSE, style="bold")]
    return Group(*parts)


def help_text() -> str:
    """The help's words as plain text, one key per line (what tests and searches read)."""
    lines = [CLOSE, INTRO]
    for heading, rows in SECTIONS:
        lines.append(heading)
        lines += [f"  {keys}  {what}" for keys, what in rows]
    return "\n".join([*lines, OUTRO])


class HelpScreen(FitsTheTerminal, ModalScreen[None]):
    """The keys of every phase."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(help_renderable(), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
