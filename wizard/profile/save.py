"""Saving a profile: its records back to YAML, and ``state:`` written in place.

The file is written by its one writer (:mod:`wizard.profile.writer`), atomically (a
temporary file beside it, then a rename), and never with a text that would not load.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from wizard.profile.model import (
    PROFILE_VERSION,
    TRY_TIMEOUT,
    Build,
    Field,
    Method,
    Plugin,
    Profile,
    Repository,
)

if TYPE_CHECKING:
    import os
    from collections.abc import Callable

# --------------------------------------------------------------------------- saving


def to_data(profile: Profile) -> dict[str, Any]:
    """The profile as plain data, defaults left out where the user did not set them."""
    plugin: dict[str, Any] = {"name": profile.plugin.name}
    defaults = Plugin(profile.plugin.name)
    for key in ("superclass", "category", "comment"):
        value = getattr(profile.plugin, key)
        if value != getattr(defaults, key):
            plugin[key] = value
    plugin.update(_definition_data(profile.plugin))
    plugin["methods"] = [method_data(method) for method in profile.plugin.methods]
    if profile.plugin.examples:
        plugin["examples"] = [
            {
                "primitive": example.primitive,
                **({"receiver": example.receiver} if example.receiver else {}),
                "arguments": list(example.arguments),
                "answers": example.answers,
            }
            for example in profile.plugin.examples
        ]
    if profile.plugin.sources:
        sources: dict[str, list[str]] = {}
        for source in profile.plugin.sources:
            sources.setdefault(source.platform, []).append(source.path)
        plugin["sources"] = sources
    link = profile.plugin.link
    if not link.is_empty():
        plugin["link"] = {key: list(value) for key, value in vars(link).items() if value}
    if profile.plugin.compile_definitions:
        plugin["compile_definitions"] = list(profile.plugin.compile_definitions)
    data: dict[str, Any] = {"version": PROFILE_VERSION, "plugin": plugin}
    data["workspace"] = profile.workspace
    repository = {
        key: value
        for key, value in vars(profile.repository).items()
        if value is not None and value != getattr(Repository(), key)
    }
    if repository:
        data["repository"] = repository
    if profile.external_plugins is not None:
        data["external_plugins"] = list(profile.external_plugins)
    build: dict[str, Any] = {"dir": profile.build.dir, "mode": profile.build.mode}
    build["cmake_options"] = dict(profile.build.cmake_options)
    build["jobs"] = profile.build.jobs
    if profile.build.regenerate != Build.regenerate:
        build["regenerate"] = profile.build.regenerate
    if profile.build.try_timeout != TRY_TIMEOUT:
        build["try_timeout"] = profile.build.try_timeout
    data["build"] = build
    data["state"] = profile.state
    return data


def _definition_data(plugin: Plugin) -> dict[str, Any]:
    """What else the class definition says, each key only when it says something."""
    data: dict[str, Any] = {}
    if plugin.declared_package is not None:
        data["package"] = plugin.declared_package
    for key in ("instance_variables", "class_variables", "class_instance_variables", "pools"):
        if getattr(plugin, key):
            data[key] = list(getattr(plugin, key))
    if plugin.verbatim:
        data["verbatim"] = True
    return data


def method_data(method: Method) -> dict[str, Any]:
    """A method as the profile file holds it: side and protocol only when not the default."""
    data: dict[str, Any] = {}
    if method.side != "instance":
        data["side"] = method.side
    if method.protocol:
        data["protocol"] = method.protocol
    data["source"] = method.source
    return data


def dump_profile(profile: Profile) -> str:
    """The profile as YAML text: readable, method sources as literal blocks."""
    return yaml.dump(
        to_data(profile), Dumper=ProfileDumper, sort_keys=False, allow_unicode=True, width=100
    )


_BLANKS_AT_LINE_END = re.compile(r"[ \t]+(?=\n)")


class ProfileDumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line text (Slang sources with tabs) as ``|`` blocks.

    It never writes anchors or aliases: the loader refuses them.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def analyze_scalar(self, scalar: str) -> Any:
        # PyYAML refuses block style for text with tabs, or with blanks at the end of a line;
        # inside a literal block both are read back as written.
        if "\n" not in scalar:
            return super().analyze_scalar(scalar)
        tidy = _BLANKS_AT_LINE_END.sub(lambda m: "x" * len(m.group()), scalar)
        tidy = tidy.replace("\t", " ")
        if tidy == scalar:
            return super().analyze_scalar(scalar)
        analysis = super().analyze_scalar(tidy)
        analysis.scalar = scalar
        analysis.allow_flow_plain = analysis.allow_block_plain = False
        analysis.allow_single_quoted = False
        return analysis


def represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    if any(ch in value for ch in "\r\x85\u2028\u2029\ufeff") or value[:1] in (" ", "\t"):
        style = '"'  # what a block would read differently (line breaks, a leading blank)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


ProfileDumper.add_representer(str, represent_text)


def replace_top_level_key(text: str, key: str, new_block: str, lines: dict[Field, int]) -> str:
    """Replace a top-level key's lines (key line to the next top-level line) with a block."""
    source = text.splitlines(keepends=True)
    if (key,) not in lines:
        joiner = "" if not source or source[-1].endswith("\n") else "\n"
        return text + joiner + new_block
    start = _key_line(source, key)
    end = start + 1
    while end < len(source) and (not source[end].strip() or source[end][0] in " \t"):
        end += 1
    while end > start + 1 and not source[end - 1].strip():
        end -= 1
    return "".join(source[:start]) + new_block + "".join(source[end:])


def _key_line(source: list[str], key: str) -> int:
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for index, line in enumerate(source):
        if pattern.match(line):
            return index
    raise ValueError(f"top-level key {key} not found")


def write_atomically(
    path: Path,
    text: str,
    before_replace: Callable[[os.stat_result | None], None] | None = None,
) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: old or new, never a mix.

    Through a symlinked profile the real file is written (the link stays); nothing else on
    the way is followed, and a FIFO or a device at the path is refused
    (:mod:`wizard.checkout.safe_files`). ``before_replace`` may refuse at the last moment.
    """
    from wizard.checkout.safe_files import write_text

    path = path.resolve()
    write_text(path.parent, path.name, text, before_replace=before_replace)
