"""Environment problems are named, not reported as bugs (issue #12, item 9).

Each case spoils the user's machine in one way a VM hacker meets on a normal day, runs the
real command, and expects one line that says what and where (with git's own reason when
git refuses), exit status 1 (a failed step) or 2 (bad input), and never "internal error".
The clone they start from is made once per module and copied for each case.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fakevm.profiles import write_profile

PROFILE = Path("profiles") / "HelloWorldPlugin.yml"


@pytest.fixture(scope="module")
def branched(fake_origin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose clone has the plugin branch checked out (steps up to ``branch``)."""
    workspace = tmp_path_factory.mktemp("branched") / "workspace"
    workspace.mkdir()
    profile = write_profile(workspace, fake_origin)
    done = run(workspace, "--replay", str(profile), "--until", "branch")
    assert done.returncode == 0, done.stdout[-2000:]
    return workspace


def run(workspace: Path, *args: str, **options) -> subprocess.CompletedProcess:
    options.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        cwd=workspace,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=600,
        **options,
    )


def git(checkout: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(checkout), *args], check=True, capture_output=True)


def copy_of(branched: Path, tmp_path: Path) -> Path:
    workspace = tmp_path / "workspace"
    shutil.copytree(branched, workspace, symlinks=True)
    return workspace


# Each case: spoil(workspace) answers (extra args, subprocess options); then what to expect.


def build_is_a_file(ws: Path):
    (ws / "build").write_text("not a folder\n")
    return ["--until", "configure"], {}


def logs_is_a_file(ws: Path):
    shutil.rmtree(ws / "logs")
    (ws / "logs").write_text("not a folder\n")
    return [], {}


def checkout_links_outside(ws: Path):
    outside = ws.parent / "elsewhere"
    (ws / "pharo-vm").rename(outside)
    (ws / "pharo-vm").symlink_to(outside)
    return [], {}


def index_locked(ws: Path):
    (ws / "pharo-vm" / ".git" / "index.lock").write_text("")
    return ["--until", "commit"], {}


def merge_in_progress(ws: Path):
    checkout = ws / "pharo-vm"
    git(checkout, "checkout", "-q", "-b", "other")
    with (checkout / "README.md").open("a") as readme:
        readme.write("theirs\n")
    git(checkout, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-qam", "theirs")
    git(checkout, "checkout", "-q", "HelloWorldPlugin")
    with (checkout / "README.md").open("a") as readme:
        readme.write("ours\n")
    git(checkout, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-qam", "ours")
    conflicted = subprocess.run(["git", "-C", str(checkout), "merge", "other"], capture_output=True)
    assert conflicted.returncode != 0  # the merge stops on the conflict: MERGE_HEAD is there
    return ["--until", "commit"], {}


def gpg_signing_fails(ws: Path):
    git(ws / "pharo-vm", "config", "commit.gpgsign", "true")
    git(ws / "pharo-vm", "config", "gpg.program", str(ws / "no-such-gpg"))
    return ["--until", "commit"], {}


def no_git_on_path(ws: Path):
    return [], {"env": {**os.environ, "PATH": str(ws / "empty-bin")}}


def stdout_closed(ws: Path):
    return [], {"stdout": subprocess.DEVNULL, "preexec_fn": lambda: os.close(1)}


def stdout_full(ws: Path):
    return [], {"stdout": open(os.devnull.replace("null", "full"), "w")}  # noqa: SIM115


def profile_folder_read_only(ws: Path):
    folder = ws / "profiles"
    if os.geteuid() == 0:
        # Root writes into a folder whatever its mode; an immutable folder refuses root too.
        made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"chattr +i is refused here ({made.stderr.strip()}); needs a normal user")
    else:
        folder.chmod(0o555)
    return ["--until", "plugin-source", "--force"], {}


#: What the system says when the profile's folder cannot be written to: a normal user
#: meets the mode (EACCES), root the immutable flag (EPERM).
REFUSED = ("Permission denied", "Operation not permitted")


CASES = {
    # case: (spoil, exit status, words the one line must hold)
    "build-is-a-file": (build_is_a_file, 1, ["Not a directory", "build"]),
    "logs-is-a-file": (logs_is_a_file, 1, ["Not a directory", "logs"]),
    "checkout-links-outside": (checkout_links_outside, 1, ["elsewhere", "outside"]),
    "index-lock": (index_locked, 1, ["index.lock"]),
    "merge-in-progress": (merge_in_progress, 1, ["merge"]),
    "gpg-signing-fails": (gpg_signing_fails, 1, ["gpg"]),
    "no-git-on-path": (no_git_on_path, 1, ["git is not installed or not on PATH"]),
    "stdout-closed": (stdout_closed, 2, ["standard output is closed"]),
    "stdout-full": (stdout_full, 1, ["cannot write the output", "No space left"]),
    "profile-folder-read-only": (profile_folder_read_only, 1, ["profiles"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_environment_problem_is_named_not_a_bug(branched, tmp_path, case):
    spoil, expected, words = CASES[case]
    workspace = copy_of(branched, tmp_path)
    try:
        extra, options = spoil(workspace)
        done = run(workspace, "--replay", str(PROFILE), *extra, **options)
    finally:
        if case == "profile-folder-read-only" and os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(workspace / "profiles")], capture_output=True)
    said = (done.stdout or "") + done.stderr
    assert done.returncode == expected, said[-3000:]
    assert "internal error" not in said and "Traceback" not in said, said[-3000:]
    lines = [line for line in said.splitlines() if all(word in line for word in words)]
    if case == "profile-folder-read-only":
        lines = [line for line in lines if any(word in line for word in REFUSED)]
    assert lines, f"no line names {words}:\n{said[-3000:]}"


def test_a_failed_clone_shows_gits_reason(workspace, tmp_path):
    profile = write_profile(workspace, tmp_path / "no-such-origin")
    done = run(workspace, "--replay", str(profile), "--until", "clone")
    assert done.returncode == 1
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED: clone")]
    assert failed and "fatal:" in failed[0] and "no-such-origin" in failed[0], done.stdout
