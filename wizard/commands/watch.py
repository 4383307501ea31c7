"""``--replay PROFILE --watch``: after the run, run the plan again at each save.

Each save of the profile (or of a file it lists under ``plugin.sources``) starts a round:
the whole plan, in which every step already done is skipped, so a changed method costs the
Slang loop only (the Slang loop of the README). Each round ends with one summary line. What
is compared is taken before each round, so a save made while a round runs starts another
round after it; the wizard's own ``state:`` writes are left out of it, so they start none.
The profile is read as ``--replay`` reads it: a FIFO or a device is refused, never read. Ctrl-C (or SIGTERM) stops it: the runner stops the round's
children first, the command line exits 130.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.errors import LockedError, ProfileError, UsageError
from wizard.slang.error_map import MappedError, map_errors

if TYPE_CHECKING:
    from wizard.engine.run import RunResult
    from wizard.engine.sink import ConsoleSink
    from wizard.engine.step import Context
    from wizard.vm.try_table import TryRow

#: How often the watched files are looked at, in seconds.
POLL_SECONDS = 0.3


@dataclass(frozen=True)
class RoundSummary:
    """What one round did, as its summary line says it."""

    number: int
    seconds: float
    ran: tuple[str, ...]
    failed: str | None
    exports: tuple[str, ...]
    tried: str
    errors: tuple[MappedError, ...] = ()
    #: The try table's rows when ``try`` called the examples this round.
    tries: tuple[TryRow, ...] = ()

    def line(self) -> str:
        ran = ", ".join(self.ran) or "nothing"
        verdict = f"FAILED {self.failed}" if self.failed else "ok"
        from wizard.words import few

        exports = few(self.exports, none="-")
        return (
            f"round {self.number}: {verdict} in {self.seconds:.1f} s; ran: {ran}; "
            f"exports: {exports}; try: {self.tried}"
        )


def watched_files(profile_path: Path) -> list[Path]:
    """The profile and the ``plugin.sources`` files it names (when it loads)."""
    from wizard.profile.load import load_profile

    files = [profile_path]
    try:
        profile = load_profile(profile_path)
    except ProfileError:
        return files
    files.extend(profile_path.parent / source.path for source in profile.plugin.sources)
    return files


#: The most of a ``plugin.sources`` file the fingerprint reads (a C file is far smaller).
MAX_SOURCE_BYTES = 16 << 20


def fingerprint(files: list[Path]) -> str:
    """One digest of what the files say: the profile's meaning apart from ``state:`` (the
    wizard's own record, which each round writes), and each source file's bytes.

    Everything is read as the loader reads it: a FIFO, a device or a file that never ends
    counts as its refusal, never as a read that blocks or fills the memory.
    """
    from dataclasses import replace

    from wizard.checkout.safe_files import UnsafePath, read_regular
    from wizard.profile.load import read_profile_text
    from wizard.profile.writer import _load_text

    digest = hashlib.sha256()
    profile_path, *sources = files
    digest.update(str(profile_path).encode())
    try:
        text = read_profile_text(profile_path)
        try:
            digest.update(repr(replace(_load_text(text, profile_path), state={})).encode())
        except ProfileError:
            digest.update(text.encode())
    except ProfileError as error:
        digest.update(f"\0refused: {error}".encode())
    for path in sources:
        digest.update(str(path).encode())
        try:
            digest.update(read_regular(path, MAX_SOURCE_BYTES))
        except (OSError, UnsafePath):
            digest.update(b"\0missing")
    return digest.hexdigest()


def summarize(number: int, seconds: float, result: RunResult, ctx: Context) -> RoundSummary:
    ran = tuple(step for step, outcome in result.outcomes if outcome.kind == "ok")
    failed = next((o.reason for _, o in result.outcomes if o.kind == "failed"), None)
    exports = library_exports(ctx) if "verify" in ran else ()
    tried, tries = try_result(result, ctx)
    details = next((o.details for _, o in result.outcomes if o.kind == "failed"), ())
    errors = tuple(map_errors(details, ctx.plugin))
    return RoundSummary(number, seconds, ran, failed, exports, tried, errors, tries)


def try_result(result: RunResult, ctx: Context) -> tuple[str, tuple[TryRow, ...]]:
    """What ``try`` answered this round: ``2/2 as expected`` and its table's rows, or why
    there is no table (``skipped``, ``not in the plan``)."""
    from wizard.vm.try_table import TryRow

    outcome = next((o for step, o in result.outcomes if step == "try"), None)
    if outcome is None:
        return "not in the plan", ()
    record = ctx.records.get("try")
    table = record.facts.get("table") if record is not None else None
    if outcome.kind not in ("ok", "failed") or not isinstance(table, list) or not table:
        return outcome.kind, ()
    rows = tuple(TryRow.from_state(row) for row in table if isinstance(row, dict))
    passed = sum(1 for row in rows if row.verdict == "ok")
    return f"{passed}/{len(rows)} as expected", rows


def library_exports(ctx: Context) -> tuple[str, ...]:
    """The exports ``verify`` checks that the built library has, read from the disk."""
    from wizard.slang.syntax import exported_primitives
    from wizard.steps.verify import REQUIRED_EXPORTS
    from wizard.vm.artifacts import find_library, inspect_library

    path = find_library(ctx.build_dir, ctx.plugin)
    if path is None:
        return ()
    found = set(inspect_library(path).exports)
    wanted = [*REQUIRED_EXPORTS, *exported_primitives(ctx.profile.plugin)]
    return tuple(name for name in wanted if name in found)


def watch(
    profile_path: Path,
    sink: ConsoleSink,
    *,
    overrides: list[str] | None = None,
    force: bool = False,
    trust: bool = False,
) -> None:
    """Wait for saves and run a round for each, until interrupted (KeyboardInterrupt)."""
    last = fingerprint(watched_files(profile_path))
    sink.message(f"watching {profile_path} for changes (Ctrl-C to stop)")
    number = 0
    while True:
        time.sleep(POLL_SECONDS)
        if fingerprint(watched_files(profile_path)) == last:
            continue
        time.sleep(POLL_SECONDS)  # let an editor finish writing
        number += 1
        # Taken before the round: a save while it runs is a change the next look sees.
        last = fingerprint(watched_files(profile_path))
        sink.message(summary_line(number, profile_path, sink, overrides, force, trust))


def summary_line(
    number: int,
    profile_path: Path,
    sink: ConsoleSink,
    overrides: list[str] | None,
    force: bool,
    trust: bool,
) -> str:
    """Run one round of the whole plan; answer its summary line."""
    from wizard.engine.workbench import Workbench
    from wizard.profile.trust import Grant

    started = time.monotonic()
    try:
        workbench = Workbench.load(profile_path, overrides)
    except ProfileError as error:
        return f"round {number}: the profile does not load, waiting for the next save: {error}"
    ctx = workbench.context(force=force, trust=Grant(everything=trust))
    try:
        result = workbench.run(workbench.step_ids(), ctx, sink)
    except (UsageError, LockedError) as error:
        return f"round {number}: {error}"
    return summarize(number, time.monotonic() - started, result, ctx).line()
