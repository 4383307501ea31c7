"""Facts read from a pharo-vm checkout, and the files of it the wizard writes.

Build-file paths (``cmake/vmmaker.cmake``, the generated C under
``<build>/generated/64/plugins/src/``) are the same on every branch, except for where
plugins are declared and keep their C, which depends on the checkout's layout
(docs/layouts.md): :func:`checkout_layout` reads it. Classes under ``smalltalksrc/``
(PharoVMMaker, InterpreterProxy, the plugin classes) are found by their definition in any
package folder, never by a fixed path (:mod:`wizard.checkout.smalltalksrc`): PharoVMMaker
itself moved between pharo-vm's branches. Writing goes through :func:`write_owned`, which
keeps the promise of "nothing lost": a file the wizard owns that was changed by hand since
the wizard last wrote it is not overwritten without ``--force``; the step fails with the
file's name and a diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from wizard.checkout.smalltalksrc import (
    SMALLTALKSRC,
    VMMAKER_CLASS,
    ClassLookupError,
    class_files,
    class_path,
    find_class,
    package_folder,
)
from wizard.errors import StepFailed

if TYPE_CHECKING:
    from wizard.engine.sink import StepOutput
    from wizard.engine.step import Context
    from wizard.formats.layout import Layout

#: The package a new plugin class goes into by default: the one the build's image loads.
DEFAULT_PACKAGE = "VMMaker"
#: That package's folder.
CLASS_DIR = package_folder(DEFAULT_PACKAGE)
VMMAKER_CMAKE = "cmake/vmmaker.cmake"
CMAKELISTS = "CMakeLists.txt"
#: What the wizard calls VMMaker's list file where it cannot look it up (before the clone).
VMMAKER_LIST_NAME = f"smalltalksrc/<its package>/{VMMAKER_CLASS}.class.st"


def class_file(plugin: str, package: str = DEFAULT_PACKAGE) -> str:
    """Where the wizard writes the plugin class: the folder of the package its category names."""
    return f"{package_folder(package)}/{plugin}.class.st"


def plugin_class_file(ctx: Context) -> str:
    """The profile's plugin class file in the checkout, in the package its category names."""
    return class_file(ctx.plugin, ctx.profile.plugin.package)


def vmmaker_list_file(root: Path) -> str:
    """Where the checkout defines PharoVMMaker, relative to it; :class:`ClassLookupError`
    (one line, naming what was looked for) when no file, or two, define it."""
    return class_path(root, VMMAKER_CLASS)


def vmmaker_list(ctx: Context) -> str:
    """The profile's checkout's PharoVMMaker file, for a step; a one-line failure otherwise.

    Looked up anew on each call (cheap: a file named after the class, confirmed by its
    definition): a run may clone or switch branches before a step asks.
    """
    try:
        return vmmaker_list_file(ctx.checkout)
    except ClassLookupError as error:
        raise StepFailed(
            str(error),
            hint="VMMaker's external-plugin list is in PharoVMMaker "
            "(smalltalksrc/VMMakerCompatibilityForPharo6/ until 2025, smalltalksrc/VMMaker/ "
            "since); is repository.path a pharo-vm checkout?",
        ) from None


def generated_c(plugin: str, word_size: int = 64) -> str:
    """The C file VMMaker writes for an external plugin, relative to the build folder."""
    return f"generated/{word_size}/plugins/src/{plugin}/{plugin}.c"


def digest(text: str) -> str:
    """The sha256 of a file the wizard wrote, as ``state:`` records it."""
    import hashlib  # only when a step writes or records a file, not to detect or plan

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def read_checkout_file(ctx: Context, relative: str) -> str:
    """A pharo-vm file the step edits; its absence is a failure that names it."""
    text = read_text(ctx.in_checkout(relative))
    if text is None:
        raise StepFailed(f"{relative} is missing from the checkout")
    return text


def read_layout(checkout: Path) -> Layout:
    """The checkout's build-file layout; :class:`UnknownLayout` says what was looked for."""
    from wizard.formats.layout import UnknownLayout, layout_of

    text = read_text(checkout / CMAKELISTS)
    if text is None:
        raise UnknownLayout(
            f"the checkout has no {CMAKELISTS}, which says where plugins are declared"
        )
    return layout_of(text)


def checkout_layout(ctx: Context) -> Layout:
    """The layout of the profile's checkout, for a step that needs it; a failure otherwise.

    Read anew on every call: a run may clone or switch branches before a step asks.
    """
    from wizard.formats.layout import UnknownLayout

    try:
        return read_layout(ctx.checkout)
    except UnknownLayout as error:
        raise StepFailed(
            f"unknown pharo-vm layout: {error}",
            hint="the wizard knows pharo-vm's 2024 layout (plugins.cmake) and its 2025 layout "
            "(cmake/plugins.cmake); it never edits a file the build does not read. Is "
            "repository.path a pharo-vm checkout?",
        ) from None


@dataclass
class CheckoutFacts:
    """What the Slang checks need from a checkout, read once per run."""

    root: Path

    def proxy_api(self) -> dict[str, int] | None:
        """What ``interpreterProxy`` understands, with argument counts; None without a checkout.

        InterpreterProxy's own selectors, plus what Slang translates without it (``cCoerce:to:``
        and the like) and InterpreterPlugin's own methods: checking against the proxy alone
        flags sends that real plugins build with.
        """
        text = self._class_text("InterpreterProxy")
        if text is None:
            return None
        from wizard.formats.proxy_api import understood_by_proxy

        return understood_by_proxy(text, self._class_text("InterpreterPlugin"))

    def _class_text(self, name: str) -> str | None:
        """The file defining class ``name`` in any package; None when none (or two) do."""
        try:
            path = find_class(self.root, name)
        except ClassLookupError:
            return None
        return read_text(path) if path else None

    def class_files(self) -> dict[str, str]:
        """Every Tonel class file under smalltalksrc, by path relative to the checkout."""
        files: dict[str, str] = {}
        for path in class_files(self.root):
            files[path.relative_to(self.root).as_posix()] = path.read_text("utf-8", "replace")
        return files

    def plugin_classes(self) -> dict[str, str]:
        """InterpreterPlugin and its subclasses found in the checkout, with their files."""
        from wizard.formats.vmmaker_list import plugin_classes

        return plugin_classes(self.class_files())


def recorded_digest(ctx: Context, relative: str) -> str | None:
    """The digest of what the wizard last wrote to ``relative``, from ``state:``."""
    for record in ctx.records.values():
        if relative in record.files:
            return record.files[relative]
    return None


def write_owned(
    ctx: Context,
    step_id: str,
    relative: str,
    text: str,
    out: StepOutput,
    *,
    new_file: bool = False,
) -> bool:
    """Write ``text`` to a checkout file the wizard owns; answer whether it changed.

    Refuses (unless ``--force``) when the file was changed by hand since the wizard last
    wrote it, or when ``new_file`` and the file exists but the wizard never wrote it. In a
    file the wizard edits but does not own wholly, only a change of the very lines it must
    change counts: the user's lines elsewhere in it are theirs, and stay.
    """
    path = ctx.in_checkout(relative)
    current = read_text(path)
    shared = is_shared(relative)
    if current != text:
        if current is not None and not ctx.force:
            if shared:
                _refuse_edit_of_wizards_lines(ctx, relative, current, text)
            else:
                _refuse_hand_edit(ctx, relative, current, text, new_file)
        from wizard.checkout.safe_files import write_text

        write_text(ctx.checkout, relative, text)
        out.line(f"wrote {relative}")
    changed_lines = None
    if shared and current is not None and current != text:
        changed_lines = wizards_lines(current, text, recorded_lines(ctx, relative))

    def remember(entry: dict[str, Any]) -> None:
        files = entry["files"] = dict(entry.get("files") or {})
        files[relative] = digest(text)
        if changed_lines is not None:
            lines = entry["lines"] = dict(entry.get("lines") or {})
            lines[relative] = changed_lines

    ctx.state.change(step_id, remember)
    return current != text


def is_shared(relative: str) -> bool:
    """Whether the wizard edits ``relative`` but does not own it (VMMaker's list, the
    plugin lists, vmmaker.cmake): a user's lines in it are not the wizard's to refuse.

    VMMaker's list is PharoVMMaker's class file in whichever package folder the checkout
    keeps it (the step found it by its definition before it asked to write it)."""
    path = PurePosixPath(relative)
    is_vmmaker_list = path.name == f"{VMMAKER_CLASS}.class.st" and path.parts[0] == SMALLTALKSRC
    return relative in SHARED_FILES or is_vmmaker_list


def line_digest(line: str) -> str:
    """A short digest of one line, as ``state:`` keeps the lines the wizard wrote."""
    return digest(line)[:16]


def wizards_lines(current: str, text: str, before: set[str]) -> list[str]:
    """The digests of the lines the wizard has written in a shared file, once ``current``
    becomes ``text``: what it writes now, and what it wrote before that is still there."""
    from wizard.checkout.partial_commit import hunks

    kept = {line_digest(line) for line in text.splitlines(keepends=True)}
    written = {line_digest(line) for hunk in hunks(current, text) for line in hunk.lines}
    return sorted(written | (before & kept))


def recorded_lines(ctx: Context, relative: str) -> set[str]:
    """The digests of the lines the wizard wrote in a shared file, from ``state:``."""
    found: set[str] = set()
    for record in ctx.records.values():
        lines = record.facts.get("lines")
        if isinstance(lines, dict) and isinstance(lines.get(relative), list):
            found.update(str(value) for value in lines[relative])
    return found


def _refuse_edit_of_wizards_lines(ctx: Context, relative: str, current: str, text: str) -> None:
    """In a shared file, refuse only when a line the wizard must change now is neither one it
    wrote nor one the checkout has committed: the user changed that very line."""
    recorded = recorded_digest(ctx, relative)
    if recorded is None or recorded == digest(current):
        return  # never written by the wizard yet, or just as it left it
    from wizard.checkout.partial_commit import hunks

    mine = recorded_lines(ctx, relative)
    committed = _committed_text(ctx, relative) or ""
    as_committed = set(committed.splitlines(keepends=True))
    lines = current.splitlines(keepends=True)
    touched = [
        hunk.describe()
        for hunk in hunks(current, text)
        if not all(
            line_digest(line) in mine or line in as_committed
            for line in lines[hunk.start : hunk.end]
        )
    ]
    if not touched:
        return
    from wizard.formats.tonel import unified_diff

    diff = unified_diff(current, text, relative).splitlines()
    raise StepFailed(
        f"{relative}: {', '.join(touched)}, which the wizard must change, "
        "were changed by hand since the wizard wrote them; not overwriting them",
        hint="your other lines in this file are kept either way; move this edit into the "
        "profile, undo it, or run again with --force to replace those lines",
        details=["diff (current file → what the profile renders):", *diff[:80]],
    )


def _refuse_hand_edit(ctx: Context, relative: str, current: str, text: str, new_file: bool) -> None:
    recorded = recorded_digest(ctx, relative)
    if recorded is None and not new_file:
        return  # a pharo-vm file the wizard edits for the first time
    if recorded is not None and recorded == digest(current):
        return  # still what the wizard wrote last time: safe to replace
    if _is_committed(ctx, relative, current):
        return  # what the checkout has committed (a fresh clone, say): nobody's hand edit
    from wizard.formats.tonel import unified_diff

    why = (
        "exists and was not written by the wizard"
        if recorded is None
        else "was changed by hand since the wizard wrote it"
    )
    diff = unified_diff(current, text, relative).splitlines()
    raise StepFailed(
        f"{relative} {why}; not overwriting it",
        hint="keep your edit by moving it into the profile, or run again with --force to "
        "replace the file with what the profile says",
        details=["diff (current file → what the profile renders):", *diff[:80]],
    )


def _is_committed(ctx: Context, relative: str, current: str) -> bool:
    """Whether ``current`` is exactly the file as the checkout's HEAD commit has it."""
    return _committed_text(ctx, relative) == current


def _committed_text(ctx: Context, relative: str) -> str | None:
    """The file as the checkout's HEAD commit has it (None: no such file, or no commit)."""
    from wizard.checkout.git_plumbing import GitPlumbing

    try:
        return GitPlumbing(ctx.checkout).committed_text(relative)
    except StepFailed:
        return None


#: The build files the wizard edits but does not own: vmmaker.cmake and the plugin list of
#: either layout (``plugins.cmake``, ``cmake/plugins.cmake``). VMMaker's list is the third
#: kind, found where the checkout defines PharoVMMaker: :func:`shared_files`.
SHARED_FILES = (VMMAKER_CMAKE, "plugins.cmake", "cmake/plugins.cmake")
