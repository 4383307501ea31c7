"""Byte-compile the wizard the benchmarks start, as ``pip install`` does.

A benchmark that starts the wizard many times must not time Python compiling the
package's sources on every start: an installed package has its ``.pyc`` files, but a
source tree or an editable install under ``PYTHONDONTWRITEBYTECODE=1`` (set on some
machines) is compiled in memory again each time. ``compileall`` writes them regardless.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WHERE = "import os, {0}; print(os.path.dirname({0}.__file__))"


def compile_wizard(cwd: Path | None = None) -> list[str]:
    """Byte-compile ``wizard`` and ``screens`` as imported from ``cwd``; answer their folders."""
    folders = []
    for package in ("wizard", "screens"):
        folder = subprocess.run(
            [sys.executable, "-c", WHERE.format(package)],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", folder],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        folders.append(folder)
    return folders
