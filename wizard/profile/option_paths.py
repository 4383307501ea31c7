"""The cmake options that name a file the build uses, checked before anything runs.

Offline, a profile points pharo-vm's build at an image and a VM the user already has
(``VMMAKER_IMAGE``, ``GENERATE_PHARO_VM``; README "Offline builds"). A typo there used to
surface only after a clone and a configure, as make's "No rule to make target", three
times. ``--replay`` and ``--doctor`` check the paths first: a missing one is bad input
(exit 2) that names the option and the path.

A relative path is read from the workspace, the folder cmake runs in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from wizard.profile.model import Profile

#: Option name -> what it must name (pharo-vm reads both with ``GENERATE_VMMAKER=OFF``:
#: docs/offline.md).
PATH_OPTIONS: dict[str, str] = {
    "VMMAKER_IMAGE": "a Pharo image with VMMaker loaded",
    "GENERATE_PHARO_VM": "a Pharo VM program",
}


@dataclass(frozen=True)
class OptionPath:
    """One path-valued cmake option of a profile, and what is wrong with it (if anything)."""

    name: str
    value: str
    path: Path
    problem: str | None

    def line(self) -> str:
        """``build.cmake_options.NAME: PATH …`` for a message."""
        where = f"build.cmake_options.{self.name}: {self.value}"
        if self.problem is None:
            return f"{where} exists"
        return f"{where} {self.problem} (it must name {PATH_OPTIONS[self.name]})"


def option_paths(profile: Profile) -> list[OptionPath]:
    """Every path-valued option the profile sets, each checked."""
    found = []
    for name, value in profile.build.cmake_options:
        if name not in PATH_OPTIONS:
            continue
        path = Path(value)
        if not path.is_absolute():
            path = profile.workspace_dir / path
        found.append(OptionPath(name, value, path, _problem(name, value, path)))
    return found


def _problem(name: str, value: str, path: Path) -> str | None:
    if value.startswith("~"):
        return "starts with ~, which cmake does not expand: give the full path"
    if not path.exists():
        return "does not exist"
    if not path.is_file():
        return "is not a file"
    if name == "GENERATE_PHARO_VM" and not os.access(path, os.X_OK):
        return "is not executable"
    return None


def missing_option_paths(profile: Profile) -> list[OptionPath]:
    """The path-valued options whose path is not usable."""
    return [entry for entry in option_paths(profile) if entry.problem is not None]
