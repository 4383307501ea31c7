"""Files the wizard edits but does not own: the user's lines elsewhere never block its change;
an edit of the very lines it must change does, naming them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from fakevm import PHARO_VM_MAKER_ON, external_list_text
from tests.helpers import headers, wizard

MINE = '\n"my own note, not for the wizard"\n'


def set_external_plugins(profile: Path, names: list[str]) -> None:
    data = yaml.safe_load(profile.read_text())
    data["external_plugins"] = names
    profile.write_text(yaml.safe_dump(data, sort_keys=False))


def git(checkout: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(checkout), *args], capture_output=True, text=True, check=True
    ).stdout


def test_a_users_line_elsewhere_never_blocks_the_list_change(built_workspace, layout_branch):
    """In every shape: PharoVMMaker wherever the checkout keeps it, its list as it writes it."""
    LIST = PHARO_VM_MAKER_ON[layout_branch]
    wanted = external_list_text(layout_branch, ["FilePlugin", "HelloWorldPlugin"])
    built = built_workspace(layout_branch, until="branch")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    listed = checkout / LIST
    listed.write_text(listed.read_text() + MINE)  # before the wizard's first write
    first = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert first.returncode == 0, first.stdout
    assert listed.read_text().endswith(MINE)
    assert MINE.strip() not in git(checkout, "show", f"HEAD:{LIST}")

    text = listed.read_text()
    listed.write_text('"my first line"\n' + text)  # and after it
    set_external_plugins(profile, ["FilePlugin", "HelloWorldPlugin"])
    second = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert second.returncode == 0, second.stdout
    assert headers(second.stdout)[-2:] == [("plugin-list", "ok"), ("commit", "ok")]
    now = listed.read_text()
    assert now.startswith('"my first line"\n') and now.endswith(MINE), "the user's lines stay"
    assert wanted in now
    committed = git(checkout, "show", f"HEAD:{LIST}")
    assert wanted in committed
    assert "my first line" not in committed and MINE.strip() not in committed
    assert "changed by hand" not in second.stdout


def test_an_edit_of_the_very_lines_refuses_naming_them(built_workspace, layout_branch):
    LIST = PHARO_VM_MAKER_ON[layout_branch]
    wanted = external_list_text(layout_branch, ["FilePlugin", "HelloWorldPlugin"])
    built = built_workspace(layout_branch, until="plugin-list")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    listed = checkout / LIST
    text = listed.read_text()
    line = next(
        number
        for number, content in enumerate(text.splitlines(), start=1)
        if "HelloWorldPlugin" in content
    )
    edited = text.replace("HelloWorldPlugin", "HelloWorldPlugin MyHandPlugin", 1)
    listed.write_text(edited + MINE)
    set_external_plugins(profile, ["FilePlugin", "HelloWorldPlugin"])
    result = wizard("--replay", str(profile), "--until", "plugin-list", cwd=workspace)
    assert result.returncode == 1
    failed = next(row for row in result.stdout.splitlines() if row.startswith("FAILED:"))
    assert f"{LIST}: line {line}, which the wizard must change" in failed, failed
    assert listed.read_text() == edited + MINE, "nothing overwritten"
    forced = wizard("--replay", str(profile), "--until", "plugin-list", "--force", cwd=workspace)
    assert forced.returncode == 0
    assert wanted in listed.read_text()
    assert listed.read_text().endswith(MINE)
