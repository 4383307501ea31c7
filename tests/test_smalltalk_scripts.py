"""The two Smalltalk scripts the wizard ships: they parse, read their three arguments, end
with an explicit exit, and are in the distribution.

No Pharo VM or image exists on these machines, so nothing here runs them; what can be
checked without one is checked on their syntax tree (tree-sitter-pharo) and on a real
``build_py`` of the package.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import tree_sitter_pharo
from tree_sitter import Language, Node, Parser

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("regenerate-plugin.st", "try-plugin.st")
#: tree-sitter-pharo parses methods; a script is a doIt, i.e. a method body without a pattern.
PATTERN = b"doIt\n"


def _script(name: str) -> bytes:
    return (resources.files("wizard") / "smalltalk" / name).read_bytes()


def _tree(source: bytes) -> tuple[bytes, Node]:
    data = PATTERN + source
    return data, Parser(Language(tree_sitter_pharo.language())).parse(data).root_node


def _text(data: bytes, node: Node) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8")


def _walk(node: Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def syntax_errors(source: bytes) -> list[str]:
    """ERROR and MISSING nodes as 'line:column: kind', lines of the script (1-based)."""
    data, root = _tree(source)
    found = []
    for node in _walk(root):
        if node.type == "ERROR" or node.is_missing:
            line, column = node.start_point
            found.append(f"{line}:{column + 1}: {'MISSING' if node.is_missing else 'ERROR'}")
    statements = [n for n in _walk(root) if n.type == "method"]
    if len(statements) != 1:
        found.append(f"expected one doIt, parsed {len(statements)}")
    return found


def _keyword_sends(data: bytes, root: Node, selector: str) -> list[tuple[str, list[str]]]:
    """(receiver text, argument texts) of every send of the keyword ``selector``."""
    sends = []
    for node in _walk(root):
        if node.type != "keyword_message":
            continue
        keywords = [c for c in node.children if c.type == "keyword"]
        if "".join(_text(data, k) for k in keywords) != selector:
            continue
        receiver = node.child_by_field_name("receiver")
        arguments = [c.next_named_sibling for c in keywords]
        sends.append((_text(data, receiver), [_text(data, a) for a in arguments if a]))
    return sends


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_parses_without_errors(name: str) -> None:
    assert syntax_errors(_script(name)) == []


def test_a_broken_script_is_caught() -> None:
    broken = _script("try-plugin.st").replace(b"lines withIndexDo: [", b"lines withIndexDo: ", 1)
    assert broken != _script("try-plugin.st")
    assert syntax_errors(broken) != []


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_has_no_chunk_separator(name: str) -> None:
    # The st handler reads the file in chunk format: an exclamation mark would cut it.
    assert b"!" not in _script(name)


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_reads_exactly_three_arguments_after_itself(name: str) -> None:
    data, root = _tree(_script(name))
    # It finds itself on the command line by its own file name ...
    finds = _keyword_sends(data, root, "endsWith:")
    assert ("each", [f"'{name}'"]) in finds
    # ... keeps what follows, insists on three, and reads options 1, 2 and 3.
    assert ("arguments", ["scriptIndex"]) in _keyword_sends(data, root, "allButFirst:")
    counts = [
        _text(data, n)
        for n in _walk(root)
        if n.type == "binary_message" and _text(data, n).startswith("options size =")
    ]
    assert counts == ["options size = 3"]
    read = sorted(
        int(args[0])
        for receiver, args in _keyword_sends(data, root, "at:")
        if receiver == "options"
    )
    assert read == [1, 2, 3]


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_ends_with_an_explicit_exit(name: str) -> None:
    # Any later argument ending in .st (the Tonel class file does) would be run next.
    data, root = _tree(_script(name))
    body = next(n for n in _walk(root) if n.type == "method_body")
    statements = [c for c in body.named_children if c.type == "statement"]
    assert _text(data, statements[-1]) == "Smalltalk exit: 0"


def test_regenerate_never_saves_the_image() -> None:
    data, root = _tree(_script("regenerate-plugin.st"))
    sends = {
        "".join(_text(data, k) for k in n.children if k.type == "keyword")
        for n in _walk(root)
        if n.type in ("keyword_message", "cascaded_keyword_message")
    }
    unary = {_text(data, n) for n in _walk(root) if n.type == "unary_identifier"}
    assert not {s for s in sends if s.startswith("snapshot")}
    assert "saveSession" not in unary and "snapshot" not in unary


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_is_in_the_built_package(name: str, tmp_path: Path) -> None:
    # build_py copies what a wheel holds: packages plus their package data.  It runs on a
    # copy of the project without the editable install's egg-info, whose SOURCES.txt would
    # otherwise bring in files that pyproject.toml no longer ships.
    project = tmp_path / "project"
    project.mkdir()
    for item in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / item, project / item)
    for package in ("wizard", "screens"):
        shutil.copytree(
            ROOT / package, project / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from setuptools import setup; setup()",
            "-q",
            "build_py",
            "--build-lib",
            str(tmp_path / "lib"),
        ],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    shipped = tmp_path / "lib" / "wizard" / "smalltalk" / name
    assert shipped.read_bytes() == _script(name)
