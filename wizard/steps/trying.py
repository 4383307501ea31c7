"""Step 13 ``try``: call each of ``plugin.examples`` in the built VM (docs/try.md).

``verify`` shows the library exports the right symbols; only the VM shows it loads (the
``getModuleName`` prefix, ``setInterpreter``, ``initialiseModule``) and answers what its
author expects.  The VM runs headless on a *copy* of the plain Pharo image that pharo-vm's
build downloads next to its VMMaker image (never the VMMaker image itself, which the Slang
loop still needs), with ``try-plugin.st`` and an examples file, and the library's folder
first on the library search path: the VM finds a module by name through the dynamic
linker (``dlopen`` of ``<Name>``, ``<Name>.so``, ``lib<Name>.so``; it has no option naming a
plugin folder).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.engine.actions import Action, Check, Command, RemoveFolder, WriteFile
from wizard.engine.step import Context, Status, Step, earlier_stand
from wizard.errors import StepFailed
from wizard.formats.try_protocol import Outcome, Verdict, compare, parse_try_output, write_examples
from wizard.vm.artifacts import find_library, library_candidates

if TYPE_CHECKING:
    from wizard.engine.sink import StepOutput

TRY_FOLDER = "pharo-plugin-wizard/try"
SCRIPT = "try-plugin.st"
EXAMPLES_FILE = "examples.txt"
#: What the VM leaves behind when it dies: crash.dmp on a crash (exit 255), PharoDebug.log
#: on an unhandled Smalltalk error (exit 1).
CRASH_FILES = ("crash.dmp", "PharoDebug.log")

NOT_FOUND = "#'not found'"
NOT_FOUND_CAUSES = (
    "#'not found' means the VM did not load the module or did not find the primitive in it: "
    "the library is not on the library path under the plugin's name "
    "(lib{name}.so, lib{name}.dylib, {name}.dll), its getModuleName() does not start with "
    "{name}, setInterpreter is missing or refused the VM's proxy, initialiseModule answered 0, "
    "a library it links is missing, or it does not export the primitive; run the VM with "
    "--logLevel=4 to see 'Try loading' and 'Failed to load module' lines"
)


def built_vm(build_dir: Path, platform: str = sys.platform) -> Path:
    """Where pharo-vm's build puts the VM executable (on macOS the folder is always
    ``Debug``, whatever the build type)."""
    if platform == "darwin":
        return build_dir / "build/vm/Debug/Pharo.app/Contents/MacOS/Pharo"
    if platform.startswith(("win", "cygwin", "msys")):
        return build_dir / "build/vm/Pharo.exe"
    return build_dir / "build/vm/pharo"


def library_path_variable(platform: str = sys.platform) -> str:
    """The variable the dynamic linker searches for a module loaded by name."""
    if platform == "darwin":
        return "DYLD_LIBRARY_PATH"
    if platform.startswith(("win", "cygwin", "msys")):
        return "PATH"
    return "LD_LIBRARY_PATH"


def try_script() -> Path:
    """``try-plugin.st``, shipped with the wizard (found as ``regenerate-plugin.st`` is: a
    path, not :mod:`importlib.resources`, whose loading costs every ``--dry-run`` ~5 ms)."""
    return Path(__file__).resolve().parents[1] / "smalltalk" / SCRIPT


def image_folder(build_dir: Path) -> Path:
    """The folder of the build's VMMaker image: ``<B>/build/vmmaker/image``, or the wizard's
    cached one when the build was configured to use it."""
    from wizard.slang.loop import vmmaker_image

    return vmmaker_image(build_dir).parent


def plain_images(build_dir: Path) -> list[Path]:
    """The plain Pharo images next to VMMaker.image, newest name last (never VMMaker's)."""
    folder = image_folder(build_dir)
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("Pharo*.image") if path.is_file())


def image_companions(image: Path) -> list[Path]:
    """The image's ``.changes`` and the ``.sources`` beside it: a copy needs both to run."""
    companions = [image.with_suffix(".changes")]
    companions += sorted(image.parent.glob("Pharo*.sources"))
    return [path for path in companions if path.is_file()]


@dataclass(frozen=True)
class TryRun:
    """What one run of the VM needs: the paths and the exact command line."""

    vm: Path
    library: Path
    image: Path
    folder: Path
    script: Path
    examples: Path
    bench: bool

    def command(self, plugin: str) -> list[str]:
        return [
            str(self.vm),
            "--headless",
            str(self.folder / self.image.name),
            "--no-default-preferences",
            "--quit",
            str(self.script),
            str(self.examples),
            plugin,
            "1" if self.bench else "0",
        ]


@dataclass(frozen=True)
class CopyImage(Action):
    """Copy a plain Pharo image with its ``.changes`` and ``.sources`` into a new folder."""

    image: Path
    folder: Path

    def lines(self) -> list[str]:
        return [
            f"copy the plain Pharo image {self.image} (never VMMaker.image) with its .changes "
            f"and .sources into {self.folder}"
        ]

    def perform(self, ctx: Context, out: StepOutput) -> None:
        from wizard.checkout.safe_files import copy_file, make_folder, split

        root, relative = split(self.folder, (ctx.build_dir, ctx.workspace))
        make_folder(root, relative)
        for source in (self.image, *image_companions(self.image)):
            copy_file(source, root, relative / source.name)
        out.line(f"image: a copy of {self.image.name} in {self.folder}")


class Try(Step):
    """Run the built VM on a copy of a plain Pharo image and call every example."""

    id = "try"
    phase = "build"
    title = "call the examples in the built VM"

    def detect(self, ctx: Context) -> Status:
        if not ctx.profile.plugin.examples:
            return Status(True, "the profile has no plugin.examples, so there is nothing to call")
        count = len(ctx.profile.plugin.examples)
        return Status(False, f"always runs: {count} example{'s' * (count != 1)} to call")

    def runs_each_time(self, ctx: Context) -> bool:
        return bool(ctx.profile.plugin.examples)

    def standing(self, ctx: Context, earlier: Mapping[str, Status]) -> Status:
        """try comes last: it stands only once every step before it does. Without examples
        there is nothing to call, so it is done then; with examples it runs each time, and
        stands while its last run passed."""
        status = self.detect(ctx)
        if not earlier_stand(earlier):
            if status.done:
                return Status(False, f"{status.reason}; it counts as done once verify is")
            return Status(False, f"runs after verify ({status.reason})")
        if status.done:
            return status
        record = ctx.records.get(self.id)
        if record is None or not record.done:
            return status
        return Status(True, "every example answered as expected in the last try")

    def actions(self, ctx: Context) -> list[Action]:
        return self.actions_for(ctx, self.prepare(ctx, check=False))

    def actions_for(self, ctx: Context, run: TryRun) -> list[Action]:
        """The try folder made afresh, the VM run in it, the answers compared."""
        examples = ctx.profile.plugin.examples
        script = try_script().read_text("utf-8")
        count = f"{len(examples)} example{'s' * (len(examples) != 1)}"
        return [
            RemoveFolder(run.folder, when="only when an earlier try left it"),
            CopyImage(run.image, run.folder),
            WriteFile(run.script, script),
            WriteFile(
                run.examples, write_examples(examples), says=f"write {run.examples} ({count})"
            ),
            Command(
                tuple(run.command(ctx.plugin)),
                run.folder,
                prepend_paths=((library_path_variable(), str(run.library.parent)),),
                timeout=ctx.profile.build.try_timeout,
            ),
            Check("compare each answer with plugin.examples' answers"),
        ]

    def prepare(self, ctx: Context, check: bool = True) -> TryRun:
        """The run's paths; with ``check``, fail with a sentence when one is missing."""
        vm = built_vm(ctx.build_dir)
        library = (
            find_library(ctx.build_dir, ctx.plugin)
            or library_candidates(ctx.build_dir, ctx.plugin)[0]
        )
        images = plain_images(ctx.build_dir)
        image = images[-1] if images else image_folder(ctx.build_dir) / "Pharo*.image"
        folder = ctx.build_dir / TRY_FOLDER
        if check:
            if not vm.is_file():
                raise StepFailed(
                    f"no built VM at {vm}", hint="run the compile step (run without --from)"
                )
            if not library.is_file():
                raise StepFailed(
                    f"no library for {ctx.plugin} in the build folder",
                    hint="run the compile and verify steps (run without --from)",
                )
            if not images:
                raise StepFailed(
                    f"no plain Pharo image (Pharo*.image) in {image_folder(ctx.build_dir)}",
                    hint="the build downloads it with the VMMaker image; run the generate step "
                    "again (the VMMaker image itself is never used to try)",
                )
        return TryRun(
            vm=vm,
            library=library,
            image=image,
            folder=folder,
            script=folder / SCRIPT,
            examples=folder / EXAMPLES_FILE,
            bench=ctx.bench,
        )

    def run(self, ctx: Context, out: StepOutput) -> None:
        from wizard.vm.try_table import rows_of, table_lines  # here, not at load: start-up

        examples = ctx.profile.plugin.examples
        ctx.state.change(self.id, lambda entry: entry.pop("table", None))
        plan = self.prepare(ctx)
        remove, copy, *writes, command, compare_answers = self.actions_for(ctx, plan)
        if plan.folder.exists():
            ctx.perform(remove, out)
        ctx.perform(copy, out)
        for action in writes:
            ctx.perform(action, out)
        out.line(f"library: {plan.library}")
        completed = ctx.perform(command, out)
        ctx.perform(compare_answers, out)
        log = ctx.log_path(self.id).read_text("utf-8", "replace")
        verdicts = compare(examples, parse_try_output(log))
        rows = rows_of(verdicts)
        out.line("")
        for line in table_lines(rows, plan.bench):
            out.line(line)
        table = [row.as_state() for row in rows]
        ctx.state.change(self.id, lambda entry: entry.update(table=table))
        ctx.cache["try-rows"] = rows
        if completed.timed_out:
            raise timed_out(ctx.profile.build.try_timeout, verdicts)
        self.judge(ctx, plan, completed.returncode, verdicts)

    @staticmethod
    def judge(ctx: Context, plan: TryRun, status: int, verdicts: list[Verdict]) -> None:
        """Fail naming the primitives that did not answer as expected, or the VM's death."""
        wrong = [v for v in verdicts if v.outcome is not Outcome.MATCH]
        from wizard.words import few

        if status != 0:
            left = [plan.folder / name for name in CRASH_FILES if (plan.folder / name).exists()]
            unanswered = [v.example.primitive for v in wrong if v.outcome is Outcome.NO_ANSWER]
            where = f"; it left {', '.join(str(p) for p in left)}" if left else ""
            raise StepFailed(
                f"the VM stopped with exit status {status}{where}"
                + (f" before answering {few(unanswered)}" if unanswered else ""),
                hint="255 is a VM crash (crash.dmp), 1 an unhandled Smalltalk error "
                "(PharoDebug.log): a primitive that crashes the VM usually writes outside "
                "an object or uses an argument without checking it",
            )
        if not wrong:
            return
        details = [_detail(v) for v in wrong]
        names = few(dict.fromkeys(v.example.primitive for v in wrong))
        hint = "fix the primitive's Slang (or the example's answers), then run again"
        if any(v.got == NOT_FOUND for v in wrong):
            hint = NOT_FOUND_CAUSES.format(name=ctx.plugin)
        elif all(v.outcome is Outcome.NO_ANSWER for v in wrong):
            hint = "the VM printed no TRY line for them: read the log for the image's errors"
        raise StepFailed(f"{names}: not the expected answer", hint=hint, details=details)

    def record(self, ctx: Context) -> dict[str, object]:
        rows = ctx.cache.get("try-rows") or []
        return {"table": [row.as_state() for row in rows]}


def timed_out(seconds: int, verdicts: list[Verdict]) -> StepFailed:
    """The VM ran past ``build.try_timeout``: name the example it was running, the first one
    it printed no TRY line for."""
    running = next(
        (n for n, v in enumerate(verdicts, start=1) if v.outcome is Outcome.NO_ANSWER), None
    )
    if running is None:
        where = "after answering every example (it did not exit)"
    else:
        example = verdicts[running - 1].example
        on = f" on {example.receiver}" if example.receiver else ""
        where = f"while running example {running} ({example.primitive}{on})"
    return StepFailed(
        f"the VM neither answered nor exited within build.try_timeout ({seconds} s) {where}; "
        "it was stopped with everything it started",
        hint="a primitive that loops or waits never returns to the image: fix it, or raise "
        "build.try_timeout if the example really takes that long",
    )


def _detail(verdict: Verdict) -> str:
    primitive = verdict.example.primitive
    if verdict.outcome is Outcome.MISMATCH:
        return f"{primitive} answered {verdict.got}, expected {verdict.example.answers}"
    if verdict.outcome is Outcome.FAILED:
        return f"{primitive} failed with {verdict.got}"
    return f"{primitive}: no answer from the VM"
