"""pharo-vm's build folder as cmake left it: ``CMakeCache.txt`` read as ``{NAME: (TYPE, VALUE)}``.

Every step that asks whether the build folder was configured, and with what, reads it here.
"""

from __future__ import annotations

import re
from pathlib import Path


def read_cache(build_dir: Path) -> dict[str, tuple[str, str]]:
    """CMakeCache.txt as ``{NAME: (TYPE, VALUE)}``; empty when there is none."""
    try:
        text = (build_dir / "CMakeCache.txt").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    entries = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_.+-]*):([A-Z]+)=(.*)$", line)
        if match:
            entries[match.group(1)] = (match.group(2), match.group(3))
    return entries


TRUE_WORDS = {"1", "ON", "YES", "TRUE", "Y"}
_FALSE = {"", "0", "OFF", "NO", "FALSE", "N", "IGNORE", "NOTFOUND"}


def same_value(kind: str, cached: str, wanted: str) -> bool:
    """Whether a cached value is the one wanted; for a BOOL, any of cmake's words for it."""
    if kind == "BOOL":
        return (cached.upper() in TRUE_WORDS) == (wanted.upper() in TRUE_WORDS)
    return cached == wanted


def cmake_true(value: str | None, default: bool) -> bool:
    """cmake's reading of an option's value (``None``: not set, the option's default)."""
    if value is None:
        return default
    text = value.strip().upper()
    return not (text in _FALSE or text.endswith("-NOTFOUND"))
