"""Which undefined symbols of a plugin library nothing will provide when the VM loads it.

A plugin that calls ``crc32`` but does not link ``z`` still builds (shared libraries may
leave symbols undefined) and only fails when the VM loads it, far from the cause. ``verify``
therefore follows the dynamic loader: a symbol the library leaves undefined must be exported
by the VM (the executable or the VM core library beside the plugin) or by a library it
names as needed, or by one of theirs. What none of them exports is the forgotten ``link:``.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

from wizard.formats.elf import ElfSymbols, is_elf, read_elf

#: The VM executable beside the plugins (pharo-vm's VM_EXECUTABLE_NAME); it may export too.
VM_EXECUTABLES = ("pharo",)


@dataclass
class Linkage:
    """The answer for one library: what is missing, and what could not be checked."""

    needed: tuple[str, ...]
    unresolved: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)  # needed libraries not on this machine


def system_folders() -> list[Path]:
    """Where the loader looks after RUNPATH: LD_LIBRARY_PATH, then the usual lib folders."""
    folders = [Path(p) for p in os.environ.get("LD_LIBRARY_PATH", "").split(":") if p]
    for pattern in ("/lib/*-linux-gnu", "/usr/lib/*-linux-gnu"):
        folders += [Path(p) for p in sorted(glob.glob(pattern))]
    folders += [Path(p) for p in ("/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib")]
    return folders


def _find(name: str, origin: Path, search: tuple[str, ...]) -> Path | None:
    if "/" in name:
        return Path(name) if Path(name).is_file() else None
    folders = [Path(entry.replace("$ORIGIN", str(origin))) for entry in search if entry]
    for folder in [*folders, origin, *system_folders()]:
        candidate = folder / name
        if candidate.is_file() and is_elf(candidate):
            return candidate
    return None


def check_linkage(library: Path) -> Linkage:
    """The undefined symbols of ``library`` that the VM and its needed libraries lack."""
    own = read_elf(library)
    answer = Linkage(needed=own.needed)
    providers: list[ElfSymbols] = []
    folder = library.parent
    for executable in VM_EXECUTABLES:
        candidate = folder / executable
        if candidate.is_file() and is_elf(candidate):
            providers.append(read_elf(candidate))
    seen: set[str] = set()
    pending = [(name, folder, own.search_path) for name in own.needed]
    while pending:
        name, origin, search = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        path = _find(name, origin, search)
        if path is None:
            answer.not_found.append(name)
            continue
        symbols = read_elf(path)
        providers.append(symbols)
        pending += [(other, path.parent, symbols.search_path) for other in symbols.needed]
    provided: set[str] = set()
    for symbols in providers:
        provided |= symbols.exports
    answer.unresolved = sorted(own.undefined - provided)
    return answer
