"""SIGINT, SIGTERM and SIGHUP to the wizard's process alone: every command exits 130.

Each test runs the real command and sends a real signal with ``os.kill`` once the process
is provably busy: the headless forms are held writing to a full pipe (a reader that
stalls, as ``| less`` does), and ``--replay`` is held in a compile slowed by a real cmake
feature, ``CMAKE_C_COMPILER_LAUNCHER`` (on a build made once, ``held_build.py``). The
launcher used here also survives SIGTERM, so the wizard must wait out its grace period
and then kill; the signals sent during that wait (the "third Ctrl-C") must not cut the
stop short.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from fakevm.profiles import write_profile
from tests.reliability.held_build import HeldBuild
from tests.reliability.test_interrupts import alive, wait_for_sleeping_compile

SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP}


def wait_until(predicate, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


def full_pipe() -> tuple[int, int]:
    """A pipe whose buffer is full: the next write to it blocks until a read that never comes."""
    reader, writer = os.pipe()
    os.set_blocking(writer, False)
    try:
        while True:
            os.write(writer, b"x" * 4096)
    except BlockingIOError:
        pass
    os.set_blocking(writer, True)
    return reader, writer


def blocked_writing(pid: int) -> bool:
    """The kernel says the process sleeps in a pipe write."""
    try:
        return "pipe_write" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


def command(name: str, folder: Path) -> list[str]:
    profile = folder / "profiles" / "HelloWorldPlugin.yml"
    return {
        "list-steps": ["--list-steps"],
        "version": ["--version"],
        "new": ["--new", "OtherPlugin", "--profiles", str(folder / "new")],
        "lint": ["--lint", str(profile)],
        "emit-ci": ["--emit-ci", "github", str(profile)],
        "dry-run": ["--replay", str(profile), "--dry-run"],
        "help": ["--help"],
    }[name]


CASES = [
    ("list-steps", "SIGINT"),
    ("list-steps", "SIGTERM"),
    ("list-steps", "SIGHUP"),
    ("version", "SIGTERM"),
    ("new", "SIGHUP"),
    ("lint", "SIGTERM"),
    ("emit-ci", "SIGINT"),
    ("dry-run", "SIGHUP"),
    ("help", "SIGTERM"),
]


@pytest.mark.parametrize(("form", "name"), CASES, ids=[f"{f}-{n}" for f, n in CASES])
def test_every_command_exits_130_on_a_stop_signal(tmp_path, form, name):
    write_profile(tmp_path, tmp_path / "no-origin")
    reader, writer = full_pipe()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "wizard", *command(form, tmp_path)],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.close(writer)
        wait_until(lambda: blocked_writing(process.pid), "the command writes its output")
        os.kill(process.pid, SIGNALS[name])
        _, errors = process.communicate(timeout=60)
    finally:
        os.close(reader)
    assert process.returncode == 130, errors
    assert "interrupted" in errors and "Traceback" not in errors, errors


def stubborn_launcher(held: HeldBuild) -> Path:
    """Make the held build's launcher compile slowly through SIGTERM (only SIGKILL ends it).

    It touches the file answered when the first SIGTERM reaches it: the wizard is then
    inside its grace period, the moment a second and third Ctrl-C used to cut the stop short.
    """
    stopping = held.root / "stopping"
    held.launcher.write_text(
        "#!/bin/sh\n"
        f"trap 'touch \"{stopping}\"' TERM\n"
        f'while [ -e "{held.flag}" ]; do sleep 0.2; done\n'
        'exec "$@"\n'
    )
    held.launcher.chmod(0o755)
    return stopping


def leftovers(folder: Path) -> list[str]:
    """Processes anywhere on the machine whose command line names ``folder``."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if str(folder) in cmdline and process.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(f"{process.pid}: {cmdline}")
    return found


def test_more_signals_during_the_stop_do_not_cut_it_short(held_builds):
    held = held_builds.restore("compile")
    workspace, profile = held.workspace, held.profile
    stopping = stubborn_launcher(held)
    held.flag.touch()
    process = subprocess.Popen(
        [sys.executable, "-m", "wizard", "--replay", str(profile), "--trust"],
        cwd=workspace,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    family = wait_for_sleeping_compile(process)
    os.kill(process.pid, signal.SIGINT)
    wait_until(stopping.exists, "the wizard stops the launcher (its grace period runs)")
    for again in (signal.SIGINT, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if process.poll() is None:
            os.kill(process.pid, again)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 130, output
    assert "INTERRUPTED: compile was interrupted" in output
    assert "Traceback" not in output
    assert alive(family) == [], "no cmake, make, launcher or cc of the build left"
    assert leftovers(held.root) == [], "nothing of the build left running (ppid 1 or not)"
    log = workspace / "logs" / "HelloWorldPlugin" / "compile.log"
    assert "interrupted: the process tree was stopped" in log.read_text()
    assert "status: interrupted" in profile.read_text()
