"""The start without a profile: the profiles in ./profiles, how far each got, and "New plugin".

How far each got is read from the disk (every step's detect), in a thread per profile, so
the list shows at once and fills in. A profile that does not load shows its one-line
error and cannot be opened until it is fixed; the wizard never rewrites it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from screens.fit import FitsTheTerminal
from screens.phases import TITLES, phase_states, screen_phase_of, step_views
from screens.widgets.footer import KeyFooter
from wizard.engine.plan import step_ids
from wizard.engine.workbench import Workbench
from wizard.errors import ProfileError
from wizard.profile.load import load_profile
from wizard.profile.model import Profile

if TYPE_CHECKING:
    from screens.app import WizardApp

NEW_ROW = "+new"


class ProfilesScreen(FitsTheTerminal, Screen[None]):
    """Choose a profile to work on, or start a new plugin."""

    BINDINGS = [Binding("n", "new_plugin", "New plugin")]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.profiles: dict[str, Profile] = {}
        self.problems: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(
            "[b]pharo-plugin-wizard[/b] — choose a plugin to work on (enter), or start a new "
            "one (n).",
            id="picker-title",
        )
        table: DataTable[str | Text] = DataTable(
            id="profiles", cursor_type="row", zebra_stripes=True
        )
        table.border_title = f"Profiles in {self.folder}/"
        yield table
        yield Static("", id="picker-problem", classes="problem")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Plugin", "Branch", "How far", "Next", "File")
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.profiles.clear()
        self.problems.clear()
        paths = sorted(self.folder.glob("*.yml")) if self.folder.is_dir() else []
        for path in paths:
            key = str(path)
            try:
                profile = load_profile(path)
            except ProfileError as error:
                self.problems[key] = str(error)
                table.add_row(
                    "—",
                    "—",
                    Text("does not load", style="bold red"),
                    Text(str(error)[:80]),
                    path.name,
                    key=key,
                )
                continue
            self.profiles[key] = profile
            table.add_row(
                profile.plugin.name,
                profile.plugin_branch,
                Text("checking…", style="dim"),
                "",
                path.name,
                key=key,
            )
            self._how_far(key, profile)
        table.add_row(
            Text("+ New plugin", style="bold"),
            "",
            "",
            Text("from a template, or a class in a checkout (n)", style="dim"),
            "",
            key=NEW_ROW,
        )

    @work(thread=True, group="how-far", exit_on_error=False)
    def _how_far(self, key: str, profile: Profile) -> None:
        mode = profile.build.mode
        workbench = Workbench(profile)
        views = step_views(step_ids(mode), workbench.survey(), workbench.records)
        done = sum(1 for view in views.values() if view.finished)
        pending = [view for view in views.values() if not view.finished]
        states = phase_states(views, mode)
        if pending:
            first = pending[0]
            phase = TITLES[screen_phase_of(first.id, mode)]
            how_far = (
                f"{done}/{len(views)} steps · {phase} {states[screen_phase_of(first.id, mode)]}"
            )
            next_step = f"{first.id} ({first.state})" if first.state != "pending" else first.id
        else:
            how_far = f"{done}/{len(views)} steps · built"
            next_step = "nothing: the library is built"
        self.app.call_from_thread(self._show_how_far, key, how_far, next_step)

    def _show_how_far(self, key: str, how_far: str, next_step: str) -> None:
        table = self.query_one(DataTable)
        columns = list(table.columns)
        table.update_cell(key, columns[2], Text(how_far), update_width=True)
        table.update_cell(key, columns[3], Text(next_step), update_width=True)

    def say(self, text: str) -> None:
        """A line under the list: why a key did nothing here, or a profile's problem."""
        self.query_one("#picker-problem", Static).update(text)

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if key == NEW_ROW:
            self.action_new_plugin()
        elif key in self.problems:
            self.query_one("#picker-problem", Static).update(
                f"[$error]{self.problems[key]}[/]\nFix the file by hand; the wizard never rewrites "
                "a profile that does not load."
            )
        elif key in self.profiles:
            app = cast("WizardApp", self.app)
            app.open_profile(load_profile(Path(key)))

    def action_new_plugin(self) -> None:
        """n: the New plugin dialog writes the profile (from a template, or imported); open it."""
        from screens.dialogs import NewPlugin

        def created(path: Path | None) -> None:
            if path is not None:
                app = cast("WizardApp", self.app)
                app.open_profile(load_profile(path))

        self.app.push_screen(NewPlugin(self.folder), created)
