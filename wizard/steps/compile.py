"""``compile``: the second ``make install``, which builds and installs the plugin library."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.checkout.facts import (
    checkout_layout,
    generated_c,
    read_layout,
)
from wizard.engine.actions import Action, Command
from wizard.engine.step import Context, Status, Step
from wizard.errors import StepFailed
from wizard.steps.build_logs import fail_build
from wizard.steps.cmake import (
    check_generate_downloads,
    cmake_install_args,
    generated_path,
    installed_since_configure,
    is_generated,
    module_of,
    newer,
    run_tool,
)
from wizard.steps.generate import Generate
from wizard.vm.artifacts import find_library, library_candidates

if TYPE_CHECKING:
    from wizard.engine.sink import StepOutput


# --------------------------------------------------------------------------- compile


def plugin_only(ctx: Context) -> bool:
    """Whether a ``make install`` finished after the last configure and the plugin has a
    target: then rebuilding the plugin's target and installing is all a change needs."""
    has_target = (ctx.build_dir / "CMakeFiles" / f"{ctx.plugin}.dir").is_dir()
    return has_target and installed_since_configure(ctx)


class Compile(Step):
    """The second ``make install`` (the only one in single pass): the library itself.

    In single pass there is no ``generate`` step, so ``compile`` also regenerates a C that
    is older than the plugin class (the Slang loop, as ``generate`` does it) before it
    builds: the first ``make install`` never regenerates a C that exists.
    """

    id = "compile"
    phase = "build"
    title = "build the plugin library (second make install)"

    def __init__(self, regenerates: bool = False) -> None:
        self.regenerates = regenerates

    def stale_c(self, ctx: Context) -> bool:
        """Single pass only: a generated C exists but is not newer than the class."""
        return self.regenerates and is_generated(ctx) and not Generate().detect(ctx).done

    def detect(self, ctx: Context) -> Status:
        library = find_library(ctx.build_dir, ctx.plugin)
        if library is None:
            return Status(False, f"no library for {ctx.plugin} yet")
        source = generated_path(ctx)
        if not source.exists():
            return Status(False, f"{generated_c(module_of(ctx))} does not exist")
        if self.stale_c(ctx):
            return Status(False, f"{generated_c(module_of(ctx))} is older than the plugin class")
        if not newer(library, source):
            return Status(False, f"{library.name} is older than its generated C")
        for relative in self.inputs(ctx):
            if not newer(library, ctx.in_checkout(relative)):
                return Status(False, f"{library.name} is older than {relative}")
        return Status(True, f"{library.relative_to(ctx.build_dir)} is newer than its generated C")

    def cached_image_actions(self, ctx: Context) -> list[Action]:
        """Single pass in a build folder that uses the wizard's cached image, before its
        first C: generate the sources, then the plugin from the checkout's class (the cached
        image may hold an older one), so that the ``make install`` compiles the checkout's."""
        from wizard.vm.vmmaker_cache import uses_cache

        if not self.regenerates or not uses_cache(ctx.build_dir) or is_generated(ctx):
            return []
        sources = ("cmake", "--build", str(ctx.build_dir), "--target", "generate-sources")
        return [Command(sources, ctx.workspace), Generate().regenerate_action(ctx)]

    def generate_with_cached_image(self, ctx: Context, out: StepOutput) -> None:
        """Perform :meth:`cached_image_actions` (the regeneration as the Slang loop does it)."""
        actions = self.cached_image_actions(ctx)
        if not actions:
            return
        sources, regenerate = actions
        assert isinstance(sources, Command) and isinstance(regenerate, Command)
        if run_tool(ctx, sources, out) != 0:
            fail_build(ctx, self.id)
        Generate().regenerate_in_image(ctx, regenerate, out, announce=False)

    @staticmethod
    def forget_installed_copy(ctx: Context) -> None:
        """Remove the installed copy of the plugin's library before ``cmake --install``.

        cmake takes a file whose modification time equals, to the second, the one it
        installed before for up to date: a library rebuilt within a second of the previous
        install (a make install, then the plugin's target) kept the older copy installed.
        Without a copy, cmake installs the library it has just built.
        """
        from wizard.checkout.safe_files import remove

        installed = library_candidates(ctx.build_dir, ctx.plugin)[1]
        remove(ctx.build_dir, installed.relative_to(ctx.build_dir))

    @staticmethod
    def inputs(ctx: Context) -> list[str]:
        """What else the library is built from: the plugin's own C and, for its links and
        definitions, the plugin list (a changed ``link:`` must rebuild it)."""
        from wizard.formats.layout import UnknownLayout
        from wizard.steps.develop import plugin_sources

        try:
            plugin_list = read_layout(ctx.checkout).plugin_list
        except UnknownLayout:
            return []
        return [plugin_list, *(target for target, _ in plugin_sources(ctx))]

    def actions(self, ctx: Context) -> list[Action]:
        """The whole ``make install``, or, once it ran since the last configure, only the
        plugin's target and then the install copy: the VM core is not touched. In single
        pass, a stale C is regenerated first (``generate``'s own actions)."""
        first = Generate().actions(ctx) if self.stale_c(ctx) else []
        if not plugin_only(ctx):
            install = Command(tuple(cmake_install_args(ctx)), ctx.workspace)
            return [*first, *self.cached_image_actions(ctx), install]
        build = ("cmake", "--build", str(ctx.build_dir), "--target", ctx.plugin)
        return [
            *first,
            Command((*build, "-j", str(ctx.jobs)), ctx.workspace),
            Command(
                ("cmake", "--install", str(ctx.build_dir)),
                ctx.workspace,
                says="install, the plugin's installed copy removed first (cmake takes a copy "
                "made in the same second for up to date):",
            ),
        ]

    def run(self, ctx: Context, out: StepOutput) -> None:
        if self.stale_c(ctx):
            Generate().run(ctx, out)  # the previous C is kept until the new one is written
        if self.regenerates and not plugin_only(ctx):
            check_generate_downloads(ctx)
            self.generate_with_cached_image(ctx, out)
        for command in self.actions(ctx):
            if not isinstance(command, Command):  # generate's own, when the C is still stale
                ctx.perform(command, out)
                continue
            if command.args[:2] == ("cmake", "--install"):
                self.forget_installed_copy(ctx)
            if run_tool(ctx, command, out) != 0:
                fail_build(ctx, self.id)
        if self.regenerates:
            from wizard.vm.vmmaker_cache import keep_image

            keep_image(ctx, out)
        if find_library(ctx.build_dir, ctx.plugin) is None:
            raise StepFailed(
                f"the build succeeded but no library for {ctx.plugin} was found",
                hint=f"is {ctx.plugin} declared in {checkout_layout(ctx).plugin_list}? looked in: "
                + ", ".join(str(p) for p in library_candidates(ctx.build_dir, ctx.plugin)),
            )
