"""``state:`` read into typed records with one status vocabulary, and the one store of it
that the engine writes and every face reads as immutable snapshots."""

from __future__ import annotations

import pytest

from tests.test_profile import MINIMAL, write
from wizard.engine.state import StateStore, StepRecord, step_records
from wizard.engine.step import Context
from wizard.profile.load import load_profile
from wizard.profile.writer import save_state

OLD_STATE = """state:
  steps:
    clone: {status: ok, time: '2026-01-01T00:00:00+00:00', seconds: 3.5, log: logs/clone.log}
    plugin-source:
      status: done
      files: {src/Plugin.class.st: abc123}
      exports: [primitiveHello]
    branch: {status: failed}
"""


def test_an_ok_written_before_loads_as_done(tmp_path):
    profile = load_profile(write(tmp_path, MINIMAL + OLD_STATE))
    records = Context(profile).records
    assert records["clone"].status == "done" and records["clone"].done
    assert records["clone"].seconds == 3.5 and records["clone"].log == "logs/clone.log"
    assert profile.state["steps"]["clone"]["status"] == "done", "one word for the raw readers too"
    assert records["branch"].broken and not records["branch"].done
    assert StateStore(profile.state).record("try").status == "pending"


def test_a_record_keeps_the_facts_it_does_not_know(tmp_path):
    path = write(tmp_path, MINIMAL + OLD_STATE)
    profile = load_profile(path)
    record = step_records(profile.state)["plugin-source"]
    assert record.files == {"src/Plugin.class.st": "abc123"}
    assert record.facts == {"exports": ["primitiveHello"]}
    profile.state["steps"]["plugin-source"] = record.as_entry()
    save_state(profile)
    again = load_profile(path).state["steps"]["plugin-source"]
    assert again == {
        "status": "done",
        "exports": ["primitiveHello"],
        "files": {"src/Plugin.class.st": "abc123"},
    }


def test_a_word_that_is_no_status_is_pending():
    assert StepRecord.read({"status": "green"}).status == "pending"
    assert StepRecord.read("not a mapping") == StepRecord()
    assert StepRecord().as_entry() == {}


class _Flaky:
    """A step that fails with a one-line reason while ``failing`` is set, else succeeds."""

    id = "configure"
    title = "a step that fails once"
    always_runs = True
    failing = True

    def detect(self, ctx):  # always_runs: never asked
        raise AssertionError

    def run(self, ctx, out) -> None:
        from wizard.errors import StepFailed

        if self.failing:
            raise StepFailed("cmake could not configure the build", details=["CMake Error"])

    def record(self, ctx) -> dict:
        return {}


def test_a_failure_keeps_its_reason_and_a_later_success_forgets_it(tmp_path):
    import io

    from wizard.engine.run import run_steps
    from wizard.engine.sink import ConsoleSink

    path = write(tmp_path, MINIMAL)
    step = _Flaky()
    result = run_steps([step], Context(load_profile(path)), ConsoleSink(io.StringIO()))
    assert result.exit_code == 1
    record = StateStore(load_profile(path).state).record("configure")
    assert record.status == "failed"
    assert record.reason == "cmake could not configure the build"
    step.failing = False
    run_steps([step], Context(load_profile(path)), ConsoleSink(io.StringIO()))
    record = StateStore(load_profile(path).state).record("configure")
    assert record.status == "done" and record.reason is None
    assert "reason" not in load_profile(path).state["steps"]["configure"]


def test_the_store_publishes_each_change_and_never_changes_a_snapshot_taken():
    store = StateStore({"steps": {"clone": {"status": "done"}}})
    before, records = store.data, store.records()
    store.put("branch", StepRecord(status="failed", reason="git refused"))
    store.change("clone", lambda entry: entry.update(seconds=1.5))
    assert before["steps"] == {"clone": {"status": "done"}}  # what a reader took stays
    assert set(records) == {"clone"}
    assert store.records()["branch"].broken and store.record("branch").reason == "git refused"
    assert store.entry("clone") == {"status": "done", "seconds": 1.5}
    with pytest.raises(TypeError):
        store.data["steps"] = {}  # a snapshot is read-only


def test_a_reader_dumps_snapshots_while_the_engine_records_steps():
    """The TUI's thread reads while the engine's writes: no copy fails half-way."""
    import threading

    import yaml

    store = StateStore()
    done = threading.Event()

    def engine() -> None:
        for number in range(2000):
            store.put(f"step-{number % 50}", StepRecord(status="done", seconds=float(number)))
        done.set()

    writer = threading.Thread(target=engine)
    writer.start()
    dumps = 0
    while not done.is_set() or dumps == 0:
        snapshot = store.data
        steps = snapshot.get("steps", {})
        yaml.safe_dump({"steps": dict(steps)})  # iterating a dict another thread changes raises
        dumps += 1
    writer.join()
    assert len(store.records()) == 50
