"""The examples file and the TRY/BENCH lines shared with try-plugin.st (wizard.formats.try_protocol)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard.formats.try_protocol import (
    EXAMPLES_HEADER,
    BenchResult,
    Example,
    Outcome,
    TryAnswer,
    TryFailure,
    compare,
    escape,
    parse_try_output,
    unescape,
    write_examples,
)

# Text with plenty of the characters that matter: delimiters, backslashes, quotes.
TEXT = st.text(alphabet=st.sampled_from("ab'#$ \\\t\n\r(é1"), max_size=30)
FIELD = TEXT.filter(bool)
#: Values with the characters that matter inside strings: delimiters, backslashes, quotes.
VALUE = st.one_of(
    st.integers(-1000, 1000).map(str),
    TEXT.map(lambda t: "'" + t.replace("'", "''") + "'"),
    st.sampled_from(["#(1.0 2.0) asFloatArray", "#[1 2]", "$\t", "nil", "#a:b:"]),
)
PRIMITIVE = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_]{0,20}\Z")
EXAMPLE = st.builds(
    Example, PRIMITIVE, FIELD, st.lists(VALUE, max_size=4).map(tuple), st.just("") | VALUE
)


@given(TEXT)
def test_escape_round_trips_and_stays_on_one_field(text: str) -> None:
    escaped = escape(text)
    assert unescape(escaped) == text
    assert not {"\t", "\n", "\r"} & set(escaped)


@given(st.lists(EXAMPLE, max_size=5))
def test_examples_file_round_trips(examples: list[Example]) -> None:
    text = write_examples(examples)
    assert text.startswith("#try-examples 2\n")
    assert text.count("\n") == len(examples) + 1
    assert read_examples(text) == examples


def test_examples_file_layout() -> None:
    text = write_examples(
        [
            Example("primitiveGetHelloString", "'Hello'"),
            Example("primitiveAdd", "7", ("3", "4")),
            Example("primitiveEcho", "'a\tb\\c'", ("'a\tb\\c'",)),
            Example("primitiveSum", "6.0", (), "#(1.0 2.0 3.0) asFloatArray"),
        ]
    )
    assert text == (
        "#try-examples 2\n"
        "primitiveGetHelloString\t\t'Hello'\n"
        "primitiveAdd\t\t7\t3\t4\n"
        "primitiveEcho\t\t'a\\tb\\\\c'\t'a\\tb\\\\c'\n"
        "primitiveSum\t#(1.0 2.0 3.0) asFloatArray\t6.0\n"
    )


@pytest.mark.parametrize(
    "example",
    [
        Example("primitive Add", "3"),
        Example("", "3"),
        Example("primitiveAdd", ""),
        Example("primitiveAdd", "3", ("1", "")),
        Example("primitiveAdd", "3", ("Smalltalk at: #X put: 1",)),
        Example("primitiveAdd", "3", ("1",), "OSPlatform current"),
        Example("primitiveAdd", "3", ("'a' printString",)),
    ],
)
def test_examples_the_script_could_not_read_are_refused(example: Example) -> None:
    with pytest.raises(ValueError):
        write_examples([example])


def test_another_format_is_not_read() -> None:
    with pytest.raises(ValueError, match="format 2"):
        read_examples("primitiveAdd\t7\t3\t4\n")


def test_unescape_reads_like_the_script() -> None:
    # An unknown escape keeps the character; a trailing backslash stays.
    assert unescape(r"a\qb\\") == "aqb\\"
    assert unescape("end\\") == "end\\"


def test_parse_try_output_reads_both_bench_forms_and_ignores_the_rest() -> None:
    output = "\n".join(
        [
            "*** Warning: something the image logged",
            "TRY primitiveGetHelloString => 'Hello from your HelloWorldPlugin.'",
            "BENCH primitiveGetHelloString 22058210.074 per second",
            "TRY primitiveEcho => 'two\\nlines\\twith tab and \\\\'",
            # Pharo 12's BenchmarkResult printString, should it ever be printed whole.
            "BENCH primitiveEcho 110,291,050 iterations in 5 seconds 1 millisecond. 22058024.600 per second",
            "TRY primitiveMissing FAILED #'not found'",
            "Transcript: external plugin HelloWorldPlugin generated",
            "BENCH primitiveMissing 1,234 per second\r",
            "",
        ]
    )
    assert parse_try_output(output) == [
        TryAnswer("primitiveGetHelloString", "'Hello from your HelloWorldPlugin.'"),
        BenchResult("primitiveGetHelloString", 22058210.074),
        TryAnswer("primitiveEcho", "'two\nlines\twith tab and \\'"),
        BenchResult("primitiveEcho", 22058024.6),
        TryFailure("primitiveMissing", "#'not found'"),
        BenchResult("primitiveMissing", 1234.0),
    ]


@given(st.lists(st.tuples(PRIMITIVE, TEXT), max_size=5))
def test_parse_try_output_reads_back_any_printString(pairs: list[tuple[str, str]]) -> None:
    output = "".join(f"TRY {p} => {escape(answer)}\n" for p, answer in pairs)
    assert parse_try_output(output) == [TryAnswer(p, answer) for p, answer in pairs]


HELLO = Example("primitiveGetHelloString", "'Hello'")
ADD = Example("primitiveAdd", "7", ("3", "4"))
ADD_AGAIN = Example("primitiveAdd", "0", ("0", "0"))
MISSING = Example("primitiveMissing", "nil")


def test_compare_gives_each_verdict() -> None:
    results = parse_try_output(
        "TRY primitiveGetHelloString => 'Hello'\n"
        "BENCH primitiveGetHelloString 22058210.074 per second\n"
        "TRY primitiveAdd => 8\n"
        "TRY primitiveAdd => 0\n"
        "TRY primitiveMissing FAILED #'not found'\n"
    )
    verdicts = compare([HELLO, ADD, ADD_AGAIN, MISSING, HELLO], results)
    assert [(v.outcome, v.got, v.calls_per_second) for v in verdicts] == [
        (Outcome.MATCH, "'Hello'", 22058210.074),
        (Outcome.MISMATCH, "8", None),
        (Outcome.MATCH, "0", None),
        (Outcome.FAILED, "#'not found'", None),
        (Outcome.NO_ANSWER, None, None),
    ]
    assert [v.passed for v in verdicts] == [True, False, True, False, False]


def test_compare_matches_the_nth_line_to_the_nth_example() -> None:
    # The second line names another primitive than the second example: the output is not
    # that example's, so it and everything after it count as unanswered.
    results = parse_try_output("TRY primitiveAdd => 7\nTRY primitiveGetHelloString => 'Hello'\n")
    verdicts = compare([ADD, ADD_AGAIN, HELLO], results)
    assert [v.outcome for v in verdicts] == [Outcome.MATCH, Outcome.NO_ANSWER, Outcome.NO_ANSWER]


def test_compare_answers_must_be_equal_exactly() -> None:
    results = [TryAnswer("primitiveGetHelloString", "'Hello' ")]
    assert compare([HELLO], results)[0].outcome is Outcome.MISMATCH


def test_bench_of_another_primitive_is_not_attached() -> None:
    results = [TryAnswer("primitiveAdd", "7"), BenchResult("primitiveGetHelloString", 5.0)]
    assert compare([ADD], results)[0].calls_per_second is None


def read_examples(text: str) -> list[Example]:
    """The examples in an examples file, read the way ``try-plugin.st`` reads them (the
    header first, blank lines skipped).  The wizard only writes these files: this reader,
    the tests' own, checks what the script would see."""
    first, _, rest = text.partition("\n")
    if first != EXAMPLES_HEADER:
        raise ValueError(f"not an examples file of format 2: first line {first!r}")
    examples = []
    for line in rest.split("\n"):
        if not line:
            continue
        fields = [unescape(field) for field in line.split("\t")]
        if len(fields) < 3:
            raise ValueError(f"example line without receiver and answers: {line!r}")
        primitive, receiver, answers, *arguments = fields
        examples.append(Example(primitive, answers, tuple(arguments), receiver))
    return examples
