"""The git layer: what the clone says about itself, and the clone made through GitPython.

Every question the wizard puts to git, and every GitPython object it holds, comes from
here; the one commit the wizard makes is built by :mod:`wizard.checkout.git_plumbing`.
Steps still *plan* some git commands as actions (``git branch``, ``git checkout``), so that
``--dry-run`` prints them; the engine's runner performs those.

Every step detects before it acts, and ``--from`` detects every earlier step too, so these
questions are asked on every run. They are put to the ``git`` command itself, one short
process each (about a millisecond), with an argument list and ``GIT_OPTIONAL_LOCKS=0`` so
that asking never writes to the clone. GitPython, which costs about 40 ms to import, is
kept for the steps that change the clone (clone with progress, branch, checkout, commit).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.errors import StepFailed

if TYPE_CHECKING:
    import git

    from wizard.engine.sink import StepOutput
    from wizard.engine.step import Context

_QUIET_GIT = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def git_missing() -> StepFailed:
    """The failure of every git call on a machine without git, with what to install."""
    return StepFailed(
        "git is not installed or not on PATH",
        hint="install git (apt install git / dnf install git / brew install git)",
    )


def ask_git(checkout: Path, *args: str) -> str | None:
    """The output of ``git -C checkout ARGS``, or None when git answers with a failure."""
    import subprocess  # not before there is a clone to ask about (--dry-run of a new plugin)

    try:
        result = subprocess.run(
            ["git", "-C", str(checkout), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env={**os.environ, **_QUIET_GIT},
            check=False,
        )
    except FileNotFoundError:
        raise git_missing() from None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "surrogateescape")


def is_clone(path: Path) -> bool:
    """Whether ``path`` is the top level of a git working tree (not a folder inside one)."""
    if not (path / ".git").exists():
        return False  # the common "not cloned yet" answer, without starting git
    top = ask_git(path, "rev-parse", "--show-toplevel")
    return top is not None and Path(top.strip()).resolve() == path.resolve()


def origin_urls(checkout: Path) -> list[str]:
    """The URLs of the ``origin`` remote (none when there is no such remote)."""
    urls = ask_git(checkout, "remote", "get-url", "--all", "origin")
    return urls.splitlines() if urls else []


def has_branch(checkout: Path, name: str) -> bool:
    """Whether the clone has a local branch ``name``."""
    return ask_git(checkout, "rev-parse", "--verify", "--quiet", f"refs/heads/{name}") is not None


def current_branch(checkout: Path) -> str | None:
    """The checked-out branch, or None on a detached HEAD."""
    head = ask_git(checkout, "symbolic-ref", "--quiet", "HEAD")
    return head.strip().removeprefix("refs/heads/") if head else None


def default_branch(checkout: Path) -> str | None:
    """The remote's default branch, as the clone recorded it (``origin/HEAD``)."""
    ref = ask_git(checkout, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")
    return ref.strip().removeprefix("refs/remotes/origin/") if ref else None


def remote_branches(checkout: Path) -> list[str]:
    """The branches of ``origin`` the clone knows of."""
    refs = ask_git(checkout, "for-each-ref", "--format=%(refname)", "refs/remotes/origin/")
    names = [line.removeprefix("refs/remotes/origin/") for line in (refs or "").splitlines()]
    return sorted(name for name in names if name and name != "HEAD")


def uncommitted(checkout: Path, paths: list[str] | None = None) -> list[str]:
    """Which files differ from HEAD: staged, unstaged or untracked.

    With ``paths``, only those are asked about (untracked ones included); without, every
    tracked file with a change (untracked files are not counted).
    """
    untracked = "--untracked-files=all" if paths else "--untracked-files=no"
    args = ["status", "--porcelain", "-z", untracked]
    if paths:
        args += ["--", *paths]
    status = ask_git(checkout, *args)
    if status is None:
        raise StepFailed(f"git status failed in {checkout}", hint="run git status there to see why")
    files: list[str] = []
    entries = iter(status.split("\0"))
    for entry in entries:
        if not entry:
            continue
        files.append(entry[3:])
        if entry[0] in "RC":
            next(entries, None)  # a rename or copy names its source next: not a change of ours
    return files


def commits_ahead(checkout: Path, base: str, branch: str) -> int | None:
    """How many commits ``branch`` has that ``base`` does not."""
    count = ask_git(checkout, "rev-list", "--count", f"refs/heads/{base}..refs/heads/{branch}")
    return int(count) if count and count.strip().isdigit() else None


def open_repo(path: Path) -> git.Repo | None:
    """The git repository at ``path`` (its top level), or None when there is none."""
    if not (path / ".git").exists():
        return None  # not a clone's top level; and GitPython need not be loaded to say so
    import git  # only the steps that change the clone load GitPython

    try:
        repo = git.Repo(path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if Path(repo.working_tree_dir or "").resolve() != path.resolve():
        return None  # a folder inside some other repository
    return repo


def checkout_repo(ctx: Context) -> git.Repo:
    """The checkout's repository, or a failure that points to the ``clone`` step."""
    repo = ctx.cache.get("repo")
    if repo is None:
        repo = open_repo(ctx.checkout)
        if repo is None:
            raise StepFailed(
                f"{ctx.checkout} is not a git clone yet", hint="run the plan from the clone step"
            )
        ctx.cache["repo"] = repo
    return repo


def same_source(remote_url: str, wanted: str) -> bool:
    """Whether an ``origin`` URL names the repository the profile asks for."""

    def normal(url: str) -> str:
        if os.path.isabs(url) or url.startswith("file://"):
            return str(Path(url.removeprefix("file://")).resolve()).rstrip("/")
        url = url.rstrip("/").removesuffix(".git")
        return re.sub(r"^(\w+://)?(git@)?([^/:]+)[:/]", lambda m: m.group(3).lower() + "/", url)

    return normal(remote_url) == normal(wanted)


def cloned(ctx: Context) -> bool:
    """Whether the checkout is a clone; once git said yes, not asked again in this run.

    No step undoes a clone, and every step of the setup and develop phases asks first.
    """
    if not ctx.cache.get("cloned"):
        ctx.cache["cloned"] = is_clone(ctx.checkout)
    return bool(ctx.cache["cloned"])


def fetches_branch(ctx: Context, branch: str) -> bool:
    """Whether ``git fetch origin`` brings ``branch`` (a single-branch clone's does not: git
    then refuses to make a branch that tracks it)."""
    if not cloned(ctx):
        return True
    specs = ask_git(ctx.checkout, "config", "--get-all", "remote.origin.fetch") or ""
    sources = [spec.lstrip("+").split(":", 1)[0] for spec in specs.split()]
    return any(source in ("refs/heads/*", f"refs/heads/{branch}") for source in sources)


def base_branch(ctx: Context) -> str | None:
    """The profile's base branch, else the remote's default branch (origin/HEAD)."""
    if ctx.profile.repository.base_branch:
        return ctx.profile.repository.base_branch
    if not cloned(ctx):
        return None
    return default_branch(ctx.checkout)


class _CloneProgress:
    """GitPython progress: one line per stage and ten-percent mark, and the progress bar."""

    def __init__(self, out: StepOutput) -> None:
        import git

        class Progress(git.RemoteProgress):
            def update(  # noqa: N805
                inner,
                op_code: int,
                cur_count: str | float,
                max_count: str | float | None = None,
                message: str = "",
            ) -> None:
                self.update(inner, op_code, cur_count, max_count, message)

        self.out = out
        self.handler = Progress()
        self.last: tuple[str, int] | None = None

    def update(
        self,
        handler: git.RemoteProgress,
        op_code: int,
        cur_count: str | float,
        max_count: str | float | None,
        message: str,
    ) -> None:
        stage = (handler._cur_line or "").split(":")[0].strip() or "cloning"
        percent = int(100 * float(cur_count) / float(max_count)) if max_count else 0
        self.out.progress(percent)
        mark = (stage, percent // 10)
        if mark != self.last:
            self.last = mark
            self.out.line(
                f"{stage}: {percent}% ({int(float(cur_count))}/{int(float(max_count or 0))})"
            )


def git_reasons(stderr: str, handler: object) -> list[str]:
    """git's own reason for a failed clone (its ``fatal:``/``error:`` lines), last five.

    The progress handler reads git's stderr as it comes, so the error's ``stderr`` is often
    empty: the reason is in the lines the handler kept aside, not in the exception.
    """
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    kept = [*getattr(handler, "error_lines", []), *getattr(handler, "other_lines", [])]
    reasons = [line.strip() for line in kept if line.strip().startswith(("fatal:", "error:"))]
    return (reasons or lines or [line.strip() for line in kept if line.strip()])[-5:]


FALLBACK_NAME = "pharo-plugin-wizard"


FALLBACK_EMAIL = "pharo-plugin-wizard@localhost"


def commit_identity(repo: git.Repo, out: StepOutput) -> dict[str, str]:
    reader = repo.config_reader()
    name = reader.get_value("user", "name", default="")
    email = reader.get_value("user", "email", default="")
    if name and email:
        return {}
    out.line(
        f"note: git has no user.name/user.email; committing as {FALLBACK_NAME} "
        f"<{FALLBACK_EMAIL}> (set them with git config to commit as yourself)"
    )
    return {
        "GIT_AUTHOR_NAME": str(name or FALLBACK_NAME),
        "GIT_AUTHOR_EMAIL": str(email or FALLBACK_EMAIL),
        "GIT_COMMITTER_NAME": str(name or FALLBACK_NAME),
        "GIT_COMMITTER_EMAIL": str(email or FALLBACK_EMAIL),
    }


class CloneFailed(Exception):
    """git refused a clone: its own reasons, last five lines."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(reasons[-1] if reasons else "git clone failed")
        self.reasons = reasons


def clone_with_progress(source: str, into: Path, out: StepOutput) -> None:
    """``git clone --progress SOURCE INTO`` through GitPython, its progress on ``out``;
    :class:`CloneFailed` with git's reasons when git refuses (the caller removes ``into``)."""
    import git  # only a clone loads GitPython's remote progress

    progress = _CloneProgress(out)
    try:
        # GitPython annotates ``progress`` as a callable only, yet takes a RemoteProgress (its
        # to_progress_instance), whose error_lines git_reasons reads.
        git.Repo.clone_from(source, into, progress=progress.handler)  # type: ignore[arg-type]
    except git.GitCommandError as error:
        raise CloneFailed(git_reasons(str(error.stderr), progress.handler)) from None
