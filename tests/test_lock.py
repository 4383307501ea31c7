"""One wizard per profile; a lock left by a process that is gone never blocks the next."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap

import pytest

from wizard.engine.lock import ProfileLock
from wizard.errors import LockedError

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from wizard.engine.lock import ProfileLock
    lock = ProfileLock(Path(sys.argv[1]))
    lock.acquire()
    print("held", flush=True)
    time.sleep(60)
    """
)


def hold_lock(profile):
    """Another process that takes the profile's lock and keeps it until killed."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(profile)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_second_lock_names_the_first_pid(tmp_path):
    profile = tmp_path / "P.yml"
    holder = hold_lock(profile)
    try:
        with pytest.raises(LockedError) as caught:
            ProfileLock(profile).acquire()
        assert f"pid {holder.pid}" in str(caught.value)
    finally:
        holder.kill()
        holder.wait()


def test_lock_of_a_killed_process_is_taken_over(tmp_path):
    profile = tmp_path / "P.yml"
    holder = hold_lock(profile)
    holder.kill()  # no chance to clean up: the file stays behind
    holder.wait()
    assert ProfileLock(profile).path.exists()
    with ProfileLock(profile) as lock:
        assert lock.path.read_text() == f"{os.getpid()}\n"
    assert not lock.path.exists(), "released on exit"


def test_a_file_naming_a_live_pid_is_not_a_lock(tmp_path):
    """Only the kernel's lock counts: a leftover file naming a running pid (reused) does not."""
    profile = tmp_path / "P.yml"
    ProfileLock(profile).path.write_text(f"{os.getpid()}\n")
    with ProfileLock(profile):
        pass


def test_garbage_lock_file_is_taken_over(tmp_path):
    profile = tmp_path / "P.yml"
    ProfileLock(profile).path.write_text("not json")
    with ProfileLock(profile):
        pass


def test_two_locks_in_one_process_exclude_each_other(tmp_path):
    """The TUI and a run it starts live in one process: one lock per profile there too."""
    profile = tmp_path / "P.yml"
    with ProfileLock(profile):
        with pytest.raises(LockedError) as caught:
            ProfileLock(profile).acquire()
        assert f"pid {os.getpid()}" in str(caught.value)
    with ProfileLock(profile):
        pass


CHILD_OPEN_FILES = (
    "import os\n"
    "for fd in os.listdir('/proc/self/fd'):\n"
    "    try: print(os.readlink(f'/proc/self/fd/{fd}'))\n"
    "    except OSError: pass\n"
)


def open_files() -> list[str]:
    """What this process has open, from /proc."""
    names = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the descriptor listdir itself used
            names.append(os.readlink(f"/proc/self/fd/{fd}"))
    return names


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_the_lock_is_not_inherited_by_the_build(tmp_path):
    """make and cc left running after the wizard died must not keep the profile locked."""
    profile = tmp_path / "P.yml"
    with ProfileLock(profile) as lock:
        assert str(lock.path) in open_files()  # we hold it open ...
        child = subprocess.run(
            [sys.executable, "-c", CHILD_OPEN_FILES], capture_output=True, text=True, check=True
        )
        assert str(lock.path) not in child.stdout.splitlines()  # ... and a child does not
