"""A run of the plan as the TUI sees it: the engine's thread on one side, the screens on the other.

The engine runs in a thread worker and talks to a :class:`TuiSink`. The sink never touches a
widget: it puts lines and events into a :class:`RunFeed`, a small locked buffer. The app
takes what is there every 50 ms and hands it, as one :class:`RunUpdate`, to the
:class:`RunModel` and to every screen that listens. So a build printing 200,000 lines costs
a few hundred screen updates, the producer never waits for the screen, and memory stays
flat: the feed keeps at most ``max_lines`` lines per step between two takes. Beyond 80,000
lines a second the oldest lines of a batch are left out on screen (a line says so); the
step's log file has every line.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from screens.phases import RunMarks

if TYPE_CHECKING:
    from wizard.engine.step import Outcome, Step

MAX_LINES = 10_000  # what the screen's Log and the model keep
BATCH_LINES = 4_000  # at most this many lines reach the screen per 50 ms (80,000 lines/s)
MAX_PROBLEMS = 500
# After each chunk it hands over, the engine's thread lets go of the GIL for this long, so
# that a build printing as fast as it can does not starve the event loop (keys, drawing).
# A chunk is up to 64 KiB: the cap this puts on output, ~100 MB/s, is far above any build.
YIELD_SECONDS = 0.0005

# The lines worth showing beside the log: compiler and cmake errors and warnings.
PROBLEM = re.compile(r"CMake Error|CMake Warning|\berror:|\bError:|\bwarning:|\*\*\* .*Error \d+")
# Every PROBLEM contains one of these: the lines to try are found with str.find, at C speed.
_QUICK = ("rror", "arning")


def problem_lines(text: str) -> list[tuple[int, str]]:
    """The lines of ``text`` that are errors or warnings, with where each starts, in order.

    A regex over a whole 64 KiB chunk would hold the GIL for milliseconds while the TUI
    waits for it; instead each line holding a quick word is cut out and tried alone.
    """
    found: dict[int, str] = {}
    for word in _QUICK:
        at = text.find(word)
        while at >= 0:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            if start not in found and PROBLEM.search(text, start, end):
                found[start] = text[start:end]
            at = text.find(word, end)
    return sorted(found.items())


@dataclass(frozen=True)
class StepStarted:
    step_id: str
    index: int
    total: int


@dataclass(frozen=True)
class StepFinished:
    step_id: str
    outcome: Outcome


@dataclass(frozen=True)
class RunFinished:
    """The run ended: its exit code, or why it could not start (the order guard, a bug)."""

    exit_code: int
    refused: str | None = None


@dataclass(frozen=True)
class Problem:
    """An error or warning line of a step's output, with its line number in the step's log."""

    kind: str  # "error" | "warning"
    step_id: str
    line: int
    text: str


@dataclass
class Lines:
    """Consecutive output lines; ``dropped`` counts older ones the screen never needed."""

    lines: deque[str]
    dropped: int = 0


Event = StepStarted | StepFinished | RunFinished


@dataclass
class RunUpdate:
    """Everything that arrived since the last take, in order."""

    segments: list[Lines | Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    progress: int | None = None

    @property
    def lines(self) -> list[str]:
        return [line for seg in self.segments if isinstance(seg, Lines) for line in seg.lines]

    @property
    def events(self) -> list[Event]:
        return [seg for seg in self.segments if not isinstance(seg, Lines)]


class RunFeed:
    """The locked buffer between the engine's thread (put) and the event loop (take)."""

    def __init__(self, max_lines: int = BATCH_LINES, max_problems: int = MAX_PROBLEMS) -> None:
        self.max_lines = max_lines
        self.max_problems = max_problems
        self._lock = threading.Lock()
        self._update = RunUpdate()
        self._step = ""
        self._line = 0
        self._problems = 0

    # -- the engine's side

    def put_text(self, text: str) -> None:
        """Whole lines of output (from the sink); problems are found here, off the event loop."""
        lines = text.splitlines()
        if not lines:
            return
        found: list[Problem] = []
        if self._problems < self.max_problems:
            for start, line in problem_lines(text):
                if self._problems + len(found) >= self.max_problems:
                    break
                number = self._line + text.count("\n", 0, start) + 1
                kind = "warning" if "arning" in line else "error"
                found.append(Problem(kind, self._step, number, line.strip()))
        with self._lock:
            self._line += len(lines)
            self._problems += len(found)
            segments = self._update.segments
            chunk = segments[-1] if segments else None
            if not isinstance(chunk, Lines):
                chunk = Lines(deque(maxlen=self.max_lines))
                segments.append(chunk)
            overflow = len(chunk.lines) + len(lines) - self.max_lines
            if overflow > 0:
                chunk.dropped += overflow
            chunk.lines.extend(lines)
            self._update.problems.extend(found)

    def put_event(self, event: Event) -> None:
        with self._lock:
            if isinstance(event, StepStarted):
                self._step = event.step_id
                self._line = 0
            self._update.segments.append(event)

    def put_progress(self, percent: int) -> None:
        with self._lock:
            self._update.progress = percent

    # -- the event loop's side

    def take(self) -> RunUpdate | None:
        """What arrived since the last take, or None when nothing did."""
        with self._lock:
            update = self._update
            if not update.segments and not update.problems and update.progress is None:
                return None
            self._update = RunUpdate()
        return update

    def reset(self) -> None:
        with self._lock:
            self._update = RunUpdate()
            self._problems = 0
            self._line = 0
            self._step = ""


class TuiSink:
    """The engine's :class:`wizard.engine.sink.Sink` for the TUI: everything goes into a feed.

    Paths inside the workspace are shown relative to it (``$ cmake -S pharo-vm -B build``),
    as everywhere else on screen; the step's log file keeps the tools' own words.
    """

    shows_progress = True  # the Build screen's progress bar

    def __init__(self, feed: RunFeed, workspace: str | None = None) -> None:
        self.feed = feed
        self.prefix = workspace.rstrip("/") + "/" if workspace else None

    def _short(self, text: str) -> str:
        if self.prefix and self.prefix in text:
            return text.replace(self.prefix, "")
        return text

    def step_started(self, index: int, total: int, step: Step) -> None:
        self.feed.put_event(StepStarted(step.id, index, total))
        self.feed.put_text(f"==> [{index}/{total}] {step.id}: {step.title}\n")

    def output(self, text: str) -> None:
        self.feed.put_text(self._short(text))
        time.sleep(YIELD_SECONDS)

    def progress(self, percent: int) -> None:
        self.feed.put_progress(percent)

    def step_finished(self, step: Step, outcome: Outcome) -> None:
        """The step's verdict in the output, with the TUI's way on (a key, not a command)."""
        shown = outcome
        if outcome.kind in ("failed", "interrupted"):
            shown = replace(outcome, hint=tui_hint(outcome, on_build=False), again=False)
        self.feed.put_text(self._short(shown.summary()) + "\n")
        self.feed.put_event(StepFinished(step.id, outcome))

    def message(self, text: str) -> None:
        self.feed.put_text(self._short(text) + "\n")


@dataclass
class RunModel:
    """What the screens show about the current or last run; lives on the event loop.

    It keeps the last ``max_lines`` lines so that a screen mounted in the middle of a run
    (modes are built when first visited) can show them at once.
    """

    clock: Callable[[], float]
    max_lines: int = MAX_LINES
    running: bool = False
    cancelling: bool = False
    ids: tuple[str, ...] = ()
    marks: RunMarks = field(default_factory=RunMarks)
    started_at: float | None = None
    step_started_at: float | None = None
    finished_at: float | None = None
    percent: int | None = None
    lines: deque[str] = field(default_factory=deque)
    problems: list[Problem] = field(default_factory=list)
    failure: tuple[str, Outcome] | None = None
    refused: str | None = None
    exit_code: int | None = None
    total_lines: int = 0
    dropped: int = 0

    def __post_init__(self) -> None:
        self.lines = deque(maxlen=self.max_lines)

    def start(self, ids: tuple[str, ...]) -> None:
        """A new run of ``ids`` begins: forget the last run's output and marks."""
        self.running = True
        self.cancelling = False
        self.ids = ids
        self.marks = RunMarks()
        self.started_at = self.clock()
        self.step_started_at = None
        self.finished_at = None
        self.percent = None
        self.lines.clear()
        self.problems = []
        self.failure = None
        self.refused = None
        self.exit_code = None
        self.total_lines = 0
        self.dropped = 0

    def apply(self, update: RunUpdate) -> None:
        """Fold what the feed delivered into the model."""
        for segment in update.segments:
            if isinstance(segment, Lines):
                self.lines.extend(segment.lines)
                self.total_lines += len(segment.lines) + segment.dropped
                self.dropped += segment.dropped
            elif isinstance(segment, StepStarted):
                self.marks.running = segment.step_id
                self.step_started_at = self.clock()
                self.percent = None
            elif isinstance(segment, StepFinished):
                self.marks.running = None
                self.marks.outcomes[segment.step_id] = segment.outcome
                if segment.outcome.kind in ("failed", "interrupted"):
                    self.failure = (segment.step_id, segment.outcome)
                if segment.outcome.kind == "ok":
                    self.percent = 100 if self.percent is not None else None
            elif isinstance(segment, RunFinished):
                self.running = False
                self.cancelling = False
                self.marks.running = None
                self.finished_at = self.clock()
                self.exit_code = segment.exit_code
                self.refused = segment.refused
        self.problems.extend(update.problems)
        if update.progress is not None:
            self.percent = update.progress

    @property
    def current(self) -> str | None:
        return self.marks.running

    def step_elapsed(self) -> float | None:
        if self.step_started_at is None:
            return None
        end = self.clock() if self.running else (self.finished_at or self.clock())
        return max(0.0, end - self.step_started_at)

    def elapsed(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.clock() if self.running else (self.finished_at or self.clock())
        return max(0.0, end - self.started_at)


def clock_text(seconds: float | None) -> str:
    """``1:02:03`` or ``02:03``: how long something has been running."""
    if seconds is None:
        return "--:--"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def tui_hint(outcome: Outcome, *, on_build: bool = True) -> str | None:
    """An outcome's hint as the TUI says it, never "run the same command again".

    A failure's "…, then run the same command again" becomes "…, then press r" (on the
    Build screen; "press r on F5 Build" elsewhere). An interrupted step is resumed with a key.
    """
    key = "press r" if on_build else "press r on F5 Build"
    if outcome.kind == "interrupted":
        where = "" if on_build else " on F5 Build"
        return f"ctrl+n{where} resumes from this step; r runs it alone"
    return outcome.advice(key)
