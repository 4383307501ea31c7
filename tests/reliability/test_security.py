"""Security promises that a grep can check: no shell, safe YAML only, paths stay inside."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from wizard.plan import inside

PACKAGES = [Path(__file__).resolve().parents[2] / name for name in ("wizard", "screens")]


def python_files() -> list[Path]:
    return sorted(path for package in PACKAGES for path in package.rglob("*.py"))


def calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return ""


def test_the_packages_are_scanned():
    assert len(python_files()) > 15


@pytest.mark.parametrize("path", python_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_shell_and_no_unsafe_yaml(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for call in calls(tree):
        name = dotted(call.func)
        assert name not in {
            "os.system",
            "os.popen",
            "eval",
            "exec",
            "yaml.load",
            "yaml.unsafe_load",
        }, f"{path}:{call.lineno}: {name}"
        assert not name.startswith("os.spawn"), f"{path}:{call.lineno}: {name}"
        for keyword in call.keywords:
            if keyword.arg == "shell":
                assert isinstance(keyword.value, ast.Constant) and keyword.value.value is False, (
                    f"{path}:{call.lineno}: shell=True"
                )
        if name == "yaml.load" or name.endswith(".load") and dotted(call.func).startswith("yaml"):
            raise AssertionError(f"{path}:{call.lineno}: yaml.load")


def test_the_check_itself_catches_a_shell(tmp_path):
    """Break the promise once, to see the scanner fail."""
    bad = ast.parse("import subprocess\nsubprocess.run('ls', shell=True)\n")
    found = [kw for call in calls(bad) for kw in call.keywords if kw.arg == "shell"]
    assert found and found[0].value.value is True


def test_inside_refuses_escapes(tmp_path):
    root = tmp_path / "workspace"
    root.mkdir()
    assert inside(root / "pharo-vm", root) == (root / "pharo-vm").resolve()
    with pytest.raises(ValueError):
        inside(root / ".." / "elsewhere", root)
    (root / "link").symlink_to(tmp_path)
    with pytest.raises(ValueError):
        inside(root / "link" / "x", root)


DESTRUCTIVE_GIT = {"reset", "clean", "stash", "rm", "restore", "switch"}


@pytest.mark.parametrize("path", python_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_destructive_git(path):
    """Nothing is ever reset, cleaned, or force-checked-out: no such call exists."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for call in calls(tree):
        name = dotted(call.func)
        last = name.rsplit(".", 1)[-1]
        if not (".git." in f".{name}" or name.startswith(("repo.", "head.", "git."))):
            continue
        assert last not in DESTRUCTIVE_GIT, f"{path}:{call.lineno}: {name}"
        for argument in call.args:
            if isinstance(argument, ast.Constant) and argument.value in (
                "-f",
                "--force",
                "--hard",
                "-D",
            ):
                raise AssertionError(f"{path}:{call.lineno}: {name}({argument.value!r})")
        for keyword in call.keywords:
            if keyword.arg == "force" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                raise AssertionError(f"{path}:{call.lineno}: {name}(force=...)")
