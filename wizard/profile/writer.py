"""The one writer of a profile file: the engine's ``state:`` saves and the TUI's edits.

Two threads write one file: the engine records each step in ``state:`` while the TUI
saves what the user types. Each save reads the file, changes it and writes it back; done
by two writers at once, one of them writes back a text read before the other's save, and
an edit the status bar called saved is gone. So there is one :class:`ProfileWriter` per
real file (a symlinked second name finds the same one), and every read-modify-write holds
its lock.

Both kinds of save change only what changed: ``state:`` is spliced into the text, and an
edit replaces only the values that differ from the file (:mod:`wizard.profile.yaml_edit`), so the
user's comments, key order and quoting stay, and ``BUILD_BUNDLE: false`` stays ``false``.
Every text is checked to load to what was meant before it is written (atomically, through
symlinks); a form the splice cannot handle falls back to rewriting the changed sections,
then the whole file, never to a file that would not load. Nothing over 1 MiB is written:
nothing could open it afterwards.

The writer also remembers the text it last read or wrote, so that a change made by another
program while the TUI is open is noticed instead of overwritten by the next autosave.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from wizard.errors import ProfileError
from wizard.profile.load import read_profile_text
from wizard.profile.model import (
    MAX_PROFILE_BYTES,
    Build,
    Field,
    Method,
    Plugin,
    Profile,
    Repository,
)
from wizard.profile.parse import parse_yaml
from wizard.profile.save import (
    method_data,
    replace_top_level_key,
    represent_text,
    to_data,
    write_atomically,
)
from wizard.profile.validate import validate
from wizard.profile.yaml_edit import DELETE, Edit, apply_edits, block_yaml


class OutsideEdit(Exception):
    """The file changed on disk since the writer last read or wrote it (another program)."""


@dataclass
class ProfileWriter:
    """Reads and writes one profile file, one read-modify-write at a time."""

    path: Path  # the real file, symlinks resolved
    known_text: str | None = None  # what this writer last read or wrote
    changed_outside: bool = False  # a save found a text this writer did not write
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # -- what is on disk

    def remember(self) -> None:
        """Take the file as it is now as the known version (when the TUI opens it)."""
        with self._lock:
            try:
                self.known_text = read_profile_text(self.path)
            except ProfileError:
                self.known_text = None
            self.changed_outside = False

    def changed_on_disk(self) -> bool:
        """Whether another program changed the file since this writer last read or wrote it."""
        with self._lock:
            if self.changed_outside:
                return True
            if self.known_text is None:
                return False
            try:
                return read_profile_text(self.path) != self.known_text
            except ProfileError:
                return True

    def reload(self) -> Profile:
        """Load the file as it is now and take it as the known version."""
        with self._lock:
            self.changed_outside = False
            self.known_text = None  # a file that cannot be read is reported once
            text = read_profile_text(self.path)
            self.known_text = text  # so is one that does not load, until it changes again
            return _load_text(text, self.path)

    # -- the two saves

    def save_state(self, profile: Profile, state: Mapping[str, Any] | None = None) -> None:
        """Write ``profile.state`` into the file, every other character as it is.

        The file is read again under the lock so that edits saved since are kept; a file
        that no longer loads is left alone and its problem raised. Another program (an
        editor) may save between that read and the rename: the rename then does not happen,
        and the state is spliced again into what that program saved, so its save is never
        reverted.
        """
        with self._lock:
            # the store's snapshot never changes under us; the profile's own mapping may
            wanted = dict(state) if state is not None else copy.deepcopy(profile.state)
            for _ in range(_ATTEMPTS):
                text, seen = self._read_as_seen()
                data, lines = parse_yaml(text, self.path)
                found = validate(data, self.path, lines)
                new_text = _with_state(text, found, wanted, lines)
                try:
                    self._write(new_text, seen)
                    return
                except ChangedMeanwhile:
                    continue
            raise _still_changing(self.path)

    def save_edit(self, wanted: Profile, overwrite: bool = False) -> bool:
        """Write the values of ``wanted`` that differ from the file; keep the file's ``state:``.

        Raises :class:`OutsideEdit` when the file changed since it was last read or written
        here (unless ``overwrite``), :class:`ProfileError` when ``wanted`` cannot be written
        (it would not load back, or it is over 1 MiB). Answers whether anything was written.
        """
        with self._lock:
            for _ in range(_ATTEMPTS):
                text, seen = self._read_as_seen()
                if self.changed_outside and not overwrite:
                    raise OutsideEdit(str(self.path))
                found = _load_text(text, self.path)
                if replace(found, state={}) == replace(wanted, path=found.path, state={}):
                    self.changed_outside = False
                    return False
                goal = replace(wanted, path=found.path, state=found.state)
                try:
                    self._write(_edited_text(text, found, goal), seen)
                except ChangedMeanwhile:
                    if overwrite:
                        continue
                    raise OutsideEdit(str(self.path)) from None
                self.changed_outside = False
                return True
            raise _still_changing(self.path)

    # -- reading and writing under the lock

    def _read(self) -> str:
        return self._read_as_seen()[0]

    def _read_as_seen(self) -> tuple[str, Seen]:
        """The file's text and what identifies that version of it (taken around the read:
        a save that lands during the read is read again)."""
        for _ in range(_ATTEMPTS):
            before = _seen(self.path)
            text = read_profile_text(self.path)
            if _seen(self.path) == before:
                break
        if self.known_text is not None and text != self.known_text:
            self.changed_outside = True
        return text, before

    def _write(self, text: str, seen: Seen | None = None) -> None:
        size = len(text.encode("utf-8"))
        if size > MAX_PROFILE_BYTES:
            raise ProfileError(
                self.path,
                None,
                None,
                f"would be {size} bytes; a profile is at most 1 MiB and nothing could open it "
                "again: not written",
            )

        def unchanged(now: os.stat_result | None) -> None:
            if seen is not None and _identity(now) != seen:
                raise ChangedMeanwhile(str(self.path))

        write_atomically(self.path, text, before_replace=unchanged)
        self.known_text = text


#: How often a save starts again when another program saved meanwhile.
_ATTEMPTS = 50

#: A version of the file: inode, size and modification time (ns); None when there is none.
Seen = tuple[int, int, int] | None


class ChangedMeanwhile(Exception):
    """Another program saved the file between the writer's read and its rename."""


def _identity(facts: os.stat_result | None) -> Seen:
    return None if facts is None else (facts.st_ino, facts.st_size, facts.st_mtime_ns)


def _seen(path: Path) -> Seen:
    try:
        return _identity(os.stat(path, follow_symlinks=False))
    except FileNotFoundError:
        return None


def _still_changing(path: Path) -> ProfileError:
    return ProfileError(
        path,
        None,
        None,
        "kept changing while the wizard saved it (another program saves it again and "
        "again); nothing of the other program's was overwritten: stop it, then run again",
    )


_writers: dict[Path, ProfileWriter] = {}
_writers_lock = threading.Lock()


def writer_for(path: Path | str) -> ProfileWriter:
    """The one writer of the file at ``path`` (the same object for every name of the file)."""
    real = Path(path).resolve()
    with _writers_lock:
        writer = _writers.get(real)
        if writer is None:
            writer = _writers[real] = ProfileWriter(real)
        return writer


# --------------------------------------------------------------------------- state


def _with_state(
    text: str, found: Profile, state: dict[str, Any], lines: dict[Field, int] | None = None
) -> str:
    """``text`` with ``state:`` replaced by ``state``; refuses to change anything else.
    ``lines`` are the fields' lines in ``text`` when the caller parsed it already."""
    if lines is None:
        _, lines = parse_yaml(text, found.path)
    state_text = yaml.dump(
        {"state": state}, Dumper=_StateDumper, sort_keys=False, allow_unicode=True, width=100
    )
    # ``state`` as YAML reads it back, with libyaml's safe loader (the pure-Python one took
    # ~40% of each save: a save follows every step)
    loader = _StateLoader(state_text)
    try:
        wanted = (loader.get_single_data() or {}).get("state") or {}
    finally:
        loader.dispose()
    candidates: list[Callable[[], str]] = [
        lambda: replace_top_level_key(text, "state", state_text, lines),
        lambda: _replace_state_node(text, state),
    ]
    for candidate in candidates:
        try:
            new_text = candidate()
        except ValueError:
            continue
        if _same_apart_from_state(new_text, found, wanted):
            return new_text
    raise ProfileError(
        found.path,
        lines.get(("state",)),
        "state",
        "cannot be written back without changing the rest of this file; write the profile "
        "in block style (as --new does) and run again",
    )


# --------------------------------------------------------------------------- edits


def _load_text(text: str, path: Path) -> Profile:
    data, lines = parse_yaml(text, path)
    return validate(data, path, lines)


def _edited_text(text: str, found: Profile, goal: Profile) -> str:
    """The file's text changed to load to ``goal``: spliced if possible, rewritten if not."""
    data, lines = parse_yaml(text, found.path)
    wanted_data = to_data(goal)
    wanted_data["state"] = found.state

    def spliced() -> str:
        return apply_edits(text, profile_edits(data, found, goal))

    def sections() -> str:
        new = text
        for key, value in wanted_data.items():
            if (
                key != "state"
                and data.get(key) != value
                and _meaning(found, key) != _meaning(goal, key)
            ):
                _, now = parse_yaml(new, found.path)
                new = replace_top_level_key(new, key, block_yaml({key: value}), now)
        return new

    def whole() -> str:
        return block_yaml(wanted_data)

    problem: ProfileError | None = None
    for candidate in (spliced, sections, whole):
        try:
            new_text = candidate()
        except (ValueError, yaml.YAMLError):
            continue
        try:
            loaded = _load_text(new_text, found.path)
        except ProfileError as error:
            problem = problem or error
            continue
        if loaded == goal:
            return new_text
    if problem is not None:
        raise problem
    raise ProfileError(found.path, None, None, "the edit cannot be written as YAML")


def _meaning(profile: Profile, key: str) -> Any:
    return getattr(profile, key, None)


def profile_edits(data: dict[str, Any], found: Profile, wanted: Profile) -> list[Edit]:
    """The edits that turn the file (``data`` as read, ``found`` as loaded) into ``wanted``."""
    edits: list[Edit] = []
    if found.workspace != wanted.workspace:
        edits.append(Edit(("workspace",), wanted.workspace))
    if found.external_plugins != wanted.external_plugins:
        names = wanted.external_plugins
        edits += _list_edits(
            ("external_plugins",),
            data.get("external_plugins"),
            found.external_plugins,
            names,
            _scalar_item,
        )
    edits += _plugin_edits(data.get("plugin") or {}, found.plugin, wanted.plugin)
    edits += _section_edits(
        "repository", data.get("repository"), found.repository, wanted.repository, Repository()
    )
    edits += _build_edits(data.get("build"), found.build, wanted.build)
    return edits


def _section_edits(key: str, raw: Any, found: Any, wanted: Any, defaults: Any) -> list[Edit]:
    edits = []
    present = raw if isinstance(raw, dict) else {}
    for name in vars(wanted):
        old, new = getattr(found, name), getattr(wanted, name)
        if old == new:
            continue
        if new is None or (new == getattr(defaults, name) and name not in present):
            edits.append(Edit((key, name), DELETE))
        else:
            edits.append(Edit((key, name), new))
    return edits


def _plugin_edits(raw: dict[str, Any], found: Plugin, wanted: Plugin) -> list[Edit]:
    where = ("plugin",)
    edits = [
        Edit((*where, name), DELETE if getattr(wanted, name) is None else getattr(wanted, name))
        for name in ("name", "superclass", "category", "comment")
        if getattr(found, name) != getattr(wanted, name)
    ]
    if found.instance_variables != wanted.instance_variables:
        edits += _list_edits(
            (*where, "instance_variables"),
            raw.get("instance_variables"),
            found.instance_variables,
            wanted.instance_variables,
            _scalar_item,
        )
    if found.methods != wanted.methods:
        edits += _list_edits(
            (*where, "methods"), raw.get("methods"), found.methods, wanted.methods, _method_item
        )
    return edits


def _build_edits(raw: Any, found: Build, wanted: Build) -> list[Edit]:
    where = ("build",)
    present = raw if isinstance(raw, dict) else {}
    edits = _section_edits(
        "build", raw, replace(found, cmake_options=()), replace(wanted, cmake_options=()), Build()
    )
    old, new = dict(found.cmake_options), dict(wanted.cmake_options)
    if found.cmake_options == wanted.cmake_options:
        return edits
    options = (*where, "cmake_options")
    kept = [name for name in old if name in new]
    if "cmake_options" not in present or not new or kept != [n for n in new if n in old]:
        written = {name: option_yaml(value) for name, value in new.items()}
        return [*edits, Edit(options, written)]  # absent (the default), emptied or reordered
    edits += [Edit((*options, name), DELETE) for name in old if name not in new]
    edits += [
        Edit((*options, name), option_yaml(value))
        for name, value in new.items()
        if old.get(name) != value
    ]
    return edits


def option_yaml(value: str) -> Any:
    """A cmake option's value as the profile writes it: ``ON``/``OFF`` as YAML ``true``/
    ``false`` (what the template's ``# BUILD_BUNDLE: false`` shows, and what loads back as
    ``ON``/``OFF``, the form ``--set …=false`` gives too), anything else as text."""
    return {"ON": True, "OFF": False}.get(value, value)


Item = Callable[[tuple[str | int, ...], Any, Any, Any], list[Edit]]


def _list_edits(
    where: tuple[str | int, ...],
    raw: Any,
    old: Sequence[Any] | None,
    new: Sequence[Any] | None,
    item: Item,
) -> list[Edit]:
    """Edits of a list item by item: one removed item goes alone; the rest index by index."""
    if new is None:
        return [Edit(where, DELETE)]
    if not isinstance(raw, list) or old is None or not new:
        return [Edit(where, [_raw(value) for value in new])]
    old, new = list(old), list(new)
    if len(new) == len(old) - 1:
        for index in range(len(old)):
            if old[:index] + old[index + 1 :] == new:
                return [Edit((*where, index), DELETE)]
    edits: list[Edit] = []
    for index in range(min(len(old), len(new))):
        if old[index] != new[index]:
            edits += item((*where, index), raw[index], old[index], new[index])
    edits += [Edit((*where, index), DELETE) for index in range(len(old) - 1, len(new) - 1, -1)]
    edits += [Edit((*where, index), _raw(new[index])) for index in range(len(old), len(new))]
    return edits


def _scalar_item(where: tuple[str | int, ...], raw: Any, old: Any, new: Any) -> list[Edit]:
    return [Edit(where, new)]


def _method_item(where: tuple[str | int, ...], raw: Any, old: Method, new: Method) -> list[Edit]:
    if not isinstance(raw, dict):
        return [Edit(where, _raw(new))]
    edits = []
    if old.source != new.source:
        edits.append(Edit((*where, "source"), new.source))
    if old.side != new.side:
        edits.append(Edit((*where, "side"), new.side))
    if old.protocol != new.protocol:
        edits.append(Edit((*where, "protocol"), DELETE if new.protocol is None else new.protocol))
    return edits


def _raw(value: Any) -> Any:
    """A value of the profile as YAML data (a method as its mapping)."""
    return method_data(value) if isinstance(value, Method) else value


def save_state(profile: Profile, state: Mapping[str, Any] | None = None) -> None:
    """Write ``state`` (by default ``profile.state``) back into the profile's file, leaving
    every other line as it is; the engine gives its store's immutable snapshot.

    Goes through the file's one writer (:func:`wizard.profile.writer.writer_for`), which holds the
    file while it reads, splices and writes, so a save of the user's edit cannot interleave.
    """
    writer_for(profile.path).save_state(profile, state)


class _StateDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """libyaml's emitter, for ``state:`` alone: saved after every step, it must be quick.

    ``state:`` is data the wizard wrote (statuses, times, paths, hashes), never Slang, so
    the tab-friendly block style of :class:`ProfileDumper` is not needed; libyaml writes the same
    text for it about six times faster. No anchors or aliases either.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _same_apart_from_state(text: str, as_found: Profile, wanted: Any) -> bool:
    """Whether ``text`` loads to ``as_found`` with ``wanted`` (the new state as YAML reads
    it back) as its state."""
    try:
        data, lines = parse_yaml(text, as_found.path)
        loaded = validate(data, as_found.path, lines)
    except ProfileError:
        return False
    return loaded.state == wanted and replace(loaded, state={}) == replace(as_found, state={})


_StateLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FlowStateDumper(yaml.SafeDumper):
    """``state:`` as one flow mapping, for profiles whose form only a node's span can edit."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _replace_state_node(text: str, state: dict[str, Any]) -> str:
    """``text`` with the ``state`` value replaced (or added) where the YAML parser found it.

    For the forms a line-based edit cannot handle: ``{version: 1, ...}``, ``"state": {}``,
    ``? state``, a BOM, a document ending in ``...``. The new value is written in flow
    style, which is valid in block and flow context alike.
    """
    flow = yaml.dump(
        state, Dumper=_FlowStateDumper, default_flow_style=True, width=2**31, allow_unicode=True
    ).strip()
    loader = yaml.SafeLoader(text)  # the pure reader: its marks are offsets into ``text``
    try:
        top = loader.get_single_node()
    finally:
        loader.dispose()
    if not isinstance(top, yaml.MappingNode):
        raise ValueError("the profile is not a mapping")
    for key, value in top.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "state":
            start, end = value.start_mark.index, value.end_mark.index
            kept = text[start:end]
            trailing = kept[len(kept.rstrip()) :] if not value.flow_style else ""
            if isinstance(value, yaml.ScalarNode) and value.value == "" and start == end:
                flow = " " + flow  # ``state:`` with nothing after it
            return text[:start] + flow + trailing + text[end:]
    end = top.end_mark.index
    if top.flow_style:
        closing = text.rindex("}", 0, end)
        separator = ", " if top.value else ""
        return text[:closing] + f"{separator}state: {flow}" + text[closing:]
    lead = "" if end == 0 or text[end - 1] == "\n" else "\n"
    return text[:end] + f"{lead}state: {flow}\n" + text[end:]


_StateDumper.add_representer(str, represent_text)
