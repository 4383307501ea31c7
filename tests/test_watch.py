"""``--replay PROFILE --watch`` as a user runs it: a real subprocess, a real save, Ctrl-C.

The build is the test repository's, with its VMMaker stand-ins (see fakevm/).
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from fakevm.profiles import edit_methods, write_profile
from tests.helpers import wizard

#: A safety net only: how long to wait for a line before giving up (never asserted on).
PATIENCE = 600


class Lines:
    """The process's output, line by line, read by a thread so the test can wait for one."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, prefix: str) -> str:
        while True:
            line = self._queue.get(timeout=PATIENCE)
            if line is None:
                raise AssertionError(f"no line starting with {prefix!r}:\n" + "\n".join(self.seen))
            self.seen.append(line)
            if line.startswith(prefix):
                return line


def processes_under(folder: Path) -> list[psutil.Process]:
    """Processes whose command line names ``folder`` (the build's cmake, make, cc, VMs)."""
    found = []
    for process in psutil.process_iter(["cmdline", "pid"]):
        try:
            if any(str(folder) in part for part in process.info["cmdline"] or ()):
                found.append(process)
        except psutil.Error:
            continue
    return [p for p in found if p.pid != os.getpid()]


@pytest.mark.slow
def test_watch_runs_a_round_per_save_until_ctrl_c(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin)
    process = subprocess.Popen(
        [sys.executable, "-m", "wizard", "--replay", str(profile), "--watch"],
        cwd=workspace,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = Lines(process)
    try:
        lines.wait_for("all 13 steps done")
        lines.wait_for("watching ")
        edit_methods(profile, "Hello from your", "Greetings from your")
        summary = lines.wait_for("round 1: ")
        assert "round 1: ok in " in summary
        assert "ran: plugin-source, commit, generate, compile, verify" in summary
        assert "exports: getModuleName, setInterpreter, primitiveGetHelloString;" in summary
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=PATIENCE) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "round 2:" not in "\n".join(lines.seen), "the wizard's own state write is no save"
    assert processes_under(workspace) == [], "nothing left running"


def test_watch_goes_with_replay_and_not_with_dry_run(workspace):
    alone = wizard("--watch", cwd=workspace)
    assert alone.returncode == 2
    assert "--watch goes with --replay PROFILE" in alone.stderr
    profile = write_profile(workspace, "/nowhere")
    dry = wizard("--replay", str(profile), "--dry-run", "--watch", cwd=workspace)
    assert dry.returncode == 2
    assert "does not go with --dry-run" in dry.stderr


def test_the_sources_files_are_watched_too(tmp_path):
    """A save of a ``plugin.sources`` file starts a round as a save of the profile does."""
    from wizard.commands.watch import fingerprint, watched_files

    made = wizard("--new", "CrcPlugin", "--template", "library", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    profile = tmp_path / "profiles" / "CrcPlugin.yml"
    files = watched_files(profile)
    helper = tmp_path / "profiles" / "CrcPlugin" / "crcHelper.c"
    assert files[0] == profile
    assert helper in files and helper.with_suffix(".h") in files
    before = fingerprint(files)
    helper.write_text(helper.read_text() + "/* changed */\n")
    assert fingerprint(watched_files(profile)) != before
