"""One wizard per profile, and one per checkout and build folder: lock files held with ``flock``.

A second wizard on the same profile refuses and names the first one's pid, which the
holder writes into the file. Two profiles may share one workspace (one ``pharo-vm/``, one
``build/``), and two wizards on them would switch each other's branch mid-build; so a
wizard also locks the checkout and the build folder it works in, and a second one refuses
before it changes anything, naming the first one's pid and profile. Those two locks sit
beside the folder they guard (``.pharo-vm.pharo-plugin-wizard.lock`` next to
``pharo-vm/``), found from the folder's real path, so every profile that resolves to the
same folder finds the same lock.

The lock itself is the kernel's (``flock`` on the open file), so it ends with the process
that holds it, however that process ends: a crashed or killed wizard leaves a file behind
but never a lock, and a reused pid cannot keep one. The file is opened without following a
link (:func:`wizard.checkout.safe_files.open_lock`): a workspace that ships a lock file as a link to
a file elsewhere is refused, and the file the link names is never touched.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from wizard.checkout.safe_files import UnsafePath, open_lock
from wizard.errors import LockedError

_OWNER_WAIT_SECONDS = 0.2  # a new holder takes the lock, then writes its pid


class _HeldFile:
    """A lock file held with ``flock``; subclasses say where it is and how to refuse."""

    _descriptor: int | None = None

    @property
    def path(self) -> Path:
        raise NotImplementedError

    def owner_text(self) -> str:
        """What the holder writes into the file: its pid, then what a refusal names."""
        return f"{os.getpid()}\n"

    def refusal(self, owner: list[str]) -> str:
        raise NotImplementedError

    def __enter__(self) -> _HeldFile:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock, or raise :class:`LockedError` naming the wizard that has it."""
        for _ in range(5):
            try:
                descriptor = open_lock(self.path)
            except UnsafePath as error:
                raise LockedError(f"{error.message}; {error.advice}") from None
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = _owner(descriptor)
                os.close(descriptor)
                raise LockedError(self.refusal(owner)) from None
            if not _still_named(descriptor, self.path):
                os.close(descriptor)  # its holder released and removed it meanwhile: again
                continue
            os.ftruncate(descriptor, 0)
            os.write(descriptor, self.owner_text().encode("utf-8", "surrogateescape"))
            self._descriptor = descriptor
            return
        raise LockedError(f"could not take the lock {self.path}")

    def release(self) -> None:
        """Remove the file and let go of the lock; safe to call when not held."""
        if self._descriptor is None:
            return
        if _still_named(self._descriptor, self.path):
            self.path.unlink(missing_ok=True)  # removed while held: nobody else can have it
        os.close(self._descriptor)
        self._descriptor = None


class ProfileLock(_HeldFile):
    """The lock of one profile file; use as a context manager."""

    def __init__(self, profile_path: Path) -> None:
        self.profile_path = profile_path
        self._descriptor = None

    @property
    def path(self) -> Path:
        """Beside the real file: a symlinked second path to the profile shares its lock."""
        real = self.profile_path.resolve()
        return real.parent / f".{real.name}.lock"

    def refusal(self, owner: list[str]) -> str:
        who = f"pid {owner[0]}" if owner else "another process"
        return (
            f"{self.profile_path}: another pharo-plugin-wizard ({who}) "
            f"is working on this profile; wait for it or stop it"
        )


class FolderLock(_HeldFile):
    """The lock of a checkout or build folder a wizard works in, naming its profile."""

    def __init__(self, folder: Path, profile_path: Path, what: str) -> None:
        self.folder, self.profile_path, self.what = folder, profile_path, what
        self._descriptor = None

    @property
    def path(self) -> Path:
        real = self.folder.resolve()
        return real.parent / f".{real.name}.pharo-plugin-wizard.lock"

    def owner_text(self) -> str:
        return f"{os.getpid()}\n{self.profile_path.resolve()}\n"

    def refusal(self, owner: list[str]) -> str:
        who = f"pid {owner[0]}" if owner else "another process"
        profile = f" on {owner[1]}" if len(owner) > 1 else ""
        return (
            f"{self.folder}: another pharo-plugin-wizard ({who}{profile}) is working in this "
            f"{self.what}; two profiles that share it take turns: wait for it or stop it"
        )


def _still_named(descriptor: int, path: Path) -> bool:
    """Whether ``path`` still names the file open at ``descriptor``."""
    try:
        return os.stat(path, follow_symlinks=False).st_ino == os.fstat(descriptor).st_ino
    except FileNotFoundError:
        return False


def _owner(descriptor: int) -> list[str]:
    """The lines the holder wrote into the lock file, its pid first (it may take a moment)."""
    deadline = time.monotonic() + _OWNER_WAIT_SECONDS
    while True:
        try:
            os.lseek(descriptor, 0, os.SEEK_SET)
            written = os.read(descriptor, 4096)
        except OSError:
            written = b""
        lines = written.decode("utf-8", "replace").splitlines()
        if written.endswith(b"\n") and lines and lines[0].strip().isdigit():
            return [line.strip() for line in lines]
        if time.monotonic() > deadline:
            return []
        time.sleep(0.01)
