"""The built plugin library: where pharo-vm puts it, and what its dynamic symbol table exports.

ELF libraries are read by :mod:`wizard.formats.elf`, so checking a Linux build needs no
binutils; Mach-O and PE files are handed to ``nm``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Library:
    """A plugin library found on disk, with what the ``verify`` step records about it."""

    path: Path
    size: int
    sha256: str
    exports: tuple[str, ...]

    def as_state(self, workspace: Path) -> dict[str, object]:
        try:
            shown = str(self.path.relative_to(workspace))
        except ValueError:
            shown = str(self.path)
        return {
            "path": shown,
            "size": self.size,
            "sha256": self.sha256,
            "exports": list(self.exports),
        }


def library_candidates(build_dir: Path, plugin: str, platform: str = sys.platform) -> list[Path]:
    """Where pharo-vm's build puts ``plugin``'s library, most direct first (notes §3)."""
    if platform == "darwin":
        name = f"lib{plugin}.dylib"
        return [
            build_dir / "build/vm/Debug/Pharo.app/Contents/MacOS/Plugins" / name,
            build_dir / "build/dist/Pharo.app/Contents/MacOS/Plugins" / name,
        ]
    if platform.startswith(("win", "cygwin", "msys")):
        name = f"{plugin}.dll"
        return [build_dir / "build/vm" / name, build_dir / "build/dist" / name]
    name = f"lib{plugin}.so"
    return [build_dir / "build/vm" / name, build_dir / "build/dist/lib" / name]


def find_library(build_dir: Path, plugin: str) -> Path | None:
    """The first existing candidate, or None."""
    return next((path for path in library_candidates(build_dir, plugin) if path.is_file()), None)


def inspect_library(path: Path) -> Library:
    """Size, sha256 and exported symbols of a library (ELF read here, else ``nm``)."""
    from wizard.formats.elf import is_elf, read_elf

    data = path.read_bytes()
    exports = read_elf(path).exports if is_elf(path) else nm_exports(path)
    import hashlib  # verify needs it; planning and --dry-run do not

    return Library(path, len(data), hashlib.sha256(data).hexdigest(), tuple(sorted(exports)))


def nm_exports(path: Path) -> set[str]:
    """Exported symbols of a non-ELF library (Mach-O, PE) through ``nm``."""
    import subprocess

    result = subprocess.run(
        ["nm", "-g", "--defined-only", str(path)], capture_output=True, text=True, check=False
    )
    names = set()
    for line in result.stdout.splitlines():
        parts = line.split()
        if parts:
            names.add(parts[-1].lstrip("_") if sys.platform == "darwin" else parts[-1])
    return names
