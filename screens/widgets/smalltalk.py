"""A code editor for Slang methods: Smalltalk highlighting from tree-sitter-pharo.

Smalltalk is not one of TextArea's built-in languages, so each editor registers it with the
highlights query that ``pharo-tree-sitter`` ships, and a theme that maps that query's
capture names (``@major_declaration.part`` for the pattern's selector, ``@annotation`` for
pragmas…) onto colours.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import TYPE_CHECKING

from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

if TYPE_CHECKING:
    from tree_sitter import Language

LANGUAGE = "smalltalk"
THEME = "smalltalk"

_CAPTURES = {
    "keyword": Style(color="#C586C0"),  # self super thisContext true false nil
    "annotation": Style(color="#DCDCAA", italic=True),  # <export: true>
    "number": Style(color="#b5cea8"),
    "string": Style(color="#ce9178"),
    "comment": Style(color="#6A9955", italic=True),
    "variable": Style(color="#9CDCFE"),
    "variable.part": Style(color="#4EC9B0"),  # message selectors
    "important": Style(color="#EFCB43", bold=True),  # ^ [ ] { }
    "major_declaration.part": Style(color="#569cd6", bold=True),  # the pattern's selector
    "structure.part": Style(color="#9CDCFE"),
    "punctuation": Style(color="#808080"),
    "punctuation.part": Style(color="#808080"),
}


@cache
def _language() -> Language:
    """The tree-sitter language object, built once per process."""
    import tree_sitter_pharo
    from tree_sitter import Language

    return Language(tree_sitter_pharo.language())


@cache
def _query() -> str:
    import tree_sitter_pharo

    return tree_sitter_pharo.HIGHLIGHTS_QUERY


@cache
def smalltalk_theme() -> TextAreaTheme:
    """The editor theme: TextArea's default (css) theme plus the Smalltalk capture names."""
    base = TextAreaTheme.get_builtin_theme("css")
    assert base is not None
    return dataclasses.replace(base, name=THEME, syntax_styles={**base.syntax_styles, **_CAPTURES})


def indent_after(line_before_cursor: str, row: int) -> str:
    """The indentation of a new line started after ``line_before_cursor`` (Enter).

    The same tabs and spaces as the line it breaks; one tab more after an opening ``[``
    (a block's body), and one tab under the pattern line (row 0), where the method's body
    starts, as the Pharo browser does.
    """
    indent = line_before_cursor[: len(line_before_cursor) - len(line_before_cursor.lstrip(" \t"))]
    if line_before_cursor.rstrip().endswith("[") or (row == 0 and not indent):
        indent += "\t"
    return indent


class SmalltalkEditor(TextArea):
    """A TextArea set up as a code editor for one Slang method (pattern line first).

    Tab inserts a tab, as in any code editor, so Escape is the way out: it moves the focus
    to ``leave_to`` (the Develop screen's method list) or on to the next widget, and the
    footer says so. Enter keeps the indentation (see :func:`indent_after`).

    Every key of the editor's own bindings (backspace, delete, the arrows, undo…) is acted
    on here, in the order the keys arrived. Left to Textual, such a key is not handled by
    the widget: it bubbles up through every container to the app, which only then runs the
    binding, while a letter typed a few milliseconds later goes straight to the editor and
    is inserted first. A backspace then deleted the letter typed after it.
    """

    BINDINGS = [Binding("escape", "leave", "Leave editor")]

    def __init__(
        self,
        text: str = "",
        *,
        id: str | None = None,
        read_only: bool = False,
        leave_to: str | None = None,
    ) -> None:
        super().__init__(
            text,
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            read_only=read_only,
            id=id,
        )
        self.leave_to = leave_to
        self.indent_type = "tabs"
        self.register_language(LANGUAGE, _language(), _query())
        self.register_theme(smalltalk_theme())
        self.language = LANGUAGE
        self.theme = THEME

    def action_leave(self) -> None:
        """Escape: focus ``leave_to`` (else the next widget); Tab stays a tab in the editor."""
        if self.leave_to is not None:
            for target in self.screen.query(self.leave_to):
                if target.focusable:
                    target.focus()
                    return
        self.screen.focus_next()

    async def _on_key(self, event: events.Key) -> None:
        if not self.read_only and event.key == "enter":
            event.stop()
            event.prevent_default()
            row, column = self.cursor_location
            indent = indent_after(self.document[row][:column], row)
            start, end = self.selection
            self._replace_via_keyboard("\n" + indent, start, end)
            return
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority:  # priority keys never get here: the app took them
                event.stop()
                event.prevent_default()
                await self.run_action(binding.action)
                return
        await super()._on_key(event)
