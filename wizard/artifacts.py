"""The built plugin library: where pharo-vm puts it, and what its dynamic symbol table exports.

ELF libraries are read directly (the ``.dynsym`` section), so checking a Linux build needs
no binutils; Mach-O and PE files are handed to ``nm``.
"""

from __future__ import annotations

import struct
import sys
from dataclasses import dataclass
from pathlib import Path

SHT_DYNSYM = 11
STB_GLOBAL, STB_WEAK = 1, 2
SHN_UNDEF = 0


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
    """Size, sha256 and exported symbols of a library."""
    data = path.read_bytes()
    exports = elf_exports(data) if data[:4] == b"\x7fELF" else nm_exports(path)
    import hashlib  # verify needs it; planning and --dry-run do not

    return Library(path, len(data), hashlib.sha256(data).hexdigest(), tuple(sorted(exports)))


def elf_exports(data: bytes) -> set[str]:
    """The defined global (and weak) symbols of an ELF file's dynamic symbol table."""
    is64 = data[4] == 2
    endian = "<" if data[5] == 1 else ">"
    if is64:
        shoff = _unpack(endian + "Q", data, 0x28)
        shentsize, shnum = _u16(data, 0x3A, endian), _u16(data, 0x3C, endian)
        section = endian + "IIQQQQIIQQ"
        symbol, symbol_size = endian + "IBBHQQ", 24
    else:
        shoff = _unpack(endian + "I", data, 0x20)
        shentsize, shnum = _u16(data, 0x2E, endian), _u16(data, 0x30, endian)
        section = endian + "IIIIIIIIII"
        symbol, symbol_size = endian + "IIIBBH", 16
    sections = [struct.unpack_from(section, data, shoff + i * shentsize) for i in range(shnum)]
    exports: set[str] = set()
    for header in sections:
        if header[1] != SHT_DYNSYM:
            continue
        offset, size, link = header[4], header[5], header[6]
        strings = sections[link][4]
        for start in range(offset, offset + size, symbol_size):
            fields = struct.unpack_from(symbol, data, start)
            if is64:
                name_offset, info, _, shndx = fields[0], fields[1], fields[2], fields[3]
            else:
                name_offset, info, shndx = fields[0], fields[3], fields[5]
            if shndx == SHN_UNDEF or (info >> 4) not in (STB_GLOBAL, STB_WEAK):
                continue
            end = data.index(b"\0", strings + name_offset)
            name = data[strings + name_offset : end].decode("ascii", "replace")
            if name:
                exports.add(name)
    return exports


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


def _unpack(fmt: str, data: bytes, offset: int) -> int:
    return struct.unpack_from(fmt, data, offset)[0]


def _u16(data: bytes, offset: int, endian: str) -> int:
    return struct.unpack_from(endian + "H", data, offset)[0]
