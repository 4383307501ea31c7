"""Writing and removing the wizard's own files: never through a link, never half a file.

A workspace is often someone else's repository (a colleague's, a CI checkout), and what it
ships may sit where the wizard writes: ``build/pharo-plugin-wizard`` as a link to a folder
elsewhere, ``profiles/.Name.yml.lock`` as a link to ``~/.bashrc``. So every file the wizard
writes or removes is reached from a root it resolved once (the workspace, the checkout, the
build folder, the profile's folder) one folder at a time, each opened with ``O_NOFOLLOW``:
a link on the way is refused, named, instead of followed. What is already at the wizard's
own path must be a regular file (or, for a folder it removes, a folder): a link, a FIFO or
a device there is refused, named.

A file is written whole or not at all: into a new temporary file in the same folder
(created with ``O_EXCL``, so nothing already there is reused), flushed to the disk, then
renamed over the old one. A crash or a full disk leaves the old file or the new one, never
a truncated one; an error names the file. A log, which a step streams and reads back while
it runs, starts as a new empty file renamed into place the same way.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePath
from typing import IO, BinaryIO

from wizard.errors import StepFailed

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


class UnsafePath(StepFailed):
    """A link, a FIFO or a device where the wizard writes or removes its own file."""

    def __init__(self, path: PurePath | str, what: str) -> None:
        super().__init__(
            f"{path} {what}; the wizard does not write through it",
            hint="move it away (it is not the wizard's: a shared workspace may have brought it)",
            again=True,
        )
        self.path = Path(path)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    if stat.S_ISFIFO(mode):
        return "is a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    if stat.S_ISDIR(mode):
        return "is a folder"
    return "is not a regular file"


def _parts(relative: PurePath | str) -> tuple[str, ...]:
    """The components of a path below a root; ``..`` and absolute paths are refused."""
    parts = tuple(part for part in PurePath(relative).parts if part not in ("", "."))
    if PurePath(relative).is_absolute() or ".." in parts:
        raise UnsafePath(relative, "leads out of the folder it belongs to")
    return parts


def split(path: Path, roots: Sequence[Path]) -> tuple[Path, PurePath]:
    """``(root, relative)`` for the innermost of ``roots`` that holds ``path`` as written
    (without resolving links); refused when none does."""
    best: tuple[Path, PurePath] | None = None
    for root in roots:
        try:
            relative = PurePath(path).relative_to(root)
        except ValueError:
            continue
        if best is None or len(relative.parts) < len(best[1].parts):
            best = (root, relative)
    if best is None:
        raise UnsafePath(path, "is outside the workspace")
    return best


@contextlib.contextmanager
def folder(root: Path, relative: PurePath | str, *, create: bool) -> Iterator[int]:
    """An open descriptor of the folder ``root/relative``, reached without following a link.

    ``root`` itself was resolved by the caller. Missing folders are made when ``create``;
    a link or a file on the way is refused, named.
    """
    descriptor = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    walked = Path(root)
    try:
        for part in _parts(relative):
            walked = walked / part
            try:
                child = os.open(
                    part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=descriptor
                )
            except FileNotFoundError:
                if not create:
                    raise FileNotFoundError(errno.ENOENT, "no such folder", str(walked)) from None
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o777, dir_fd=descriptor)
                child = os.open(
                    part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=descriptor
                )
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    mode = os.stat(part, dir_fd=descriptor, follow_symlinks=False).st_mode
                    if not stat.S_ISREG(mode):  # a file there is the machine's, not an attack
                        raise UnsafePath(walked, _kind(mode)) from None
                raise OSError(error.errno, error.strerror, str(walked)) from None
            os.close(descriptor)
            descriptor = child
        yield descriptor
    finally:
        os.close(descriptor)


def _existing(descriptor: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=descriptor, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _refuse_unless_regular(descriptor: int, name: str, shown: Path) -> os.stat_result | None:
    """What is at ``name`` (None: nothing); a link, FIFO, device or folder there is refused."""
    found = _existing(descriptor, name)
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise UnsafePath(shown, _kind(found.st_mode))
    return found


def _temporary(descriptor: int, name: str, mode: int) -> tuple[int, str]:
    """A new file beside ``name`` that did not exist before (``O_EXCL``), open for writing."""
    for _ in range(100):
        temporary = f".{name}.{os.urandom(4).hex()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
        try:
            return os.open(temporary, flags, mode, dir_fd=descriptor), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", name)


def _named(error: OSError, shown: Path) -> OSError:
    """The same error, naming the file the wizard was writing (a full disk says where)."""
    if isinstance(error, StepFailed):
        return error
    named = OSError(error.errno, error.strerror or str(error), str(shown))
    return named


def _exchange(where: int, first: str, second: str) -> bool:
    """Swap two names in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False
    where the system or the file system has no such call."""
    import ctypes

    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    exchange = 2  # RENAME_EXCHANGE
    if call(where, first.encode(), where, second.encode(), exchange) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(number, os.strerror(number), second)


def _checked_exchange(
    where: int, temporary: str, name: str, before_replace: Callable[[os.stat_result | None], None]
) -> bool:
    """Put the new file in place by swapping it with the old one, then show ``before_replace``
    exactly the file that was replaced; when it refuses, the replaced file goes back
    (unless yet another one took the place meanwhile, which is then left there). A check
    before the swap sees most changes without swapping at all. False when swapping is not
    possible here (the caller checks, then renames)."""
    before_replace(_existing(where, name))  # most changes are seen here, nothing swapped
    ours = os.stat(temporary, dir_fd=where, follow_symlinks=False).st_ino
    if not _exchange(where, temporary, name):
        return False
    try:
        before_replace(os.stat(temporary, dir_fd=where, follow_symlinks=False))
    except BaseException:
        now = _existing(where, name)
        if now is not None and now.st_ino == ours:
            _exchange(where, temporary, name)
        raise
    os.unlink(temporary, dir_fd=where)
    return True


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view[:_CHUNK])
        view = view[written:]


def write_bytes(
    root: Path,
    relative: PurePath | str,
    data: bytes | BinaryIO,
    *,
    times: tuple[int, int] | None = None,
    mode: int | None = None,
    before_replace: Callable[[os.stat_result | None], None] | None = None,
) -> Path:
    """Write ``data`` (bytes, or a file to copy) to ``root/relative`` atomically; answer the
    path. The old file's permissions are kept; ``times`` (ns) sets the new file's times.

    ``before_replace`` is shown what is at the path just before the rename (None: nothing)
    and may raise to leave the file as it is (the profile's writer checks that nobody saved
    it meanwhile)."""
    parts = _parts(relative)
    shown = Path(root, *parts)
    if not parts:
        raise UnsafePath(shown, "is a folder")
    try:
        with folder(root, PurePath(*parts[:-1]), create=True) as where:
            name = parts[-1]
            old = _refuse_unless_regular(where, name, shown)
            wanted = mode if mode is not None else (stat.S_IMODE(old.st_mode) if old else None)
            descriptor, temporary = _temporary(where, name, 0o666)
            try:
                try:
                    if wanted is not None:
                        os.fchmod(descriptor, wanted)
                    if isinstance(data, bytes | bytearray):
                        _write_all(descriptor, bytes(data))
                    else:
                        while chunk := data.read(_CHUNK):
                            _write_all(descriptor, chunk)
                    os.fsync(descriptor)
                    if times is not None:
                        os.utime(descriptor, ns=times)
                finally:
                    os.close(descriptor)
                if before_replace is None or old is None:
                    os.replace(temporary, name, src_dir_fd=where, dst_dir_fd=where)
                elif not _checked_exchange(where, temporary, name, before_replace):
                    before_replace(_existing(where, name))
                    os.replace(temporary, name, src_dir_fd=where, dst_dir_fd=where)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary, dir_fd=where)
                raise
            with contextlib.suppress(OSError):
                os.fsync(where)  # the rename itself reaches the disk
            _forget_leftovers(where, name)
    except OSError as error:
        raise _named(error, shown) from None
    return shown


def _forget_leftovers(where: int, name: str) -> None:
    """Remove what a crashed earlier write of ``name`` left: its temporary files (only the
    wizard makes that name, and only one wizard works in a folder at a time)."""
    prefix, suffix = f".{name}.", ".tmp"
    for entry in os.listdir(where):
        middle = entry[len(prefix) : -len(suffix)]
        if (
            entry.startswith(prefix)
            and entry.endswith(suffix)
            and len(middle) == 8
            and all(c in "0123456789abcdef" for c in middle)
        ):
            with contextlib.suppress(OSError):
                os.unlink(entry, dir_fd=where)


def write_text(
    root: Path,
    relative: PurePath | str,
    text: str,
    *,
    before_replace: Callable[[os.stat_result | None], None] | None = None,
) -> Path:
    """:func:`write_bytes` of ``text`` as UTF-8 with ``\\n`` line ends."""
    data = text.encode("utf-8", "surrogateescape")
    return write_bytes(root, relative, data, before_replace=before_replace)


def copy_file(source: Path, root: Path, relative: PurePath | str) -> Path:
    """Copy ``source`` (read through links: it is an input) to ``root/relative`` atomically,
    keeping its permissions and times (``make`` compares them)."""
    facts = source.stat()
    with source.open("rb") as stream:
        return write_bytes(
            root,
            relative,
            stream,
            times=(facts.st_atime_ns, facts.st_mtime_ns),
            mode=stat.S_IMODE(facts.st_mode),
        )


def new_stream(root: Path, relative: PurePath | str) -> IO[bytes]:
    """A new, empty file at ``root/relative`` (the old one replaced at once), open for writing:
    a log, which a step streams into and reads back while it runs."""
    parts = _parts(relative)
    shown = Path(root, *parts)
    try:
        with folder(root, PurePath(*parts[:-1]), create=True) as where:
            name = parts[-1]
            _refuse_unless_regular(where, name, shown)
            descriptor, temporary = _temporary(where, name, 0o666)
            try:
                os.replace(temporary, name, src_dir_fd=where, dst_dir_fd=where)
            except BaseException:
                os.close(descriptor)
                with contextlib.suppress(OSError):
                    os.unlink(temporary, dir_fd=where)
                raise
    except OSError as error:
        raise _named(error, shown) from None
    return os.fdopen(descriptor, "wb", buffering=0)


def read_regular(path: Path, limit: int) -> bytes:
    """The first ``limit`` bytes of the regular file ``path``; a link, FIFO or device there
    raises :class:`UnsafePath` at once (never a read that blocks or has no end)."""
    flags = os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafePath(path, "is a symbolic link") from None
        raise
    try:
        facts = os.fstat(descriptor)
        if not stat.S_ISREG(facts.st_mode):
            raise UnsafePath(path, _kind(facts.st_mode))
        chunks, left = [], limit
        while left > 0 and (chunk := os.read(descriptor, min(left, _CHUNK))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def make_folder(root: Path, relative: PurePath | str) -> Path:
    """``root/relative`` made (with its parents) without following a link; answer its path."""
    try:
        with folder(root, relative, create=True):
            pass
    except OSError as error:
        raise _named(error, Path(root, *_parts(relative))) from None
    return Path(root, *_parts(relative))


def remove(root: Path, relative: PurePath | str) -> bool:
    """Remove the wizard's own file or folder ``root/relative`` and all in it; answer whether
    anything was there. A link on the way or at the place is refused, never followed."""
    parts = _parts(relative)
    shown = Path(root, *parts)
    if not parts:
        raise UnsafePath(shown, "is a root of the workspace")
    try:
        with folder(root, PurePath(*parts[:-1]), create=False) as where:
            found = _existing(where, parts[-1])
            if found is None:
                return False
            if stat.S_ISDIR(found.st_mode):
                _remove_tree(where, parts[-1], shown)
            elif stat.S_ISREG(found.st_mode):
                os.unlink(parts[-1], dir_fd=where)
            else:
                raise UnsafePath(shown, _kind(found.st_mode))
    except FileNotFoundError:
        return False
    except OSError as error:
        raise _named(error, shown) from None
    return True


def _remove_tree(where: int, name: str, shown: Path) -> None:
    """``shutil.rmtree`` of a folder below an open folder (it never follows a link inside)."""
    if sys.version_info >= (3, 11) and shutil.rmtree.avoids_symlink_attacks:
        shutil.rmtree(name, dir_fd=where)
        return
    shutil.rmtree(shown)  # pragma: no cover - Python 3.10: the parents were checked above


def open_lock(path: Path) -> int:
    """Open (or make) the lock file ``path`` for reading and writing, never through a link.

    The folder is taken as it is (the caller resolved it); a link, FIFO, device or a file
    with another name elsewhere (a hard link) at the lock's name is refused, named.
    """
    flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0)
    with folder(path.parent, "", create=False) as where:
        _refuse_unless_regular(where, path.name, path)
        try:
            descriptor = os.open(path.name, flags, 0o644, dir_fd=where)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise UnsafePath(path, "is a symbolic link") from None
            raise _named(error, path) from None
    facts = os.fstat(descriptor)
    if not stat.S_ISREG(facts.st_mode) or facts.st_nlink > 1:
        os.close(descriptor)
        what = (
            "has another name too (a hard link)"
            if stat.S_ISREG(facts.st_mode)
            else _kind(facts.st_mode)
        )
        raise UnsafePath(path, what)
    return descriptor
