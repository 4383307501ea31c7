"""The two cmake edits a generated plugin needs: the plugin list and ``cmake/vmmaker.cmake``.

The plugin list is ``plugins.cmake`` in the 2024 layout and ``cmake/plugins.cmake`` in the
2025 one (:mod:`wizard.formats.layout`).  In the 2025 layout a Slang-only plugin is one line,
``add_vm_plugin(<Name> TRUE FALSE)`` (TRUE: the macro adds the generated C itself), appended
at the end as upstream's own additions are (``NewFilePlugin``; a maintainer's fork appends
``add_vm_plugin(BlocPlugin TRUE FALSE)`` the same way).  In the 2024 layout it is declared
like FloatArrayPlugin, with its generated C file as the only source (``add_vm_plugin`` also
globs ``extracted/plugins/<Name>/src``, which a Slang-only plugin does not have).  The file's
own layout for such a plugin is a three-line comment header, a blank line, then the call
with the source on a tab-indented continuation line::

    #
    # FloatArray Plugin
    #

    add_vm_plugin(FloatArrayPlugin
        ${PHARO_CURRENT_GENERATED}/plugins/src/FloatArrayPlugin/FloatArrayPlugin.c)

(the real file also leaves a trailing space after the plugin name; we do not copy that).
``cmake/vmmaker.cmake`` must also list the generated file in ``PLUGIN_GENERATED_FILES``,
so that CMake knows the generation command produces it and configure does not stop on a
missing source ("Cannot find source file": the list is the OUTPUT list of the generation
command, so a file in it is one cmake expects to be made).  Every function is text in, text
out, and idempotent.

What the plugin links and defines (``plugin.link``, ``plugin.compile_definitions``) goes
in a block the wizard owns, right after the declaration and between two marker comments,
so that a changed profile rewrites the block and nothing else (docs/real-plugins.md).  The
target is the plugin's name: ``add_vm_plugin`` hands it to ``addLibraryWithRPATH``
(pharo-vm's ``macros.cmake``), whose ``add_library(NAME SHARED …)`` names it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.profile.model import Link

GENERATED_PREFIX = "${PHARO_CURRENT_GENERATED}/plugins/src/"

_CALL = re.compile(r"\b(add_vm_plugin|addLibraryWithRPATH)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)")
_GENERATED_CALL = re.compile(
    r"\badd_vm_plugin\s*\(\s*[A-Za-z_][A-Za-z0-9_]*\s+"
    r"\$\{PHARO_CURRENT_GENERATED\}/plugins/src/[^)]*\)[^\n]*\n?"
)
_GENERATED_SET = re.compile(r"\bset\s*\(\s*PLUGIN_GENERATED_FILES\b([^)]*)\)")


def generated_file(name: str) -> str:
    """Where VMMaker writes the plugin's C file, as cmake spells it."""
    return f"{GENERATED_PREFIX}{name}/{name}.c"


def plugin_block(name: str) -> str:
    """The ``plugins.cmake`` block declaring a Slang-only plugin, in that file's layout."""
    return f"#\n# {name}\n#\n\nadd_vm_plugin({name}\n\t{generated_file(name)})\n"


def declaration_2025(name: str) -> str:
    """The 2025 layout's declaration of a plugin whose only C is the generated one."""
    return f"add_vm_plugin({name} TRUE FALSE)\n"


def append_plugin(text: str, name: str) -> str:
    """``cmake/plugins.cmake`` with the plugin's 2025 declaration appended, once.

    Unchanged when the plugin is already declared, in either form.  The rest of the file,
    comments and spacing included, is kept byte for byte.
    """
    if count_plugin_declarations(text, name):
        return text
    head = text if not text or text.endswith("\n") else text + "\n"
    return head + ("\n" if head.strip() else "") + declaration_2025(name)


def strip_comments(text: str) -> str:
    """``text`` with every ``#`` comment blanked (same length); ``${...}`` is not a comment."""
    out: list[str] = []
    for line in text.split("\n"):
        cut = _comment_start(line)
        out.append(line if cut < 0 else line[:cut] + " " * (len(line) - cut))
    return "\n".join(out)


def _comment_start(line: str) -> int:
    hash_at = line.find("#")
    if hash_at < 0 or '"' not in line[:hash_at]:
        return hash_at  # most lines: no comment, or one with no string before it
    quoted = False
    for index, char in enumerate(line):
        if char == '"' and (index == 0 or line[index - 1] != "\\"):
            quoted = not quoted
        elif char == "#" and not quoted:
            return index
    return -1


def declared_plugins(text: str) -> list[str]:
    """Every plugin named by ``add_vm_plugin(...)`` or ``addLibraryWithRPATH(...)``, in order."""
    return [match.group(2) for match in _CALL.finditer(strip_comments(text))]


def count_plugin_declarations(text: str, name: str) -> int:
    """How many times ``name`` is declared (comments ignored)."""
    return declared_plugins(text).count(name)


def add_plugin(text: str, name: str) -> str:
    """``text`` with the plugin's block after the last generated ``add_vm_plugin`` block.

    Unchanged when the plugin is already declared.  ``ValueError`` when there is no
    ``add_vm_plugin(X ${PHARO_CURRENT_GENERATED}/plugins/src/...)`` to place it beside.
    """
    if count_plugin_declarations(text, name):
        return text
    anchors = list(_GENERATED_CALL.finditer(strip_comments(text)))
    if not anchors:
        raise ValueError(
            "plugins.cmake has no add_vm_plugin(... ${PHARO_CURRENT_GENERATED}/plugins/src/...) "
            "declaration to add the plugin beside"
        )
    end = anchors[-1].end()
    head = text[:end]
    if not head.endswith("\n"):
        head += "\n"
    return head + "\n" + plugin_block(name) + text[end:]


def has_generated_file(vmmaker_cmake_text: str, name: str) -> bool:
    """Whether ``PLUGIN_GENERATED_FILES`` already lists the plugin's C file (comments ignored)."""
    start, end = _generated_set_span(vmmaker_cmake_text)
    return generated_file(name) in strip_comments(vmmaker_cmake_text)[start:end].split()


def add_generated_file(vmmaker_cmake_text: str, name: str) -> str:
    """``cmake/vmmaker.cmake`` with the plugin's C file appended to ``PLUGIN_GENERATED_FILES``.

    The new entry copies the indentation of the entries already there and goes after the
    last one, before the closing parenthesis wherever that sits (on the last entry's line,
    as in pharo-vm, or on a line of its own).  Unchanged when already present.
    """
    if has_generated_file(vmmaker_cmake_text, name):
        return vmmaker_cmake_text
    start, end = _generated_set_span(vmmaker_cmake_text)
    contents = strip_comments(vmmaker_cmake_text)[start:end]
    indents = re.findall(r"\n([ \t]+)\S", contents)
    indent = indents[-1] if indents else "    "
    insert_at = start + len(contents.rstrip())
    entry = f"\n{indent}{generated_file(name)}"
    return vmmaker_cmake_text[:insert_at] + entry + vmmaker_cmake_text[insert_at:]


def _generated_set_span(text: str) -> tuple[int, int]:
    """Offsets of what lies between ``set(PLUGIN_GENERATED_FILES`` and its ``)``."""
    matches = list(_GENERATED_SET.finditer(strip_comments(text)))
    if not matches:
        raise ValueError("cmake/vmmaker.cmake has no set(PLUGIN_GENERATED_FILES ...) block")
    if len(matches) > 1:
        raise ValueError("cmake/vmmaker.cmake sets PLUGIN_GENERATED_FILES more than once")
    return matches[0].span(1)


# --------------------------------------------------------------------------- links block


def block_start(name: str) -> str:
    """The first line of the block the wizard owns after ``name``'s declaration."""
    return f"# pharo-plugin-wizard: what {name} links and defines (from its profile)"


def block_end(name: str) -> str:
    return f"# end of what pharo-plugin-wizard wrote for {name}"


def pkg_config_prefix(name: str, module: str) -> str:
    """The ``pkg_check_modules`` prefix of one module: a cmake variable name."""
    return f"{name}_PC_" + re.sub(r"[^A-Za-z0-9_]", "_", module)


def links_block(name: str, link: Link, definitions: tuple[str, ...] = ()) -> str:
    """The cmake lines for what ``name`` links and defines; empty when there is nothing.

    Libraries and other plugins' targets go to ``target_link_libraries``; frameworks only
    on macOS; each pkg-config module through ``FindPkgConfig`` as an imported target, with
    a configure error that names the module and what to install when it is missing.
    """
    lines: list[str] = []
    if link.libraries:
        lines.append(f"target_link_libraries({name} PRIVATE {' '.join(link.libraries)})")
    if link.plugins:
        lines.append(f"target_link_libraries({name} PRIVATE {' '.join(link.plugins)})")
    if link.frameworks:
        lines.append("if(APPLE)")
        for framework in link.frameworks:
            lines.append(f'    target_link_libraries({name} PRIVATE "-framework {framework}")')
        lines.append("endif()")
    if link.pkg_config:
        modules = " ".join(link.pkg_config)
        lines += [
            "find_package(PkgConfig)",
            "if(NOT PKG_CONFIG_FOUND)",
            f'    message(FATAL_ERROR "{name} needs pkg-config to find {modules}: install '
            'pkg-config (apt install pkg-config, dnf install pkgconf, brew install pkg-config)")',
            "endif()",
        ]
        for module in link.pkg_config:
            prefix = pkg_config_prefix(name, module)
            lines += [
                f"pkg_check_modules({prefix} IMPORTED_TARGET {module})",
                f"if(NOT {prefix}_FOUND)",
                f'    message(FATAL_ERROR "{name} links the pkg-config module {module}, which '
                f"pkg-config cannot find: install the development package that provides "
                f'{module}.pc (e.g. the -dev or -devel package), or add its folder to PKG_CONFIG_PATH")',
                "endif()",
                f"target_link_libraries({name} PRIVATE PkgConfig::{prefix})",
            ]
    if definitions:
        lines.append(f"target_compile_definitions({name} PRIVATE {' '.join(definitions)})")
    if not lines:
        return ""
    return "\n".join([block_start(name), *lines, block_end(name)]) + "\n"


def declaration_end(text: str, name: str) -> int:
    """The offset just past the line that closes ``name``'s first declaration; -1 if none."""
    bare = strip_comments(text)
    for match in _CALL.finditer(bare):
        if match.group(2) != name:
            continue
        depth, index = 0, match.end() - len(name) - 1
        while index < len(bare):
            if bare[index] == "(":
                depth += 1
            elif bare[index] == ")":
                depth -= 1
                if depth == 0:
                    break
            index += 1
        newline = text.find("\n", index)
        return len(text) if newline < 0 else newline + 1
    return -1


def with_links(text: str, name: str, block: str) -> str:
    """``text`` with the wizard's block right after ``name``'s declaration being ``block``.

    An existing block (between the markers) is replaced, or removed when ``block`` is
    empty; the rest of the file is kept byte for byte.  Unchanged when ``name`` is not
    declared.
    """
    end = declaration_end(text, name)
    if end < 0:
        return text
    head, tail = text[:end], text[end:]
    if end == len(text) and not text.endswith("\n") and block:
        head += "\n"
    if tail.startswith(block_start(name) + "\n"):
        closing = tail.find("\n" + block_end(name))
        if closing >= 0:
            after = tail.find("\n", closing + 1)
            tail = "" if after < 0 else tail[after + 1 :]
    return head + block + tail
