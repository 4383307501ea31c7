"""``plugins-cmake``: declare the plugin to cmake, in the checkout's layout's form, once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.checkout.facts import (
    checkout_layout,
    read_checkout_file,
    read_layout,
)
from wizard.checkout.git import uncommitted
from wizard.engine.actions import Action, Unknown, WriteOwned
from wizard.engine.step import Context, Status, Step
from wizard.errors import StepFailed
from wizard.steps.develop import CommitPaths, plugin_links

if TYPE_CHECKING:
    from wizard.engine.sink import StepOutput


# --------------------------------------------------------------------------- plugins.cmake


class PluginsCmake(Step):
    """Declare the plugin in the checkout's plugin list, in its layout's form, once."""

    id = "plugins-cmake"
    phase = "build"
    title = "declare the plugin to cmake"

    def __init__(self, commits: bool = True) -> None:
        self.commits = commits  # single pass: the develop commit takes the plugin list

    def detect(self, ctx: Context) -> Status:
        from wizard.formats.layout import UnknownLayout

        if not ctx.checkout.is_dir():
            return Status(False, "no checkout yet")
        try:
            plugin_list = read_layout(ctx.checkout).plugin_list
        except UnknownLayout as error:
            return Status(False, str(error))
        if not ctx.in_checkout(plugin_list).exists():
            return Status(False, f"no {plugin_list} yet")
        from wizard.formats.plugins_cmake import count_plugin_declarations

        text = read_checkout_file(ctx, plugin_list)
        count = count_plugin_declarations(text, ctx.plugin)
        if count != 1:
            return Status(False, f"{plugin_list} declares {ctx.plugin} {count} times")
        if read_layout(ctx.checkout).declare(text, ctx.plugin, plugin_links(ctx)) != text:
            return Status(False, f"{plugin_list} does not have {ctx.plugin}'s links yet")
        if self.commits and uncommitted(ctx.checkout, [plugin_list]):
            return Status(False, f"{plugin_list} declares {ctx.plugin}, not committed yet")
        return Status(True, f"{plugin_list} declares {ctx.plugin} once")

    def actions(self, ctx: Context) -> list[Action]:
        from wizard.formats.layout import UnknownLayout

        try:
            layout = read_layout(ctx.checkout)
        except UnknownLayout:
            links = plugin_links(ctx)
            said = [
                f"add add_vm_plugin({ctx.plugin} …) to the checkout's plugin list: "
                "cmake/plugins.cmake in the 2025 layout, plugins.cmake in the 2024 one "
                "(read from CMakeLists.txt once the checkout is there)",
                *(["right after it, what the plugin links and defines:", *links.splitlines()]
                  if links else []),
            ]  # fmt: skip
            return [Unknown(line) for line in said]
        plugin_list = layout.plugin_list
        text = read_checkout_file(ctx, plugin_list)
        try:
            new_text = layout.declare(text, ctx.plugin, plugin_links(ctx))
        except ValueError as error:
            raise StepFailed(f"{plugin_list}: {error}") from None
        says = (
            f"add to {plugin_list} ({layout.name}):",
            *layout.declaration(ctx.plugin, plugin_links(ctx)).splitlines(),
        )
        actions: list[Action] = [WriteOwned(self.id, plugin_list, new_text, says=says)]
        if self.commits:
            message = f"Build the {ctx.plugin} plugin\n\nDeclared in {plugin_list} by pharo-plugin-wizard."
            actions.append(CommitPaths((plugin_list,), message))
        return actions

    def run(self, ctx: Context, out: StepOutput) -> None:
        from wizard.formats.plugins_cmake import count_plugin_declarations

        layout = checkout_layout(ctx)
        plugin_list = layout.plugin_list
        out.line(f"checkout: {layout.describe()}")
        text = read_checkout_file(ctx, plugin_list)
        count = count_plugin_declarations(text, ctx.plugin)
        if count > 1:
            raise StepFailed(
                f"{plugin_list} declares {ctx.plugin} {count} times",
                hint="remove the extra add_vm_plugin lines by hand; the wizard never deletes them",
            )
        for action in self.actions(ctx):
            ctx.perform(action, out)

    def record(self, ctx: Context) -> dict[str, object]:
        return {"layout": checkout_layout(ctx).year}
