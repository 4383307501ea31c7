"""Which cmake options make cmake run a program or read a script (SPEC "Trust").

A profile is data someone may have sent you, but some cmake cache entries are code:
``CMAKE_C_COMPILER_LAUNCHER='sh;-c;…'`` runs any command, ``CMAKE_PROJECT_INCLUDE`` reads
a script, and pharo-vm's own ``GENERATE_PHARO_VM`` names the program that runs VMMaker.
Such options need ``--trust`` (the TUI asks). This module only names them; the callers
decide what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: The option names that run a program or read a script, as patterns over the whole name.
NEEDS_TRUST = re.compile(
    r"""
    .*_LAUNCHER                          # CMAKE_C_COMPILER_LAUNCHER, CMAKE_<LANG>_LINKER_LAUNCHER…
    | CMAKE_[A-Za-z0-9_]+_COMPILER       # CMAKE_C_COMPILER, CMAKE_CXX_COMPILER…
    | CMAKE_TOOLCHAIN_FILE
    | CMAKE_PROJECT_INCLUDE.*            # CMAKE_PROJECT_INCLUDE, …_INCLUDE_BEFORE
    | CMAKE_PROJECT_[A-Za-z0-9_]+_INCLUDE.*
    | CMAKE_USER_MAKE_RULES_OVERRIDE.*
    | GENERATE_PHARO_VM
    """,
    re.VERBOSE,
)


def options_needing_trust(names: Iterable[str]) -> list[str]:
    """The names among ``names`` that make cmake run a program or read a script, in order."""
    return [name for name in names if NEEDS_TRUST.fullmatch(name)]


def untrusted_options(options: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs among a profile's cmake options that need ``--trust``."""
    return [(name, value) for name, value in options if NEEDS_TRUST.fullmatch(name)]


def listed(options: Iterable[tuple[str, str]]) -> str:
    """The options as the refusal and ``--dry-run`` show them: ``NAME='value', …``."""
    return ", ".join(f"{name}={value!r}" for name, value in options)


def refusal(options: list[tuple[str, str]], where: str) -> str:
    """The one line that refuses a run: which options, where they are, what to do."""
    return (
        f"{where}: build.cmake_options {listed(options)} make cmake run a program or read a "
        "script; read them, then run again with --trust if you mean it"
    )


def is_wizard_cache_path(value: str) -> bool:
    """Whether an option's value names a file in the wizard's own VMMaker image cache.

    ``VMMAKER_IMAGE`` and ``GENERATE_PHARO_VM`` naming it need no ``--trust``: the image and
    the VM there are the ones an earlier build of pharo-vm downloaded and the wizard copied
    (a complete entry, after resolving ``..`` and links), not a program the profile chose.
    """
    from wizard.vmmaker_cache import is_cache_path

    return is_cache_path(value)
