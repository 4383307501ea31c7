"""The selector of a method's pattern line, without a parser.

The pattern line is the first line of a method's source (``primitiveAnswer``,
``+ aNumber``, ``strncpy: dst _: src _: n``). Reading it needs no grammar, and the
headless path must not load tree-sitter just to name a method; the full parse happens in
``wizard.slang`` when a step lints the source.
"""

from __future__ import annotations

import re

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_UNARY = re.compile(rf"({_IDENT})")
_BINARY = re.compile(rf"([-+*/\\<>=~@%|&?,!]+)\s*{_IDENT}")
_KEYWORD_PART = re.compile(rf"({_IDENT}:)\s*{_IDENT}\s*")


def selector_of_pattern(source: str) -> str | None:
    """The selector declared by the first non-blank line of ``source``, or None."""
    for line in source.splitlines():
        if line.strip():
            return _selector_of_line(line.strip())
    return None


def _selector_of_line(line: str) -> str | None:
    if _UNARY.fullmatch(line):
        return line
    binary = _BINARY.fullmatch(line)
    if binary:
        return binary.group(1)
    parts = []
    position = 0
    while position < len(line):
        match = _KEYWORD_PART.match(line, position)
        if not match:
            return None
        parts.append(match.group(1))
        position = match.end()
    return "".join(parts) or None


def argument_count(selector: str) -> int:
    """How many arguments a selector takes: keywords count colons, binaries take one."""
    if selector.endswith(":"):
        return selector.count(":")
    return 0 if _UNARY.fullmatch(selector) else 1
