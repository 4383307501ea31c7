"""CPU and memory of the build's whole process tree, and how many compilers are running.

Sampled about once a second in a thread (walking the process table can take a while on a
busy machine), for every descendant of the wizard's own process: make, cc1, the VMMaker
image… ``psutil`` needs the same Process object across samples to tell CPU use, so the
sampler keeps them between ticks.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import psutil
from textual.widgets import Static

COMPILERS = frozenset({"cc", "gcc", "clang", "cc1", "cc1plus", "c++", "g++", "clang++", "cc1obj"})


@dataclass(frozen=True)
class ProcessSample:
    """One look at the wizard's process tree."""

    processes: int
    cpu_percent: float
    memory_bytes: int
    compilers: int


class TreeSampler:
    """Samples the descendants of one process (the wizard's own, by default)."""

    def __init__(self, pid: int | None = None) -> None:
        self.root = psutil.Process(pid)
        self._known: dict[int, psutil.Process] = {}

    def sample(self) -> ProcessSample:
        try:
            children = self.root.children(recursive=True)
        except psutil.Error:
            children = []
        known: dict[int, psutil.Process] = {}
        cpu = 0.0
        memory = 0
        compilers = 0
        for child in children:
            process = self._known.get(child.pid, child)
            with contextlib.suppress(psutil.Error):
                with process.oneshot():
                    cpu += process.cpu_percent(None)
                    memory += process.memory_info().rss
                    name = process.name()
                known[child.pid] = process
                if name in COMPILERS:
                    compilers += 1
        self._known = known
        return ProcessSample(len(known), cpu, memory, compilers)


def sample_text(sample: ProcessSample | None) -> str:
    """``12 processes · CPU 385% · 1.2 GB · 8 compilers`` (or "idle")."""
    if sample is None:
        return "[dim]process monitor starting…[/dim]"
    if not sample.processes:
        return "[dim]no child processes: idle[/dim]"
    processes = "process" if sample.processes == 1 else "processes"
    compilers = "compiler" if sample.compilers == 1 else "compilers"
    return (
        f"{sample.processes} {processes} · CPU {sample.cpu_percent:.0f}% · "
        f"{_size(sample.memory_bytes)}\n{sample.compilers} {compilers} running"
    )


def _size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit in ("B", "KB") else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} B"


class ProcessMonitor(Static):
    """The process tree of the running build, redrawn about once a second."""

    def __init__(self, *, enabled: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.enabled = enabled
        self.sampler: TreeSampler | None = None
        self.latest: ProcessSample | None = None

    def on_mount(self) -> None:
        self.border_title = "Processes"
        if not self.enabled:
            self.update("[dim]process monitor off[/dim]")
            return
        self.sampler = TreeSampler()
        self.update(sample_text(None))
        self.set_interval(1.0, self._tick)
        self._tick()

    def _tick(self) -> None:
        self.run_worker(self._sample, thread=True, exclusive=True, group="process-monitor")

    def _sample(self) -> None:
        if self.sampler is None:
            return
        sample = self.sampler.sample()
        with contextlib.suppress(Exception):  # the app may be closing
            self.app.call_from_thread(self._show, sample)

    def _show(self, sample: ProcessSample) -> None:
        self.latest = sample
        self.update(sample_text(sample))
