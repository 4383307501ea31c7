"""The selector of a method's pattern line, without a parser.

The pattern line is the first line of a method's source (``primitiveAnswer``,
``+ aNumber``, ``strncpy: dst _: src _: n``). Reading it needs no grammar, and the
headless path must not load tree-sitter just to name a method; the full parse happens in
``wizard.slang.syntax`` when a step lints the source.
"""

from __future__ import annotations

import re

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_UNARY = re.compile(rf"({_IDENT})(?![A-Za-z0-9_:])")
_UNARY_ONLY = re.compile(rf"({_IDENT})")
_BINARY = re.compile(rf"([-+*/\\<>=~@%|&?,!]+)\s*{_IDENT}(?![A-Za-z0-9_])")
_KEYWORD_PART = re.compile(rf"({_IDENT}:)(?!=)\s*{_IDENT}(?![A-Za-z0-9_])")
_BLANK = re.compile(r"\s*")


def selector_of_pattern(source: str) -> str | None:
    """The selector the pattern at the start of ``source`` declares, or None.

    The pattern may span lines (``primitiveAdd: a\n\tto: b``) and the body may follow on
    its line (``primitiveAnswer ^ 42``): a keyword pattern is every ``keyword: argument``
    pair from the start, across blanks and newlines.
    """
    found = pattern_span(source)
    return found[0] if found else None


def _after_blanks(source: str, position: int) -> int:
    """Where the blanks from ``position`` on end (``\\s*`` always matches)."""
    found = _BLANK.match(source, position)
    return found.end() if found else position


def pattern_span(source: str) -> tuple[str, int] | None:
    """The selector and the offset in ``source`` where its pattern ends, or None."""
    position = _after_blanks(source, 0)
    parts = []
    cursor = position
    while match := _KEYWORD_PART.match(source, cursor):
        parts.append(match.group(1))
        position = match.end()
        cursor = _after_blanks(source, position)
    if parts:
        return "".join(parts), position
    for pattern in (_BINARY, _UNARY):
        match = pattern.match(source, position)
        if match:
            return match.group(1), match.end()
    return None


def argument_count(selector: str) -> int:
    """How many arguments a selector takes: keywords count colons, binaries take one."""
    if selector.endswith(":"):
        return selector.count(":")
    return 0 if _UNARY_ONLY.fullmatch(selector) else 1
