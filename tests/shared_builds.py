"""Builds made once per pytest worker, each restored afresh at the very path it was made at.

Many tests begin the same way: a profile from :func:`tests.helpers.write_profile` for one
base branch and build mode, and ``--replay`` (to the end, or ``--until`` a step). Building
that for every test was most of the suite's time. Here each such build is made once per
worker with the real wizard, in a workspace and a VMMaker image cache of its own, and kept
as a copy; each test that asks for it gets a fresh copy of both back *at the same paths*:
cmake's cache, make's rules and the profile's state hold absolute paths, so a workspace
copied elsewhere would not be the same build. File times are copied too
(``shutil.copy2``), so make sees the same up-to-date files. A test changes its copy as it
likes; the next test gets the kept one back, never the changed one.

The image cache (``$XDG_CACHE_HOME``) is the build's own and is restored with it: a test
that had built for itself would have its own cache filled by that first build, and it still
has exactly that. No other test's cache is used or filled (as with ``own_cache``).

:class:`Keeper` is the copy-and-restore part alone; the reliability suite's held builds
(``tests/reliability/held_build.py``) use it too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fakevm.profiles import write_profile
from fakevm.recipes import clone, configure, install
from tests.helpers import wizard


def keep(live: Path, saved: Path) -> None:
    """Copy ``live`` to ``saved`` (links as links, file times kept)."""
    shutil.copytree(live, saved, symlinks=True)


def put_back(saved: Path, live: Path) -> None:
    """``live`` becomes a fresh copy of ``saved``: at the same path, with the same file times."""
    if live.exists():
        shutil.rmtree(live)
    shutil.copytree(saved, live, symlinks=True)


class Keeper:
    """Folders made once by a function, kept, and put back afresh at the same path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: set[str] = set()

    def place(self, name: str) -> Path:
        """Where ``name`` is made and put back: always the same path."""
        return self.root / name / "live"

    def restore(self, name: str, make: Callable[[Path], None]) -> Path:
        """The folder ``name``, afresh: made by ``make(folder)`` the first time (and kept
        before the caller changes it), a copy of what was kept after that."""
        live, saved = self.place(name), self.root / name / "saved"
        if name in self._made:
            put_back(saved, live)
            return live
        if live.exists():  # a make that failed before: start again from nothing
            shutil.rmtree(live)
        live.mkdir(parents=True)
        make(live)
        keep(live, saved)
        self._made.add(name)
        return live


@dataclass(frozen=True)
class Built:
    """A restored build: its workspace, profile, image cache, and the run that made it."""

    workspace: Path
    profile: Path
    cache: Path
    #: The ``--replay`` that made the build (its output is that of a run from nothing).
    first: subprocess.CompletedProcess


@dataclass(frozen=True)
class PlainBuild:
    """A restored plain build of a branch, by hand: its checkout, its build folder, and
    what its ``cmake`` configure and first ``make install`` printed."""

    checkout: Path
    build: Path
    configured: subprocess.CompletedProcess
    built: subprocess.CompletedProcess


class SharedBuilds:
    """``write_profile(workspace, origin, base_branch=…, mode=…)`` then ``--replay
    [--until STEP]``, made once per worker for each branch, mode and step; and the plain
    build of a branch by hand (clone, configure, ``make install``), once per branch."""

    def __init__(self, origin: Path, root: Path) -> None:
        self.origin = origin
        self.keeper = Keeper(root)
        self._first: dict[str, subprocess.CompletedProcess] = {}
        self._plain: dict[str, tuple[subprocess.CompletedProcess, ...]] = {}

    def plain(self, branch: str) -> PlainBuild:
        """``clone --branch BRANCH``, ``cmake -S pharo-vm -B build``, ``make install``."""
        name = f"plain-{branch}"

        def make(place: Path) -> None:
            checkout = clone(self.origin, place / "pharo-vm", branch)
            configured = configure(checkout, place / "build")
            built = install(place / "build") if configured.returncode == 0 else configured
            self._plain[name] = (configured, built)

        place = self.keeper.restore(name, make)
        return PlainBuild(place / "pharo-vm", place / "build", *self._plain[name])

    def restore(self, branch: str | None, mode: str, until: str | None) -> Built:
        name = f"{branch}-{mode}-{until or 'all'}"

        def make(place: Path) -> None:
            workspace, cache = place / "workspace", place / "xdg-cache"
            workspace.mkdir()
            cache.mkdir()
            profile = write_profile(workspace, self.origin, base_branch=branch, mode=mode)
            args = ("--until", until) if until else ()
            first = wizard(
                "--replay", str(profile), *args, cwd=workspace, env={"XDG_CACHE_HOME": str(cache)}
            )
            assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-2000:]
            self._first[name] = first

        place = self.keeper.restore(name, make)
        workspace = place / "workspace"
        return Built(
            workspace=workspace,
            profile=workspace / "profiles" / "HelloWorldPlugin.yml",
            cache=place / "xdg-cache",
            first=self._first[name],
        )


def backdate(*roots: Path, seconds: float = 2.0) -> None:
    """Move the times of every file and folder under ``roots`` ``seconds`` into the past.

    For a file the test writes next (or the wizard does) this is what waiting ``seconds``
    would do: it is that much newer than everything before it, whatever the file system's
    time resolution. The order of the files already there is kept."""
    shift = int(seconds * 1e9)
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in (*dirs, *files):
                _shift(Path(folder) / name, shift)
        _shift(root, shift)


def _shift(path: Path, shift: int) -> None:
    status = path.lstat()
    times = (status.st_atime_ns - shift, status.st_mtime_ns - shift)
    os.utime(path, ns=times, follow_symlinks=False)
