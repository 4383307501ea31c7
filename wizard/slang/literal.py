"""Example values: one Smalltalk literal, optionally followed by one conversion.

``try`` calls each example's primitive on a receiver with arguments, and a profile is data
that people share: so receivers and arguments are *values*, never code.  A value is the text
of one Smalltalk literal — a number (``3``, ``-7``, ``16rFF``, ``2.5``, ``1.0e-3``,
``3.14s2``), a character (``$a``), a string (``'it''s'``), a symbol (``#foo``, ``#at:put:``,
``#+``, ``#'two words'``), a literal array (``#(1 $a 'b' #c d (e f) #[1 2])``), a byte array
(``#[1 2 255]``), ``true``, ``false`` or ``nil`` — optionally followed, after blanks, by one
conversion from a fixed list (``#(1.0 2.0) asFloatArray``), so that a primitive whose
receiver is a FloatArray or a WordArray can be tried.  ``try-plugin.st`` reads each value
again with the image's own literal parser and applies the conversion from a fixed table.

This module reads values without a parser library: the profile loader checks every example
with it, and loading a profile must stay fast (no grammar, no tree-sitter).  The grammar it
accepts is deliberately narrower than Smalltalk's (no comments, blanks between the elements
of an array, uppercase radix digits) so that whatever it accepts the image reads the same
way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: What each conversion may follow: the kinds of literal its Pharo method is defined for.
#: ``asString`` is Object's; the collection ones are SequenceableCollection's (an Array's
#: elements must then fit the new array's elements).
CONVERSIONS: dict[str, frozenset[str]] = {
    "asByteArray": frozenset({"array", "bytes", "string", "symbol", "integer"}),
    "asWordArray": frozenset({"array", "bytes"}),
    "asFloatArray": frozenset({"array", "bytes"}),
    "asIntegerArray": frozenset({"array", "bytes"}),
    "asFloat": frozenset({"integer", "float", "fraction", "scaled"}),
    "asString": frozenset(
        {
            "integer",
            "float",
            "fraction",
            "scaled",
            "character",
            "string",
            "symbol",
            "array",
            "bytes",
            "true",
            "false",
            "nil",
        }
    ),
    "asSymbol": frozenset({"string", "symbol"}),
}

#: The range each integer-array conversion accepts for the elements of an Array.
_ELEMENT_RANGES = {
    "asByteArray": (0, 255),
    "asWordArray": (0, 2**32 - 1),
    "asIntegerArray": (-(2**31), 2**31 - 1),
}
_NUMBER_KINDS = frozenset({"integer", "float", "fraction", "scaled"})
MAX_DEPTH = 32

_NUMBER = re.compile(
    r"""-?(?:
        (?P<radix>[0-9]+)r(?P<digits>[0-9A-Z]+)
      | (?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]+))?
        (?:e(?P<exponent>-?[0-9]+)|(?P<scale>s[0-9]+))?
    )""",
    re.X,
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]*:)+")
_BINARY = re.compile(r"[-+*/\\<>=~@%|&?,]+")
_SEPARATORS = " \t\r\n\f"
_DIGITS = "0123456789"
MAX_DIGITS = 1000
_CONSTANTS = ("true", "false", "nil")


class NotAValue(ValueError):
    """The text is not one literal with at most one conversion; the message says why."""


@dataclass(frozen=True)
class Literal:
    """One literal read from a value: its kind and, for numbers, arrays, its contents."""

    kind: str
    integer: int | None = None  # the value of an integer
    elements: tuple[Literal, ...] = ()  # the elements of an array or a byte array


@dataclass(frozen=True)
class Value:
    """A value as the profile writes it: the literal's text and the conversion, if any."""

    literal: str
    kind: str
    conversion: str | None = None

    @property
    def text(self) -> str:
        return f"{self.literal} {self.conversion}" if self.conversion else self.literal


def read_value(text: str) -> Value:
    """The value ``text`` holds; raises :class:`NotAValue` saying why it is not one."""
    if "\x00" in text:  # as in a method's source: Smalltalk parsers stop at a NUL
        raise NotAValue("must not contain NUL characters")
    reader = _Reader(text)
    reader.blanks()
    if reader.at_end():
        raise NotAValue("is empty; write a literal such as 3, 'abc', #(1 2) or nil")
    start = reader.position
    literal = reader.top_literal()
    literal_text = text[start : reader.position]
    had_blank = reader.blanks()
    conversion = None
    if not reader.at_end():
        word = _NAME.match(text, reader.position)
        if not had_blank or word is None:
            raise NotAValue(reader.unexpected("after the literal"))
        conversion = word.group()
        reader.position = word.end()
        reader.blanks()
        if conversion not in CONVERSIONS:
            raise NotAValue(
                f"{conversion} is not one of the conversions "
                f"({', '.join(CONVERSIONS)}); a value is never code"
            )
        if not reader.at_end():
            raise NotAValue(
                reader.unexpected(f"after {conversion}", "only one conversion may follow")
            )
        _check_conversion(literal, conversion)
    return Value(literal_text, literal.kind, conversion)


def _check_conversion(literal: Literal, conversion: str) -> None:
    """Refuse a conversion its literal has no method for, or whose elements do not fit."""
    if literal.kind not in CONVERSIONS[conversion]:
        raise NotAValue(f"{conversion} does not apply to {_a(literal.kind)}")
    negative = literal.integer is not None and literal.integer < 0
    if conversion == "asByteArray" and literal.kind == "integer" and negative:
        raise NotAValue(f"{conversion} needs an integer that is not negative")
    if literal.kind != "array":
        return
    if conversion == "asFloatArray":
        if any(element.kind not in _NUMBER_KINDS for element in literal.elements):
            raise NotAValue("asFloatArray needs an array of numbers")
        return
    bounds = _ELEMENT_RANGES.get(conversion)
    if bounds is None:
        return
    low, high = bounds
    for element in literal.elements:
        if element.integer is None or not low <= element.integer <= high:
            raise NotAValue(f"{conversion} needs an array of integers from {low} to {high}")


def _a(kind: str) -> str:
    names = {"true": "true", "false": "false", "nil": "nil"}
    if kind in names:
        return names[kind]
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{article} {'byte array' if kind == 'bytes' else kind}"


class _Reader:
    """A cursor over a value's text that reads literals and says where it stopped."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def at_end(self) -> bool:
        return self.position >= len(self.text)

    def peek(self, offset: int = 0) -> str:
        index = self.position + offset
        return self.text[index] if index < len(self.text) else ""

    def blanks(self) -> bool:
        """Skip blanks; answer whether there were any."""
        start = self.position
        while not self.at_end() and self.text[self.position] in _SEPARATORS:
            self.position += 1
        return self.position > start

    def unexpected(self, where: str, why: str = "") -> str:
        rest = self.text[self.position : self.position + 20]
        tail = f"; {why}" if why else ""
        return f"unexpected {rest!r} {where} (column {self.position + 1}){tail}"

    def ended(self) -> None:
        """A literal must end before a blank, a closing bracket or the end of the text."""
        if not self.at_end() and self.peek() not in _SEPARATORS + ")]":
            raise NotAValue(self.unexpected("right after a literal", "put a blank between"))

    # -- literals ----------------------------------------------------------------

    def top_literal(self) -> Literal:
        """A literal outside an array: a bare name is a variable there, never a value."""
        word = _NAME.match(self.text, self.position)
        if word:
            if word.group() in _CONSTANTS and not _is_name_char(self.peek(len(word.group()))):
                self.position = word.end()
                self.ended()
                return Literal(word.group())
            raise NotAValue(
                f"{word.group()!r} is a name, not a literal: a value is never code "
                "(quote text as 'text', write a symbol as #name)"
            )
        if self.peek() == "(":
            raise NotAValue("a parenthesis starts an expression; write a literal array as #( … )")
        return self.literal(depth=0, in_array=False)

    def literal(self, depth: int, in_array: bool) -> Literal:
        char = self.peek()
        if char == "'":
            self.string()
            found = Literal("string")
        elif char == "$":
            if self.position + 1 >= len(self.text):
                raise NotAValue("$ at the end: a character literal is $ and one character")
            self.position += 2
            found = Literal("character")
        elif char == "#":
            found = self.hashed(depth)
        elif _is_digit(char) or (char == "-" and _is_digit(self.peek(1))):
            found = self.number()
        elif in_array:
            found = self.array_word(depth)
        else:
            raise NotAValue(self.unexpected("where a literal starts"))
        self.ended()
        return found

    def string(self) -> None:
        """Skip a quoted string (doubled quotes inside)."""
        index = self.position + 1
        while True:
            end = self.text.find("'", index)
            if end < 0:
                raise NotAValue(f"the string at column {self.position + 1} is not closed")
            if self.text.startswith("'", end + 1):
                index = end + 2
                continue
            self.position = end + 1
            return

    def hashed(self, depth: int) -> Literal:
        """``#(…)``, ``#[…]``, ``#'…'``, ``#name``, ``#key:word:`` or ``#+``."""
        after = self.peek(1)
        if after == "(":
            self.position += 2
            return self.array(depth + 1, ")")
        if after == "[":
            self.position += 2
            return self.byte_array()
        if after == "'":
            self.position += 1
            self.string()
            return Literal("symbol")
        for pattern in (_KEYWORDS, _NAME, _BINARY):
            found = pattern.match(self.text, self.position + 1)
            if found:
                self.position = found.end()
                if pattern is _NAME and self.peek() == ":":
                    raise NotAValue(self.unexpected("in a symbol"))
                return Literal("symbol")
        raise NotAValue(self.unexpected("after #", "a symbol is #name, #key:word:, #+ or #'text'"))

    def number(self) -> Literal:
        found = _NUMBER.match(self.text, self.position)
        if found is None:  # a digit always starts a number
            raise NotAValue(self.unexpected("in a number"))
        self.position = found.end()
        if _is_name_char(self.peek()) or self.peek() == ".":
            raise NotAValue(self.unexpected("in a number"))
        negative = found.group().startswith("-")
        if len(found.group()) > MAX_DIGITS:
            raise NotAValue(f"a number of more than {MAX_DIGITS} characters")
        if found["radix"] is not None:
            return self.radix_number(found, negative)
        if found["fraction"] is not None:
            return Literal("scaled" if found["scale"] else "float")
        if found["scale"]:
            return Literal("scaled")
        value = int(found["whole"]) * (-1 if negative else 1)
        exponent = int(found["exponent"] or 0)
        if exponent < 0:
            return Literal("fraction")
        if exponent > 1000:
            raise NotAValue(f"the exponent {exponent} is too large for a value")
        return Literal("integer", value * 10**exponent)

    def radix_number(self, found: re.Match[str], negative: bool) -> Literal:
        radix = int(found["radix"])
        if not 2 <= radix <= 36:
            raise NotAValue(f"radix {radix} is not from 2 to 36")
        try:
            value = int(found["digits"], radix)
        except ValueError:
            raise NotAValue(f"{found['digits']} has a digit that radix {radix} lacks") from None
        return Literal("integer", -value if negative else value)

    def array(self, depth: int, closing: str) -> Literal:
        """The elements of a literal array up to ``closing``."""
        if depth > MAX_DEPTH:
            raise NotAValue(f"arrays nested more than {MAX_DEPTH} deep")
        elements: list[Literal] = []
        while True:
            self.blanks()
            if self.at_end():
                raise NotAValue("a literal array is not closed: ) expected")
            if self.peek() == closing:
                self.position += 1
                return Literal("array", elements=tuple(elements))
            elements.append(self.literal(depth, in_array=True))

    def array_word(self, depth: int) -> Literal:
        """Inside ``#( )``: a nested ``( )``, true/false/nil, or a bare name or keyword
        (a symbol there)."""
        if self.peek() == "(":
            self.position += 1
            return self.array(depth + 1, ")")
        keywords = _KEYWORDS.match(self.text, self.position)
        if keywords:
            self.position = keywords.end()
            return Literal("symbol")
        word = _NAME.match(self.text, self.position)
        if word:
            self.position = word.end()
            return Literal(word.group() if word.group() in _CONSTANTS else "symbol")
        raise NotAValue(self.unexpected("in a literal array"))

    def byte_array(self) -> Literal:
        elements: list[Literal] = []
        while True:
            self.blanks()
            if self.at_end():
                raise NotAValue("a byte array is not closed: ] expected")
            if self.peek() == "]":
                self.position += 1
                return Literal("bytes", elements=tuple(elements))
            start = self.position
            element = self.number() if _is_digit(self.peek()) else None
            if element is None or element.integer is None or not 0 <= element.integer <= 255:
                self.position = start
                raise NotAValue(self.unexpected("in a byte array", "bytes are integers 0 to 255"))
            self.ended()
            elements.append(element)


def _is_name_char(char: str) -> bool:
    return bool(char) and (char.isalnum() or char in "_:")


def _is_digit(char: str) -> bool:
    return len(char) == 1 and char in _DIGITS
