"""Parsing and linting Slang methods."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wizard.formats.proxy_api import proxy_selectors, understood_by_proxy
from wizard.profile.model import Method, Plugin
from wizard.slang.selectors import selector_of_pattern
from wizard.slang.syntax import (
    Diagnostic,
    _parse,
    _position,
    _sends,
    _syntax,
    c_function_name,
    exported_primitives,
    lint,
)


def parse_errors(source: str) -> list[Diagnostic]:
    """Syntax errors in one method source, as ``lint`` finds them (1-based line, column)."""
    data, root = _parse(source)
    return _syntax(data, root, selector_of_pattern(source) or "", "instance")


def proxy_sends(source: str) -> list[tuple[str, int, int]]:
    """Every send to ``interpreterProxy``, as ``lint`` finds them: (selector, line, column)."""
    data, root = _parse(source)
    return [(sel, *_position(data, node)) for sel, node in _sends(data, root)]


# A few methods in the shape of smalltalksrc/VMMaker/InterpreterProxy.class.st.
PROXY_TEXT = "".join(
    f"{{ #category : 'x' }}\nInterpreterProxy >> {pattern} [\n\t^ nil\n]\n\n"
    for pattern in (
        "pop: nItems thenPush: oop",
        "stringForCString: aCString",
        "classString",
        "instantiateClass: classPointer indexableSize: size",
        "firstIndexableField: oop",
        "stackValue: offset",
        "primitiveFail",
    )
)
PROXY = proxy_selectors(PROXY_TEXT)
PLUGIN_CLASSES = {"InterpreterPlugin", "SmartSyntaxInterpreterPlugin", "FloatArrayPlugin"}

MODULE_NAME_AND_VERSION = Method(
    "moduleNameAndVersion\n\t^ self moduleName , Character space asString , Date today asString\n",
    side="class",
)
# The article's primitive: it sends stringFromCString: to interpreterProxy, which has none.
ARTICLE_PRIMITIVE = Method(
    "primitiveGetHelloString\n"
    "\t<export: true>\n"
    "\tinterpreterProxy\n"
    "\t\tpop: 1\n"
    "\t\tthenPush: (interpreterProxy stringFromCString: 'Hello from your HelloWorldPlugin.')\n"
)
HELPER = Method(
    "stringFromCString: aCString\n"
    '\t"Answer a new String copied from a null-terminated C string."\n'
    "\t<var: #aCString type: #'const char *'>\n"
    "\t| len newString |\n"
    "\tlen := self strlen: aCString.\n"
    "\tnewString := interpreterProxy\n"
    "\t\tinstantiateClass: interpreterProxy classString\n"
    "\t\tindexableSize: len.\n"
    "\tself strncpy: (interpreterProxy firstIndexableField: newString) _: aCString _: len.\n"
    "\t^ newString\n",
    protocol="private",
)
ARTICLE = Plugin(
    name="HelloWorldPlugin",
    methods=(MODULE_NAME_AND_VERSION, ARTICLE_PRIMITIVE, HELPER),
)
CORRECTED = replace(
    ARTICLE,
    methods=(
        MODULE_NAME_AND_VERSION,
        Method(ARTICLE_PRIMITIVE.source.replace("(interpreterProxy string", "(self string")),
        HELPER,
    ),
)


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]


def test_article_plugin_has_exactly_the_string_from_c_string_error() -> None:
    found = lint(ARTICLE, PROXY, PLUGIN_CLASSES)
    [error] = errors(found)
    assert "stringFromCString:" in error.message
    assert "stringForCString:" in error.message
    assert (error.method, error.line, error.column) == ("primitiveGetHelloString", 5, 31)
    assert str(error) == (
        "primitiveGetHelloString:5:31: error: interpreterProxy does not understand "
        "stringFromCString: — did you mean stringForCString:?"
    )
    assert found == [error]


def test_corrected_article_plugin_is_clean() -> None:
    assert lint(CORRECTED, PROXY, PLUGIN_CLASSES) == []
    assert lint(CORRECTED, understood_by_proxy(PROXY_TEXT), PLUGIN_CLASSES) == []


def test_without_proxy_api_only_syntax_is_checked() -> None:
    assert lint(ARTICLE, None, None) == []
    broken = replace(ARTICLE, methods=(Method("primitiveBroken\n\t^ (1 + 2\n"),))
    [error] = lint(broken, None, None)
    assert (error.method, error.line) == ("primitiveBroken", 2)
    assert "missing" in error.message


def test_parse_errors_line_and_column() -> None:
    assert parse_errors(HELPER.source) == []
    [error] = parse_errors("foo\n\t| a |\n\ta := 3 +.\n\t^ a\n")
    assert (error.severity, error.method, error.line, error.column) == ("error", "foo", 3, 9)
    assert str(error).startswith("foo:3:9: error: syntax error")


def test_parse_errors_count_characters_not_bytes() -> None:
    [error] = parse_errors("foo\n\t^ 'é' , 3 +.\n")
    assert (error.line, error.column) == (2, 12)  # the + is the 13th byte


def test_pragma_after_a_statement_is_a_syntax_error() -> None:
    assert parse_errors("foo\n\tself bar.\n\t<export: true>\n") != []


def test_two_methods_in_one_source_is_an_error() -> None:
    assert parse_errors("foo\n\t^ 1\n\nbar\n\t^ 2\n") != []


def test_sends_in_cascades_and_parentheses_are_checked() -> None:
    source = (
        "primitiveCascade\n"
        "\t<export: true>\n"
        "\tinterpreterProxy pop: 1; pushBool: true; primitiveFial.\n"
        "\t(interpreterProxy) stackValu: 0.\n"
        "\t^ (interpreterProxy stackValue: 0) foo: 1\n"
    )
    assert [s[0] for s in proxy_sends(source)] == [
        "pop:",
        "pushBool:",
        "primitiveFial",
        "stackValu:",
        "stackValue:",
    ]
    plugin = Plugin(name="CascadePlugin", methods=(Method(source),))
    messages = [d.message for d in errors(lint(plugin, PROXY, None))]
    assert len(messages) == 4
    assert "does not understand pop:" in messages[0]
    assert "does not understand pushBool:" in messages[1]
    assert "primitiveFial — did you mean primitiveFail?" in messages[2]
    assert "stackValu: — did you mean stackValue:?" in messages[3]


def test_cascade_on_a_message_result_is_not_a_proxy_send() -> None:
    source = "foo\n\t(interpreterProxy stackValue: 0) bar; baz\n"
    assert [s[0] for s in proxy_sends(source)] == ["stackValue:"]
    source = "foo\n\tinterpreterProxy classString size; yourself\n"
    assert [s[0] for s in proxy_sends(source)] == ["classString"]


def test_simulation_only_code_is_not_checked() -> None:
    source = (
        "primitiveSim\n"
        "\t<export: true>\n"
        "\tself cCode: [interpreterProxy primitiveFail]\n"
        "\t\tinSmalltalk: [interpreterProxy storeByte: 1 ofObject: 2 withValue: 3].\n"
        "\tself simulationOnly: [interpreterProxy coInterpreter]\n"
    )
    plugin = Plugin(name="SimPlugin", methods=(Method(source),))
    assert lint(plugin, PROXY, None) == []
    not_generated = Method("helper\n\t<doNotGenerate>\n\t^ interpreterProxy coInterpreter\n")
    plugin = replace(plugin, methods=(Method(source), not_generated))
    assert lint(plugin, PROXY, None) == []


def test_kernel_selectors_are_understood_with_the_full_api() -> None:
    source = "primitiveK\n\t<export: true>\n\t^ interpreterProxy cCoerce: 0 to: #int\n"
    plugin = Plugin(name="KPlugin", methods=(Method(source),))
    assert errors(lint(plugin, PROXY, None)) != []
    assert lint(plugin, understood_by_proxy(PROXY_TEXT), None) == []


def test_argument_count_mismatch_with_the_api() -> None:
    source = "primitiveA\n\t<export: true>\n\t^ interpreterProxy classString\n"
    plugin = Plugin(name="APlugin", methods=(Method(source),))
    [error] = lint(plugin, {"classString": 1}, None)
    assert "takes 1 arguments, not 0" in error.message


def test_class_level_checks() -> None:
    plugin = Plugin(
        name="helloPlugin",
        superclass="SmartSyntaxInterpreterPlugn",
        instance_variables=("interpreterProxy", "simulator", "count", "count"),
        methods=(CORRECTED.methods[1],),
    )
    messages = [str(d) for d in lint(plugin, PROXY, PLUGIN_CLASSES)]
    assert messages == [
        "error: 'helloPlugin' is not a class name: a capital letter, then up to 63 letters and digits",
        "error: superclass SmartSyntaxInterpreterPlugn is not InterpreterPlugin or one of its "
        "subclasses in this checkout — did you mean SmartSyntaxInterpreterPlugin?",
        "error: instance variable interpreterProxy is already defined by a superclass",
        "error: instance variable count is declared twice",
    ]
    plain = replace(
        plugin,
        name="HelloPlugin",
        superclass="InterpreterPlugin",
        instance_variables=("simulator",),
    )
    assert lint(plain, PROXY, PLUGIN_CLASSES) == []


def test_duplicate_selectors_per_side() -> None:
    again = Method("primitiveGetHelloString\n\t<export: true>\n\t^ 4\n")
    class_side = Method("primitiveGetHelloString\n\t^ 5\n", side="class")
    plugin = replace(CORRECTED, methods=(*CORRECTED.methods, again, class_side))
    [error] = errors(lint(plugin, PROXY, PLUGIN_CLASSES))
    assert error.message == "instance-side primitiveGetHelloString is defined twice"


def test_method_without_pattern_line() -> None:
    plugin = replace(CORRECTED, methods=(*CORRECTED.methods, Method("   \n\n")))
    [error] = errors(lint(plugin, PROXY, PLUGIN_CLASSES))
    assert "no pattern line" in error.message


def test_protocol_the_tonel_grammar_cannot_check_is_an_error() -> None:
    method = Method("primitiveQ\n\t<export: true>\n", protocol="Gen'l prims")
    [error] = errors(lint(Plugin(name="QPlugin", methods=(method,)), None, None))
    assert "protocol" in error.message


def test_plugin_without_exports_gets_a_warning() -> None:
    plugin = Plugin(name="QuietPlugin", methods=(HELPER,))
    [warning] = lint(plugin, PROXY, None)
    assert warning.severity == "warning"
    assert "no method is exported" in str(warning)


def test_smart_syntax_directive_parameter_count() -> None:
    good = Method(
        "primitiveFile: srcName copyTo: dstName\n"
        "\t| ok |\n"
        "\tself primitive: 'primitiveFileCopyNamedTo'\n"
        "\t\tparameters: #(String String).\n"
        "\tok := true\n"
    )
    bad = Method(
        "primitiveScale: x\n\tself primitive: 'primitiveScale' parameters: #(Float Float).\n\t^ x\n"
    )
    plugin = Plugin(name="SmartPlugin", methods=(good, bad))
    [error] = errors(lint(plugin, PROXY, None))
    assert (error.method, error.line, error.column) == ("primitiveScale:", 2, 47)
    assert error.message == "parameters: lists 2 types but primitiveScale: takes 1 argument"


def test_smart_syntax_directive_on_a_plain_interpreter_plugin_warns() -> None:
    method = Method("primitiveX\n\tself primitive: 'primitiveX'.\n\t^ 3 asOop: SmallInteger\n")
    plugin = Plugin(name="PlainPlugin", superclass="InterpreterPlugin", methods=(method,))
    [warning] = lint(plugin, PROXY, PLUGIN_CLASSES)
    assert warning.severity == "warning"
    assert "SmartSyntaxInterpreterPlugin" in warning.message


def test_c_function_name() -> None:
    assert c_function_name("primitiveGetHelloString") == "primitiveGetHelloString"
    assert c_function_name("primitiveAt:put:") == "primitiveAtput"
    assert c_function_name("strncpy:_:_:") == "strncpy"
    assert c_function_name("with_underscore_") == "with_underscore_"


def test_exported_primitives() -> None:
    methods = (
        Method("moduleName\n\t<export: true>\n\t^ 'X'\n", side="class"),
        Method("initialiseModule\n\t<export: true>\n\t^ true\n"),
        Method("primitiveGetHelloString\n\t<export: true>\n\t^ 3\n"),
        Method("primitiveAt: i put: v\n\t<export: true>\n\t^ v\n"),
        Method("printf: f _: a\n\t<export: true>\n\t^ a\n"),
        Method("helper\n\t<export: false>\n\t^ 3\n"),
        Method(
            "primImageHeight: s\n\t<export: true>\n\tself primitive: 'primImageHeight' parameters: #(ByteArray).\n\t^ 3\n"
        ),
        Method(
            "primName\n\tself primitive: 'primGetModuleName' parameters: #() receiver: #Oop.\n\t^ 3\n"
        ),
        Method("primAgain\n\tself primitive: 'primitiveGetHelloString'\n"),
        Method("broken\n\t<export: true>\n\t^ (\n"),
        Method("notDirective\n\tself primitive: #notAString.\n\t^ 1\n"),
    )
    plugin = Plugin(name="ExportPlugin", methods=methods)
    assert exported_primitives(plugin) == [
        "primitiveGetHelloString",
        "primitiveAtput",
        "printf",
        "primImageHeight",
        "primGetModuleName",
    ]
    assert exported_primitives(CORRECTED) == ["primitiveGetHelloString"]


def test_diagnostic_str_for_class_side_and_class_level() -> None:
    assert str(Diagnostic("warning", "moduleName", 2, 3, "m", "class")) == (
        "class>>moduleName:2:3: warning: m"
    )
    assert str(Diagnostic("error", "", 0, 0, "bad")) == "error: bad"


@pytest.mark.parametrize("count", [500])
def test_lint_of_a_large_plugin_finds_nothing_wrong(count: int) -> None:
    """500 methods lint clean; how fast is measured by ``bench/profile-scale``, not here."""
    methods = tuple(
        Method(
            f"primitive{i}: a with: b\n"
            "\t<export: true>\n"
            "\t| x |\n"
            "\tx := interpreterProxy stackValue: 0.\n"
            "\t(interpreterProxy firstIndexableField: x) at: 0 put: a.\n"
            "\tinterpreterProxy pop: 1 thenPush: (interpreterProxy stringForCString: 'done').\n"
            "\t^ [:y | y + b] value: a\n"
        )
        for i in range(count)
    )
    plugin = Plugin(name="BigPlugin", methods=methods)
    assert lint(plugin, PROXY, PLUGIN_CLASSES) == []


# --------------------------------------------------------------------------- invisible text

TROJAN = Method(
    "primitiveCheck\n"
    "\t<export: true>\n"
    '\t"Check the user.\u202e } if (isAdmin) { \u2066"\n'
    "\t^ interpreterProxy primitiveFail\n"
)


@pytest.mark.parametrize(
    ("char", "words"),
    [
        ("\u202a", "U+202A LEFT-TO-RIGHT EMBEDDING, a bidirectional control"),
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE, a bidirectional control"),
        ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE, a bidirectional control"),
        ("\u2069", "U+2069 POP DIRECTIONAL ISOLATE, a bidirectional control"),
        ("\u200b", "U+200B ZERO WIDTH SPACE, an invisible format character"),
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE, an invisible format character"),
    ],
)
def test_invisible_characters_in_a_method_are_errors_naming_method_and_line(char, words) -> None:
    method = Method(f"primitiveCheck\n\t<export: true>\n\t^ 'a{char}b'\n")
    found = errors(lint(Plugin(name="TrojanPlugin", methods=(method,)), PROXY, PLUGIN_CLASSES))
    [error] = found
    assert (error.method, error.line, error.column) == ("primitiveCheck", 3, 6)
    assert words in error.message


def test_trojan_source_in_a_comment_is_reported_at_each_control() -> None:
    found = errors(lint(Plugin(name="TrojanPlugin", methods=(TROJAN,)), PROXY, PLUGIN_CLASSES))
    assert [(e.method, e.line, e.column) for e in found] == [
        ("primitiveCheck", 3, 18),
        ("primitiveCheck", 3, 37),
    ]


def test_invisible_characters_in_comment_protocol_and_examples_are_errors() -> None:
    from wizard.formats.try_protocol import Example

    plugin = Plugin(
        name="TrojanPlugin",
        comment="First line.\nSecond\u200b line.",
        methods=(
            Method("primitiveAnswer\n\t<export: true>\n\t^ 42\n", protocol="prim\u202eitives"),
        ),
        examples=(Example("primitiveAnswer", "42", ("'a\u2067'",)),),
    )
    found = [str(e) for e in errors(lint(plugin, PROXY, PLUGIN_CLASSES))]
    assert any(e.startswith("error: the class comment, line 2, column 7: U+200B") for e in found)
    assert any(e.startswith("error: the protocol of primitiveAnswer, line 1") for e in found)
    assert any(
        e.startswith("error: examples[0].arguments[0], line 1, column 3: U+2067") for e in found
    )
    assert len(found) == 3


def test_other_unicode_and_control_characters_are_no_error() -> None:
    method = Method("primitiveText\n\t<export: true>\n\t^ 'Grüße, 日本, \x05 é'\n")
    plugin = Plugin(name="TextPlugin", comment="Ünïcödé is fine.", methods=(method,))
    assert errors(lint(plugin, PROXY, PLUGIN_CLASSES)) == []


def test_lint_command_reports_a_trojan_profile(tmp_path) -> None:
    from tests.helpers import wizard

    profile = tmp_path / "TrojanPlugin.yml"
    source = TROJAN.source.replace("\n", "\n        ")
    profile.write_text(
        "version: 1\nplugin:\n  name: TrojanPlugin\n  methods:\n    - source: |\n"
        f"        {source}\n",
        encoding="utf-8",
    )
    result = wizard("--lint", str(profile), cwd=tmp_path)
    assert result.returncode == 1
    assert "primitiveCheck:3:18: error: U+202E RIGHT-TO-LEFT OVERRIDE" in result.stdout
    assert "primitiveCheck:3:37: error: U+2066 LEFT-TO-RIGHT ISOLATE" in result.stdout


# --------------------------------------------------------------------------- what VMMaker translates

SIMULATOR_SEND = Method("sqFileInit\n\t^ interpreterProxy interpreter fileInit\n")


@pytest.mark.parametrize(
    ("answer", "checked"),
    [("^false", False), ("^ false", False), ("^self ~= SimPlugin", True), ("^true", True)],
)
def test_a_simulator_never_translated_is_not_checked_against_the_proxy(answer, checked) -> None:
    flag = Method(f'shouldBeTranslated\n\t"never translated"\n\t{answer}\n', side="class")
    plugin = Plugin(name="SimPlugin", methods=(flag, SIMULATOR_SEND))
    found = lint(plugin, PROXY, PLUGIN_CLASSES)
    assert bool(errors(found)) is checked
    warned = any("shouldBeTranslated answers false" in d.message for d in found)
    assert warned is not checked


def test_interpreter_plugin_itself_is_the_root_not_a_clash() -> None:
    root = Plugin(
        name="InterpreterPlugin",
        superclass="VMClass",
        instance_variables=("interpreterProxy", "moduleName", "translatedMethodCache"),
        methods=(Method("getInterpreter\n\t^ interpreterProxy\n"),),
    )
    assert errors(lint(root, PROXY, PLUGIN_CLASSES)) == []
    child = replace(root, name="ChildPlugin")
    messages = [e.message for e in errors(lint(child, PROXY, PLUGIN_CLASSES))]
    assert any("superclass VMClass" in m for m in messages)
    assert sum("already defined by a superclass" in m for m in messages) == 3
