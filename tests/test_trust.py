"""The allow-list of cmake options a profile may set without ``--trust``, and the checkout's
own switches it reads (the attacks themselves are in ``test_trust_attacks.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.profile.trust import (
    ALLOWED,
    NEEDS_TRUST,
    PENDING,
    declared_switches,
    flags_problem,
    judge,
)

SWITCHES = frozenset({"BUILD_BUNDLE", "FEATURE_LIB_SDL2", "GENERATE_VMMAKER"})


@pytest.mark.parametrize(
    "name",
    [
        "CMAKE_C_COMPILER_LAUNCHER",
        "CMAKE_CXX_LINKER_LAUNCHER",
        "CMAKE_C_COMPILER",
        "CMAKE_ASM_COMPILER",
        "CMAKE_TOOLCHAIN_FILE",
        "CMAKE_PROJECT_INCLUDE",
        "CMAKE_PROJECT_INCLUDE_BEFORE",
        "CMAKE_PROJECT_PharoVM_INCLUDE",
        "CMAKE_USER_MAKE_RULES_OVERRIDE_C",
        "CMAKE_C_CLANG_TIDY",
        "CMAKE_C_CPPCHECK",
        "CMAKE_MAKE_PROGRAM",
        "CMAKE_C_LINK_EXECUTABLE",
        "CMAKE_C_CREATE_SHARED_LIBRARY",
        "CMAKE_C_CREATE_SHARED_MODULE",
        "CMAKE_C_COMPILE_OBJECT",
        "CMAKE_MODULE_PATH",
        "CMAKE_PREFIX_PATH",
        "PKG_CONFIG_EXECUTABLE",
        "GENERATE_PHARO_VM",
        "VMMAKER_IMAGE",
        "VMMAKER_VM",
        "CMAKE_EXE_LINKER_FLAGS",
        "CMAKE_INSTALL_PREFIX",  # any CMAKE_ name outside the fixed list
    ],
)
def test_programs_and_cmake_settings_need_trust(name: str) -> None:
    assert judge(name, "/usr/bin/x", SWITCHES).status == NEEDS_TRUST
    # even when a checkout declares the name as a switch, and even set to ON
    assert judge(name, "ON", SWITCHES | {name}).status == NEEDS_TRUST


def test_a_setting_of_the_checkout_that_is_not_a_switch_needs_trust() -> None:
    assert judge("FLAVOUR", "StackVM", SWITCHES).status == NEEDS_TRUST


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ICEBERG_DEFAULT_REMOTE", "httpsUrl"),
        ("CMAKE_BUILD_TYPE", "Debug"),
        ("CMAKE_EXPORT_COMPILE_COMMANDS", "ON"),
        ("CMAKE_OSX_ARCHITECTURES", "arm64;x86_64"),
        ("CMAKE_OSX_DEPLOYMENT_TARGET", "11.0"),
        ("CMAKE_C_FLAGS", "-O0 -g -DTRACE=1"),
        ("CMAKE_C_FLAGS_DEBUG", "-g3 -Wall -Wno-unused -fno-omit-frame-pointer -march=native"),
        ("CMAKE_CXX_FLAGS", "-std=c++17 -UNDEBUG -fsanitize=address,undefined"),
        ("BUILD_BUNDLE", "OFF"),
        ("FEATURE_LIB_SDL2", "on"),
        ("GENERATE_VMMAKER", "FALSE"),
    ],
)
def test_plain_data_is_allowed(name: str, value: str) -> None:
    assert judge(name, value, SWITCHES).status == ALLOWED


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ICEBERG_DEFAULT_REMOTE", "httpsUrl`id`"),
        ("CMAKE_BUILD_TYPE", "Debug;x"),
        ("CMAKE_OSX_DEPLOYMENT_TARGET", "11.0 $(id)"),
        ("BUILD_BUNDLE", "sh -c id"),  # a switch is on or off
        ("FEATURE_NEW", "ON"),  # not declared by this checkout
    ],
)
def test_a_plain_name_with_another_value_needs_trust(name: str, value: str) -> None:
    assert judge(name, value, SWITCHES).status == NEEDS_TRUST


@pytest.mark.parametrize(
    "flags",
    [
        "-O0 `id`",
        "-O0 $(id)",
        "-O0; id",
        "-O0 | id",
        "-O0 && id",
        "-O0 > /tmp/x",
        "-DX='a'",
        '-DX="a"',
        "-DX=\\`id\\`",
        "-O0 #",
        "-fplugin=/tmp/evil.so",
        "-fplugin-arg-x-y=z",
        "-fpass-plugin=/tmp/p.so",
        "-fuse-ld=/tmp/ld",
        "-Wl,-plugin,/tmp/p.so",
        "-Wa,-x",
        "-mllvm -x",
        "-I/tmp",
        "-include /tmp/x.h",
        "-B/tmp",
        "-specs=/tmp/x",
        "--sysroot=/tmp",
        "-gcc-toolchain=/tmp",
    ],
)
def test_flags_that_are_not_plain_need_trust(flags: str) -> None:
    assert flags_problem(flags) is not None
    assert judge("CMAKE_C_FLAGS", flags, SWITCHES).status == NEEDS_TRUST


def test_before_the_clone_a_switch_is_pending() -> None:
    assert judge("BUILD_BUNDLE", "OFF", None).status == PENDING
    assert judge("CMAKE_C_CLANG_TIDY", "x", None).status == NEEDS_TRUST  # known already
    assert judge("BUILD_BUNDLE", "x", None).status == NEEDS_TRUST  # not a switch value


def test_the_checkouts_switches_are_read_from_its_own_cmake_files(tmp_path: Path) -> None:
    assert declared_switches(tmp_path) is None  # no checkout yet
    (tmp_path / "CMakeLists.txt").write_text(
        'option(BUILD_BUNDLE "b" ON)\n'
        '  OPTION ( FEATURE_A "a" OFF)\n'
        '# option(COMMENTED "c" OFF)\n'
        '#[[\noption(IN_A_BRACKET_COMMENT "c" OFF)\n]]\n'
        "include(cmake/more.cmake)\n"
    )
    (tmp_path / "cmake").mkdir()
    (tmp_path / "cmake" / "more.cmake").write_text('option(FEATURE_NEW_IN_2027 "n" OFF)\n')
    (tmp_path / "plugins.cmake").write_text('option(\n  FROM_ROOT_CMAKE "r" OFF)\n')
    outside = tmp_path.parent / "outside.cmake"
    outside.write_text('option(THROUGH_A_LINK "l" OFF)\n')
    (tmp_path / "cmake" / "linked.cmake").symlink_to(outside)
    assert declared_switches(tmp_path) == {
        "BUILD_BUNDLE",
        "FEATURE_A",
        "FEATURE_NEW_IN_2027",
        "FROM_ROOT_CMAKE",
    }
