"""Loading a profile: one YAML file per plugin, read safely, overridden, then validated.

A profile is data, never code: it is read with ``safe_load`` semantics (the SafeLoader's
composer and constructor), anchors and aliases are refused before anything is expanded, and
every rejection is a single :class:`ProfileError` line that names the file, the line and the
field.  The file is written by its one writer (:mod:`wizard.profile.writer`), atomically (a
temporary file beside it, then a rename), and never with a text that would not load.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from wizard.errors import ProfileError
from wizard.profile.model import MAX_PROFILE_BYTES, Field, Profile
from wizard.profile.overrides import apply_override, shown, value_at
from wizard.profile.parse import parse_yaml
from wizard.profile.save import to_data
from wizard.profile.validate import Validator

# --------------------------------------------------------------------------- loading


def load_profile(path: Path | str, overrides: list[str] | None = None) -> Profile:
    """Read, validate and default the profile at ``path``; apply ``--set`` overrides.

    Raises :class:`ProfileError` (one line) for anything that is not a valid profile.
    """
    path = Path(path)
    text = read_profile_text(path)
    data, lines = parse_yaml(text, path)
    overridden: set[Field] = set()
    for override in overrides or []:
        apply_override(data, override)
        overridden.add(tuple(override.partition("=")[0].split(".")))
    return Validator(path, lines, overridden).profile(data)


def read_profile_text(path: Path) -> str:
    """The profile's text, refusing what is not a regular file, huge and non-UTF-8 files.

    A folder, a FIFO or a device (``/dev/zero``) is refused from its ``stat``, before it
    is opened: reading one would hang or grow without end. No more than 1 MiB is read.
    """
    import stat

    try:
        facts = path.stat()
        if stat.S_ISDIR(facts.st_mode):
            raise ProfileError(path, None, None, "is a folder, not a profile file")
        if not stat.S_ISREG(facts.st_mode):
            raise ProfileError(path, None, None, "is not a regular file (a FIFO, a device…)")
        if facts.st_nlink > 1:
            raise ProfileError(
                path,
                None,
                None,
                f"has {facts.st_nlink} hard links; one profile is one file (a save would split "
                "them and each name would get its own lock): use a symbolic link instead",
            )
        if facts.st_size > MAX_PROFILE_BYTES:
            raise ProfileError(
                path, None, None, f"is {facts.st_size} bytes; a profile is at most 1 MiB"
            )
        with path.open("rb") as stream:
            raw = stream.read(MAX_PROFILE_BYTES + 1)
        if len(raw) > MAX_PROFILE_BYTES:
            raise ProfileError(path, None, None, "is over 1 MiB; a profile is at most 1 MiB")
    except FileNotFoundError:
        raise ProfileError(path, None, None, "no such file") from None
    except OSError as exc:
        raise ProfileError(path, None, None, f"cannot be read: {exc.strerror}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProfileError(path, line, None, "is not UTF-8 text") from None


def override_notes(
    path: Path, overrides: list[str], defaults: Mapping[str, str] | None = None
) -> list[str]:
    """A note for each ``--set`` whose value differs from the profile's: it is for this run
    only, and the next run (``--replay``, the TUI) goes back to what the profile says.
    ``defaults``: the checkout's cmake option defaults, for an option the profile leaves
    unset (cmake's default is then what "the profile says")."""
    if not overrides:
        return []
    saved = to_data(load_profile(path))
    defaults = defaults or {}
    notes = []
    for override in overrides:
        key = override.partition("=")[0]
        alone = to_data(load_profile(path, [override]))
        parts = key.split(".")
        before, after = value_at(saved, parts), value_at(alone, parts)
        says = "does not set it" if before is None else f"says {shown(before)}"
        if before is None and parts[:2] == ["build", "cmake_options"] and len(parts) == 3:
            before = defaults.get(parts[2])  # unset: the checkout's option() default
            if before is not None:
                says = f"leaves it at the checkout's default, {before}"
        if before == after:
            continue
        notes.append(
            f"note: --set {override} is for this run only; the profile {says} — put it in "
            "the profile to keep it"
        )
    return notes
