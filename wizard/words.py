"""Words for messages: a list of names said in a few of them.

A message that names what is known (the exported primitives, the branches of origin, the
keys a section takes) shows a few names and says how many there are, never a whole list of
hundreds on one line; when the user mistyped a name, the closest ones come first.
"""

from __future__ import annotations

from collections.abc import Iterable

#: How many names a message shows before it says how many more there are.
FEW = 8


def few(
    names: Iterable[str],
    limit: int = FEW,
    *,
    near: str | None = None,
    sep: str = ", ",
    none: str = "none",
) -> str:
    """Up to ``limit`` names, then how many more: ``a, b, c and 13 more (16 in all)``.

    With ``near`` (what the user wrote), the names closest to it come first when not all
    can be shown, so that a mistyped name's match is among those named. ``none`` is the
    word for an empty list.
    """
    listed = list(names)
    if not listed:
        return none
    if len(listed) <= limit:
        return sep.join(listed)
    if near is not None:
        close = closest(near, listed)
        listed = [*close, *(name for name in listed if name not in close)]
    return f"{sep.join(listed[:limit])} and {len(listed) - limit} more ({len(listed)} in all)"


def closest(word: str, names: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` of ``names`` that look like ``word`` (a typo's likely meaning), best first.

    What all the names begin with (``primitive``, ``pharo-``) is left out of the comparison
    when ``word`` begins with it too: else every primitive would look like every other.
    """
    import difflib  # here, not at load: most runs name nothing wrong, and start-up stays short
    import os.path

    listed = list(names)
    prefix = os.path.commonprefix(listed) if len(listed) > 1 else ""
    cut = len(prefix) if word.startswith(prefix) else 0
    tails = {name[cut:]: name for name in listed}
    found = difflib.get_close_matches(word[cut:], list(tails), n=n, cutoff=0.6)
    return [tails[tail] for tail in found]


def did_you_mean(word: str, names: Iterable[str]) -> str:
    """``"; did you mean X?"`` (or ``X or Y``) when ``word`` looks like some of ``names``,
    else nothing: the tail of a message that refuses ``word``."""
    close = closest(word, names)
    return f"; did you mean {' or '.join(close)}?" if close else ""
