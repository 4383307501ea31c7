"""The try table: what ``try`` prints and records for each example.

One row per example: the primitive, its arguments (and receiver), the expected printString, what the VM
answered, the calls per second with ``--bench``, and the verdict.  The same rows are printed
by the headless face, kept in ``state: steps: try: table:`` and shown by the TUI's Build
screen, so they are made here once, from :class:`wizard.formats.try_protocol.Verdict` records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.formats.try_protocol import Outcome, Verdict

VERDICT_WORDS = {
    Outcome.MATCH: "ok",
    Outcome.MISMATCH: "MISMATCH",
    Outcome.FAILED: "FAILED",
    Outcome.NO_ANSWER: "NO ANSWER",
}


@dataclass(frozen=True)
class TryRow:
    """One line of the table, as text, ready to print or to keep in ``state:``."""

    primitive: str
    arguments: str
    expected: str
    got: str
    calls_per_second: float | None
    verdict: str

    def as_state(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "primitive": self.primitive,
            "arguments": self.arguments,
            "expected": self.expected,
            "got": self.got,
            "verdict": self.verdict,
        }
        if self.calls_per_second is not None:
            row["calls_per_second"] = round(self.calls_per_second, 3)
        return row

    @classmethod
    def from_state(cls, data: Mapping[str, Any]) -> TryRow:
        """A row read back from ``state:`` (the TUI shows the last try from the profile)."""
        calls = data.get("calls_per_second")
        return cls(
            primitive=str(data.get("primitive", "?")),
            arguments=str(data.get("arguments", "")),
            expected=str(data.get("expected", "")),
            got=str(data.get("got", "")),
            calls_per_second=float(calls) if isinstance(calls, (int, float)) else None,
            verdict=str(data.get("verdict", "?")),
        )


def rows_of(verdicts: Sequence[Verdict]) -> list[TryRow]:
    """One row per verdict; a FAILED answer shows its error code, a missing one ``-``."""
    return [
        TryRow(
            primitive=verdict.example.primitive,
            arguments=_call(verdict.example.receiver, verdict.example.arguments),
            expected=verdict.example.answers,
            got="-" if verdict.got is None else verdict.got,
            calls_per_second=verdict.calls_per_second,
            verdict=VERDICT_WORDS[verdict.outcome],
        )
        for verdict in verdicts
    ]


def _call(receiver: str, arguments: tuple[str, ...]) -> str:
    """The arguments, and the receiver when the example has one (``on #(1.0 2.0) …``)."""
    shown = " ".join(arguments)
    if receiver:
        return f"on {receiver}" + (f": {shown}" if shown else "")
    return shown


def calls_text(calls: float | None) -> str:
    """Calls per second the way the article's table reads: ``22,058,210``."""
    return "-" if calls is None else f"{calls:,.0f}"


def table_lines(rows: Sequence[TryRow], bench: bool) -> list[str]:
    """The table as aligned text lines, header first; the calls/s column only with bench."""
    header = ["primitive", "arguments", "expected", "got"]
    if bench:
        header.append("calls/s")
    header.append("verdict")
    body = []
    for row in rows:
        cells = [row.primitive, row.arguments or "-", row.expected, row.got]
        if bench:
            cells.append(calls_text(row.calls_per_second))
        cells.append(row.verdict)
        body.append([_one_line(cell) for cell in cells])
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *body]
    ]


def _one_line(text: str) -> str:
    return text.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
