"""What the wizard last asked of a build folder: the cmake options it set, and for whom.

``CMakeCache.txt`` keeps every ``-D`` it was ever given: after one run with
``--set build.cmake_options.BUILD_BUNDLE=false`` the cache still says ``OFF`` when the
profile no longer mentions the option, and a cache cannot tell an option the wizard set
from one a ``CMakeLists.txt`` declared with its default. So the wizard writes, beside the
cache, the options it passed and the plugin it configured for
(``<build>/pharo-plugin-wizard.json``). The file lives and dies with the build folder,
which is what it describes: ``rm -rf build`` forgets both.

The record also names the folder it was written for (resolved): a record copied from
someone else's machine, or shipped with a shared workspace, names another folder, and a
``CMakeCache.txt`` without a record for its own folder is not the wizard's (``--trust``
decides, :mod:`wizard.profile.trust`).

``configure`` compares the recorded options with the wanted ones: an option set before and
no longer wanted is unset with ``cmake -U NAME`` (cmake's own default comes back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

RECORD_NAME = "pharo-plugin-wizard.json"


@dataclass(frozen=True)
class BuildRecord:
    """The cmake options the wizard last set in a build folder, and the plugin it was for."""

    options: dict[str, str] = field(default_factory=dict)
    plugin: str | None = None
    profile: str | None = None
    folder: str | None = None  # the build folder it was written for, resolved

    def vouches_for(self, build_dir: Path) -> bool:
        """Whether this record was written by the wizard for ``build_dir`` itself."""
        return self.folder is not None and self.folder == str(build_dir.resolve())

    def no_longer_wanted(self, wanted: tuple[tuple[str, str], ...]) -> list[str]:
        """The recorded option names the profile does not set now, in recorded order."""
        names = {name for name, _ in wanted}
        return [name for name in self.options if name not in names]


def read_record(build_dir: Path) -> BuildRecord:
    """The build folder's record; an empty one when there is none (or it is unreadable)."""
    from wizard.checkout.safe_files import UnsafePath, read_regular

    try:
        raw = read_regular(build_dir / RECORD_NAME, 1 << 20)
    except (OSError, ValueError, UnsafePath):  # a link or FIFO there: writing it is refused
        return BuildRecord()
    import json  # here, not at load: only a build folder with a record is read (start-up)

    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        return BuildRecord()
    if not isinstance(data, dict) or not isinstance(data.get("options"), dict):
        return BuildRecord()
    options = {str(k): str(v) for k, v in data["options"].items()}
    plugin = data.get("plugin") if isinstance(data.get("plugin"), str) else None
    profile = data.get("profile") if isinstance(data.get("profile"), str) else None
    folder = data.get("folder") if isinstance(data.get("folder"), str) else None
    return BuildRecord(options, plugin, profile, folder)


def write_record(build_dir: Path, record: BuildRecord) -> None:
    """Write the record atomically (a new temporary file, then rename), never through a link."""
    import json  # here, not at load: see read_record

    from wizard.checkout.safe_files import write_text

    text = json.dumps(
        {
            "plugin": record.plugin,
            "profile": record.profile,
            "folder": str(build_dir.resolve()),
            "options": record.options,
        },
        indent=1,
    )
    write_text(build_dir, RECORD_NAME, text + "\n")
