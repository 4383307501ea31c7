"""A commit holds only the wizard's own change (docs/reliability.md, "Only the wizard's lines
are committed").

A VM hacker has an uncommitted experiment in ``PharoVMMaker.class.st`` or
``plugins.cmake`` and something staged elsewhere. The wizard's commit takes its own lines
of those files and nothing else; the experiment stays in the working tree, uncommitted,
and what was staged stays staged. Only an experiment on the very lines the wizard changes
stops the step, which names the file and the lines.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from fakevm import PHARO_VM_MAKER_ON, PLUGIN_LIST_ON
from fakevm.profiles import write_profile
from tests.helpers import headers, wizard

CLASS = "smalltalksrc/VMMaker/HelloWorldPlugin.class.st"
EXPERIMENT = '"my experiment: not for the plugin branch"\n'


def git(checkout: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(checkout), *args], capture_output=True, text=True, check=True
    ).stdout


def test_an_experiment_in_a_shared_file_stays_uncommitted(built_workspace, layout_branch):
    built = built_workspace(layout_branch, until="branch")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    maker = PHARO_VM_MAKER_ON[layout_branch]  # wherever the shape keeps PharoVMMaker
    vmmaker = checkout / maker
    vmmaker.write_text(EXPERIMENT + vmmaker.read_text())  # far from the external list
    cmakelists = checkout / "CMakeLists.txt"
    cmakelists.write_text(cmakelists.read_text() + "# staged, mine\n")
    git(checkout, "add", "CMakeLists.txt")

    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert dict(headers(result.stdout))["commit"] == "ok"

    committed = git(checkout, "show", f"HEAD:{maker}")
    assert "HelloWorldPlugin" in committed  # the wizard's change is committed
    assert "my experiment" not in committed  # the user's line is not
    assert vmmaker.read_text().startswith(EXPERIMENT)  # and is still in the working tree
    assert sorted(git(checkout, "show", "--name-only", "--format=", "HEAD").split()) == sorted(
        [CLASS, maker]
    )
    status = git(checkout, "status", "--porcelain")
    assert f" M {maker}" in status.splitlines()  # the experiment: unstaged, uncommitted
    assert "M  CMakeLists.txt" in status.splitlines()  # still staged, not committed
    assert "+" + EXPERIMENT.strip() in git(checkout, "diff", "--", maker)

    again = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert again.returncode == 0
    assert dict(headers(again.stdout))["commit"] == "skipped"


def test_an_edit_of_the_wizards_own_line_is_refused_with_the_line(built_workspace, layout_branch):
    built = built_workspace(layout_branch, until="branch")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    maker = PHARO_VM_MAKER_ON[layout_branch]  # wherever the shape keeps PharoVMMaker
    vmmaker = checkout / maker
    text = vmmaker.read_text()
    assert "SurfacePlugin" in text
    vmmaker.write_text(text.replace("SurfacePlugin", "SurfacePlugin MyOwnPlugin", 1))
    line = (
        vmmaker.read_text()
        .splitlines()
        .index(next(row for row in vmmaker.read_text().splitlines() if "MyOwnPlugin" in row))
    )
    head = git(checkout, "rev-parse", "HEAD")

    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 1
    assert f"FAILED: commit: {maker}: your uncommitted change touches the line {line + 1}" in (
        result.stdout
    )
    assert git(checkout, "rev-parse", "HEAD") == head  # nothing committed
    assert "MyOwnPlugin" in vmmaker.read_text()


def test_single_pass_commits_plugins_cmake_without_the_users_lines(
    fake_origin, workspace, layout_branch
):
    profile = write_profile(workspace, fake_origin, mode="single-pass", base_branch=layout_branch)
    assert wizard("--replay", str(profile), "--until", "branch", cwd=workspace).returncode == 0
    checkout = workspace / "pharo-vm"
    plugin_list = PLUGIN_LIST_ON[layout_branch]
    plugins = checkout / plugin_list
    plugins.write_text("# my local plugin experiment\n" + plugins.read_text())

    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    committed = git(checkout, "show", f"HEAD:{plugin_list}")
    assert "HelloWorldPlugin" in committed
    assert "my local plugin experiment" not in committed
    assert plugins.read_text().startswith("# my local plugin experiment\n")


def test_dry_run_shows_the_exact_git_commands(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin)
    result = wizard("--replay", str(profile), "--dry-run", "--until", "commit", cwd=workspace)
    assert result.returncode == 0
    assert (
        "git -c core.hooksPath=<an empty folder> commit --no-verify -m 'Add the HelloWorldPlugin external plugin'"
        in result.stdout
    )
    assert "git update-index --add --cacheinfo" in result.stdout
    assert "git add" not in result.stdout
