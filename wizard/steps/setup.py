"""Setup phase: clone pharo-vm, get the base branch, create and check out the plugin branch.

Detection asks the ``git`` command (:mod:`wizard.repository`); the work is planned as
actions (:mod:`wizard.actions`): ``git`` commands, and the clone through GitPython for its
progress. Nothing here ever deletes, resets or force-checks-out the user's work: when the
folder holds something else, or uncommitted changes would be overwritten, the step refuses
and says what it found. The only folder the wizard removes is its own half-finished clone,
which never carries the checkout's name.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.actions import Action, Command, RemoveFolder, Rename
from wizard.errors import Interrupted, StepFailed
from wizard.plan import Context, Status, Step
from wizard.repository import (
    ask_git,
    current_branch,
    default_branch,
    has_branch,
    is_clone,
    origin_urls,
)

if TYPE_CHECKING:
    import git

    from wizard.sink import StepOutput


# --------------------------------------------------------------------------- shared


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
    return ctx.cache["cloned"]


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


def overwritten_files(message: str) -> list[str]:
    """The files git names in 'would be overwritten by checkout', from its error text."""
    files: list[str] = []
    collecting = False
    for line in message.splitlines():
        text = line.strip().strip("'")
        if "would be overwritten" in text:
            collecting = True
        elif collecting and line[:1] in ("\t", " ") and text and not text.startswith("Please"):
            files.append(text)
        elif collecting and files:
            collecting = False
    return files


def git_reason(tail: list[str]) -> str | None:
    """git's own reason in the last lines of a failed command (its ``fatal:``/``error:``)."""
    lines = [line.strip() for line in tail if line.strip()]
    reasons = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (reasons or lines or [None])[-1]


def git_refused(what: str, tail: list[str]) -> StepFailed:
    """A failure that says git's own reason, never a guess at it."""
    reason = git_reason(tail)
    return StepFailed(
        f"{what}: {reason}" if reason else what,
        hint="fix what git says (run the same git command in the checkout to see it), then "
        "run the same command again",
        details=[line for line in tail if line.strip()][-5:],
    )


# --------------------------------------------------------------------------- clone


class _CloneProgress:
    """GitPython progress: one line per stage and ten-percent mark, and the progress bar."""

    def __init__(self, out: StepOutput) -> None:
        import git

        class Progress(git.RemoteProgress):
            def update(inner, op_code, cur_count, max_count=None, message=""):  # noqa: N805
                self.update(inner, op_code, cur_count, max_count, message)

        self.out = out
        self.handler = Progress()
        self.last: tuple[str, int] | None = None

    def update(self, handler, op_code, cur_count, max_count, message) -> None:
        stage = (handler._cur_line or "").split(":")[0].strip() or "cloning"
        percent = int(100 * float(cur_count) / float(max_count)) if max_count else 0
        self.out.progress(percent)
        mark = (stage, percent // 10)
        if mark != self.last:
            self.last = mark
            self.out.line(
                f"{stage}: {percent}% ({int(float(cur_count))}/{int(float(max_count or 0))})"
            )


def git_reasons(stderr: str, handler) -> list[str]:
    """git's own reason for a failed clone (its ``fatal:``/``error:`` lines), last five.

    The progress handler reads git's stderr as it comes, so the error's ``stderr`` is often
    empty: the reason is in the lines the handler kept aside, not in the exception.
    """
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    kept = [*getattr(handler, "error_lines", []), *getattr(handler, "other_lines", [])]
    reasons = [line.strip() for line in kept if line.strip().startswith(("fatal:", "error:"))]
    return (reasons or lines or [line.strip() for line in kept if line.strip()])[-5:]


@dataclass(frozen=True)
class CloneRepo(Action):
    """``git clone --progress SOURCE INTO`` through GitPython, its progress on the bar.

    A failed or interrupted clone removes ``into`` (the wizard's own partial folder) and
    says git's reason.
    """

    source: str
    into: Path
    url: str  # as the profile spells it, for the failure's sentence

    def lines(self) -> list[str]:
        return [f"git clone --progress {self.source} {self.into}"]

    def perform(self, ctx: Context, out: StepOutput) -> None:
        import shutil

        import git

        progress = _CloneProgress(out)
        try:
            git.Repo.clone_from(self.source, self.into, progress=progress.handler)
        except (KeyboardInterrupt, Interrupted):
            from wizard.runner import stop_children

            stop_children()
            shutil.rmtree(self.into, ignore_errors=True)
            raise Interrupted("clone interrupted; the unfinished clone was removed") from None
        except git.GitCommandError as error:
            shutil.rmtree(self.into, ignore_errors=True)
            if ctx.token is not None and ctx.token.cancelled:
                raise Interrupted("clone cancelled; the unfinished clone was removed") from None
            details = git_reasons(str(error.stderr), progress.handler)
            raise StepFailed(
                f"git clone of {self.url} failed" + (f": {details[-1]}" if details else ""),
                hint="check repository.url and your network",
                details=details,
            ) from None


class Clone(Step):
    id = "clone"
    phase = "setup"
    title = "clone pharo-vm"

    def detect(self, ctx: Context) -> Status:
        path = ctx.checkout
        if not path.exists():
            return Status(False, f"{ctx.profile.repository.path}/ does not exist yet")
        problem = self._problem(ctx)
        if problem:
            return Status(False, problem)
        return Status(
            True, f"{ctx.profile.repository.path}/ is a clone of {ctx.profile.repository.url}"
        )

    def _problem(self, ctx: Context) -> str | None:
        if not cloned(ctx):
            return f"{ctx.checkout} exists but is not a git repository"
        urls = origin_urls(ctx.checkout)
        if not any(same_source(url, ctx.profile.clone_source) for url in urls):
            found = urls[0] if urls else "no origin remote"
            return f"{ctx.checkout} is a clone of {found}, not of {ctx.profile.repository.url}"
        return None

    def actions(self, ctx: Context) -> list[Action]:
        partial = self._partial(ctx)
        return [
            RemoveFolder(partial, when="only when an earlier, unfinished clone is there"),
            CloneRepo(ctx.profile.clone_source, partial, ctx.profile.repository.url),
            Rename(partial, ctx.checkout),
        ]

    def _partial(self, ctx: Context) -> Path:
        return ctx.checkout.parent / f".{ctx.checkout.name}.partial-clone"

    def run(self, ctx: Context, out: StepOutput) -> None:
        if ctx.checkout.exists():
            raise StepFailed(
                f"refusing to touch {ctx.checkout}: {self._problem(ctx)}",
                hint="move that folder away, or set repository.path to another folder; "
                "the wizard never deletes it",
            )
        remove, clone, rename = self.actions(ctx)
        partial = self._partial(ctx)
        if partial.exists():
            out.line(f"removing an earlier, unfinished clone: {partial}")
            ctx.perform(remove, out)
        partial.parent.mkdir(parents=True, exist_ok=True)
        out.line(f"cloning {ctx.profile.clone_source} into {partial.name} (renamed when complete)")
        ctx.perform(clone, out)
        ctx.perform(rename, out)
        out.line(f"cloned into {ctx.checkout}")


# --------------------------------------------------------------------------- checkout


class Checkout(Step):
    id = "checkout"
    phase = "setup"
    title = "check out the base branch"

    def detect(self, ctx: Context) -> Status:
        if not cloned(ctx):
            return Status(False, "no clone yet")
        base = base_branch(ctx)
        if base is None:
            return Status(False, "the remote's default branch is not known yet")
        if has_branch(ctx.checkout, base):
            return Status(True, f"local branch {base} exists")
        return Status(False, f"no local branch {base} yet")

    def actions(self, ctx: Context) -> list[Action]:
        base = base_branch(ctx) or "<the remote's default branch>"
        track = "--track" if fetches_branch(ctx, base) else "--no-track"
        return [
            Command(
                ("git", "fetch", "origin", f"+refs/heads/{base}:refs/remotes/origin/{base}"),
                ctx.checkout,
                when=f"only when origin/{base} is missing",
            ),
            Command(("git", "branch", track, base, f"origin/{base}"), ctx.checkout),
        ]

    def run(self, ctx: Context, out: StepOutput) -> None:
        repo = checkout_repo(ctx)
        base = base_branch(ctx)
        if base is None:
            raise StepFailed(
                "the remote has no default branch (origin/HEAD)",
                hint="set repository.base_branch in the profile, e.g. pharo-12",
            )
        fetch, track = self.actions(ctx)
        remote_ref = f"origin/{base}"
        if remote_ref not in repo.refs:
            out.line(f"fetching {base} from origin (this clone does not have it)")
            fetched = ctx.perform(fetch, out)
            if fetched.returncode != 0:
                self._fetch_failed(ctx, base, fetched.tail)
        if remote_ref not in repo.refs:
            known = sorted(
                ref.remote_head for ref in repo.remotes.origin.refs if ref.remote_head != "HEAD"
            )
            raise StepFailed(
                f"origin has no branch {base}",
                hint=f"set repository.base_branch to one of: {', '.join(known) or 'none found'}",
            )
        completed = ctx.perform(track, out)
        if completed.returncode != 0:
            raise git_refused(f"git could not create the local branch {base}", completed.tail)
        head = repo.heads[base]
        out.line(f"created local branch {base} from {remote_ref} ({head.commit.hexsha[:10]})")
        if "--no-track" in track.args:
            out.line(
                f"note: origin is fetched for some branches only (a single-branch clone), so "
                f"{base} does not track origin/{base}; git remote set-branches --add origin "
                f"{base} makes git fetch it too"
            )

    @staticmethod
    def _fetch_failed(ctx: Context, base: str, tail: list[str]) -> None:
        """git's reason for a failed fetch; a shallow clone is named, with how to deepen it.
        A branch origin does not have is said below, with the branches it has."""
        reason = git_reason(tail) or ""
        if "couldn't find remote ref" in reason:
            return
        if ask_git(ctx.checkout, "rev-parse", "--is-shallow-repository") == "true\n":
            raise StepFailed(
                f"{ctx.checkout} is a shallow clone and git could not fetch {base} into it: "
                f"{reason}",
                hint="deepen it with git fetch --unshallow (in the checkout), or clone again "
                "without --depth, then run the same command again",
            )
        raise git_refused(f"git could not fetch {base} from origin", tail)

    def record(self, ctx: Context) -> dict[str, str]:
        return {"base_branch": base_branch(ctx) or ""}


# --------------------------------------------------------------------------- branch


class Branch(Step):
    id = "branch"
    phase = "setup"
    title = "create and check out the plugin branch"

    def detect(self, ctx: Context) -> Status:
        name = ctx.profile.plugin_branch
        if not cloned(ctx):
            return Status(False, "no clone yet")
        if current_branch(ctx.checkout) == name:
            return Status(True, f"{name} is checked out")
        if not has_branch(ctx.checkout, name):
            return Status(False, f"no branch {name} yet")
        return Status(False, f"branch {name} exists but is not checked out")

    def actions(self, ctx: Context) -> list[Action]:
        name = ctx.profile.plugin_branch
        try:
            start = self._start_point(ctx, checkout_repo(ctx))
        except StepFailed:  # no clone, or no base branch yet: the run says which
            start = base_branch(ctx) or "<base branch>"
        return [
            Command(
                ("git", "branch", "--no-track", name, start), ctx.checkout, when="unless it exists"
            ),
            Command(("git", "checkout", name), ctx.checkout),
        ]

    def run(self, ctx: Context, out: StepOutput) -> None:
        from wizard.git_plumbing import GitPlumbing

        repo = checkout_repo(ctx)
        name = ctx.profile.plugin_branch
        GitPlumbing(ctx.checkout).refuse_during_an_operation("switch branches")
        create, checkout = self.actions(ctx)
        if name not in repo.heads:
            self._start_point(ctx, repo)  # a missing base branch is refused here, named
            completed = ctx.perform(create, out)
            if completed.returncode != 0:
                raise git_refused(f"git could not create the branch {name}", completed.tail)
            out.line(f"created branch {name} from {create.args[-1]}")
        completed = ctx.perform(checkout, out)
        if completed.returncode != 0:
            files = overwritten_files("\n".join(completed.tail))
            if files:
                raise StepFailed(
                    f"cannot check out {name}: uncommitted changes would be overwritten "
                    f"(git says so of {', '.join(files)})",
                    hint="commit or stash them (the wizard never discards changes), then run again",
                    details=files,
                )
            raise git_refused(f"cannot check out {name}", completed.tail)
        out.line(f"checked out {name}")

    @staticmethod
    def _start_point(ctx: Context, repo: git.Repo) -> str:
        """The plugin branch's origin when someone pushed it already, else the base branch."""
        name = ctx.profile.plugin_branch
        if f"origin/{name}" in repo.refs:
            return f"origin/{name}"
        base = base_branch(ctx)
        if base is None or base not in repo.heads:
            raise StepFailed(
                f"the base branch {base or '?'} is not checked out locally",
                hint="run the checkout step first (run without --from)",
            )
        return base
