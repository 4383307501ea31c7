"""Parse and lint the Slang methods of a plugin before they go into a pharo-vm checkout.

A plugin that VMMaker cannot translate fails late and quietly: the class does not load, or
VMMaker drops the plugin (its ``internal:external:`` skips a class it cannot build, with no
error), or the primitive simply fails in the image (pharo-vm issue #1028: a plugin that did
not compile showed only as a failing primitive).  So the wizard checks what it can before
writing anything:

* every method parses as a Pharo method (tree-sitter-pharo), with line and column;
* each method has a pattern line, and no selector is defined twice on one side;
* the class name is a valid class name, its instance variables do not redefine those of
  ``InterpreterPlugin`` / ``SmartSyntaxInterpreterPlugin``, and its superclass is a plugin
  class of the checkout (when the caller gives that list);
* every message sent to ``interpreterProxy`` is defined by the checkout's
  ``InterpreterProxy`` (when the caller gives that API), with a "did you mean";
* SmartSyntax directives (``self primitive: 'x' parameters: #(...)``) name as many
  parameter types as the method has arguments.

Errors stop the step, warnings do not.  All checks run on the profile's sources, so line
and column are 1-based within the method's own source (line 1 is the pattern line).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

import tree_sitter_pharo
from tree_sitter import Language, Node, Parser, Query, QueryCursor

from wizard.formats.proxy_api import suggest
from wizard.profile.model import Plugin
from wizard.slang.selectors import argument_count

CLASS_NAME = re.compile(r"^[A-Z][A-Za-z0-9]{0,63}$")
PROXY = "interpreterProxy"
#: Instance variables every plugin inherits from InterpreterPlugin.
INHERITED_VARIABLES = ("interpreterProxy", "moduleName", "translatedMethodCache")
#: ... and the one SmartSyntaxInterpreterPlugin adds.
SMART_SYNTAX_VARIABLES = ("simulator",)
#: Exported, but module hooks the VM calls itself, not primitives the image calls.
MODULE_HOOKS = frozenset({"initialiseModule", "shutdownModule"})
#: Keyword arguments that hold simulation-only code, which Slang does not translate.
SIMULATION_KEYWORDS = frozenset({"inSmalltalk:", "simulationOnly:"})
#: The root of the plugin classes: it inherits no plugin variables and has no plugin superclass.
PLUGIN_ROOT = "InterpreterPlugin"
#: Bidirectional controls ("Trojan Source"): the order a reader sees is not the order compiled.
BIDI_CONTROLS = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_DIRECTIVES = (
    ("primitive:",),
    ("primitive:", "parameters:"),
    ("primitive:", "parameters:", "receiver:"),
)


@dataclass(frozen=True)
class Diagnostic:
    """One finding: ``severity`` is "error" or "warning"; ``method`` the selector, "" for the class."""

    severity: str
    method: str
    line: int
    column: int
    message: str
    side: str = "instance"

    def __str__(self) -> str:
        if not self.method:
            return f"{self.severity}: {self.message}"
        name = f"class>>{self.method}" if self.side == "class" else self.method
        return f"{name}:{self.line}:{self.column}: {self.severity}: {self.message}"


# --------------------------------------------------------------------------- tree-sitter


@functools.cache
def _language() -> Language:
    return Language(tree_sitter_pharo.language())


@functools.cache
def _parser() -> Parser:
    return Parser(_language())


_SEND_QUERY = """
(unary_message receiver: (identifier) @r) @send
(binary_message receiver: (identifier) @r) @send
(keyword_message receiver: (identifier) @r) @send
(unary_message receiver: (parenthesized_expression . (identifier) @r .)) @send
(binary_message receiver: (parenthesized_expression . (identifier) @r .)) @send
(keyword_message receiver: (parenthesized_expression . (identifier) @r .)) @send
(cascade receiver: (_ receiver: (identifier) @r)) @cascade
(cascade receiver: (_ receiver: (parenthesized_expression . (identifier) @r .))) @cascade
"""


@functools.cache
def _send_query() -> Query:
    query: Query = Query(_language(), _SEND_QUERY)  # tree-sitter's stub: Any before 3.11
    return query


def _parse(source: str) -> tuple[bytes, Node]:
    data = source.encode("utf-8")
    return data, _parser().parse(data).root_node


# --------------------------------------------------------------------------- parsing


def _syntax(data: bytes, root: Node, selector: str, side: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    _collect(data, root, selector, side, found)
    methods = [c for c in root.named_children if c.type == "method"]
    if not found and len(methods) != 1:
        what = "no method" if not methods else f"{len(methods)} methods"
        found.append(
            Diagnostic("error", selector, 1, 1, f"expected one method, found {what}", side)
        )
    return found


def _collect(data: bytes, node: Node, selector: str, side: str, found: list[Diagnostic]) -> None:
    if len(found) >= 10:
        return
    if node.is_missing:
        line, column = _position(data, node)
        found.append(
            Diagnostic(
                "error", selector, line, column, f"syntax error: missing {node.type!r}", side
            )
        )
        return
    if node.is_error:
        line, column = _position(data, node)
        snippet = data[node.start_byte : node.end_byte].decode("utf-8", "replace")
        snippet = snippet.strip().split("\n")[0][:40]
        found.append(
            Diagnostic("error", selector, line, column, f"syntax error at {snippet!r}", side)
        )
        return
    for child in node.children:
        if child.has_error or child.is_missing:
            _collect(data, child, selector, side, found)


def _position(data: bytes, node: Node) -> tuple[int, int]:
    """1-based line and character column of a node (tree-sitter counts bytes)."""
    row, column = node.start_point
    start = node.start_byte - column
    return row + 1, len(data[start : node.start_byte].decode("utf-8", "replace")) + 1


# --------------------------------------------------------------------------- lint


def lint(
    plugin: Plugin,
    proxy_api: Mapping[str, int] | None,
    plugin_classes: Collection[str] | None,
) -> list[Diagnostic]:
    """Every problem found in ``plugin``, class-level first, then method by method.

    ``proxy_api`` (selector -> argument count; build it with
    :func:`wizard.formats.proxy_api.understood_by_proxy`) enables the ``interpreterProxy``
    checks, which skip ``<doNotGenerate>`` methods and simulation-only code (``inSmalltalk:``
    and ``simulationOnly:`` arguments).  ``plugin_classes`` (InterpreterPlugin and its
    subclasses in the checkout) enables the superclass check.  With both None only the
    syntax and structure checks run.
    """
    found = _lint_class(plugin, plugin_classes)
    found.extend(_invisible_in_class(plugin))
    simulation = is_simulation_only(plugin)
    if simulation and proxy_api is not None:
        proxy_api = None
        found.append(
            Diagnostic(
                "warning",
                "",
                0,
                0,
                f"{plugin.name} class >> shouldBeTranslated answers false: VMMaker never "
                f"translates this class (a simulator), so its {PROXY} sends are not checked",
            )
        )
    seen: set[tuple[str, str]] = set()
    exported = 0
    unparsed = 0
    for method in plugin.methods:
        side = "class" if method.is_class_side else "instance"
        data, root = _parse(method.source)
        selector = method.selector or _parsed_selector(data, root)
        found.extend(_invisible_in_method(method.source, selector, side))
        if not selector:
            found.append(
                Diagnostic(
                    "error", "", 1, 1, f"an {side}-side method has no pattern line (selector)", side
                )
            )
            continue
        if (side, selector) in seen:
            found.append(
                Diagnostic(
                    "error", selector, 1, 1, f"{side}-side {selector} is defined twice", side
                )
            )
        seen.add((side, selector))
        if method.protocol is not None and ("'" in method.protocol or "\\" in method.protocol):
            found.append(
                Diagnostic(
                    "error",
                    selector,
                    1,
                    1,
                    f"protocol {method.protocol!r} contains ' or \\, which the wizard cannot "
                    "check in a Tonel file; choose another protocol name",
                    side,
                )
            )
        syntax = _syntax(data, root, selector, side)
        found.extend(syntax)
        if syntax:
            unparsed += 1
            continue
        body = _method_body(root)
        if proxy_api is not None and not _has_pragma(data, body, "doNotGenerate"):
            found.extend(_proxy_sends(data, root, selector, side, proxy_api))
        directive = _directive(data, body) if body is not None else None
        if directive is not None:
            found.extend(_check_directive(data, directive, selector, side, plugin))
        if side == "instance" and (directive is not None or _has_export(data, body)):
            exported += 1
    if not exported and not unparsed and not simulation and plugin.name != PLUGIN_ROOT:
        found.append(
            Diagnostic(
                "warning",
                "",
                0,
                0,
                "no method is exported (<export: true> or self primitive: '...'): "
                "the image will find no primitive in this plugin",
            )
        )
    return found


def _lint_class(plugin: Plugin, plugin_classes: Collection[str] | None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if not CLASS_NAME.match(plugin.name):
        found.append(
            Diagnostic(
                "error",
                "",
                0,
                0,
                f"{plugin.name!r} is not a class name: a capital letter, then up to 63 letters "
                "and digits",
            )
        )
    is_root = plugin.name == PLUGIN_ROOT
    if plugin_classes is not None and plugin.superclass not in plugin_classes and not is_root:
        import difflib

        close = difflib.get_close_matches(plugin.superclass, list(plugin_classes), n=1)
        hint = f" — did you mean {close[0]}?" if close else ""
        found.append(
            Diagnostic(
                "error",
                "",
                0,
                0,
                f"superclass {plugin.superclass} is not InterpreterPlugin or one of its "
                f"subclasses in this checkout{hint}",
            )
        )
    inherited: tuple[str, ...] = () if is_root else INHERITED_VARIABLES
    if plugin.superclass == "SmartSyntaxInterpreterPlugin":
        inherited += SMART_SYNTAX_VARIABLES
    seen: set[str] = set()
    for variable in plugin.instance_variables:
        if variable in inherited:
            found.append(
                Diagnostic(
                    "error",
                    "",
                    0,
                    0,
                    f"instance variable {variable} is already defined by a superclass",
                )
            )
        elif variable in seen:
            found.append(
                Diagnostic("error", "", 0, 0, f"instance variable {variable} is declared twice")
            )
        seen.add(variable)
    return found


def is_simulation_only(plugin: Plugin) -> bool:
    """Whether the class says VMMaker never translates it: its class side has
    ``shouldBeTranslated`` answering the literal ``false`` (the simulators of pharo-vm do)."""
    for method in plugin.methods:
        if not method.is_class_side or method.selector != "shouldBeTranslated":
            continue
        data, root = _parse(method.source)
        body = _method_body(root)
        if root.has_error or body is None:
            return False
        statements = [c for c in body.named_children if c.type == "statement"]
        if len(statements) != 1 or not statements[0].named_children:
            return False
        returned = statements[0].named_children[0]
        return returned.type == "return" and [c.type for c in returned.named_children] == ["false"]
    return False


# --------------------------------------------------------------------------- invisible text


def invisible_characters(text: str) -> Iterator[tuple[int, int, str]]:
    """(line, column, description) of each invisible format character in ``text``, 1-based.

    Bidirectional controls (U+202A–U+202E, U+2066–U+2069) and every other character of
    Unicode category Cf (U+200B ZERO WIDTH SPACE, U+FEFF, U+00AD…): text a reviewer reads
    and text the compiler reads must be the same text.
    """
    if text.isascii():
        return
    for number, line in enumerate(text.split("\n"), start=1):
        for column, char in enumerate(line, start=1):
            if unicodedata.category(char) == "Cf":
                yield number, column, _describe(char)


def _describe(char: str) -> str:
    name = unicodedata.name(char, "unnamed")
    kind = (
        "a bidirectional control" if ord(char) in BIDI_CONTROLS else "an invisible format character"
    )
    return f"U+{ord(char):04X} {name}, {kind}"


_INVISIBLE_WHY = "what a reviewer reads is not what is compiled; remove it"


def _invisible_in_method(source: str, selector: str, side: str) -> list[Diagnostic]:
    return [
        Diagnostic("error", selector or "?", line, column, f"{what}: {_INVISIBLE_WHY}", side)
        for line, column, what in invisible_characters(source)
    ]


def _invisible_in_class(plugin: Plugin) -> list[Diagnostic]:
    """Invisible characters in the class comment, the protocols and the examples."""
    texts: list[tuple[str, str]] = [("the class comment", plugin.comment or "")]
    texts += [(f"the protocol of {m.selector or '?'}", m.protocol or "") for m in plugin.methods]
    for index, example in enumerate(plugin.examples):
        for item in dataclasses.fields(example):
            value = getattr(example, item.name)
            values = value if isinstance(value, tuple) else (value,)
            for position, text in enumerate(values):
                where = f"[{position}]" if isinstance(value, tuple) else ""
                texts.append((f"examples[{index}].{item.name}{where}", str(text)))
    return [
        Diagnostic(
            "error", "", 0, 0, f"{what_of}, line {line}, column {column}: {what}: {_INVISIBLE_WHY}"
        )
        for what_of, text in texts
        for line, column, what in invisible_characters(text)
    ]


def _parsed_selector(data: bytes, root: Node) -> str:
    """The selector of the parsed pattern ("" when there is none)."""
    for child in root.named_children:
        if child.type != "method" or not child.named_children:
            continue
        pattern = child.named_children[0]
        if pattern.type == "keyword_selector":
            return "".join(_text(data, k) for k in pattern.children if k.type == "keyword")
        if pattern.type in ("unary_selector", "binary_selector"):
            return _text(data, pattern.children[0]) if pattern.children else ""
    return ""


def _method_body(root: Node) -> Node | None:
    for child in root.named_children:
        if child.type == "method":
            for part in child.named_children:
                if part.type == "method_body":
                    return part
    return None


def _sends(data: bytes, root: Node) -> Iterator[tuple[str, Node]]:
    """(selector, node to point at) for each send to ``interpreterProxy``, in source order."""
    captures = QueryCursor(_send_query()).captures(root)
    receivers = {node.id for node in captures.get("r", []) if _text(data, node) == PROXY}
    if not receivers:
        return
    results: list[tuple[int, str, Node]] = []
    for send in captures.get("send", []):
        receiver = _receiver_identifier(send)
        if receiver is not None and receiver.id in receivers and not _simulation_only(data, send):
            selector, at = _selector_of_send(data, send)
            results.append((at.start_byte, selector, at))
    for cascade in captures.get("cascade", []):
        first = cascade.child_by_field_name("receiver")
        receiver = _receiver_identifier(first) if first is not None else None
        if receiver is None or receiver.id not in receivers or _simulation_only(data, cascade):
            continue
        for part in cascade.named_children:
            if part.type.startswith("cascaded_"):
                selector, at = _selector_of_send(data, part)
                results.append((at.start_byte, selector, at))
    for _, selector, at in sorted(results, key=lambda item: item[0]):
        yield selector, at


def _simulation_only(data: bytes, node: Node) -> bool:
    """Whether ``node`` lies in an ``inSmalltalk:`` or ``simulationOnly:`` argument."""
    child = node
    parent = node.parent
    while parent is not None:
        previous = child.prev_sibling if parent.type == "keyword_message" else None
        if (
            previous is not None
            and previous.type == "keyword"
            and _text(data, previous) in SIMULATION_KEYWORDS
        ):
            return True
        child = parent
        parent = parent.parent
    return False


def _receiver_identifier(send: Node) -> Node | None:
    receiver = send.child_by_field_name("receiver")
    while receiver is not None and receiver.type == "parenthesized_expression":
        inner = receiver.named_children
        receiver = inner[0] if len(inner) == 1 else None
    return receiver if receiver is not None and receiver.type == "identifier" else None


def _selector_of_send(data: bytes, send: Node) -> tuple[str, Node]:
    keywords = [c for c in send.children if c.type == "keyword"]
    if keywords:
        return "".join(_text(data, k) for k in keywords), keywords[0]
    for child in send.children:
        if child.type in ("unary_identifier", "binary_operator"):
            return _text(data, child), child
    return _text(data, send), send


def _proxy_sends(
    data: bytes, root: Node, selector: str, side: str, proxy_api: Mapping[str, int]
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for sent, node in _sends(data, root):
        line, column = _position(data, node)
        arguments = argument_count(sent)
        if sent not in proxy_api:
            options = suggest(sent, proxy_api)
            hint = f" — did you mean {' or '.join(options)}?" if options else ""
            message = f"{PROXY} does not understand {sent}{hint}"
            found.append(Diagnostic("error", selector, line, column, message, side))
        elif proxy_api[sent] != arguments:
            message = f"{PROXY} {sent} takes {proxy_api[sent]} arguments, not {arguments}"
            found.append(Diagnostic("error", selector, line, column, message, side))
    return found


# --------------------------------------------------------------------------- SmartSyntax


@dataclass(frozen=True)
class _Directive:
    node: Node
    name: str
    parameters: Node | None


def _directive(data: bytes, body: Node) -> _Directive | None:
    """The SmartSyntax ``self primitive: 'name' ...`` statement of a method body, if any."""
    for statement in body.named_children:
        if statement.type != "statement" or not statement.named_children:
            continue
        send = statement.named_children[0]
        if send.type != "keyword_message":
            continue
        receiver = send.child_by_field_name("receiver")
        if receiver is None or receiver.type != "self":
            continue
        arguments = _keyword_arguments(data, send)
        if tuple(arguments) not in _DIRECTIVES:
            continue
        name = arguments["primitive:"]
        if name is None or name.type != "string":
            continue
        return _Directive(send, _unquote(_text(data, name)), arguments.get("parameters:"))
    return None


def _keyword_arguments(data: bytes, send: Node) -> dict[str, Node | None]:
    arguments: dict[str, Node | None] = {}
    children = send.children
    for index, child in enumerate(children):
        if child.type == "keyword":
            following = children[index + 1] if index + 1 < len(children) else None
            arguments[_text(data, child)] = following
    return arguments


def _check_directive(
    data: bytes, directive: _Directive, selector: str, side: str, plugin: Plugin
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    line, column = _position(data, directive.node)
    if plugin.superclass == "InterpreterPlugin":
        found.append(
            Diagnostic(
                "warning",
                selector,
                line,
                column,
                "self primitive: ... is SmartSyntax; InterpreterPlugin does not understand it "
                "(use SmartSyntaxInterpreterPlugin as superclass)",
                side,
            )
        )
    parameters = directive.parameters
    if parameters is not None and parameters.type == "literal_array":
        count = len(parameters.named_children)
        wanted = argument_count(selector)
        if count != wanted:
            found.append(
                Diagnostic(
                    "error",
                    selector,
                    *_position(data, parameters),
                    f"parameters: lists {count} type{'s' if count != 1 else ''} but "
                    f"{selector} takes {wanted} argument{'s' if wanted != 1 else ''}",
                    side,
                )
            )
    return found


def _has_export(data: bytes, body: Node | None) -> bool:
    """Whether the method body has ``<export: true>``."""
    for selector in _pragmas(body):
        if selector.type != "pragma_keyword_selector":
            continue
        arguments = _keyword_arguments(data, selector)
        value = arguments.get("export:")
        if len(arguments) == 1 and value is not None and value.type == "true":
            return True
    return False


def _has_pragma(data: bytes, body: Node | None, unary: str) -> bool:
    """Whether the method body has the unary pragma ``<unary>``."""
    return any(
        selector.type == "pragma_unary_selector" and _text(data, selector).strip() == unary
        for selector in _pragmas(body)
    )


def _pragmas(body: Node | None) -> Iterator[Node]:
    if body is None:
        return
    for pragma in body.named_children:
        if pragma.type == "pragma":
            yield from pragma.named_children


def c_function_name(selector: str) -> str:
    """Slang's C name for a selector: colons dropped and, for keyword selectors, trailing
    underscores too (``CCodeGenerator >> cSelectorName:``; so ``strncpy:_:_:`` is ``strncpy``)."""
    name = selector.replace(":", "")
    if selector.endswith(":"):
        name = name.rstrip("_")
    return name


def exported_primitives(plugin: Plugin) -> list[str]:
    """The C names of the plugin's exported primitives, in method order, without repeats.

    An instance-side method counts when it has ``<export: true>`` (named by
    :func:`c_function_name` of its selector) or a SmartSyntax directive (named by the
    directive's string, which wins over the selector).  ``initialiseModule`` and
    ``shutdownModule`` are exported hooks, not primitives, and are left out.  Methods that
    do not parse are skipped.
    """
    names: list[str] = []
    for method in plugin.methods:
        if method.is_class_side or not method.selector:
            continue
        data, root = _parse(method.source)
        if root.has_error:
            continue
        body = _method_body(root)
        if body is None:
            continue
        directive = _directive(data, body)
        if directive is not None:
            name = directive.name
        elif _has_export(data, body):
            name = c_function_name(method.selector)
        else:
            continue
        if name not in MODULE_HOOKS and name not in names:
            names.append(name)
    return names


def _text(data: bytes, node: Node) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _unquote(literal: str) -> str:
    if len(literal) >= 2 and literal[0] == literal[-1] == "'":
        return literal[1:-1].replace("''", "'")
    return literal
