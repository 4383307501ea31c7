"""The primitives a plugin class exports, read from its methods without a parser library.

Loading a profile checks that each example calls a primitive the plugin exports, and loading
must stay fast: this module reads the method sources with a small tokenizer instead of the
full Smalltalk grammar that ``--lint`` uses (:mod:`wizard.slang.syntax`).  It names the same
primitives: an instance-side method with ``<export: true>`` among the pragmas at the start
of its body exports its selector's C name; a SmartSyntax directive statement
(``self primitive: 'name'``, with ``parameters:`` and ``receiver:``) exports ``name``; the
module hooks ``initialiseModule`` and ``shutdownModule`` are not primitives; a method whose
brackets, strings or comments do not close is skipped, as a method that does not parse is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wizard.slang.selectors import pattern_span

if TYPE_CHECKING:
    from wizard.profile.model import Plugin

MODULE_HOOKS = frozenset({"initialiseModule", "shutdownModule"})
DIRECTIVES = (
    ("primitive:",),
    ("primitive:", "parameters:"),
    ("primitive:", "parameters:", "receiver:"),
)

_TOKEN = re.compile(
    r"""
    (?P<blank>\s+)
  | (?P<comment>"[^"]*")
  | (?P<string>'(?:[^']|'')*')
  | (?P<symbol>\#(?:'(?:[^']|'')*'|(?:[A-Za-z_][A-Za-z0-9_]*:)+[A-Za-z_0-9:]*|[A-Za-z_][A-Za-z0-9_]*
        |[-+*/\\<>=~@%|&?,!]+))
  | (?P<open>\#?[(\[{])
  | (?P<close>[)\]}])
  | (?P<character>\$.)
  | (?P<number>-?[0-9][0-9A-Za-z]*(?:\.[0-9][0-9A-Za-z]*)?)
  | (?P<assign>:=)
  | (?P<keyword>[A-Za-z_][A-Za-z0-9_]*:(?!=))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<binary>[-+*/\\<>=~@%|&?,!]+)
  | (?P<special>[.;^:])
  | (?P<other>.)
    """,
    re.X | re.S,
)
_PAIRS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True)
class Token:
    """One token of a method body: its kind (a group name of the tokenizer) and text."""

    kind: str
    text: str


def tokens(source: str) -> list[Token] | None:
    """The tokens of ``source`` without blanks and comments; None when a string or a
    comment does not close, or the brackets do not pair."""
    found: list[Token] = []
    depth: list[str] = []
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or "other"
        text = match.group()
        if kind in ("blank", "comment"):
            continue
        if kind == "other":
            return None
        if kind == "open":
            depth.append(text[-1])
        elif kind == "close" and (not depth or depth.pop() != _PAIRS[text]):
            return None
        found.append(Token(kind, text))
    return None if depth else found


def exported_primitives(plugin: Plugin) -> list[str]:
    """The C names of the plugin's exported primitives, in method order, without repeats."""
    names: list[str] = []
    for method in plugin.methods:
        if method.is_class_side or not method.selector:
            continue
        name = exported_name(method.source)
        if name and name not in MODULE_HOOKS and name not in names:
            names.append(name)
    return names


def exported_name(source: str) -> str | None:
    """The primitive one instance-side method exports, or None."""
    span = pattern_span(source)
    if span is None:
        return None
    selector, end = span
    body = tokens(source[end:])
    if body is None:
        return None
    pragmas, statements = _split_body(body)
    for statement in statements:
        name = _directive_name(statement)
        if name is not None:
            return name
    export = [("keyword", "export:"), ("name", "true")]
    if any([(token.kind, token.text) for token in pragma] == export for pragma in pragmas):
        return c_function_name(selector)
    return None


def c_function_name(selector: str) -> str:
    """Slang's C name for a selector: colons dropped and, for keyword selectors, trailing
    underscores too (``strncpy:_:_:`` is ``strncpy``)."""
    name = selector.replace(":", "")
    if selector.endswith(":"):
        name = name.rstrip("_")
    return name


def _split_body(body: list[Token]) -> tuple[list[list[Token]], list[list[Token]]]:
    """The pragmas (their inner tokens) and temporaries at the start of a body, then the
    top-level statements."""
    pragmas: list[list[Token]] = []
    index = 0
    while index < len(body):
        token = body[index]
        if token.text == "<":
            close = _find(body, index + 1, ">")
            if close is None:
                break
            pragmas.append(body[index + 1 : close])
            index = close + 1
        elif token.text == "|":
            close = _find(body, index + 1, "|")
            if close is None:
                break
            index = close + 1
        elif token.text == "||":
            index += 1
        else:
            break
    return pragmas, list(_statements(body[index:]))


def _find(body: list[Token], start: int, text: str) -> int | None:
    return next((i for i in range(start, len(body)) if body[i].text == text), None)


def _statements(body: list[Token]) -> Iterable[list[Token]]:
    """The body's statements, split at the periods outside brackets."""
    statement: list[Token] = []
    depth = 0
    for token in body:
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth -= 1
        if depth == 0 and token.text == ".":
            yield statement
            statement = []
        else:
            statement.append(token)
    if statement:
        yield statement


def _directive_name(statement: list[Token]) -> str | None:
    """``self primitive: 'name' [parameters: … [receiver: …]]`` alone as a statement: the
    name is a string literal on its own (a keyword or the end follows it), no cascade."""
    if len(statement) < 3 or statement[0].text != "self" or statement[1].text != "primitive:":
        return None
    if statement[2].kind != "string":
        return None
    if len(statement) > 3 and statement[3].kind != "keyword":
        return None
    keywords = []
    depth = 0
    for token in statement[1:]:
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth -= 1
        elif depth == 0 and token.text == ";":
            return None
        elif depth == 0 and token.kind == "keyword":
            keywords.append(token.text)
    if tuple(keywords) not in DIRECTIVES or statement[-1].kind == "keyword":
        return None
    return statement[2].text[1:-1].replace("''", "'")


def module_name(plugin: Plugin) -> str:
    """The name VMMaker gives the plugin's C file and module: what the class-side
    ``moduleName`` answers when the class overrides it with a string (``^ 'ZipPlugin'``, as
    InflatePlugin does), the class name otherwise (InterpreterPlugin's own ``moduleName``)."""
    for method in plugin.methods:
        if not method.is_class_side or method.selector != "moduleName":
            continue
        span = pattern_span(method.source)
        body = tokens(method.source[span[1] :]) if span else None
        if body and [token.text for token in body[:1]] == ["^"] and len(body) in (2, 3):
            answer = body[1]
            if answer.kind == "string" and (len(body) == 2 or body[2].text == "."):
                name = answer.text[1:-1].replace("''", "'")
                if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                    return name
    return plugin.name
