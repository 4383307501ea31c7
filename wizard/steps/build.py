"""Build phase: cmake, the two ``make install`` runs, the plugin list, the library check.

The order is the whole point (pharo-vm-notes §2.2): cmake refuses a plugin-list entry
whose generated C does not exist yet, so in the two-pass plan the plugin is declared only
after the first build generated its C, and configured again before the second build. The
single-pass plan lists the C among VMMaker's outputs instead, so one configure suffices.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.checkout.facts import (
    checkout_layout,
    generated_c,
    plugin_class_file,
    read_checkout_file,
    read_text,
)
from wizard.engine.actions import Action, Check, Command, Unknown, WriteFile, WriteOwned
from wizard.engine.step import Context, Status, Step, earlier_stand
from wizard.errors import StepFailed
from wizard.formats.cmake_cache import cmake_true, read_cache, same_value
from wizard.steps.develop import plugin_links
from wizard.vm.artifacts import find_library, inspect_library, library_candidates

if TYPE_CHECKING:
    from wizard.engine.sink import StepOutput

CMAKE_ERROR = re.compile(r"^CMake Error")
COMPILER_ERROR = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(\d+:)? (fatal )?error: ")
MAKE_ERROR = re.compile(r"(\*\*\* .*Error \d+|No rule to make target|error:)")


# --------------------------------------------------------------------------- shared


def configure_options(ctx: Context) -> tuple[tuple[str, str], ...]:
    """The options configure passes: the profile's, then those that make the build use the
    wizard's VMMaker image cache when it has this checkout's image (:mod:`wizard.vm.vmmaker_cache`)."""
    from wizard.vm.vmmaker_cache import cache_options

    return (*ctx.profile.build.cmake_options, *cache_options(ctx))


def cmake_configure_args(ctx: Context) -> list[str]:
    """``cmake -S … -B …``: ``-U`` for each option set before and no longer wanted, then ``-D``s."""
    unset = [f"-U{name}" for name in stale_options(ctx)]
    return [
        "cmake",
        "-S",
        str(ctx.checkout),
        "-B",
        str(ctx.build_dir),
        *unset,
        *(f"-D{name}={value}" for name, value in configure_options(ctx)),
    ]


def stale_options(ctx: Context) -> list[str]:
    """Options an earlier configure set in this build folder that it no longer sets."""
    from wizard.vm.build_record import read_record

    return read_record(ctx.build_dir).no_longer_wanted(configure_options(ctx))


def record_options(ctx: Context, *, keep_previous: bool) -> None:
    """Write down the options this configure sets (and, before it runs, the earlier ones).

    Written before cmake runs with the earlier options kept, so that a configure that fails
    half-way still knows what it may have left in the cache; rewritten after success with
    exactly the options set now.
    """
    from wizard.vm.build_record import BuildRecord, read_record, write_record

    options = dict(read_record(ctx.build_dir).options) if keep_previous else {}
    options.update(configure_options(ctx))
    write_record(ctx.build_dir, BuildRecord(options, ctx.plugin, str(ctx.profile.path)))


def check_configure_downloads(ctx: Context) -> None:
    """Offline, fail in a second naming the host, rather than after cmake's retries.

    Only a first configure (or one that turns ``BUILD_BUNDLE`` on, or follows one that did
    not finish) downloads the bundle's libraries: a later one finds them in the build folder.
    """
    from wizard.vm.download_hosts import check_downloads, configure_downloads

    cache = read_cache(ctx.build_dir)
    finished = any((ctx.build_dir / name).exists() for name in ("Makefile", "build.ninja"))
    bundled_before = cmake_true(cache.get("BUILD_BUNDLE", ("", None))[1], default=False)
    if cache and finished and bundled_before:
        return
    check_downloads(configure_downloads(ctx.checkout, dict(configure_options(ctx))))


def say_cache_use(ctx: Context, out: StepOutput) -> None:
    """Say when configure points the build at the wizard's cached VMMaker image."""
    from wizard.vm.vmmaker_cache import cache_options

    options = dict(cache_options(ctx))
    if options:
        out.line(
            "using the VMMaker image kept from an earlier build of this checkout (no download, "
            f"no image build): {options['VMMAKER_IMAGE']}"
        )


def check_generate_downloads(ctx: Context, forgetting: bool = False) -> None:
    """Before a ``make install`` that may download the image or its VM: do the hosts resolve?
    ``forgetting``: the image is about to be removed (``build.regenerate: image``)."""
    from wizard.slang.loop import vmmaker_image, vmmaker_vm
    from wizard.vm.download_hosts import check_downloads, generate_downloads

    cache = {name: value for name, (_, value) in read_cache(ctx.build_dir).items()}
    has_image = vmmaker_image(ctx.build_dir).is_file() and not forgetting
    check_downloads(
        generate_downloads(ctx.checkout, cache, has_image, vmmaker_vm(ctx.build_dir) is not None)
    )


def cmake_install_args(ctx: Context) -> list[str]:
    return ["cmake", "--build", str(ctx.build_dir), "--target", "install", "-j", str(ctx.jobs)]


def configured_status(ctx: Context) -> Status:
    """Whether the build folder was configured from this checkout with these options."""
    cache = read_cache(ctx.build_dir)
    if not cache:
        return Status(False, f"{ctx.profile.build.dir}/CMakeCache.txt does not exist yet")
    home = cache.get("CMAKE_HOME_DIRECTORY", ("", ""))[1]
    if Path(home).resolve() != ctx.checkout:
        return Status(False, f"the build folder was configured from {home or 'elsewhere'}")
    profile_sets = dict(ctx.profile.build.cmake_options)
    for name, value in configure_options(ctx):
        kind, cached = cache.get(name, ("", None))
        if cached is None or not same_value(kind, cached, value):
            who = "the profile says" if name in profile_sets else "the image cache wants"
            return Status(False, f"{name} is {cached!r} in the cache, {who} {value!r}")
    stale = stale_options(ctx)
    if stale:
        from wizard.vm.build_record import read_record

        value = read_record(ctx.build_dir).options.get(stale[0], "")
        return Status(
            False,
            f"{stale[0]} was set to {value!r} by an earlier configure and the profile no longer "
            f"sets it: cmake -U{stale[0]} unsets it",
        )
    if not any((ctx.build_dir / name).exists() for name in ("Makefile", "build.ninja")):
        return Status(False, "the last configure did not finish (no Makefile)")
    return Status(True, "configured from this checkout with these options")


def first_matches(
    path: Path, pattern: re.Pattern[str], limit: int = 8, after: int = 0
) -> list[str]:
    """The first lines of a log matching ``pattern``, each with ``after`` following lines."""
    found: list[str] = []
    remaining = 0
    with path.open("r", encoding="utf-8", errors="replace") as stream:
        for raw in stream:
            line = raw.rstrip("\n")
            if pattern.search(line):
                found.append(line)
                remaining = after
            elif remaining > 0 and line.strip():
                found.append(line)
                remaining -= 1
            if len(found) >= limit and remaining == 0:
                break
    return found


def run_tool(ctx: Context, command: Command, out: StepOutput) -> int:
    """Perform a command (cmake, make through it, VMMaker's VM); answer its exit status."""
    return ctx.perform(command, out).returncode


def module_of(ctx: Context) -> str:
    """The plugin's module name: VMMaker names its C file after the class's ``moduleName``."""
    from wizard.slang.exports import module_name

    return module_name(ctx.profile.plugin)


def generated_path(ctx: Context) -> Path:
    return ctx.build_dir / generated_c(module_of(ctx))


PLACEHOLDER_MARK = "pharo-plugin-wizard placeholder"


def is_placeholder(path: Path) -> bool:
    """Whether the generated C is the wizard's stand-in written so that cmake can configure."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as stream:
            return PLACEHOLDER_MARK in stream.read(200)
    except FileNotFoundError:
        return False


def is_generated(ctx: Context) -> bool:
    """Whether VMMaker's C for the plugin is there (not missing, not the placeholder)."""
    path = generated_path(ctx)
    return path.is_file() and not is_placeholder(path)


def placeholder_action(ctx: Context) -> Action:
    """Let a fresh build folder configure when the plugin list already declares the plugin.

    In the two-pass procedure the plugin is declared only after its C was generated, but a
    second build folder (CI, ``rm -rf build``, a colleague on the plugin branch) meets the
    declaration first, and cmake refuses a source file that does not exist yet. An empty
    placeholder satisfies cmake; the first build's VMMaker run (its outputs are missing)
    writes the real C over it, and ``generate`` is not done until it has. Performed only
    when :func:`placeholder_needed`.
    """
    from wizard.checkout.facts import read_layout
    from wizard.formats.layout import UnknownLayout

    when = "only when the plugin list declares the plugin and its C does not exist yet"
    try:
        plugin_list = read_layout(ctx.checkout).plugin_list
    except UnknownLayout:
        return Unknown(f"write a placeholder {generated_c(module_of(ctx))}   ({when})")
    text = (
        f"/* {PLACEHOLDER_MARK}: {plugin_list} declares {ctx.plugin}, whose C VMMaker writes\n"
        "   during the first build; cmake needs the file to exist in order to configure.\n"
        "   The generate step's build replaces this file. */\n"
    )
    return WriteFile(
        generated_path(ctx), text, says=f"write a placeholder {generated_path(ctx)}", when=when
    )


def placeholder_needed(ctx: Context) -> bool:
    """Whether the plugin list declares the plugin while its generated C does not exist."""
    from wizard.formats.plugins_cmake import count_plugin_declarations

    plugin_list = checkout_layout(ctx).plugin_list
    text = read_text(ctx.in_checkout(plugin_list)) or ""
    return not generated_path(ctx).exists() and bool(count_plugin_declarations(text, ctx.plugin))


def _newer(path: Path, than: Path) -> bool:
    return path.exists() and (not than.exists() or path.stat().st_mtime >= than.stat().st_mtime)


# --------------------------------------------------------------------------- configure


class Configure(Step):
    id = "configure"
    phase = "build"
    title = "configure the build (cmake)"

    def detect(self, ctx: Context) -> Status:
        return configured_status(ctx)

    def actions(self, ctx: Context) -> list[Action]:
        return [placeholder_action(ctx), Command(tuple(cmake_configure_args(ctx)), ctx.workspace)]

    def run(self, ctx: Context, out: StepOutput) -> None:
        from wizard.profile.trust import step_gate

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
        if not _newer(c_file, source):
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
            self.regenerate_in_image(ctx, actions[0], out)
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
            path.is_file() and _newer(path, source)
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
    """The slow way (pharo-vm-notes §2.3–2.4): remove the VMMaker image and its step stamps,
    so that cmake builds the image again (:func:`wizard.slang.loop.forget_image`). The
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


def fail_build(ctx: Context, step_id: str) -> None:
    """Raise the failure of a ``make install``: downloads, the first compiler errors, or make's."""
    from wizard.vm.download_failures import download_failure, download_failures

    log = ctx.log_path(step_id)
    failures = download_failures(log)
    if failures:
        raise download_failure(failures)
    errors = first_matches(log, COMPILER_ERROR, limit=8, after=2)
    if errors:
        first = COMPILER_ERROR.match(errors[0])
        where = f"{first.group('file')}:{first.group('line')}" if first else "the log"
        raise StepFailed(
            f"the C compiler failed (first error at {where})",
            hint="the C comes from the Slang methods: fix the method behind that line in the "
            "profile, then run again",
            details=errors,
        )
    printed = tool_error_lines(log)
    make_errors = first_matches(log, MAKE_ERROR, limit=2)
    if printed:
        raise StepFailed(
            f"the build failed: {_one_line(printed[0])}",
            hint="the lines above are what the failing command printed (for generate: the "
            "VM running VMMaker's image); fix what they name, then run again; the log has "
            "every line",
            details=[*printed, *make_errors],
        )
    raise StepFailed(
        "the build failed",
        hint="read the first errors above and the log",
        details=first_matches(log, MAKE_ERROR, limit=8, after=1),
    )


#: make's own lines (``gmake[2]: …``), cmake's progress (``[ 42%] …``, ``-- …``) and the
#: wizard's (``$ cmake …``, ``# generate: …``): none of them is what a failing command said.
BUILD_TOOL_LINE = re.compile(r"^(g?make(\[\d+\])?: |\[\s*\d+%\] |-- |\$ |# )")
#: make giving up: the line after the failing command's own output.
MAKE_GAVE_UP = re.compile(r"^g?make(\[\d+\])?: \*\*\* .*Error \d+")
#: Words that start the error a program reports (Smalltalk's ``MessageNotUnderstood: …``,
#: ``Error: …``, a VM's ``Segmentation fault``, a tool's ``cannot open …``).
ERROR_WORDS = re.compile(
    r"error|exception|notunderstood|fail|fault|abort|cannot|can't|not found|no such|denied",
    re.IGNORECASE,
)


def tool_error_lines(path: Path, limit: int = 8) -> list[str]:
    """What the failing command of a make run printed: the first lines of its error.

    make prints ``gmake[2]: *** […] Error 1`` right after the command that failed (the VM
    running VMMaker's image, a script, a linker); the lines before it, back to make's or
    cmake's previous line, are that command's own output. From them: the first line that
    reads like an error and the lines after it (a Smalltalk error comes first, then its
    stack), else the last lines. Empty when make printed nothing of the kind.
    """
    block: list[str] = []
    fresh = True  # the next non-tool line starts a new block
    with path.open("r", encoding="utf-8", errors="replace") as stream:
        for raw in stream:
            line = raw.rstrip("\n")
            if MAKE_GAVE_UP.match(line):
                break
            if not line.strip():
                continue  # a blank line between an error and its stack is still the command's
            if BUILD_TOOL_LINE.match(line):
                fresh = True
                continue
            if fresh:
                block, fresh = [], False
            block.append(line)
        else:
            return []  # make never gave up: nothing to explain
    start = next((i for i, line in enumerate(block) if ERROR_WORDS.search(line)), None)
    if start is None:
        return block[-limit:]
    return block[start : start + limit]


def _one_line(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --------------------------------------------------------------------------- plugins.cmake


class PluginsCmake(Step):
    """Declare the plugin in the checkout's plugin list, in its layout's form, once."""

    id = "plugins-cmake"
    phase = "build"
    title = "declare the plugin to cmake"

    def __init__(self, commits: bool = True) -> None:
        self.commits = commits  # single pass: the develop commit takes the plugin list

    def detect(self, ctx: Context) -> Status:
        from wizard.checkout.facts import read_layout
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
        if self.commits:
            from wizard.checkout.git import uncommitted

            if uncommitted(ctx.checkout, [plugin_list]):
                return Status(False, f"{plugin_list} declares {ctx.plugin}, not committed yet")
        return Status(True, f"{plugin_list} declares {ctx.plugin} once")

    def actions(self, ctx: Context) -> list[Action]:
        from wizard.checkout.facts import read_layout
        from wizard.formats.layout import UnknownLayout

        try:
            layout = read_layout(ctx.checkout)
        except UnknownLayout:
            links = plugin_links(ctx)
            says = [
                f"add add_vm_plugin({ctx.plugin} …) to the checkout's plugin list: "
                "cmake/plugins.cmake in the 2025 layout, plugins.cmake in the 2024 one "
                "(read from CMakeLists.txt once the checkout is there)",
                *(["right after it, what the plugin links and defines:", *links.splitlines()]
                  if links else []),
            ]  # fmt: skip
            return [Unknown(line) for line in says]
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
            from wizard.steps.develop import CommitPaths

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


# --------------------------------------------------------------------------- compile


def installed_since_configure(ctx: Context) -> bool:
    """Whether a ``make install`` finished after the last configure."""
    manifest = ctx.build_dir / "install_manifest.txt"
    cache = ctx.build_dir / "CMakeCache.txt"
    return manifest.is_file() and _newer(manifest, cache)


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
        if not _newer(library, source):
            return Status(False, f"{library.name} is older than its generated C")
        for relative in self.inputs(ctx):
            if not _newer(library, ctx.in_checkout(relative)):
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
        from wizard.checkout.facts import read_layout
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
            if isinstance(command, Command) and command.args[:2] == ("cmake", "--install"):
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
        out.line(f"exports: {', '.join(name for name in wanted if name in library.exports)}")
        if missing:
            raise StepFailed(
                f"{path.name} does not export {', '.join(missing)}",
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

        linkage = check_linkage(path)
        out.line(f"needs: {', '.join(linkage.needed) or 'no library'}")
        if linkage.not_found:
            out.line(
                f"warning: {', '.join(linkage.not_found)} not found on this machine; the "
                "undefined symbols are not checked"
            )
            return
        if linkage.unresolved:
            raise StepFailed(
                f"{path.name} needs {', '.join(linkage.unresolved)}, which neither the VM nor "
                "a library it links provides",
                hint=f"add the library that defines them to plugin.link in {ctx.profile.path.name} "
                "(e.g. link: {libraries: [z]} for crc32), or the C that defines them to "
                "plugin.sources",
            )

    def record(self, ctx: Context) -> dict[str, object]:
        library = ctx.cache.get("library")
        return {"artifact": library.as_state(ctx.workspace)} if library else {}
