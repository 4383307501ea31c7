"""The profile's ``build:`` on the Setup screen: mode, jobs and the cmake options.

Offline builds need cmake options (``GENERATE_PHARO_VM``, ``VMMAKER_IMAGE``,
``BUILD_BUNDLE``…); here they are added, changed and removed without editing YAML. Each
change is checked the way loading checks the profile, then handed to the session, which
saves it through the profile's one writer (only the changed values are written). Options
that are not plain data (:mod:`wizard.profile.trust`) are marked, with why: a run asks before it uses
them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from wizard.errors import ProfileError
from wizard.profile.model import BUILD_MODES, Build, Profile
from wizard.profile.overrides import cmake_option_text
from wizard.profile.save import to_data
from wizard.profile.trust import declared_switches, option_mark
from wizard.profile.validate import validate

#: Options a Pharo VM build commonly sets, offered as the name is typed.
KNOWN_OPTIONS = (
    "BUILD_BUNDLE",
    "GENERATE_PHARO_VM",
    "VMMAKER_IMAGE",
    "VMMAKER_VM",
    "ICEBERG_DEFAULT_REMOTE",
    "FEATURE_LIB_SDL2",
    "FEATURE_LIB_CAIRO",
    "FEATURE_LIB_FREETYPE2",
    "CMAKE_BUILD_TYPE",
)

TRUST_MARK = "⚠ needs trust"


class BuildForm(Vertical):
    """Edits ``build:``; posts :class:`BuildForm.Edited` with the new value when it is valid."""

    class Edited(Message):
        """The user changed ``build:`` to ``build`` (already checked)."""

        def __init__(self, build: Build) -> None:
            super().__init__()
            self.build = build

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.profile: Profile | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="build-row"):
            yield Label("Mode", classes="build-label")
            yield Select[str](
                [(mode, mode) for mode in BUILD_MODES], allow_blank=False, id="build-mode"
            )
            yield Label("Jobs", classes="build-label")
            yield Input(type="integer", id="build-jobs", placeholder="0 = all cores")
        yield OptionList(id="build-options")
        # One row when there is room; on a narrow terminal the buttons go under the fields.
        with Horizontal(classes="build-row", id="option-edit"):
            with Horizontal(id="option-fields"):
                yield Input(
                    placeholder="NAME",
                    id="option-name",
                    suggester=SuggestFromList(KNOWN_OPTIONS, case_sensitive=False),
                )
                yield Input(placeholder="value", id="option-value")
            with Horizontal(id="option-buttons"):
                yield Button("Set", id="option-set", variant="primary")
                yield Button("Remove", id="option-remove")
        yield Static("", id="build-problem", classes="problem")

    # -- drawing

    def show(self, profile: Profile) -> None:
        """Show ``profile``'s build (without sending the changes back as edits)."""
        self.profile = profile
        build = profile.build
        mode = self.query_one("#build-mode", Select)
        if not mode.is_mounted:  # its value waits until it has made its parts
            self.call_after_refresh(self.show, profile)
            return
        if mode.value != build.mode:
            with mode.prevent(Select.Changed):
                mode.value = build.mode
        jobs = self.query_one("#build-jobs", Input)
        if jobs.value != str(build.jobs) and not (jobs.has_focus and jobs.value == ""):
            with jobs.prevent(Input.Changed):
                jobs.value = str(build.jobs)
        options = self.query_one("#build-options", OptionList)
        switches = declared_switches(profile.checkout_dir)
        rows = [option_row(name, value, switches) for name, value in build.cmake_options]
        if getattr(options, "_shown_rows", None) != rows:
            highlighted = options.highlighted
            options.clear_options()
            options.add_options(
                [
                    Option(row, id=name)
                    for row, (name, _) in zip(rows, build.cmake_options, strict=True)
                ]
                or [Option("[dim]no cmake options[/dim]", id="", disabled=True)]
            )
            options._shown_rows = rows  # type: ignore[attr-defined]
            if highlighted is not None and options.option_count:
                options.highlighted = min(highlighted, options.option_count - 1)

    # -- editing

    @on(Select.Changed, "#build-mode")
    def _mode(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._edit(mode=event.value)

    @on(Input.Changed, "#build-jobs")
    def _jobs(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if not text:
            return  # being typed
        try:
            jobs = int(text)
        except ValueError:
            self._problem(f"jobs: {text!r} is not a whole number")
            return
        self._edit(jobs=jobs)

    @on(OptionList.OptionHighlighted, "#build-options")
    def _picked(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id or ""
        if self.profile is None or not name:
            return
        value = dict(self.profile.build.cmake_options).get(name, "")
        for selector, text in (("#option-name", name), ("#option-value", value)):
            field = self.query_one(selector, Input)
            with field.prevent(Input.Changed):
                field.value = text

    @on(Button.Pressed, "#option-set")
    @on(Input.Submitted, "#option-value")
    def _set_option(self) -> None:
        if self.profile is None:
            return
        name = self.query_one("#option-name", Input).value.strip()
        value = self.query_one("#option-value", Input).value.strip()
        if not name:
            self._problem("type the option's NAME first (e.g. VMMAKER_IMAGE)")
            return
        options = dict(self.profile.build.cmake_options)
        options[name] = cmake_option_text(value)  # as --set reads it; a new name goes last
        self._edit(cmake_options=tuple(options.items()))

    @on(Button.Pressed, "#option-remove")
    def _remove_option(self) -> None:
        if self.profile is None:
            return
        name = self.query_one("#option-name", Input).value.strip()
        options = dict(self.profile.build.cmake_options)
        if name not in options:
            self._problem(f"{name or 'that'}: not among the options")
            return
        del options[name]
        self._edit(cmake_options=tuple(options.items()))

    def _edit(self, **changes: Any) -> None:
        """Check the changed ``build:`` as loading would; post it, or show why not."""
        if self.profile is None:
            return
        build = replace(self.profile.build, **changes)
        if build == self.profile.build:
            return
        try:
            validate(to_data(replace(self.profile, build=build)), self.profile.path)
        except ProfileError as error:
            self._problem(f"{error.field}: {error.message}" if error.field else error.message)
            return
        self._problem("")
        self.post_message(self.Edited(build))

    def _problem(self, text: str) -> None:
        self.query_one("#build-problem", Static).update(escape(text))


def option_row(name: str, value: str, switches: frozenset[str] | None = None) -> str:
    """One option as the list shows it, marked when it is not plain data (a run asks)."""
    row = f"{escape(name)} = {escape(value)}"
    why = option_mark(name, value, switches)
    if why:
        row += f"  [b $warning]{TRUST_MARK}[/] [dim]{escape(why)}[/]"
    return row
