"""``--import NAME --from-checkout DIR``: a profile from a plugin class already in a checkout.

The class file ``smalltalksrc/VMMaker/NAME.class.st`` (either Tonel style) is read with the
Tonel reader into the profile's ``plugin:`` — definition, comment, instance variables, every
method with its side and protocol — and the profile is written only when it renders the
very same text back (in the checkout's style), so the wizard driving that plugin from then
on does not rewrite the class. A class a profile cannot hold (class variables, a category
outside VMMaker, a layout the renderer does not produce) is refused with the reason.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from wizard.checkout import CLASS_DIR, class_file
from wizard.errors import ProfileError, UsageError
from wizard.formats.tonel import TonelStyle, read_class, render_class, to_plugin
from wizard.profile import (
    CLASS_NAME,
    Profile,
    Repository,
    dump_profile,
    parse_yaml,
    validate,
)

#: The keys of a class definition a profile expresses; any other one cannot be imported.
EXPRESSIBLE_KEYS = ("#name", "#superclass", "#instVars", "#category", "#package", "#tag")
KEY_MEANINGS = {
    "#classVars": "class variables",
    "#classInstVars": "class-side instance variables",
    "#pools": "shared pools",
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
) -> Imported:
    """The profile text for the class file ``text``; :class:`NotExpressible` with the reason.

    ``style`` is the checkout's Tonel style, the one ``plugin-source`` renders in.  The
    profile text is loaded again and rendered: only a profile that gives back ``text``
    exactly is answered.
    """
    try:
        tonel = read_class(text)
    except ValueError as error:
        raise NotExpressible(str(error)) from None
    extra = [key for key in tonel.keys if key not in EXPRESSIBLE_KEYS]
    if extra:
        what = ", ".join(f"{key} ({KEY_MEANINGS.get(key, 'not a profile key')})" for key in extra)
        raise NotExpressible(f"its class definition has {what}, which a profile cannot hold")
    if tonel.style is not style:
        raise NotExpressible(
            f"it is written in the {tonel.style.value} Tonel style while the checkout's "
            f"{CLASS_DIR} uses the {style.value} one, which the wizard would write"
        )
    profile = Profile(
        path=profile_path,
        plugin=to_plugin(tonel),
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


def _first_difference(original: str, rendered: str) -> str:
    """Why the rendered text is not the original: the first line that differs, in words."""
    old, new = original.split("\n"), rendered.split("\n")
    for number, (was, now) in enumerate(zip(old, new, strict=False), start=1):
        if was == now:
            continue
        if not was.strip() and now == "]":
            why = "a method body ends with a blank line, which the wizard does not write"
        elif not was.strip() and now == '"':
            why = "the class comment ends with a blank line, which the wizard does not write"
        elif not was.strip() and now.startswith("Class {"):
            why = "a blank line between the class comment and Class {, which the wizard does not write"
        elif was.startswith(now) and now.endswith("["):
            why = "a method's first line has text after its [, which the wizard does not write"
        else:
            why = "the wizard writes this line differently"
        return f"line {number}: {why} (file: {was!r}; profile: {now!r})"
    return (
        f"the profile would render {len(new)} lines, not {len(old)} "
        "(blank lines or the end of the file differ)"
    )


def import_plugin(name: str, checkout: Path, folder: Path) -> Path:
    """Write ``folder/NAME.yml`` from the checkout's class file; never overwrite a profile."""
    from wizard.formats.tonel import detect_style_in
    from wizard.repository import current_branch, origin_urls

    if not CLASS_NAME.fullmatch(name):
        raise UsageError(f"--import {name!r}: a plugin name is a Smalltalk class name")
    source = checkout / class_file(name)
    if not source.is_file():
        raise UsageError(f"--from-checkout {checkout}: no plugin class {class_file(name)} there")
    path = folder / f"{name}.yml"
    if path.exists() or path.is_symlink():
        raise UsageError(f"{path} exists already; the wizard never overwrites a profile")
    try:
        text = source.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not UTF-8 text") from None
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
            text, detect_style_in(checkout / CLASS_DIR), path, repository, workspace
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
