"""Helpers the tests share: run the wizard as a user does, write a profile for a workspace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from wizard.profile.template import template_text


def wizard(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 600):
    """Run ``python -m wizard`` with ``args``; answer the CompletedProcess (text)."""
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


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


def headers(stdout: str) -> list[tuple[str, str]]:
    """(step id, verdict) for each step of a headless run's output."""
    found: list[tuple[str, str]] = []
    current = None
    for line in stdout.splitlines():
        if line.startswith("==> ["):
            current = line.split("] ", 1)[1].split(":", 1)[0]
        elif current and (line == "ok" or line.startswith(("skipped:", "FAILED:", "INTERRUPTED:"))):
            found.append((current, line.split(":")[0]))
            current = None
    return found


def tree_snapshot(root: Path) -> dict[str, float]:
    """Every path under ``root`` with its mtime, to prove a run changed nothing."""
    return {str(p.relative_to(root)): p.stat().st_mtime for p in sorted(root.rglob("*"))}


def edit_methods(profile: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the profile's method sources, through YAML (as a user edits)."""
    data = yaml.safe_load(profile.read_text())
    changed = False
    for method in data["plugin"]["methods"]:
        if old in method["source"]:
            method["source"] = method["source"].replace(old, new)
            changed = True
    assert changed, f"{old!r} is in no method"
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
