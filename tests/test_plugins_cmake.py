"""plugins.cmake and cmake/vmmaker.cmake edits."""

from __future__ import annotations

import pytest

from wizard.formats.plugins_cmake import (
    add_generated_file,
    add_plugin,
    count_plugin_declarations,
    declared_plugins,
    generated_file,
    has_generated_file,
    plugin_block,
)

# A small text in the shape of pharo-vm's plugins.cmake (written for these tests).
PLUGINS_CMAKE = """\
include(plugins.macros.cmake)

#
# FilePlugin
#
message(STATUS "Adding plugin: FilePlugin")
addLibraryWithRPATH(FilePlugin
    ${FilePlugin_SOURCES}
    ${PHARO_CURRENT_GENERATED}/plugins/src/FilePlugin/FilePlugin.c)

#
# Socket Plugin
#
if (${FEATURE_NETWORK})
    add_vm_plugin(SocketPlugin)
endif()

#
# Surface Plugin
#

add_vm_plugin(SurfacePlugin\x20
\t${PHARO_CURRENT_GENERATED}/plugins/src/SurfacePlugin/SurfacePlugin.c)

#
# FloatArray Plugin
#

add_vm_plugin(FloatArrayPlugin\x20
\t${PHARO_CURRENT_GENERATED}/plugins/src/FloatArrayPlugin/FloatArrayPlugin.c)

#
# LargeIntegers Plugin
#

add_vm_plugin(LargeIntegers)

# add_vm_plugin(OldPlugin ${PHARO_CURRENT_GENERATED}/plugins/src/OldPlugin/OldPlugin.c)
add_vm_plugin(B2DPlugin)
"""

VMMAKER_CMAKE = """\
if(${SIZEOF_VOID_P} STREQUAL "8")
    set(PHARO_CURRENT_GENERATED ${GENERATED_SOURCE_DIR}/generated/64)
endif()

set(PLUGIN_GENERATED_FILES\x20
    ${PHARO_CURRENT_GENERATED}/plugins/src/FilePlugin/FilePlugin.c
    ${PHARO_CURRENT_GENERATED}/plugins/src/SurfacePlugin/SurfacePlugin.c
    ${PHARO_CURRENT_GENERATED}/plugins/src/FloatArrayPlugin/FloatArrayPlugin.c)

if(GENERATE_SOURCES)
    add_custom_command(OUTPUT ${VMSOURCEFILES} ${PLUGIN_GENERATED_FILES} COMMAND true)
endif()
"""

HELLO_C = "${PHARO_CURRENT_GENERATED}/plugins/src/HelloWorldPlugin/HelloWorldPlugin.c"


def test_generated_file() -> None:
    assert generated_file("HelloWorldPlugin") == HELLO_C


def test_plugin_block_mirrors_the_float_array_layout() -> None:
    assert plugin_block("HelloWorldPlugin") == (
        f"#\n# HelloWorldPlugin\n#\n\nadd_vm_plugin(HelloWorldPlugin\n\t{HELLO_C})\n"
    )


def test_declared_plugins_ignore_comments() -> None:
    assert declared_plugins(PLUGINS_CMAKE) == [
        "FilePlugin",
        "SocketPlugin",
        "SurfacePlugin",
        "FloatArrayPlugin",
        "LargeIntegers",
        "B2DPlugin",
    ]
    assert count_plugin_declarations(PLUGINS_CMAKE, "OldPlugin") == 0
    assert count_plugin_declarations(PLUGINS_CMAKE, "FloatArrayPlugin") == 1


def test_add_plugin_goes_after_the_last_generated_plugin() -> None:
    new = add_plugin(PLUGINS_CMAKE, "HelloWorldPlugin")
    anchor = "FloatArrayPlugin/FloatArrayPlugin.c)\n"
    expected = PLUGINS_CMAKE.replace(anchor, anchor + "\n" + plugin_block("HelloWorldPlugin"))
    assert new == expected
    assert count_plugin_declarations(new, "HelloWorldPlugin") == 1
    assert "\n\n#\n# HelloWorldPlugin\n#\n\nadd_vm_plugin(HelloWorldPlugin\n" in new
    assert f"{HELLO_C})\n\n#\n# LargeIntegers Plugin\n" in new


def test_add_plugin_is_idempotent() -> None:
    once = add_plugin(PLUGINS_CMAKE, "HelloWorldPlugin")
    assert add_plugin(once, "HelloWorldPlugin") == once


def test_second_plugin_goes_after_the_first() -> None:
    both = add_plugin(add_plugin(PLUGINS_CMAKE, "HelloWorldPlugin"), "OtherPlugin")
    assert both.index("add_vm_plugin(HelloWorldPlugin") < both.index("add_vm_plugin(OtherPlugin")
    assert both.index("add_vm_plugin(OtherPlugin") < both.index("# LargeIntegers Plugin")
    assert count_plugin_declarations(both, "OtherPlugin") == 1


def test_add_plugin_needs_an_anchor() -> None:
    text = "add_vm_plugin(LargeIntegers)\n# add_vm_plugin(X ${PHARO_CURRENT_GENERATED}/plugins/src/X/X.c)\n"
    with pytest.raises(ValueError, match="no add_vm_plugin"):
        add_plugin(text, "HelloWorldPlugin")


def test_already_declared_by_hand_counts_as_declared() -> None:
    text = PLUGINS_CMAKE + "add_vm_plugin(HelloWorldPlugin extra.c)\n"
    assert add_plugin(text, "HelloWorldPlugin") == text


def test_add_generated_file_keeps_the_block_layout() -> None:
    new = add_generated_file(VMMAKER_CMAKE, "HelloWorldPlugin")
    last = "    ${PHARO_CURRENT_GENERATED}/plugins/src/FloatArrayPlugin/FloatArrayPlugin.c"
    assert new == VMMAKER_CMAKE.replace(last + ")", last + "\n    " + HELLO_C + ")")
    assert has_generated_file(new, "HelloWorldPlugin")
    assert not has_generated_file(VMMAKER_CMAKE, "HelloWorldPlugin")
    assert has_generated_file(VMMAKER_CMAKE, "FloatArrayPlugin")


def test_add_generated_file_is_idempotent() -> None:
    once = add_generated_file(VMMAKER_CMAKE, "HelloWorldPlugin")
    assert add_generated_file(once, "HelloWorldPlugin") == once


def test_add_generated_file_with_parenthesis_on_its_own_line() -> None:
    text = "set(PLUGIN_GENERATED_FILES\n\t\ta.c\n\t\t# b.c\n)\n"
    new = add_generated_file(text, "P")
    assert new == f"set(PLUGIN_GENERATED_FILES\n\t\ta.c\n\t\t{generated_file('P')}\n\t\t# b.c\n)\n"
    assert not has_generated_file(text.replace("a.c", "# " + generated_file("P")), "P")


def test_missing_generated_set_is_an_error() -> None:
    with pytest.raises(ValueError, match="PLUGIN_GENERATED_FILES"):
        add_generated_file("# set(PLUGIN_GENERATED_FILES a.c)\n", "P")
