"""Reading the interpreterProxy API from InterpreterProxy.class.st."""

from __future__ import annotations

import pytest

from wizard.formats.proxy_api import (
    BASIC_CONSTANT_SELECTORS,
    KERNEL_SELECTORS,
    instance_selectors,
    proxy_selectors,
    suggest,
    understood_by_proxy,
)

# Written for these tests in the shape of smalltalksrc/VMMaker/InterpreterProxy.class.st.
NEW_STYLE = """\
"
What plugins may call.
"
Class {
\t#name : 'InterpreterProxy',
\t#superclass : 'Object',
\t#category : 'VMMaker-InterpreterSimulation',
\t#package : 'VMMaker',
\t#tag : 'InterpreterSimulation'
}

{ #category : 'translation' }
InterpreterProxy class >> implicitReturnTypeFor: aSelector [
\t^ #sqInt
]

{ #category : 'stack access' }
InterpreterProxy >> pop: nItems thenPush: oop [
\t"InterpreterProxy >> notAHeader: x ["
\t^ oop
]

{ #category : 'converting' }
InterpreterProxy >> stringForCString: aCString [\x20
\t^ aCString
]

{ #category : 'special classes' }
InterpreterProxy >> classString [
\t^ String
]

{ #category : 'instance creation' }
InterpreterProxy >> instantiateClass: classPointer indexableSize: size [
\t^ classPointer new: size
]

{ #category : 'object access' }
InterpreterProxy >> firstIndexableField: oop [
\t^ oop
]

{ #category : 'stack access' }
InterpreterProxy >> stackValue: offset [
\t^ offset
]

{ #category : 'other' }
InterpreterProxy >> primitiveFail [
\t^ nil
]

{ #category : 'private' }
InterpreterProxy >> pop: nItems thenPushInteger: integer [
\t^ integer
]
"""

OLD_STYLE = (
    NEW_STYLE.replace("#name : 'InterpreterProxy'", "#name : #InterpreterProxy")
    .replace("'stack access'", "#'stack access'")
    .replace("{ #category : 'other' }", "{ #category : #other }")
)

EXPECTED = {
    "pop:thenPush:": 2,
    "stringForCString:": 1,
    "classString": 0,
    "instantiateClass:indexableSize:": 2,
    "firstIndexableField:": 1,
    "stackValue:": 1,
    "primitiveFail": 0,
    "pop:thenPushInteger:": 2,
}


@pytest.mark.parametrize("text", [NEW_STYLE, OLD_STYLE], ids=["new", "old"])
def test_instance_side_selectors_with_argument_counts(text: str) -> None:
    assert proxy_selectors(text) == EXPECTED


def test_class_side_and_comments_are_not_selectors() -> None:
    selectors = proxy_selectors(NEW_STYLE)
    assert "implicitReturnTypeFor:" not in selectors
    assert "notAHeader:" not in selectors


def test_binary_selectors() -> None:
    text = "InterpreterProxy >> = other [\n\t^ true\n]\n"
    assert proxy_selectors(text) == {"=": 1}


def test_instance_selectors_of_another_class() -> None:
    text = "InterpreterPlugin >> positiveMachineIntegerFor: value [\n\t^ value\n]\n"
    assert instance_selectors(text, "InterpreterPlugin") == {"positiveMachineIntegerFor:": 1}
    assert proxy_selectors(text) == {}


def test_understood_by_proxy_adds_slang_builtins_and_plugin_helpers() -> None:
    plugin = "InterpreterPlugin >> positiveMachineIntegerFor: value [\n\t^ value\n]\n"
    understood = understood_by_proxy(NEW_STYLE, plugin)
    assert understood["stringForCString:"] == 1
    assert understood["cCoerce:to:"] == 2
    assert understood["wordSize"] == 0
    assert understood["positiveMachineIntegerFor:"] == 1
    assert "positiveMachineIntegerFor:" not in understood_by_proxy(NEW_STYLE)
    assert "cCoerce:to:" in KERNEL_SELECTORS and "bytesPerOop" in BASIC_CONSTANT_SELECTORS
    assert len(set(KERNEL_SELECTORS)) == len(KERNEL_SELECTORS)


def test_suggest_finds_the_article_mistake() -> None:
    assert suggest("stringFromCString:", EXPECTED)[0] == "stringForCString:"


def test_suggest_prefers_the_same_argument_count() -> None:
    known = {"stackValue:": 1, "stackValue": 0, "stackValues:": 1}
    assert suggest("stackValu:", known) == ["stackValue:", "stackValues:", "stackValue"]
    assert suggest("stackValu:", known, n=1) == ["stackValue:"]
    assert suggest("somethingElseEntirely", known) == []


def test_four_hundred_methods_are_read() -> None:
    """Every selector of a large proxy class (its speed: ``bench/profile-scale``'s lint)."""
    methods = "".join(
        f"{{ #category : 'x' }}\nInterpreterProxy >> selector{i}: a with: b [\n\t^ a\n]\n\n"
        for i in range(400)
    )
    text = NEW_STYLE + methods
    selectors = proxy_selectors(text)
    assert len(selectors) == 408
    assert selectors["selector399:with:"] == 2
