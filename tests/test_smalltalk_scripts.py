"""The two Smalltalk scripts the wizard ships: they parse, read their three arguments, end
with an explicit exit, and are in the distribution.

No Pharo VM or image exists on these machines, so nothing here runs them; what can be
checked without one is checked on their syntax tree (tree-sitter-pharo) and on a real
``build_py`` of the package.
"""

from __future__ import annotations

import re
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


# --------------------------------------------------------------------------- what they send


def sends(name: str) -> set[str]:
    """Every selector the script sends: keyword, unary and binary, cascades included."""
    data, root = _tree(_script(name))
    found: set[str] = set()
    for node in _walk(root):
        if node.type in ("keyword_message", "cascaded_keyword_message"):
            found.add("".join(_text(data, k) for k in node.children if k.type == "keyword"))
        elif node.type in ("unary_message", "cascaded_unary_message"):
            found.update(_text(data, k) for k in node.children if k.type == "unary_identifier")
        elif node.type in ("binary_message", "cascaded_binary_message"):
            found.update(_text(data, k) for k in node.children if k.type == "binary_operator")
    return found


def checked_selectors() -> dict[str, set[str]]:
    """The selectors CHECKED.md lists as looked up in the sources, per script."""
    text = (ROOT / "wizard" / "smalltalk" / "CHECKED.md").read_text("utf-8")
    found: dict[str, set[str]] = {}
    for name in SCRIPTS:
        marker = f"<!-- sends of {name} -->"
        block = text.split(marker, 1)[1].split("<!-- end -->", 1)[0]
        found[name] = {
            word.strip("`") for line in block.splitlines() for word in line.split() if word
        }
    return found


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_message_sent_was_looked_up_in_the_sources(name: str) -> None:
    """A new send must be looked up in the Pharo 10, 12 and 13 (and pharo-vm) sources and
    listed in CHECKED.md; a listed send the script no longer makes is dropped there too."""
    assert sends(name) == checked_selectors()[name]


def test_try_runs_no_code_from_the_examples_file() -> None:
    """No evaluation, no perform: of text: values are parsed as literals, conversions sent
    from a fixed table that matches the wizard's own list."""
    from wizard.formats.try_protocol import EXAMPLES_HEADER
    from wizard.slang.literal import CONVERSIONS

    sent = sends("try-plugin.st")
    assert not {s for s in sent if s.startswith(("perform", "evaluate", "compiler"))}
    assert "parseLiterals:" in sent and "withArgs:executeMethod:" in sent
    source = _script("try-plugin.st").decode()
    assert "Compiler" not in source and "evaluate" not in source
    table = dict(re.findall(r"at: #(\w+) put: \[ :value \| value (\w+) \]", source))
    assert set(table) == set(CONVERSIONS)
    assert all(key == sent for key, sent in table.items())
    assert f"'{EXAMPLES_HEADER}'" in source


def test_try_handles_pharo_10_syntax_errors_per_example() -> None:
    """Review T1: every handler of try-plugin.st catches exampleFailures, which adds Pharo
    10's SyntaxErrorNotification (a Notification there) to Error, so a bad field fails its
    example alone."""
    data, root = _tree(_script("try-plugin.st"))
    handlers = [args[0] for _, args in _keyword_sends(data, root, "on:do:")]
    assert handlers and set(handlers) == {"exampleFailures"}
    assert "exampleFailures := exampleFailures , syntaxError" in _script("try-plugin.st").decode()


def test_regenerate_prints_one_failure_line_naming_the_method() -> None:
    source = _script("regenerate-plugin.st").decode()
    data, root = _tree(_script("regenerate-plugin.st"))
    # Every failure goes through fail (one line, exit 1); report adds the method it found.
    reports = {
        args[0]
        for receiver, args in _keyword_sends(data, root, "value:value:")
        if receiver == "report"
    }
    assert reports == {"'load'", "'translate'"}
    assert "what , ' failed' , (method ifNil: [ '' ] ifNotNil: [ ' in ' , method ]) , ': '" in (
        source
    )
    # The stack is searched for the definition or Slang method, not printed.
    sent = sends("regenerate-plugin.st")
    assert {"className", "classIsMeta", "definingClass", "currentMethod", "receiver"} <= sent
    # R2: the maker is built inside the handler.
    build = source.index("vmMakerWith: CoInterpreter")
    handler = source.index("do: [ :error | report value: 'translate' value: error ]")
    assert source.rindex("[ withAuthor value: [", 0, build) < build < handler
