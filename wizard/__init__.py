"""pharo-plugin-wizard: the engine and its headless face.

Nothing in this package imports Textual; the TUI lives in ``screens``.
"""

__version__ = "0.1.0"
