"""Small questions: yes or no, and a new plugin's name."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import Regex
from textual.widgets import Button, Input, Label, Static

from wizard.profile import CLASS_NAME


class Confirm(ModalScreen[bool]):
    """A yes/no question; escape answers no."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", variant="error", id="yes")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class AskName(ModalScreen[str | None]):
    """The name of a new plugin: a Smalltalk class name such as MyPlugin."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("New plugin: its class name (a capital letter, then letters and digits)")
            yield Input(
                placeholder="MyPlugin",
                validators=[Regex(CLASS_NAME.pattern, failure_description="not a class name")],
                id="name",
            )
            yield Static("", id="name-problem", classes="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create", variant="primary", id="create")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._create()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self._create()
        else:
            self.dismiss(None)

    def _create(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if not CLASS_NAME.fullmatch(name):
            self.query_one("#name-problem", Static).update(
                f"{name!r} is not a class name: e.g. MyPlugin" if name else "type a name first"
            )
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
