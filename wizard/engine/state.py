"""``state:``, the profile's record of each step's last run, as typed records.

The file keeps ``state: steps: <id>: {status, time, seconds, log, reason, files, …}``; the wizard
reads it here, once per use, into :class:`StepRecord` values with one status vocabulary:
``done``, ``failed``, ``interrupted`` (a step never recorded is ``pending``). A word an
earlier version or a hand edit used for ``done`` (``ok``) is read as ``done``, and written
back as ``done`` the next time the step is recorded.

A record keeps the facts a step adds (``commit``, ``artifact``, ``table``…) in ``facts``,
so that writing a record back loses nothing this version does not know.

While the wizard runs, ``state:`` lives in one :class:`StateStore`, owned by the
Workbench: the engine's thread writes a step's entry under the store's lock, each write
publishing a new mapping, so that the TUI's thread reads an immutable snapshot and the
writer saves one without copying it against a concurrent change.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

#: The statuses a step's record can have, in the file and here.
STATUSES = ("done", "failed", "interrupted")
#: Other words for the same facts: read as the status they mean.
SYNONYMS = {"ok": "done"}
#: What a step never recorded is.
PENDING = "pending"

_KNOWN = ("status", "time", "seconds", "log", "reason", "files")


def status_word(value: object) -> str | None:
    """The status a recorded word means, or None when it is not a status at all."""
    if not isinstance(value, str):
        return None
    word = SYNONYMS.get(value, value)
    return word if word in STATUSES else None


@dataclass(frozen=True)
class StepRecord:
    """What ``state:`` says of one step: how its last run ended, when, where its log is,
    the digests of the files it wrote, and the facts it added. A failed run keeps its
    one-line reason, so that a later start can say why without the log."""

    status: str = PENDING
    time: str | None = None
    seconds: float | None = None
    log: str | None = None
    reason: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.status == "done"

    @property
    def broken(self) -> bool:
        """Whether the last run of the step failed or was interrupted."""
        return self.status in ("failed", "interrupted")

    @classmethod
    def read(cls, entry: object) -> StepRecord:
        """The record in a ``state: steps:`` entry; an entry of another shape is pending."""
        if not isinstance(entry, Mapping):
            return cls()
        files = entry.get("files")
        return cls(
            status=status_word(entry.get("status")) or PENDING,
            time=entry.get("time") if isinstance(entry.get("time"), str) else None,
            seconds=entry.get("seconds") if isinstance(entry.get("seconds"), int | float) else None,
            log=entry.get("log") if isinstance(entry.get("log"), str) else None,
            reason=entry.get("reason") if isinstance(entry.get("reason"), str) else None,
            files=dict(files) if isinstance(files, Mapping) else {},
            facts={key: value for key, value in entry.items() if key not in _KNOWN},
        )

    def as_entry(self) -> dict[str, Any]:
        """The record as the file keeps it (status first, as the wizard always wrote it)."""
        entry: dict[str, Any] = {}
        if self.status != PENDING:
            entry["status"] = self.status
        for key in ("time", "seconds", "log", "reason"):
            value = getattr(self, key)
            if value is not None:
                entry[key] = value
        entry.update(self.facts)
        if self.files:
            entry["files"] = dict(self.files)
        return entry


def step_records(state: object) -> dict[str, StepRecord]:
    """Every step's record in a profile's ``state:`` mapping, by step id."""
    steps = state.get("steps") if isinstance(state, Mapping) else None
    if not isinstance(steps, Mapping):
        return {}
    return {str(step): StepRecord.read(entry) for step, entry in steps.items()}


class StateStore:
    """The one ``state:`` of a profile being worked on: written by the engine, step by step,
    under a lock; read by anyone as an immutable snapshot.

    Every change builds a new mapping and publishes it whole (copy on write): a reader that
    took :attr:`data` or :meth:`records` keeps a value that never changes under it.
    """

    def __init__(self, state: Mapping[str, Any] | None = None) -> None:
        self._lock = threading.Lock()
        self._data: Mapping[str, Any] = MappingProxyType(copy.deepcopy(dict(state or {})))

    @property
    def data(self) -> Mapping[str, Any]:
        """The whole ``state:`` as it is now, to save or to read; never changes afterwards."""
        return self._data

    def records(self) -> dict[str, StepRecord]:
        """Every step's record, as it is now."""
        return step_records(self._data)

    def record(self, step_id: str) -> StepRecord:
        """One step's record (pending when there is none)."""
        return self.records().get(step_id) or StepRecord()

    def entry(self, step_id: str) -> Mapping[str, Any]:
        """One step's entry as the file keeps it (empty when there is none)."""
        steps = self._data.get("steps")
        entry = steps.get(step_id) if isinstance(steps, Mapping) else None
        return entry if isinstance(entry, Mapping) else {}

    def change(self, step_id: str, edit: Callable[[dict[str, Any]], None]) -> None:
        """Change one step's entry: ``edit`` gets a private copy, which is then published."""
        with self._lock:
            entry = copy.deepcopy(dict(self.entry(step_id)))
            edit(entry)
            steps = self._data.get("steps")
            steps = dict(steps) if isinstance(steps, Mapping) else {}
            steps[step_id] = entry
            self._data = MappingProxyType({**self._data, "steps": steps})

    def put(self, step_id: str, record: StepRecord) -> None:
        """Replace one step's record."""

        def edit(entry: dict[str, Any]) -> None:
            entry.clear()
            entry.update(record.as_entry())

        self.change(step_id, edit)
