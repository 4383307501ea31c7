"""The README's two set-up commands, run as written in a fresh clone with a fresh venv.

Debian 12 and Ubuntu 23.04+ refuse ``pip install`` into the system Python, so the README
promises exactly two commands that make their own virtual environment. This test reads
them out of the README's "Set-up" section and runs them the way a newcomer (and CI) would:
in a ``git clone`` of this repository in a temporary folder, without the developer's venv.

The commands are split at ``&&`` and each part is run as an argument list (no shell), in
order, stopping at the first failure, which is what ``&&`` means. Two changes, both at the
very end of a command: the install command's last part starts the tool with ``--doctor``,
which exits 1 on a machine that lacks something (these have no network), so the installed
tool is run with ``--version`` instead; the test command's ``pytest`` is given one small
test file, since the whole suite takes far longer than a test should (``.ci/run`` runs all
of it).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"


def setup_commands(readme_text: str) -> list[str]:
    """The ``sh`` code blocks of the README's "## Set-up" section, one command each."""
    section = readme_text.split("\n## Set-up\n", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def command_parts(command: str) -> list[list[str]]:
    """``a && b && c`` as three argument lists; any other shell syntax is refused."""
    parts: list[list[str]] = [[]]
    for token in shlex.split(command):
        if token == "&&":
            parts.append([])
        elif token in {"|", ";", "||", "&", ">", "<"}:
            raise AssertionError(f"the README's set-up command uses {token!r}: {command}")
        else:
            parts[-1].append(token)
    assert all(parts), f"an empty part in {command!r}"
    return parts


def _clean_env() -> dict[str, str]:
    """The environment without the running venv, as in a fresh terminal."""
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    venv_bin = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != venv_bin)
    return env


def _run_parts(parts: list[list[str]], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = None
    for argv in parts:
        result = subprocess.run(
            argv, cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=1200
        )
        if result.returncode != 0:
            break
    assert result is not None
    return result


def test_the_readme_has_exactly_two_setup_commands_each_in_a_venv() -> None:
    commands = setup_commands(README.read_text(encoding="utf-8"))
    assert len(commands) == 2, commands
    for command in commands:
        parts = command_parts(command)
        assert parts[0][:3] == ["python3", "-m", "venv"], command
        # nothing is installed with the system's pip: every later part runs from the venv
        assert all(argv[0].startswith(".venv/bin/") for argv in parts[1:]), command
    install, tests = (command_parts(c) for c in commands)
    # the install command ends by starting the tool: its --doctor, not the TUI in this folder
    assert install[-1] == [".venv/bin/pharo-plugin-wizard", "--doctor"]
    assert tests[-1][1:] == ["-m", "pytest"]


def test_command_parts_refuses_shell_syntax_it_would_not_run() -> None:
    with pytest.raises(AssertionError):
        command_parts("pip install . | tee log")
    assert command_parts("a b && c 'd e'") == [["a", "b"], ["c", "d e"]]


@pytest.mark.slow
def test_the_readme_setup_commands_work_in_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "pharo-plugin-wizard"
    subprocess.run(
        ["git", "clone", "--quiet", str(REPO), str(clone)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert not (clone / ".venv").exists()
    install, tests = (command_parts(c) for c in setup_commands(README.read_text("utf-8")))

    # --doctor exits 1 on a machine missing something (this one has no network): run the
    # installed tool with --version instead, which must answer 0.
    result = _run_parts([*install[:-1], [install[-1][0], "--version"]], clone)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("pharo-plugin-wizard "), result.stdout

    result = _run_parts([*tests[:-1], [*tests[-1], "-q", "tests/test_proxy_api.py"]], clone)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"\b\d+ passed\b", result.stdout), result.stdout[-2000:]
