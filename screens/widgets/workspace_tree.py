"""The workspace drawn as the article draws it: MyPlugins/ → pharo-vm/, build/, logs/, the profile.

Each node says what the disk says (the steps' detect and the clone's facts); nothing here
is remembered from an earlier run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rich.markup import escape
from rich.text import Text
from textual.widgets import Tree

from screens.phases import StepView
from screens.widgets.step_list import STATE_COLOURS
from wizard.engine.plan import phase_of
from wizard.engine.survey import Survey, relative_to_workspace
from wizard.profile.model import Profile


class WorkspaceTree(Tree[str]):
    """The folders of the workspace with their state, redrawn from each survey."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("workspace", id=id)
        self.show_root = True
        self.guide_depth = 3

    def process_label(self, label: str | Text) -> Text:
        """Labels are Rich markup; ``[$success]`` names a colour of the app's theme."""
        if isinstance(label, str):
            colours = self.app.theme_variables
            label = re.sub(
                r"\[\$([a-z-]+)\]", lambda m: f"[{colours.get(m.group(1), 'default')}]", label
            )
            label = Text.from_markup(label)
        return label.split()[0]

    def show(
        self,
        profile: Profile,
        survey: Survey | None,
        views: Mapping[str, StepView],
        profile_status: str,
    ) -> None:
        workspace = profile.workspace_dir
        self.clear()
        self.root.set_label(f"[b]{escape(workspace.name)}/[/b]  [dim]the workspace[/dim]")
        repo_node = self.root.add(_checkout_label(profile, survey), expand=True)
        for step in views:
            if phase_of(step) != "build":
                repo_node.add_leaf(_step_label(views[step]))
        build_node = self.root.add(_build_label(profile, survey, views), expand=True)
        for step in views:
            if phase_of(step) == "build":
                build_node.add_leaf(_step_label(views[step]))
        logs = survey.logs if survey else ()
        logs_dir = relative_to_workspace(profile.logs_dir, workspace)
        count = f"{len(logs)} log{'s' if len(logs) != 1 else ''}" if logs else "no logs yet"
        logs_node = self.root.add(f"[b]{escape(logs_dir)}/[/b]  [dim]{count}[/dim]", expand=False)
        for name in logs:
            step = name.removesuffix(".log")
            state = views[step].state if step in views else ""
            logs_node.add_leaf(f"{escape(name)}  [dim]{state}[/dim]")
        shown = relative_to_workspace(profile.path, workspace)
        self.root.add_leaf(
            f"[b]{escape(shown)}[/b]  [dim]the profile · {escape(profile_status)}[/dim]"
        )
        self.root.expand()


def _step_label(view: StepView) -> str:
    colour = STATE_COLOURS.get(view.state, "$foreground")
    return f"[{colour}]{view.mark} {view.id}[/]  [dim]{escape(view.reason)}[/dim]"


def _checkout_label(profile: Profile, survey: Survey | None) -> str:
    name = f"[b]{escape(profile.repository.path)}/[/b]"
    if survey is None:
        return f"{name}  [dim]checking…[/dim]"
    repo = survey.repo
    if not repo.cloned:
        return f"{name}  [dim]not cloned yet[/dim]"
    parts = [f"on {escape(repo.branch)}" if repo.branch else "detached HEAD"]
    if repo.dirty:
        parts.append(f"[$warning]dirty ({len(repo.dirty)} changed)[/]")
    else:
        parts.append("[$success]clean[/]")
    base = profile.repository.base_branch or repo.default_branch
    if repo.ahead is not None and base:
        commits = "commit" if repo.ahead == 1 else "commits"
        parts.append(f"{repo.ahead} {commits} ahead of {escape(base)}")
    if repo.layout is not None:
        parts.append(
            escape(repo.layout) if repo.layout_known else f"[$error]{escape(repo.layout)}[/]"
        )
    return f"{name}  " + " · ".join(parts)


def _build_label(profile: Profile, survey: Survey | None, views: Mapping[str, StepView]) -> str:
    name = f"[b]{escape(profile.build.dir)}/[/b]"
    if survey is None:
        return f"{name}  [dim]checking…[/dim]"

    def done(step: str) -> bool:
        return step in views and views[step].finished

    parts = [
        "[$success]configured[/]" if done("configure") else "[dim]not configured[/dim]",
        "[$success]generated C present[/]" if survey.generated else "[dim]no generated C[/dim]",
        (
            f"[$success]library present[/] [dim]{escape(survey.library)}[/dim]"
            if survey.library
            else "[dim]no library[/dim]"
        ),
    ]
    return f"{name}  " + " · ".join(parts)
