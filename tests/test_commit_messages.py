"""Each loop round's commit says what it changed (issue 29, 5), on the test repository."""

from __future__ import annotations

import subprocess

import yaml

from fakevm.profiles import edit_methods
from tests.helpers import wizard
from wizard.steps.develop import round_title


def last_title(workspace) -> str:
    return subprocess.run(
        ["git", "-C", str(workspace / "pharo-vm"), "log", "-1", "--format=%s"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_a_rounds_commit_names_the_methods_it_changed_and_added(built_workspace):
    built = built_workspace(until="commit")
    workspace, profile = built.workspace, built.profile
    first = built.first
    assert first.returncode == 0, first.stdout[-2000:]
    assert last_title(workspace) == "Add the HelloWorldPlugin external plugin"

    edit_methods(profile, "Answer a greeting from", "Answer a greeting of")
    data = yaml.safe_load(profile.read_text())
    data["plugin"]["methods"].append({"source": "primitiveAnswer\n\t<export: true>\n\t^ 42\n"})
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    again = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert again.returncode == 0, again.stdout[-2000:]
    assert last_title(workspace) == (
        "HelloWorldPlugin: change primitiveGetHelloString, add primitiveAnswer"
    )


def test_a_long_list_of_changes_is_counted():
    changes = {
        "change": ["the class definition", "primitiveOne", "primitiveTwo"],
        "add": [f"primitiveNew{i}" for i in range(6)],
        "remove": [],
    }
    assert round_title("MyPlugin", changes) == (
        "MyPlugin: change the class definition and 2 methods, add 6 methods"
    )
    assert round_title("MyPlugin", {"change": [], "add": [], "remove": ["class>>old"]}) == (
        "MyPlugin: remove class>>old"
    )
    assert round_title("MyPlugin", {"change": [], "add": [], "remove": []}) == (
        "Update the MyPlugin plugin class"
    )
