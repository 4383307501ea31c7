"""``configure`` and ``reconfigure``: cmake on the checkout, with the profile's options."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from wizard.checkout.facts import (
    checkout_layout,
    generated_c,
)
from wizard.engine.actions import Action, Command
from wizard.engine.step import Context, Status, Step
from wizard.errors import StepFailed
from wizard.profile.trust import step_gate
from wizard.steps.cmake import (
    CMAKE_ERROR,
    check_configure_downloads,
    cmake_configure_args,
    configured_status,
    first_matches,
    module_of,
    placeholder_action,
    placeholder_needed,
    record_options,
    run_tool,
    say_cache_use,
    stale_options,
)

if TYPE_CHECKING:
    from wizard.engine.sink import StepOutput


# --------------------------------------------------------------------------- configure


class Configure(Step):
    id = "configure"
    phase = "build"
    title = "configure the build (cmake)"

    def detect(self, ctx: Context) -> Status:
        return configured_status(ctx)

    def actions(self, ctx: Context) -> tuple[Action, Command]:
        return placeholder_action(ctx), Command(tuple(cmake_configure_args(ctx)), ctx.workspace)

    def run(self, ctx: Context, out: StepOutput) -> None:

        step_gate(ctx.profile, ctx.trust)  # the checkout is here now: its switches are known
        ctx.build_dir.mkdir(parents=True, exist_ok=True)
        record_options(ctx, keep_previous=True)  # first: the folder is the wizard's from now
        placeholder, cmake = self.actions(ctx)
        if placeholder_needed(ctx):
            ctx.perform(placeholder, out)
            plugin_list = checkout_layout(ctx).plugin_list
            out.line(
                f"{plugin_list} already declares {ctx.plugin} but its C is not generated yet: "
                f"wrote a placeholder {generated_c(module_of(ctx))} so that cmake can configure; "
                "VMMaker replaces it"
            )
        for name in stale_options(ctx):
            out.line(f"{name} was set by an earlier configure and is no longer wanted: -U{name}")
        check_configure_downloads(ctx)
        say_cache_use(ctx, out)
        if run_tool(ctx, cmake, out) != 0:
            self.fail(ctx)
        record_options(ctx, keep_previous=False)

    def fail(self, ctx: Context) -> None:
        from wizard.vm.download_failures import download_failure, download_failures

        log = ctx.log_path(self.id)
        failures = download_failures(log)
        if failures:
            raise download_failure(failures)
        errors = first_matches(log, CMAKE_ERROR, limit=12, after=3)
        hint = "read the CMake errors above; docs/offline.md lists the offline cmake options"
        if any("Cannot find source file" in line for line in errors):
            hint = (
                "cmake cannot find a generated plugin C file: the generate step must run "
                "before a plugin is declared in the plugin list (run without --from)"
            )
        raise StepFailed("cmake could not configure the build", hint=hint, details=errors)


class Reconfigure(Configure):
    id = "reconfigure"
    title = "configure again with the plugin (cmake)"

    def detect(self, ctx: Context) -> Status:
        if not (ctx.build_dir / "CMakeFiles" / f"{ctx.plugin}.dir").is_dir():
            return Status(False, f"the build tree has no target {ctx.plugin} yet")
        return Status(True, f"the build tree has a target {ctx.plugin}")

    def run(self, ctx: Context, out: StepOutput) -> None:
        layout = checkout_layout(ctx)
        super().run(ctx, out)
        log = ctx.log_path(self.id).read_text("utf-8", "replace")
        if not re.search(re.escape(layout.adding_message(ctx.plugin)) + r"\b", log):
            raise StepFailed(
                f"cmake did not add the plugin {ctx.plugin}",
                hint=f"check that {layout.plugin_list} declares it (the plugins-cmake step); "
                f"this checkout has the {layout.describe()}",
            )
