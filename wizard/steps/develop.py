"""Develop phase: the plugin class in Tonel, VMMaker's external list, the commit."""

from __future__ import annotations

from wizard.errors import StepFailed
from wizard.plan import Context, Status, Step


class _NotYet(Step):
    phase = "develop"

    def detect(self, ctx: Context) -> Status:
        return Status(False, "not implemented")

    def describe(self, ctx: Context) -> list[str]:
        return ["not implemented yet"]

    def run(self, ctx, out) -> None:
        raise StepFailed("not implemented")


class PluginSource(_NotYet):
    id = "plugin-source"
    title = "write the plugin class (Tonel)"


class PluginList(_NotYet):
    id = "plugin-list"
    title = "add the plugin to VMMaker's external plugins"


class Commit(_NotYet):
    id = "commit"
    title = "commit the plugin on its branch"
