"""The command line run inside the test's own process: for corpora of many bad inputs.

Starting ``python -m wizard`` hundreds of times to be told "exit 2, one line" costs most of
a corpus test's time. :func:`cli` runs the same parsing and dispatch (``wizard.commands.cli.dispatch``,
what ``main`` calls with ``sys.argv[1:]``) in this process, from ``cwd``, and answers what
:func:`tests.helpers.wizard` answers: a ``CompletedProcess`` with the exit status and the
captured stdout and stderr. What only a process has (``main``'s signal handlers, the final
flush, the exit status through ``sys.exit``, the stream encodings) is checked by the tests
that keep a few real processes beside each corpus.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from wizard.commands.cli import dispatch


def cli(*args: str, cwd: Path, capsys: pytest.CaptureFixture[str]) -> subprocess.CompletedProcess:
    """``dispatch(args)`` from ``cwd``; the status and what it printed, as a process answers."""
    capsys.readouterr()  # what was printed before is not this run's
    before = os.getcwd()
    os.chdir(cwd)
    try:
        status = dispatch(list(args))
    finally:
        os.chdir(before)
    printed = capsys.readouterr()
    return subprocess.CompletedProcess(
        ["pharo-plugin-wizard", *args], status, printed.out, printed.err
    )
