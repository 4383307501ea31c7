"""SIGINT, SIGTERM and SIGHUP to the TUI in a real terminal (tmux): stop, record, keep, 130.

The wizard runs as a user starts it, ``python -m wizard PROFILE``, in a tmux pane of a
tmux server of the test's own; the test types real keys into it, reads the screen tmux
draws, and sends the signal with ``os.kill`` to the wizard's process alone. tmux keeps
the pane after the program ends and tells its exit status and whether the program left
the alternate screen and turned mouse reporting off. The build is held in a compile
slowed by ``CMAKE_C_COMPILER_LAUNCHER`` (as in test_interrupts.py, on a build made once:
``held_build.py``), so the signal lands while cmake → make → cc run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import yaml

from tests.reliability.held_build import HeldBuild, HeldBuilds
from tests.reliability.test_interrupts import alive

RECORD_STATUS = """
import subprocess, sys
status = subprocess.call(sys.argv[2:])
with open(sys.argv[1] + ".tmp", "w") as file:
    file.write(str(status))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
"""


class Pane:
    """A program in a tmux pane of a private tmux server: keys in, screen out, exit status."""

    def __init__(self, args: list[str], cwd: Path, socket: str) -> None:
        self.socket = socket
        self.status_file = cwd.parent / f"{socket}.status"
        # A small parent in the pane writes the program's exit status to a file: tmux can
        # mark a pane dead when its terminal closes, before (or without) reading the status.
        args = [sys.executable, "-c", RECORD_STATUS, str(self.status_file), *args]
        size = ["-x", "120", "-y", "40", "-e", "COLUMNS=120", "-e", "LINES=40"]
        self.tmux("new-session", "-d", "-s", "w", *size, "-c", str(cwd), *args)
        self.tmux("set-option", "-t", "w", "remain-on-exit", "on")
        parent = psutil.Process(int(self.show("pane_pid")))
        self.wait_for(lambda: parent.children(), "the program started", check_ended=False)
        self.pid = parent.children()[0].pid

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def show(self, variable: str) -> str:
        return self.tmux("display-message", "-p", "-t", "w", f"#{{{variable}}}").strip()

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "w")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "w", *keys)

    @property
    def ended(self) -> bool:
        """The program has ended: its exit status is written."""
        return self.status_file.exists()

    def exit_status(self) -> str:
        return self.status_file.read_text()

    def wait_for(self, predicate, what: str, timeout: float = 90, check_ended=True) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if check_ended and self.ended:
                raise AssertionError(f"the TUI ended before: {what}\n{self.screen()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"never happened: {what}\n{self.screen()}")
            time.sleep(0.05)

    def wait_until_ended(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not self.ended:
            if time.monotonic() > deadline:
                raise AssertionError(f"the TUI did not end\n{self.screen()}")
            time.sleep(0.05)

    def wait_for_text(self, text: str, timeout: float = 90) -> None:
        self.wait_for(lambda: text in self.screen(), f"{text!r} on screen", timeout)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def sleeping_compile(pid: int) -> list[psutil.Process]:
    """The TUI's descendants when the slowed compiler sleeps among them, else []."""
    family = psutil.Process(pid).children(recursive=True)
    names = []
    for process in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            names.append(process.name())
    return family if "sleep" in names else []


def wait_until_ended(process: psutil.Process, timeout: float = 90) -> None:
    """Wait until ``process`` has ended: gone, or a zombie (it exited; only reaping is left).

    Its parent, tmux, is gone, so init reaps it, and some inits (a sandbox's, a container's)
    take a second or two to: that wait says nothing about the wizard.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the TUI (pid {process.pid}) did not end")
        time.sleep(0.05)


def build_and_edit(workspace: Path, profile: Path, pane: Pane) -> list[psutil.Process]:
    """Start the build from the Build screen, then add a method on the Develop screen.

    Answers the build's processes once the slowed compile runs; the edit is in memory only
    (the screen says "unsaved changes"; the autosave comes a second after typing stops).
    """
    pane.wait_for_text("F5 Build")
    pane.keys("F5")
    pane.wait_for_text("Run all")
    pane.keys("C-n")
    pane.wait_for_text("Trust and run")
    pane.keys("y")
    pane.wait_for(lambda: sleeping_compile(pane.pid), "the slowed compile")
    family = sleeping_compile(pane.pid)
    pane.keys("F3")
    pane.wait_for_text("a Add method")  # the Develop screen, its method list focused
    pane.keys("a")  # add a method: an edit, saved a second after typing stops
    pane.wait_for_text("Methods (4)")
    pane.wait_for_text("unsaved changes")
    return family


def ready_to_build(held_builds: HeldBuilds) -> HeldBuild:
    """A workspace whose next step is ``compile``, slowed by a launcher (``held_build.py``)."""
    held = held_builds.restore("compile")
    held.flag.touch()
    return held


def assert_stopped_recorded_kept(workspace: Path, profile: Path, family) -> None:
    assert alive(family) == [], "cmake, make, the launcher and cc were all stopped"
    steps = yaml.safe_load(profile.read_text())["state"]["steps"]
    assert steps["compile"]["status"] == "interrupted"
    log = workspace / "logs" / "HelloWorldPlugin" / "compile.log"
    assert "interrupted: the process tree was stopped" in log.read_text()
    methods = yaml.safe_load(profile.read_text())["plugin"]["methods"]
    assert len(methods) == 4 and methods[3]["source"].startswith("newMethod"), "the edit kept"


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_stop_signal_to_the_tui_stops_the_build_keeps_typing_restores_the_terminal(
    held_builds, name
):
    held = ready_to_build(held_builds)
    workspace, profile = held.workspace, held.profile
    pane = Pane([sys.executable, "-m", "wizard", str(profile)], workspace, f"wiz{os.getpid()}")
    try:
        family = build_and_edit(workspace, profile, pane)
        os.kill(pane.pid, getattr(signal, name))
        pane.wait_until_ended()
        status = pane.exit_status()
        alternate, mouse = pane.show("alternate_on"), pane.show("mouse_any_flag")
        screen = pane.screen()
    finally:
        pane.close()
    assert status == "130", f"exit status {status!r}; screen:\n{screen.strip()}"
    assert alternate == "0", "the alternate screen was left"
    assert mouse == "0", "mouse reporting was turned off"
    assert_stopped_recorded_kept(workspace, profile, family)


def test_the_terminal_going_away_stops_the_build_and_the_tui(held_builds):
    """The terminal closes (tmux ends: SIGHUP, and nothing to write to): no hang, no orphan."""
    held = ready_to_build(held_builds)
    workspace, profile = held.workspace, held.profile
    pane = Pane([sys.executable, "-m", "wizard", str(profile)], workspace, f"wiz{os.getpid()}")
    try:
        family = build_and_edit(workspace, profile, pane)
        tui = psutil.Process(pane.pid)
    finally:
        pane.close()
    wait_until_ended(tui)  # not our child: its status is tmux's, gone with it
    assert_stopped_recorded_kept(workspace, profile, family)
