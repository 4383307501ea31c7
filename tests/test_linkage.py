"""Which undefined symbols of a library nothing provides, on libraries built here with cc."""

from __future__ import annotations

from pathlib import Path

from fakevm.recipes import run
from wizard.formats.elf import read_elf
from wizard.vm.linkage import check_linkage


def shared(folder: Path, name: str, code: str, *links: str) -> Path:
    """``folder/lib<name>.so`` compiled from ``code`` with the real C compiler."""
    source = folder / f"{name}.c"
    source.write_text(code)
    library = folder / f"lib{name}.so"
    args = ["cc", "-shared", "-fPIC", "-o", str(library), str(source), f"-L{folder}", *links]
    built = run([*args, "-Wl,-rpath,$ORIGIN"])
    assert built.returncode == 0, built.stdout
    return library


def test_a_symbol_from_a_needed_library_is_provided_and_a_stray_one_is_named(tmp_path):
    shared(tmp_path, "base", "int baseAnswer(void) { return 42; }\n")
    user = shared(
        tmp_path,
        "user",
        "int baseAnswer(void); int nowhere(void);\n"
        "int useBoth(void) { return baseAnswer() + nowhere(); }\n",
        "-lbase",
    )
    facts = read_elf(user)
    assert "useBoth" in facts.exports
    assert {"baseAnswer", "nowhere"} <= facts.undefined
    assert "libbase.so" in facts.needed
    linkage = check_linkage(user)
    assert linkage.unresolved == ["nowhere"]
    assert linkage.not_found == []


def test_a_needed_library_that_is_not_there_is_reported_not_guessed(tmp_path):
    base = shared(tmp_path, "base", "int baseAnswer(void) { return 42; }\n")
    user = shared(
        tmp_path, "user", "int baseAnswer(void);\nint f(void) { return baseAnswer(); }\n", "-lbase"
    )
    base.unlink()
    linkage = check_linkage(user)
    assert linkage.not_found == ["libbase.so"]
