"""One wizard per profile; a dead owner's lock is taken over."""

from __future__ import annotations

import json
import subprocess
import sys

import psutil
import pytest

from wizard.errors import LockedError
from wizard.lock import ProfileLock


def test_second_lock_names_the_first_pid(tmp_path):
    profile = tmp_path / "P.yml"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        started = psutil.Process(sleeper.pid).create_time()
        lock = ProfileLock(profile)
        lock.path.write_text(json.dumps({"pid": sleeper.pid, "started": started}))
        with pytest.raises(LockedError) as caught:
            ProfileLock(profile).acquire()
        assert f"pid {sleeper.pid}" in str(caught.value)
    finally:
        sleeper.kill()
        sleeper.wait()


def test_lock_of_a_dead_process_is_taken_over(tmp_path):
    profile = tmp_path / "P.yml"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    ProfileLock(profile).path.write_text(json.dumps({"pid": gone.pid, "started": 1.0}))
    with ProfileLock(profile) as lock:
        assert json.loads(lock.path.read_text())["pid"] == psutil.Process().pid
    assert not lock.path.exists(), "released on exit"


def test_reused_pid_does_not_keep_a_lock(tmp_path):
    """Our own pid with another start time: the process that wrote it is gone."""
    profile = tmp_path / "P.yml"
    ProfileLock(profile).path.write_text(json.dumps({"pid": psutil.Process().pid, "started": 1.0}))
    with ProfileLock(profile):
        pass


def test_garbage_lock_is_taken_over(tmp_path):
    profile = tmp_path / "P.yml"
    ProfileLock(profile).path.write_text("not json")
    with ProfileLock(profile):
        pass
