"""F5 Build: the whole plan with live status, the running step's output, and the result.

Left, the steps (state from detect and from the run, with the reason of the highlighted
one), and the process monitor. Right, the output in a ``Log`` fed in batches (the whole
output stays in the step's log file: ``e`` opens it in $EDITOR, ``l`` in a pager), the
progress from ``[ 42%]`` lines and the elapsed time; below it the error and warning lines,
or the failure panel (first errors, log, what to do), or the result (the library, its
exports and the Smalltalk to paste into an image).

``ctrl+n`` runs every remaining step, ``enter`` the highlighted one, ``r`` retries the
failed one (the engine's order guard applies), ``ctrl+x`` stops the run.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import ContentSwitcher, Log, OptionList, ProgressBar, Static, TextArea

from screens.base import PhaseScreen
from screens.phases import StepView
from screens.run import MAX_LINES, Lines, Problem, RunUpdate, clock_text, tui_hint
from screens.widgets.process_monitor import ProcessMonitor
from screens.widgets.step_list import StepList
from wizard.engine.plan import step_ids
from wizard.engine.state import StepRecord
from wizard.engine.survey import relative_to_workspace, shorten
from wizard.vm.try_table import TryRow, table_lines

MAX_PROBLEMS_SHOWN = 200


class BuildScreen(PhaseScreen):
    """Steps, live output, process monitor, failure and result."""

    PHASE = "build"
    BINDINGS = [
        Binding("ctrl+n", "advance", "Run all", priority=True),
        Binding("r", "retry", "Retry"),
        Binding("e", "open_log('editor')", "Edit log"),
        Binding("l", "open_log('pager')", "Page log"),
        Binding("y", "copy_snippet", "Copy snippet"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._stale_log = True
        self._problems_shown = 0
        #: The failure whose step was last highlighted: a new failure takes the highlight
        #: once, however fast the run went, and then the user's choice stands.
        self._failure_followed: object | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="plan-pane"):
                steps = StepList(id="plan")
                steps.border_title = "Plan (enter runs one)"
                yield steps
                detail = Static("", id="step-detail")
                detail.border_title = "Step"
                yield detail
                yield ProcessMonitor(enabled=self.wizard.monitor, id="monitor")
            with Vertical(id="output-pane"):
                with Horizontal(id="output-head"):
                    yield Static("", id="output-title")
                    yield ProgressBar(total=100, show_eta=False, id="build-progress")
                log = Log(max_lines=MAX_LINES, id="output")
                yield log
                with ContentSwitcher(initial="problems", id="bottom"):
                    problems = OptionList(id="problems")
                    problems.border_title = "Errors and warnings"
                    yield problems
                    with VerticalScroll(id="failure") as failure:
                        failure.border_title = "Failed"
                        yield Static("", id="failure-text")
                    with Vertical(id="result"):
                        yield Static("", id="result-facts")
                        yield TextArea("", read_only=True, id="snippet")

    def mounted(self) -> None:
        self.set_interval(1.0, self._tick)
        self._reload_log()

    def resumed(self) -> None:
        if self._stale_log:
            self._reload_log()

    # -- the output, batch by batch

    def run_changed(self, update: RunUpdate) -> None:
        """Every 50 ms during a run: append the new lines (only while on show)."""
        if not self.is_mounted:
            return
        if not self.is_current:
            self._stale_log = True
            return
        log = self.query_one(Log)
        fresh_run = self.wizard.runs.model.total_lines == 0 and log.line_count > 0
        if self._stale_log or fresh_run:
            self._reload_log()
            return
        for segment in update.segments:
            if isinstance(segment, Lines):
                if segment.dropped:
                    log.write_line(
                        f"… {segment.dropped:,} lines not shown here (all are in the log file)"
                    )
                log.write_lines(segment.lines)
        self._show_problems()
        self._show_progress()

    def _reload_log(self) -> None:
        """Show what the model kept (after coming back to this screen, or on mount)."""
        log = self.query_one(Log)
        log.clear()
        log.write_lines(self.wizard.runs.model.lines)
        self._problems_shown = 0
        self.query_one("#problems", OptionList).clear_options()
        self._show_problems()
        self._show_progress()
        self._stale_log = False

    def _show_problems(self) -> None:
        problems = self.wizard.runs.model.problems
        listing = self.query_one("#problems", OptionList)
        if len(problems) < self._problems_shown:
            listing.clear_options()
            self._problems_shown = 0
        new = problems[self._problems_shown : MAX_PROBLEMS_SHOWN]
        if new:
            listing.add_options([_problem_prompt(p) for p in new])
            self._problems_shown += len(new)
        errors = sum(1 for p in problems if p.kind == "error")
        listing.border_title = (
            f"Errors and warnings: {errors} error(s), {len(problems) - errors} warning(s)"
        )

    def _show_progress(self) -> None:
        model = self.wizard.runs.model
        bar = self.query_one("#build-progress", ProgressBar)
        bar.display = model.running and model.percent is not None
        if model.percent is not None:
            bar.update(progress=model.percent)
        if model.running and model.cancelling:
            title = f"[b]stopping[/b] {model.current or 'the run'} [dim]· {model.total_lines:,} lines[/dim]"
        elif model.running:
            step = model.current or "starting"
            title = (
                f"[b]{step}[/b] running {clock_text(model.step_elapsed())} "
                f"[dim]· {model.total_lines:,} lines[/dim]"
            )
        elif model.started_at is not None:
            title = (
                f"[b]Output[/b] of the last run [dim]({clock_text(model.elapsed())}, "
                f"{model.total_lines:,} lines)[/dim]"
            )
        else:
            title = "[b]Output[/b] [dim]— nothing has run in this session yet[/dim]"
        self.query_one("#output-title", Static).update(title)

    def _tick(self) -> None:
        if self.is_current and self.wizard.runs.model.running:
            self._show_progress()
            self.draw_frame()

    # -- the plan and the panels

    def draw_body(self) -> None:
        app = self.wizard
        if app.session is None:
            return
        views = app.views()
        plan = self.query_one(StepList)
        plan.show(views.values())
        self._follow(plan, views)
        self._show_detail(views)
        self._show_progress()
        self._show_bottom(views)
        self.refresh_bindings()

    def _follow(self, plan: StepList, views: dict[str, StepView]) -> None:
        """Highlight the step that matters: the running one, else the first not done."""
        model = self.wizard.runs.model
        wanted = model.current
        failure = model.failure
        if wanted is None and failure is not None and failure is not self._failure_followed:
            self._failure_followed = failure
            wanted = failure[0]
        if wanted is None and plan.has_focus and plan.highlighted is not None:
            return  # the user is choosing a step: leave the highlight alone
        if wanted is None:
            broken = [v.id for v in views.values() if v.state in ("failed", "interrupted")]
            pending = [v.id for v in views.values() if not v.finished]
            found = broken or pending
            wanted = found[0] if found else None
        ids = list(views)
        if wanted in ids and plan.highlighted != ids.index(wanted):
            plan.highlighted = ids.index(wanted)

    @on(OptionList.OptionHighlighted, "#plan")
    def _step_highlighted(self) -> None:
        if self.wizard.session is not None:
            self._show_detail(self.wizard.views())
            self.refresh_bindings()

    def _show_detail(self, views: dict[str, StepView]) -> None:
        plan = self.query_one(StepList)
        step = plan.highlighted_id
        detail = self.query_one("#step-detail", Static)
        # Which step enter runs, in words: the highlight alone is only a colour.
        if self.wizard.runs.model.running:
            plan.border_subtitle = "ctrl+x stops the run"
        else:
            plan.border_subtitle = f"enter runs {step}" if step in views else ""
        if step is None or step not in views:
            detail.update("[dim]highlight a step to see why it is in its state[/dim]")
            return
        view = views[step]
        log = self._log_of(step)
        lines = [f"[b]{step}[/b]: {escape(view.title)}", f"{view.state}: {escape(view.reason)}"]
        if log is not None:
            lines.append(f"[dim]log: {escape(log)}[/dim]")
        detail.update("\n".join(lines))

    def _show_bottom(self, views: dict[str, StepView]) -> None:
        """Problems while running; the failure panel after a failure; the result when built."""
        model = self.wizard.runs.model
        switcher = self.query_one("#bottom", ContentSwitcher)
        failure = self._failure(views)
        if model.running:
            switcher.current = "problems"
        elif failure is not None:
            self.query_one("#failure-text", Static).update(failure)
            if model.failure is not None:
                interrupted = model.failure[1].kind == "interrupted"
            else:
                interrupted = any(view.state == "interrupted" for view in views.values())
            self.query_one("#failure").border_title = "Interrupted" if interrupted else "Failed"
            switcher.current = "failure"
        elif views.get("verify") and views["verify"].finished:
            self._show_result()
            switcher.current = "result"
        else:
            switcher.current = "problems"

    def _failure(self, views: dict[str, StepView]) -> str | None:
        """The failure panel's text: the step, its first errors, the log, what to do."""
        model = self.wizard.runs.model
        if model.refused and not model.running:
            return f"[$warning]The run did not start:[/] {escape(model.refused)}"
        failed = model.failure
        if failed is None:
            recorded = [v for v in views.values() if v.state in ("failed", "interrupted")]
            if not recorded:
                return None
            return self._recorded_failure(recorded[0])
        step, outcome = failed
        if views.get(step) and views[step].finished:
            return None
        word = "interrupted" if outcome.kind == "interrupted" else "failed"
        workspace = self._workspace()
        reason = outcome.reason.removeprefix(f"{step}: ")  # the step is named already
        lines = [f"[$error]✗ {step} {word}:[/] {escape(shorten(reason, workspace))}"]
        lines += [f"  {escape(shorten(detail, workspace))}" for detail in outcome.details[:12]]
        if outcome.log is not None:
            shown = relative_to_workspace(outcome.log, self._workspace())
            lines.append(f"log: {escape(shown)}  [dim](e: $EDITOR, l: pager)[/dim]")
        hint = tui_hint(outcome) if outcome.kind == "failed" else None
        if hint:
            lines.append(f"[b]next:[/b] {escape(shorten(hint, workspace))}")
        if step == "plugin-source":
            lines.append("[b]F3[/b] Develop shows the methods, with the diagnostics")
        if outcome.kind == "interrupted":
            lines.append("[b]next:[/b] r retries this step; ctrl+n resumes the run from it")
        else:
            lines.append("[dim]r retries this step; ctrl+n runs every remaining step[/dim]")
        return "\n".join(lines)

    def _recorded_failure(self, view: StepView) -> str:
        """A failure or interruption an earlier run recorded: its reason from ``state:``,
        what the disk says now, the log, and the keys."""
        assert self.wizard.session is not None
        record = self.wizard.session.records.get(view.id)
        why = record.reason if record is not None and record.reason else None
        head = f"[$error]✗ {view.id} {view.state}[/] (recorded by an earlier run)"
        survey = self.wizard.survey
        status = survey.statuses.get(view.id) if survey is not None else None
        now = f"the disk now: {escape(status.reason)}" if status is not None else ""
        lines = [f"{head}: {escape(why)}" if why else head, now or escape(view.reason)]
        log = self._log_of(view.id)
        if log:
            lines.append(f"log: {escape(log)}  [dim](e: $EDITOR, l: pager)[/dim]")
        word = "retries" if view.state == "failed" else "resumes"
        lines.append(f"[b]next:[/b] r {word} it; ctrl+n runs every remaining step")
        return "\n".join(lines)

    def _show_result(self) -> None:
        """The library: where it is, its size, its exports, and the snippet for an image."""
        from wizard.slang.snippet import image_snippet

        app = self.wizard
        assert app.session is not None
        profile = app.session.profile
        records = app.session.records
        verify = records.get("verify")
        artifact = verify.facts.get("artifact") if verify else None
        artifact = artifact if isinstance(artifact, dict) else {}
        from wizard.words import few

        exports = few(artifact.get("exports", []), none="?")
        size = artifact.get("size")
        facts = [
            f"[$success]✓ built:[/] [b]{escape(str(artifact.get('path', '?')))}[/b]"
            + (f"  [dim]{size:,} bytes[/dim]" if isinstance(size, int) else ""),
            f"exports: {escape(exports)}",
        ]
        snippet = self.query_one("#snippet", TextArea)
        snippet.display = not profile.plugin.examples
        if profile.plugin.examples:
            facts += try_facts(records.get("try"))
        else:
            facts.append(
                "Paste this into a Playground of an image run by this VM ([b]y[/b] copies it), "
                "or list calls under plugin.examples for the try step:"
            )
        self.query_one("#result-facts", Static).update("\n".join(facts))
        text = image_snippet(profile.plugin)
        if snippet.text != text:
            snippet.load_text(text)

    def _workspace(self) -> Path:
        assert self.wizard.session is not None
        return self.wizard.session.profile.workspace_dir

    def _log_of(self, step: str) -> str | None:
        assert self.wizard.session is not None
        record = self.wizard.session.records.get(step)
        return record.log if record is not None else None

    # -- actions

    def next_text(self, views: dict[str, StepView]) -> str:
        model = self.wizard.runs.model
        if model.running:
            return (
                f"{model.current or 'The run'} is running: ctrl+x stops it (the step is recorded "
                "as interrupted; ctrl+n resumes there)."
            )
        remaining = [view.id for view in views.values() if not view.finished]
        if not remaining:
            return "[b]The plugin is built and checked.[/b] The library and the snippet are below."
        steps = "step" if len(remaining) == 1 else "steps"
        return (
            f"Next: ctrl+n runs the {len(remaining)} remaining {steps}, from {remaining[0]} "
            "(steps already done are skipped)."
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show the keys that can do something now: retry after a failure, logs once written."""
        if self.wizard.session is None or not self.is_mounted:
            return True
        if action == "retry":
            views = self.wizard.views()
            return any(v.state in ("failed", "interrupted") for v in views.values())
        if action == "open_log":
            return self._log_step() is not None and self._log_of(self._log_step() or "") is not None
        if action == "copy_snippet":
            views = self.wizard.views()
            return "verify" in views and views["verify"].finished
        return True

    def action_advance(self) -> None:
        """ctrl+n: every remaining step of the plan, in order (done steps are skipped)."""
        app = self.wizard
        if app.runs.model.running:
            app.notify("a run is going on; ctrl+x stops it", severity="warning")
            return
        app.runs.start(step_ids(app.mode), then=None, guard=False)

    @on(OptionList.OptionSelected, "#plan")
    def _run_one(self, event: OptionList.OptionSelected) -> None:
        """enter on a step: run that step alone, if the steps before it are done."""
        if event.option.id is not None:
            self.wizard.runs.start((event.option.id,), guard=True)

    def action_retry(self) -> None:
        """Run the failed (or interrupted) step again."""
        views = self.wizard.views()
        failed = [view.id for view in views.values() if view.state in ("failed", "interrupted")]
        highlighted = self.query_one(StepList).highlighted_id
        step = highlighted if highlighted in failed else (failed[0] if failed else None)
        if step is None:
            self.app.notify("no failed step to retry", timeout=3)
            return
        self.wizard.runs.start((step,), guard=True)

    def action_open_log(self, how: str) -> None:
        """Hand the terminal to $EDITOR or a pager on the step's full log file."""
        step = self._log_step()
        relative = self._log_of(step) if step else None
        if relative is None:
            self.app.notify("this step has no log yet", timeout=3)
            return
        path = self._workspace() / relative
        command = _viewer(how)
        if command is None:
            self.app.notify("no editor or pager found; set $EDITOR or $PAGER", severity="warning")
            return
        with self.app.suspend():
            subprocess.run([*command, str(path)], check=False)

    def _log_step(self) -> str | None:
        model = self.wizard.runs.model
        if model.running and model.current:
            return model.current
        highlighted = self.query_one(StepList).highlighted_id
        if highlighted and self._log_of(highlighted):
            return highlighted
        if model.failure is not None:
            return model.failure[0]
        return highlighted

    def action_copy_snippet(self) -> None:
        from wizard.slang.snippet import image_snippet

        assert self.wizard.session is not None
        self.app.copy_to_clipboard(image_snippet(self.wizard.session.profile.plugin))
        self.app.notify("the Smalltalk snippet is on the clipboard", timeout=3)


def try_facts(record: StepRecord | None) -> list[str]:
    """The last try, from its ``state:`` record: its verdict and its table (markup-escaped
    lines)."""
    table = record.facts.get("table") if record is not None else None
    if record is None or not isinstance(table, list) or not table:
        return ["try has not called the examples yet: [b]ctrl+n[/b] runs it in the built VM"]
    rows = [TryRow.from_state(row) for row in table if isinstance(row, dict)]
    bench = any(row.calls_per_second is not None for row in rows)
    passed = record.done
    head = (
        "[$success]✓ try:[/] every example answered as expected"
        if passed
        else "[$error]✗ try:[/] not every example answered as expected"
    )
    return [head, *(escape(line) for line in table_lines(rows, bench))]


def _problem_prompt(problem: Problem) -> str:
    colour = "$error" if problem.kind == "error" else "$warning"
    return f"[{colour}]{problem.step_id}:{problem.line}[/] {escape(problem.text[:300])}"


def _viewer(how: str) -> list[str] | None:
    """The editor or pager command as an argument list (never a shell string)."""
    if how == "editor":
        value = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        fallbacks = ("nano", "vi")
    else:
        value = os.environ.get("PAGER")
        fallbacks = ("less", "more")
    if value:
        parts = shlex.split(value)
        if parts and shutil.which(parts[0]):
            return parts
    for name in fallbacks:
        found = shutil.which(name)
        if found:
            return [found]
    return None
