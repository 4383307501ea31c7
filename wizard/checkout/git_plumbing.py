"""git's plumbing for the one commit the wizard makes: chosen blobs, a temporary index.

``git commit --only FILE`` takes whole files from the working tree, with whatever else the
user typed in them. Here the wizard says exactly what each committed file holds (a blob it
hashes itself), builds the commit's tree in a temporary index from HEAD, and commits that;
the user's index and working tree are not touched, except that the index entry of a file
the user had not staged follows the commit (as ``git commit`` would leave it).

Every command is an argument list; a refusal of git's (an index lock, a merge in progress,
gpg signing failing) is a :class:`StepFailed` with git's own reason, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from wizard.checkout.git import git_missing
from wizard.errors import StepFailed

_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


@dataclass(frozen=True)
class Operation:
    """A git operation the user is in the middle of, and git's own ways out of it."""

    name: str  # "a rebase"
    ways_out: str  # "git rebase --continue / git rebase --abort"

    def refusal(self, checkout: Path, what: str) -> StepFailed:
        return StepFailed(
            f"{self.name} is in progress in {checkout}; the wizard does not {what} now",
            hint=f"finish it or undo it first ({self.ways_out})",
            again=True,
        )


def _ways(command: str, *options: str) -> str:
    return " / ".join(f"git {command} {option}" for option in options)


#: What git keeps in its folder during each operation (``git rev-parse --git-path``), in
#: the order they are asked: ``rebase-apply/`` is ``git am``'s unless it says it rebases.
_MARKERS: tuple[tuple[str, Operation], ...] = (
    ("rebase-merge", Operation("a rebase", _ways("rebase", "--continue", "--abort"))),
    ("rebase-apply/rebasing", Operation("a rebase", _ways("rebase", "--continue", "--abort"))),
    ("rebase-apply", Operation("a git am", _ways("am", "--continue", "--skip", "--abort"))),
    ("MERGE_HEAD", Operation("a merge", _ways("merge", "--continue", "--abort"))),
    ("CHERRY_PICK_HEAD", Operation("a cherry-pick", _ways("cherry-pick", "--continue", "--abort"))),
    ("REVERT_HEAD", Operation("a revert", _ways("revert", "--continue", "--abort"))),
    ("BISECT_LOG", Operation("a bisect", "git bisect reset")),
)

#: No hook of the user's runs for the wizard's commit: git looks for them in this folder
#: (made empty for each commit), and ``--no-verify`` says the same for the checking ones.
HOOKS_OPTION = "core.hooksPath"


def _subcommand(args: Sequence[str]) -> str:
    """The git command in ``args`` (after any ``-c NAME=VALUE``)."""
    rest = list(args)
    while len(rest) > 1 and rest[0] == "-c":
        rest = rest[2:]
    return rest[0] if rest else "git"


class GitPlumbing:
    """The few git commands a commit of chosen blobs needs, run in one checkout."""

    def __init__(self, checkout: Path) -> None:
        self.checkout = checkout

    def git(
        self,
        *args: str,
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            result = subprocess.run(
                ["git", "-C", str(self.checkout), *args],
                input=stdin if stdin is not None else b"",
                capture_output=True,
                env={**os.environ, **_ENV, **(env or {})},
                check=False,
            )
        except FileNotFoundError:
            raise git_missing() from None
        if check and result.returncode != 0:
            reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
            shown = next((line for line in reason if line.startswith(("fatal:", "error:"))), None)
            raise StepFailed(
                f"git {_subcommand(args)} refused in {self.checkout}: "
                + (shown or (reason[-1] if reason else f"exit status {result.returncode}")),
                hint="fix what git says (run the same git command there to see it)",
                again=True,
                details=reason[-10:],
            )
        return result

    def operation_in_progress(self) -> Operation | None:
        """The rebase, merge, cherry-pick, revert, bisect or ``git am`` the user is in the
        middle of, from git's own folder (a linked worktree's too), or None."""
        args = [arg for marker, _ in _MARKERS for arg in ("--git-path", marker)]
        paths = self.git("rev-parse", *args).stdout.decode("utf-8", "surrogateescape")
        for (_, operation), where in zip(_MARKERS, paths.splitlines(), strict=False):
            if (self.checkout / where).exists():
                return operation
        return None

    def refuse_during_an_operation(self, what: str = "commit") -> None:
        """Refuse (a failure naming the operation and git's ways out) while the user is in
        the middle of one: ``git commit`` would make the wizard's change part of their
        merge, and a checkout would carry their rebase onto the plugin branch."""
        operation = self.operation_in_progress()
        if operation is not None:
            raise operation.refusal(self.checkout, what)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").stdout.decode().strip()

    def committed_text(self, path: str, commit: str = "HEAD") -> str | None:
        """The text of ``path`` in ``commit``; None when the commit has no such file."""
        result = self.git("cat-file", "blob", f"{commit}:{path}", check=False)
        if result.returncode != 0:
            return None
        return result.stdout.decode("utf-8", "surrogateescape")

    def _entry(self, path: str, *args: str) -> tuple[str, str] | None:
        """(mode, sha) of ``path`` in a tree (``ls-tree HEAD``) or the index (``ls-files -s``)."""
        listing = self.git(*args, "--", path).stdout.decode("utf-8", "surrogateescape")
        for line in listing.splitlines():
            fields = line.split(None, 3)
            if args[0] == "ls-tree":
                return fields[0], fields[2]
            if fields[2] == "0":
                return fields[0], fields[1]
        return None

    def commit_blobs(
        self,
        texts: Mapping[str, str],
        message: str,
        options: Sequence[str],
        environment: Mapping[str, str],
    ) -> str:
        """Commit HEAD's tree with each path of ``texts`` holding that text; answer the sha."""
        self.refuse_during_an_operation()
        before = {path: self._entry(path, "ls-tree", "HEAD") for path in texts}
        staged = {path: self._entry(path, "ls-files", "-s") for path in texts}
        blobs: dict[str, tuple[str, str]] = {}
        for path, text in texts.items():
            sha = self.git(
                "hash-object", "-w", "--stdin", "--path", path,
                stdin=text.encode("utf-8", "surrogateescape"),
            ).stdout.decode().strip()  # fmt: skip
            entry = before[path]
            mode = entry[0] if entry else "100644"
            blobs[path] = (mode, sha)
        with tempfile.TemporaryDirectory(prefix="pharo-plugin-wizard-index-") as folder:
            index = {"GIT_INDEX_FILE": str(Path(folder) / "index")}
            self.git("read-tree", "HEAD", env=index)
            for path, (mode, sha) in blobs.items():
                self.git("update-index", "--add", "--cacheinfo", f"{mode},{sha},{path}", env=index)
            hooks = Path(folder) / "no-hooks"
            hooks.mkdir()
            self.git(
                "-c", f"{HOOKS_OPTION}={hooks}", "commit", "--quiet", *options, "-m", message,
                env={**index, **environment},
            )  # fmt: skip
        for path, (mode, sha) in blobs.items():
            if staged[path] == before[path]:  # nothing of the user's staged there
                self.git("update-index", "--add", "--cacheinfo", f"{mode},{sha},{path}")
        return self.head()
