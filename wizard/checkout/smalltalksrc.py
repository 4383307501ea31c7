"""Classes of a pharo-vm checkout's ``smalltalksrc/``, found by their Tonel definition.

pharo-vm moves classes between package folders: ``PharoVMMaker`` lived in
``smalltalksrc/VMMakerCompatibilityForPharo6/`` until 2025 and lives in
``smalltalksrc/VMMaker/`` on the pharo-12 of 2026, and some plugins have a package of their
own (``smalltalksrc/FileAttributesPlugin/``).  What VMMaker loads is a package, not a path, so
the wizard finds a class the same way the image does: by the ``#name :`` of its definition
(``#name : #X`` or ``#name : 'X'``), in any package folder.

The cheap way comes first: Tonel names a class file after its class, so a file
``<X>.class.st`` in any package folder whose definition says ``X`` is the class.  Only when no
such file exists are all class files' definitions read.  Two files defining the same class is
a checkout the wizard cannot edit safely; :class:`ClassLookupError` says so in one line.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

#: The folder of a pharo-vm checkout that holds the Tonel packages.
SMALLTALKSRC = "smalltalksrc"

#: The class whose ``internal: #(...) external: #(...)`` list says which plugins VMMaker builds.
VMMAKER_CLASS = "PharoVMMaker"

_DEFINITION = re.compile(
    r"^Class\s*\{[^}]*?#name\s*:\s*(?:#'([^']*)'|#([A-Za-z_][A-Za-z0-9_]*)|'([^']*)')",
    re.MULTILINE,
)
_HEAD = 4096  # the definition comes after the class comment; comments are rarely longer
#: No class file is read further than this (the largest of pharo-vm is about 300 KB).
MAX_CLASS_CHARACTERS = 1024 * 1024


class ClassLookupError(LookupError):
    """A class the wizard needs is defined nowhere, or more than once, under ``smalltalksrc/``."""


def defined_name(text: str) -> str | None:
    """The class a Tonel class file defines (``#name :`` of its ``Class {`` map), or None."""
    match = _DEFINITION.search(text)
    if match is None:
        return None
    return next(group for group in match.groups() if group is not None)


def _definition_of(path: Path) -> str | None:
    """The class ``path`` defines, reading only as much of the file as the definition needs.

    Only a plain file (or a link to one) is read, and at most 1 MiB of it: a FIFO or a
    device, or a link to one (``/dev/zero``, say), in a checkout someone shared defines no
    class (``--import`` names such a file when asked for it).
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        with path.open(encoding="utf-8", errors="replace") as stream:
            head = stream.read(_HEAD)
            name = defined_name(head)
            if name is None and len(head) == _HEAD:  # a long class comment: read on
                name = defined_name(head + stream.read(MAX_CLASS_CHARACTERS - _HEAD))
    except OSError:
        return None
    return name


def class_files(root: Path) -> list[Path]:
    """Every Tonel class file of the checkout at ``root``, one package folder deep, sorted."""
    return sorted((root / SMALLTALKSRC).glob("*/*.class.st"))


def class_definitions(root: Path) -> dict[str, list[Path]]:
    """Every class defined under ``root/smalltalksrc``, with the file(s) that define it.

    A class with more than one file is a checkout the wizard refuses to edit
    (:func:`find_class` says so); this scan reads every class file's definition.
    """
    found: dict[str, list[Path]] = {}
    for path in class_files(root):
        name = _definition_of(path)
        if name is not None:
            found.setdefault(name, []).append(path)
    return found


def _candidates(root: Path, name: str) -> list[Path]:
    """Files named after ``name`` in any package folder whose definition confirms it."""
    return [
        path
        for path in sorted((root / SMALLTALKSRC).glob(f"*/{name}.class.st"))
        if _definition_of(path) == name
    ]


def find_class(root: Path, name: str) -> Path | None:
    """The file that defines class ``name`` under ``root/smalltalksrc``; None when none does.

    ``root`` is the checkout.  Raises :class:`ClassLookupError` when two files define it.
    """
    paths = _candidates(root, name) or class_definitions(root).get(name, [])
    if len(paths) > 1:
        from wizard.words import few

        listed = few(path.relative_to(root).as_posix() for path in paths)
        raise ClassLookupError(
            f"{name} is defined {len(paths)} times under {SMALLTALKSRC}/ ({listed}); "
            "expected exactly one"
        )
    return paths[0] if paths else None


def class_path(root: Path, name: str) -> str:
    """Where class ``name`` is defined, relative to the checkout (posix); a one-line failure else.

    For a class the wizard must read or edit: :class:`ClassLookupError` names what was looked
    for when no file, or more than one, defines it.
    """
    path = find_class(root, name)
    if path is None:
        raise ClassLookupError(
            f"no class {name} in {SMALLTALKSRC}/ (looked for a Tonel definition "
            f"`#name : #{name}` in every package folder)"
        )
    return path.relative_to(root).as_posix()


def package_folder(package: str) -> str:
    """The folder of a Tonel package inside the checkout (``smalltalksrc/<package>``)."""
    return f"{SMALLTALKSRC}/{package}"
