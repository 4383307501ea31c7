"""Reading a checkout's build-file layout from its CMakeLists.txt (docs/layouts.md)."""

from __future__ import annotations

import pytest

from fakevm import branch_files
from wizard.formats.layout import LAYOUT_2024, LAYOUT_2025, UnknownLayout, layout_of
from wizard.formats.plugins_cmake import append_plugin, count_plugin_declarations


@pytest.mark.parametrize(
    ("line", "layout"),
    [
        ("include(plugins.cmake)", LAYOUT_2024),
        ("include(cmake/plugins.cmake)", LAYOUT_2025),
        ('include("cmake/plugins.cmake")', LAYOUT_2025),
        ("include( ${CMAKE_CURRENT_SOURCE_DIR}/cmake/plugins.cmake )", LAYOUT_2025),
        ("INCLUDE(plugins.cmake)", LAYOUT_2024),
    ],
)
def test_the_included_list_decides(line: str, layout) -> None:
    text = (
        f"project(PharoVM)\ninclude(cmake/vmmaker.cmake)\n{line}\ninclude(cmake/packaging.cmake)\n"
    )
    assert layout_of(text) is layout


def test_a_commented_include_does_not_count() -> None:
    text = "# include(plugins.cmake)\ninclude(cmake/plugins.cmake)\n"
    assert layout_of(text) is LAYOUT_2025


def test_the_macro_file_is_not_the_list() -> None:
    with pytest.raises(UnknownLayout, match="neither"):
        layout_of("include(plugins.macros.cmake)\ninclude(cmake/plugins.macros.cmake)\n")


def test_neither_names_both_files() -> None:
    with pytest.raises(UnknownLayout) as raised:
        layout_of("project(Other)\n")
    assert "include(plugins.cmake)" in str(raised.value)
    assert "include(cmake/plugins.cmake)" in str(raised.value)


def test_both_is_refused() -> None:
    with pytest.raises(UnknownLayout, match="both"):
        layout_of("include(plugins.cmake)\ninclude(cmake/plugins.cmake)\n")


@pytest.mark.parametrize(
    ("branch", "layout"),
    [("pharo-9", LAYOUT_2024), ("pharo-10", LAYOUT_2024), ("pharo-12", LAYOUT_2025)],
)
def test_the_test_repository_branches(branch: str, layout) -> None:
    assert layout_of(branch_files(branch)["CMakeLists.txt"]) is layout


def test_2025_declaration_is_appended_once_and_keeps_the_file() -> None:
    text = branch_files("pharo-12")["cmake/plugins.cmake"]
    once = append_plugin(text, "HelloWorldPlugin")
    assert once.startswith(text)
    assert once[len(text) :] == "\nadd_vm_plugin(HelloWorldPlugin TRUE FALSE)\n"
    assert append_plugin(once, "HelloWorldPlugin") == once
    assert count_plugin_declarations(once, "HelloWorldPlugin") == 1


def test_2025_declaration_sees_the_2024_form_too() -> None:
    text = "add_vm_plugin(HelloWorldPlugin\n\t${PHARO_CURRENT_GENERATED}/plugins/src/HelloWorldPlugin/HelloWorldPlugin.c)\n"
    assert append_plugin(text, "HelloWorldPlugin") == text


def test_2025_declaration_without_a_final_newline() -> None:
    assert append_plugin("add_vm_plugin(A TRUE FALSE)", "B") == (
        "add_vm_plugin(A TRUE FALSE)\n\nadd_vm_plugin(B TRUE FALSE)\n"
    )
    assert append_plugin("", "B") == "add_vm_plugin(B TRUE FALSE)\n"


def test_a_commented_declaration_is_not_one() -> None:
    text = "# add_vm_plugin(B TRUE FALSE)\n"
    assert append_plugin(text, "B").endswith("\nadd_vm_plugin(B TRUE FALSE)\n")


def test_layouts_say_what_cmake_prints() -> None:
    assert LAYOUT_2024.adding_message("P") == "Adding plugin: P"
    assert LAYOUT_2025.adding_message("P") == "Adding plugin P including generated code"
