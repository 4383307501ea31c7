"""Where a run's output goes: the headless face prints, the TUI feeds widgets.

The engine talks to a :class:`Sink`; a step talks to its :class:`StepOutput`, which writes
everything to the step's log file and passes it on to the sink. Output travels in chunks
of whole lines, as they arrive, so a build that prints 200,000 lines costs a few thousand
writes, not 200,000.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from wizard.errors import OutputClosed, OutputFailed

if TYPE_CHECKING:
    from wizard.engine.step import Outcome, Step

PROGRESS = re.compile(rb"\[\s*(\d{1,3})%\]")


class Sink(Protocol):
    """What a face of the wizard must show while the engine runs.

    A sink whose ``shows_progress`` is false is not asked for progress, and the output is
    not searched for ``[ 42%]`` on its behalf.
    """

    shows_progress: bool

    def step_started(self, index: int, total: int, step: Step) -> None: ...

    def output(self, text: str) -> None:
        """Whole lines of a step's output (each ending in a newline)."""

    def progress(self, percent: int) -> None:
        """The newest ``[ 42%]`` figure, or a clone's progress."""

    def step_finished(self, step: Step, outcome: Outcome) -> None: ...

    def message(self, text: str) -> None:
        """A line from the wizard itself (not from a tool), e.g. the final summary."""


class StepOutput:
    """A step's output channel: the log file plus the sink, fed with whole lines."""

    def __init__(self, sink: Sink, log: IO[bytes] | None) -> None:
        self.sink = sink
        self.log = log
        self.last_percent = -1
        self.wants_progress = getattr(sink, "shows_progress", True)
        # A sink that can take bytes as they are (the console) skips a decode per chunk.
        self.raw_output = getattr(sink, "output_bytes", None)

    def write_bytes(self, chunk: bytes) -> None:
        """Pass on a chunk of whole lines read from a tool, noting ``[ 42%]`` progress."""
        if self.log is not None:
            self.log.write(chunk)
        if self.wants_progress and b"%]" in chunk:
            found = PROGRESS.findall(chunk)
            if found:
                self.progress(min(100, int(found[-1])))
        if self.raw_output is not None:
            self.raw_output(chunk)
        else:
            self.sink.output(chunk.decode("utf-8", "replace"))

    def line(self, text: str) -> None:
        """A line the wizard writes itself into the step's output and log."""
        self.write_bytes((text.rstrip("\n") + "\n").encode("utf-8"))

    def progress(self, percent: int) -> None:
        """Pass on a progress figure (a tool's ``[ 42%]``, a clone's), each new one once."""
        if self.wants_progress and percent != self.last_percent:
            self.last_percent = percent
            self.sink.progress(percent)


class ConsoleSink:
    """The headless face: everything to stdout, as it comes; no colours, no cursor tricks.

    Progress is already in the tools' own lines (``[ 42%]``), so it prints none of its own.
    When the reader of the output goes away (``--replay … | head``), the run is interrupted
    as by Ctrl-C: the build is stopped, the step recorded as interrupted, the log kept.
    """

    shows_progress = False

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout

    def step_started(self, index: int, total: int, step: Step) -> None:
        self._write(f"==> [{index}/{total}] {step.id}: {step.title}\n")

    def output(self, text: str) -> None:
        self._write(text)

    def output_bytes(self, chunk: bytes) -> None:
        """Tool output straight through, undecoded: the terminal decodes it anyway."""
        buffer = getattr(self.stream, "buffer", None)
        if buffer is None:
            self._write(chunk.decode("utf-8", "replace"))
            return
        try:
            self.stream.flush()
            buffer.write(chunk)
            buffer.flush()
        except BrokenPipeError:
            self._output_closed()
        except OSError as error:
            self._output_failed(error)

    def progress(self, percent: int) -> None:
        """Never asked (``shows_progress`` is false)."""

    def step_finished(self, step: Step, outcome: Outcome) -> None:
        self._write(outcome.summary() + "\n")

    def message(self, text: str) -> None:
        self._write(text + "\n")

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except BrokenPipeError:
            self._output_closed()
        except OSError as error:
            self._output_failed(error)

    def _output_failed(self, error: OSError) -> None:
        """The output cannot be written (a full disk, a terminal gone): stop as for a close."""
        silence(self.stream)
        raise OutputFailed(f"cannot write the output: {error.strerror or error}")

    def _output_closed(self) -> None:
        """The reader went away: send what is still to come nowhere, and stop the run."""
        silence(self.stream)
        raise OutputClosed("the output was closed")


def silence(stream: IO[str]) -> None:
    """After a broken pipe: what is still to come for ``stream``, buffered or not, goes nowhere.

    Without this, Python's own flush at exit would fail again and print a traceback.
    """
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def open_log(root: Path, relative: Path) -> IO[bytes]:
    """Open a step's log ``root/relative`` for writing, creating its folder; the previous
    run's log is replaced by a new file at once, never written through a link."""
    from wizard.checkout.safe_files import new_stream

    return new_stream(root, relative)
