"""Helpers the tests share: run the wizard as a user does, read its output, snapshot a tree.

The profiles the tests write (and the benchmarks too) are in :mod:`fakevm.profiles`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


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
