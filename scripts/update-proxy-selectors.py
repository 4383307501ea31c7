#!/usr/bin/env python3
"""Regenerate ``wizard/data/proxy_selectors.json`` from a pharo-vm clone.

``--lint`` before any clone checks the ``interpreterProxy`` sends of a profile against the
selectors of the pharo-vm branch it will build on. Those selectors are facts of pharo-vm
(``smalltalksrc/VMMaker/InterpreterProxy.class.st``, plus ``InterpreterPlugin.class.st``'s
own methods, which Slang translates into every plugin), read here with the same reader the
wizard uses on a checkout (:mod:`wizard.formats.proxy_api`), once per supported branch.

Usage (from the repository's root, with the wizard importable)::

    python scripts/update-proxy-selectors.py PATH-TO-PHARO-VM-CLONE [--branches pharo-9 pharo-10 pharo-12]

The clone is only read (``git show BRANCH:PATH``); a branch is looked up as a local branch
first, then as ``origin/BRANCH``. The commit each list was read at is recorded in the file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wizard.formats.proxy_api import instance_selectors, proxy_selectors  # noqa: E402

OUTPUT = ROOT / "wizard" / "data" / "proxy_selectors.json"
BRANCHES = ("pharo-9", "pharo-10", "pharo-12")
PROXY = "smalltalksrc/VMMaker/InterpreterProxy.class.st"
PLUGIN = "smalltalksrc/VMMaker/InterpreterPlugin.class.st"


def git(clone: Path, *args: str) -> str:
    """Run a read-only git command in ``clone`` and answer its output."""
    return subprocess.run(
        ["git", "-C", str(clone), *args], check=True, capture_output=True, text=True
    ).stdout


def resolve(clone: Path, branch: str) -> str:
    """The commit of ``branch``: the local branch, else the remote-tracking one."""
    for ref in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):
        try:
            return git(clone, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
        except subprocess.CalledProcessError:
            continue
    raise SystemExit(f"{clone}: no branch {branch} (nor origin/{branch})")


def selectors_of(clone: Path, branch: str) -> dict[str, object]:
    """One branch's entry: its commit and both selector lists, sorted."""
    commit = resolve(clone, branch)
    proxy = proxy_selectors(git(clone, "show", f"{commit}:{PROXY}"))
    plugin = instance_selectors(git(clone, "show", f"{commit}:{PLUGIN}"), "InterpreterPlugin")
    return {
        "commit": commit,
        "interpreter_proxy": sorted(proxy),
        "interpreter_plugin": sorted(plugin),
    }


def table(clone: Path, branches: tuple[str, ...] | list[str]) -> dict[str, object]:
    """The whole file's content."""
    return {
        "about": "interpreterProxy selectors per pharo-vm branch, read from "
        f"{PROXY} and {PLUGIN}; regenerate with scripts/update-proxy-selectors.py",
        "branches": {branch: selectors_of(clone, branch) for branch in branches},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clone", type=Path, help="a pharo-vm clone (bare or not)")
    parser.add_argument("--branches", nargs="+", default=list(BRANCHES))
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    text = json.dumps(table(args.clone, args.branches), indent=1, sort_keys=True) + "\n"
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({', '.join(args.branches)})")


if __name__ == "__main__":
    main()
