"""Which plugin classes of a checkout are plugins to build, and which are not.

Every ``InterpreterPlugin`` subclass is a plugin class, but not every one is a plugin:
pharo-vm keeps simulators (``BitBltSimulator``, ``SmartSyntaxPluginSimulator``, …), the
classes other plugins are made from (``InflatePlugin``) and a test plugin (``BrokenPlugin``,
"A test plugin to exercise imbalanced stack access") beside the real ones. VMMaker itself
asks the class side's ``shouldBeTranslated``: simulators answer ``^false``, and
``InflatePlugin`` answers ``^self ~= InflatePlugin``; a class that does not define it
inherits its superclass's answer. This module reads that answer from the Tonel files (the
three forms pharo-vm uses; anything else counts as inherited) and, since a test plugin
answers true like any other, also leaves out a class whose comment calls it a test plugin.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TEST_PLUGIN = re.compile(r"\btest plugin\b", re.IGNORECASE)


def _answer(name: str, text: str) -> bool | str | None:
    """The class's own ``shouldBeTranslated``: True or False, the X of ``^self ~= X``
    (true for every class but X), or None when it does not define it (inherited)."""
    method = re.search(
        rf"^{re.escape(name)} class >> shouldBeTranslated \[(?P<body>.*?)^\]",
        text,
        re.MULTILINE | re.DOTALL,
    )
    if method is None:
        return None
    body = re.sub(r'"[^"]*"', "", method.group("body"))  # comments out
    returned = re.search(r"\^\s*(.+?)\s*\.?\s*$", body.strip(), re.DOTALL)
    if returned is None:
        return None
    expression = " ".join(returned.group(1).split())
    if expression in ("true", "false"):
        return expression == "true"
    other = re.fullmatch(r"self\s*~[=~]\s*#?'?([A-Za-z_][A-Za-z0-9_]*)'?", expression)
    return other.group(1) if other else None


def _comment(text: str) -> str:
    """The class comment: the quoted text before ``Class {``."""
    head = text.split("Class {", 1)[0]
    match = re.search(r'"(.*)"', head, re.DOTALL)
    return match.group(1) if match else ""


_SUPERCLASS = re.compile(r"#superclass\s*:\s*#?'?([A-Za-z_][A-Za-z0-9_]*)")


def not_to_build(texts: Mapping[str, str]) -> set[str]:
    """The plugin classes that are not plugins to build.

    ``texts`` maps each plugin class name (InterpreterPlugin and its subclasses) to its
    Tonel file's text; the superclass chain is read from the files' headers.
    """
    parents: dict[str, str] = {}
    for name, text in texts.items():
        header = _SUPERCLASS.search(text.split("}", 1)[0])
        parents[name] = header.group(1) if header else ""

    def translated(name: str) -> bool:
        """VMMaker's answer for ``name``: the nearest definition up the superclass chain."""
        seen: set[str] = set()
        current = name
        while current and current not in seen:
            seen.add(current)
            own = _answer(current, texts[current]) if current in texts else None
            if isinstance(own, bool):
                return own
            if isinstance(own, str):
                return name != own  # ^self ~= X, sent to the class asked about
            current = parents.get(current, "")
        return True

    skipped = {name for name in texts if not translated(name)}
    skipped |= {name for name, text in texts.items() if _TEST_PLUGIN.search(_comment(text))}
    return skipped
