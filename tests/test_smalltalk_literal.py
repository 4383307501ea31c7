"""Example values (wizard.slang.literal): one literal, perhaps one conversion, never code.

A corpus of values and of code, properties over generated literals, and a cross-check with
an independent Smalltalk grammar (tree-sitter-pharo): whatever the reader accepts is one
literal there too, so the image's own parser reads it as a literal as well.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hypothesis_counts import examples
from wizard.slang.literal import CONVERSIONS, NotAValue, read_value

VALUES = {
    "3": "integer",
    "-7": "integer",
    "0": "integer",
    "16rFF": "integer",
    "-16r1F": "integer",
    "2r1010": "integer",
    "1e3": "integer",
    "2.5": "float",
    "-0.5": "float",
    "1.0e-3": "float",
    "1.5e10": "float",
    "1e-3": "fraction",
    "3.14s2": "scaled",
    "3s2": "scaled",
    "$a": "character",
    "$ ": "character",
    "$'": "character",
    "$$": "character",
    "'abc'": "string",
    "''": "string",
    "'it''s'": "string",
    "'two\nlines\tand a tab'": "string",
    "'\"not a comment\"'": "string",
    "#foo": "symbol",
    "#at:put:": "symbol",
    "#+": "symbol",
    "#'two words'": "symbol",
    "#()": "array",
    "#(1 $a 'b' #c d e: (f g) #(h) #[1 2] true false nil 2.5)": "array",
    "#(#(1 2) (3 (4)))": "array",
    "#( 1\n\t2 )": "array",
    "#($) $ )": "array",
    "#[]": "bytes",
    "#[1 2 255 16rFF]": "bytes",
    "true": "true",
    "false": "false",
    "nil": "nil",
    "  3  ": "integer",
}

CONVERTED = [
    "#(1.0 2.0 3.0) asFloatArray",
    "#(1 2 3) asFloatArray",
    "#[1 2] asFloatArray",
    "#(1 2 255) asByteArray",
    "'abc' asByteArray",
    "#abc asByteArray",
    "1234 asByteArray",
    "#(0 4294967295) asWordArray",
    "#(-2147483648 2147483647) asIntegerArray",
    "3 asFloat",
    "1e-3 asFloat",
    "42 asString",
    "nil asString",
    "'abc' asSymbol",
    "#abc asSymbol",
    "'abc'\n\tasSymbol",
]

NOT_VALUES = {
    "": "is empty",
    "   ": "is empty",
    "foo": "'foo' is a name, not a literal",
    "Smalltalk": "is a name, not a literal",
    "thisContext": "is a name, not a literal",
    "self": "is a name, not a literal",
    "super": "is a name, not a literal",
    "trueish": "is a name, not a literal",
    "Smalltalk at: #X put: 3": "is a name",
    "3 + 4": "unexpected '+ 4' after the literal",
    "3 printString": "printString is not one of the conversions",
    "'a' , 'b'": "unexpected \", 'b'\" after the literal",
    "#(1 2) do: [ :e | e ]": "do is not one of the conversions",
    "3 asFloat asString": "only one conversion may follow",
    "3 asFloat.": "only one conversion may follow",
    "3.": "in a number",
    "3;": "right after a literal",
    "(3)": "a parenthesis starts an expression",
    "(1 2)": "a parenthesis starts an expression",
    "[ 3 ]": "where a literal starts",
    "{ 1. 2 }": "where a literal starts",
    "#(1 {2})": "in a literal array",
    "#(1 [2])": "in a literal array",
    "#(a:=b)": "right after a literal",
    "#(1 2": "not closed",
    "#[1 2": "not closed",
    "'abc": "is not closed",
    "#'abc": "is not closed",
    '"a comment" 3': "where a literal starts",
    '3 "a comment"': "unexpected",
    "$": "$ at the end",
    "#": "after #",
    "##foo": "after #",
    "#foo:bar": "right after a literal",
    "-": "where a literal starts",
    "- 3": "where a literal starts",
    "--3": "where a literal starts",
    "3abc": "in a number",
    "16rff": "in a number",
    "16rZZ": "has a digit that radix 16 lacks",
    "1r0": "radix 1 is not from 2 to 36",
    "37r0": "radix 37 is not from 2 to 36",
    "3s": "in a number",
    "1.5e": "in a number",
    "1E5": "in a number",
    "#[256]": "bytes are integers 0 to 255",
    "#[-1]": "bytes are integers 0 to 255",
    "#[1.5]": "bytes are integers 0 to 255",
    "#['a']": "bytes are integers 0 to 255",
    "#(1 2)asByteArray": "put a blank between",
    "'a'asSymbol": "put a blank between",
    "'a' asFloatArray": "asFloatArray does not apply to a string",
    "nil asFloat": "asFloat does not apply to nil",
    "3 asSymbol": "asSymbol does not apply to an integer",
    "$a asByteArray": "asByteArray does not apply to a character",
    "-1 asByteArray": "not negative",
    "#('a') asFloatArray": "needs an array of numbers",
    "#(256) asByteArray": "from 0 to 255",
    "#(-1) asWordArray": "from 0 to 4294967295",
    "#(2147483648) asIntegerArray": "from -2147483648 to 2147483647",
    "#(1.5) asIntegerArray": "needs an array of integers",
    "1" + "0" * 1001: "more than 1000 characters",
    "1e1001": "too large",
    "#" + "(" * 40 + ")" * 40: "nested more than 32 deep",
}


@pytest.mark.parametrize(("text", "kind"), VALUES.items(), ids=repr)
def test_literals_are_values_of_their_kind(text: str, kind: str) -> None:
    value = read_value(text)
    assert value.kind == kind
    assert value.conversion is None
    assert value.literal == (text if text.startswith("$") else text.strip())


@pytest.mark.parametrize("text", CONVERTED, ids=repr)
def test_one_listed_conversion_may_follow(text: str) -> None:
    value = read_value(text)
    assert value.conversion in CONVERSIONS
    assert text.rstrip().endswith(value.conversion)


@pytest.mark.parametrize(("text", "why"), NOT_VALUES.items(), ids=lambda t: repr(t)[:40])
def test_anything_else_is_refused_saying_why(text: str, why: str) -> None:
    with pytest.raises(NotAValue) as refused:
        read_value(text)
    assert why in str(refused.value)
    assert not is_value(text)


# --------------------------------------------------------------------------- generated


def _integers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-(10**30), 10**30).map(str),
        st.tuples(st.integers(2, 36), st.integers(0, 10**12)).map(
            lambda pair: f"{pair[0]}r{_in_radix(pair[1], pair[0])}"
        ),
    )


def _in_radix(number: int, radix: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while True:
        number, rest = divmod(number, radix)
        text = digits[rest] + text
        if number == 0:
            return text


SCALARS = st.one_of(
    _integers(),
    st.floats(allow_nan=False, allow_infinity=False, width=32)
    .map(lambda f: repr(float(f)).replace("e+", "e") if "e" in repr(float(f)) else repr(float(f)))
    .filter(lambda t: "e" not in t or "." in t),
    # no NUL: a value never holds one (test_a_nul_is_never_a_value)
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00").map(lambda c: "$" + c),
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
    ).map(lambda t: "'" + t.replace("'", "''") + "'"),
    st.from_regex(r"\A#[a-z_][A-Za-z0-9_]{0,8}\Z"),
    st.from_regex(r"\A#([a-z][A-Za-z0-9]{0,5}:){1,3}\Z"),
    st.sampled_from(["true", "false", "nil", "#+", "#==>", "#'a b'"]),
)
BYTES = st.lists(st.integers(0, 255), max_size=6).map(
    lambda xs: "#[" + " ".join(map(str, xs)) + "]"
)


def _arrays(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(inner, max_size=5).map(lambda xs: "#(" + " ".join(xs) + ")")


LITERALS = st.recursive(SCALARS | BYTES, _arrays, max_leaves=12)
BLANKS = st.text(st.sampled_from(" \t\n"), max_size=3)


@settings(max_examples=examples(300))
@given(LITERALS, BLANKS, BLANKS)
def test_every_generated_literal_is_a_value(literal: str, before: str, after: str) -> None:
    value = read_value(before + literal + after)
    assert value.literal == literal
    assert read_value(value.text) == value


@settings(max_examples=examples(200))
@given(LITERALS, st.sampled_from(["printString", "yourself", "foo", "value", "halt"]))
def test_a_message_after_a_literal_is_never_a_value(literal: str, selector: str) -> None:
    assert not is_value(f"{literal} {selector}")
    assert not is_value(f"{literal} {selector}: 3")
    assert not is_value(f"({literal})")


@settings(max_examples=examples(300))
@given(st.text(alphabet=st.sampled_from("#$'()[]{} -.:;^|e1r9aAsZ\"\\\t\n"), max_size=16))
def test_any_text_is_read_or_refused_never_crashes(text: str) -> None:
    try:
        value = read_value(text)
    except NotAValue as problem:
        assert str(problem)
        return
    assert value.kind


# --------------------------------------------------------------------------- another grammar


def _expression_kind(text: str) -> str | None:
    """What tree-sitter-pharo makes of ``^ <text>`` in a method: the returned node's type,
    or None when it does not parse as one expression."""
    from wizard.slang.syntax import _parse

    data, root = _parse("m\n\t^ " + text + "\n")
    if root.has_error:
        return None
    method = root.named_children[0]
    bodies = [n for n in method.named_children if n.type == "method_body"]
    body = [n for n in bodies[0].named_children if n.type == "statement"] if bodies else []
    if len(body) != 1:
        return None
    returned = body[0].named_children[0]
    expression = returned.named_children[0] if returned.named_children else None
    return expression.type if expression is not None else None


@settings(max_examples=examples(150), deadline=None)
@given(LITERALS.filter(lambda t: "\n" not in t and "\t" not in t))
def test_every_value_is_one_literal_in_the_smalltalk_grammar(literal: str) -> None:
    kind = _expression_kind(literal)
    assert kind is not None, literal
    assert kind not in ("identifier", "unary_message", "binary_message", "keyword_message")


@pytest.mark.parametrize("text", CONVERTED[:-1], ids=repr)
def test_a_converted_value_is_one_unary_send_to_a_literal(text: str) -> None:
    assert _expression_kind(text) == "unary_message"


@pytest.mark.parametrize("text", ["$\x00", "'a\x00b'", "#(1 $\x00)"], ids=repr)
def test_a_nul_is_never_a_value(text: str) -> None:
    """Found by the grammar property: tree-sitter-pharo, like the image's parser, stops at a
    NUL, so a value holding one is refused, as a method's source holding one is."""
    with pytest.raises(NotAValue, match="NUL"):
        read_value(text)


def is_value(text: str) -> bool:
    """Whether ``text`` is a value (see :func:`read_value`)."""
    try:
        read_value(text)
    except NotAValue:
        return False
    return True
