"""F3 Develop: the plugin class and its Slang methods, checked as you type.

Left, the methods (side and selector; ``a`` adds one, ``delete`` removes one). Right, a
code editor for the highlighted method with Smalltalk highlighting, the class definition,
and a preview of the Tonel file the wizard will write with its diff against the checkout.
Below, the diagnostics: syntax errors and the ``interpreterProxy`` checks against the
checkout's own InterpreterProxy, refreshed a moment after typing stops, in a thread.
Choosing a diagnostic puts the cursor on it. This is where the article's
``interpreterProxy stringFromCString:`` is caught, long before a build would fail.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.widgets.option_list import Option

from screens.base import PhaseScreen
from screens.phases import StepView
from screens.widgets.diagnostics import DiagnosticsList
from screens.widgets.smalltalk import SmalltalkEditor
from wizard.commands.watch import RoundSummary
from wizard.engine.survey import CheckoutSurvey, class_preview
from wizard.errors import ProfileError
from wizard.profile.model import Method, Plugin, Profile
from wizard.slang import syntax as slang
from wizard.vm.try_table import table_lines

if TYPE_CHECKING:
    from wizard.slang.syntax import Diagnostic

LINT_DELAY = 0.15
PREVIEW_DELAY = 0.3
MAX_DIFF_LINES = 3000
NEW_METHOD = '{selector}\n\t"Say what this method does."\n\t^ self\n'


class MethodList(OptionList):
    """The plugin's methods: ``class moduleNameAndVersion``, ``primitiveGetHelloString``…"""

    BINDINGS = [
        Binding("a", "screen.add_method", "Add method"),
        Binding("delete", "screen.remove_method", "Remove method"),
    ]


class DevelopScreen(PhaseScreen):
    """The class definition, the method panes, the diagnostics and the Tonel preview."""

    PHASE = "develop"
    BINDINGS = [
        Binding("ctrl+b", "build_loop", "Build loop"),
        # From the editor (where tab is a tab) or anywhere else, straight to the list.
        Binding("ctrl+l", "focus_methods", "Methods", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.current: int | None = None
        self.diagnostics: list[Diagnostic] = []
        self._lint_timer: Timer | None = None
        self._preview_timer: Timer | None = None
        self._lint_generation = 0
        self._labels: list[str] = []

    def compose_body(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="methods-pane"):
                methods = MethodList(id="methods")
                methods.border_title = "Methods"
                yield methods
                with Horizontal(id="method-buttons"):
                    yield Button("+ add (a)", id="add-method")
                    yield Button("− remove (del)", id="remove-method")
            with Vertical(id="editor-pane"):
                with TabbedContent(id="develop-tabs", initial="method-tab"):
                    with TabPane("Method", id="method-tab"):
                        with Horizontal(id="method-meta"):
                            yield Checkbox("class side", id="side")
                            yield Label("protocol")
                            yield Input(placeholder="(none)", id="protocol")
                        yield SmalltalkEditor(id="editor", leave_to="#methods")
                    with TabPane("Class", id="class-tab"):
                        yield from self._compose_class()
                    with TabPane("Tonel file", id="tonel-tab"):
                        yield Static("", id="tonel-title")
                        yield TextArea("", read_only=True, show_line_numbers=True, id="tonel")
                    with TabPane("Diff vs checkout", id="diff-tab"):
                        yield Static("", id="diff-title")
                        with VerticalScroll(id="diff-scroll"):
                            yield Static("", id="diff")
                yield DiagnosticsList(id="diagnostics")
                report = Static("", id="loop-report")
                report.display = False  # until the first ctrl+b
                yield report

    # -- ctrl+b: the Slang loop without leaving the screen

    def action_build_loop(self) -> None:
        """Save, then run the plan: after a first build only the loop's steps run."""
        app = self.wizard
        if app.runs.model.running:
            app.notify("a run is going on; F5 shows it, ctrl+x stops it", severity="warning")
            return
        if app.runs.start_loop():
            report = self.query_one("#loop-report", Static)
            report.display = True
            report.update(f"Build loop {app.runs.loop.count}: running… (F5 shows the output)")

    def _loop_reported(self, report: RoundSummary | None) -> None:
        """A ctrl+b round ended: its summary replaces the "running…" line."""
        if report is not None:
            self.query_one("#loop-report", Static).update(loop_report_text(report))

    def action_focus_methods(self) -> None:
        """ctrl+l: the method list, with the method in the editor highlighted."""
        self.query_one(MethodList).focus()

    def _compose_class(self) -> ComposeResult:
        with VerticalScroll(id="class-form"):
            yield Label("Class name")
            yield Input(id="class-name")
            yield Label("Superclass (a plugin class of the checkout)")
            yield Input(id="superclass")
            yield Label("Category (VMMaker or VMMaker-<Tag>)")
            yield Input(id="category")
            yield Label("Instance variables (separated by spaces)")
            yield Input(id="instance-variables")
            yield Label("Comment")
            yield TextArea("", id="comment")
            yield Static("", id="class-problem", classes="problem")

    def mounted(self) -> None:
        self._fill_methods()
        self._fill_class()
        self._lint_now()
        self.watch(self.wizard, "loop_report", self._loop_reported, init=False)

    # -- the method list

    @property
    def profile(self) -> Profile:
        assert self.wizard.session is not None
        return self.wizard.session.profile

    def _label(self, method: Method, errors: set[tuple[str, str]]) -> str:
        selector = method.selector
        mark = "[$error]✗[/] " if (method.side, selector) in errors else "  "
        side = "[dim]class[/dim] " if method.is_class_side else ""
        return f"{mark}{side}{escape(selector) if selector else '[i](no pattern line)[/i]'}"

    def _error_keys(self) -> set[tuple[str, str]]:
        return {(d.side, d.method) for d in self.diagnostics if d.severity == "error" and d.method}

    def _fill_methods(self, select: int | None = None) -> None:
        """Rebuild the method list (after add or remove) and select ``select``."""
        methods = self.profile.plugin.methods
        errors = self._error_keys()
        self._labels = [self._label(m, errors) for m in methods]
        listing = self.query_one(MethodList)
        listing.clear_options()
        listing.add_options([Option(label) for label in self._labels])
        listing.border_title = f"Methods ({len(methods)})"
        if methods:
            index = select if select is not None else (self.current or 0)
            index = max(0, min(index, len(methods) - 1))
            listing.highlighted = index
            self._show_method(index)
        else:
            self._show_method(None)

    def _relabel(self) -> None:
        """Update the labels that changed (a selector typed, an error found or fixed)."""
        errors = self._error_keys()
        listing = self.query_one(MethodList)
        for index, method in enumerate(self.profile.plugin.methods):
            label = self._label(method, errors)
            if index < len(self._labels) and self._labels[index] != label:
                self._labels[index] = label
                listing.replace_option_prompt_at_index(index, label)

    @on(OptionList.OptionHighlighted, "#methods")
    def _method_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self.current:
            self._show_method(event.option_index)

    @on(OptionList.OptionSelected, "#methods")
    def _method_chosen(self) -> None:
        """enter on a method: edit it."""
        self.query_one(SmalltalkEditor).focus()

    def _show_method(self, index: int | None) -> None:
        """Put method ``index`` into the editor, with its side and protocol."""
        self.current = index
        editor = self.query_one(SmalltalkEditor)
        side = self.query_one("#side", Checkbox)
        protocol = self.query_one("#protocol", Input)
        if index is None:
            editor.load_text("")
            editor.disabled = True
            return
        method = self.profile.plugin.methods[index]
        editor.disabled = False
        if editor.text != method.source:
            editor.load_text(method.source)
        with side.prevent(Checkbox.Changed):
            side.value = method.is_class_side
        with protocol.prevent(Input.Changed):
            protocol.value = method.protocol or ""

    # -- editing a method

    @on(TextArea.Changed, "#editor")
    def _source_changed(self, event: TextArea.Changed) -> None:
        if self.current is None:
            return
        method = self.profile.plugin.methods[self.current]
        text = event.text_area.text
        if text == method.source:
            return
        self._change_method(replace(method, source=text))

    @on(Checkbox.Changed, "#side")
    def _side_changed(self, event: Checkbox.Changed) -> None:
        if self.current is None:
            return
        method = self.profile.plugin.methods[self.current]
        side = "class" if event.checkbox.value else "instance"
        if method.side != side:
            self._change_method(replace(method, side=side))

    @on(Input.Changed, "#protocol")
    def _protocol_changed(self, event: Input.Changed) -> None:
        if self.current is None:
            return
        method = self.profile.plugin.methods[self.current]
        protocol = event.value.strip() or None
        if method.protocol != protocol:
            self._change_method(replace(method, protocol=protocol))

    def _change_method(self, method: Method) -> None:
        assert self.current is not None and self.wizard.session is not None
        self.wizard.session.set_method(self.current, method)
        self.wizard.profile_edited()
        self._relabel()
        self._schedule_lint()
        self._schedule_preview()

    def action_add_method(self) -> None:
        """A new instance method with a selector no other method has."""
        assert self.wizard.session is not None
        taken = {m.selector for m in self.profile.plugin.methods}
        number = 1
        selector = "newMethod"
        while selector in taken:
            number += 1
            selector = f"newMethod{number}"
        index = self.wizard.session.add_method(Method(source=NEW_METHOD.format(selector=selector)))
        self.wizard.profile_edited()
        self._fill_methods(select=index)
        self._schedule_lint()
        editor = self.query_one(SmalltalkEditor)
        editor.focus()
        editor.select_line(0)

    def action_remove_method(self) -> None:
        if self.current is None:
            return
        from screens.dialogs import Confirm

        index = self.current
        selector = self.profile.plugin.methods[index].selector or "this method"

        def answered(remove: bool | None) -> None:
            if remove and self.wizard.session is not None:
                self.wizard.session.remove_method(index)
                self.wizard.profile_edited()
                self._fill_methods(select=index)
                self._schedule_lint()

        self.app.push_screen(Confirm(f"Remove the method {selector}?", yes="Remove"), answered)

    @on(Button.Pressed, "#add-method")
    def _add_pressed(self) -> None:
        self.action_add_method()

    @on(Button.Pressed, "#remove-method")
    def _remove_pressed(self) -> None:
        self.action_remove_method()

    # -- the class definition

    def _fill_class(self) -> None:
        plugin = self.profile.plugin
        values = {
            "#class-name": plugin.name,
            "#superclass": plugin.superclass,
            "#category": plugin.category,
            "#instance-variables": " ".join(plugin.instance_variables),
        }
        for selector, value in values.items():
            field = self.query_one(selector, Input)
            if field.value != value:
                with field.prevent(Input.Changed):
                    field.value = value
        comment = self.query_one("#comment", TextArea)
        if comment.text != (plugin.comment or ""):
            comment.load_text(plugin.comment or "")
        self._superclass_suggestions()

    def _superclass_suggestions(self) -> None:
        checkout = self.wizard.checkout_survey
        if checkout is not None and checkout.plugin_classes:
            self.query_one("#superclass", Input).suggester = SuggestFromList(
                sorted(checkout.plugin_classes), case_sensitive=True
            )

    @on(Input.Changed, "#class-name, #superclass, #category, #instance-variables")
    def _class_field_changed(self) -> None:
        self._edit_class()

    @on(TextArea.Changed, "#comment")
    def _comment_changed(self) -> None:
        if self.query_one("#comment", TextArea).text != (self.profile.plugin.comment or ""):
            self._edit_class()

    def _edit_class(self) -> None:
        """Change the class definition; a value the profile would refuse is shown, not kept."""
        from wizard.profile.save import to_data
        from wizard.profile.validate import validate

        comment = self.query_one("#comment", TextArea).text
        changes: dict[str, Any] = {
            "name": self.query_one("#class-name", Input).value.strip(),
            "superclass": self.query_one("#superclass", Input).value.strip(),
            "category": self.query_one("#category", Input).value.strip(),
            "instance_variables": tuple(self.query_one("#instance-variables", Input).value.split()),
            "comment": comment if comment.strip() else None,
        }
        candidate = replace(self.profile, plugin=replace(self.profile.plugin, **changes))
        problem = self.query_one("#class-problem", Static)
        try:
            validate(to_data(candidate), self.profile.path)
        except ProfileError as error:
            problem.update(f"{error.field}: {error.message}" if error.field else error.message)
            return
        problem.update("")
        assert self.wizard.session is not None
        self.wizard.session.update(candidate)
        self.wizard.profile_edited()
        self._schedule_lint()
        self._schedule_preview()

    # -- diagnostics

    def _schedule_lint(self) -> None:
        if self._lint_timer is None:
            self._lint_timer = self.set_timer(LINT_DELAY, self._lint_now)
        else:
            self._lint_timer.reset()

    def _lint_now(self) -> None:
        self._lint_timer = None
        self._lint_generation += 1
        checkout = self.wizard.checkout_survey
        proxy = checkout.proxy_api if checkout else None
        classes = checkout.plugin_classes if checkout and checkout.proxy_api is not None else None
        if checkout is not None and proxy is None:
            from wizard.slang.shipped_proxy import shipped_proxy

            proxy = shipped_proxy(self.profile.repository.base_branch).selectors
        self._lint(self.profile.plugin, proxy, classes, self._lint_generation)

    @work(thread=True, exclusive=True, group="lint", exit_on_error=False)
    def _lint(
        self,
        plugin: Plugin,
        proxy: Mapping[str, int] | None,
        classes: Collection[str] | None,
        generation: int,
    ) -> None:

        found = slang.lint(plugin, proxy, classes)
        self.app.call_from_thread(self._show_diagnostics, found, generation)

    def _show_diagnostics(self, found: list[Diagnostic], generation: int) -> None:
        if generation != self._lint_generation:
            return
        self.diagnostics = found
        self.query_one(DiagnosticsList).show(found, self._scope())
        self._relabel()
        self.draw_frame()

    def _scope(self) -> str:
        checkout = self.wizard.checkout_survey
        if checkout is None:
            return "reading the checkout…"
        if checkout.proxy_api is None:
            from wizard.slang.shipped_proxy import shipped_proxy

            shipped = shipped_proxy(self.profile.repository.base_branch)
            return f"no clone yet (F2): proxy sends checked against {shipped.branch}'s shipped list"
        return f"checked against {self.profile.repository.path}/ ({len(checkout.proxy_api)} proxy selectors)"

    @on(DiagnosticsList.Chosen)
    def _diagnostic_chosen(self, event: DiagnosticsList.Chosen) -> None:
        """Go to the method of the diagnostic and put the cursor on its line and column."""
        diagnostic = event.diagnostic
        if not diagnostic.method:
            self.query_one(TabbedContent).active = "class-tab"
            return
        for index, method in enumerate(self.profile.plugin.methods):
            if method.selector == diagnostic.method and method.side == diagnostic.side:
                self.query_one(TabbedContent).active = "method-tab"
                self.query_one(MethodList).highlighted = index
                self._show_method(index)
                editor = self.query_one(SmalltalkEditor)
                editor.move_cursor((max(0, diagnostic.line - 1), max(0, diagnostic.column - 1)))
                editor.focus()
                return

    # -- the Tonel preview and its diff

    @on(TabbedContent.TabActivated, "#develop-tabs")
    def _tab_activated(self) -> None:
        self._preview_now()

    def _schedule_preview(self) -> None:
        if self.query_one(TabbedContent).active not in ("tonel-tab", "diff-tab"):
            return
        if self._preview_timer is None:
            self._preview_timer = self.set_timer(PREVIEW_DELAY, self._preview_now)
        else:
            self._preview_timer.reset()

    def _preview_now(self) -> None:
        self._preview_timer = None
        if self.query_one(TabbedContent).active in ("tonel-tab", "diff-tab"):
            self._preview(self.profile.plugin, self.wizard.checkout_survey)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _preview(self, plugin: Plugin, checkout: CheckoutSurvey | None) -> None:

        shown = class_preview(plugin, checkout)
        self.app.call_from_thread(
            self._show_preview, shown.path, shown.text, shown.current, shown.diff
        )

    def _show_preview(self, path: str, text: str, current: str | None, diff: str) -> None:
        if current is None:
            state = "new: not in the checkout yet"
        elif current == text:
            state = "the checkout has exactly this"
        else:
            state = "differs from the checkout"
        self.query_one("#tonel-title", Static).update(f"[b]{escape(path)}[/b]  [dim]{state}[/dim]")
        tonel = self.query_one("#tonel", TextArea)
        if tonel.text != text:
            tonel.load_text(text)
        self.query_one("#diff-title", Static).update(
            f"[b]diff[/b] {escape(path)}: checkout → what the profile renders  [dim]{state}[/dim]"
        )
        self.query_one("#diff", Static).update(_coloured_diff(diff))

    # -- redraws and the guide

    def draw_body(self) -> None:
        if self.wizard.session is None:
            return
        if len(self._labels) != len(self.profile.plugin.methods):
            self._fill_methods()

    def checkout_changed(self) -> None:
        self._superclass_suggestions()
        self._lint_now()
        self._preview_now()

    def next_text(self, views: dict[str, StepView]) -> str:
        errors = sum(1 for d in self.diagnostics if d.severity == "error")
        if errors:
            return (
                f"[$error]{errors} error(s)[/] in the methods: fix them (enter on a diagnostic "
                "goes there); a class with errors is not written."
            )
        if self.phase_done(views):
            return (
                "[b]The class file matches the profile.[/b] Next: ctrl+n goes to F4 Plugins, "
                "the external plugin list."
            )
        return (
            "Next: ctrl+n checks the methods, writes the class into "
            f"smalltalksrc/{self.profile.plugin.package}, then goes to F4 Plugins."
        )


def _coloured_diff(diff: str) -> Text:
    """A unified diff with additions green, removals red, hunks cyan (at most 3,000 lines)."""
    if not diff:
        return Text("no difference", style="dim")
    lines = diff.splitlines()
    text = Text()
    for line in lines[:MAX_DIFF_LINES]:
        style = ""
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        text.append(line + "\n", style=style)
    if len(lines) > MAX_DIFF_LINES:
        text.append(f"… {len(lines) - MAX_DIFF_LINES} more lines\n", style="dim")
    return text


def loop_report_text(report: RoundSummary) -> Text:
    """The round's time and exports, or its failure with each error line's Slang method."""
    text = Text()
    text.append(f"Build loop {report.number}: ", style="bold")
    if report.failed:
        text.append(f"FAILED {report.failed}", style="bold red")
    else:
        text.append("ok", style="bold green")
    text.append(f" in {report.seconds:.1f} s; ran: {', '.join(report.ran) or 'nothing'}")
    if report.exports:
        from wizard.words import few

        text.append(f"\nexports: {few(report.exports)}")
    if report.tried != "not in the plan":
        text.append(f"\ntry: {report.tried}")
    if report.tries:
        bench = any(row.calls_per_second is not None for row in report.tries)
        for line in table_lines(report.tries, bench):
            text.append(f"\n  {line}", style="dim")
    for error in report.errors:
        text.append("\n")
        if error.method:
            text.append(f"{error.method}: ", style="bold")
        text.append(error.line)
    return text
