"""F4 Plugins: which plugins VMMaker generates as external libraries.

Every plugin class of the checkout's smalltalksrc is listed, with the ones the profile
wants switched on (by default: VMMaker's own external list plus the new plugin). Each line
says whether VMMaker's list has it today, whether the checkout's plugin list (plugins.cmake,
or cmake/plugins.cmake in the 2025 layout) builds it, and whether it
is the new plugin. A listed name without a class gets a warning: VMMaker drops such names
silently and the build fails much later. Toggling changes ``external_plugins`` of the
profile and nothing else; ``d`` goes back to the default.
"""

from __future__ import annotations

from rich.segment import Segment
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.reactive import var
from textual.strip import Strip
from textual.widgets import SelectionList, Static
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import Selection

from screens.base import PhaseScreen
from screens.phases import StepView
from wizard.engine.survey import CheckoutSurvey, external_plugins_after

# The roots of the plugin hierarchy: classes to inherit from, never plugins to build.
ABSTRACT_PLUGINS = frozenset({"InterpreterPlugin", "SmartSyntaxInterpreterPlugin"})


#: What SelectionList draws inside every toggle (Textual's ToggleButton.BUTTON_INNER).
BUTTON_INNER = "X"


class PluginToggles(SelectionList[str]):
    """The plugin toggles: ``▐X▌`` for on, ``▐ ▌`` for off.

    SelectionList draws the same ``X`` for both and tells them apart by colour alone, which
    reads as "all on" on many terminals.
    """

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if selection.value in self.selected:
            return strip
        segments = list(strip)
        if len(segments) > 1 and segments[1].text == BUTTON_INNER:
            segments[1] = Segment(" ", segments[1].style)
            return Strip(segments, strip.cell_length)
        return strip


class PluginsScreen(PhaseScreen):
    """External plugin toggles, with what VMMaker and the plugin list say about each."""

    PHASE = "plugins"
    BINDINGS = [Binding("d", "default_list", "VMMaker's list + mine")]

    #: What the list shows: (name, prompt, chosen) per plugin; an equal value draws nothing.
    rows: var[tuple[tuple[str, str, bool], ...]] = var(())

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="plugins-body"):
            plugins = PluginToggles(id="plugins")
            plugins.border_title = "External plugins (space toggles)"
            yield plugins
            with VerticalScroll(id="plugin-notes") as notes:
                notes.border_title = "What this means"
                yield Static("", id="notes")

    # -- drawing

    def _names(self, checkout: CheckoutSurvey | None, wanted: list[str]) -> list[str]:
        """The new plugin, then VMMaker's list, then the other plugin classes, A to Z."""
        assert self.wizard.session is not None
        mine = self.wizard.session.profile.plugin.name
        current = list(checkout.external or ()) if checkout else []
        skipped = ABSTRACT_PLUGINS | (checkout.not_to_build if checkout else frozenset())
        classes = sorted(
            name
            for name in ((checkout.plugin_classes or {}) if checkout else {})
            if name not in skipped
        )
        names: list[str] = []
        for name in [mine, *current, *wanted, *classes]:
            if name not in names:
                names.append(name)
        return names

    def draw_body(self) -> None:
        app = self.wizard
        if app.session is None:
            return
        profile = app.session.profile
        checkout = app.checkout_survey
        current = checkout.external if checkout else None
        wanted = external_plugins_after(profile.external_plugins, current, profile.plugin.name)
        names = self._names(checkout, wanted)
        # The names' column is as wide as the longest name (at most 24): on an 80-column
        # terminal the status words after it still fit.
        width = min(24, max((len(name) for name in names), default=0) + 2)
        self.rows = tuple(
            (name, self._prompt(name, checkout, width), name in wanted) for name in names
        )
        self.query_one("#notes", Static).update(self._notes(checkout, wanted))

    def watch_rows(self, rows: tuple[tuple[str, str, bool], ...]) -> None:
        """Fill the list again, keeping the highlighted line where it was."""
        listing = self.query_one(SelectionList)
        highlighted = listing.highlighted
        with listing.prevent(SelectionList.SelectedChanged):
            listing.clear_options()
            listing.add_options([Selection(prompt, name, on) for name, prompt, on in rows])
        listing.highlighted = (
            highlighted if highlighted is not None and highlighted < len(rows) else 0
        )

    def _prompt(self, name: str, checkout: CheckoutSurvey | None, width: int = 24) -> str:
        assert self.wizard.session is not None
        marks: list[str] = []
        if name == self.wizard.session.profile.plugin.name:
            marks.append("[$accent]new: this profile's plugin[/]")
        if checkout and checkout.external and name in checkout.external:
            marks.append("in VMMaker's list")
        if checkout and checkout.declared and name in checkout.declared:
            marks.append(f"built by {checkout.plugin_list}")
        classes = checkout.plugin_classes if checkout else None
        mine = name == self.wizard.session.profile.plugin.name
        if classes is not None and name not in classes and not mine:
            marks.append("[$warning]⚠ no class in smalltalksrc[/]")
        return f"{escape(name):<{width}} [dim]{' · '.join(marks)}[/dim]"

    def _notes(self, checkout: CheckoutSurvey | None, wanted: list[str]) -> str:
        assert self.wizard.session is not None
        profile = self.wizard.session.profile
        lines: list[str] = []
        if checkout is None:
            return "[dim]reading the checkout…[/dim]"
        if not checkout.present:
            lines.append(
                "[$warning]No pharo-vm clone yet[/]: the plugin classes and VMMaker's list "
                "come from it. F2 Setup clones it."
            )
        if checkout.external_problem:
            lines.append(f"[$error]{escape(checkout.external_problem)}[/]")
        if checkout.external is not None:
            lines.append(
                "VMMaker's list today: #("
                + " ".join(escape(n) for n in checkout.external)
                + ")"
                + f"\n[dim](PharoVMMaker, in {escape(checkout.vmmaker_list or '?')})[/dim]"
            )
        lines.append("The list to write: #(" + " ".join(escape(n) for n in wanted) + ")")
        lines.append(
            "[dim](the profile's own list)[/dim]"
            if profile.external_plugins is not None
            else "[dim](the default: VMMaker's list plus your plugin; d restores it)[/dim]"
        )
        if profile.plugin.name not in wanted:
            lines.append(
                f"[$warning]⚠ {profile.plugin.name} is off[/]: VMMaker will not generate it "
                "as an external plugin, so there will be no library to load."
            )
        classes = checkout.plugin_classes
        if classes is not None:
            for name in wanted:
                if name not in classes and name != profile.plugin.name:
                    lines.append(
                        f"[$warning]⚠ {escape(name)} is listed but smalltalksrc has no plugin "
                        "class of that name[/]: VMMaker drops it silently and the build fails "
                        "later with a missing C file."
                    )
        if checkout.declared is not None:
            from wizard.words import few

            declared = few((escape(n) for n in checkout.declared), near=profile.plugin.name)
            lines.append(f"{checkout.plugin_list} builds: {declared}")
        return "\n\n".join(lines)

    # -- toggling

    @on(SelectionList.SelectedChanged, "#plugins")
    def _toggled(self, event: SelectionList.SelectedChanged[str]) -> None:
        app = self.wizard
        assert app.session is not None
        profile = app.session.profile
        checkout = app.checkout_survey
        current = checkout.external if checkout else None
        before = external_plugins_after(profile.external_plugins, current, profile.plugin.name)
        chosen = set(event.selection_list.selected)
        after = [name for name in before if name in chosen]
        after += [name for name in event.selection_list.selected if name not in after]
        if after == before and profile.external_plugins is not None:
            return
        app.session.set_external_plugins(tuple(after))
        app.profile_edited()
        self.draw_body()
        self.mutate_reactive(PluginsScreen.rows)  # the list is drawn again even when equal

    def action_default_list(self) -> None:
        """Forget the profile's own list: VMMaker's list plus the plugin, as the step computes."""
        app = self.wizard
        assert app.session is not None
        app.session.set_external_plugins(None)
        app.profile_edited()
        self.draw_body()

    def next_text(self, views: dict[str, StepView]) -> str:
        assert self.wizard.session is not None
        branch = self.wizard.session.profile.plugin_branch
        if self.phase_done(views):
            return "[b]VMMaker's list is written and committed.[/b] Next: ctrl+n goes to F5 Build."
        return (
            "Next: ctrl+n writes this list into PharoVMMaker, commits the plugin on "
            f"{branch}, then goes to F5 Build."
        )
