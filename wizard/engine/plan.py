"""The plan: the ordered steps from an empty folder to a verified, tried plugin library.

A step is small and uniform: an id, a phase, a title, ``detect`` (is it already done? read
from the disk, never from memory), ``actions`` (its work as :mod:`wizard.engine.actions`, which
``--dry-run`` prints) and ``run`` (which performs those same actions through the context's
executor). The two build modes are two plans, :data:`TWO_PASS` and :data:`SINGLE_PASS`: the
same step ids, and where a step differs by mode, its variant is given at construction.

Step implementations live in ``wizard.steps``; this module only names them, so that
``--list-steps`` and argument checking import nothing heavy.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from wizard.engine.actions import Executor, lines_of
from wizard.profile.trust import Grant

if TYPE_CHECKING:
    from pathlib import Path

    from wizard.engine.actions import Action
    from wizard.engine.runner import CancelToken
    from wizard.engine.sink import StepOutput
    from wizard.engine.state import StepRecord
    from wizard.profile.model import Profile

PHASES = ("setup", "develop", "build")


@dataclass(frozen=True)
class Status:
    """What ``detect`` found: done or not, and why, in words for the user."""

    done: bool
    reason: str


@dataclass(frozen=True)
class Outcome:
    """How a step ended in this run."""

    kind: str  # "ok" | "skipped" | "failed" | "interrupted"
    reason: str = ""
    log: Path | None = None
    hint: str | None = None
    details: tuple[str, ...] = ()
    bad_input: bool = False  # a step refused bad input: the run ends with exit status 2

    def summary(self) -> str:
        if self.kind == "ok":
            return "ok"
        if self.kind == "skipped":
            return f"skipped: already done ({self.reason})"
        lines = [f"{'FAILED' if self.kind == 'failed' else 'INTERRUPTED'}: {self.reason}"]
        lines.extend(f"    {detail}" for detail in self.details)
        if self.log is not None:
            lines.append(f"    log: {self.log}")
        if self.hint:
            lines.append(f"    next: {self.hint}")
        return "\n".join(lines)


@dataclass
class Context:
    """Everything a step may use: the profile, the run's options, derived paths.

    Paths derived from the profile are computed here, each checked to stay inside the
    folder it belongs to. The three roots (workspace, checkout, build folder) are resolved
    once per context, that is once per run; a path inside them is resolved on every use.
    """

    profile: Profile
    force: bool = False
    dry_run: bool = False
    bench: bool = False  # --bench: ``try`` also times each example
    trust: Grant = field(default_factory=Grant)  # --trust, or the TUI's yes
    cache: dict[str, Any] = field(default_factory=dict)
    token: CancelToken | None = None
    executor: Executor = field(default_factory=lambda: Executor())

    def perform(self, action: Action, out: StepOutput) -> Any:
        """Do one action of a step through the executor (a test's may record it)."""
        return self.executor.perform(action, self, out)

    @property
    def plugin(self) -> str:
        return self.profile.plugin.name

    @functools.cached_property
    def workspace(self) -> Path:
        return self.profile.workspace_dir

    @functools.cached_property
    def checkout(self) -> Path:
        return inside(self.profile.checkout_dir, self.workspace)

    @functools.cached_property
    def build_dir(self) -> Path:
        return inside(self.profile.build_dir, self.workspace)

    @property
    def jobs(self) -> int:
        return self.profile.build.jobs or os.cpu_count() or 1

    def log_path(self, step_id: str) -> Path:
        return inside(self.profile.logs_dir / f"{step_id}.log", self.workspace)

    def in_checkout(self, relative: str) -> Path:
        """A path inside the checkout; refuses anything that would leave it."""
        return inside(self.checkout / relative, self.checkout)

    def close(self) -> None:
        """Let go of what the steps cached: a GitPython Repo keeps ``git cat-file`` running."""
        for value in self.cache.values():
            close = getattr(value, "close", None)
            if callable(close):
                with contextlib.suppress(Exception):
                    close()
        self.cache.clear()

    @property
    def records(self) -> dict[str, StepRecord]:
        """What ``state: steps:`` says about each step, as typed records: changes nothing."""
        from wizard.engine.state import step_records

        return step_records(self.profile.state)

    @property
    def step_state(self) -> dict[str, Any]:
        """``state: steps:`` for writing; created (or replaced, if not a mapping) on first use."""
        steps = self.profile.state.get("steps")
        if not isinstance(steps, dict):
            steps = self.profile.state["steps"] = {}
        return steps


def inside(path: Path, root: Path) -> Path:
    """``path`` made absolute, provided it stays within ``root`` (no ``..``, no symlink trick)."""
    resolved = path.resolve()
    base = root.resolve()
    if resolved != base and base not in resolved.parents:
        from wizard.errors import OutsideWorkspace

        raise OutsideWorkspace(
            f"{path} leads to {resolved}, outside {root}",
            hint="the wizard writes only inside its workspace: replace the symlink by the "
            "folder itself, or point the profile's workspace at a folder that holds it",
        )
    return resolved


class Step:
    """One step of the plan. Subclasses set the class attributes and the three methods."""

    id: ClassVar[str]
    phase: ClassVar[str]
    title: ClassVar[str]
    always_runs: ClassVar[bool] = False

    def detect(self, ctx: Context) -> Status:
        """Whether the step's work is already on disk. Must not change anything."""
        raise NotImplementedError

    def standing(self, ctx: Context, earlier: Mapping[str, Status]) -> Status:
        """Whether the step's work stands, as every face shows it (the Setup tree, the
        Build list, ``--dry-run``), given the standing of the steps before it: what
        ``detect`` says, for a step that runs only when its work is missing. A step that
        runs each time (verify, try) overrides this: its work stands when its last run
        passed and nothing before it changed since. Must not change anything."""
        return self.detect(ctx)

    def actions(self, ctx: Context) -> list[Action]:
        """The step's work as actions, planned from what is on disk now; ``run`` performs
        these (those marked ``when`` only if what it finds asks for them)."""
        raise NotImplementedError

    def runs_each_time(self, ctx: Context) -> bool:
        """Whether a run performs the step even when its work stands (verify always; try
        when there are examples to call): ``--dry-run`` says "would run again"."""
        return self.always_runs

    def describe(self, ctx: Context) -> list[str]:
        """What ``run`` would do, for ``--dry-run``: the lines of its actions."""
        return lines_of(self.actions(ctx))

    def run(self, ctx: Context, out: StepOutput) -> None:
        """Do the step's work, or raise :class:`wizard.errors.StepFailed`."""
        raise NotImplementedError

    def record(self, ctx: Context) -> dict[str, Any]:
        """Extra facts to keep in ``state:`` after a successful run (files written, artifact)."""
        return {}


def standings(
    steps: Iterable[Step], ctx: Context, earlier: Mapping[str, Status] | None = None
) -> dict[str, Status]:
    """Each step's :meth:`Step.standing`, in plan order, after the ``earlier`` ones: what the
    Setup tree, the Build list and ``--dry-run`` all show. A step whose detect cannot tell
    (a missing tool, an unreadable file) is "not done, because…"."""
    found: dict[str, Status] = dict(earlier or {})
    for step in steps:
        try:
            found[step.id] = step.standing(ctx, found)
        except Exception as error:  # noqa: BLE001 - a question, not the step's work
            found[step.id] = Status(False, str(error) or type(error).__name__)
    return found


def earlier_stand(earlier: Mapping[str, Status]) -> bool:
    """Whether every step before this one stands (a step that runs each time is stale
    once anything before it changed)."""
    return all(status.done for status in earlier.values())


@dataclass(frozen=True)
class StepSpec:
    """One step of a plan, named without importing it: its id, phase, title, where it is
    implemented, and the variant its class is built with in this plan."""

    id: str
    phase: str
    title: str
    home: str  # "module:Class"
    variant: tuple[tuple[str, Any], ...] = ()

    def load(self) -> Step:
        """The step object, its module imported only now (a run needs it)."""
        module_name, _, class_name = self.home.partition(":")
        step_class = getattr(importlib.import_module(module_name), class_name)
        return step_class(**dict(self.variant))


SETUP, DEVELOP, BUILD = "wizard.steps.setup", "wizard.steps.develop", "wizard.steps.build"

CLONE = StepSpec("clone", "setup", "clone pharo-vm", f"{SETUP}:Clone")
CHECKOUT = StepSpec("checkout", "setup", "check out the base branch", f"{SETUP}:Checkout")
BRANCH = StepSpec("branch", "setup", "create and check out the plugin branch", f"{SETUP}:Branch")
PLUGIN_SOURCE = StepSpec(
    "plugin-source", "develop", "write the plugin class (Tonel)", f"{DEVELOP}:PluginSource"
)
PLUGIN_LIST = StepSpec(
    "plugin-list",
    "develop",
    "add the plugin to VMMaker's external plugins",
    f"{DEVELOP}:PluginList",
)
COMMIT = StepSpec("commit", "develop", "commit the plugin on its branch", f"{DEVELOP}:Commit")
CONFIGURE = StepSpec("configure", "build", "configure the build (cmake)", f"{BUILD}:Configure")
GENERATE = StepSpec(
    "generate", "build", "generate the C sources (first make install)", f"{BUILD}:Generate"
)
PLUGINS_CMAKE = StepSpec(
    "plugins-cmake", "build", "declare the plugin to cmake", f"{BUILD}:PluginsCmake"
)
RECONFIGURE = StepSpec(
    "reconfigure", "build", "configure again with the plugin (cmake)", f"{BUILD}:Reconfigure"
)
COMPILE = StepSpec(
    "compile", "build", "build the plugin library (second make install)", f"{BUILD}:Compile"
)
VERIFY = StepSpec("verify", "build", "find and check the plugin library", f"{BUILD}:Verify")
TRY = StepSpec("try", "build", "call the examples in the built VM", "wizard.steps.trying:Try")  # fmt: skip


def _variant(spec: StepSpec, **variant: Any) -> StepSpec:
    return dataclasses.replace(spec, variant=tuple(variant.items()))


#: The article's procedure: generate the C first, then declare the plugin to cmake (which
#: refuses a plugin whose C does not exist yet), configure again and build the library.
#: The plugin's declaration is committed by its own step.
TWO_PASS: tuple[StepSpec, ...] = (
    CLONE, CHECKOUT, BRANCH,
    PLUGIN_SOURCE, PLUGIN_LIST, COMMIT,
    CONFIGURE, GENERATE, _variant(PLUGINS_CMAKE, commits=True), RECONFIGURE, COMPILE,
    VERIFY, TRY,
)  # fmt: skip

#: One configure and one build: VMMaker's outputs list the plugin's generated C, so cmake
#: accepts the declaration before the C exists; the develop commit takes both files.
SINGLE_PASS: tuple[StepSpec, ...] = (
    CLONE, CHECKOUT, BRANCH,
    PLUGIN_SOURCE, _variant(PLUGIN_LIST, lists_generated_c=True),
    _variant(PLUGINS_CMAKE, commits=False), _variant(COMMIT, with_build_files=True),
    CONFIGURE, _variant(COMPILE, regenerates=True),
    VERIFY, TRY,
)  # fmt: skip

PLANS: dict[str, tuple[StepSpec, ...]] = {"two-pass": TWO_PASS, "single-pass": SINGLE_PASS}

#: Every step once, in the order of the two-pass plan (which has them all): ``--list-steps``.
STEP_TABLE: tuple[StepSpec, ...] = TWO_PASS

_SPECS = {spec.id: spec for spec in STEP_TABLE}


def step_ids(mode: str = "two-pass") -> tuple[str, ...]:
    return tuple(spec.id for spec in PLANS[mode])


def title_of(step_id: str) -> str:
    return _SPECS[step_id].title


def phase_of(step_id: str) -> str:
    return _SPECS[step_id].phase


def load_step(step_id: str, mode: str) -> Step:
    """The step object for an id, in the variant the mode's plan builds it with."""
    return next(spec for spec in PLANS[mode] if spec.id == step_id).load()


def build_plan(mode: str) -> list[Step]:
    return [spec.load() for spec in PLANS[mode]]


def slice_plan(ids: tuple[str, ...], start: str | None, stop: str | None) -> tuple[str, ...]:
    """The inclusive slice ``start..stop`` of a plan; ValueError names a misplaced id."""
    for name, value in (("--from", start), ("--until", stop)):
        if value is not None and value not in ids:
            raise ValueError(f"{name} {value}: not a step of this plan ({', '.join(ids)})")
    first = ids.index(start) if start else 0
    last = ids.index(stop) if stop else len(ids) - 1
    if first > last:
        raise ValueError(f"--from {start} comes after --until {stop} in the plan")
    return ids[first : last + 1]
