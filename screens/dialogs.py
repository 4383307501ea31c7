"""Small questions: yes or no, and a new plugin (its name, template, repository, or import)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen
from textual.validation import Regex
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from screens.fit import FitsTheTerminal
from wizard.profile.model import CLASS_NAME


class Confirm(FitsTheTerminal, ModalScreen[bool]):
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


class NewPlugin(FitsTheTerminal, ModalScreen[Path | None]):
    """A new plugin: its class name, what it starts from, and where pharo-vm comes from.

    It starts from a template (``hello``, the article's plugin; ``library``, a primitive
    calling a C library through C helpers), with the repository's URL and base branch
    shown with the template's values; or from a plugin class that already exists in a
    pharo-vm checkout (the profile then says that checkout's origin and branch). The
    profile is written here, the way ``--new`` and ``--import`` write it, and the dialog
    answers its path; a problem is shown in the dialog, to be fixed there.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def compose(self) -> ComposeResult:
        from wizard.profile.template import TEMPLATES

        with VerticalScroll(classes="dialog", id="new-plugin"):
            yield Label(
                "[b]New plugin[/b]: its class name (a capital letter, then letters and digits)"
            )
            yield Input(
                placeholder="MyPlugin",
                validators=[Regex(CLASS_NAME.pattern, failure_description="not a class name")],
                id="name",
            )
            yield Label("Start from")
            with RadioSet(id="start"):
                for name in TEMPLATES:
                    yield RadioButton(STARTS[name], value=name == "hello", id=f"start-{name}")
                yield RadioButton(STARTS["import"], id="start-import")
            with Vertical(id="from-template"):
                yield Label("pharo-vm URL, or a local path")
                yield Input(id="new-url")
                yield Label("Base branch")
                yield Input(id="new-base")
            with Vertical(id="from-checkout"):
                yield Label("The pharo-vm checkout that has the class (its folder)")
                yield Input(placeholder="../pharo-vm", id="checkout")
            yield Static("", id="name-problem", classes="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create", variant="primary", id="create")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._show_template("hello")
        self.query_one("#from-checkout").display = False
        self.query_one("#name", Input).focus()

    def _show_template(self, template: str) -> None:
        """The template's repository values, as the profile would have them."""
        from wizard.profile.template import template_repository

        url, base = template_repository(template)
        self.query_one("#new-url", Input).value = url
        self.query_one("#new-base", Input).value = base

    @property
    def start(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return (pressed.id or "start-hello").removeprefix("start-") if pressed else "hello"

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        start = self.start
        importing = start == "import"
        self.query_one("#from-template").display = not importing
        self.query_one("#from-checkout").display = importing
        if not importing:
            self._show_template(start)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._create()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self._create()
        else:
            self.dismiss(None)

    def _create(self) -> None:
        from wizard.errors import ProfileError, UsageError

        name = self.query_one("#name", Input).value.strip()
        problem = self.query_one("#name-problem", Static)
        if not CLASS_NAME.fullmatch(name):
            problem.update(
                f"{name!r} is not a class name: e.g. MyPlugin" if name else "type a name first"
            )
            return
        make = self._import if self.start == "import" else self._from_template
        try:
            path = make(name)
        except (UsageError, ProfileError) as error:
            problem.update(escape(str(error)))
            return
        self.dismiss(path)

    def _import(self, name: str) -> Path:
        from wizard.commands.importer import import_plugin
        from wizard.errors import UsageError

        checkout = self.query_one("#checkout", Input).value.strip()
        if not checkout:
            raise UsageError("type the folder of the pharo-vm checkout that has the class")
        return import_plugin(name, Path(checkout).expanduser(), self.folder)

    def _from_template(self, name: str) -> Path:
        """The template's profile, with the URL and base branch typed here."""
        from wizard.errors import UsageError
        from wizard.profile.template import write_new_profile

        url = self.query_one("#new-url", Input).value.strip()
        base = self.query_one("#new-base", Input).value.strip() or None
        if not url:
            raise UsageError("type where pharo-vm comes from (a URL or a local path)")
        return write_new_profile(name, self.folder, self.start, url=url, base_branch=base)

    def action_cancel(self) -> None:
        self.dismiss(None)


#: What each choice of "Start from" says.
STARTS = {
    "hello": "hello: the article's HelloWorld plugin",
    "library": "library: a primitive calling zlib's crc32 through C helpers",
    "import": "import: a plugin class already in a pharo-vm checkout",
}
