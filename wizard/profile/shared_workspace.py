"""Several plugins in one workspace: a warning before they overwrite each other.

A workspace holds one ``pharo-vm/`` checkout and one ``build/`` folder. Two profiles that
use the same ones take turns: each run checks out its own plugin branch (so the other
plugin's class disappears from ``smalltalksrc``), and each build configures and generates
over the other's. Nothing fails, which is the trouble: the libraries silently come and go.

The way that works, and the one the warning offers, is a workspace per plugin, or, in one
workspace, a ``repository.path`` and ``build.dir`` of its own for each profile (README
"Several plugins"). The wizard finds the neighbours two ways: the other profiles in the
profile's own folder that resolve to the same checkout or build folder, and the build
folder's record of the plugin it was last configured for (:mod:`wizard.vm.build_record`),
which also catches a profile kept elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from wizard.errors import WizardError
from wizard.profile.load import load_profile
from wizard.profile.model import Profile

ADVICE = (
    "give each plugin its own workspace, or its own repository.path and build.dir "
    "(docs/command-line.md, Several plugins)"
)


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def sharing_warnings(profile: Profile) -> list[str]:
    """One line per other plugin that uses this profile's checkout or build folder."""
    from wizard.vm.build_record import read_record

    warnings: list[str] = []
    seen: set[str] = set()
    for other_path in sorted(profile.path.parent.glob("*.yml")):
        if _same(other_path, profile.path):
            continue
        try:
            other = load_profile(other_path)
        except (WizardError, OSError):
            continue  # a profile that does not load is its own run's problem
        if other.plugin.name == profile.plugin.name:
            continue
        shared = [
            name
            for name, mine, theirs in (
                (f"{profile.repository.path}/", profile.checkout_dir, other.checkout_dir),
                (f"{profile.build.dir}/", profile.build_dir, other.build_dir),
            )
            if _same(mine, theirs)
        ]
        if shared:
            seen.add(other.plugin.name)
            warnings.append(
                f"warning: {other_path.name} ({other.plugin.name}) uses the same "
                f"{' and '.join(shared)}: each run checks out its own branch and builds over "
                f"the other's; {ADVICE}"
            )
    record = read_record(profile.build_dir)
    if record.plugin and record.plugin != profile.plugin.name and record.plugin not in seen:
        warnings.append(
            f"warning: {profile.build.dir}/ was last configured for {record.plugin}"
            + (f" ({record.profile})" if record.profile else "")
            + f": this run builds over it; {ADVICE}"
        )
    return warnings
