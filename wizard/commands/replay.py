"""The headless face: ``--replay PROFILE``, the :class:`Workbench` with a console sink."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from wizard.checkout.facts import read_layout
from wizard.engine.sink import ConsoleSink
from wizard.engine.step import Context
from wizard.engine.workbench import Workbench
from wizard.errors import EXIT_BAD_INPUT, EXIT_OK, StepFailed
from wizard.profile.trust import Grant
from wizard.steps.develop import refuse_a_clash


def replay(
    profile_path: Path,
    *,
    overrides: list[str] | None = None,
    start: str | None = None,
    stop: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    trust: bool = False,
    bench: bool = False,
) -> int:
    """Run (or, with ``dry_run``, print) the profile's plan from ``start`` to ``stop``.

    Cmake options that are not plain data, and a build folder's cache the wizard did not
    write, are refused (exit 2, each named with why) unless ``trust``; ``--dry-run`` shows
    them either way, and what waits for the checkout's own switches.
    """
    workbench = Workbench.load(profile_path, overrides)
    grant = Grant(everything=trust)
    preflight = workbench.preflight()  # the disk read once: the check and the run use it
    if not dry_run:
        workbench.check(grant, preflight)  # refused here, before a word is printed
    chosen = workbench.slice(start, stop)
    ctx = workbench.context(force=force, dry_run=dry_run, bench=bench, trust=grant)
    sink = ConsoleSink()
    for line in (*preflight.warnings, *preflight.notes):
        sink.message(line)
    if dry_run:
        assessment = preflight.assessment
        if assessment.needs_trust:
            verdict = "allowed by --trust" if trust else "a run needs --trust"
            sink.message(f"not plain data ({verdict}): " + "; ".join(assessment.lines()))
        pending = assessment.pending_line()
        if pending:
            sink.message(pending)
        clash = _name_clash(ctx)
        if clash:
            sink.message(f"a run would refuse at plugin-source: {clash}")
        for entry in preflight.missing_paths:
            sink.message(f"a run would refuse: {entry.line()}")
        return print_preview(workbench, chosen, ctx, sink)
    import shutil

    from wizard.engine.runner import install_hint

    if shutil.which("git") is None:  # before GitPython is imported: it refuses to load
        raise StepFailed("git is not installed or not on PATH", hint=install_hint("git"))
    result = workbench.run(chosen, ctx, sink, preflight=preflight)
    if result.exit_code == EXIT_OK:
        done = sum(1 for _, outcome in result.outcomes if outcome.kind == "ok")
        skipped = len(result.outcomes) - done
        sink.message(f"all {len(chosen)} steps done ({done} ran, {skipped} already done)")
    return result.exit_code


#: How ``--dry-run`` words each verdict of :meth:`Workbench.preview`.
VERDICTS = {
    "fail": "would fail: {}",
    "skip": "would skip: already done ({})",
    "skip-pending": "would skip, not done yet: {}",
    "again": "would run again: {}; it runs each time",
    "run": "would run: {}",
}


def print_preview(
    workbench: Workbench, chosen: Collection[str], ctx: Context, sink: ConsoleSink
) -> int:
    """``--dry-run``: the Workbench's preview, one header per step, then its verdict and
    the exact commands of the work it would do; nothing changes."""
    sink.message(f"plan for {ctx.plugin} ({ctx.profile.build.mode}), nothing will be changed:")
    sink.message(f"checkout: {layout_line(ctx)}")
    entries = workbench.preview(chosen, ctx)
    for number, entry in enumerate(entries, 1):
        sink.step_started(number, len(entries), entry.step)
        sink.message(VERDICTS[entry.verdict].format(entry.reason))
        for line in entry.lines:
            sink.message(f"    {line}")
    return EXIT_OK if entries else EXIT_BAD_INPUT


def _name_clash(ctx: Context) -> str | None:
    """Why ``plugin-source`` would refuse the plugin's name (a class of the base branch), or
    None; only once the checkout is cloned."""
    if not (ctx.checkout / ".git").exists():
        return None
    try:
        refuse_a_clash(ctx)
    except StepFailed as refused:
        return refused.message
    return None


def layout_line(ctx: Context) -> str:
    """Which layout the checkout has, or why it is not known, in one line."""
    from wizard.formats.layout import UnknownLayout

    if not ctx.checkout.is_dir():
        return f"{ctx.profile.repository.path} is not there yet; its layout is read once cloned"
    try:
        return read_layout(ctx.checkout).describe()
    except UnknownLayout as error:
        return f"unknown layout: {error}"
