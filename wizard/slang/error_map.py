"""Map a failed round's error lines back to the Slang method they came from.

Two kinds of lines name a method. When VMMaker cannot load or translate the class,
``regenerate-plugin.st`` says so in one line, naming the method wherever the image knows it
(the method definition Monticello was loading, the Slang method VMMaker was translating)::

    regenerate-plugin: load failed in HelloWorldPlugin>>primitiveAdd:to:: <description>
    regenerate-plugin: translate failed in HelloWorldPlugin class>>moduleName: <description>

Pharo's own error output names only VMMaker's and Monticello's methods, so that line is the
one read.  A C compiler error names a line of the generated C, and VMMaker writes a comment
naming the method above each function it translates (``/* Class>>#selector */``; the test
repository's stand-in writes ``/* Class >> selector */``): the nearest such comment above
the line is the method.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: The script's failure line: what failed, the method if the image knew it, the description.
REGENERATE_FAILURE = re.compile(
    r"^regenerate-plugin: (?P<what>load|translate) failed"
    r"(?: in (?P<owner>[A-Za-z_][A-Za-z0-9_]*)(?P<meta> class)?>>(?P<selector>\S+?))?"
    r": (?P<description>.*)$"
)
C_ERROR = re.compile(r"^(?P<file>[^\s:][^:]*\.c):(?P<line>\d+):(\d+:)? (fatal )?error: ")
C_METHOD_COMMENT = re.compile(
    r"/\*\s*([A-Z][A-Za-z0-9_]*)(?: class)?\s*>>\s*#?([A-Za-z_][A-Za-z0-9_:]*)\s*\*/"
)


@dataclass(frozen=True)
class MappedError:
    """One error line and the plugin method it comes from (``None`` when none is named);
    a class-side method reads ``class>>selector``."""

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


def method_of_failure(line: str, plugin: str) -> str | None:
    """The plugin method a ``regenerate-plugin: … failed in …`` line names, if any."""
    found = REGENERATE_FAILURE.match(line)
    if found is None or found["owner"] != plugin:
        return None
    return f"class>>{found['selector']}" if found["meta"] else found["selector"]


def map_errors(lines: list[str] | tuple[str, ...], plugin: str) -> list[MappedError]:
    """Each line with the method of ``plugin`` it names or points into, when it does."""
    mapped = []
    for line in lines:
        c_error = C_ERROR.match(line)
        if c_error:
            method = method_of_c_line(Path(c_error["file"]), int(c_error["line"]), plugin)
        else:
            method = method_of_failure(line, plugin)
        mapped.append(MappedError(line, method))
    return mapped
