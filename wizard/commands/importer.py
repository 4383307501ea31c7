"""``--import NAME --from-checkout DIR``: a profile from a plugin class already in a checkout.

The class ``NAME`` is found by its definition (``#name : NAME``) in any package folder of
``smalltalksrc/`` (FileAttributesPlugin has its own package), read with the Tonel reader,
either style, into the profile's ``plugin:`` — definition (instance, class and class-side
variables, pools, category and package), comment, every method with its side and protocol,
all text exactly as written — and the profile is written only when it renders the very same
file back (in the style of the class's own package folder), so the wizard driving that
plugin from then on does not rewrite the class. A class a profile cannot hold (traits, a
non-default layout, a file laid out as Pharo never writes it) is refused with the reason;
so is a class file over 1 MiB or one reached through a link leading out of the checkout.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from wizard.checkout.smalltalksrc import SMALLTALKSRC, ClassLookupError, find_class
from wizard.errors import ProfileError, UsageError
from wizard.formats.tonel import TonelStyle, detect_style_in, read_class, render_class, to_plugin
from wizard.profile.model import CLASS_NAME, Plugin, Profile, Repository
from wizard.profile.parse import parse_yaml
from wizard.profile.save import dump_profile
from wizard.profile.validate import validate
from wizard.words import few

#: The keys of a class definition a profile expresses; any other one cannot be imported.
EXPRESSIBLE_KEYS = (
    "#name",
    "#superclass",
    "#instVars",
    "#classVars",
    "#pools",
    "#classInstVars",
    "#category",
    "#package",
    "#tag",
)
#: The largest class file ``--import`` reads (the biggest plugin of pharo-vm is ~200 KB).
MAX_CLASS_BYTES = 1024 * 1024
KEY_MEANINGS = {
    "#traits": "traits",
    "#classTraits": "class-side traits",
    "#type": "a non-default class layout",
}


class NotExpressible(ValueError):
    """The class cannot be held by a profile that renders it back byte for byte; says why."""


@dataclass(frozen=True)
class Imported:
    """The plugin class of a file as a profile: its ``plugin:`` section and the whole text."""

    plugin_name: str
    profile_text: str


def profile_for_class(
    text: str,
    style: TonelStyle,
    profile_path: Path,
    repository: Repository | None = None,
    workspace: str = ".",
    package_folder: str | None = None,
) -> Imported:
    """The profile text for the class file ``text``; :class:`NotExpressible` with the reason.

    ``style`` is the Tonel style of the class's package folder, the one ``plugin-source``
    renders in; ``package_folder`` the name of that folder, the class's package (where the
    wizard writes the class back).  The profile text is loaded again and rendered: only a
    profile that gives back ``text`` exactly, into the same folder, is answered.
    """
    try:
        tonel = read_class(text, verbatim=True)
    except ValueError as error:
        raise NotExpressible(str(error)) from None
    extra = [key for key in tonel.keys if key not in EXPRESSIBLE_KEYS]
    if extra:
        what = few(f"{key} ({KEY_MEANINGS.get(key, 'not a profile key')})" for key in extra)
        raise NotExpressible(f"its class definition has {what}, which a profile cannot hold")
    if tonel.style is not style:
        raise NotExpressible(
            f"it is written in the {tonel.style.value} Tonel style while its package "
            f"folder uses the {style.value} one, which the wizard would write"
        )
    plugin = _in_package(to_plugin(tonel), package_folder)
    profile = Profile(
        path=profile_path,
        plugin=plugin,
        workspace=workspace,
        repository=repository or Repository(),
    )
    profile_text = dump_profile(profile)
    try:
        loaded = validate(parse_yaml(profile_text, profile_path)[0], profile_path)
    except ProfileError as error:
        raise NotExpressible(f"as a profile it does not load: {error.message}") from None
    rendered = render_class(loaded.plugin, style)
    if rendered != text:
        raise NotExpressible(_first_difference(text, rendered))
    return Imported(tonel.name, profile_text)


def _in_package(plugin: Plugin, folder: str | None) -> Plugin:
    """``plugin`` with the package its folder says, when the category alone reads otherwise
    (an old-style ``Slang-Tests-AST`` in ``Slang-Tests/``); NotExpressible when the class's
    package is not the folder it is in (the wizard would write it somewhere else)."""
    if folder is None or plugin.package == folder:
        return plugin
    category = plugin.category
    if plugin.declared_package is None and (
        category == folder or category.startswith(folder + "-")
    ):
        return replace(plugin, declared_package=folder)
    raise NotExpressible(
        f"its package is {plugin.package} but it lies in {SMALLTALKSRC}/{folder}/; the wizard "
        f"would write it to {SMALLTALKSRC}/{plugin.package}/"
    )


def _first_difference(original: str, rendered: str) -> str:
    """Why the rendered text is not the original: the first line that differs, in words."""
    old, new = original.split("\n"), rendered.split("\n")
    for number, (was, now) in enumerate(zip(old, new, strict=False), start=1):
        if was == now:
            continue
        if not was.strip() and now.startswith("Class {"):
            why = "a blank line between the class comment and Class {, which the wizard does not write"
        else:
            why = "the wizard writes this line differently"
        return f"line {number}: {why} (file: {was!r}; profile: {now!r})"
    return (
        f"the profile would render {len(new)} lines, not {len(old)} "
        "(blank lines or the end of the file differ)"
    )


def find_class_file(checkout: Path, name: str) -> Path | None:
    """The file of ``smalltalksrc/*/`` whose Tonel definition names class ``name``, or None.

    The checkout's class finder (:func:`wizard.checkout.smalltalksrc.find_class`) does the looking;
    first, a file named after the class that is not a plain file of the checkout (a link
    out of it, a FIFO) is answered unread, for :func:`read_class_file` to refuse by name.
    """
    inside = checkout.resolve()
    for path in sorted((checkout / SMALLTALKSRC).glob(f"*/{name}.class.st")):
        if not _plain_file_inside(path, inside):
            return path
    try:
        return find_class(checkout, name)
    except ClassLookupError as error:
        raise UsageError(f"--from-checkout {checkout}: {error}") from None


def _plain_file_inside(path: Path, inside: Path) -> bool:
    try:
        return path.resolve().is_relative_to(inside) and stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def read_class_file(checkout: Path, source: Path) -> str:
    """The text of a class file to import; bad input (named) when it is not a plain file of
    the checkout: a link leading out of it, a FIFO or device, over 1 MiB, not UTF-8."""
    inside = checkout.resolve()
    real = source.resolve()
    if not real.is_relative_to(inside):
        raise UsageError(
            f"{source} is a link leading out of the checkout (to {real}); --import reads only "
            "the checkout's own files"
        )
    facts = real.stat()
    if not stat.S_ISREG(facts.st_mode):
        raise UsageError(f"{source} is not a regular file")
    if facts.st_size > MAX_CLASS_BYTES:
        raise UsageError(
            f"{source} is {facts.st_size} bytes; --import reads class files up to 1 MiB"
        )
    with real.open("rb") as stream:
        raw = stream.read(MAX_CLASS_BYTES + 1)
    if len(raw) > MAX_CLASS_BYTES:
        raise UsageError(f"{source} is over 1 MiB; --import reads class files up to 1 MiB")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not UTF-8 text") from None


def import_plugin(name: str, checkout: Path, folder: Path) -> Path:
    """Write ``folder/NAME.yml`` from the checkout's class file; never overwrite a profile."""
    from wizard.checkout.git import current_branch, origin_urls

    if not CLASS_NAME.fullmatch(name):
        raise UsageError(f"--import {name!r}: a plugin name is a Smalltalk class name")
    if not checkout.is_dir():
        raise UsageError(f"--from-checkout {checkout}: no such folder")
    if not (checkout / SMALLTALKSRC).is_dir():
        raise UsageError(
            f"--from-checkout {checkout}: not a pharo-vm checkout (no {SMALLTALKSRC}/ in it)"
        )
    source = find_class_file(checkout, name)
    if source is None:
        raise UsageError(
            f"--from-checkout {checkout}: no class {name} defined in {SMALLTALKSRC}/*/*.class.st"
        )
    path = folder / f"{name}.yml"
    if path.exists() or path.is_symlink():
        raise UsageError(f"{path} exists already; the wizard never overwrites a profile")
    text = read_class_file(checkout, source)
    is_git = (checkout / ".git").exists()
    urls = origin_urls(checkout) if is_git else []
    branch = current_branch(checkout) if is_git else None
    repository = Repository(
        url=urls[0] if urls else str(checkout.resolve()),
        path=checkout.name,
        # the branch the class is on, so the plugin branch starts from it (not when it is
        # the plugin branch already)
        base_branch=branch if branch != name else None,
    )
    workspace = os.path.relpath(checkout.resolve().parent, folder.resolve())
    try:
        imported = profile_for_class(
            text, detect_style_in(source.parent), path, repository, workspace, source.parent.name
        )
    except NotExpressible as error:
        raise UsageError(f"{source} cannot be imported: {error}") from None
    if imported.plugin_name != name:
        raise UsageError(f"{source} defines {imported.plugin_name}, not {name}")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(imported.profile_text)
    except FileExistsError:
        raise UsageError(f"{path} exists already; the wizard never overwrites a profile") from None
    return path
