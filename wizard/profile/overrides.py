"""`--set FIELD=VALUE`: one field of a profile changed for one run, never in the file."""

from __future__ import annotations

from typing import Any

import yaml

from wizard.errors import ProfileError
from wizard.profile.model import option_text


def override_value(raw: str) -> Any:
    """The value of ``--set KEY=RAW``: RAW read as a YAML scalar (``false`` is a boolean)."""
    try:
        return yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        return raw


def cmake_option_text(raw: str) -> str:
    """What ``--set build.cmake_options.NAME=RAW`` makes of RAW: the one form every face
    (``--set``, the TUI's build editor) gives an option, so that the same value typed in
    either never looks like a change to configure (``false``, ``OFF``, ``no`` → ``OFF``)."""
    text = option_text(override_value(raw))
    return raw if text is None else text


def value_at(data: Any, parts: list[str]) -> Any:
    for part in parts:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def shown(value: Any) -> str:
    return flow_text(value) if not isinstance(value, str) else value


def flow_text(value: Any) -> str:
    """A value on one line, as YAML writes it."""
    text = yaml.safe_dump(value, default_flow_style=True, width=2**31)
    return text.removesuffix("\n...\n").strip()


def apply_override(data: Any, override: str) -> None:
    """Apply one ``--set KEY=VALUE`` to the raw data; VALUE is read as a YAML scalar."""
    key, sep, raw = override.partition("=")
    if not sep or not key or any(not part for part in key.split(".")):
        raise ProfileError(
            None, None, "--set", f"{override!r}: expected KEY=VALUE, e.g. build.jobs=4"
        )
    value = override_value(raw)
    if isinstance(value, (dict, list)):
        raise ProfileError(None, None, "--set", f"{key}: only single values can be set")
    if key.split(".")[0] == "state":
        raise ProfileError(
            None, None, "--set", f"{key}: state: is the wizard's record, not a setting"
        )
    if not isinstance(data, dict):
        return  # validate() reports the real problem with the file
    target = data
    parts = key.split(".")
    for part in parts[:-1]:
        child = target.get(part)
        if child is None:
            child = target[part] = {}
        if not isinstance(child, dict):
            raise ProfileError(None, None, "--set", f"{key}: {part} is not a section")
        target = child
    target[parts[-1]] = value
