"""A code editor for Slang methods: Smalltalk highlighting from tree-sitter-pharo.

Smalltalk is not one of TextArea's built-in languages, so each editor registers it with the
highlights query that ``pharo-tree-sitter`` ships, and a theme that maps that query's
capture names (``@major_declaration.part`` for the pattern's selector, ``@annotation`` for
pragmas…) onto colours.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from rich.style import Style
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

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
def _language():
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


class SmalltalkEditor(TextArea):
    """A TextArea set up as a code editor for one Slang method (pattern line first)."""

    def __init__(self, text: str = "", *, id: str | None = None, read_only: bool = False) -> None:
        super().__init__(
            text,
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            read_only=read_only,
            id=id,
        )
        self.indent_type = "tabs"
        self.register_language(LANGUAGE, _language(), _query())
        self.register_theme(smalltalk_theme())
        self.language = LANGUAGE
        self.theme = THEME
