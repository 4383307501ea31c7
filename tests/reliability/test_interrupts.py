"""Interrupts and crashes during real builds: exit 130, no process left, logs kept, resume.

The build is slowed with a real cmake feature, ``CMAKE_C_COMPILER_LAUNCHER``: a launcher
that sleeps before each compile while a flag file exists, so the test can interrupt the
wizard in the middle of ``generate`` or ``compile`` and then let the next run go fast.
The build up to that step is made once per session and restored for each test
(``held_build.py``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.helpers import headers, wizard
from wizard.profile.load import load_profile
from wizard.profile.save import write_atomically


def start(profile: Path, workspace: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "wizard", "--replay", str(profile), "--trust", *args],
        cwd=workspace,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_sleeping_compile(
    process: subprocess.Popen, timeout: float = 60
) -> list[psutil.Process]:
    """The wizard's descendants, once the launcher sleeps inside the build."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        family = psutil.Process(process.pid).children(recursive=True)
        if any(_name(p) == "sleep" for p in family):
            return family
        time.sleep(0.05)
    process.kill()
    raise AssertionError("the build never reached the slowed compiler")


def _name(process: psutil.Process) -> str | None:
    """The process's name, or None when it ended meanwhile (make starts and ends many)."""
    try:
        return process.name()
    except psutil.NoSuchProcess:
        return None


def alive(processes: list[psutil.Process]) -> list[int]:
    found = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process.pid)
        except psutil.NoSuchProcess:
            pass
    return found


@pytest.mark.parametrize(
    ("step", "sig"),
    [("generate", signal.SIGINT), ("compile", signal.SIGTERM), ("compile", signal.SIGHUP)],
    ids=["generate-SIGINT", "compile-SIGTERM", "compile-SIGHUP"],
)
def test_signal_during_build_stops_the_tree_and_resumes(held_builds, step, sig):
    held = held_builds.restore(step)
    workspace, profile, flag = held.workspace, held.profile, held.flag
    flag.touch()
    process = start(profile, workspace)
    family = wait_for_sleeping_compile(process)
    process.send_signal(sig)
    output, _ = process.communicate(timeout=60)  # how fast it stops is bench/'s business
    assert process.returncode == 130, output
    assert f"INTERRUPTED: {step} was interrupted" in output
    # no pause here: the wizard waits for the tree before it exits, so nothing may be left
    assert alive(family) == [], "no make, cc or sleep left behind"
    log = workspace / "logs" / "HelloWorldPlugin" / f"{step}.log"
    assert "interrupted: the process tree was stopped" in log.read_text()
    assert "status: interrupted" in profile.read_text()
    flag.unlink()
    resumed = wizard("--replay", str(profile), "--trust", cwd=workspace)
    assert resumed.returncode == 0, resumed.stdout[-2000:]
    verdicts = dict(headers(resumed.stdout))
    # generate is done as soon as its C exists, even if the rest of that build was cut
    # short: the resumed run skips it or runs it again, and either way it ends done
    assert verdicts[step] in (("ok",) if step == "compile" else ("ok", "skipped")), verdicts
    assert verdicts["compile"] == "ok" and verdicts["verify"] == "ok"
    steps = load_profile(profile).state["steps"]
    assert steps["compile"]["status"] == "done" and steps["verify"]["status"] == "done"


def test_closing_the_output_stops_the_build_like_ctrl_c(held_builds):
    """``--replay … | head``: the reader goes away while VMMaker's stand-in is printing.

    (The held build names a compiler launcher, hence ``--trust``; without its flag file the
    launcher compiles at once.)
    """
    held = held_builds.restore("generate")
    workspace, profile = held.workspace, held.profile
    process = subprocess.Popen(
        [sys.executable, "-m", "wizard", "--replay", str(profile), "--trust"],
        cwd=workspace,
        env={**os.environ, "VMMAKER_STANDIN_NOISE_LINES": "5000000"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(("Translating", "Inlining", "Adding", "Removing", "Generating")):
            break  # the generation is printing its chatter now
    family = psutil.Process(process.pid).children(recursive=True)
    process.stdout.close()
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 130, errors
    assert "internal error" not in errors and "Traceback" not in errors
    assert alive(family) == [], "the build was stopped with the wizard"  # no pause: as above
    log = workspace / "logs" / "HelloWorldPlugin" / "generate.log"
    assert "interrupted: the process tree was stopped" in log.read_text()
    assert "status: interrupted" in profile.read_text()
    resumed = wizard("--replay", str(profile), "--trust", cwd=workspace)
    assert resumed.returncode == 0, resumed.stdout[-2000:]


def test_sigkill_during_a_build_then_the_next_run_finishes(held_builds):
    held = held_builds.restore("generate")
    workspace, profile, flag = held.workspace, held.profile, held.flag
    flag.touch()
    process = start(profile, workspace)
    family = wait_for_sleeping_compile(process)
    process.kill()  # no chance to clean up: the lock stays, make is orphaned
    process.wait()
    for pid in alive(family):  # the machine's owner ends the orphans, as after a crash
        with contextlib.suppress(psutil.NoSuchProcess):
            psutil.Process(pid).kill()
    flag.unlink()
    result = wizard("--replay", str(profile), "--trust", cwd=workspace)
    assert result.returncode == 0, result.stdout[-2000:]
    verdicts = dict(headers(result.stdout))
    assert verdicts["configure"] == "skipped"
    assert verdicts["compile"] == "ok" and verdicts["verify"] == "ok"


def _save_forever(path: str, texts: list[str]) -> None:
    index = 0
    while True:
        write_atomically(Path(path), texts[index % 2])
        index += 1


def test_sigkill_during_saves_leaves_old_or_new_never_a_mix(tmp_path):
    path = tmp_path / "P.yml"
    texts = ["version: 1\n# old\n" + "a" * 200_000, "version: 1\n# new\n" + "b" * 300_000]
    path.write_text(texts[0])
    context = multiprocessing.get_context("fork")
    for attempt in range(25):
        writer = context.Process(target=_save_forever, args=(str(path), texts))
        writer.start()
        time.sleep(0.01 + (attempt % 5) * 0.013)
        os.kill(writer.pid, signal.SIGKILL)
        writer.join()
        assert path.read_text() in texts, f"attempt {attempt}: a torn profile"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "P.yml"]
    assert all(name.endswith(".tmp") for name in leftovers)  # only temporary files can be left
