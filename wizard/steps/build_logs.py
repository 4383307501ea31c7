"""What a failed cmake or make run said: its error lines, read from the step's log, and
the failure that names them (a build tool's output is long; the reason is a few lines)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.engine.step import Context
from wizard.errors import StepFailed
from wizard.steps.cmake import COMPILER_ERROR, MAKE_ERROR, first_matches

if TYPE_CHECKING:
    pass


def fail_build(ctx: Context, step_id: str) -> None:
    """Raise the failure of a ``make install``: downloads, the first compiler errors, or make's."""
    from wizard.vm.download_failures import download_failure, download_failures

    log = ctx.log_path(step_id)
    failures = download_failures(log)
    if failures:
        raise download_failure(failures)
    errors = first_matches(log, COMPILER_ERROR, limit=8, after=2)
    if errors:
        first = COMPILER_ERROR.match(errors[0])
        where = f"{first.group('file')}:{first.group('line')}" if first else "the log"
        raise StepFailed(
            f"the C compiler failed (first error at {where})",
            hint="the C comes from the Slang methods: fix the method behind that line in the "
            "profile, then run again",
            details=errors,
        )
    printed = tool_error_lines(log)
    make_errors = first_matches(log, MAKE_ERROR, limit=2)
    if printed:
        raise StepFailed(
            f"the build failed: {_one_line(printed[0])}",
            hint="the lines above are what the failing command printed (for generate: the "
            "VM running VMMaker's image); fix what they name, then run again; the log has "
            "every line",
            details=[*printed, *make_errors],
        )
    raise StepFailed(
        "the build failed",
        hint="read the first errors above and the log",
        details=first_matches(log, MAKE_ERROR, limit=8, after=1),
    )


#: make's own lines (``gmake[2]: …``), cmake's progress (``[ 42%] …``, ``-- …``) and the
#: wizard's (``$ cmake …``, ``# generate: …``): none of them is what a failing command said.
BUILD_TOOL_LINE = re.compile(r"^(g?make(\[\d+\])?: |\[\s*\d+%\] |-- |\$ |# )")
#: make giving up: the line after the failing command's own output.
MAKE_GAVE_UP = re.compile(r"^g?make(\[\d+\])?: \*\*\* .*Error \d+")
#: Words that start the error a program reports (Smalltalk's ``MessageNotUnderstood: …``,
#: ``Error: …``, a VM's ``Segmentation fault``, a tool's ``cannot open …``).
ERROR_WORDS = re.compile(
    r"error|exception|notunderstood|fail|fault|abort|cannot|can't|not found|no such|denied",
    re.IGNORECASE,
)


def tool_error_lines(path: Path, limit: int = 8) -> list[str]:
    """What the failing command of a make run printed: the first lines of its error.

    make prints ``gmake[2]: *** […] Error 1`` right after the command that failed (the VM
    running VMMaker's image, a script, a linker); the lines before it, back to make's or
    cmake's previous line, are that command's own output. From them: the first line that
    reads like an error and the lines after it (a Smalltalk error comes first, then its
    stack), else the last lines. Empty when make printed nothing of the kind.
    """
    block: list[str] = []
    fresh = True  # the next non-tool line starts a new block
    with path.open("r", encoding="utf-8", errors="replace") as stream:
        for raw in stream:
            line = raw.rstrip("\n")
            if MAKE_GAVE_UP.match(line):
                break
            if not line.strip():
                continue  # a blank line between an error and its stack is still the command's
            if BUILD_TOOL_LINE.match(line):
                fresh = True
                continue
            if fresh:
                block, fresh = [], False
            block.append(line)
        else:
            return []  # make never gave up: nothing to explain
    start = next((i for i, line in enumerate(block) if ERROR_WORDS.search(line)), None)
    if start is None:
        return block[-limit:]
    return block[start : start + limit]


def _one_line(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
