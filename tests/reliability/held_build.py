"""A workspace built once per session up to a step, restored in place for each signal test.

The signal tests each need a real build that stops just before ``generate`` or ``compile``
(clone, branch, commit, ``cmake`` configure, the first ``make install``...), and then hold
the next step in a compiler slowed by ``CMAKE_C_COMPILER_LAUNCHER``. Building that for every
test cost most of the reliability suite's time. Here it is built once with the real
wizard, and a copy of each stage is kept. A test gets the stage back *at the very same
path* it was built at: cmake's cache, make's rules and the launcher option in the profile
hold absolute paths, so a workspace copied elsewhere would not be the same build. File
times are copied too (``shutil.copy2``), so make sees the same up-to-date files.

The launcher is one path, ``<root>/cc-launcher``, named in the profile's cmake options; the
test writes the script it needs there (slow, or one that survives SIGTERM) after the
restore, and touches ``<root>/slow`` to hold the compile. Each worker has its own root
(a session fixture), and its tests run one at a time, so one root serves them all. The
copying and putting back is ``tests/shared_builds.py``'s, as for the builds other tests
share.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fakevm.profiles import write_profile
from tests.helpers import wizard
from tests.shared_builds import keep, put_back

#: The steps a held build can stop before, and the ``--until`` step that gets it there.
STAGES = {"generate": "configure", "compile": "reconfigure"}


@dataclass(frozen=True)
class HeldBuild:
    """One restored workspace: where it is, its profile, and the launcher's two files."""

    root: Path
    workspace: Path
    profile: Path

    @property
    def launcher(self) -> Path:
        """The compiler launcher the profile names (cmake runs it before each compile)."""
        return self.root / "cc-launcher"

    @property
    def flag(self) -> Path:
        """While this file exists the launcher holds the compile."""
        return self.root / "slow"


def slow_launcher(held: HeldBuild) -> None:
    """A launcher that sleeps before each compile while the flag exists, else just compiles."""
    held.launcher.write_text(f'#!/bin/sh\nif [ -e "{held.flag}" ]; then sleep 120; fi\nexec "$@"\n')
    held.launcher.chmod(0o755)


class HeldBuilds:
    """The stages of one build, made once; :meth:`restore` gives a test a fresh one."""

    def __init__(self, origin: Path, root: Path, saved: Path) -> None:
        self.root, self.saved = root, saved
        held = self._held()
        held.workspace.mkdir(parents=True)
        write_profile(
            held.workspace, origin, cmake_options={"CMAKE_C_COMPILER_LAUNCHER": str(held.launcher)}
        )
        slow_launcher(held)  # the flag is absent: the launcher compiles at once
        for before, until in STAGES.items():
            done = wizard(
                "--replay", str(held.profile), "--trust", "--until", until, cwd=held.workspace
            )
            assert done.returncode == 0, done.stdout[-2000:]
            keep(root, saved / before)

    def _held(self) -> HeldBuild:
        workspace = self.root / "workspace"
        return HeldBuild(self.root, workspace, workspace / "profiles" / "HelloWorldPlugin.yml")

    def restore(self, before: str) -> HeldBuild:
        """The workspace whose next step is ``before`` (``generate`` or ``compile``), afresh."""
        put_back(self.saved / before, self.root)
        held = self._held()
        slow_launcher(held)
        return held
