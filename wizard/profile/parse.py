"""The profile's YAML read safely: no anchors or aliases, and the line of every field.

The loader is the SafeLoader's composer and constructor; anchors, aliases and merge keys are
refused before anything is expanded, each refusal one :class:`ProfileError` line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from wizard.errors import ProfileError
from wizard.profile.model import Field, field_name


def parse_yaml(text: str, path: Path) -> tuple[Any, dict[Field, int]]:
    """Compose and construct the YAML safely; answer the data and each field's line.

    Aliases are refused while walking the composed node graph, before construction, so an
    alias bomb costs one pass over its few nodes and is never expanded.
    """
    if "\x00" in text:
        raise ProfileError(path, None, None, "is binary, not YAML text")
    try:
        loader = _Loader(text)  # the pure-Python reader checks the characters here
        try:
            node = loader.get_single_node()
            if node is None:
                raise ProfileError(
                    path, None, None, "is empty; start from `pharo-plugin-wizard --new`"
                )
            lines: dict[Field, int] = {}
            _index_lines(node, (), lines, set(), path)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "not valid YAML"
        at_mark = (
            "".join(text.splitlines()[mark.line : mark.line + 1])[: mark.column + 1] if mark else ""
        )
        if "\t" in at_mark:
            problem = "a tab where YAML needs spaces (indent with spaces only)"
        raise ProfileError(path, line, None, f"YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise ProfileError(
            path, line, None, f"YAML: character #x{exc.character:04x} is not allowed"
        ) from None
    except yaml.YAMLError as exc:
        raise ProfileError(path, None, None, "YAML: " + " ".join(str(exc).split())) from None
    except RecursionError:
        raise ProfileError(path, None, None, "YAML nests too deeply") from None
    return data, lines


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's when PyYAML has it: same rules, several times faster)."""


def _index_lines(
    node: yaml.Node, where: Field, lines: dict[Field, int], seen: set[int], path: Path
) -> None:
    if id(node) in seen:
        raise ProfileError(path, node.start_mark.line + 1, field_name(where), _ALIAS)
    seen.add(id(node))
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise ProfileError(
                    path, key.start_mark.line + 1, field_name(where), "keys must be text"
                )
            if key.value in keys:
                raise ProfileError(
                    path,
                    key.start_mark.line + 1,
                    field_name((*where, key.value)),
                    "given twice; a key may appear once (the second would win silently)",
                )
            keys.add(key.value)
            if key.tag == "tag:yaml.org,2002:merge":
                raise ProfileError(path, key.start_mark.line + 1, field_name(where), _ALIAS)
            _index_lines(value, (*where, key.value), lines, seen, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*where, index), lines, seen, path)


_ALIAS = "YAML anchors, aliases and merge keys are not allowed in a profile"
