"""``generate``: the first ``make install``, in which VMMaker generates the C sources, or
the Slang loop, which regenerates the plugin alone in the VMMaker image."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.checkout.facts import (
    generated_c,
    plugin_class_file,
)
from wizard.engine.actions import Action, Command
from wizard.engine.step import Context, Status, Step
from wizard.errors import StepFailed
from wizard.steps.build_logs import fail_build
from wizard.steps.cmake import (
    check_generate_downloads,
    cmake_install_args,
    first_matches,
    generated_path,
    installed_since_configure,
    is_generated,
    is_placeholder,
    module_of,
    newer,
    run_tool,
)

if TYPE_CHECKING:
    from wizard.engine.sink import StepOutput


# --------------------------------------------------------------------------- generate


REGENERATE_ERROR = re.compile(
    r"^(regenerate-plugin: (?!wrote )|Error: |[A-Za-z]*(Error|NotUnderstood|Exception)\b)"
)


class Generate(Step):
    """VMMaker writes the plugin's C: the first ``make install``, then the Slang loop.

    With a previous C, ``build.regenerate: plugin`` (the default) regenerates the plugin
    alone inside the build's VMMaker image (``regenerate-plugin.st``, seconds, offline);
    ``build.regenerate: image`` rebuilds the image and regenerates everything (minutes, and
    the network). Either way the previous C is kept until the new one is written.
    """

    id = "generate"
    phase = "build"
    title = "generate the C sources (first make install)"

    def detect(self, ctx: Context) -> Status:
        c_file = generated_path(ctx)
        source = ctx.in_checkout(plugin_class_file(ctx))
        if not c_file.exists():
            return Status(False, f"{generated_c(module_of(ctx))} does not exist yet")
        if is_placeholder(c_file):
            return Status(False, f"{generated_c(module_of(ctx))} is still the placeholder")
        if not newer(c_file, source):
            return Status(False, f"{generated_c(module_of(ctx))} is older than the plugin class")
        return Status(True, f"{generated_c(module_of(ctx))} is newer than the plugin class")

    def way(self, ctx: Context) -> str:
        """``first`` (no C yet), ``plugin`` (the loop) or ``image`` (rebuild the image)."""
        from wizard.slang.loop import vmmaker_image, vmmaker_vm
        from wizard.vm.vmmaker_cache import uses_cache

        if not is_generated(ctx):
            return "first"
        if ctx.profile.build.regenerate == "image":
            return "image"
        if uses_cache(ctx.build_dir) and not installed_since_configure(ctx):
            # cmake ran since the last make install (it switched to the cached image, say):
            # that make install regenerates every file from the cached image, whose class
            # may be older, so it runs first and the loop regenerates the plugin after it.
            return "first"
        if vmmaker_image(ctx.build_dir).is_file() and vmmaker_vm(ctx.build_dir) is not None:
            return "plugin"
        return "image"

    def actions(self, ctx: Context) -> list[Action]:
        from wizard.vm.vmmaker_cache import uses_cache

        way = self.way(ctx)
        if way == "plugin":
            return [self.regenerate_action(ctx)]
        install = Command(tuple(cmake_install_args(ctx)), ctx.workspace)
        if way == "image":
            return [ForgetImage(ctx.build_dir), install]
        if uses_cache(ctx.build_dir):  # the cached image may hold an older class: load ours
            return [install, self.regenerate_action(ctx)]
        return [install]

    @staticmethod
    def regenerate_action(ctx: Context) -> Command:
        """``regenerate-plugin.st`` in the build's VMMaker image: the plugin alone."""
        from wizard.slang.loop import regenerate_command, vmmaker_folder, vmmaker_vm

        vm = vmmaker_vm(ctx.build_dir) or vmmaker_folder(ctx.build_dir) / "vm" / "pharo"
        source = ctx.in_checkout(plugin_class_file(ctx))
        command = regenerate_command(ctx.build_dir, vm, source, ctx.plugin)
        return Command(
            tuple(command),
            ctx.workspace,
            says="regenerate the plugin alone in the build's VMMaker image:",
        )

    def run(self, ctx: Context, out: StepOutput) -> None:
        from wizard.slang.loop import PreviousC

        way = self.way(ctx)
        actions = self.actions(ctx)
        if way == "plugin":
            (regenerate_alone,) = [action for action in actions if isinstance(action, Command)]
            self.regenerate_in_image(ctx, regenerate_alone, out)
            return
        check_generate_downloads(ctx, forgetting=way == "image")
        previous = PreviousC.keep(ctx.build_dir, module_of(ctx)) if way == "image" else None
        forget = [action for action in actions if isinstance(action, ForgetImage)]
        install, *regenerate = [action for action in actions if isinstance(action, Command)]
        for action in forget:
            ctx.perform(action, out)
        try:
            if run_tool(ctx, install, out) != 0:
                fail_build(ctx, self.id)
            for command in regenerate:
                out.line(
                    "the VMMaker image comes from the wizard's cache and may hold an older "
                    f"{ctx.plugin}: regenerating it from the checkout's class"
                )
                self.regenerate_in_image(ctx, command, out, announce=False)
            if way == "image" and is_generated(ctx) and not self.detect(ctx).done:
                # The image is new but the generation did not run again: on a branch whose
                # generation depends on the image target, not its file (pharo-9), only a
                # missing output re-runs it. The new image holds the changed class.
                out.line(
                    "the build made the VMMaker image again but did not regenerate the "
                    "plugin: regenerating it alone in the new image"
                )
                self.regenerate_in_image(ctx, self.regenerate_action(ctx), out)
            if not is_generated(ctx):
                raise StepFailed(
                    f"the build ran but VMMaker did not write {generated_c(module_of(ctx))}",
                    hint=(
                        "VMMaker silently skips a listed plugin whose class it did not load: "
                        f"check that {plugin_class_file(ctx)} exists, that the plugin-list step "
                        f"put {ctx.plugin} in external: #(...), and that the superclass is a "
                        "plugin class"
                    ),
                )
        except BaseException:  # a failure, or Ctrl-C: the previous C goes back either way
            if previous is not None and not is_generated(ctx):
                for path in previous.restore():
                    out.line(f"put the previous {path.relative_to(ctx.build_dir)} back")
            raise
        from wizard.vm.vmmaker_cache import keep_image

        keep_image(ctx, out)

    def regenerate_in_image(
        self, ctx: Context, command: Command, out: StepOutput, announce: bool = True
    ) -> None:
        """The Slang loop: ``regenerate-plugin.st`` in the build's VMMaker image."""
        from wizard.slang.loop import PreviousC

        if announce:
            out.line(
                "the plugin class changed: regenerating it alone in the build's VMMaker image "
                "(build.regenerate: plugin; the image is not saved)"
            )
        previous = PreviousC.keep(ctx.build_dir, module_of(ctx))
        source = ctx.in_checkout(plugin_class_file(ctx))
        try:
            status = run_tool(ctx, command, out)
        except BaseException:  # Ctrl-C: VMMaker may have deleted a C file, put the pair back
            previous.restore()
            raise
        fresh = all(
            path.is_file() and newer(path, source)
            for path in (ctx.build_dir / generated_c(module_of(ctx), bits) for bits in (64, 32))
        )
        if status == 0 and fresh:
            return
        for path in previous.restore():
            out.line(f"kept the previous {path.relative_to(ctx.build_dir)}")
        log = ctx.log_path(self.id)
        errors = [
            line
            for line in first_matches(log, REGENERATE_ERROR, limit=12, after=6)
            if REGENERATE_ERROR.search(line) or line.startswith((" ", "\t"))
        ]
        why = f"exit status {status}" if status != 0 else "no new C file"
        raise StepFailed(
            f"VMMaker could not regenerate {ctx.plugin} ({why})" + _failure_said(errors),
            hint=_failure_hint(errors, ctx.plugin),
            details=errors,
        )


def _failure_said(errors: list[str]) -> str:
    """``: <what regenerate-plugin.st said>`` from its failure line, or nothing."""
    from wizard.slang.error_map import REGENERATE_FAILURE

    line = next((line for line in errors if REGENERATE_FAILURE.match(line)), None)
    return f": {line.removeprefix('regenerate-plugin: ')}" if line else ""


def _failure_hint(errors: list[str], plugin: str) -> str:
    """Point at the profile's method the failure line names, when it names one."""
    from wizard.slang.error_map import method_of_failure

    method = next(filter(None, (method_of_failure(line, plugin) for line in errors)), None)
    unchanged = "the previous C and library are unchanged"
    if method:
        return f"fix the method {method} in the profile, then run again; {unchanged}"
    return f"fix the Slang the message names, then run again; {unchanged}"


@dataclass(frozen=True)
class ForgetImage(Action):
    """The slow way: remove the VMMaker image and its step stamps, so that cmake builds the
    image again (nothing else reloads a changed class; the generation then runs again, since
    the image is newer than its outputs) (:func:`wizard.slang.loop.forget_image`). The
    plugin's C stays until VMMaker writes a new one: cmake may run again on the way and, when
    the plugin list declares the plugin, needs that file."""

    build_dir: Path

    def lines(self) -> list[str]:
        return [
            "remove the VMMaker image and its step stamps, so that cmake builds the image "
            "again and regenerates from it (needs the network); the plugin's C stays until "
            "a new one is written"
        ]

    def perform(self, ctx: Context, out: StepOutput) -> None:
        from wizard.slang.loop import forget_image

        out.line(
            "build.regenerate: image: the VMMaker image is rebuilt so that it loads the changed "
            "class, and the whole VM is generated again (this needs the network)"
        )
        for path in forget_image(self.build_dir):
            out.line(f"removed {path.relative_to(self.build_dir)}")
