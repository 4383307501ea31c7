"""``verify``: find the plugin library and check what it exports and what it needs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.engine.actions import Action, Check
from wizard.engine.step import Context, Status, Step, earlier_stand
from wizard.errors import StepFailed
from wizard.steps.cmake import generated_path
from wizard.vm.artifacts import find_library, inspect_library, library_candidates

if TYPE_CHECKING:
    from wizard.engine.sink import StepOutput


# --------------------------------------------------------------------------- verify


REQUIRED_EXPORTS = ("getModuleName", "setInterpreter")


class Verify(Step):
    """Find the library and check its exports; print how to call it from an image."""

    id = "verify"
    phase = "build"
    title = "find and check the plugin library"
    always_runs = True

    def detect(self, ctx: Context) -> Status:
        return Status(False, "always runs")

    def standing(self, ctx: Context, earlier: Mapping[str, Status]) -> Status:
        """It runs each time; its check stands while the library it last passed is still
        there and every step before it still stands."""
        record = ctx.records.get(self.id)
        artifact = record.facts.get("artifact") if record else None
        if record is None or not record.done or not isinstance(artifact, Mapping):
            return Status(False, "runs after the library is built")
        path = str(artifact.get("path", ""))
        if not path or not (ctx.workspace / path).is_file():
            return Status(False, f"{path or 'the library'} is gone")
        if not earlier_stand(earlier):
            return Status(False, "an earlier step is no longer done")
        return Status(True, f"checked {path}")

    def actions(self, ctx: Context) -> list[Action]:
        places = ", ".join(str(p) for p in library_candidates(ctx.build_dir, ctx.plugin))
        return [
            Check(f"look for the library in: {places}"),
            Check(
                "check its dynamic symbols: getModuleName, setInterpreter and every exported "
                "primitive"
            ),
            Check(
                "check that every symbol it leaves undefined is exported by the VM or by a "
                "library it links"
            ),
        ]

    def run(self, ctx: Context, out: StepOutput) -> None:
        # The tokenizer's reading, which names what --lint's grammar names (tests/test_exports.py),
        # so that verify does not load tree-sitter (~7 ms of every run)
        from wizard.slang.exports import exported_primitives

        look, symbols, linkage = self.actions(ctx)
        ctx.perform(look, out)
        path = find_library(ctx.build_dir, ctx.plugin)
        if path is None:
            raise StepFailed(
                f"no library for {ctx.plugin} in the build folder",
                hint="run the compile step (run without --from)",
            )
        ctx.perform(symbols, out)
        library = inspect_library(path)
        wanted = [*REQUIRED_EXPORTS, *exported_primitives(ctx.profile.plugin)]
        missing = [name for name in wanted if name not in library.exports]
        out.line(f"library: {path}")
        out.line(f"size: {library.size} bytes, sha256: {library.sha256}")
        from wizard.words import few

        out.line(f"exports: {few(name for name in wanted if name in library.exports)}")
        if missing:
            raise StepFailed(
                f"{path.name} does not export {few(missing)}",
                hint="a primitive needs <export: true> or a SmartSyntax primitive: directive; "
                "the generated C is in " + str(generated_path(ctx)),
            )
        ctx.perform(linkage, out)
        self.check_linkage(ctx, path, out)
        ctx.cache["library"] = library
        if ctx.profile.plugin.examples:
            out.line("next: the try step calls plugin.examples in the built VM")
            return
        from wizard.slang.snippet import image_snippet

        out.line("")
        out.line("Try it: list calls under plugin.examples and the try step makes them; or paste")
        out.line("this into a Playground of an image run by this VM")
        for line in image_snippet(ctx.profile.plugin).splitlines():
            out.line("    " + line)

    @staticmethod
    def check_linkage(ctx: Context, path: Path, out: StepOutput) -> None:
        """Fail naming the undefined symbols nothing provides (the usual forgotten ``link:``)."""
        from wizard.formats.elf import is_elf

        if not is_elf(path):
            out.line("undefined symbols: not checked (only ELF libraries are read for them)")
            return
        from wizard.vm.linkage import check_linkage
        from wizard.words import few

        linkage = check_linkage(path)
        out.line(f"needs: {few(linkage.needed, none='no library')}")
        if linkage.not_found:
            out.line(
                f"warning: {few(linkage.not_found)} not found on this machine; the "
                "undefined symbols are not checked"
            )
            return
        if linkage.unresolved:
            raise StepFailed(
                f"{path.name} needs {few(linkage.unresolved)}, which neither the VM nor "
                "a library it links provides",
                hint=f"add the library that defines them to plugin.link in {ctx.profile.path.name} "
                "(e.g. link: {libraries: [z]} for crc32), or the C that defines them to "
                "plugin.sources",
            )

    def record(self, ctx: Context) -> dict[str, object]:
        library = ctx.cache.get("library")
        return {"artifact": library.as_state(ctx.workspace)} if library else {}
