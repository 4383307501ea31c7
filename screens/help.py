"""F1: the keys, and what each phase is for, for someone who never read the article."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
[b]Close this help: escape, F1 or q.[/b]

[b]pharo-plugin-wizard[/b] builds a Pharo VM plugin (a SmartSyntaxInterpreterPlugin written in
Slang) as an external library, step by step, and shows at every moment what the disk says.

[b]The phases[/b] (each one has a primary action, [b]ctrl+n[/b]: run what is left, then go on)
  [b]F2 Setup[/b]    clone pharo-vm, check out the base branch, create your plugin branch
  [b]F3 Develop[/b]  the class and its Slang methods; diagnostics update as you type
  [b]F4 Plugins[/b]  which plugins VMMaker generates as external libraries
  [b]F5 Build[/b]    cmake, the two make install runs, plugins.cmake, the library check

[b]Everywhere[/b]
  F1 this help · ctrl+s save now (edits also save a second after you stop typing)
  ctrl+x stop the running step (its whole process tree) · ctrl+q quit (asks during a run)
  ctrl+o back to the list of profiles (to open another plugin, or start a new one)

[b]Develop[/b]
  a / delete (in the method list) add or remove a method · enter on a diagnostic moves the
  cursor to it · the Tonel and Diff tabs show the class file the wizard will write
  In the method editor tab inserts a tab and enter keeps the indentation; [b]escape[/b]
  leaves the editor (the focus moves on, so the keys above work again)
  ctrl+b after a first build: the Slang loop (regenerate this plugin, compile, verify) and
  its time, exports or errors by method, without leaving the screen

[b]Plugins[/b]
  space toggles a plugin · d goes back to VMMaker's own list plus your plugin

[b]Build[/b]
  ctrl+n run every remaining step · enter run the highlighted step · r retry a failed step
  e open the step's log in $EDITOR · l open it in a pager · y copy the Smalltalk snippet
  end follows the output again after scrolling up

Quit at any time: everything is saved, and the next start shows where the work stands.
Close this help with escape, F1 or q.
"""


class HelpScreen(ModalScreen[None]):
    """The keys of every phase."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(HELP)

    def action_close(self) -> None:
        self.dismiss(None)
