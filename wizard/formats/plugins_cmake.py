"""The two cmake edits a generated plugin needs: the plugin list and ``cmake/vmmaker.cmake``.

The plugin list is ``plugins.cmake`` in the 2024 layout and ``cmake/plugins.cmake`` in the
2025 one (:mod:`wizard.formats.layout`).  In the 2025 layout a Slang-only plugin is one line,
``add_vm_plugin(<Name> TRUE FALSE)`` (TRUE: the macro adds the generated C itself), appended
at the end as upstream's own additions are (notes §9).  In the 2024 layout it is declared like
FloatArrayPlugin, with its generated C file as the only source (notes 2.1).  The file's
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
missing source (notes 2.2).  Every function is text in, text out, and idempotent.
"""

from __future__ import annotations

import re

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
