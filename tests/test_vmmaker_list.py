"""The external-plugin list in PharoVMMaker, and finding plugin classes."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hypothesis_counts import examples
from wizard.formats.vmmaker_list import (
    find_external_list,
    mask_comments_and_strings,
    plugin_classes,
    wanted_external_plugins,
    with_external_plugins,
)

# Small texts in the shape of PharoVMMaker.class.st on each branch (written for these tests).
PHARO_9 = """\
"
Generates the VM from the command line.
"
Class {
\t#name : #PharoVMMaker,
\t#superclass : #Object,
\t#category : #'VMMakerCompatibilityForPharo6-CommandLine'
}

{ #category : #generation }
PharoVMMaker >> generate: interpreterClass memoryManager: memoryManager [
\t| directory |
\t"Old list, kept for reference: internal: #() external: #(FilePlugin);"
\tdirectory := self directoryFor: memoryManager.
\t[ (VMMaker makerFor: interpreterClass to: directory)
\t\t\t\tstopOnErrors: true;
\t\t\t\tinternal: #() external: #(FilePlugin SurfacePlugin FloatArrayPlugin);
\t\t\t\tgenerateInterpreterFile;
\t\t\t\tgenerateExternalPlugins ] valueSupplyingAnswer: true
]
"""

PHARO_10 = """\
Class {
\t#name : 'PharoVMMaker',
\t#superclass : 'Object',
\t#instVars : [
\t\t'generatePlugins'
\t],
\t#category : 'VMMakerCompatibilityForPharo6-CommandLine',
\t#package : 'VMMakerCompatibilityForPharo6',
\t#tag : 'CommandLine'
}

{ #category : 'generation' }
PharoVMMaker >> generate: interpreterClass memoryManager: memoryManager compilerClass: compilerClass options: options [
\t| vmmaker |
\tvmmaker := VMMaker makerFor: interpreterClass and: compilerClass.
\tself log: 'external: #(NotThis)'.
\tvmmaker
\t\t\t\tinternal: #() external: #(FilePlugin SurfacePlugin FloatArrayPlugin);
\t\t\t\tgenerateInterpreterFile.
\tgeneratePlugins ifTrue: [ vmmaker generateExternalPlugins ]
]
"""

PHARO_12 = """\
Class {
\t#name : 'PharoVMMaker',
\t#superclass : 'Object',
\t#category : 'VMMakerCompatibilityForPharo6-CommandLine',
\t#package : 'VMMakerCompatibilityForPharo6',
\t#tag : 'CommandLine'
}

{ #category : 'generation' }
PharoVMMaker >> generate: interpreterClass memoryManager: memoryManager compilerClass: compilerClass [
\t| vmmaker quote |
\tquote := $'.
\tvmmaker := VMMaker makerFor: interpreterClass and: compilerClass.
\tvmmaker
\t\t\t\tinternal: #() external: #(FilePlugin SurfacePlugin FloatArrayPlugin);
\t\t\t\tgenerateInterpreterFile.
\t^ quote
]
"""

LINE = "\t\t\t\tinternal: #() external: #(FilePlugin SurfacePlugin FloatArrayPlugin);"

# pharo-12 since 2026 (pharo-vm ee793270, after PR #1077): the class in package VMMaker,
# the list over three lines, NewFilePlugin first, no `Author useAuthor:` wrapper,
# `including: #(  )` just before.
PHARO_12_2026 = """\
Class {
\t#name : 'PharoVMMaker',
\t#superclass : 'Object',
\t#category : 'VMMaker-Generation',
\t#package : 'VMMaker',
\t#tag : 'Generation'
}

{ #category : 'generation' }
PharoVMMaker >> generate: interpreterClass memoryManager: memoryManager compilerClass: compilerClass [
\t| vmmaker |
\t[
\t\tvmmaker := VMMaker
\t\t\t           makerFor: interpreterClass
\t\t\t           including: #(  )
\t\t\t           configuration: VMMakerConfiguration.

\t\tvmmaker
\t\t\tstopOnErrors: stopOnErrors;
\t\t\tinternal: #(  )
\t\t\texternal:
\t\t\t\t#( NewFilePlugin FilePlugin SurfacePlugin FloatArrayPlugin );
\t\t\tgenerateInterpreterFile;
\t\t\tgenerateCogitFiles.
\t\tgeneratePlugins ifTrue: [ vmmaker generateExternalPlugins ] ]
\t\tvalueSupplyingAnswer: true
]
"""
LINES_2026 = (
    "\t\t\tinternal: #(  )\n"
    "\t\t\texternal:\n"
    "\t\t\t\t#( NewFilePlugin FilePlugin SurfacePlugin FloatArrayPlugin );\n"
)


@pytest.mark.parametrize("text", [PHARO_9, PHARO_10, PHARO_12], ids=["pharo-9", "10", "12"])
def test_find_external_list(text: str) -> None:
    found = find_external_list(text)
    assert found.internal == []
    assert found.external == ["FilePlugin", "SurfacePlugin", "FloatArrayPlugin"]
    assert text[found.start : found.end] == "FilePlugin SurfacePlugin FloatArrayPlugin"
    assert text.splitlines()[found.line - 1] == LINE


@pytest.mark.parametrize("text", [PHARO_9, PHARO_10, PHARO_12], ids=["pharo-9", "10", "12"])
def test_rewrite_changes_only_the_literal_array(text: str) -> None:
    names = ["FilePlugin", "SurfacePlugin", "FloatArrayPlugin", "HelloWorldPlugin"]
    new = with_external_plugins(text, names)
    line = LINE.replace("FloatArrayPlugin)", "FloatArrayPlugin HelloWorldPlugin)")
    assert new == text.replace(LINE, line)
    before, after = text.split(LINE)
    assert new.startswith(before) and new.endswith(after)
    assert find_external_list(new).external == names


def test_the_three_line_list_of_2026_is_found() -> None:
    found = find_external_list(PHARO_12_2026)
    assert found.internal == []
    assert found.external == ["NewFilePlugin", "FilePlugin", "SurfacePlugin", "FloatArrayPlugin"]
    assert PHARO_12_2026[found.start : found.end] == (
        " NewFilePlugin FilePlugin SurfacePlugin FloatArrayPlugin "
    )
    assert PHARO_12_2026.splitlines()[found.line - 1] == "\t\t\texternal:"


def test_adding_a_name_keeps_the_three_lines_byte_for_byte() -> None:
    names = ["NewFilePlugin", "FilePlugin", "SurfacePlugin", "FloatArrayPlugin", "HelloWorldPlugin"]
    new = with_external_plugins(PHARO_12_2026, names)
    assert new == PHARO_12_2026.replace(
        LINES_2026,
        "\t\t\tinternal: #(  )\n"
        "\t\t\texternal:\n"
        "\t\t\t\t#( NewFilePlugin FilePlugin SurfacePlugin FloatArrayPlugin HelloWorldPlugin );\n",
    )
    assert with_external_plugins(new, names) == new, "a second run changes nothing"


def test_dropping_and_adding_names_in_the_three_lines_byte_for_byte() -> None:
    names = ["FilePlugin", "FloatArrayPlugin", "HelloWorldPlugin"]
    new = with_external_plugins(PHARO_12_2026, names)
    assert new == PHARO_12_2026.replace(
        LINES_2026,
        "\t\t\tinternal: #(  )\n"
        "\t\t\texternal:\n"
        "\t\t\t\t#( FilePlugin FloatArrayPlugin HelloWorldPlugin );\n",
    )
    stock = ["NewFilePlugin", "FilePlugin", "SurfacePlugin", "FloatArrayPlugin"]
    emptied = with_external_plugins(PHARO_12_2026, [])
    assert "\t\t\texternal:\n\t\t\t\t#( );\n" in emptied
    assert with_external_plugins(emptied, stock) == PHARO_12_2026


def test_rewrite_with_an_empty_list_and_back() -> None:
    empty = with_external_plugins(PHARO_12, [])
    assert "internal: #() external: #();" in empty
    again = with_external_plugins(empty, ["FilePlugin", "SurfacePlugin", "FloatArrayPlugin"])
    assert again == PHARO_12


def test_symbols_in_the_list_are_read_as_names() -> None:
    text = PHARO_12.replace("#(FilePlugin SurfacePlugin", "#(#FilePlugin\n\t\tSurfacePlugin")
    assert find_external_list(text).external == ["FilePlugin", "SurfacePlugin", "FloatArrayPlugin"]


def test_commented_and_quoted_lists_are_ignored() -> None:
    # PHARO_9 has one in a comment, PHARO_10 one in a string: still exactly one list each.
    assert find_external_list(PHARO_9).line == PHARO_9.splitlines().index(LINE) + 1
    assert find_external_list(PHARO_10).line == PHARO_10.splitlines().index(LINE) + 1


def test_no_list_is_an_error() -> None:
    with pytest.raises(ValueError, match="no `internal"):
        find_external_list(PHARO_12.replace(LINE, "\t\t\t\tgenerateAll;"))


def test_two_lists_are_an_error() -> None:
    twice = PHARO_12.replace(LINE, LINE + "\n" + LINE)
    with pytest.raises(ValueError, match="2 `internal"):
        find_external_list(twice)


def test_mask_keeps_offsets_and_newlines() -> None:
    text = "a := 'x\n''y' . \"c\nd\" $' b"
    masked = mask_comments_and_strings(text)
    assert len(masked) == len(text)
    assert masked.count("\n") == text.count("\n")
    assert masked.split() == ["a", ":=", ".", "$", "b"]


def test_wanted_external_plugins() -> None:
    current = ["FilePlugin", "SurfacePlugin"]
    assert wanted_external_plugins(current, "HelloWorldPlugin", None) == [
        "FilePlugin",
        "SurfacePlugin",
        "HelloWorldPlugin",
    ]
    assert wanted_external_plugins(current + ["HelloWorldPlugin"], "HelloWorldPlugin", None) == [
        "FilePlugin",
        "SurfacePlugin",
        "HelloWorldPlugin",
    ]
    assert wanted_external_plugins(current, "HelloWorldPlugin", ["HelloWorldPlugin"]) == [
        "HelloWorldPlugin"
    ]
    assert wanted_external_plugins(current, "X", []) == []


def _class(name: str, superclass: str, old: bool = False) -> str:
    if old:
        return f"Class {{\n\t#name : #{name},\n\t#superclass : #{superclass},\n\t#category : #'VMMaker-Plugins'\n}}\n"
    return (
        f'"\nA comment naming Class {{ #name : #Fake }}.\n"\n'
        f"Class {{\n\t#name : '{name}',\n\t#superclass : '{superclass}',\n"
        "\t#category : 'VMMaker-Plugins',\n\t#package : 'VMMaker',\n\t#tag : 'Plugins'\n}\n"
    )


def test_plugin_classes_follow_superclasses_in_both_styles() -> None:
    files = {
        "VMMaker/InterpreterPlugin.class.st": _class("InterpreterPlugin", "VMClass"),
        "VMMaker/VMClass.class.st": _class("VMClass", "Object"),
        "VMMaker/SmartSyntaxInterpreterPlugin.class.st": _class(
            "SmartSyntaxInterpreterPlugin", "InterpreterPlugin"
        ),
        "VMMaker/FloatArrayPlugin.class.st": _class("FloatArrayPlugin", "InterpreterPlugin", True),
        "VMMaker/MyPlugin.class.st": _class("MyPlugin", "SmartSyntaxInterpreterPlugin", True),
        "VMMaker/MySubPlugin.class.st": _class("MySubPlugin", "MyPlugin"),
        "VMMaker/Unrelated.class.st": _class("Unrelated", "Object"),
        "VMMaker/Orphan.class.st": _class("Orphan", "NotInTheTree"),
        "VMMaker/LoopA.class.st": _class("LoopA", "LoopB"),
        "VMMaker/LoopB.class.st": _class("LoopB", "LoopA"),
        "VMMaker/package.st": "Package { #name : 'VMMaker' }\n",
    }
    assert plugin_classes(files) == {
        "InterpreterPlugin": "VMMaker/InterpreterPlugin.class.st",
        "SmartSyntaxInterpreterPlugin": "VMMaker/SmartSyntaxInterpreterPlugin.class.st",
        "FloatArrayPlugin": "VMMaker/FloatArrayPlugin.class.st",
        "MyPlugin": "VMMaker/MyPlugin.class.st",
        "MySubPlugin": "VMMaker/MySubPlugin.class.st",
    }


def test_plugin_classes_is_linear_on_hundreds_of_files() -> None:
    """A chain of 800 subclasses is walked once, not once per class: counted in lines of the
    module run (about 33 per file; 2.3 million with the answers not memoised), not in
    seconds, which are the machine's (``bench/`` times the wizard)."""
    files = {
        f"VMMaker/C{i}.class.st": _class(f"C{i}", f"C{i - 1}") + "x" * 5000 for i in range(1, 800)
    }
    files["VMMaker/C0.class.st"] = _class("C0", "InterpreterPlugin")
    files["VMMaker/InterpreterPlugin.class.st"] = _class("InterpreterPlugin", "VMClass")
    found, lines = lines_run(plugin_classes, files)
    assert len(found) == 801
    assert lines < 100 * len(files), lines


def lines_run(function, *args):
    """``function(*args)`` and how many lines of ``function``'s own module it ran."""
    module = function.__code__.co_filename
    count = 0

    def in_module(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return in_module

    def on_call(frame, event, arg):
        return in_module if frame.f_code.co_filename == module else None

    before = sys.gettrace()
    sys.settrace(on_call)
    try:
        answer = function(*args)
    finally:
        sys.settrace(before)
    return answer, count


def masked_one_character_at_a_time(text: str) -> str:
    """The masking rule spelled out character by character: the oracle for the fast one."""
    out = list(text)
    index = 0
    while index < len(text):
        char = text[index]
        if char == "$" and index + 1 < len(text):
            out[index + 1] = "\n" if text[index + 1] == "\n" else " "
            index += 2
        elif char in "\"'":
            end = index + 1
            while end < len(text):
                if text[end] == char and end + 1 < len(text) and text[end + 1] == char:
                    end += 2  # a doubled quote continues the string or comment
                elif text[end] == char:
                    break
                else:
                    end += 1
            for position in range(index, min(end + 1, len(text))):
                out[position] = "\n" if text[position] == "\n" else " "
            index = end + 1
        else:
            index += 1
    return "".join(out)


@settings(max_examples=examples(500), deadline=None)
@given(st.text(alphabet="ab $'\"\n#()", max_size=60))
def test_mask_follows_the_rule_for_any_text(text: str) -> None:
    assert mask_comments_and_strings(text) == masked_one_character_at_a_time(text)
