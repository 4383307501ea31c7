"""The engine: run a slice of the plan, step by step, detecting before acting.

Both faces use it. For each step it prints a header, asks ``detect``, and either skips
(saying why) or runs the step with its output going to the step's log file and to the
sink. After every step that ran, the step's status is written back into the profile's
``state:``. The first failure stops the run.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from wizard.engine.sink import Sink, StepOutput, open_log
from wizard.engine.state import StepRecord
from wizard.engine.step import Context, Outcome, Status, Step
from wizard.errors import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Interrupted,
    OutputClosed,
    StepFailed,
    StepRefused,
    environment_problem,
)
from wizard.profile.writer import save_state


@dataclass
class RunResult:
    """How a run ended, with each step's outcome in order."""

    exit_code: int
    outcomes: list[tuple[str, Outcome]] = field(default_factory=list)


@dataclass(frozen=True)
class OrderProblem:
    """Why a plan cannot start where it was asked to: an earlier step is not done."""

    start: str
    blocking: str
    reason: str

    def sentence(self) -> str:
        return f"cannot start at {self.start}: the earlier step {self.blocking} is not done ({self.reason})"

    def __str__(self) -> str:
        return f"{self.sentence()}; run without --from, or with --from {self.blocking}"


def check_order(steps: list[Step], first: Step, ctx: Context) -> OrderProblem | None:
    """The earliest step before ``first`` that is not done, or None when all are.

    This is the order guard: ``--from reconfigure`` before ``generate`` is refused with a
    sentence, instead of letting cmake fail with a stack of errors.
    """
    for step in steps:
        if step is first:
            return None
        if step.always_runs:
            continue
        status = step.detect(ctx)
        if not status.done:
            return OrderProblem(first.id, step.id, status.reason)
    return None


def run_steps(steps: list[Step], ctx: Context, sink: Sink) -> RunResult:
    """Run ``steps`` in order; answer the exit code and the outcomes."""
    result = RunResult(EXIT_OK)
    total = len(steps)
    try:
        for index, step in enumerate(steps, start=1):
            if _stopping(ctx):  # stopped between two steps: nothing more starts
                result.exit_code = EXIT_INTERRUPTED
                break
            sink.step_started(index, total, step)
            outcome = run_one(step, ctx, sink)
            result.outcomes.append((step.id, outcome))
            sink.step_finished(step, outcome)
            if outcome.kind == "failed":
                result.exit_code = EXIT_BAD_INPUT if outcome.bad_input else EXIT_FAILED
                break
            if outcome.kind == "interrupted":
                result.exit_code = EXIT_INTERRUPTED
                break
    finally:
        ctx.close()
    return result


def run_one(step: Step, ctx: Context, sink: Sink) -> Outcome:
    """Detect, then run one step; record its status in ``state:``."""
    try:
        status = Status(False, "always runs") if step.always_runs else step.detect(ctx)
        if status.done:
            return Outcome("skipped", status.reason)
        log_path = ctx.log_path(step.id)
        relative = ctx.profile.logs_dir.relative_to(ctx.workspace) / f"{step.id}.log"
        log_file = open_log(ctx.workspace, relative)
    except StepFailed as failure:
        return _failed(step, ctx, failure, None)
    except OSError as error:  # the logs folder is a file, not writable…: the machine, not a bug
        return _failed(step, ctx, environment_problem(error), None)
    started = time.monotonic()
    with log_file as log:
        out = StepOutput(sink, log)
        out.line(f"# {step.id}: {step.title} ({status.reason})")
        try:
            step.run(ctx, out)
        except StepFailed as failure:
            for line in [failure.message, *failure.details]:
                out.line(line)
            if _stopping(ctx):  # the tool failed because it was being stopped
                return _interrupted(step, ctx, out, log_path, started)
            return _failed(step, ctx, failure, log_path)
        except (KeyboardInterrupt, Interrupted):
            return _interrupted(step, ctx, out, log_path, started)
        except OSError as error:  # a folder that is a file, no permission, a full disk
            problem = environment_problem(error)
            with contextlib.suppress(OutputClosed, OSError):
                out.line(problem.message)
            return _failed(step, ctx, problem, log_path)
        except Exception as error:  # a bug: keep the traceback in the log, not on screen
            import traceback

            log.write(traceback.format_exc().encode())
            bug = StepFailed(
                f"internal error: {type(error).__name__}: {error}",
                hint="the traceback is in the log; please report it",
            )
            return _failed(step, ctx, bug, log_path)
    _remember(ctx, step, "done", log_path, started, step.record(ctx))
    return Outcome("ok", log=log_path)


def _interrupted(
    step: Step, ctx: Context, out: StepOutput, log_path: Path, started: float
) -> Outcome:
    """Stop what the step started, keep its log, record it ``interrupted``."""
    _stop_children()
    with contextlib.suppress(OutputClosed, OSError):  # in the log even when the screen is gone
        out.line("# interrupted: the process tree was stopped")
    _remember(ctx, step, "interrupted", log_path, started)
    return Outcome(
        "interrupted",
        f"{step.id} was interrupted",
        log_path,
        again=True,
    )


def _stopping(ctx: Context) -> bool:
    """A stop signal arrived (headless), or the TUI cancelled the run."""
    from wizard.engine import signals

    token = ctx.token
    return signals.stopping() or (token is not None and token.cancelled)


def _failed(step: Step, ctx: Context, failure: StepFailed, log_path: Path | None) -> Outcome:
    _remember(ctx, step, "failed", log_path, None, reason=failure.message.partition("\n")[0])
    return Outcome(
        "failed",
        f"{step.id}: {failure.message}",
        log_path,
        failure.hint,
        tuple(failure.details),
        bad_input=isinstance(failure, StepRefused),
        again=failure.again or not failure.hint,
    )


def _remember(
    ctx: Context,
    step: Step,
    status: str,
    log_path: Path | None,
    started: float | None,
    extra: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Write the step's record into ``state:`` and save it, keeping the rest of the file.

    The record keeps what the step wrote during its run (the files' digests, the try table)
    and, after a failure, its one-line reason (any other end forgets an older reason).
    """
    record = StepRecord.read(ctx.state.entry(step.id))
    record = replace(
        record,
        status=status,
        reason=reason,
        time=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        seconds=round(time.monotonic() - started, 1) if started is not None else record.seconds,
        log=str(log_path.relative_to(ctx.workspace)) if log_path is not None else record.log,
        facts={**record.facts, **(extra or {})},
    )
    ctx.state.put(step.id, record)
    if not ctx.dry_run:
        try:
            save_state(ctx.profile, ctx.state.data)
        except OSError as error:  # a full disk while recording: the step and the file named
            problem = environment_problem(error)
            raise StepFailed(
                f"{step.id}: cannot record the step ({status}) in the profile: {problem.message}",
                hint=problem.hint,
            ) from None


def _stop_children() -> None:
    from wizard.engine.runner import stop_children

    stop_children()
