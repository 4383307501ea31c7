"""The block the wizard owns after a plugin's declaration: its links and definitions."""

from __future__ import annotations

import pytest

from fakevm import branch_files
from wizard.formats.layout import LAYOUT_2024, LAYOUT_2025
from wizard.formats.plugins_cmake import block_end, block_start, links_block
from wizard.profile.model import Link

LISTS = {2024: (LAYOUT_2024, "pharo-10"), 2025: (LAYOUT_2025, "pharo-12")}
FULL = Link(
    libraries=("z", "m"),
    pkg_config=("glib-2.0",),
    frameworks=("CoreFoundation",),
    plugins=("FilePlugin",),
)


def stock(year: int) -> str:
    layout, branch = LISTS[year]
    return branch_files(branch)[layout.plugin_list]


def test_the_block_names_the_target_each_link_and_the_definitions():
    block = links_block("P", FULL, ("HELPER_VERBOSE=1",))
    lines = block.splitlines()
    assert lines[0] == block_start("P") and lines[-1] == block_end("P")
    assert "target_link_libraries(P PRIVATE z m)" in lines
    assert "target_link_libraries(P PRIVATE FilePlugin)" in lines
    assert '    target_link_libraries(P PRIVATE "-framework CoreFoundation")' in lines
    assert "pkg_check_modules(P_PC_glib_2_0 IMPORTED_TARGET glib-2.0)" in lines
    assert "target_link_libraries(P PRIVATE PkgConfig::P_PC_glib_2_0)" in lines
    assert "target_compile_definitions(P PRIVATE HELPER_VERBOSE=1)" in lines
    assert lines.index("if(APPLE)") < lines.index("endif()")
    assert links_block("P", Link()) == ""


@pytest.mark.parametrize("year", sorted(LISTS))
def test_the_block_follows_the_declaration_and_is_rewritten_not_repeated(year):
    layout, _ = LISTS[year]
    text = stock(year)
    block = links_block("P", FULL, ("A=1",))
    declared = layout.declare(text, "P", block)
    assert declared.count(block_start("P")) == 1
    assert (layout.declaration("P") + block) in declared
    assert layout.declare(declared, "P", block) == declared
    smaller = links_block("P", Link(libraries=("z",)))
    changed = layout.declare(declared, "P", smaller)
    assert changed == layout.declare(text, "P", smaller)
    assert "FilePlugin)" not in changed.split(block_start("P"))[1]
    assert layout.declare(declared, "P", "") == layout.declare(text, "P")
    # Apart from the block, the file is exactly the plain declaration's.
    assert changed.replace(smaller, "") == layout.declare(text, "P")
