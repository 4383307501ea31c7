"""The one way the wizard runs a process: an argument list, streamed, stoppable.

Every child gets its own session, so a terminal's Ctrl-C reaches the wizard alone and the
wizard decides: it stops the child's whole process tree (make, cc, the VMMaker image) and
then reports the interruption. Output is read in chunks as it arrives and handed on as
whole lines to the step's log file and to the screen, never buffered for the whole run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import shutil
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from wizard.engine.sink import StepOutput
from wizard.errors import Interrupted, StepFailed

if TYPE_CHECKING:
    import psutil

READ_SIZE = 64 * 1024  # per read: small enough that the TUI gets its lines in even steps
PIPE_SIZE = 1024 * 1024  # the pipe itself: a chatty tool rarely waits for the wizard
STOP_GRACE_SECONDS = 3.0


class CancelToken:
    """Lets another thread (the TUI) stop the running process tree of a step.

    ``cancel()`` marks the run cancelled and stops the process :func:`run` is waiting on,
    plus any other child of the wizard (a git clone run by GitPython); :func:`run` then
    raises :class:`Interrupted`, exactly as it does for Ctrl-C in the headless face.
    """

    def __init__(self) -> None:
        self._cancelled = threading.Event()
        self._pids: set[int] = set()
        self._lock = threading.Lock()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def reset(self) -> None:
        self._cancelled.clear()

    def cancel(self) -> None:
        import psutil

        # Only the children alive now: a run started after this cancel is not its business.
        children = [child.pid for child in psutil.Process().children()]
        self._cancelled.set()
        with self._lock:
            pids = list(self._pids)
        for pid in dict.fromkeys([*pids, *children]):
            stop_tree(pid)

    def check(self) -> None:
        """Raise :class:`Interrupted` when the run was cancelled."""
        if self.cancelled:
            raise Interrupted("cancelled")

    def watch(self, pid: int) -> None:
        with self._lock:
            self._pids.add(pid)
        if self.cancelled:
            stop_tree(pid)

    def unwatch(self, pid: int) -> None:
        with self._lock:
            self._pids.discard(pid)


@dataclass(frozen=True)
class Completed:
    """What a finished process left: its status and the last lines it printed; ``timed_out``
    when it was stopped because it ran past its time limit."""

    returncode: int
    tail: list[str]
    timed_out: bool = False


def run_command(
    args: Sequence[str],
    out: StepOutput,
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    tail_lines: int = 400,
    token: CancelToken | None = None,
    timeout: float | None = None,
) -> Completed:
    """Run ``args`` (no shell), stream its output to ``out``, answer its status and tail.

    On KeyboardInterrupt (Ctrl-C) or :class:`Interrupted` (SIGTERM), the whole process tree
    is stopped before :class:`Interrupted` is raised.  With ``timeout``, a tool still running
    after that many seconds has its whole tree stopped the same way, and the answer says
    ``timed_out`` (its output so far is kept).
    """
    program = shutil.which(args[0]) if os.sep not in args[0] else args[0]
    if program is None:
        raise StepFailed(f"{args[0]} is not installed or not on PATH", hint=install_hint(args[0]))
    out.line("$ " + " ".join(_quote(arg) for arg in args))
    environment = dict(os.environ if env is None else env)
    process = subprocess.Popen(
        [program, *args[1:]],
        cwd=cwd,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _widen_pipe(process.stdout)
    stream = process.stdout
    assert stream is not None
    lines = _Lines(out)
    if token is not None:
        token.watch(process.pid)
    watchdog = _Watchdog(process.pid, timeout) if timeout is not None else None
    try:
        while chunk := os.read(stream.fileno(), READ_SIZE):
            lines.feed(chunk)
        lines.flush()
        returncode = process.wait()
        if watchdog is not None:
            watchdog.finish()
        if token is not None:
            token.check()
    except BaseException as error:
        # Whatever went wrong on our side, the tool does not run on. While it stops it is
        # still read: a make reporting "Terminated" must not block on a full pipe.
        with _draining(stream, lines):
            stop_tree(process.pid)
            process.wait()
        if isinstance(error, (KeyboardInterrupt, Interrupted)):
            raise Interrupted(f"{args[0]} was stopped") from None
        raise
    finally:
        if watchdog is not None:
            watchdog.finish()
        if token is not None:
            token.unwatch(process.pid)
        stream.close()
    timed_out = watchdog is not None and watchdog.fired
    return Completed(returncode, lines.tail_text().splitlines()[-tail_lines:], timed_out)


class _Watchdog:
    """Stops a process tree that is still running ``seconds`` after it started."""

    def __init__(self, pid: int, seconds: float) -> None:
        self.pid = pid
        self._fired = threading.Event()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def fired(self) -> bool:
        return self._fired.is_set()

    def _expire(self) -> None:
        self._fired.set()
        stop_tree(self.pid)

    def finish(self) -> None:
        """Cancel the timer, or wait until the stop it began is over."""
        self._timer.cancel()
        if self._timer.is_alive() and self._timer is not threading.current_thread():
            self._timer.join()


class _Lines:
    """A tool's output as it arrives, handed on to ``out`` in whole lines; keeps the tail."""

    def __init__(self, out: StepOutput) -> None:
        self.out = out
        self.pending = b""
        self.tail: deque[bytes] = deque()

    def feed(self, chunk: bytes) -> None:
        cut = chunk.rfind(b"\n") + 1
        if cut == 0:
            self.pending += chunk
            return
        lines = self.pending + chunk[:cut]
        self.pending = chunk[cut:]
        self._hand_on(lines)

    def flush(self) -> None:
        """The last line, when the tool did not end it."""
        if self.pending:
            lines, self.pending = self.pending + b"\n", b""
            self._hand_on(lines)

    def _hand_on(self, lines: bytes) -> None:
        self.out.write_bytes(lines)
        _keep_tail(self.tail, lines)

    def tail_text(self) -> str:
        return b"".join(self.tail).decode("utf-8", "replace")


@contextlib.contextmanager
def _draining(stream: IO[bytes], lines: _Lines) -> Iterator[None]:
    """Keep reading ``stream`` in a thread while the block runs, then what is left in it.

    The output may be gone (the wizard's own stdout closed): then what the tool prints while
    it stops is dropped, but it is still read, so the tool never waits on the wizard.
    """
    done = threading.Event()

    def read() -> None:
        descriptor = stream.fileno()
        readable = select.poll()
        readable.register(descriptor, select.POLLIN)
        while True:
            if not readable.poll(50):
                if done.is_set():
                    return
                continue
            chunk = os.read(descriptor, READ_SIZE)
            if not chunk:
                return
            with contextlib.suppress(Exception):
                lines.feed(chunk)

    reader = threading.Thread(target=read, name="drain", daemon=True)
    reader.start()
    try:
        yield
    finally:
        done.set()
        reader.join()
        with contextlib.suppress(Exception):
            lines.flush()


TAIL_BYTES = 64 * 1024


def _widen_pipe(stream: IO[bytes] | None) -> None:
    """Give a chatty tool a 1 MiB pipe (Linux) instead of 64 KiB.

    A tool that prints 200,000 lines then rarely blocks on a full pipe while the wizard is
    busy writing the log: fewer wake-ups for both, on a machine the build keeps busy.
    """
    size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if size is not None and stream is not None:
        with contextlib.suppress(OSError):  # above /proc/sys/fs/pipe-max-size: keep the default
            fcntl.fcntl(stream.fileno(), size, PIPE_SIZE)


def _keep_tail(tail: deque[bytes], lines: bytes) -> None:
    """Keep about the last 64 KiB of output, as chunks; decoded once, at the end."""
    tail.append(lines)
    size = sum(len(chunk) for chunk in tail)
    while len(tail) > 1 and size - len(tail[0]) >= TAIL_BYTES:
        size -= len(tail.popleft())


def stop_tree(pid: int, grace: float = STOP_GRACE_SECONDS) -> list[int]:
    """Stop a process and every descendant: SIGTERM, then SIGKILL after ``grace`` seconds.

    The descendants are found twice, by parenthood and by process group (:func:`run` starts
    each tool as the leader of its own group): a make that forks a new cc while it is being
    stopped, or a child orphaned when its parent dies first, is still in the group and is
    stopped with it. Answers the pids that were asked to stop. psutil is loaded here, when
    something must be stopped, not on every run.
    """
    import psutil

    group = _own_group(pid)
    family = _family(pid, group)
    if not family:
        return []
    _send(family, group, signal.SIGTERM)
    _, alive = psutil.wait_procs(family, timeout=grace)
    late = [p for p in _family(pid, group) if p.pid not in {q.pid for q in family}]
    if alive or late:
        _send([*alive, *late], group, signal.SIGKILL)
        psutil.wait_procs([*alive, *late], timeout=grace)
    return [process.pid for process in family]


def _own_group(pid: int) -> int | None:
    """``pid``'s process group when it leads one of its own (never the wizard's group)."""
    try:
        group = os.getpgid(pid)
    except OSError:
        return None
    return group if group == pid and group != os.getpgrp() else None


def _family(pid: int, group: int | None) -> list[psutil.Process]:
    """The process, its descendants, and the other members of its group."""
    import psutil

    found: dict[int, psutil.Process] = {}
    with contextlib.suppress(psutil.NoSuchProcess):
        root = psutil.Process(pid)
        found[pid] = root
        for child in root.children(recursive=True):
            found[child.pid] = child
    if group is not None:
        for process in psutil.process_iter():
            with contextlib.suppress(psutil.Error, OSError):
                if process.pid not in found and os.getpgid(process.pid) == group:
                    found[process.pid] = process
    return list(found.values())


def _send(processes: list[psutil.Process], group: int | None, number: signal.Signals) -> None:
    import psutil

    if group is not None:
        with contextlib.suppress(OSError):
            os.killpg(group, number)
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(number)


def stop_children() -> list[int]:
    """Stop every process the wizard started (e.g. a git clone run by GitPython)."""
    import psutil

    stopped: list[int] = []
    for child in psutil.Process().children():
        stopped.extend(stop_tree(child.pid))
    return stopped


def install_hint(program: str) -> str:
    """What to install when a tool is missing, in Debian/Ubuntu, Fedora and macOS words."""
    packages = {
        "cmake": "cmake (apt install cmake / dnf install cmake / brew install cmake)",
        "make": "make (apt install make / dnf install make / xcode-select --install)",
        "cc": "a C compiler (apt install gcc / dnf install gcc / xcode-select --install)",
        "gcc": "a C compiler (apt install gcc / dnf install gcc / xcode-select --install)",
        "git": "git (apt install git / dnf install git / brew install git)",
        "nm": "binutils (apt install binutils / dnf install binutils)",
    }
    return "install " + packages.get(program, program)


def _quote(arg: str) -> str:
    return arg if arg and all(ch.isalnum() or ch in "-_./=:,+@%" for ch in arg) else repr(arg)
