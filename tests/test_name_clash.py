"""A plugin named after a class the checkout has, or a Pharo kernel global, is refused.

The test repository's base branches have pharo-vm's ``InterpreterProxy``,
``SmartSyntaxInterpreterPlugin`` and ``FilePlugin``: a profile named after one of them must
not overwrite it, nor commit anything. A kernel global (``Object``, ``Smalltalk``) is
refused before any checkout is needed. The plugin's own class on its branch is this
plugin, even once the base branch has a class of that name.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from fakevm.profiles import edit_methods, write_profile
from tests.helpers import headers, wizard


def git(checkout: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(checkout), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("name", ["Object", "Smalltalk", "Transcript", "String"])
def test_a_kernel_global_is_refused_at_new_and_at_load(workspace, fake_origin, name):
    new = wizard("--new", name, cwd=workspace)
    assert new.returncode == 2 and "kernel class or global" in new.stderr
    assert not (workspace / "profiles").exists()
    profile = write_profile(workspace, fake_origin)
    data = yaml.safe_load(profile.read_text())
    data["plugin"]["name"] = name
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    for command in (["--replay", str(profile)], ["--lint", str(profile)]):
        result = wizard(*command, cwd=workspace)
        assert result.returncode == 2, result.stdout + result.stderr
        assert f"plugin.name: {name} is a Pharo kernel class or global" in result.stderr
    assert not (workspace / "pharo-vm").exists()


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("InterpreterProxy", "smalltalksrc/VMMaker/InterpreterProxy.class.st"),
        ("SmartSyntaxInterpreterPlugin", "smalltalksrc/VMMaker/SmartSyntaxInterpreterPlugin"),
        ("FilePlugin", "smalltalksrc/VMMaker/FilePlugin.class.st"),
    ],
)
def test_a_class_of_the_checkout_is_not_overwritten(workspace, fake_origin, name, where):
    profile = write_profile(workspace, fake_origin, name)
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 2, result.stdout[-3000:]
    assert headers(result.stdout)[-1] == ("plugin-source", "FAILED")
    assert f"{name} is already a class of the checkout ({where}" in result.stdout
    assert f"--import {name}" in result.stdout
    checkout = workspace / "pharo-vm"
    assert git(checkout, "status", "--porcelain") == ""  # nothing written
    assert git(checkout, "rev-parse", name) == git(checkout, "rev-parse", "pharo-12")  # no commit
    lint = wizard("--lint", str(profile), cwd=workspace)
    assert lint.returncode == 1 and f"{name} is already a class of the checkout" in lint.stdout
    dry = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert f"a run would refuse at plugin-source: {name} is already a class" in dry.stdout


def test_the_plugins_own_class_is_not_a_clash(built_workspace):
    """The plugin went upstream: the base branch now has its class too. The plugin branch's
    own commit of it makes it this plugin's class, and the loop goes on."""
    built = built_workspace(until="commit")
    workspace, profile = built.workspace, built.profile
    first = built.first
    assert first.returncode == 0, first.stdout[-3000:]
    checkout = workspace / "pharo-vm"
    relative = "smalltalksrc/VMMaker/HelloWorldPlugin.class.st"
    text = (checkout / relative).read_text()
    git(checkout, "checkout", "-q", "pharo-12")
    (checkout / relative).write_text(text.replace("Hello from", "Hello upstream from"))
    git(checkout, "add", relative)
    git(checkout, "-c", "user.name=Up", "-c", "user.email=up@example.org",
        "commit", "-q", "-m", "HelloWorldPlugin upstream")  # fmt: skip
    git(checkout, "checkout", "-q", "HelloWorldPlugin")
    edit_methods(profile, "Hello from", "Hello again from")
    lint = wizard("--lint", str(profile), cwd=workspace)
    assert "already a class" not in lint.stdout
    again = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert again.returncode == 0, again.stdout[-3000:]
    assert ("plugin-source", "ok") in headers(again.stdout)
    assert "Hello again from" in (checkout / relative).read_text()


def test_a_clash_is_read_from_the_base_branch_not_the_work_tree(workspace, fake_origin):
    """A class the plugin branch has but the base branch does not is no clash; a class the
    base branch has is one even when the work tree lost it."""
    profile = write_profile(workspace, fake_origin, "FilePlugin")
    assert wizard("--replay", str(profile), "--until", "branch", cwd=workspace).returncode == 0
    checkout = workspace / "pharo-vm"
    (checkout / "smalltalksrc/VMMaker/FilePlugin.class.st").unlink()
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 2
    assert "FilePlugin is already a class of the checkout" in result.stdout
    assert not (checkout / "smalltalksrc/VMMaker/FilePlugin.class.st").exists()


def test_a_class_taken_over_with_import_is_this_plugin(workspace, fake_origin):
    """``--import`` is the way to take a class over: its profile has the class's own comment
    and definition, and a changed method is written (and committed) as for any plugin.
    The base branch gets the class first, as if a plugin had gone upstream."""
    upstream = write_profile(workspace, fake_origin, "SharedPlugin")
    made = wizard("--replay", str(upstream), "--until", "plugin-source", cwd=workspace)
    assert made.returncode == 0, made.stdout[-3000:]
    checkout = workspace / "pharo-vm"
    relative = "smalltalksrc/VMMaker/SharedPlugin.class.st"
    git(checkout, "checkout", "-q", "pharo-12")  # the class file is untracked: it comes along
    git(checkout, "add", relative)
    git(checkout, "-c", "user.name=Up", "-c", "user.email=up@example.org",
        "commit", "-q", "-m", "SharedPlugin upstream")  # fmt: skip
    git(checkout, "branch", "-q", "-D", "SharedPlugin")
    upstream.unlink()
    imported = wizard("--import", "SharedPlugin", "--from-checkout", "pharo-vm", cwd=workspace)
    assert imported.returncode == 0, imported.stderr
    profile = workspace / "profiles" / "SharedPlugin.yml"
    edit_methods(profile, "Hello from", "Hello again from")
    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 0, result.stdout[-3000:]
    assert ("plugin-source", "ok") in headers(result.stdout)
    assert "Hello again from" in (checkout / relative).read_text()
