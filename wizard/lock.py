"""One wizard per profile: a lock file beside the profile, naming its owner's pid.

A second wizard on the same profile refuses and names the first one's pid. A lock whose
owner is gone (or whose pid now belongs to another program started later) is taken over:
a crashed wizard never blocks the next run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import psutil

from wizard.errors import LockedError


@dataclass
class ProfileLock:
    """The lock of one profile file; use as a context manager."""

    profile_path: Path

    @property
    def path(self) -> Path:
        return self.profile_path.parent / f".{self.profile_path.name}.lock"

    def __enter__(self) -> ProfileLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def acquire(self) -> None:
        me = _identity(os.getpid())
        for _ in range(3):
            try:
                descriptor = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self._owner()
                if owner is not None and _alive(owner):
                    raise LockedError(
                        f"{self.profile_path}: another pharo-plugin-wizard (pid {owner['pid']}) "
                        f"is working on this profile; wait for it or stop it"
                    ) from None
                self.path.unlink(missing_ok=True)  # its owner is gone: take it over
                continue
            with os.fdopen(descriptor, "w") as stream:
                json.dump(me, stream)
            return
        raise LockedError(f"{self.profile_path}: could not take the lock {self.path}")

    def release(self) -> None:
        owner = self._owner()
        if owner is not None and owner.get("pid") == os.getpid():
            self.path.unlink(missing_ok=True)

    def _owner(self) -> dict[str, float] | None:
        try:
            owner = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None
        return owner if isinstance(owner, dict) and isinstance(owner.get("pid"), int) else None


def _identity(pid: int) -> dict[str, float]:
    return {"pid": pid, "started": psutil.Process(pid).create_time()}


def _alive(owner: dict[str, float]) -> bool:
    """True when the pid runs and is the same process that wrote the lock."""
    try:
        process = psutil.Process(int(owner["pid"]))
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return abs(process.create_time() - float(owner.get("started", 0))) < 1.0
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return False
