"""Security promises that a grep can check: no shell, safe YAML only, paths stay inside."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from wizard.engine.step import inside

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


UNSAFE_CALLS = {"os.system", "os.popen", "eval", "exec", "yaml.load", "yaml.unsafe_load"}


def shell_problems(tree: ast.AST, where: str) -> list[str]:
    """Every shell, eval/exec or unsafe YAML load in ``tree``, as ``where:line: call``."""
    found = []
    for call in calls(tree):
        name = dotted(call.func)
        if name in UNSAFE_CALLS or name.startswith("os.spawn"):
            found.append(f"{where}:{call.lineno}: {name}")
        for keyword in call.keywords:
            if keyword.arg == "shell" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                found.append(f"{where}:{call.lineno}: shell=")
    return found


@pytest.mark.parametrize("path", python_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_shell_and_no_unsafe_yaml(path):
    assert shell_problems(ast.parse(path.read_text(), filename=str(path)), str(path)) == []


@pytest.mark.parametrize(
    "code",
    [
        "import subprocess\nsubprocess.run('ls', shell=True)\n",
        "import subprocess\nsubprocess.run(['ls'], shell=flag)\n",
        "import os\nos.system('ls')\n",
        "import yaml\nyaml.load(text)\n",
        "eval('1')\n",
    ],
)
def test_the_shell_scanner_catches_a_shell(code):
    """Break the promise once: the scanner the real test uses reports it."""
    assert shell_problems(ast.parse(code), "bad.py") != []


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
FORCING = {"-f", "--force", "--hard", "-D"}


def _strings(nodes) -> list[str]:
    """The string constants among ``nodes``, looking inside list and tuple literals."""
    found = []
    for node in nodes:
        if isinstance(node, (ast.List, ast.Tuple)):
            found += _strings(node.elts)
        elif isinstance(node, ast.Starred):
            found += _strings([node.value])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
    return found


def destructive_git(tree: ast.AST, where: str) -> list[str]:
    """Every git call that resets, cleans, stashes, removes or forces, in any spelling.

    A git call is a method of GitPython's ``repo.git``/``head``, a function with ``git`` in
    its name (``ask_git(checkout, "reset", "--hard")``, ``self.git(...)``), or an argument
    list that starts with ``"git"``.
    """
    found = []
    for call in calls(tree):
        name = dotted(call.func)
        last = name.rsplit(".", 1)[-1]
        strings = _strings(call.args)
        is_git = (
            "git" in name.lower() or name.startswith(("repo.", "head.")) or (strings[:1] == ["git"])
        )
        if not is_git:
            continue
        if last in DESTRUCTIVE_GIT or DESTRUCTIVE_GIT & set(strings) or FORCING & set(strings):
            found.append(f"{where}:{call.lineno}: {name}{tuple(strings)}")
        for keyword in call.keywords:
            if keyword.arg == "force" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                found.append(f"{where}:{call.lineno}: {name}(force=...)")
    return found


@pytest.mark.parametrize("path", python_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_destructive_git(path):
    """Nothing is ever reset, cleaned, or force-checked-out: no such call exists."""
    assert destructive_git(ast.parse(path.read_text(), filename=str(path)), str(path)) == []


@pytest.mark.parametrize(
    "code",
    [
        'ask_git(checkout, "reset", "--hard")',
        'repo.git.reset("--hard")',
        'repo.git.checkout("-f", "main")',
        'self.git("clean", "-fdx")',
        'subprocess.run(["git", "-C", path, "stash"])',
        "repo.head.reset(force=True)",
    ],
)
def test_the_git_scanner_catches_destruction(code):
    """Break the promise once: the scanner the real test uses reports each spelling."""
    assert destructive_git(ast.parse(code), "bad.py") != []
