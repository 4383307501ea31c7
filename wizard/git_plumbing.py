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
from pathlib import Path

from wizard.errors import StepFailed

_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
_OPERATIONS = (
    ("MERGE_HEAD", "a merge"),
    ("CHERRY_PICK_HEAD", "a cherry-pick"),
    ("REVERT_HEAD", "a revert"),
    ("rebase-merge", "a rebase"),
    ("rebase-apply", "a rebase or git am"),
)


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
            raise StepFailed(
                "git is not installed or not on PATH",
                hint="install git (apt install git / dnf install git / brew install git)",
            ) from None
        if check and result.returncode != 0:
            reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
            shown = next((line for line in reason if line.startswith(("fatal:", "error:"))), None)
            raise StepFailed(
                f"git {args[0]} refused in {self.checkout}: "
                + (shown or (reason[-1] if reason else f"exit status {result.returncode}")),
                hint="fix what git says (run the same git command there to see it), then run "
                "the same command again",
                details=reason[-10:],
            )
        return result

    def refuse_during_an_operation(self) -> None:
        """A merge, cherry-pick, revert or rebase in progress: no commit of the wizard's now.

        ``git commit`` would make a merge commit (or a cherry-pick's) out of the wizard's
        change; the user is in the middle of something, and finishes it first.
        """
        for name, what in _OPERATIONS:
            where = self.git("rev-parse", "--git-path", name).stdout.decode().strip()
            if (self.checkout / where).exists():
                raise StepFailed(
                    f"{what} is in progress in {self.checkout}; the wizard does not commit now",
                    hint="finish it or abort it (git status says how), then run the same "
                    "command again",
                )

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
            mode = before[path][0] if before[path] else "100644"
            blobs[path] = (mode, sha)
        with tempfile.TemporaryDirectory(prefix="pharo-plugin-wizard-index-") as folder:
            index = {"GIT_INDEX_FILE": str(Path(folder) / "index")}
            self.git("read-tree", "HEAD", env=index)
            for path, (mode, sha) in blobs.items():
                self.git("update-index", "--add", "--cacheinfo", f"{mode},{sha},{path}", env=index)
            self.git("commit", "--quiet", *options, "-m", message, env={**index, **environment})
        for path, (mode, sha) in blobs.items():
            if staged[path] == before[path]:  # nothing of the user's staged there
                self.git("update-index", "--add", "--cacheinfo", f"{mode},{sha},{path}")
        return self.head()
