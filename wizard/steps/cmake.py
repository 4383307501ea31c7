"""What the build steps share: the cmake options and arguments, the downloads checked
before a step that downloads, whether the build folder is configured, the placeholder C a
single-pass configure needs, and running a build tool with its errors read from its log.

The order is the whole point of the build phase: cmake refuses a plugin-list entry whose
generated C does not exist yet (configure stops at "Cannot find source file"), so in the
two-pass plan the plugin is declared only after the first build generated its C, and
configured again before the second build. The single-pass plan lists the C among VMMaker's
outputs instead, so one configure suffices.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.checkout.facts import (
    checkout_layout,
    generated_c,
    read_layout,
    read_text,
)
from wizard.engine.actions import Action, Command, Unknown, WriteFile
from wizard.engine.step import Context, Status
from wizard.formats.cmake_cache import cmake_true, read_cache, same_value

if TYPE_CHECKING:
    from wizard.engine.sink import StepOutput


CMAKE_ERROR = re.compile(r"^CMake Error")
COMPILER_ERROR = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(\d+:)? (fatal )?error: ")
MAKE_ERROR = re.compile(r"(\*\*\* .*Error \d+|No rule to make target|error:)")


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
    status: int = ctx.perform(command, out).returncode
    return status


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


def newer(path: Path, than: Path) -> bool:
    return path.exists() and (not than.exists() or path.stat().st_mtime >= than.stat().st_mtime)


def installed_since_configure(ctx: Context) -> bool:
    """Whether a ``make install`` finished after the last configure."""
    manifest = ctx.build_dir / "install_manifest.txt"
    cache = ctx.build_dir / "CMakeCache.txt"
    return manifest.is_file() and newer(manifest, cache)
