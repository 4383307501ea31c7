"""The key bar at the bottom of every screen: Textual's Footer, without its slow leak."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.widgets import Footer


class KeyFooter(Footer):
    """A :class:`~textual.widgets.Footer` that rebuilds its keys only when they change.

    Textual's Footer throws its keys away and builds new ones on every
    ``refresh_bindings()``: each highlight move, and the Build screen's 1 s tick while a
    build streams. A thrown-away ``FooterKey`` stays alive: it is ``data_bind``-ed to
    ``Footer.compact``, and Textual prunes that watcher list only when ``compact`` changes,
    which never happens here (textual#6666, open in 8.2.x); its ``StylesCache`` is also
    kept by an ``lru_cache(1024)`` on ``StylesCache.get_inner_outer``. During a long build
    that was the memory that kept growing (about 10 MB of RSS in ``bench/tui-stream
    2000000``, which moves the highlight every 50 ms). So: no rebuild when the keys on show
    are the same, and after a real rebuild, re-announcing ``compact`` (same value) lets
    Textual prune the watchers of the closed keys.
    """

    _shown: object = None

    def _keys(self) -> object:
        """What the bar shows: every input of ``Footer.compose``."""
        if not self._bindings_ready or not self.is_attached:
            return None
        bindings: Iterable[tuple[object, ...]] = self.screen.active_bindings.values()
        return (
            self.compact,
            self.show_command_palette,
            self.combine_groups,
            [(binding, enabled, tooltip) for _, binding, enabled, tooltip in bindings],
        )

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        yield from super().compose()

    async def recompose(self) -> None:
        if self._shown is not None and self._keys() == self._shown:
            return
        await super().recompose()
        if self.is_attached:
            self.mutate_reactive(Footer.compact)
