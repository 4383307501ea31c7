"""The four phase screens of the wizard, which steps of the plan each one runs, and its state.

The plan has three engine phases (setup, develop, build); the TUI shows four, because
choosing the external plugins is a decision of its own. Each screen phase is a contiguous
slice of the plan, so "run this phase" never runs a step out of order:

- Setup: clone, checkout, branch
- Develop: plugin-source (the class in Tonel)
- Plugins: from plugin-list to commit (in single-pass mode plugins-cmake sits in between)
- Build: everything after the commit

Everything here is pure: step statuses (a :class:`wizard.engine.survey.Survey`, the run's marks,
``state:``) in, words for the screen out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wizard.engine.plan import phase_of, step_ids, title_of
from wizard.engine.state import PENDING

if TYPE_CHECKING:
    from wizard.engine.state import StepRecord
    from wizard.engine.step import Outcome
    from wizard.engine.survey import Survey

PHASES: tuple[str, ...] = ("setup", "develop", "plugins", "build")
TITLES = {"setup": "Setup", "develop": "Develop", "plugins": "Plugins", "build": "Build"}
KEYS = {"setup": "f2", "develop": "f3", "plugins": "f4", "build": "f5"}
NEXT = {"setup": "develop", "develop": "plugins", "plugins": "build", "build": None}

# What a step shows in a list: the word and the mark in front of it.
MARKS = {
    "pending": "○",
    "running": "▶",
    "done": "✓",
    "skipped": "✓",
    "failed": "✗",
    "interrupted": "‖",
    "changed": "◇",
}

PHASE_MARKS = {
    "not started": "○",
    "partly": "◐",
    "done": "●",
    "failed": "✗",
    "running": "▶",
    "changed": "◇",
}


def phase_steps(mode: str) -> dict[str, tuple[str, ...]]:
    """The step ids of each screen phase, in plan order, for a build mode."""
    ids = step_ids(mode)
    first_list = ids.index("plugin-list")
    commit = ids.index("commit")
    setup = tuple(step for step in ids[:first_list] if phase_of(step) == "setup")
    develop = tuple(step for step in ids[:first_list] if phase_of(step) != "setup")
    return {
        "setup": setup,
        "develop": develop,
        "plugins": ids[first_list : commit + 1],
        "build": ids[commit + 1 :],
    }


def screen_phase_of(step_id: str, mode: str) -> str:
    """The screen phase a step belongs to."""
    for phase, ids in phase_steps(mode).items():
        if step_id in ids:
            return phase
    raise KeyError(step_id)


@dataclass(frozen=True)
class StepView:
    """One step as a screen shows it: its state word and why."""

    id: str
    title: str
    state: str  # pending | running | done | skipped | failed | interrupted | changed
    reason: str = ""

    @property
    def finished(self) -> bool:
        return self.state in ("done", "skipped")

    @property
    def mark(self) -> str:
        return MARKS.get(self.state, "?")


def phase_state(views: Iterable[StepView]) -> str:
    """not started / partly / changed / done / failed (or running) for one phase's steps."""
    states = [view.state for view in views]
    if not states:
        return "not started"
    if "running" in states:
        return "running"
    if all(state in ("done", "skipped") for state in states):
        return "done"
    if "failed" in states:
        return "failed"
    if "changed" in states:  # it ran, then its files were edited: it must run again
        return "changed"
    if any(state in ("done", "skipped", "interrupted") for state in states):
        return "partly"
    return "not started"


def phase_states(views: Mapping[str, StepView], mode: str) -> dict[str, str]:
    """The state of each screen phase from the views of every step."""
    return {
        phase: phase_state(views[step] for step in ids if step in views)
        for phase, ids in phase_steps(mode).items()
    }


def first_open_phase(states: Mapping[str, str]) -> str:
    """Where the work stands: the first phase that is not done (Build when all are)."""
    for phase in PHASES:
        if states.get(phase) != "done":
            return phase
    return "build"


def recorded_views(records: Mapping[str, StepRecord], mode: str) -> dict[str, StepView]:
    """Step views from the profile's ``state:`` alone: a first guess before detect answers."""
    views = {}
    for step in step_ids(mode):
        record = records.get(step)
        word = record.status if record is not None else PENDING
        views[step] = StepView(step, title_of(step), word, "as last recorded")
    return views


@dataclass
class RunMarks:
    """What the current (or last) run says about steps, on top of the survey."""

    running: str | None = None
    outcomes: dict[str, Outcome] = field(default_factory=dict)


def step_views(
    ids: tuple[str, ...],
    survey: Survey | None,
    records: Mapping[str, StepRecord],
    marks: RunMarks | None = None,
) -> dict[str, StepView]:
    """The state of each step: the run's marks first, then detect, then ``state:``.

    A step that ``state:`` records as done but whose detect now says not done (its files were
    edited after it ran) is "changed", not "pending": it did run, and it must run again.
    """
    marks = marks or RunMarks()
    views: dict[str, StepView] = {}
    for step in ids:
        title = title_of(step)
        status = survey.statuses.get(step) if survey else None
        outcome = marks.outcomes.get(step)
        record = records.get(step)
        last = record.status if record is not None else PENDING
        if marks.running == step:
            views[step] = StepView(step, title, "running", status.reason if status else "")
        elif outcome is not None and outcome.kind in ("failed", "interrupted"):
            views[step] = StepView(step, title, outcome.kind, outcome.reason)
        elif outcome is not None and outcome.kind == "ok":
            views[step] = StepView(step, title, "done", "done in this run")
        elif status is not None and status.done:
            word = "skipped" if outcome is not None and outcome.kind == "skipped" else "done"
            views[step] = StepView(step, title, word, status.reason)
        elif record is not None and record.broken:
            why = status.reason if status else "as last recorded"
            said = f"last run {last}: {record.reason}" if record.reason else f"last run: {last}"
            views[step] = StepView(step, title, last, f"{said}; {why}")
        elif status is None:
            word = "done" if last == "done" else "pending"
            views[step] = StepView(step, title, word, "as last recorded; checking the disk…")
        elif last == "done":  # it ran, and what it made was edited since
            views[step] = StepView(step, title, "changed", f"changed since it ran: {status.reason}")
        else:
            views[step] = StepView(step, title, "pending", status.reason)
    return views
