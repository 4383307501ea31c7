"""One wizard per profile: a lock file beside the profile, held with ``flock``.

A second wizard on the same profile refuses and names the first one's pid, which the
holder writes into the file. The lock itself is the kernel's (``flock`` on the open
file), so it ends with the process that holds it, however that process ends: a crashed or
killed wizard leaves a file behind but never a lock, and a reused pid cannot keep one.
"""

from __future__ import annotations

import fcntl
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from wizard.errors import LockedError

_OWNER_WAIT_SECONDS = 0.2  # a new holder takes the lock, then writes its pid


@dataclass
class ProfileLock:
    """The lock of one profile file; use as a context manager."""

    profile_path: Path
    _descriptor: int | None = field(default=None, init=False, repr=False)

    @property
    def path(self) -> Path:
        """Beside the real file: a symlinked second path to the profile shares its lock."""
        real = self.profile_path.resolve()
        return real.parent / f".{real.name}.lock"

    def __enter__(self) -> ProfileLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock, or raise :class:`LockedError` naming the wizard that has it."""
        for _ in range(5):
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = _owner_pid(descriptor)
                os.close(descriptor)
                who = f"pid {owner}" if owner else "another process"
                raise LockedError(
                    f"{self.profile_path}: another pharo-plugin-wizard ({who}) "
                    f"is working on this profile; wait for it or stop it"
                ) from None
            if not _still_named(descriptor, self.path):
                os.close(descriptor)  # its holder released and removed it meanwhile: again
                continue
            os.ftruncate(descriptor, 0)
            os.write(descriptor, f"{os.getpid()}\n".encode())
            self._descriptor = descriptor
            return
        raise LockedError(f"{self.profile_path}: could not take the lock {self.path}")

    def release(self) -> None:
        """Remove the file and let go of the lock; safe to call when not held."""
        if self._descriptor is None:
            return
        if _still_named(self._descriptor, self.path):
            self.path.unlink(missing_ok=True)  # removed while held: nobody else can have it
        os.close(self._descriptor)
        self._descriptor = None


def _still_named(descriptor: int, path: Path) -> bool:
    """Whether ``path`` still names the file open at ``descriptor``."""
    try:
        return os.stat(path).st_ino == os.fstat(descriptor).st_ino
    except FileNotFoundError:
        return False


def _owner_pid(descriptor: int) -> int | None:
    """The pid the holder wrote into the lock file (it may take a moment to write it)."""
    deadline = time.monotonic() + _OWNER_WAIT_SECONDS
    while True:
        try:
            os.lseek(descriptor, 0, os.SEEK_SET)
            written = os.read(descriptor, 32)
        except OSError:
            written = b""
        if written.endswith(b"\n") and written.strip().isdigit():
            return int(written)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.01)
