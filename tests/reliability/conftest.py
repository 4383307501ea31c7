"""Fixtures of the reliability tests: the held builds the signal tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.held_build import HeldBuilds


@pytest.fixture(scope="session")
def held_builds(fake_origin: Path, tmp_path_factory: pytest.TempPathFactory) -> HeldBuilds:
    """A build stopped before ``generate`` and one before ``compile``, made once per session."""
    return HeldBuilds(
        fake_origin, tmp_path_factory.mktemp("held"), tmp_path_factory.mktemp("held-stages")
    )
