"""``--watch`` sees every save, reads as the loader reads, and is not fooled by its own writes.

The rounds here are stand-ins for the plan's run (the real one is tests/test_watch.py): what
is tested is when ``watch`` starts a round, not what a round does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from fakevm.profiles import write_profile
from wizard.commands import watch as watch_module
from wizard.profile.load import load_profile
from wizard.profile.writer import save_state


def change_comment(profile: Path, comment: str) -> None:
    """A save by the user: a new class comment (the wizard's ``state:`` kept)."""
    data = yaml.safe_load(profile.read_text())
    data["plugin"]["comment"] = comment
    profile.write_text(yaml.safe_dump(data, sort_keys=False))


class StopWatching(Exception):
    pass


def test_a_save_during_a_round_starts_another_round(tmp_path, monkeypatch):
    profile = write_profile(tmp_path, "https://example.org/pharo-vm.git")
    rounds: list[int] = []
    looks = 0

    def round_(number, path, sink, overrides, force, trust):
        rounds.append(number)
        loaded = load_profile(path)
        loaded.state["steps"] = {"plugin-source": {"status": "done", "round": number}}
        save_state(loaded)  # the wizard's own write: no save of the user's
        if number == 1:
            change_comment(path, "Saved while round 1 ran.")
        return f"round {number}: ok"

    def look(seconds: float) -> None:
        nonlocal looks
        looks += 1
        if looks > 40:  # many looks after the last round: no round is coming
            raise StopWatching

    class Sink:
        def message(self, text: str) -> None:
            if text.startswith("watching "):
                change_comment(profile, "Saved before round 1.")

    monkeypatch.setattr(watch_module, "summary_line", round_)
    monkeypatch.setattr(watch_module.time, "sleep", look)
    with pytest.raises(StopWatching):
        watch_module.watch(profile, Sink())
    assert rounds == [1, 2], "one round per save; the wizard's state writes start none"


PROBE = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, resource.RLIM_INFINITY))
    from wizard.commands.watch import fingerprint, watched_files
    for name in sys.argv[1:]:
        fingerprint(watched_files(Path(name)))
    print("done", flush=True)
    """
)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_fifo_or_a_device_is_refused_not_read(tmp_path):
    """A profile that became a FIFO, a source that is a link to /dev/zero or a FIFO: each
    look answers at once, within bounded memory (1 GiB for the whole process)."""
    fifo_profile = tmp_path / "fifo" / "P.yml"
    fifo_profile.parent.mkdir()
    os.mkfifo(fifo_profile)
    profile = write_profile(tmp_path / "ws", "https://example.org/pharo-vm.git")
    data = yaml.safe_load(profile.read_text())
    (profile.parent / "zero.c").symlink_to("/dev/zero")
    os.mkfifo(profile.parent / "pipe.h")
    data["plugin"]["sources"] = {"common": ["zero.c", "pipe.h"]}
    profile.write_text(yaml.safe_dump(data, sort_keys=False))
    zero_profile = tmp_path / "zero" / "P.yml"
    zero_profile.parent.mkdir()
    zero_profile.symlink_to("/dev/zero")
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(fifo_profile), str(profile), str(zero_profile)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert probe.stdout == "done\n", probe.stderr[-2000:]
