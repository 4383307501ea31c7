"""What an ELF shared library offers and asks for, read with pyelftools.

``verify`` needs three things from the plugin's library: the symbols it exports (the
primitives), the symbols it leaves undefined (what the dynamic loader must find elsewhere)
and the libraries it names as ``DT_NEEDED`` (where the loader looks for them, with its
``RUNPATH``/``RPATH``). pyelftools is pure Python and small; it is imported only when a
library is read, so planning and ``--dry-run`` do not pay for it (README "Real plugins").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
    """The dynamic symbols and needed libraries of ``path``; ``ValueError`` if it is no ELF."""
    from elftools.common.exceptions import ELFError
    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile
    from elftools.elf.sections import SymbolTableSection

    exports: set[str] = set()
    undefined: set[str] = set()
    needed: list[str] = []
    search: list[str] = []
    try:
        with path.open("rb") as stream:
            elf = ELFFile(stream)
            dynsym = elf.get_section_by_name(".dynsym")
            symbols = dynsym.iter_symbols() if isinstance(dynsym, SymbolTableSection) else ()
            for symbol in symbols:
                bind = symbol["st_info"]["bind"]
                if not symbol.name or bind not in ("STB_GLOBAL", "STB_WEAK"):
                    continue
                if symbol["st_shndx"] != "SHN_UNDEF":
                    exports.add(symbol.name)
                elif bind == "STB_GLOBAL":
                    undefined.add(symbol.name)
            dynamic = elf.get_section_by_name(".dynamic")
            for tag in dynamic.iter_tags() if isinstance(dynamic, DynamicSection) else ():
                kind = tag.entry.d_tag
                if kind not in ("DT_NEEDED", "DT_RUNPATH", "DT_RPATH"):
                    continue
                # pyelftools sets .needed, .runpath, .rpath with setattr: its types do not say
                value: str = getattr(tag, kind[3:].lower())
                if kind == "DT_NEEDED":
                    needed.append(value)
                else:
                    search += value.split(":")
    except ELFError as error:
        raise ValueError(f"{path} is not a readable ELF file: {error}") from None
    return ElfSymbols(frozenset(exports), frozenset(undefined), tuple(needed), tuple(search))
