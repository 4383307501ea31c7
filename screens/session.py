"""The profile being edited: the one copy in memory, and how it reaches the disk.

Every edit replaces ``session.profile`` (profiles are immutable values) and marks the
session dirty; the app saves it shortly after typing stops, on ``ctrl+s``, before a run,
on quit and on a crash. The profile itself lives on the :class:`wizard.engine.workbench.Workbench`
the runs use, so a run starts on what was typed. Saving goes through the workbench's writer,
the file's one writer, the same object the engine's ``state:`` saves use: it
changes only the values that differ from the file (comments, order and quoting stay), is
atomic, and refuses to write a profile that would not load back or is over 1 MiB. When
the edit cannot be written, the file is left as it is and the edit is kept in memory and
in a rescue file beside it, so nothing typed is lost. When another program changed the
file since it was read, nothing is written: the app reloads it or asks (see
:meth:`Session.save`).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from wizard.engine.state import StepRecord
from wizard.engine.workbench import Workbench
from wizard.errors import ProfileError
from wizard.profile.model import Method, Profile, with_plugin
from wizard.profile.writer import OutsideEdit, ProfileWriter


class Session:
    """One open profile: its current value, whether it is saved, and why not."""

    def __init__(self, workbench: Workbench) -> None:
        self.workbench = workbench
        self.dirty = False
        self.problem: str | None = None
        self.saved_at: float | None = None
        self.outside_edit = False  # the file changed on disk; nothing is written until decided
        self.writer.remember()

    @property
    def profile(self) -> Profile:
        """The profile as edited now: the workbench's."""
        return self.workbench.profile

    @profile.setter
    def profile(self, profile: Profile) -> None:
        self.workbench.profile = profile

    @property
    def records(self) -> dict[str, StepRecord]:
        """What ``state:`` says of each step, as typed records."""
        return self.workbench.records

    @property
    def writer(self) -> ProfileWriter:
        """The file's one writer, the workbench's (the engine's ``state:`` saves use it too)."""
        return self.workbench.writer

    @property
    def rescue_path(self) -> Path:
        """Where an edit that does not validate is kept: ``<profile>.unsaved`` beside it."""
        return self.workbench.rescue_path

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

    def save(self, overwrite: bool = False) -> str | None:
        """Write the edit if there is one; answer the problem when it cannot be written.

        When another program changed the file since it was read, nothing is written
        (``outside_edit`` says so) unless ``overwrite``: the user decides first.
        """
        if not self.dirty:
            return None
        try:
            self.writer.save_edit(self.profile, overwrite=overwrite)
        except OutsideEdit:
            self.outside_edit = True
            self.problem = "changed on disk by another program"
            self._rescue()  # kept while the user decides, and if the app ends meanwhile
            return self.problem
        except ProfileError as error:
            self.problem = (
                error.message if error.field is None else f"{error.field}: {error.message}"
            )
            self._rescue()
            return self.problem
        self.dirty = False
        self.problem = None
        self.outside_edit = False
        self.saved_at = time.time()
        self.rescue_path.unlink(missing_ok=True)
        return None

    def changed_on_disk(self) -> bool:
        """Whether another program changed the file since it was last read or written here."""
        return self.writer.changed_on_disk()

    def reload(self) -> str | None:
        """Take the file as it is on disk now; an unsaved edit goes to the rescue file.

        Answers the problem when the file on disk does not load (the edit in memory is
        kept then, and nothing is written).
        """
        try:
            loaded = self.writer.reload()
        except ProfileError as error:
            self.problem = f"the file on disk does not load: {error.message}"
            return self.problem
        if self.dirty:
            self._rescue()
        # the name it was opened by (a symlink's folder is the workspace's reference); the
        # steps' records live in the workbench's state store, not in this value
        self.profile = replace(loaded, path=self.profile.path, state=self.profile.state)
        self.dirty = False
        self.problem = None
        self.outside_edit = False
        return None

    def _rescue(self) -> None:
        self.workbench.keep_unsaved()

    def status(self) -> str:
        """A few words for the screen: saved, unsaved, or why it cannot be saved."""
        if self.outside_edit:
            return "not saved: the file changed on disk (reload or keep yours)"
        if self.problem and not self.dirty:
            return self.problem  # the file on disk does not load; nothing of yours is unsaved
        if self.problem:
            return f"not saved: {self.problem} (kept in {self.rescue_path.name})"
        return "unsaved changes" if self.dirty else "saved"
