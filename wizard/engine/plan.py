"""The plan: the ordered steps from an empty folder to a verified, tried plugin library.

The two build modes are two plans, :data:`TWO_PASS` and :data:`SINGLE_PASS`: the same step
classes, and where a step differs by mode, the variant its class is built with. A step's
id, phase and title are its class's own (:class:`wizard.engine.step.Step`); everything
else — ``--list-steps``, ``--from``/``--until``, the TUI's phases and lists — is derived
from these tuples. Adding a step is one class in ``wizard.steps`` and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.engine.step import Step
from wizard.steps.compile import Compile
from wizard.steps.configure import Configure, Reconfigure
from wizard.steps.declare import PluginsCmake
from wizard.steps.develop import Commit, PluginList, PluginSource
from wizard.steps.generate import Generate
from wizard.steps.setup import Branch, Checkout, Clone
from wizard.steps.trying import Try
from wizard.steps.verify import Verify


@dataclass(frozen=True)
class PlanLine:
    """One line of a plan: a step's class and the variant it is built with there."""

    step: type[Step]
    variant: tuple[tuple[str, Any], ...] = ()

    @property
    def id(self) -> str:
        return self.step.id

    @property
    def phase(self) -> str:
        return self.step.phase

    @property
    def title(self) -> str:
        return self.step.title

    def load(self) -> Step:
        """The step object, built with this plan's variant."""
        return self.step(**dict(self.variant))


def line(step: type[Step], **variant: Any) -> PlanLine:
    """A plan line for ``step``, built with ``variant`` (keyword arguments of its class)."""
    return PlanLine(step, tuple(variant.items()))


#: The article's procedure: generate the C first, then declare the plugin to cmake (which
#: refuses a plugin whose C does not exist yet), configure again and build the library.
#: The plugin's declaration is committed by its own step.
TWO_PASS: tuple[PlanLine, ...] = (
    line(Clone), line(Checkout), line(Branch),
    line(PluginSource), line(PluginList), line(Commit),
    line(Configure), line(Generate), line(PluginsCmake, commits=True), line(Reconfigure),
    line(Compile),
    line(Verify), line(Try),
)  # fmt: skip

#: One configure and one build: VMMaker's outputs list the plugin's generated C, so cmake
#: accepts the declaration before the C exists; the develop commit takes both files.
SINGLE_PASS: tuple[PlanLine, ...] = (
    line(Clone), line(Checkout), line(Branch),
    line(PluginSource), line(PluginList, lists_generated_c=True),
    line(PluginsCmake, commits=False), line(Commit, with_build_files=True),
    line(Configure), line(Compile, regenerates=True),
    line(Verify), line(Try),
)  # fmt: skip

PLANS: dict[str, tuple[PlanLine, ...]] = {"two-pass": TWO_PASS, "single-pass": SINGLE_PASS}


def every_step() -> tuple[PlanLine, ...]:
    """Every step once, in plan order (the two-pass plan first, then any step only another
    plan has): ``--list-steps``."""
    seen: dict[str, PlanLine] = {}
    for plan in PLANS.values():
        for entry in plan:
            seen.setdefault(entry.id, entry)
    return tuple(seen.values())


def _entry(step_id: str) -> PlanLine:
    return next(entry for entry in every_step() if entry.id == step_id)


def step_ids(mode: str = "two-pass") -> tuple[str, ...]:
    return tuple(entry.id for entry in PLANS[mode])


def title_of(step_id: str) -> str:
    return _entry(step_id).title


def phase_of(step_id: str) -> str:
    return _entry(step_id).phase


def build_plan(mode: str) -> list[Step]:
    return [entry.load() for entry in PLANS[mode]]


def slice_plan(ids: tuple[str, ...], start: str | None, stop: str | None) -> tuple[str, ...]:
    """The inclusive slice ``start..stop`` of a plan; ValueError names a misplaced id."""
    for name, value in (("--from", start), ("--until", stop)):
        if value is not None and value not in ids:
            from wizard.words import did_you_mean, few

            raise ValueError(
                f"{name} {value}: not a step of this plan{did_you_mean(value, ids)} "
                f"({few(ids, near=value)})"
            )
    first = ids.index(start) if start else 0
    last = ids.index(stop) if stop else len(ids) - 1
    if first > last:
        raise ValueError(f"--from {start} comes after --until {stop} in the plan")
    return ids[first : last + 1]
