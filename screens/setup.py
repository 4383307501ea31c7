"""F2 Setup: the workspace as a tree, where pharo-vm comes from, and the two branches.

The tree is the article's diagram of the workspace with what the disk says on each node.
The form edits ``repository:`` of the profile; once the clone exists the base branch is a
choice among the remote's branches. Below the tree, ``build:`` (mode, jobs, cmake options)
is edited too (:class:`~screens.widgets.build_form.BuildForm`). ``ctrl+n`` (or the button)
runs clone, checkout and branch, with the clone's progress.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, ContentSwitcher, Input, Label, Log, ProgressBar, Select, Static

from screens.base import PhaseScreen
from screens.phases import StepView
from screens.run import Lines, RunUpdate
from screens.widgets.build_form import BuildForm
from screens.widgets.workspace_tree import WorkspaceTree
from wizard.errors import ProfileError
from wizard.profile.model import DEFAULT_URL
from wizard.profile.save import to_data
from wizard.profile.validate import validate

DEFAULT_BASE = "(the remote's default branch)"


class SetupScreen(PhaseScreen):
    """The repository state and the setup steps."""

    PHASE = "setup"

    def compose_body(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="setup-left"):
                tree = WorkspaceTree(id="workspace")
                tree.border_title = "Workspace"
                yield tree
                build = BuildForm(id="build-form")
                build.border_title = "Build (build: in the profile)"
                yield build
            with Vertical(id="repository-form") as form:
                form.border_title = "Repository"
                yield Label("pharo-vm URL, or a local path")
                yield Input(id="url")
                yield Label("Base branch")
                with ContentSwitcher(initial="base-input", id="base-switch"):
                    yield Input(id="base-input", placeholder=DEFAULT_BASE)
                    yield Select[str]([], id="base-select", prompt=DEFAULT_BASE)
                yield Label("Plugin branch")
                yield Input(id="plugin-branch")
                yield Static("", id="repository-problem", classes="problem")
                yield Button("Run setup (ctrl+n)", id="run-setup", variant="primary")
                yield ProgressBar(total=100, show_eta=False, id="clone-progress")
                output = Log(max_lines=500, id="setup-output")
                output.border_title = "Output"
                yield output

    def mounted(self) -> None:
        self._fill_form()

    def _fill_form(self) -> None:
        app = self.wizard
        if app.session is None:
            return
        repository = app.session.profile.repository
        self._set(Input, "#url", repository.url)
        self._set(Input, "#base-input", repository.base_branch or "")
        plugin_branch = self.query_one("#plugin-branch", Input)
        plugin_branch.placeholder = app.session.profile.plugin.name
        self._set(Input, "#plugin-branch", repository.plugin_branch or "")

    def _set(self, kind: type[Input], selector: str, value: str) -> None:
        widget = self.query_one(selector, kind)
        if widget.value != value:
            with widget.prevent(Input.Changed):
                widget.value = value

    # -- drawing

    def draw_body(self) -> None:
        app = self.wizard
        if app.session is None:
            return
        views = app.views()
        self.query_one(WorkspaceTree).show(
            app.session.profile, app.survey, views, app.session.status()
        )
        self.query_one(BuildForm).show(app.session.profile)
        self._base_choices()
        self._show_progress()
        button = self.query_one("#run-setup", Button)
        button.disabled = app.runs.model.running
        button.label = (
            "Setup is done: go to Develop (ctrl+n)"
            if self.phase_done(views)
            else "Run setup (ctrl+n)"
        )

    def run_changed(self, update: RunUpdate) -> None:
        """Show the output and the clone's progress of a run of the setup steps."""
        if not self.is_mounted:
            return
        model = self.wizard.runs.model
        if not set(model.ids) <= set(self.phase_ids()):
            return
        output = self.query_one("#setup-output", Log)
        if model.total_lines == 0 and output.line_count:
            output.clear()
        for segment in update.segments:
            if isinstance(segment, Lines):
                output.write_lines(segment.lines)
        self._show_progress()

    def _show_progress(self) -> None:
        model = self.wizard.runs.model
        bar = self.query_one("#clone-progress", ProgressBar)
        running_here = model.running and set(model.ids) <= set(self.phase_ids())
        bar.display = running_here and model.percent is not None
        if model.percent is not None:
            bar.update(progress=model.percent)

    def _base_choices(self) -> None:
        """A choice among the remote's branches once there is a clone, else free text."""
        app = self.wizard
        assert app.session is not None
        branches = app.survey.repo.remote_branches if app.survey else ()
        switcher = self.query_one("#base-switch", ContentSwitcher)
        if not branches:
            switcher.current = "base-input"
            return
        select = self.query_one("#base-select", Select)
        if not select.is_mounted or not select.query("#label"):
            # The screen is drawn before the Select has made its parts (a profile opened
            # on a clone the disk already has): set its value once it has them.
            self.call_after_refresh(self._base_choices)
            return
        options = [(name, name) for name in branches]
        wanted = app.session.profile.repository.base_branch
        if wanted and wanted not in branches:
            options.append((f"{wanted} (not on the remote)", wanted))
        if getattr(select, "_shown_options", None) != options:
            with select.prevent(Select.Changed):
                select.set_options(options)
            select._shown_options = options  # type: ignore[attr-defined]
        with select.prevent(Select.Changed):
            select.value = wanted if wanted else Select.BLANK
        switcher.current = "base-select"

    def next_text(self, views: dict[str, StepView]) -> str:
        app = self.wizard
        assert app.session is not None
        profile = app.session.profile
        if self.phase_done(views):
            return (
                f"[b]Setup is done[/b]: pharo-vm is on branch {profile.plugin_branch}. "
                "Next: ctrl+n goes to F3 Develop, the plugin's methods."
            )
        base = profile.repository.base_branch or "the remote's default branch"
        return (
            f"Next: ctrl+n clones pharo-vm, checks out {base} and creates the branch "
            f"{profile.plugin_branch} for your plugin."
        )

    # -- editing

    @on(Input.Changed, "#url")
    def _url(self, event: Input.Changed) -> None:
        self._edit(url=event.value.strip() or DEFAULT_URL)

    @on(Input.Changed, "#base-input")
    def _base_typed(self, event: Input.Changed) -> None:
        self._edit(base_branch=event.value.strip() or None)

    @on(Select.Changed, "#base-select")
    def _base_chosen(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else None
        self._edit(base_branch=value)

    @on(Input.Changed, "#plugin-branch")
    def _plugin_branch(self, event: Input.Changed) -> None:
        self._edit(plugin_branch=event.value.strip() or None)

    def _edit(self, **changes: Any) -> None:
        """Change ``repository:``; a value the profile would refuse is shown, not kept."""
        app = self.wizard
        assert app.session is not None

        profile = app.session.profile
        candidate = replace(profile, repository=replace(profile.repository, **changes))
        problem = self.query_one("#repository-problem", Static)
        try:
            validate(to_data(candidate), profile.path)
        except ProfileError as error:
            problem.update(f"{error.field}: {error.message}" if error.field else error.message)
            return
        problem.update("")
        app.session.update(candidate)
        app.profile_edited()

    @on(BuildForm.Edited)
    def _build_edited(self, event: BuildForm.Edited) -> None:
        """``build:`` changed (mode, jobs, cmake options): saved like every edit."""
        app = self.wizard
        assert app.session is not None
        app.session.update(replace(app.session.profile, build=event.build))
        app.profile_edited()

    @on(Button.Pressed, "#run-setup")
    def _run_pressed(self) -> None:
        self.action_advance()
