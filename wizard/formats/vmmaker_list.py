"""VMMaker's external-plugin list, and which Tonel classes are plugins.

The class ``PharoVMMaker`` (``smalltalksrc/VMMakerCompatibilityForPharo6/`` until 2025,
``smalltalksrc/VMMaker/`` on the pharo-12 of 2026: the wizard finds it by its definition)
holds one cascade part ``internal: #() external: #(FilePlugin SurfacePlugin FloatArrayPlugin);``
(inside ``generate:memoryManager:`` on pharo-9, ``...compilerClass:options:`` on pharo-10,
``...compilerClass:`` on pharo-12), written over three lines since 2026:
``internal: #(  )`` / ``external:`` / ``#( NewFilePlugin FilePlugin SurfacePlugin FloatArrayPlugin );``.  VMMaker generates C only for the plugins named there, and
silently drops a name whose class is not loaded (its ``internal:external:``, in
``smalltalksrc/Slang/VMMaker.class.st``, keeps only loaded InterpreterPlugin subclasses), so
the wizard both rewrites the list and checks the names against the classes it can see.

Everything here is text in, text out.  The list is found on a copy of the text in which
comments, strings and character literals are blanked out, so a commented-out
``external: #(...)`` is never taken for the real one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_LIST = re.compile(r"\binternal:\s*#\(([^()]*)\)\s*external:\s*#\(([^()]*)\)")
_NAME = re.compile(r"#?([A-Za-z_][A-Za-z0-9_]*)")
_HEADER_NAME = re.compile(r"#name\s*:\s*#?'?([A-Za-z_][A-Za-z0-9_]*)")
_HEADER_SUPER = re.compile(r"#superclass\s*:\s*#?'?([A-Za-z_][A-Za-z0-9_]*)")

#: The root of every plugin class.
PLUGIN_ROOT = "InterpreterPlugin"


@dataclass
class ExternalList:
    """The ``internal: #(...) external: #(...)`` literal arrays found in PharoVMMaker.

    ``start``/``end`` are the character offsets of the external array's contents (between
    its parentheses); ``line`` is the 1-based line of the ``external:`` keyword.
    """

    internal: list[str]
    external: list[str]
    start: int
    end: int
    line: int
    slots: list[tuple[int, int]] = field(default_factory=list)  # each external name's span


def find_external_list(text: str) -> ExternalList:
    """The one external-plugin list in ``text``; ``ValueError`` when there is none or several."""
    code = mask_comments_and_strings(text)
    matches = list(_LIST.finditer(code))
    if not matches:
        raise ValueError(
            "no `internal: #(...) external: #(...)` list found in PharoVMMaker; "
            "the method that configures VMMaker has changed"
        )
    if len(matches) > 1:
        lines = ", ".join(str(text.count("\n", 0, m.start()) + 1) for m in matches)
        raise ValueError(
            f"{len(matches)} `internal: #(...) external: #(...)` lists found in PharoVMMaker "
            f"(lines {lines}); expected exactly one"
        )
    match = matches[0]
    start, end = match.span(2)
    line = text.count("\n", 0, code.index("external:", match.start())) + 1
    names = list(_NAME.finditer(code, start, end))  # read from the masked text: a comment
    return ExternalList(  # inside the array is never a name
        internal=_names(code[match.start(1) : match.end(1)]),
        external=[m.group(1) for m in names],
        start=start,
        end=end,
        line=line,
        slots=[m.span() for m in names],
    )


def with_external_plugins(text: str, names: Sequence[str]) -> str:
    """``text`` with the external literal array naming ``names``, in that order.

    Only names change: comments, spacing and line breaks inside the array and around it stay
    where they are (pharo-12 writes the list over three lines since 2026). A name no longer
    wanted goes with the blank before it; the wanted names fill the remaining places in
    order, and those left over go after the last name (or after whatever the array holds; an
    array of spaces only, ``#(  )``, is filled as Pharo's formatter writes it, ``#( A B )``).
    """
    found = find_external_list(text)
    kept = [slot for slot, name in zip(found.slots, found.external, strict=True) if name in names]
    dropped = [slot for slot in found.slots if slot not in kept]
    pieces: list[str] = []
    cursor = found.start
    order = iter(names)
    for slot_start, slot_end in sorted(kept + dropped):
        if (slot_start, slot_end) in dropped:
            blank = slot_start
            while blank > cursor and text[blank - 1] in " \t":
                blank -= 1
            pieces.append(text[cursor:blank])
        else:
            name = next(order)
            match = _NAME.fullmatch(text, slot_start, slot_end)
            same = match is not None and match.group(1) == name
            pieces.append(text[cursor:slot_start] + (text[slot_start:slot_end] if same else name))
        cursor = slot_end
    rest = " ".join(order)
    done = "".join(pieces)
    tail = text[cursor : found.end]
    if rest and found.slots:  # after the last name, before any comment that follows it
        done += (" " if done.strip() else "") + rest
    elif rest and tail.strip(" ") == "" and tail:  # `#( )`, `#(  )`: padded as `#( A B )`
        tail = f" {rest} "
    elif rest:  # no name yet: after whatever the array holds
        body = tail.rstrip()
        tail = body + (" " if body.strip() else "") + rest + tail[len(body) :]
    return text[: found.start] + done + tail + text[found.end :]


def wanted_external_plugins(
    current: Sequence[str], plugin_name: str, explicit: Sequence[str] | None
) -> list[str]:
    """The list to write: ``explicit`` when the profile gives one, else current plus the plugin."""
    if explicit is not None:
        return list(explicit)
    wanted = list(current)
    if plugin_name not in wanted:
        wanted.append(plugin_name)
    return wanted


def plugin_classes(files: Mapping[str, str]) -> dict[str, str]:
    """The Tonel classes that are ``InterpreterPlugin`` or inherit from it, mapped to their path.

    ``files`` maps a relative path to the text of a ``.class.st`` file.  Only the header's
    ``#name`` and ``#superclass`` are read (either style), with a regular expression on the
    first ``Class {`` ... ``}`` block: this runs over hundreds of files.
    """
    parents: dict[str, str] = {}
    paths: dict[str, str] = {}
    for path, text in files.items():
        header = _class_header(text)
        if header is None:
            continue
        name = _HEADER_NAME.search(header)
        if name is None:
            continue
        parent = _HEADER_SUPER.search(header)
        parents[name.group(1)] = parent.group(1) if parent else ""
        paths.setdefault(name.group(1), path)
    known: dict[str, bool] = {}
    return {name: paths[name] for name in parents if _is_plugin(name, parents, known)}


def _is_plugin(name: str, parents: Mapping[str, str], known: dict[str, bool]) -> bool:
    """Whether ``name`` reaches InterpreterPlugin through ``parents``; answers are memoised."""
    chain: list[str] = []
    answer = False
    while name and name not in chain:
        if name in known:
            answer = known[name]
            break
        if name == PLUGIN_ROOT:
            answer = True
            break
        chain.append(name)
        name = parents.get(name, "")
    for visited in chain:
        known[visited] = answer
    return answer


def _class_header(text: str) -> str | None:
    start = text.find("Class {")
    while start > 0 and text[start - 1] != "\n":
        start = text.find("Class {", start + 1)
    if start < 0:
        return None
    end = text.find("}", start)
    return text[start : end if end >= 0 else len(text)]


def _names(array_contents: str) -> list[str]:
    return [m.group(1) for m in _NAME.finditer(array_contents)]


_MASKED = re.compile(r"""\$.|"(?:[^"]|"")*"?|'(?:[^']|'')*'?""", re.DOTALL)
_NOT_NEWLINE = re.compile(r"[^\n]")


def mask_comments_and_strings(text: str) -> str:
    """``text`` with comments, strings and character literals replaced by spaces.

    Offsets and newlines are kept, so positions found in the masked copy are valid in the
    original.  A doubled quote inside a string or comment continues it; one left open runs
    to the end.  Of a character literal (``$'``) the ``$`` stays and the character goes.
    """

    def blank(match: re.Match[str]) -> str:
        found = match.group()
        if found[0] == "$":
            return "$\n" if found[1] == "\n" else "$ "
        return _NOT_NEWLINE.sub(" ", found)

    return _MASKED.sub(blank, text)
