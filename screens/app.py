"""The TUI application (issue: TUI shell)."""

from __future__ import annotations

from pathlib import Path


def run_app(profile: Path | None) -> int:
    """Start the TUI; answers the exit status."""
    raise SystemExit("pharo-plugin-wizard: the TUI is not built yet; use --replay PROFILE")
