"""Byte-compile the wizard the benchmarks start, as ``pip install`` does.

A benchmark that starts ``python -m wizard`` many times must not time Python compiling the
package's sources on every start: an installed package has its ``.pyc`` files, but an
editable install under ``PYTHONDONTWRITEBYTECODE=1`` (set on some machines) recompiles
them in memory each time. ``compileall`` writes them regardless of that setting.
"""

from __future__ import annotations

import subprocess
import sys


def compile_wizard() -> str:
    """Byte-compile the ``wizard`` package this interpreter imports; answer its folder."""
    where = subprocess.run(
        [sys.executable, "-c", "import os, wizard; print(os.path.dirname(wizard.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", where], check=True, stdout=subprocess.DEVNULL
    )
    return where
