"""The screen phases: contiguous slices of the plan, and their state from step views."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from screens.phases import (
    StepView,
    first_open_phase,
    phase_state,
    phase_steps,
    recorded_views,
)
from screens.run import RunFeed, RunModel, StepFinished, StepStarted, TuiSink, problem_lines
from tests.hypothesis_counts import examples
from wizard.engine.plan import step_ids
from wizard.engine.state import step_records
from wizard.engine.step import Outcome


def test_phases_cover_each_plan_once_and_in_order():
    for mode in ("two-pass", "single-pass"):
        phases = phase_steps(mode)
        flat = [step for ids in phases.values() for step in ids]
        assert tuple(flat) == step_ids(mode)
        assert phases["setup"] == ("clone", "checkout", "branch")
        assert phases["develop"] == ("plugin-source",)
        assert phases["plugins"][0] == "plugin-list" and phases["plugins"][-1] == "commit"
    assert phase_steps("single-pass")["plugins"] == ("plugin-list", "plugins-cmake", "commit")


def view(state: str) -> StepView:
    return StepView("x", "x", state)


def test_phase_state_words():
    assert phase_state([view("pending"), view("pending")]) == "not started"
    assert phase_state([view("done"), view("pending")]) == "partly"
    assert phase_state([view("done"), view("skipped")]) == "done"
    assert phase_state([view("done"), view("failed")]) == "failed"
    assert phase_state([view("interrupted")]) == "partly"
    assert phase_state([view("running"), view("failed")]) == "running"


def test_where_the_work_stands_from_state_alone():
    state = {"steps": {s: {"status": "done"} for s in ("clone", "checkout", "branch")}}
    views = recorded_views(step_records(state), "two-pass")
    from screens.phases import phase_states

    assert first_open_phase(phase_states(views, "two-pass")) == "develop"


class FakeStep:
    def __init__(self, step_id: str) -> None:
        self.id = step_id
        self.title = step_id


def test_the_feed_keeps_order_bounds_lines_and_finds_problems():
    feed = RunFeed(max_lines=100)
    sink = TuiSink(feed)
    sink.step_started(1, 2, FakeStep("compile"))
    sink.output("".join(f"line {i}\n" for i in range(1000)))
    sink.output("foo.c:12:3: error: unknown type name 'sqInt'\nwarning: unused x\n")
    sink.progress(42)
    sink.step_finished(FakeStep("compile"), Outcome("failed", "compile: the C compiler failed"))
    update = feed.take()
    assert feed.take() is None
    kinds = [type(seg).__name__ for seg in update.segments]
    assert kinds == ["StepStarted", "Lines", "StepFinished"]
    lines = update.segments[1]
    assert len(lines.lines) == 100 and lines.dropped == 904
    assert [p.kind for p in update.problems] == ["error", "warning"]
    assert update.problems[0].line == 1002 and update.problems[0].step_id == "compile"
    assert update.progress == 42
    model = RunModel(lambda: 0.0, max_lines=50)
    model.start(("compile",))
    model.apply(update)
    assert len(model.lines) == 50 and model.total_lines == 1004
    assert model.failure[0] == "compile" and model.percent == 42
    assert isinstance(update.segments[0], StepStarted)
    assert isinstance(update.segments[2], StepFinished)


# The rule, as one regex over the whole text: the oracle for the line-by-line search.
WHOLE_LINE_PROBLEM = re.compile(
    r"^.*(?:CMake Error|CMake Warning|\berror:|\bError:|\bwarning:|\*\*\* .*Error \d+).*$",
    re.MULTILINE,
)
PIECES = ["error:", "Error:", "warning:", "CMake Error", "CMake Warning", "*** [all] Error 2"]
PIECES += ["rror", "arning", "Werror", "x", " ", "\n", "\r\n", "Error 1", "**"]


@settings(max_examples=examples(500), deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16).map("".join))
def test_problem_lines_are_the_lines_the_rule_names(text):
    expected = [(m.start(), m.group(0)) for m in WHOLE_LINE_PROBLEM.finditer(text)]
    assert problem_lines(text) == expected
