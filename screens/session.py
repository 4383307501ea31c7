"""The profile being edited: the one copy in memory, and how it reaches the disk.

Every edit replaces ``session.profile`` (profiles are immutable values) and marks the
session dirty; the app saves it shortly after typing stops, on ``ctrl+s``, before a run,
on quit and on a crash. Saving goes through :func:`wizard.profile.save_profile`, which is
atomic and refuses to write a profile that would not load back. When the edit in memory
does not validate (a method lost its pattern line while being typed), the last good file is
left as it is and the edit is kept in a rescue file beside it, so nothing typed is lost.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from wizard.errors import ProfileError
from wizard.profile import (
    Method,
    Profile,
    dump_profile,
    save_profile,
    with_plugin,
    write_atomically,
)


class Session:
    """One open profile: its current value, whether it is saved, and why not."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.dirty = False
        self.problem: str | None = None
        self.saved_at: float | None = None

    @property
    def rescue_path(self) -> Path:
        """Where an edit that does not validate is kept: ``<profile>.unsaved`` beside it."""
        return self.profile.path.with_name(self.profile.path.name + ".unsaved")

    # -- editing

    def update(self, profile: Profile) -> None:
        """Replace the profile with an edited copy."""
        if profile != self.profile:
            self.profile = profile
            self.dirty = True

    def edit_plugin(self, **changes: Any) -> None:
        """Change fields of the plugin class (name, superclass, comment, methods…)."""
        self.update(with_plugin(self.profile, **changes))

    def set_method(self, index: int, method: Method) -> None:
        methods = list(self.profile.plugin.methods)
        methods[index] = method
        self.edit_plugin(methods=tuple(methods))

    def add_method(self, method: Method) -> int:
        methods = (*self.profile.plugin.methods, method)
        self.edit_plugin(methods=methods)
        return len(methods) - 1

    def remove_method(self, index: int) -> None:
        methods = list(self.profile.plugin.methods)
        del methods[index]
        self.edit_plugin(methods=tuple(methods))

    def edit_repository(self, **changes: Any) -> None:
        self.update(replace(self.profile, repository=replace(self.profile.repository, **changes)))

    def set_external_plugins(self, names: tuple[str, ...] | None) -> None:
        """The profile's ``external_plugins``, and nothing else."""
        self.update(replace(self.profile, external_plugins=names))

    # -- saving

    def save(self) -> str | None:
        """Write the profile if it changed; answer the problem when it cannot be written."""
        if not self.dirty:
            return None
        for attempt in range(3):
            try:
                save_profile(self.profile)
                break
            except ProfileError as error:
                self.problem = (
                    error.message if error.field is None else f"{error.field}: {error.message}"
                )
                self._rescue()
                return self.problem
            except RuntimeError:  # state changed by the engine's thread while dumping
                if attempt == 2:
                    raise
                time.sleep(0.01)
        self.dirty = False
        self.problem = None
        self.saved_at = time.time()
        self.rescue_path.unlink(missing_ok=True)
        return None

    def _rescue(self) -> None:
        with contextlib.suppress(OSError):
            write_atomically(self.rescue_path, dump_profile(self.profile))

    def status(self) -> str:
        """A few words for the screen: saved, unsaved, or why it cannot be saved."""
        if self.problem:
            return f"not saved: {self.problem} (kept in {self.rescue_path.name})"
        return "unsaved changes" if self.dirty else "saved"
