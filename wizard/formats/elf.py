"""What an ELF shared library offers and asks for, read from its dynamic section and symbols.

``verify`` needs three things from the plugin's library: the symbols it exports (the
primitives), the symbols it leaves undefined (what the dynamic loader must find elsewhere)
and the libraries it names as ``DT_NEEDED`` (where the loader looks for them, with its
``RUNPATH``/``RPATH``). Those few tables are read with :mod:`struct` (:func:`read_elf`),
32- or 64-bit, either byte order (README "Real plugins").
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

ELF_MAGIC = b"\x7fELF"


@dataclass(frozen=True)
class ElfSymbols:
    """The dynamic linking facts of one ELF file."""

    exports: frozenset[str]  # defined global and weak symbols of .dynsym
    undefined: frozenset[str]  # undefined global (not weak) symbols: they must be found
    needed: tuple[str, ...]  # DT_NEEDED, in order
    search_path: tuple[str, ...]  # DT_RUNPATH or DT_RPATH entries, $ORIGIN unexpanded


def is_elf(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(4) == ELF_MAGIC


def read_elf(path: Path) -> ElfSymbols:
    """The dynamic symbols and needed libraries of ``path``; ``ValueError`` if it is no ELF.

    Read with :mod:`struct` from the section headers, ``.dynsym`` and ``.dynamic``: the
    answers pyelftools gives (compared on every ELF file of a Debian system, and on 32-bit
    and big-endian ones), without its import, which cost each run's ``verify`` ~40 ms, nor
    its parsing, ~25 µs a symbol (libc has ~3000).
    """
    try:
        with path.open("rb") as stream:
            return _read_elf(stream)
    except (struct.error, IndexError, ValueError, OverflowError) as error:
        raise ValueError(f"{path} is not a readable ELF file: {error}") from None


def _read_elf(stream: BinaryIO) -> ElfSymbols:
    ident = stream.read(16)
    if ident[:4] != ELF_MAGIC or ident[4] not in (1, 2) or ident[5] not in (1, 2):
        raise ValueError("no ELF header")
    wide = ident[4] == 2  # ELFCLASS64
    order = "<" if ident[5] == 1 else ">"  # ELFDATA2LSB, ELFDATA2MSB

    def read(offset: int, size: int) -> bytes:
        stream.seek(offset)
        data = stream.read(size)
        if len(data) != size:
            raise ValueError("the file ends inside a table")
        return data

    header = read(0, 64 if wide else 52)
    shoff, shentsize, shnum, shstrndx = struct.unpack_from(
        order + ("40xQ10xHHH" if wide else "32xI10xHHH"), header
    )
    section = struct.Struct(order + ("IIQQQQIIQQ" if wide else "IIIIIIIIII"))
    if shoff == 0:
        return ElfSymbols(frozenset(), frozenset(), (), ())
    if shentsize < section.size:
        raise ValueError(f"section headers of {shentsize} bytes")

    def section_at(index: int) -> tuple[int, ...]:
        """The section's name (an offset), type, offset, size, link and entry size."""
        fields = section.unpack(read(shoff + index * shentsize, section.size))
        return fields[0], fields[1], fields[4], fields[5], fields[6], fields[9]

    first = section_at(0)
    count = shnum or first[3]  # more than 0xff00 sections: the count is in section 0
    names_index = first[4] if shstrndx == 0xFFFF else shstrndx  # SHN_XINDEX
    sections = [section_at(index) for index in range(count)]
    names = read(sections[names_index][2], sections[names_index][3])
    by_name = {_string(names, entry[0]): entry for entry in sections}

    def strings(entry: tuple[int, ...]) -> bytes:
        table = sections[entry[4]]  # sh_link: the section's string table
        return read(table[2], table[3])

    exports: set[str] = set()
    undefined: set[str] = set()
    dynsym = by_name.get(".dynsym")
    if dynsym is not None:
        if dynsym[5] == 0:
            raise ValueError(".dynsym has entry size 0")
        table, names_of = read(dynsym[2], dynsym[3] // dynsym[5] * dynsym[5]), strings(dynsym)
        symbol = struct.Struct(order + ("IBBH16x" if wide else "I8xBBH"))
        for offset in range(0, len(table), dynsym[5]):
            name, info, _, shndx = symbol.unpack_from(table, offset)
            bind = info >> 4
            text = _string(names_of, name)
            if not text or bind not in (1, 2):  # STB_GLOBAL, STB_WEAK
                continue
            if shndx != 0:  # not SHN_UNDEF
                exports.add(text)
            elif bind == 1:
                undefined.add(text)
    needed: list[str] = []
    search: list[str] = []
    dynamic = by_name.get(".dynamic")
    if dynamic is not None and dynamic[1] != 8:  # SHT_NOBITS: no tags
        tags, names_of = read(dynamic[2], dynamic[3]), strings(dynamic)
        tag = struct.Struct(order + ("qQ" if wide else "iI"))
        for kind, value in tag.iter_unpack(tags[: len(tags) // tag.size * tag.size]):
            if kind == 0:  # DT_NULL
                break
            if kind == 1:  # DT_NEEDED
                needed.append(_string(names_of, value))
            elif kind in (29, 15):  # DT_RUNPATH, DT_RPATH
                search += _string(names_of, value).split(":")
    return ElfSymbols(frozenset(exports), frozenset(undefined), tuple(needed), tuple(search))


def _string(table: bytes, offset: int) -> str:
    """The NUL-terminated string at ``offset`` of a string table, as pyelftools decodes it."""
    if offset >= len(table):
        raise ValueError("a name outside its string table")
    end = table.find(b"\0", offset)
    return table[offset : end if end >= 0 else len(table)].decode("utf-8", "replace")
