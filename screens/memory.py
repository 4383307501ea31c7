"""Keep Python's garbage collector from pausing the TUI while a key is handled.

A full collection (generation 2) walks every object the process holds: in the TUI that is
Textual's widgets and styles, the tree-sitter trees and the profile, tens of milliseconds
each time, and it comes in the middle of handling a key or of streaming a build's output.
What a phase screen builds lives as long as the app does, so once a screen is up its
objects are moved out of the collector's way with :func:`gc.freeze`; the collector then
walks only what is younger. Garbage is collected first, so nothing dead is kept.
"""

from __future__ import annotations

import gc


def settle_long_lived() -> None:
    """Collect what is garbage now, then leave the survivors out of later collections."""
    gc.collect()
    gc.freeze()
