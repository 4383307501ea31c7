"""Tonel class files: rendering in both styles, reading back, checking, style detection."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from wizard.formats.tonel import (
    DEFAULT_CLASS_PROTOCOL,
    DEFAULT_INSTANCE_PROTOCOL,
    TonelStyle,
    check_tonel,
    detect_style,
    detect_style_in,
    pharo_body_end,
    read_class,
    render_class,
    split_source,
    to_plugin,
    unified_diff,
)
from wizard.profile.model import Method, Plugin

HELLO = Plugin(
    name="HelloWorldPlugin",
    comment='I answer "Hello".\nSecond line.',
    methods=(
        Method("primitiveGetHelloString\n\t<export: true>\n\t^ 3\n"),
        Method(
            "moduleNameAndVersion\n\t^ self moduleName , Character space asString\n",
            side="class",
        ),
    ),
)

NEW_EXPECTED = """\
"
I answer ""Hello"".
Second line.
"
Class {
\t#name : 'HelloWorldPlugin',
\t#superclass : 'SmartSyntaxInterpreterPlugin',
\t#category : 'VMMaker-Plugins',
\t#package : 'VMMaker',
\t#tag : 'Plugins'
}

{ #category : 'translation' }
HelloWorldPlugin class >> moduleNameAndVersion [
\t^ self moduleName , Character space asString
]

{ #category : 'primitives' }
HelloWorldPlugin >> primitiveGetHelloString [
\t<export: true>
\t^ 3
]
"""

OLD_EXPECTED = """\
"
I answer ""Hello"".
Second line.
"
Class {
\t#name : #HelloWorldPlugin,
\t#superclass : #SmartSyntaxInterpreterPlugin,
\t#category : #'VMMaker-Plugins'
}

{ #category : #translation }
HelloWorldPlugin class >> moduleNameAndVersion [
\t^ self moduleName , Character space asString
]

{ #category : #primitives }
HelloWorldPlugin >> primitiveGetHelloString [
\t<export: true>
\t^ 3
]
"""

TRICKY = Plugin(
    name="TrickyPlugin",
    superclass="InterpreterPlugin",
    category="VMMaker-Plugins-Tricky",
    comment='Quotes "inside", a doubled ""pair"" and brackets [ ] too.',
    instance_variables=("buffer", "count"),
    methods=(
        Method(
            "primitiveBrackets\n"
            '\t"A comment with ] and [ in it"\n'
            "\t| a |\n"
            "\t<export: true>\n"
            "\ta := ']' , '[[' , 'it''s'.\n"
            "\ta := a , (String with: $]) , (String with: $[).\n"
            "\t#(#foo $) ']') size.\n"
            "\t^ a\n",
            protocol="bracket primitives",
        ),
        Method(
            "copy: dst from: src size: n\n"
            "\t<var: #dst type: #'char *'>\n"
            "\tself strncpy: dst _: src _: n\n\n\n",
            protocol="private",
        ),
        Method("declareCVarsIn: cg\n\n\tcg addHeaderFile: '<string.h>'\n", side="class"),
        Method("+ other\n\t^ other\n"),
        Method("emptyMethod\n"),
    ),
)

PLUGINS = [HELLO, TRICKY, Plugin(name="BarePlugin", category="VMMaker")]


def test_new_style_layout_matches_pharo_10_files() -> None:
    assert render_class(HELLO, TonelStyle.NEW) == NEW_EXPECTED


def test_old_style_layout_matches_pharo_9_files() -> None:
    assert render_class(HELLO, TonelStyle.OLD) == OLD_EXPECTED


def test_old_style_quotes_symbols_that_are_not_identifiers() -> None:
    text = render_class(TRICKY, TonelStyle.OLD)
    assert "\t#category : #'VMMaker-Plugins-Tricky'\n}" in text
    assert "{ #category : #'bracket primitives' }\n" in text
    assert "{ #category : #private }\n" in text
    assert "#superclass : #InterpreterPlugin,\n" in text


def test_instance_variables_are_one_string_per_line_in_both_styles() -> None:
    for style in TonelStyle:
        text = render_class(TRICKY, style)
        assert "\t#instVars : [\n\t\t'buffer',\n\t\t'count'\n\t],\n\t#category" in text


def test_new_style_without_tag_has_package_only() -> None:
    text = render_class(Plugin(name="BarePlugin", category="VMMaker"), TonelStyle.NEW)
    assert text.endswith("\t#category : 'VMMaker',\n\t#package : 'VMMaker'\n}\n")
    assert "#tag" not in text


def test_class_without_methods_ends_with_the_brace() -> None:
    text = render_class(Plugin(name="BarePlugin"), TonelStyle.NEW)
    assert text.startswith("Class {\n")
    assert text.endswith("}\n")


def test_class_side_first_then_instance_side_in_profile_order() -> None:
    text = render_class(TRICKY, TonelStyle.NEW)
    order = [
        text.index("TrickyPlugin class >> declareCVarsIn: cg ["),
        text.index("TrickyPlugin >> primitiveBrackets ["),
        text.index("TrickyPlugin >> copy: dst from: src size: n ["),
        text.index("TrickyPlugin >> + other ["),
        text.index("TrickyPlugin >> emptyMethod [\n]"),
    ]
    assert order == sorted(order)


def test_default_protocols() -> None:
    assert DEFAULT_INSTANCE_PROTOCOL == "primitives"
    assert DEFAULT_CLASS_PROTOCOL == "translation"
    text = render_class(TRICKY, TonelStyle.NEW)
    assert "{ #category : 'translation' }\nTrickyPlugin class >> declareCVarsIn: cg [" in text
    assert "{ #category : 'primitives' }\nTrickyPlugin >> + other [" in text


def test_body_kept_as_written_and_trailing_blank_lines_dropped() -> None:
    text = render_class(TRICKY, TonelStyle.NEW)
    assert (
        "TrickyPlugin >> copy: dst from: src size: n [\n"
        "\t<var: #dst type: #'char *'>\n"
        "\tself strncpy: dst _: src _: n\n"
        "]\n"
    ) in text
    assert "declareCVarsIn: cg [\n\n\tcg addHeaderFile: '<string.h>'\n]" in text


def test_files_use_tabs_lf_and_end_with_bracket_newline() -> None:
    for plugin in (HELLO, TRICKY):
        for style in TonelStyle:
            text = render_class(plugin, style)
            assert "\r" not in text
            assert text.endswith("]\n")
            assert not text.endswith("\n\n")


def test_crlf_sources_become_lf() -> None:
    plugin = Plugin(name="CrPlugin", methods=(Method("foo\r\n\t^ 1\r\n"),))
    assert "CrPlugin >> foo [\n\t^ 1\n]\n" in render_class(plugin, TonelStyle.NEW)


@pytest.mark.parametrize("style", list(TonelStyle))
@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_every_rendered_class_passes_check_tonel(plugin: Plugin, style: TonelStyle) -> None:
    assert check_tonel(render_class(plugin, style)) == []


@pytest.mark.parametrize("style", list(TonelStyle))
@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_render_read_render_is_identical(plugin: Plugin, style: TonelStyle) -> None:
    first = render_class(plugin, style)
    back = read_class(first)
    assert back.style is style
    assert render_class(to_plugin(back), style) == first


def test_read_class_gives_back_the_fields() -> None:
    back = read_class(render_class(TRICKY, TonelStyle.NEW))
    assert back.name == "TrickyPlugin"
    assert back.superclass == "InterpreterPlugin"
    assert (back.category, back.package, back.tag) == (
        "VMMaker-Plugins-Tricky",
        "VMMaker",
        "Plugins-Tricky",
    )
    assert back.comment == TRICKY.comment
    assert back.instance_variables == ("buffer", "count")
    selectors = [(m.side, m.selector, m.protocol) for m in back.methods]
    assert selectors == [
        ("class", "declareCVarsIn:", "translation"),
        ("instance", "primitiveBrackets", "bracket primitives"),
        ("instance", "copy:from:size:", "private"),
        ("instance", "+", "primitives"),
        ("instance", "emptyMethod", "primitives"),
    ]
    brackets = back.methods[1].source
    assert brackets == TRICKY.methods[0].source


def test_read_hand_written_old_style_file() -> None:
    text = (
        "Class {\n"
        "\t#name : #SamplePlugin,\n"
        "\t#superclass : #InterpreterPlugin,\n"
        "\t#instVars : [\n\t\t'x'\n\t],\n"
        "\t#category : #'VMMaker-Plugins'\n"
        "}\n\n"
        "{ #category : #'access primitives' }\n"
        "SamplePlugin >> primitiveAt: index put: value [ \n"
        "\t<export: true>\n"
        "\t^ value\n"
        "]\n"
    )
    back = read_class(text)
    assert back.style is TonelStyle.OLD
    assert (back.name, back.superclass, back.category) == (
        "SamplePlugin",
        "InterpreterPlugin",
        "VMMaker-Plugins",
    )
    assert back.package is None and back.tag is None and back.comment is None
    assert back.instance_variables == ("x",)
    [method] = back.methods
    assert method.source == "primitiveAt: index put: value\n\t<export: true>\n\t^ value\n"
    assert method.protocol == "access primitives"
    assert to_plugin(back).category == "VMMaker-Plugins"


def test_read_class_refuses_broken_text() -> None:
    with pytest.raises(ValueError, match="not a valid Tonel class file"):
        read_class("Class {\n\t#name : 'X'\n}\n\nX >> foo [\n\t^ (1\n]\n")


def test_check_tonel_reports_line_and_column() -> None:
    text = render_class(HELLO, TonelStyle.NEW).replace("\t^ 3\n", "\t^ (3 + \n")
    problems = check_tonel(text)
    assert problems
    line = NEW_EXPECTED.splitlines().index("\t^ 3") + 1
    assert any(p.startswith(f"{line}:") for p in problems), problems


def test_check_tonel_wants_a_class_definition() -> None:
    assert check_tonel('"just a comment"\n') != []


def test_pharo_scanner_skips_strings_comments_characters_and_literal_arrays() -> None:
    body = b"[\n\t\"]\" a := ']' , 'it''s]'. b := $]. c := #( ] $) ). d := [ 1 ] value\n]"
    assert pharo_body_end(body, 0) == len(body) - 1


def test_pharo_scanner_reads_dollar_quote_as_a_character() -> None:
    # Tonel's scanner handles $" since tonel v1.0.10 (2018); Pharo 10 and 12 have it.
    body = b'[\n\t^ $" \n]\n\nX >> y [\n\t"comment"\n]'
    assert pharo_body_end(body, 0) == body.index(b"]")


def test_pharo_scanner_without_end() -> None:
    assert pharo_body_end(b"[ 'unterminated ]", 0) is None


def test_dollar_quote_in_a_method_still_passes_check_tonel() -> None:
    plugin = Plugin(name="QuotePlugin", methods=(Method('quote\n\t^ $"\n'),))
    text = render_class(plugin, TonelStyle.NEW)
    assert check_tonel(text) == []
    assert render_class(to_plugin(read_class(text)), TonelStyle.NEW) == text


def test_split_source() -> None:
    assert split_source("\n\n  foo: a  \n\t^ a\n\n  \n") == ("foo: a", ["\t^ a"])
    assert split_source("") == ("", [])


def test_detect_style_majority() -> None:
    old = "Class {\n\t#name : #A,\n\t#superclass : #Object\n}\n"
    new = "Class {\n\t#name : 'A',\n\t#superclass : 'Object'\n}\n"
    assert detect_style([old, old, new]) is TonelStyle.OLD
    assert detect_style([old, new, new]) is TonelStyle.NEW
    assert detect_style([old, new]) is TonelStyle.NEW
    assert detect_style([]) is TonelStyle.NEW
    assert detect_style(['"#name : #Comment"\n' + new]) is TonelStyle.NEW


def test_detect_style_in_reads_a_sorted_sample(tmp_path: Path) -> None:
    old = "Class {\n\t#name : #A,\n\t#superclass : #Object\n}\n"
    new = "Class {\n\t#name : 'A',\n\t#superclass : 'Object'\n}\n"
    for index in range(3):
        (tmp_path / f"A{index}.class.st").write_text(old)
    for index in range(5):
        (tmp_path / f"B{index}.class.st").write_text(new)
    (tmp_path / "package.st").write_text("Package { #name : #X }\n")
    assert detect_style_in(tmp_path) is TonelStyle.NEW
    assert detect_style_in(tmp_path, sample=3) is TonelStyle.OLD


def test_unified_diff() -> None:
    old = render_class(HELLO, TonelStyle.NEW)
    new = old.replace("\t^ 3\n", "\t^ 4\n")
    diff = unified_diff(old, new, "smalltalksrc/VMMaker/HelloWorldPlugin.class.st")
    assert diff.startswith("--- a/smalltalksrc/VMMaker/HelloWorldPlugin.class.st\n")
    assert "-\t^ 3\n" in diff and "+\t^ 4\n" in diff
    assert unified_diff(old, old, "x") == ""


# --------------------------------------------------------------------------- verbatim

VERBATIM = Plugin(
    name="ExactPlugin",
    comment="Ends with a blank line.\n\n",
    class_variables=("Limit",),
    pools=("VMBasicConstants",),
    class_instance_variables=("registry",),
    verbatim=True,
    methods=(
        Method("declareCVarsIn: cg \n\tcg var: #x type: #int\n", side="class"),
        Method('close  "answer nothing"\n\t^ self\n\n'),
        Method("at: index\n\tput: value \n\t^ value\n"),
        Method("primitiveAnswer ^ 42\n"),
        Method("emptyMethod\n"),
    ),
)

VERBATIM_NEW = """\
"
Ends with a blank line.

"
Class {
\t#name : 'ExactPlugin',
\t#superclass : 'SmartSyntaxInterpreterPlugin',
\t#classVars : [
\t\t'Limit'
\t],
\t#pools : [
\t\t'VMBasicConstants'
\t],
\t#classInstVars : [
\t\t'registry'
\t],
\t#category : 'VMMaker-Plugins',
\t#package : 'VMMaker',
\t#tag : 'Plugins'
}

{ #category : 'translation' }
ExactPlugin class >> declareCVarsIn: cg [\x20
\tcg var: #x type: #int
]

{ #category : 'primitives' }
ExactPlugin >> close [  "answer nothing"
\t^ self

]

{ #category : 'primitives' }
ExactPlugin >> at: index
\tput: value [\x20
\t^ value
]

{ #category : 'primitives' }
ExactPlugin >> primitiveAnswer [ ^ 42
]

{ #category : 'primitives' }
ExactPlugin >> emptyMethod [
]
"""


def test_a_verbatim_plugin_is_written_exactly_as_its_text() -> None:
    assert render_class(VERBATIM, TonelStyle.NEW) == VERBATIM_NEW


def test_a_verbatim_class_reads_back_to_the_same_plugin() -> None:
    back = to_plugin(read_class(VERBATIM_NEW, verbatim=True))
    assert back == replace(VERBATIM, methods=back.methods)
    assert [m.source for m in back.methods] == [m.source for m in VERBATIM.methods]
    assert render_class(back, TonelStyle.NEW) == VERBATIM_NEW


def test_the_same_sources_without_verbatim_are_tidied_as_before() -> None:
    text = render_class(replace(VERBATIM, verbatim=False), TonelStyle.NEW)
    assert '"\nEnds with a blank line.\n"\n' in text
    assert 'ExactPlugin >> close [\n\t"answer nothing"\n\t^ self\n]' in text
    assert "ExactPlugin >> primitiveAnswer [\n\t^ 42\n]" in text
    assert "declareCVarsIn: cg [\n" in text
