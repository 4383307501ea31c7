"""mypy passes on the wizard's own code, as ``[tool.mypy]`` in pyproject.toml configures it.

The configuration is strict: every function annotated, no ``Any`` returned where a type is
promised, generics with their parameters. A type error fails this test with mypy's own
lines, so that ``.ci/run`` (the README's pytest command) checks the types too.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed: pip install '.[test]' brings it",
)
def test_mypy_passes_on_wizard_and_screens() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],  # the files and the rules come from pyproject.toml
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"mypy found type errors:\n{result.stdout}{result.stderr}"
