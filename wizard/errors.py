"""The errors the engine raises on purpose; each one is a message for the user, not a bug.

And the exit statuses they end in (SPEC.md): 0 success, 1 a step failed or ``--lint``
found errors, 2 bad input, 130 interrupted.
"""

from __future__ import annotations

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


class StepFailed(WizardError):
    """A step could not do its work; ``hint`` says what to do next."""

    def __init__(self, message: str, hint: str | None = None, details: list[str] | None = None):
        self.message = message
        self.hint = hint
        self.details = details or []
        super().__init__(message)


class Interrupted(WizardError):  # noqa: N818 - the user's word for it
    """Ctrl-C or SIGTERM reached the wizard; children were stopped (exit status 130)."""


class OutputClosed(Interrupted):  # noqa: N818 - it is an interruption, as Ctrl-C is
    """The reader of the wizard's output went away (``… | head``): the run stops as for Ctrl-C."""


def _display(path: Path) -> str:
    """A path as the user typed it when relative to here, else as it is."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
