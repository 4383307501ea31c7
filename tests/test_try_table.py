"""The try table: rows from verdicts, aligned text, the calls/s column only with bench."""

from __future__ import annotations

from wizard.formats.try_protocol import Example, Outcome, Verdict
from wizard.steps.trying import built_vm, library_path_variable
from wizard.vm.try_table import TryRow, rows_of, table_lines

ECHO = Example("primitiveEcho", "'a\tb'", ("'a\tb'",))
ANSWER = Example("primitiveAnswer", "42")


def test_rows_say_what_each_example_got():
    rows = rows_of(
        [
            Verdict(ECHO, Outcome.MATCH, "'a\tb'", 1234567.891),
            Verdict(ANSWER, Outcome.FAILED, "#'not found'"),
            Verdict(ANSWER, Outcome.NO_ANSWER),
        ]
    )
    assert [(r.got, r.verdict) for r in rows] == [
        ("'a\tb'", "ok"),
        ("#'not found'", "FAILED"),
        ("-", "NO ANSWER"),
    ]
    assert rows[0].as_state()["calls_per_second"] == 1234567.891
    assert "calls_per_second" not in rows[1].as_state()
    assert [TryRow.from_state(r.as_state()) for r in rows] == rows


def test_table_is_aligned_one_line_per_row_and_bench_adds_calls():
    rows = rows_of([Verdict(ECHO, Outcome.MATCH, "'a\tb'", 22058210.074)])
    plain = table_lines(rows, bench=False)
    assert plain[0].split() == ["primitive", "arguments", "expected", "got", "verdict"]
    assert plain[1].split() == ["primitiveEcho", "'a\\tb'", "'a\\tb'", "'a\\tb'", "ok"]
    assert plain[0].index("verdict") == plain[1].index("ok")
    timed = table_lines(rows, bench=True)
    assert timed[0].split()[4] == "calls/s"
    assert timed[1].split()[4] == "22,058,210"


def test_where_the_vm_is_and_which_path_finds_modules(tmp_path):
    assert built_vm(tmp_path, "linux") == tmp_path / "build/vm/pharo"
    assert built_vm(tmp_path, "darwin").name == "Pharo"
    assert built_vm(tmp_path, "win32").name == "Pharo.exe"
    assert [library_path_variable(p) for p in ("linux", "darwin", "win32")] == [
        "LD_LIBRARY_PATH",
        "DYLD_LIBRARY_PATH",
        "PATH",
    ]
