"""Loading a profile is strict and never surprising (docs/reliability.md, "Strict loading").

Each case goes through the real command. Bad input is exit 2 and one line, before
anything is read further, cloned or saved; what ``--lint`` accepts, ``plugin-source``
writes.
"""

from __future__ import annotations

import os
import subprocess
import threading

import pytest
import yaml

from fakevm.profiles import write_profile
from tests.helpers import headers, wizard


def one_line_refusal(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.mark.parametrize("flag", ["--replay", "--lint"])
def test_dev_zero_is_not_a_profile(tmp_path, flag):
    result = wizard(flag, "/dev/zero", cwd=tmp_path, timeout=30)
    one_line_refusal(result, "not a regular file")


def test_a_fifo_is_refused_without_being_opened(tmp_path):
    fifo = tmp_path / "P.yml"
    os.mkfifo(fifo)
    opened = threading.Event()

    def writer() -> None:  # only if the wizard opened the FIFO would this return
        with open(fifo, "w") as stream:
            opened.set()
            stream.write("version: 1\n")

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    result = wizard("--replay", str(fifo), cwd=tmp_path, timeout=30)
    one_line_refusal(result, "not a regular file")
    assert not opened.is_set()
    with open(fifo) as stream:  # let the writer go: read what it writes, to its end
        assert stream.read() == "version: 1\n"
    thread.join(5)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("repository:\n  base_branch: 010\n", ["repository.base_branch", "quote it"]),
        ("plugin_name_twice", ["plugin", "twice"]),
        ("state: [1, 2]\n", ["state"]),
        ("state:\n  steps: [clone]\n", ["state.steps"]),
        ("state:\n  steps:\n    clone: done\n", ["state.steps.clone"]),
        ("instance_variables", ["plugin.instance_variables[0]", "self"]),
    ],
    ids=["number-for-text", "duplicate-key", "state-list", "steps-list", "step-text", "self"],
)
def test_bad_profiles_are_bad_input_at_load(fake_origin, workspace, change, words):
    profile = write_profile(workspace, fake_origin)
    text = profile.read_text()
    if change == "plugin_name_twice":
        text = text.replace("plugin:\n", "plugin:\n  name: OtherPlugin\n", 1)
    elif change == "instance_variables":
        data = yaml.safe_load(text)
        data["plugin"]["instance_variables"] = ["self"]
        text = yaml.safe_dump(data, sort_keys=False)
    else:
        data = yaml.safe_load(text)
        data.pop("state", None)
        data.pop("repository", None) if "repository" in change else None
        text = yaml.safe_dump(data, sort_keys=False)
        if "repository" in change:
            text += f"repository:\n  url: {fake_origin}\n  base_branch: 010\n"
        else:
            text += change
    profile.write_text(text)
    before = profile.read_bytes()
    for flag in ("--replay", "--lint"):
        one_line_refusal(wizard(flag, str(profile), cwd=workspace), *words)
    assert profile.read_bytes() == before
    assert not (workspace / "pharo-vm").exists()


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("state.steps.clone.status=done", ["--set", "state"]),
        ("repository.base_branch=010", ["--set", "quote"]),
    ],
)
def test_set_errors_name_the_option_not_a_line(fake_origin, workspace, setting, words):
    profile = write_profile(workspace, fake_origin)
    before = profile.read_bytes()
    result = wizard("--replay", str(profile), "--set", setting, cwd=workspace)
    one_line_refusal(result, *words)
    assert f"{profile.name}:" not in result.stderr  # no line of the file is cited
    assert profile.read_bytes() == before


def test_what_lint_accepts_plugin_source_writes(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin)
    data = yaml.safe_load(profile.read_text())
    data["plugin"]["methods"] += [
        {"source": "primitiveAdd: a\n\tto: b\n\t<export: true>\n\t^ a + b\n"},
        {"source": "primitiveAnswer ^ 42\n"},
    ]
    profile.write_text(yaml.safe_dump(data, sort_keys=False))
    lint = wizard("--lint", str(profile), cwd=workspace)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    result = wizard("--replay", str(profile), "--until", "plugin-source", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert dict(headers(result.stdout))["plugin-source"] == "ok"
    text = (workspace / "pharo-vm/smalltalksrc/VMMaker/HelloWorldPlugin.class.st").read_text()
    assert "primitiveAdd: a" in text and "to: b" in text and "primitiveAnswer" in text
