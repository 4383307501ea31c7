"""What the disk says: every step's ``detect``, the clone, the build folder, the logs.

A survey is one immutable value read at one moment, so that every face reports the same
state: the TUI takes it off the event loop (git and file reads can be slow on a real
pharo-vm clone) and draws it; ``--replay --dry-run`` asks the same steps' ``detect``. The
generated C counts as present only when ``generate`` would agree (VMMaker's C, not the
placeholder written so that cmake can configure). Nothing here knows about widgets.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.checkout.facts import (
    CLASS_DIR,
    CheckoutFacts,
    class_file,
    read_layout,
    read_text,
    vmmaker_list_file,
)
from wizard.checkout.git import (
    commits_ahead,
    current_branch,
    default_branch,
    is_clone,
    remote_branches,
    uncommitted,
)
from wizard.checkout.smalltalksrc import SMALLTALKSRC, ClassLookupError
from wizard.engine.plan import build_plan
from wizard.engine.state import StateStore
from wizard.engine.step import Context, Status, standings
from wizard.errors import StepFailed
from wizard.profile.model import Profile
from wizard.steps.cmake import is_generated
from wizard.vm.artifacts import find_library


@dataclass(frozen=True)
class RepositoryFacts:
    """Where the clone stands, as the Setup screen draws it (read with :mod:`wizard.checkout.git`)."""

    cloned: bool
    branch: str | None = None
    dirty: tuple[str, ...] = ()
    ahead: int | None = None
    remote_branches: tuple[str, ...] = ()
    default_branch: str | None = None
    layout: str | None = None  # "2025 layout (cmake/plugins.cmake)", or why it is not known
    layout_known: bool = False


def checkout_layout_words(checkout: Path) -> tuple[str, bool]:
    """The checkout's layout in a few words for the Setup tree, and whether it is known."""
    from wizard.formats.layout import UnknownLayout

    try:
        layout = read_layout(checkout)
    except UnknownLayout as error:
        return f"unknown layout: {error}", False
    return f"{layout.name} ({layout.plugin_list})", True


def repository_facts(checkout: Path, base: str | None) -> RepositoryFacts:
    """Read the clone at ``checkout``; ``base`` is the profile's base branch (or None)."""
    if not is_clone(checkout):
        return RepositoryFacts(cloned=False)
    branch = current_branch(checkout)
    default = default_branch(checkout)
    base = base or default
    ahead = None
    if base and branch and base != branch:
        ahead = commits_ahead(checkout, base, branch)  # None when base is no local branch
    try:
        dirty = tuple(uncommitted(checkout))
    except StepFailed:
        dirty = ()
    layout, known = checkout_layout_words(checkout)
    return RepositoryFacts(
        True, branch, dirty, ahead, tuple(remote_branches(checkout)), default, layout, known
    )


@dataclass(frozen=True)
class Survey:
    """Every step's detect result and the workspace facts, read at one moment."""

    statuses: dict[str, Status]
    repo: RepositoryFacts
    logs: tuple[str, ...] = ()
    library: str | None = None
    generated: bool = False


def take_survey(profile: Profile, state: Mapping[str, Any] | None = None) -> Survey:
    """Every step's standing in the profile's plan; never changes anything, not even in
    memory. The steps see a store of their own made from ``state`` (the workbench's
    snapshot; by default the profile's as loaded)."""
    ctx = Context(profile, state=StateStore(profile.state if state is None else state))
    statuses = {
        step: Status(status.done, shorten(status.reason, ctx.workspace))
        for step, status in standings(build_plan(profile.build.mode), ctx).items()
    }
    ctx.close()
    base = profile.repository.base_branch
    repo = RepositoryFacts(cloned=False)
    with contextlib.suppress(Exception):
        repo = repository_facts(ctx.checkout, base)
    logs: tuple[str, ...] = ()
    if profile.logs_dir.is_dir():
        logs = tuple(sorted(path.name for path in profile.logs_dir.glob("*.log")))
    return Survey(statuses, repo, logs, _library(ctx), _generated(ctx))


def _generated(ctx: Context) -> bool:
    """Whether VMMaker's C is there, by the test ``generate`` reads: the placeholder written
    so that cmake can configure is not generated C."""
    try:
        return is_generated(ctx)
    except (OSError, ValueError):
        return False


def _library(ctx: Context) -> str | None:

    with contextlib.suppress(Exception):
        path = find_library(ctx.build_dir, ctx.plugin)
        if path is not None:
            return relative_to_workspace(path, ctx.workspace)
    return None


def shorten(text: str, workspace: Path) -> str:
    """``text`` with the workspace's absolute path left out: paths read relative to it."""
    root = str(workspace.resolve())
    return text.replace(root + "/", "").replace(root, ".")


def relative_to_workspace(path: Path, workspace: Path) -> str:
    """A path as the screens show it: relative to the workspace when inside it."""
    try:
        return path.resolve().relative_to(workspace.resolve()).as_posix()
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class CheckoutSurvey:
    """What the Develop and Plugins screens need from the clone, read once per change.

    ``proxy_api`` and ``plugin_classes`` are None without a clone: then only the syntax of
    the methods can be checked, and the plugin list is the profile's own.
    """

    present: bool
    proxy_api: dict[str, int] | None = None
    plugin_classes: dict[str, str] | None = None
    external: tuple[str, ...] | None = None
    external_problem: str | None = None
    declared: tuple[str, ...] | None = None  # what the layout's plugin list declares
    style: Any = None
    class_text: str | None = None
    class_path: str = ""
    plugin_list: str | None = None  # plugins.cmake or cmake/plugins.cmake, by layout
    vmmaker_list: str | None = None  # where the checkout defines PharoVMMaker (its list)
    #: plugin classes that are not plugins to build: simulators, abstract and test classes
    not_to_build: frozenset[str] = frozenset()


def take_checkout_survey(profile: Profile) -> CheckoutSurvey:
    """Read InterpreterProxy, the plugin classes, VMMaker's list and the plugin list."""
    from wizard.formats.layout import UnknownLayout
    from wizard.formats.tonel import detect_style_in

    root = profile.checkout_dir
    class_path = class_file(profile.plugin.name, profile.plugin.package)
    package = (root / class_path).parent
    style = detect_style_in(package if any(package.glob("*.class.st")) else root / CLASS_DIR)
    if not (root / SMALLTALKSRC).is_dir():
        return CheckoutSurvey(False, style=style, class_path=class_path)
    facts = CheckoutFacts(root)
    proxy = facts.proxy_api()
    from wizard.formats.translatable import not_to_build
    from wizard.formats.vmmaker_list import plugin_classes

    files = facts.class_files()
    classes = plugin_classes(files)
    skipped = frozenset(not_to_build({name: files[path] for name, path in classes.items()}))
    external: tuple[str, ...] | None = None
    problem = None
    list_file: str | None = None
    try:
        list_file = vmmaker_list_file(root)
    except ClassLookupError as error:
        problem = str(error)
    list_text = read_text(root / list_file) if list_file else None
    if list_text is not None:
        from wizard.formats.vmmaker_list import find_external_list

        try:
            external = tuple(find_external_list(list_text).external)
        except ValueError as error:
            problem = str(error)
    declared = None
    try:
        plugin_list: str | None = read_layout(root).plugin_list
    except UnknownLayout:
        plugin_list = None
    cmake_text = read_text(root / plugin_list) if plugin_list else None
    if cmake_text is not None:
        from wizard.formats.plugins_cmake import declared_plugins

        declared = tuple(declared_plugins(cmake_text))
    return CheckoutSurvey(
        True,
        proxy,
        classes,
        external,
        problem,
        declared,
        style,
        read_text(root / class_path),
        class_path,
        plugin_list,
        vmmaker_list=list_file,
        not_to_build=skipped,
    )


def external_plugins_after(
    explicit: tuple[str, ...] | None, current: tuple[str, ...] | None, plugin: str
) -> list[str]:
    """VMMaker's external plugin list as ``plugin-list`` will write it: the profile's own
    list, or the checkout's ``current`` one with ``plugin`` added."""
    from wizard.formats.vmmaker_list import wanted_external_plugins

    return wanted_external_plugins(list(current or ()), plugin, explicit)


@dataclass(frozen=True)
class ClassPreview:
    """The plugin class as ``plugin-source`` would write it, beside what the checkout has."""

    path: str  # the class file, relative to the checkout
    text: str  # what the profile renders, in the checkout's Tonel style
    current: str | None  # what the checkout has (None: no such file yet)
    diff: str  # unified diff from ``current`` to ``text``


def class_preview(plugin: Any, checkout: CheckoutSurvey | None) -> ClassPreview:
    """Render ``plugin`` (a :class:`wizard.profile.model.Plugin`) as ``plugin-source`` would, in
    the style the checkout uses (the newer Tonel style without a checkout)."""
    from wizard.formats.tonel import TonelStyle, render_class, unified_diff

    style = checkout.style if checkout and checkout.style else TonelStyle.NEW
    text = render_class(plugin, style)
    path = class_file(plugin.name, plugin.package)
    current = checkout.class_text if checkout else None
    return ClassPreview(path, text, current, unified_diff(current or "", text, path))
