"""Map a failed round's error lines back to the Slang method they came from.

Two kinds of lines name a method. VMMaker's own errors (``regenerate-plugin.st`` prints the
error and the first contexts of its stack) name it as ``Class>>#selector``. A C compiler
error names a line of the generated C, and VMMaker writes a comment naming the method above
each function it translates (``/* Class>>#selector */``; the test repository's stand-in
writes ``/* Class >> selector */``): the nearest such comment above the line is the method.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SMALLTALK_METHOD = re.compile(
    r"\b([A-Z][A-Za-z0-9_]*)(?: class)?\s*>>\s*#?([A-Za-z_][A-Za-z0-9_:]*)"
)
C_ERROR = re.compile(r"^(?P<file>[^\s:][^:]*\.c):(?P<line>\d+):(\d+:)? (fatal )?error: ")
C_METHOD_COMMENT = re.compile(
    r"/\*\s*([A-Z][A-Za-z0-9_]*)(?: class)?\s*>>\s*#?([A-Za-z_][A-Za-z0-9_:]*)\s*\*/"
)


@dataclass(frozen=True)
class MappedError:
    """One error line and the plugin method it comes from (``None`` when none is named)."""

    line: str
    method: str | None


def method_of_c_line(path: Path, number: int, plugin: str) -> str | None:
    """The plugin method whose C holds line ``number`` of ``path``, from VMMaker's comments."""
    try:
        lines = path.read_text("utf-8", "replace").splitlines()[:number]
    except OSError:
        return None
    for text in reversed(lines):
        found = C_METHOD_COMMENT.search(text)
        if found:
            return found.group(2) if found.group(1) == plugin else None
    return None


def map_errors(lines: list[str] | tuple[str, ...], plugin: str) -> list[MappedError]:
    """Each line with the method of ``plugin`` it names or points into, when it does."""
    mapped = []
    for line in lines:
        method = None
        c_error = C_ERROR.match(line)
        if c_error:
            method = method_of_c_line(Path(c_error["file"]), int(c_error["line"]), plugin)
        else:
            for found in SMALLTALK_METHOD.finditer(line):
                if found.group(1) == plugin:
                    method = found.group(2)
                    break
        mapped.append(MappedError(line, method))
    return _with_stack_methods(mapped)


def _with_stack_methods(mapped: list[MappedError]) -> list[MappedError]:
    """VMMaker's error line names no method; the stack lines under it do: an unmapped line
    that is not a C error takes the method of the next line that names one."""
    result = list(mapped)
    following: str | None = None
    for index in range(len(result) - 1, -1, -1):
        entry = result[index]
        if entry.method:
            following = entry.method
        elif following and not C_ERROR.match(entry.line):
            result[index] = MappedError(entry.line, following)
    return result
