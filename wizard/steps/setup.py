"""Setup phase: clone pharo-vm, get the base branch, create and check out the plugin branch.

Detection asks the ``git`` command (:mod:`wizard.checkout.git`); the work is planned as
actions (:mod:`wizard.engine.actions`): ``git`` commands, and the clone through GitPython for its
progress. Nothing here ever deletes, resets or force-checks-out the user's work: when the
folder holds something else, or uncommitted changes would be overwritten, the step refuses
and says what it found. The only folder the wizard removes is its own half-finished clone,
which never carries the checkout's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.checkout.git import (
    CloneFailed,
    ask_git,
    base_branch,
    checkout_repo,
    clone_with_progress,
    cloned,
    current_branch,
    fetches_branch,
    has_branch,
    origin_urls,
    same_source,
)
from wizard.engine.actions import Action, Command, RemoveFolder, Rename
from wizard.engine.step import Context, Status, Step
from wizard.errors import Interrupted, StepFailed

if TYPE_CHECKING:
    import git

    from wizard.engine.sink import StepOutput


# --------------------------------------------------------------------------- shared


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
    said = reasons or lines
    return said[-1] if said else None


def git_refused(what: str, tail: list[str]) -> StepFailed:
    """A failure that says git's own reason, never a guess at it."""
    reason = git_reason(tail)
    return StepFailed(
        f"{what}: {reason}" if reason else what,
        hint="fix what git says (run the same git command in the checkout to see it)",
        again=True,
        details=[line for line in tail if line.strip()][-5:],
    )


# --------------------------------------------------------------------------- clone


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

        try:
            clone_with_progress(self.source, self.into, out)
        except (KeyboardInterrupt, Interrupted):
            from wizard.engine.runner import stop_children

            stop_children()
            shutil.rmtree(self.into, ignore_errors=True)
            raise Interrupted("clone interrupted; the unfinished clone was removed") from None
        except CloneFailed as failure:
            shutil.rmtree(self.into, ignore_errors=True)
            if ctx.token is not None and ctx.token.cancelled:
                raise Interrupted("clone cancelled; the unfinished clone was removed") from None
            details = failure.reasons
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

    def actions(self, ctx: Context) -> list[Command]:
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
            from wizard.words import did_you_mean, few

            raise StepFailed(
                f"origin has no branch {base}{did_you_mean(base, known)}",
                hint="set repository.base_branch to one of: "
                + few(known, near=base, none="none found"),
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
                "without --depth",
                again=True,
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

    def actions(self, ctx: Context) -> list[Command]:
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
        from wizard.checkout.git_plumbing import GitPlumbing

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
                from wizard.words import few

                raise StepFailed(
                    f"cannot check out {name}: uncommitted changes would be overwritten "
                    f"(git says so of {few(files)})",
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
