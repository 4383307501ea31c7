"""SIGINT, SIGTERM and SIGHUP end every command the same way: stop, record, exit 130.

The headless forms install :func:`install_headless` first thing. The first of these
signals raises :class:`Interrupted` where the wizard is (the engine then stops the running
step's whole process tree, records the step ``interrupted`` and keeps its log); every
later one is only noted, so a second or third Ctrl-C cannot cut that stop short and leave
``make`` running with nobody to stop it. The TUI installs its own handlers on its event
loop (:mod:`screens.app`) and uses :func:`received` the same way.
"""

from __future__ import annotations

import signal
from types import FrameType

from wizard.errors import Interrupted

#: The signals that mean "stop now" (exit status 130: docs/command-line.md, "Exit status").
STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_received: list[signal.Signals] = []
_settled: list[bool] = []


def install_headless() -> None:
    """Route the stop signals to :func:`_on_stop_signal` (main thread only)."""
    for number in STOP_SIGNALS:
        signal.signal(number, _on_stop_signal)


def _on_stop_signal(signum: int, frame: FrameType | None) -> None:
    """The first stop signal interrupts the wizard; later ones are noted and do nothing."""
    first = not _received
    _received.append(signal.Signals(signum))
    if first and not _settled:
        raise Interrupted(f"stopped by {signal.Signals(signum).name}")


def settle() -> None:
    """The exit status is being decided: from now on a stop signal is noted, never raised.

    (Raised during Python's own shutdown it would print a traceback instead of exiting.)
    """
    _settled.append(True)


def note(signum: int) -> bool:
    """Note a stop signal received by other means (the TUI's loop); True when the first."""
    first = not _received
    _received.append(signal.Signals(signum))
    return first


def received() -> tuple[signal.Signals, ...]:
    """The stop signals received so far, in order."""
    return tuple(_received)


def stopping() -> bool:
    """True once a stop signal arrived: nothing new may start."""
    return bool(_received)
