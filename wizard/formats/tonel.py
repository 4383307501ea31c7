"""Tonel class files: write a plugin class, read one back, and check one before it is written.

The wizard writes exactly one file into a pharo-vm checkout,
``smalltalksrc/VMMaker/<Name>.class.st``, and reads it again to tell whether the user changed
it by hand.  Both directions live here and are pure text functions; the only file access is
:func:`detect_style_in`, which samples a folder to pick the style the checkout already uses.

Two styles exist (notes section 7):

* **old** (pharo-9): STON symbols, ``#name : #HelloWorldPlugin``,
  ``#category : #'VMMaker-Plugins'``, ``{ #category : #primitives }``;
* **new** (pharo-10, pharo-12): STON strings plus ``#package`` and ``#tag`` after
  ``#category``, ``{ #category : 'primitives' }``.

Reading uses the tree-sitter Tonel grammar, loaded only when reading.  :func:`check_tonel`
also replays the rule Pharo's own Tonel reader uses to find the end of a method body (it
counts ``[`` and ``]``, skipping strings, comments, character literals and literal arrays)
so that a file the grammar accepts but Pharo would cut in a different place is reported
too.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.profile.model import Method, Plugin
from wizard.slang.selectors import pattern_span

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

#: Protocol of an instance-side method whose profile entry names none.  ``primitives`` is the
#: protocol real plugins use most (172 methods of the pharo-12 plugins).
DEFAULT_INSTANCE_PROTOCOL = "primitives"
#: Protocol of a class-side method whose profile entry names none.  ``translation`` is what
#: real plugins use for class-side hooks such as ``moduleName`` and ``declareCVarsIn:``
#: (80 methods on pharo-12, against 2 for ``translation to C``).
DEFAULT_CLASS_PROTOCOL = "translation"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAME_FORM = re.compile(r"^Class\s*\{\s*#name\s*:\s*([#'])", re.MULTILINE)


class TonelStyle(enum.Enum):
    """How the STON metadata of a class file is spelled (see the module docstring)."""

    OLD = "old"
    NEW = "new"


@dataclass
class TonelClassFile:
    """What a ``.class.st`` file says, as read back by :func:`read_class`."""

    name: str
    superclass: str
    category: str | None
    package: str | None
    tag: str | None
    comment: str | None
    instance_variables: tuple[str, ...]
    methods: list[Method] = field(default_factory=list)
    style: TonelStyle = TonelStyle.NEW
    keys: tuple[str, ...] = ()  # every key of the Class { } map, in order (#classVars, ...)
    class_variables: tuple[str, ...] = ()
    class_instance_variables: tuple[str, ...] = ()
    pools: tuple[str, ...] = ()
    verbatim: bool = False  # comment and sources read exactly (see :func:`read_class`)


# --------------------------------------------------------------------------- style


def detect_style(class_file_texts: Iterable[str]) -> TonelStyle:
    """The style most of the given class files use, judged by how ``#name :`` is spelled.

    A symbol (``#name : #Foo``) votes old, a string (``#name : 'Foo'``) votes new.  Ties and
    no votes at all give NEW, the style of every branch since pharo-10.
    """
    old = new = 0
    for text in class_file_texts:
        match = _NAME_FORM.search(text)
        if match is None:
            continue
        if match.group(1) == "#":
            old += 1
        else:
            new += 1
    return TonelStyle.OLD if old > new else TonelStyle.NEW


def detect_style_in(folder: Path, sample: int = 20) -> TonelStyle:
    """:func:`detect_style` over the first ``sample`` ``*.class.st`` files of ``folder``.

    Files are taken in name order so the answer does not depend on the file system.
    """
    paths = sorted(folder.glob("*.class.st"))[:sample]
    return detect_style(path.read_text(encoding="utf-8", errors="replace") for path in paths)


# --------------------------------------------------------------------------- writing


def render_class(plugin: Plugin, style: TonelStyle) -> str:
    """The complete ``.class.st`` text for ``plugin`` in ``style``.

    Layout, as Pharo's Tonel writer produces it: the class comment (if any) between two
    lines holding ``"``, the ``Class { ... }`` STON map one key per line, a blank line, then
    the methods, class side first and then instance side, each group in the profile's
    order, separated by blank lines.  LF line endings, tab indentation, final newline.
    """
    parts: list[str] = []
    comment = _exact_comment(plugin.comment) if plugin.verbatim else _clean_comment(plugin.comment)
    if comment is not None:
        parts.append('"\n' + comment.replace('"', '""') + '\n"\n')
    parts.append(_render_definition(plugin, style))
    methods = [m for m in plugin.methods if m.is_class_side]
    methods += [m for m in plugin.methods if not m.is_class_side]
    if not methods:
        return "".join(parts)
    render = _render_exact_method if plugin.verbatim else _render_method
    rendered = [render(plugin.name, method, style) for method in methods]
    return "".join(parts) + "\n" + "\n\n".join(rendered) + "\n"


def _render_definition(plugin: Plugin, style: TonelStyle) -> str:
    pairs = [
        ("#name", _ston_name(plugin.name, style)),
        ("#superclass", _ston_name(plugin.superclass, style)),
    ]
    for key, names in (
        ("#instVars", plugin.instance_variables),
        ("#classVars", plugin.class_variables),
        ("#pools", plugin.pools),
        ("#classInstVars", plugin.class_instance_variables),
    ):
        if names:
            items = ",\n".join(f"\t\t{_ston_string(name)}" for name in names)
            pairs.append((key, "[\n" + items + "\n\t]"))
    pairs.append(("#category", _ston_name(plugin.category, style)))
    if style is TonelStyle.NEW:
        pairs.append(("#package", _ston_string(plugin.package)))
        if plugin.tag is not None:
            pairs.append(("#tag", _ston_string(plugin.tag)))
    body = ",\n".join(f"\t{key} : {value}" for key, value in pairs)
    return "Class {\n" + body + "\n}\n"


def _render_method(class_name: str, method: Method, style: TonelStyle) -> str:
    default = DEFAULT_CLASS_PROTOCOL if method.is_class_side else DEFAULT_INSTANCE_PROTOCOL
    protocol = method.protocol or default
    pattern, body = split_source(method.source)
    owner = f"{class_name} class" if method.is_class_side else class_name
    lines = [f"{{ #category : {_ston_name(protocol, style)} }}", f"{owner} >> {pattern} ["]
    lines.extend(body)
    lines.append("]")
    return "\n".join(lines)


def _render_exact_method(class_name: str, method: Method, style: TonelStyle) -> str:
    """A method of a verbatim plugin: the source's text after its pattern goes after ``[``
    as it is (so a comment or spaces on the pattern line stay there), trailing blank lines
    and spaces included; the pattern too is written as it is, over several lines if so."""
    default = DEFAULT_CLASS_PROTOCOL if method.is_class_side else DEFAULT_INSTANCE_PROTOCOL
    protocol = method.protocol or default
    text = method.source.replace("\r\n", "\n").replace("\r", "\n")
    found = pattern_span(text)
    end = found[1] if found else len(text.split("\n", 1)[0])
    body = text[end:] if text[end:].endswith("\n") else text[end:] + "\n"
    owner = f"{class_name} class" if method.is_class_side else class_name
    pattern = text[:end].strip()
    return f"{{ #category : {_ston_name(protocol, style)} }}\n{owner} >> {pattern} [{body}]"


def split_source(source: str) -> tuple[str, list[str]]:
    """A method source split into its pattern (on one line) and its body lines.

    The pattern may span lines (``primitiveAdd: a\n\tto: b``) and the body may start on
    its last line (``primitiveAnswer ^ 42``): what :func:`wizard.slang.selectors.pattern_span`
    reads as the pattern is joined into one line, the rest of that line becomes the first
    body line. Body lines are kept exactly as written, and trailing blank lines are
    dropped. CR and CRLF become LF.
    """
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    found = pattern_span(text)
    end = found[1] if found else len(text.split("\n", 1)[0]) + len(text) - len(text.lstrip())
    pattern = " ".join(text[:end].split())
    first, _, rest = text[end:].partition("\n")
    body = ([f"\t{first.strip()}"] if first.strip() else []) + (rest.split("\n") if rest else [])
    if not rest and not first.strip():
        body = []
    while body and not body[-1].strip():
        body.pop()
    return pattern, body


def _exact_comment(comment: str | None) -> str | None:
    """The comment of a verbatim plugin: its final line break ends its last line; any more
    are the blank lines before the closing quote."""
    if comment is None:
        return None
    comment = comment.replace("\r\n", "\n").replace("\r", "\n")
    return comment[:-1] if comment.endswith("\n") else comment


def _clean_comment(comment: str | None) -> str | None:
    if comment is None:
        return None
    comment = comment.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    return comment if comment.strip() else None


def _ston_name(value: str, style: TonelStyle) -> str:
    """A name or category: a symbol in the old style (quoted unless an identifier), else a string."""
    if style is TonelStyle.NEW:
        return _ston_string(value)
    if _IDENTIFIER.fullmatch(value):
        return "#" + value
    return "#" + _ston_string(value)


def _ston_string(value: str) -> str:
    """A STON string: single quotes, with ``\\`` and ``'`` escaped by a backslash as STON does."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


# --------------------------------------------------------------------------- reading


@functools.cache
def _parser() -> Parser:
    """The Tonel grammar, loaded on first read: rendering a class does not need it."""
    import tree_sitter_tonel_smalltalk
    from tree_sitter import Language, Parser

    # The package's stub says a capsule; its language() answers a Language already.
    language: object = tree_sitter_tonel_smalltalk.language()
    assert isinstance(language, Language)
    return Parser(language)


def read_class(text: str, *, verbatim: bool = False) -> TonelClassFile:
    """Read a Tonel class file; raises ``ValueError`` when it is not a clean class file.

    ``verbatim`` reads the comment and every method exactly as the file has them (a
    method's source is its pattern, then everything between its ``[`` and ``]``; the
    comment ends with a line break), as a verbatim plugin renders them back; without it
    the first blank line after ``[`` and the trailing spaces of the pattern line go.
    """
    problems = check_tonel(text)
    if problems:
        from wizard.words import few

        raise ValueError("not a valid Tonel class file: " + few(problems, 3, sep="; "))
    data = text.encode("utf-8")
    root = _parser().parse(data).root_node
    comment: str | None = None
    header: dict[str, object] | None = None
    style = TonelStyle.NEW
    methods: list[Method] = []
    leading = _leading_comment(root)
    if leading is not None:
        comment = _read_comment(data[leading[0] : leading[1]].decode("utf-8"))
        if verbatim:
            comment += "\n"
    for child in root.named_children:
        if child.type == "definition":
            definition = child.named_children[0] if child.named_children else None
            if definition is None or definition.type != "class_definition":
                raise ValueError(f"expected a Class definition, found {_first_word(data, child)}")
            header, style = _read_map(data, _first_of_type(definition, "ston_map"))
        elif child.type == "method_definition":
            methods.append(_read_method(data, child, verbatim))
    if header is None:
        raise ValueError("no Class { ... } definition found")
    name = header.get("#name")
    if not isinstance(name, str) or not name:
        raise ValueError("the class definition has no #name")
    superclass = header.get("#superclass")
    variables = _names_of(header.get("#instVars"))
    return TonelClassFile(
        name=name,
        superclass=superclass if isinstance(superclass, str) else "",
        category=_optional_text(header.get("#category")),
        package=_optional_text(header.get("#package")),
        tag=_optional_text(header.get("#tag")),
        comment=comment,
        instance_variables=variables,
        methods=methods,
        style=style,
        keys=tuple(header),
        class_variables=_names_of(header.get("#classVars")),
        class_instance_variables=_names_of(header.get("#classInstVars")),
        pools=_names_of(header.get("#pools")),
        verbatim=verbatim,
    )


def _names_of(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def to_plugin(tonel: TonelClassFile) -> Plugin:
    """The :class:`Plugin` a read class file describes (every protocol made explicit)."""
    category = tonel.category
    if category is None:
        category = tonel.package or "VMMaker"
        if tonel.tag:
            category += "-" + tonel.tag
    first_word = category.split("-", 1)[0]
    return Plugin(
        name=tonel.name,
        superclass=tonel.superclass,
        category=category,
        comment=tonel.comment,
        instance_variables=tonel.instance_variables,
        methods=tuple(tonel.methods),
        class_variables=tonel.class_variables,
        class_instance_variables=tonel.class_instance_variables,
        pools=tonel.pools,
        declared_package=tonel.package if tonel.package not in (None, first_word) else None,
        verbatim=tonel.verbatim,
    )


def _leading_comment(root: Node) -> tuple[int, int] | None:
    """Byte span of the class comment.  The grammar splits a comment holding doubled
    quotes (``""x""``) into adjacent comment nodes, so the span runs over all of them."""
    start = end = None
    for child in root.named_children:
        if child.type not in ("class_comment", "comment"):
            break
        if start is None:
            if child.type != "class_comment":
                break
            start = child.start_byte
        elif child.start_byte != end:
            break
        end = child.end_byte
    return (start, end) if start is not None and end is not None else None


def _read_comment(raw: str) -> str:
    inner = raw[1:-1] if len(raw) >= 2 else ""
    if inner.startswith("\n"):
        inner = inner[1:]
    if inner.endswith("\n"):
        inner = inner[:-1]
    return inner.replace('""', '"')


def _read_map(data: bytes, node: Node | None) -> tuple[dict[str, object], TonelStyle]:
    values: dict[str, object] = {}
    style = TonelStyle.NEW
    if node is None:
        return values, style
    for pair in node.named_children:
        if pair.type != "ston_pair":
            continue
        key_node = _first_of_type(pair, "ston_key")
        value_node = _first_of_type(pair, "ston_value")
        if key_node is None or value_node is None:
            continue
        key = _text(data, key_node).strip()
        values[key] = _read_value(data, value_node)
        if key == "#name" and value_node.named_children:
            kind = value_node.named_children[0].type
            style = TonelStyle.OLD if kind == "ston_symbol" else TonelStyle.NEW
    return values, style


def _read_value(data: bytes, node: Node) -> object:
    inner = node.named_children[0] if node.named_children else node
    if inner.type == "ston_list":
        return [
            _read_value(data, item) for item in inner.named_children if item.type == "ston_value"
        ]
    raw = _text(data, inner).strip()
    if raw.startswith("#"):
        raw = raw[1:]
    if raw.startswith("'") and raw.endswith("'") and len(raw) >= 2:
        return _unescape(raw[1:-1])
    return raw


def _unescape(body: str) -> str:
    """Undo STON escapes (``\\'``, ``\\\\``) and Smalltalk quote doubling (``''``)."""
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            out.append(body[index + 1])
            index += 2
        elif char == "'" and body[index + 1 : index + 2] == "'":
            out.append("'")
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _read_method(data: bytes, node: Node, verbatim: bool = False) -> Method:
    metadata, _ = _read_map(
        data, _first_of_type(_first_of_type(node, "method_metadata"), "ston_map")
    )
    reference = _first_of_type(node, "method_reference")
    if reference is None:
        raise ValueError(
            f"line {node.start_point.row + 1}: method without a Class >> selector line"
        )
    selector = reference.child_by_field_name("selector")
    if selector is None:
        raise ValueError(f"line {reference.start_point.row + 1}: method without a selector")
    pattern = data[selector.start_byte : reference.end_byte].decode("utf-8").strip()
    if not verbatim:
        # A pattern broken over lines (pharo-9, some methods of pharo-12) becomes one line.
        pattern = re.sub(r"\s*\n\s*", " ", pattern)
    side = "class" if reference.child_by_field_name("class_side") is not None else "instance"
    opening = closing = None
    for child in node.children:
        if child.type == "[" and opening is None:
            opening = child
        elif child.type == "]":
            closing = child
    if opening is None or closing is None:
        raise ValueError(f"line {reference.start_point.row + 1}: method body without [ ]")
    body = data[opening.end_byte : closing.start_byte].decode("utf-8")
    protocol = metadata.get("#category")
    protocol = protocol if isinstance(protocol, str) else None
    if verbatim:
        return Method(source=pattern + body, side=side, protocol=protocol)
    first_break = body.find("\n")
    if first_break >= 0 and not body[:first_break].strip():
        body = body[first_break + 1 :]
    if body.endswith("\n"):
        body = body[:-1]
    source = pattern + "\n" + (body + "\n" if body.strip() else "")
    return Method(source=source, side=side, protocol=protocol)


def _first_of_type(node: Node | None, kind: str) -> Node | None:
    if node is None:
        return None
    for child in node.named_children:
        if child.type == kind:
            return child
    return None


def _text(data: bytes, node: Node) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8")


def _first_word(data: bytes, node: Node) -> str:
    words = _text(data, node).split()
    return words[0] if words else node.type


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


# --------------------------------------------------------------------------- checking


def check_tonel(text: str) -> list[str]:
    """Problems in a Tonel file, each ``line:column: message`` (1-based); empty when clean.

    Two readers are consulted: the tree-sitter Tonel grammar (syntax errors and missing
    tokens), and a replay of Pharo's Tonel source scanner, which must end every method body
    at the same ``]`` the grammar does.  (That scanner skips ``$"``, ``$[`` and ``$]``
    character literals since tonel v1.0.10, 2018; Pharo 10 and 12 images have it.)
    """
    data = text.encode("utf-8")
    root = _parser().parse(data).root_node
    problems: list[str] = []
    _collect_errors(data, root, problems)
    if problems:
        return problems
    if not any(child.type == "definition" for child in root.named_children):
        problems.append("1:1: no Class { ... } definition")
    for child in root.named_children:
        if child.type == "method_definition":
            problem = _check_body_end(data, child)
            if problem:
                problems.append(problem)
    return problems


def _collect_errors(data: bytes, node: Node, problems: list[str], limit: int = 20) -> None:
    if len(problems) >= limit:
        return
    if node.is_missing:
        problems.append(f"{_where(data, node)}: missing {node.type!r}")
        return
    if node.is_error:
        snippet = _text(data, node).strip().split("\n")[0][:40]
        problems.append(f"{_where(data, node)}: syntax error at {snippet!r}")
        return
    for child in node.children:
        if child.has_error or child.is_missing:
            _collect_errors(data, child, problems, limit)


def _where(data: bytes, node: Node) -> str:
    row, column = node.start_point
    line_start = data.rfind(b"\n", 0, node.start_byte) + 1
    characters = len(data[line_start : line_start + column].decode("utf-8", errors="replace"))
    return f"{row + 1}:{characters + 1}"


def _check_body_end(data: bytes, method: Node) -> str | None:
    opening = next((c for c in method.children if c.type == "["), None)
    closing = None
    for child in method.children:
        if child.type == "]":
            closing = child
    if opening is None or closing is None:
        return None
    end = pharo_body_end(data, opening.start_byte)
    if end == closing.start_byte:
        return None
    reference = _first_of_type(method, "method_reference")
    label = _text(data, reference) if reference is not None else "method"
    if end is None:
        return f"{_where(data, opening)}: Pharo's Tonel reader finds no end for {label}"
    line = data.count(b"\n", 0, end) + 1
    return (
        f"{_where(data, opening)}: Pharo's Tonel reader would end {label} at line {line}, "
        f"not at line {closing.start_point.row + 1}"
    )


def pharo_body_end(data: bytes, opening: int) -> int | None:
    """Offset of the ``]`` where Pharo's Tonel scanner ends the body opened at ``opening``.

    Replays ``TonelSourceScanner``: count ``[``/``]``; skip ``'strings'`` and ``"comments"``
    (a doubled delimiter continues them), the character after ``$``, and literal arrays
    ``#( ... )`` with their nested parentheses.  None when the text ends first.
    """
    depth = 0
    index = opening
    size = len(data)
    previous = 0
    while index < size:
        char = data[index]
        if char == 0x5B:  # [
            depth += 1
        elif char == 0x5D:  # ]
            depth -= 1
            if depth == 0:
                return index
        elif char in (0x22, 0x27):  # " '
            index = _skip_delimited(data, index, char)
        elif char == 0x24:  # $
            index += 1
        elif char == 0x28 and previous == 0x23:  # #(
            index = _skip_literal_array(data, index)
        previous = data[index] if index < size else 0
        index += 1
    return None


def _skip_delimited(data: bytes, index: int, delimiter: int) -> int:
    """Index of the closing delimiter (a doubled one does not close)."""
    index += 1
    while index < len(data):
        if data[index] == delimiter:
            if index + 1 < len(data) and data[index + 1] == delimiter:
                index += 2
                continue
            return index
        index += 1
    return len(data)


def _skip_literal_array(data: bytes, index: int) -> int:
    depth = 1
    index += 1
    while index < len(data):
        char = data[index]
        if char == 0x24:
            index += 1
        elif char in (0x22, 0x27):
            index = _skip_delimited(data, index, char)
        elif char == 0x28:
            depth += 1
        elif char == 0x29:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return len(data)


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff from ``old`` to ``new`` labelled with ``path`` (empty when equal)."""
    import difflib

    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
