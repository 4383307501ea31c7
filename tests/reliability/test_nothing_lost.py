"""Nothing the user wrote is lost, through the real command: comments kept, fresh clones,
saving state (docs/reliability.md, "Saving `state:`").

Each test sets up what a VM hacker meets on a normal day (a commented list, a clone made
again from scratch, a profile in an unusual but valid YAML form) and runs ``--replay``.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from fakevm import (
    PHARO_VM_MAKER_ON,
    SHAPE_BRANCHES,
    external_list_text,
    stock_external_plugins,
)
from fakevm.profiles import write_profile
from tests.helpers import headers, wizard

#: VMMaker's list file on the helper's default base branch (pharo-12: the 2026 shape).
LIST = PHARO_VM_MAKER_ON["pharo-12"]


def git(checkout: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(checkout), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("branch", [SHAPE_BRANCHES["2025"], SHAPE_BRANCHES["2026"]])
def test_a_comment_in_vmmakers_list_is_kept_and_never_a_plugin(built_workspace, branch):
    built = built_workspace(branch, until="branch")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    vmmaker = checkout / PHARO_VM_MAKER_ON[branch]
    stock = stock_external_plugins(branch)
    off = '"SurfacePlugin off for now"'
    old = external_list_text(branch, stock)
    mine = old.replace("SurfacePlugin", off)
    assert old in vmmaker.read_text()
    vmmaker.write_text(vmmaker.read_text().replace(old, mine))
    git(checkout, "commit", "-qam", "SurfacePlugin off for now", "--no-verify")

    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    on = " ".join(name for name in stock if name != "SurfacePlugin")
    assert f"#({on}) -> #({on} HelloWorldPlugin)" in result.stdout
    assert (
        "is listed but no plugin class" not in result.stdout
    )  # "off", "for", "now" are not taken for plugins
    wanted = external_list_text(branch, (*stock, "HelloWorldPlugin")).replace("SurfacePlugin", off)
    assert wanted in vmmaker.read_text()
    assert wanted in git(checkout, "show", f"HEAD:{PHARO_VM_MAKER_ON[branch]}")
    again = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert dict(headers(again.stdout))["plugin-list"] == "skipped"


def test_a_fresh_clone_is_not_a_hand_edit(built_workspace):
    """``rm -rf pharo-vm build`` then replay: the pristine files are not "changed by hand"."""
    import shutil

    built = built_workspace(until="commit")
    workspace, profile = built.workspace, built.profile
    first = built.first
    assert first.returncode == 0, first.stdout
    assert "plugin-list:" in profile.read_text()  # state: remembers what the wizard wrote
    shutil.rmtree(workspace / "pharo-vm")
    again = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "changed by hand" not in again.stdout
    verdicts = dict(headers(again.stdout))
    assert verdicts["plugin-list"] == "ok" and verdicts["commit"] == "ok"


def test_a_real_hand_edit_is_still_refused(built_workspace):
    built = built_workspace(until="commit")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    vmmaker = checkout / LIST
    assert vmmaker.read_text().count("HelloWorldPlugin") == 1, "only in the list"
    vmmaker.write_text(vmmaker.read_text().replace("HelloWorldPlugin", "HelloWorldPlugin X"))
    data = yaml.safe_load(profile.read_text())
    data["external_plugins"] = ["FilePlugin", "HelloWorldPlugin"]  # the list must change
    profile.write_text(yaml.safe_dump(data, sort_keys=False))
    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 1, result.stdout
    assert "changed by hand since the wizard wrote" in result.stdout
    assert "line " in result.stdout  # the very lines, named


def _forms(data: dict) -> dict[str, str]:
    """One profile, in the YAML forms a user may well write; every one loads today."""
    data = {key: value for key, value in data.items() if key != "state"}
    block = yaml.safe_dump(data, sort_keys=False)
    flow = yaml.safe_dump(data, sort_keys=False, default_flow_style=True)
    return {
        "document-end": block + "...\n",
        "document-end-with-state": block + "state: {}\n...\n",
        "flow": flow,
        "flow-with-state": flow.rstrip()[:-1] + ", state: {}}\n",
        "quoted-key": block + '"state": {}\n',
        "complex-key": block + "? state\n: {}\n",
        "bom-then-state": "\ufeffstate: {}\n" + block,
        "empty-state": block + "state:\n",
        "no-final-newline": block + "state: {}",
    }


FORMS = list(_forms({"version": 1}))


@pytest.mark.parametrize("form", FORMS)
def test_saving_state_never_breaks_a_profile(fake_origin, workspace, form):
    from wizard.profile.load import load_profile

    profile = write_profile(workspace, fake_origin)
    profile.write_text(_forms(yaml.safe_load(profile.read_text()))[form], encoding="utf-8")
    before = load_profile(profile)
    for until, done in (("clone", 1), ("checkout", 2)):  # two saves after each run
        result = wizard("--replay", str(profile), "--until", until, cwd=workspace)
        assert result.returncode == 0, result.stdout + result.stderr
        after = load_profile(profile)  # it loads...
        assert replace(after, state={}) == replace(before, state={})  # ...to the same profile
        steps = after.state["steps"]
        assert [steps[step]["status"] for step in ("clone", "checkout")[:done]] == ["done"] * done
    if form == "bom-then-state":
        assert profile.read_bytes().startswith("\ufeff".encode())
