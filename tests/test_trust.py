"""The names of cmake options that need ``--trust`` (SPEC "Trust")."""

import pytest

from wizard.trust import options_needing_trust


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
        "CMAKE_PROJECT_PharoVM_INCLUDE_BEFORE",
        "CMAKE_USER_MAKE_RULES_OVERRIDE",
        "CMAKE_USER_MAKE_RULES_OVERRIDE_C",
        "GENERATE_PHARO_VM",
    ],
)
def test_options_that_run_programs_need_trust(name: str) -> None:
    assert options_needing_trust([name]) == [name]


@pytest.mark.parametrize(
    "name",
    [
        "ICEBERG_DEFAULT_REMOTE",
        "BUILD_BUNDLE",
        "GENERATE_VMMAKER",
        "VMMAKER_IMAGE",
        "CMAKE_BUILD_TYPE",
        "CMAKE_C_COMPILER_ID",
        "FLAVOUR",
    ],
)
def test_plain_options_need_no_trust(name: str) -> None:
    assert options_needing_trust([name]) == []


def test_order_is_kept() -> None:
    names = ["GENERATE_PHARO_VM", "BUILD_BUNDLE", "CMAKE_C_COMPILER_LAUNCHER"]
    assert options_needing_trust(names) == ["GENERATE_PHARO_VM", "CMAKE_C_COMPILER_LAUNCHER"]
