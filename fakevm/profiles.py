"""Profiles for the test repository: what the tests and the benchmarks replay on it.

They live here, beside the repository they point at, rather than in ``tests/``: the
benchmarks in ``bench/`` write the same profiles and must run from the README's install,
which has neither pytest nor anything of ``tests/``.  Nothing here needs more than the
wizard's own dependencies (PyYAML) and its template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from wizard.profile.template import template_text

#: A SmartSyntax primitive that answers its argument: the VM stand-in's C calls the real
#: library, so an echo is the one primitive whose answer comes back right here (the
#: VMMaker stand-in writes C that leaves the stack as it finds it).
ECHO = {
    "protocol": "primitives",
    "source": (
        "primitiveEcho: aString\n"
        '\t"Answer the argument: a SmartSyntax primitive with one String parameter."\n'
        "\tself primitive: 'primitiveEcho' parameters: #(String).\n"
        "\t^ aString\n"
    ),
}
#: Examples for ``try`` that :data:`ECHO` passes: a plain string, and one with a quote and
#: a tab, which must survive the way to the VM and back.
EXAMPLES = [
    {"primitive": "primitiveEcho", "arguments": ["'Hello'"], "answers": "'Hello'"},
    {"primitive": "primitiveEcho", "arguments": ["'it''s\tTAB'"], "answers": "'it''s\tTAB'"},
]


def write_profile(
    workspace: Path,
    origin: Path | str,
    name: str = "HelloWorldPlugin",
    *,
    base_branch: str | None = "pharo-12",
    mode: str = "two-pass",
    cmake_options: dict[str, str] | None = None,
    extra: dict | None = None,
    examples: list[dict] | None = None,
) -> Path:
    """``workspace/profiles/<name>.yml``: the template, pointed at ``origin``, jobs=2.

    The template's own example (``primitiveGetHelloString`` answering the greeting) is left
    out unless ``examples`` are given: the test repository's VMMaker stand-in writes C that
    does not compute, so no greeting could come back, and ``try`` would fail every build.
    """
    data = yaml.safe_load(template_text(name))
    data["plugin"].pop("examples", None)
    if examples is not None:
        data["plugin"]["examples"] = examples
    data["workspace"] = ".."
    data["repository"] = {"url": str(origin)}
    if base_branch:
        data["repository"]["base_branch"] = base_branch
    data["build"] = {"mode": mode, "cmake_options": cmake_options or {}, "jobs": 2}
    data.update(extra or {})
    path = workspace / "profiles" / f"{name}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def echo_profile(
    workspace: Path,
    origin: Path,
    examples: list[dict],
    methods: tuple[dict, ...] = (ECHO,),
    **options: Any,
) -> Path:
    """:func:`write_profile` with ``methods`` added (the echo primitive) and ``examples``
    for ``try``; ``options`` go to :func:`write_profile`."""
    profile = write_profile(workspace, origin, examples=examples, **options)
    data = yaml.safe_load(profile.read_text())
    data["plugin"]["methods"].extend(methods)
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return profile


def edit_methods(profile: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the profile's method sources, through YAML (as a user edits).

    Raises :class:`ValueError` when no method holds ``old``: an edit that changes nothing
    would let a test or a benchmark time or check a build that had nothing to do.
    """
    data = yaml.safe_load(profile.read_text())
    changed = False
    for method in data["plugin"]["methods"]:
        if old in method["source"]:
            method["source"] = method["source"].replace(old, new)
            changed = True
    if not changed:
        raise ValueError(f"{old!r} is in no method")
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
