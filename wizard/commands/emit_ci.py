"""``--emit-ci github PROFILE``: write the profile's CI workflow, never over a person's file.

The file is ``<workspace>/.github/workflows/<plugin-lowercase>.yml``. A rerun rewrites a
file the wizard wrote (when the text it would write differs), leaves it byte for byte
alone when nothing changed, and refuses, naming the file, to touch a file it did not write
or one a person changed since (exit status 1, as for a hand-edited file a step owns). The
text comes from :mod:`wizard.formats.ci_workflow`; the write is atomic (temporary file, rename).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from wizard import __version__
from wizard.errors import EXIT_OK, ProfileError, UsageError, WizardError
from wizard.formats.ci_workflow import (
    PROG,
    WIZARD_VARIABLE,
    WorkflowFacts,
    ownership,
    render_workflow,
)
from wizard.profile.load import load_profile
from wizard.profile.model import Profile
from wizard.profile.save import write_atomically

PROVIDERS = ("github",)
#: A workflow file larger than this is not one the wizard wrote.
MAX_WORKFLOW_BYTES = 1024 * 1024


class WorkflowRefused(WizardError):
    """The workflow's path holds a file the wizard must not overwrite (exit status 1)."""


@dataclass(frozen=True)
class Emitted:
    """What an emit did: ``written`` (new file), ``rewritten`` or ``unchanged``."""

    path: Path
    outcome: str


def emit_ci_command(provider: str, profile_path: Path) -> int:
    """The command-line form: emit, then say what happened in one line."""
    emitted = emit_workflow(provider, profile_path)
    shown = _shown(emitted.path)
    if emitted.outcome == "unchanged":
        print(f"{shown} is up to date (nothing written)")
    else:
        print(f"{'wrote' if emitted.outcome == 'written' else 'rewrote'} {shown}")
    print(install_note())
    workspace = emitted.path.parents[2]
    if not (workspace / ".git").exists():
        print(
            f"note: {_shown(workspace)} is not the top of a git repository; GitHub reads "
            "workflows only from .github/workflows at a repository's root"
        )
    return EXIT_OK


def install_note() -> str:
    """Where the workflow installs the wizard from, and how to change it: a version that is
    not on PyPI (a development copy, a fork) would fail the workflow's install step."""
    return (
        f"note: the workflow installs {PROG}=={__version__} from PyPI; to install it from "
        f"elsewhere (a fork, a branch, a version not published there), set the repository "
        f"variable {WIZARD_VARIABLE} to a pip requirement, e.g. "
        f"git+https://github.com/you/{PROG}@main (Settings > Secrets and variables > "
        "Actions > Variables)"
    )


def emit_workflow(provider: str, profile_path: Path) -> Emitted:
    """Write (or leave alone) the workflow of the profile at ``profile_path``."""
    if provider not in PROVIDERS:
        raise UsageError(
            f"--emit-ci {provider!r}: unknown CI provider; this wizard writes {', '.join(PROVIDERS)}"
        )
    profile = load_profile(_regular_file(profile_path))
    path = workflow_path(profile)
    text = render_workflow(WorkflowFacts.of(profile, profile_in_workspace(profile)))
    old = _existing_text(path)
    if old is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text)
        os.chmod(path, 0o644)
        return Emitted(path, "written")
    if old == text:
        return Emitted(path, "unchanged")
    write_atomically(path, text)
    return Emitted(path, "rewritten")


def workflow_path(profile: Profile) -> Path:
    """``<workspace>/.github/workflows/<plugin-lowercase>.yml``."""
    return profile.workspace_dir / ".github" / "workflows" / f"{profile.plugin.name.lower()}.yml"


def profile_in_workspace(profile: Profile) -> PurePosixPath:
    """The profile's path from the workspace (the repository root in CI), for ``--replay``.

    The profile's folder is resolved but not the file itself, so a symlinked profile is
    named by its link, as the user named it. A profile outside its workspace is bad input:
    CI checks out the workspace only.
    """
    where = profile.path.parent.resolve() / profile.path.name
    relative = Path(os.path.relpath(where, profile.workspace_dir))
    if relative.parts[:1] == ("..",) or relative.is_absolute():
        raise UsageError(
            f"{profile.path}: the profile is outside its workspace {profile.workspace_dir}; "
            "CI checks out the workspace only, so keep the profile inside it "
            "(e.g. in profiles/ with workspace: ..)"
        )
    return PurePosixPath(relative.as_posix())


def _regular_file(path: Path) -> Path:
    """``path`` when it is a regular file (or a link to one); a FIFO or a device is bad input.

    A missing file or a folder is left to the profile loader, which says so in its words.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return path
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise ProfileError(path, None, None, "is not a regular file")
    return path


def _existing_text(path: Path) -> str | None:
    """The text of the wizard's own unchanged file at ``path``, or None when there is none.

    Anything else at that path is refused: a folder, a link, a device, a file that is not
    UTF-8 text, a file without the wizard's marker, a file changed since the wizard wrote it.
    """
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise WorkflowRefused(f"{_shown(path)}: cannot be read: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        raise WorkflowRefused(
            f"{_shown(path)} is {kind}; the wizard writes only a regular file of its own there"
        )
    if info.st_size > MAX_WORKFLOW_BYTES:
        raise _foreign(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise _foreign(path) from None
    except OSError as error:
        raise WorkflowRefused(f"{_shown(path)}: cannot be read: {error.strerror}") from None
    owner = ownership(text)
    if owner == "foreign":
        raise _foreign(path)
    if owner == "edited":
        raise WorkflowRefused(
            f"{_shown(path)} was changed by hand since pharo-plugin-wizard wrote it; "
            "not overwritten: keep your changes elsewhere (or delete the file), then emit again"
        )
    return text


def _foreign(path: Path) -> WorkflowRefused:
    return WorkflowRefused(
        f"{_shown(path)} was not written by pharo-plugin-wizard; the wizard never overwrites "
        "it: move it away (or delete it), then emit again"
    )


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
