"""The two text formats between the wizard and ``try-plugin.st``, which tries the plugin.

``try`` cannot call a primitive itself: the built VM runs ``try-plugin.st`` in a copy of a
Pharo image.  The wizard hands it the examples as a file and reads its verdicts from the
VM's standard output, so both sides must agree on two small formats:

* the **examples file** (format 2): a first line ``#try-examples 2``, then one example a
  line, ``primitive<TAB>receiver<TAB>answers<TAB>argument…``; the receiver and each argument
  are values (:mod:`wizard.slang.literal`: one literal, perhaps one conversion), an empty
  receiver meaning the script's own object, and ``answers`` is a printString; every field has
  backslash escapes (``\\t`` tab, ``\\n`` line feed, ``\\\\`` backslash, and ``\\r``
  carriage return, which Smalltalk also treats as a line end), so a field never holds the
  tab or line end that delimit it;
* the **output lines**: ``TRY <primitive> => <printString>``, ``TRY <primitive> FAILED <error
  code printString>`` (one per example, in order) and, with bench 1, ``BENCH <primitive>
  <calls> per second``.  The printStrings are escaped the same way so each stays on one
  line.  Anything else the image prints (warnings, the Transcript) is ignored.

:func:`compare` turns the parsed lines into one verdict per example.  This module is pure:
no files, no processes; the ``try`` step does the I/O.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: An exported primitive is a C function name; it is also one word of the output lines.
PRIMITIVE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"t": "\t", "n": "\n", "r": "\r"}

_TRY_ANSWER = re.compile(r"^TRY (\S+) => (.*)$")
_TRY_FAILED = re.compile(r"^TRY (\S+) FAILED (.*)$")
# Pharo 10's bench prints '22058210.074 per second'; Pharo 12's BenchmarkResult prints
# '110,291,050 iterations in 5 seconds 1 millisecond. 22058024.600 per second'.  The script
# prints the number alone, but either form read here gives the same figure.
_BENCH = re.compile(r"^BENCH (\S+) (?:.*?\s)?([0-9][0-9,]*(?:\.[0-9]+)?) per second$")


#: The examples file's first line: the format ``try-plugin.st`` reads.
EXAMPLES_HEADER = "#try-examples 2"


@dataclass(frozen=True)
class Example:
    """One call ``try`` makes: the primitive, the expected printString, the arguments and the
    receiver.

    ``answers`` is the printString expected; ``receiver`` and each of ``arguments`` are
    values as text (``"'abc'"``, ``"3"``, ``"#(1.0 2.0) asFloatArray"``), exactly as the
    profile's ``plugin.examples`` gives them; an empty receiver is the script's own object.
    """

    primitive: str
    answers: str
    arguments: tuple[str, ...] = ()
    receiver: str = ""


@dataclass(frozen=True)
class TryAnswer:
    """``TRY <primitive> => <answer>``: the primitive succeeded; ``answer`` is its printString."""

    primitive: str
    answer: str


@dataclass(frozen=True)
class TryFailure:
    """``TRY <primitive> FAILED <error_code>``: the primitive failed (or the example could not
    run); ``error_code`` is the printString of the primitive's error code, e.g. ``#'not found'``
    when the VM could not load the module or find the primitive in it."""

    primitive: str
    error_code: str


@dataclass(frozen=True)
class BenchResult:
    """``BENCH <primitive> <calls> per second``: how often ``[ … ] bench`` called it."""

    primitive: str
    calls_per_second: float


TryResult = TryAnswer | TryFailure | BenchResult


class Outcome(enum.Enum):
    """What became of one example."""

    MATCH = "match"
    MISMATCH = "mismatch"
    FAILED = "failed"
    NO_ANSWER = "no answer"


@dataclass(frozen=True)
class Verdict:
    """One example and what the VM said about it; ``got`` is the answer's printString, or the
    error code's for a failure, or None when the VM printed nothing for it (it crashed, or
    stopped before)."""

    example: Example
    outcome: Outcome
    got: str | None = None
    calls_per_second: float | None = None

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.MATCH


# --------------------------------------------------------------------------- escaping


def escape(text: str) -> str:
    """``text`` on one line: backslash, tab, line feed and carriage return as ``\\\\ \\t \\n \\r``."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def unescape(text: str) -> str:
    """The inverse of :func:`escape`, read as ``try-plugin.st`` reads it: a backslash takes the
    next character literally unless it is ``t``, ``n`` or ``r``; a trailing one stays."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            index += 1
            char = _UNESCAPES.get(text[index], text[index])
        out.append(char)
        index += 1
    return "".join(out)


# --------------------------------------------------------------------------- examples file


def write_examples(examples: Iterable[Example]) -> str:
    """The examples file's text for ``try-plugin.st``: the header, one line per example.

    Raises ValueError for an example the script could not read back: a primitive that is not
    a C name (it is one word of the output lines), an empty answer or argument (an empty
    field is no literal), or a receiver or argument that is not a value.
    """
    from wizard.slang.literal import NotAValue, read_value

    lines = [EXAMPLES_HEADER]
    for example in examples:
        if not PRIMITIVE_NAME.match(example.primitive):
            raise ValueError(f"primitive {example.primitive!r} is not a C function name")
        fields = (example.answers, *example.arguments)
        if any(not field for field in fields):
            raise ValueError(f"{example.primitive}: answers and arguments must not be empty")
        for value in filter(None, (example.receiver, *example.arguments)):
            try:
                read_value(value)
            except NotAValue as problem:
                raise ValueError(f"{example.primitive}: {value!r} {problem}") from None
        row = (example.primitive, example.receiver, *fields)
        lines.append("\t".join(escape(field) for field in row))
    return "".join(line + "\n" for line in lines)


# --------------------------------------------------------------------------- output


def parse_try_output(text: str) -> list[TryResult]:
    """The TRY and BENCH lines of the VM's standard output, in order; other lines ignored."""
    results: list[TryResult] = []
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        if match := _TRY_ANSWER.match(line):
            results.append(TryAnswer(match[1], unescape(match[2])))
        elif match := _TRY_FAILED.match(line):
            results.append(TryFailure(match[1], unescape(match[2])))
        elif match := _BENCH.match(line):
            results.append(BenchResult(match[1], float(match[2].replace(",", ""))))
    return results


def compare(examples: Sequence[Example], results: Sequence[TryResult]) -> list[Verdict]:
    """One verdict per example, in order.

    The script prints exactly one TRY line per example, in the examples' order, each followed
    by its BENCH line when benchmarking; so the n-th TRY line answers the n-th example (the
    same primitive may be tried with several arguments).  A TRY line naming another primitive
    than its example, or none at all (the VM died first), gives "no answer".  The answer must
    equal ``answers`` exactly: both are printStrings.
    """
    tries: list[tuple[TryAnswer | TryFailure, float | None]] = []
    for result in results:
        if isinstance(result, BenchResult):
            if tries and tries[-1][0].primitive == result.primitive:
                tries[-1] = (tries[-1][0], result.calls_per_second)
        else:
            tries.append((result, None))
    verdicts = []
    for index, example in enumerate(examples):
        if index >= len(tries) or tries[index][0].primitive != example.primitive:
            verdicts.append(Verdict(example, Outcome.NO_ANSWER))
            continue
        result, calls = tries[index]
        if isinstance(result, TryFailure):
            verdicts.append(Verdict(example, Outcome.FAILED, result.error_code, calls))
        else:
            outcome = Outcome.MATCH if result.answer == example.answers else Outcome.MISMATCH
            verdicts.append(Verdict(example, outcome, result.answer, calls))
    return verdicts
