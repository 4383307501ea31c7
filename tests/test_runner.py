"""The runner: argument lists, output streamed as it comes, the process tree stopped."""

from __future__ import annotations

import sys
import threading
import time

import psutil
import pytest

from wizard.engine.runner import CancelToken, run_command, stop_tree
from wizard.engine.sink import StepOutput
from wizard.errors import Interrupted, StepFailed


class RecordingSink:
    """A sink that keeps what it was given, with the time each chunk arrived."""

    shows_progress = True

    def __init__(self) -> None:
        self.chunks: list[tuple[float, str]] = []
        self.percents: list[int] = []

    def step_started(self, index, total, step) -> None: ...

    def step_finished(self, step, outcome) -> None: ...

    def message(self, text: str) -> None: ...

    def output(self, text: str) -> None:
        self.chunks.append((time.monotonic(), text))

    def progress(self, percent: int) -> None:
        self.percents.append(percent)

    @property
    def text(self) -> str:
        return "".join(chunk for _, chunk in self.chunks)


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_output_goes_to_the_log_and_the_sink(tmp_path):
    sink = RecordingSink()
    log = (tmp_path / "step.log").open("wb")
    result = run_command(
        python("print('one'); print('two'); import sys; sys.exit(3)"), StepOutput(sink, log)
    )
    log.close()
    assert result.returncode == 3
    assert result.tail[-2:] == ["one", "two"]
    assert "one\ntwo\n" in sink.text
    assert (tmp_path / "step.log").read_text().endswith("one\ntwo\n")


def test_output_streams_before_the_process_ends(tmp_path):
    """The process waits until the sink has its first line: only streaming lets it go on."""
    seen = tmp_path / "the sink has the first line"

    class AnsweringSink(RecordingSink):
        def output(self, text: str) -> None:
            super().output(text)
            if "early" in text:
                seen.touch()

    sink = AnsweringSink()
    code = (
        "import pathlib, time\n"
        "print('early', flush=True)\n"
        f"seen = pathlib.Path({str(seen)!r})\n"
        "deadline = time.monotonic() + 30\n"
        "while not seen.exists() and time.monotonic() < deadline:\n"
        "    time.sleep(0.01)\n"
        "print('late: the sink answered' if seen.exists() else 'late: nobody read', flush=True)"
    )
    run_command(python(code), StepOutput(sink, None))
    assert "late: the sink answered" in sink.text, "the first line came only after the end"


def test_progress_is_parsed_from_make_lines():
    sink = RecordingSink()
    code = (
        "import time\n"
        "for p in (3, 42, 42, 100):\n"
        "    print(f'[{p:3d}%] Building C object x.o', flush=True)\n"
        "    time.sleep(0.1)\n"
    )
    run_command(python(code), StepOutput(sink, None))
    assert sink.percents == [3, 42, 100], "each new figure once, in order"


def test_a_missing_program_says_what_to_install():
    with pytest.raises(StepFailed) as caught:
        run_command(["cmake-that-does-not-exist"], StepOutput(RecordingSink(), None))
    assert "not installed" in caught.value.message


def test_no_newline_at_the_end_still_arrives():
    sink = RecordingSink()
    run_command(python("import sys; sys.stdout.write('partial')"), StepOutput(sink, None))
    assert sink.text.endswith("partial\n")


def test_cancel_stops_the_whole_process_tree():
    """A shell-free tree: python starts python starts a sleeper; cancel must stop all three."""
    grandchild = "import time; time.sleep(60)"
    child = (
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen([sys.executable, '-c', {grandchild!r}])\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    sink = RecordingSink()
    token = CancelToken()
    pids: list[int] = []

    def cancel_when_started() -> None:
        while not any(chunk.strip().isdigit() for _, chunk in sink.chunks):
            time.sleep(0.02)
        pids.append(int(next(c for _, c in sink.chunks if c.strip().isdigit())))
        token.cancel()

    helper = threading.Thread(target=cancel_when_started)
    helper.start()
    with pytest.raises(Interrupted):
        run_command(python(child), StepOutput(sink, None), token=token)
    helper.join()
    assert pids, "the grandchild reported its pid"
    assert not psutil.pid_exists(pids[0]), "the grandchild was stopped too"


def test_a_tool_past_its_timeout_is_stopped_with_its_tree():
    """A tree that never ends: after ``timeout`` seconds it is stopped, what it printed is
    kept, and the answer says it timed out."""
    grandchild = "import time; time.sleep(600)"
    child = (
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen([sys.executable, '-c', {grandchild!r}])\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    sink = RecordingSink()
    result = run_command(python(child), StepOutput(sink, None), timeout=1)
    assert result.timed_out
    grandchild_pid = int(result.tail[-1])
    assert not psutil.pid_exists(grandchild_pid) or psutil.Process(grandchild_pid).status() == (
        psutil.STATUS_ZOMBIE
    )
    quick = run_command(python("print('done')"), StepOutput(sink, None), timeout=60)
    assert quick.returncode == 0 and not quick.timed_out


def test_stop_tree_of_a_gone_process_is_harmless():
    assert stop_tree(2**22 + 12345) == []


class InterruptedSink(RecordingSink):
    """A sink that takes ``before`` chunks, then raises Ctrl-C: the wizard stops reading the
    tool's output in the middle of a chatty build."""

    def __init__(self, before: int) -> None:
        super().__init__()
        self.before = before

    def output(self, text: str) -> None:
        if len(self.chunks) == self.before:
            self.chunks.append((time.monotonic(), "<ctrl-c>"))
            raise KeyboardInterrupt
        super().output(text)


def test_a_tool_that_reports_its_stop_is_read_while_it_stops(tmp_path):
    """make, stopped, prints "Terminated" lines: with nobody reading, the full pipe would
    hold it until SIGKILL. The wizard reads on while the tree stops, and keeps what came."""
    marker = tmp_path / "stopped-cleanly"
    tool = (
        "import os, signal, sys\n"
        "def stop(*_):\n"
        "    sys.stdout.write('make: *** Terminated\\n' * 40000)\n"  # 880 KB: past any pipe
        "    sys.stdout.flush()\n"
        f"    open({str(marker)!r}, 'w').write('yes')\n"
        "    os._exit(2)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "while True:\n"
        "    sys.stdout.write('cc -c plugin.c\\n' * 1000)\n"
        "    sys.stdout.flush()\n"
    )
    log = (tmp_path / "step.log").open("wb")
    with pytest.raises(Interrupted):
        run_command(python(tool), StepOutput(InterruptedSink(before=3), log))
    log.close()
    assert marker.read_text() == "yes", "the tool ended by itself, not by SIGKILL"
    assert (tmp_path / "step.log").read_bytes().endswith(b"make: *** Terminated\n")
