"""The errors the engine raises on purpose; each one is a message for the user, not a bug.

And the exit statuses they end in (docs/command-line.md, "Exit status"): 0 success, 1 a
step failed or ``--lint`` found errors, 2 bad input, 130 interrupted.
"""

from __future__ import annotations

import errno
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class WizardError(Exception):
    """A problem the user can act on; printed as one line, never as a traceback."""


class ProfileError(WizardError):
    """A profile that does not load or validate (exit status 2).

    Rendered as ``profiles/X.yml:7: plugin.name: 'helloWorld' must start with a capital
    letter``: the file, the line when there is one, the field when there is one.
    """

    def __init__(self, path: Path | None, line: int | None, field: str | None, message: str):
        self.path = path
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(_display(self.path) + (f":{self.line}" if self.line else ""))
        if self.field:
            where.append(self.field)
        text = ": ".join([*where, self.message])
        return text.replace("\r", "\\r").replace("\n", "\\n")  # always one line


class UsageError(WizardError):
    """A bad command-line argument (exit status 2)."""


class LockedError(WizardError):
    """Another wizard holds the profile's lock (exit status 2)."""


#: How the command line says "do it again": each face words the way on (the TUI: a key).
AGAIN = "run the same command again"


def next_step(hint: str | None, again: bool, again_words: str = AGAIN) -> str | None:
    """A hint as a face says it: what to do, then (when ``again``) the face's way to run
    the same steps again. The engine keeps the two apart, as data, so that no face rewrites
    another's sentence."""
    if hint and again:
        return f"{hint}, then {again_words}"
    if again:
        return f"fix the cause, then {again_words}"
    return hint


class StepFailed(WizardError):
    """A step could not do its work; ``hint`` says what to do next, and ``again`` whether
    running the same steps again after it is the way on (every face words that its way)."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        details: list[str] | None = None,
        *,
        again: bool = False,
    ):
        self.message = message
        self.hint = hint
        self.again = again
        self.details = details or []
        super().__init__(message)

    @property
    def advice(self) -> str | None:
        """The hint as the command line says it."""
        return next_step(self.hint, self.again)


class StepRefused(StepFailed):
    """A step found bad input it cannot go on with (exit status 2, as for a bad argument)."""


class Interrupted(WizardError):  # noqa: N818 - the user's word for it
    """Ctrl-C or SIGTERM reached the wizard; children were stopped (exit status 130)."""


class OutputClosed(Interrupted):  # noqa: N818 - it is an interruption, as Ctrl-C is
    """The reader of the wizard's output went away (``… | head``): the run stops as for Ctrl-C."""


class OutsideWorkspace(StepFailed, ValueError):
    """A path the wizard would write leads out of the workspace (a symlink elsewhere)."""


class OutputFailed(OutputClosed):  # noqa: N818 - a kind of closed output
    """Writing the wizard's own output failed (``>/dev/full``, a terminal gone): exit 1."""


#: What to do about an environment problem, by errno.
_ENVIRONMENT_HINTS = {
    errno.ENOTDIR: "a file stands where the wizard needs a folder: move or rename that file",
    errno.EISDIR: "a folder stands where the wizard needs a file: move or rename that folder",
    errno.EACCES: "make that folder writable for you, or move the workspace elsewhere",
    errno.EPERM: "make that folder writable for you, or move the workspace elsewhere",
    errno.EROFS: "that file system is read-only: move the workspace elsewhere",
    errno.ENOSPC: "the disk is full: free some space",
    errno.EEXIST: "something is in the way: move it away",
}


def environment_problem(error: OSError) -> StepFailed:
    """An OSError from the file system as one line saying what and where, with what to do.

    A folder that is a file, no permission, a full disk: the user's machine, not a bug.
    """
    reason = error.strerror or type(error).__name__
    where = [str(name) for name in (error.filename, error.filename2) if name]
    message = f"{reason}: {' -> '.join(where)}" if where else reason
    hint = _ENVIRONMENT_HINTS.get(error.errno or 0)
    return StepFailed(message, hint=hint or "fix that", again=hint is None)


def _display(path: Path) -> str:
    """A path as the user typed it when relative to here, else as it is."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
