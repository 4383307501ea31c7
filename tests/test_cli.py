"""The command line as a user runs it: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wizard.engine.plan import every_step


def wizard(*args: str, cwd: Path, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=stdin,
        timeout=120,
    )


def test_version_and_list_steps(tmp_path):
    version = wizard("--version", cwd=tmp_path)
    assert version.returncode == 0
    assert version.stdout.startswith("pharo-plugin-wizard ")
    steps = wizard("--list-steps", cwd=tmp_path)
    assert [line.split()[0] for line in steps.stdout.splitlines()] == [
        spec.id for spec in every_step()
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["--frobnicate"],
        ["--replay"],
        ["--from", "clone"],
        ["--dry-run"],
        ["--set", "build.jobs=2"],
        ["--new", "lowercase"],
        ["--version", "--list-steps"],
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(tmp_path, args):
    result = wizard(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_new_writes_once_and_refuses_to_overwrite(tmp_path):
    first = wizard("--new", "MyPlugin", cwd=tmp_path)
    assert first.returncode == 0
    written = (tmp_path / "profiles" / "MyPlugin.yml").read_bytes()
    assert b"name: MyPlugin" in written
    assert b"- primitive: primitiveGetHelloString" in written
    assert b"answers: \"'Hello from your MyPlugin.'\"" in written
    second = wizard("--new", "MyPlugin", cwd=tmp_path)
    assert second.returncode == 2
    assert "exists already" in second.stderr
    assert (tmp_path / "profiles" / "MyPlugin.yml").read_bytes() == written


def test_new_into_another_folder(tmp_path):
    assert wizard("--new", "Other", "--profiles", "mine", cwd=tmp_path).returncode == 0
    assert (tmp_path / "mine" / "Other.yml").is_file()


def test_bad_profile_exits_2_untouched(tmp_path):
    path = tmp_path / "Bad.yml"
    path.write_text("version: 1\nplugin:\n  name: helloWorld\n")
    for form in (
        ["--replay", str(path)],
        ["--lint", str(path)],
        ["--replay", str(path), "--dry-run"],
    ):
        result = wizard(*form, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.strip().endswith(
            "plugin.name: 'helloWorld' must start with a capital letter"
        )
        assert "Bad.yml:3" in result.stderr
    assert path.read_text() == "version: 1\nplugin:\n  name: helloWorld\n"


def test_bad_set_override_exits_2(tmp_path):
    wizard("--new", "MyPlugin", cwd=tmp_path)
    result = wizard("--replay", "profiles/MyPlugin.yml", "--set", "build.mode=fast", cwd=tmp_path)
    assert result.returncode == 2
    assert "build.mode" in result.stderr


def test_tui_without_a_terminal_points_to_replay(tmp_path):
    result = wizard(cwd=tmp_path)
    assert result.returncode == 2
    assert "--replay" in result.stderr


def test_unknown_step_in_a_slice(tmp_path):
    wizard("--new", "MyPlugin", cwd=tmp_path)
    result = wizard("--replay", "profiles/MyPlugin.yml", "--from", "build-it", cwd=tmp_path)
    assert result.returncode == 2
    assert "build-it" in result.stderr


def test_dry_run_changes_nothing(tmp_path):
    wizard("--new", "MyPlugin", cwd=tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    profile_before = (tmp_path / "profiles" / "MyPlugin.yml").read_bytes()
    result = wizard("--replay", "profiles/MyPlugin.yml", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0
    assert "==> [1/13] clone: clone pharo-vm" in result.stdout
    assert "git clone --progress https://github.com/pharo-project/pharo-vm.git" in result.stdout
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "profiles" / "MyPlugin.yml").read_bytes() == profile_before


def test_dry_run_shows_single_pass_plan(tmp_path):
    wizard("--new", "MyPlugin", cwd=tmp_path)
    result = wizard(
        "--replay",
        "profiles/MyPlugin.yml",
        "--dry-run",
        "--set",
        "build.mode=single-pass",
        cwd=tmp_path,
    )
    headers = [line.split()[2] for line in result.stdout.splitlines() if line.startswith("==>")]
    assert headers == [
        "clone:", "checkout:", "branch:", "plugin-source:", "plugin-list:",
        "plugins-cmake:", "commit:", "configure:", "compile:", "verify:", "try:",
    ]  # fmt: skip


def test_bench_goes_with_replay_and_the_dry_run_shows_try(tmp_path):
    refused = wizard("--bench", "--lint", "profiles/MyPlugin.yml", cwd=tmp_path)
    assert refused.returncode == 2
    assert "--bench goes with --replay PROFILE" in refused.stderr
    wizard("--new", "MyPlugin", cwd=tmp_path)
    result = wizard("--replay", "profiles/MyPlugin.yml", "--dry-run", "--bench", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "==> [13/13] try: call the examples in the built VM" in result.stdout
    assert "try-plugin.st" in result.stdout and "MyPlugin 1" in result.stdout
    assert "never VMMaker.image" in result.stdout
