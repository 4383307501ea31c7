"""The headless face: ``--replay PROFILE``, the :class:`Workbench` with a console sink."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from wizard.engine.sink import ConsoleSink
from wizard.engine.step import Context, Status, Step, standings
from wizard.engine.workbench import Workbench
from wizard.errors import EXIT_BAD_INPUT, EXIT_OK, StepFailed, UsageError
from wizard.profile.trust import Grant, assess, gate, switch_defaults


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
    profile = workbench.profile
    grant = Grant(everything=trust)
    assessment = assess(profile) if dry_run else gate(profile, grant, str(profile_path))
    from wizard.profile.option_paths import missing_option_paths

    missing = missing_option_paths(profile)
    if missing and not dry_run:
        raise UsageError(f"{profile_path}: " + "; ".join(entry.line() for entry in missing))
    chosen = workbench.slice(start, stop)
    ctx = workbench.context(force=force, dry_run=dry_run, bench=bench, trust=grant)
    sink = ConsoleSink()
    from wizard.profile.shared_workspace import sharing_warnings

    for warning in sharing_warnings(profile):
        sink.message(warning)
    from wizard.profile.load import override_notes

    defaults = switch_defaults(ctx.checkout) or {}
    for note in override_notes(profile_path, overrides or [], defaults):
        sink.message(note)
    if dry_run:
        if assessment.needs_trust:
            verdict = "allowed by --trust" if trust else "a run needs --trust"
            sink.message(f"not plain data ({verdict}): " + "; ".join(assessment.lines()))
        pending = assessment.pending_line()
        if pending:
            sink.message(pending)
        clash = _name_clash(ctx)
        if clash:
            sink.message(f"a run would refuse at plugin-source: {clash}")
        for entry in missing:
            sink.message(f"a run would refuse: {entry.line()}")
        return _print_plan(workbench.plan(), chosen, ctx, sink)
    import shutil

    from wizard.engine.runner import install_hint

    if shutil.which("git") is None:  # before GitPython is imported: it refuses to load
        raise StepFailed("git is not installed or not on PATH", hint=install_hint("git"))
    result = workbench.run(chosen, ctx, sink)
    if result.exit_code == EXIT_OK:
        done = sum(1 for _, outcome in result.outcomes if outcome.kind == "ok")
        skipped = len(result.outcomes) - done
        sink.message(f"all {len(chosen)} steps done ({done} ran, {skipped} already done)")
    return result.exit_code


def _print_plan(plan: list[Step], chosen: Collection[str], ctx: Context, sink: ConsoleSink) -> int:
    """``--dry-run``: each chosen step's standing (as the TUI shows it) and the exact
    commands of the work it would do; nothing changes. The steps before the slice are
    asked too: a step that runs each time stands only when every earlier one does."""
    steps = [step for step in plan if step.id in chosen]
    sink.message(f"plan for {ctx.plugin} ({ctx.profile.build.mode}), nothing will be changed:")
    sink.message(f"checkout: {layout_line(ctx)}")
    earlier: dict[str, Status] = {}
    for step in plan:
        if step.id not in chosen:
            earlier = standings([step], ctx, earlier)
            continue
        sink.step_started(steps.index(step) + 1, len(steps), step)
        try:
            status = earlier[step.id] = step.standing(ctx, earlier)
            again = status.done and step.runs_each_time(ctx)
        except StepFailed as failure:
            earlier[step.id] = Status(False, failure.message)
            sink.message(f"would fail: {failure.message}")
            continue
        if status.done and not again:
            sink.message(f"would skip: already done ({status.reason})")
            continue
        if not status.done and not step.always_runs and _run_skips(step, ctx):
            sink.message(f"would skip, not done yet: {status.reason}")
            continue
        if again:
            sink.message(f"would run again: {status.reason}; it runs each time")
        else:
            sink.message(f"would run: {status.reason}")
        try:
            lines = step.describe(ctx)  # the lines of the very actions its run performs
        except StepFailed as failure:
            sink.message(f"would fail: {failure.message}")
            continue
        for line in lines:
            sink.message(f"    {line}")
    return EXIT_OK if steps else EXIT_BAD_INPUT


def _name_clash(ctx: Context) -> str | None:
    """Why ``plugin-source`` would refuse the plugin's name (a class of the base branch), or
    None; only once the checkout is cloned."""
    from wizard.steps.develop import refuse_a_clash

    if not (ctx.checkout / ".git").exists():
        return None
    try:
        refuse_a_clash(ctx)
    except StepFailed as refused:
        return refused.message
    return None


def _run_skips(step: Step, ctx: Context) -> bool:
    """Whether a run would skip a step that does not stand yet (try without examples,
    before verify: a run finds nothing to call)."""
    try:
        return step.detect(ctx).done
    except StepFailed:
        return False


def layout_line(ctx: Context) -> str:
    """Which layout the checkout has, or why it is not known, in one line."""
    from wizard.checkout.facts import read_layout
    from wizard.formats.layout import UnknownLayout

    if not ctx.checkout.is_dir():
        return f"{ctx.profile.repository.path} is not there yet; its layout is read once cloned"
    try:
        return read_layout(ctx.checkout).describe()
    except UnknownLayout as error:
        return f"unknown layout: {error}"
