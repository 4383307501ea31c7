"""Edits of YAML text that keep everything the edit does not touch: comments, order, quoting.

The profile is the user's file. When one value changes, only that value's characters are
replaced, found through the spans the YAML parser gives each node; keys that appear are
added as lines at the indentation of their neighbours, keys that go away take their own
lines with them. Each edit here is a best effort: the caller checks that the text loads to
what was wanted and has plainer fallbacks when it does not (see :mod:`wizard.profile.writer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

DELETE = object()
"""The value of an :class:`Edit` that removes its key or list item."""


@dataclass(frozen=True)
class Edit:
    """Set the value at ``path`` (keys and list indexes) to ``value``, or remove it."""

    path: Path_
    value: Any


@dataclass(frozen=True)
class _Splice:
    """Characters ``start:end`` of a text give way to ``new``."""

    start: int
    end: int
    new: str


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with every edit applied in order (each one on the text the last one left).

    Edits that replace values already in the text are found in one parse and spliced in
    together, from the end of the text backwards, so that a save of many changed methods
    parses the file once, not once per method (50 changed methods of a 500-method profile
    took 0.6 s one parse at a time). An edit that adds or removes a key, or touches the
    characters of another edit of the same batch, is applied on its own, as before.
    """
    pending = list(edits)
    while pending:
        top = _compose(text)
        batch: list[_Splice] = []
        for edit in pending:
            node = _existing_value(top, edit)
            if node is None:
                break
            batch.append(_replacement(text, node, edit.value))
        if not batch or _overlapping(batch):
            text = apply_edit(text, pending.pop(0))
            continue
        for splice in sorted(batch, key=lambda splice: splice.start, reverse=True):
            text = text[: splice.start] + splice.new + text[splice.end :]
        del pending[: len(batch)]
    return text


def _existing_value(top: yaml.Node | None, edit: Edit) -> yaml.Node | None:
    """The node an edit replaces, when it is already in the text and the edit sets it."""
    if edit.value is DELETE or not edit.path or not isinstance(top, yaml.MappingNode):
        return None
    node: yaml.Node | None = top
    try:
        for step in edit.path:
            node = _child(node, step) if node is not None else None
    except ValueError:
        return None
    return node


def _overlapping(batch: list[_Splice]) -> bool:
    """Whether two splices touch the same characters (or insert at the same place)."""
    ordered = sorted(batch, key=lambda splice: (splice.start, splice.end))
    return any(
        later.start < earlier.end or later.start == earlier.start
        for earlier, later in zip(ordered, ordered[1:], strict=False)
    )


def apply_edit(text: str, edit: Edit) -> str:
    """``text`` with one edit applied; ValueError when the text's shape does not allow it."""
    top = _compose(text)
    if not isinstance(top, yaml.MappingNode):
        raise ValueError("the document is not a mapping")
    parent: yaml.Node = top
    for depth, step in enumerate(edit.path):
        child = _child(parent, step)
        last = depth == len(edit.path) - 1
        if child is None:
            if edit.value is DELETE:
                return text  # already absent
            value = edit.value
            for key in reversed(edit.path[depth + 1 :]):
                value = [value] if isinstance(key, int) else {key: value}
            return _add(text, parent, step, value)
        if last:
            if edit.value is DELETE:
                return _remove(text, parent, step)
            return _replace(text, child, edit.value)
        parent = child
    raise ValueError("an edit needs a path")


# --------------------------------------------------------------------------- nodes


def _compose(text: str) -> yaml.Node | None:
    """The node tree with marks that are offsets into ``text`` (None for an empty one).

    libyaml's composer (several times faster than the pure one, which matters once per
    keystroke's save) counts characters as ``text`` does, except that it does not count
    a byte order mark; the pure one is used then.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    loader = yaml.SafeLoader(text) if fast is None or text[:1] == "\ufeff" else fast(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _child(node: yaml.Node, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        pairs: list[tuple[yaml.Node, yaml.Node]] = node.value
        for key, value in pairs:
            if isinstance(key, yaml.ScalarNode) and key.value == step:
                return value
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int):
        items: list[yaml.Node] = node.value
        return items[step] if 0 <= step < len(items) else None
    if isinstance(node, yaml.ScalarNode) and node.value == "" and node.style is None:
        return None  # ``key:`` with nothing yet
    raise ValueError(f"cannot go into {type(node).__name__} with {step!r}")


def _tight_end(text: str, node: yaml.Node) -> int:
    """Where a node's own characters end: not the blank lines and comments that follow it."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style:
        if not node.value:
            return node.end_mark.index
        last = node.value[-1]
        return _tight_end(text, last[1] if isinstance(last, tuple) else last)
    end = node.end_mark.index
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        body = text[node.start_mark.index : end]
        stripped = body.rstrip(" \t\n")
        newline = body.find("\n", len(stripped))
        return node.start_mark.index + (newline + 1 if newline >= 0 else len(body))
    return end


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_after(text: str, index: int) -> int:
    """The start of the line after the one holding ``index`` (or ``index`` at a line start)."""
    if index == 0 or text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _only_spaces_before(text: str, index: int) -> bool:
    return not text[_line_start(text, index) : index].strip(" ")


# --------------------------------------------------------------------------- rendering


def block_yaml(value: Any) -> str:
    """``value`` as block YAML text ending in a newline (what ``--new`` writes)."""
    from wizard.profile.save import ProfileDumper  # the profile's own: tabs in blocks, no aliases

    return yaml.dump(value, Dumper=ProfileDumper, sort_keys=False, allow_unicode=True, width=100)


def flow_yaml(value: Any) -> str:
    """``value`` on one line, valid wherever a value may stand (block or flow context)."""
    text = yaml.dump(
        value,
        Dumper=yaml.SafeDumper,
        default_flow_style=True,
        width=2**31,
        allow_unicode=True,
        sort_keys=False,
    )
    return text.removesuffix("\n...\n").rstrip("\n")


def _scalar_text(value: Any, node: yaml.ScalarNode, text: str) -> str:
    """A scalar written the way the node it replaces was written, where that reads back."""
    if isinstance(value, str) and node.tag.endswith(":bool") and value in ("ON", "OFF"):
        return "true" if value == "ON" else "false"  # ``BUILD_BUNDLE: false`` stays a boolean
    if isinstance(value, str) and node.style == "|":
        block = _literal_block(value, node, text)
        if block is not None:
            return block
    if isinstance(value, str) and "\n" not in value:
        if node.style == "'":
            return "'" + value.replace("'", "''") + "'"
        if node.style == '"':
            return yaml.dump(value, Dumper=yaml.SafeDumper, default_style='"', width=2**31).rstrip(
                "\n"
            )
    if isinstance(value, str) and "\n" in value:
        return yaml.dump(value, Dumper=yaml.SafeDumper, default_style='"', width=2**31).rstrip("\n")
    return flow_yaml(value)


def _literal_block(value: str, node: yaml.ScalarNode, text: str) -> str | None:
    """``value`` as a ``|`` block at the replaced block's indentation, or None if it cannot be."""
    if any(ch in value for ch in "\r\x85\u2028\u2029\ufeff") or not value.strip("\n"):
        return None
    start = node.start_mark.index
    header_end = text.find("\n", start)
    if header_end < 0:
        return None
    indent = None
    for line in text[header_end + 1 : node.end_mark.index].split("\n"):
        if line.strip():
            indent = len(line) - len(line.lstrip(" "))
            break
    if not indent:
        return None
    body = value.rstrip("\n")
    trailing = len(value) - len(body)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    lines = body.split("\n")
    indicator = str(indent - _parent_indent(text, start)) if lines[0][:1] in (" ", "\t") else ""
    if indicator and not 1 <= int(indicator) <= 9:
        return None
    written = [(" " * indent + line) if line else "" for line in lines]
    return f"|{indicator}{chomp}\n" + "\n".join(written) + "\n" * max(trailing, 1)


def _parent_indent(text: str, index: int) -> int:
    """The column of the key whose value starts at ``index`` (``- source: |`` counts the dash)."""
    line = text[_line_start(text, index) : index]
    stripped = line.lstrip(" ")
    column = len(line) - len(stripped)
    while stripped.startswith("- "):
        stripped = stripped[2:].lstrip(" ")
        column = len(line) - len(stripped)
    return column


def _indented(block: str, indent: int) -> str:
    return "".join(
        (" " * indent + line) if line.strip("\n") else line
        for line in block.splitlines(keepends=True)
    )


# --------------------------------------------------------------------------- the three edits


def _replace(text: str, node: yaml.Node, value: Any) -> str:
    splice = _replacement(text, node, value)
    return text[: splice.start] + splice.new + text[splice.end :]


def _replacement(text: str, node: yaml.Node, value: Any) -> _Splice:
    """The characters that give ``node`` the value ``value``, and where they go."""
    start = node.start_mark.index
    if isinstance(node, yaml.ScalarNode):
        if node.value == "" and node.style is None and start == node.end_mark.index:
            return _Splice(start, start, " " + flow_yaml(value))
        end = _tight_end(text, node)
        new = _scalar_text(value, node, text)
        if node.style in ("|", ">") and not new.startswith(("|", ">")):
            end = _line_after(text, end) - 1 if text[end - 1 : end] == "\n" else end
        return _Splice(start, end, new)
    end = _tight_end(text, node)
    flow = isinstance(node, yaml.CollectionNode) and node.flow_style
    if flow or not isinstance(value, (dict, list)) or not value:
        return _Splice(start, end, flow_yaml(value))
    block = block_yaml(value)
    column = node.start_mark.column
    new = block[: block.index("\n") + 1] + _indented(block[block.index("\n") + 1 :], column)
    if end > 0 and text[end - 1] != "\n":
        new = new.rstrip("\n")
    return _Splice(start, end, new)


def _add(text: str, parent: yaml.Node, step: str | int, value: Any) -> str:
    """Add a key to a mapping, or an item at the end of a list."""
    if isinstance(parent, yaml.ScalarNode):  # ``key:`` with nothing: give it a flow value
        wrapped = [value] if isinstance(step, int) else {step: value}
        return _replace(text, parent, wrapped)
    entry: Any = value if isinstance(parent, yaml.SequenceNode) else {step: value}
    if isinstance(parent, yaml.SequenceNode) and step != len(parent.value):
        raise ValueError("items are added at the end of a list")
    if (isinstance(parent, yaml.CollectionNode) and parent.flow_style) or not parent.value:
        closing = _tight_end(text, parent) - 1
        if text[closing] not in "]}":
            raise ValueError("not a flow collection")
        inner = flow_yaml(entry)
        if isinstance(parent, yaml.MappingNode):
            inner = inner[1:-1]  # ``key: value`` without the braces
        separator = ", " if parent.value else ""
        return text[:closing] + separator + inner + text[closing:]
    first = parent.value[0]
    first_node = first[0] if isinstance(first, tuple) else first
    column = first_node.start_mark.column
    if isinstance(parent, yaml.MappingNode) and isinstance(step, str):
        uncommented = _uncomment(text, parent, step, value, column)
        if uncommented is not None:
            return uncommented
    if isinstance(parent, yaml.SequenceNode):
        dash = text.rfind(
            "-", _line_start(text, first_node.start_mark.index), first_node.start_mark.index
        )
        if dash < 0:
            raise ValueError("cannot find the list's dash")
        column = dash - _line_start(text, dash)
        block = block_yaml([entry])
    else:
        block = block_yaml(entry)
    at = _line_after(text, _tight_end(text, parent))
    lead = "" if at == 0 or text[at - 1] == "\n" else "\n"
    return text[:at] + lead + _indented(block, column) + text[at:]


def _uncomment(text: str, parent: yaml.Node, key: str, value: Any, column: int) -> str | None:
    """``key: value`` written over a commented ``# key: …`` line, or None when there is none.

    A profile made from a template offers optional settings as comments right after a
    mapping's last entry (``# BUILD_BUNDLE: false   # no … downloads``): setting one
    uncomments its line, keeping its place and its own trailing comment, instead of adding
    a second line above it. Only the comment lines right after the mapping count (so the
    key still comes last, as a new key does), at the mapping's own column.
    """
    if isinstance(value, (dict, list)):
        return None
    at = _line_after(text, _tight_end(text, parent))
    prefix = " " * column + "#"
    while at < len(text):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end + 1
        line = text[at:end].rstrip("\n")
        if line.strip() and not line.lstrip(" ").startswith("#"):
            return None  # the next entry of an outer mapping: no commented line here
        if line.startswith(prefix) and line[len(prefix) :].lstrip(" ").startswith(f"{key}:"):
            entry = " " * column + f"{key}: {flow_yaml(value)}"
            comment = line.find(" #", len(prefix))
            if comment >= 0:
                mark = line.index("#", comment)  # the trailing comment keeps its column
                entry = entry.ljust(mark - 1) + " " + line[mark:]
            return text[:at] + entry + "\n" + text[end:]
        at = end
    return None


def _remove(text: str, parent: yaml.Node, step: str | int) -> str:
    """Remove a key (with its value) from a mapping, or an item from a list."""
    if isinstance(parent, yaml.MappingNode):
        pairs = parent.value
        index = next(i for i, (key, _) in enumerate(pairs) if key.value == step)
        start, value = pairs[index][0].start_mark.index, pairs[index][1]
    elif isinstance(parent, yaml.SequenceNode):
        pairs = parent.value
        index = int(step)
        value = pairs[index]
        start = value.start_mark.index
        if not parent.flow_style:
            start = text.rfind("-", _line_start(text, start), start)
    else:
        raise ValueError("nothing to remove from")
    end = _tight_end(text, value)
    if parent.flow_style:
        if index + 1 < len(pairs):
            following = pairs[index + 1]
            end = (following[0] if isinstance(following, tuple) else following).start_mark.index
        elif index > 0:
            start = text.rindex(",", 0, start)
        return text[:start] + text[end:]
    if len(pairs) == 1:
        raise ValueError("the last entry of a block collection")  # the caller writes {} / []
    if not _only_spaces_before(text, start):
        if isinstance(parent, yaml.MappingNode) and index + 1 < len(pairs):
            return text[:start] + text[pairs[index + 1][0].start_mark.index :]  # ``- key:``
        raise ValueError("the entry shares its line")
    return text[: _line_start(text, start)] + text[_line_after(text, end) :]
