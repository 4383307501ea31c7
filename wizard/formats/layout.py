"""Which build-file layout a pharo-vm checkout has, read from its ``CMakeLists.txt``.

pharo-vm has two live layouts (docs/layouts.md). The 2024 one (pharo-9, pharo-10, and
pharo-12 before January 2025) declares plugins in the root ``plugins.cmake`` with
``add_vm_plugin(NAME [sources…])`` and keeps hand-written plugin C under
``extracted/plugins/<Name>/``. The 2025 one (pharo-12 since PR #904) declares them in
``cmake/plugins.cmake`` with ``add_vm_plugin(NAME GENERATED MACOS_AS_UNIX)`` and keeps their
C under ``plugins/<Name>/``; a root ``plugins.cmake`` may still lie there, included by
nothing. So the layout is read from what ``CMakeLists.txt`` includes — never from the
branch name — and a checkout that includes neither list is not guessed at.

Text in, answers out: nothing here touches the disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wizard.formats.plugins_cmake import (
    add_plugin,
    append_plugin,
    declaration_2025,
    plugin_block,
    strip_comments,
    with_links,
)

# include(plugins.cmake), include(cmake/plugins.cmake), quoted or under ${CMAKE_…SOURCE_DIR}/
_INCLUDE = re.compile(
    r"\binclude\s*\(\s*\"?(?:\$\{CMAKE_(?:CURRENT_)?SOURCE_DIR\}/)?(?P<path>(?:cmake/)?plugins\.cmake)\"?\s*\)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Layout:
    """Where a checkout declares its plugins and keeps their hand-written C."""

    year: int
    plugin_list: str  # the file that declares the plugins, relative to the checkout
    plugin_folder: str  # the folder holding plugins/<Name>/{src,include}/<platform>/

    @property
    def name(self) -> str:
        return f"{self.year} layout"

    def describe(self) -> str:
        """One line for ``--dry-run``, the Setup screen and the logs."""
        return f"{self.name}: CMakeLists.txt includes {self.plugin_list}"

    def declaration(self, plugin: str, links: str = "") -> str:
        """What declaring the plugin adds to the plugin list (``links``: its owned block)."""
        text = declaration_2025(plugin) if self.year == 2025 else plugin_block(plugin)
        return text + links

    def declare(self, plugin_list_text: str, plugin: str, links: str = "") -> str:
        """The plugin list with the plugin declared once, followed by ``links``.

        ``links`` is :func:`~wizard.formats.plugins_cmake.links_block`'s text; an older
        block of the wizard's there is replaced.  ``ValueError`` if the plugin has no place.
        """
        if self.year == 2025:
            declared = append_plugin(plugin_list_text, plugin)
        else:
            declared = add_plugin(plugin_list_text, plugin)
        return with_links(declared, plugin, links)

    def adding_message(self, plugin: str) -> str:
        """The start of the line cmake prints at configure time when it adds the plugin."""
        if self.year == 2025:
            return f"Adding plugin {plugin} including generated code"
        return f"Adding plugin: {plugin}"


LAYOUT_2024 = Layout(2024, "plugins.cmake", "extracted/plugins")
LAYOUT_2025 = Layout(2025, "cmake/plugins.cmake", "plugins")
LAYOUTS = {layout.plugin_list: layout for layout in (LAYOUT_2024, LAYOUT_2025)}


class UnknownLayout(ValueError):
    """The checkout's CMakeLists.txt does not say where its plugins are declared."""


def layout_of(cmakelists_text: str) -> Layout:
    """The layout whose plugin list ``CMakeLists.txt`` includes; :class:`UnknownLayout` if none.

    Commented-out includes do not count. A file that includes both lists is refused too:
    the wizard would not know which one the build reads for a new plugin.
    """
    included = {m.group("path") for m in _INCLUDE.finditer(strip_comments(cmakelists_text))}
    if len(included) == 1:
        return LAYOUTS[included.pop()]
    looked_for = (
        "include(plugins.cmake) (the 2024 layout) or include(cmake/plugins.cmake) (the 2025 layout)"
    )
    if included:
        raise UnknownLayout(
            f"CMakeLists.txt includes both plugins.cmake and cmake/plugins.cmake; expected one of {looked_for}"
        )
    raise UnknownLayout(f"CMakeLists.txt includes neither plugin list: looked for {looked_for}")
