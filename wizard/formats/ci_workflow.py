"""The GitHub Actions workflow that replays a profile (docs/ci.md): text from a Profile.

Pure: a :class:`Profile` in, the workflow's text out, and the digest that lets a later
``--emit-ci`` recognise a file it wrote and tell whether a person changed it since. Writing
the file is :mod:`wizard.commands.emit_ci`'s job.

Everything in the workflow is relative to the workspace, which is the repository root in
CI: the workflow lives in ``<workspace>/.github/workflows/``, and GitHub reads workflows
only from the root of a repository.

Order of the steps, and why: what the workflow caches is the wizard's own VMMaker image
cache (``$XDG_CACHE_HOME/pharo-plugin-wizard``, with ``XDG_CACHE_HOME`` set to a folder of
the runner's workspace so that ``hashFiles`` can see it), which the wizard fills after a
build made the image and uses, through pharo-vm's own options, in a build folder that has
none: the build folder itself is never restored (a ``build/`` the wizard did not make is
refused). Its key is pharo-vm's own files (``smalltalksrc``, ``scripts``,
``cmake/vmmaker.cmake``), which exist only once the wizard has cloned pharo-vm. So the
workflow runs the setup phase first (``--until branch``), then restores the cache, then runs
the rest, then saves the cache under the key computed at restore time (the plugin's own
class, written after the key was computed, changes ``smalltalksrc``, and must not change
the key).
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from wizard import __version__
from wizard.commands.prerequisites import apt_packages, brew_packages
from wizard.errors import UsageError
from wizard.profile.model import Profile
from wizard.profile.trust import assess_options, declared_switches
from wizard.vm.artifacts import library_candidates

PROG = "pharo-plugin-wizard"
#: The line that marks a file as the wizard's; what follows it is the digest of the rest.
DIGEST_PREFIX = f"# {PROG}-digest: sha256:"
#: Where the wizard is installed from when the repository sets no PHARO_PLUGIN_WIZARD variable.
WIZARD_VARIABLE = "PHARO_PLUGIN_WIZARD"
ICEBERG = "ICEBERG_DEFAULT_REMOTE"
PYTHON_VERSION = "3.12"
RUNNERS = ("ubuntu-latest", "macos-latest")
#: The runner's XDG_CACHE_HOME, relative to the workspace: the wizard's image cache lives there.
CI_CACHE_HOME = ".cache"

#: What the VMMaker image is made from, inside the checkout, which the cache key hashes: the
#: Smalltalk sources it loads, the scripts that load them (``scripts/installVMMaker.st``) and
#: ``cmake/vmmaker.cmake``, which names the base image and VM.
CACHE_KEY_FILES = ("smalltalksrc/**", "scripts/**", "cmake/vmmaker.cmake")


@dataclass(frozen=True)
class WorkflowFacts:
    """What the workflow needs from a profile, every path relative to the workspace (POSIX)."""

    plugin: str
    profile: str
    checkout: str
    build_dir: str
    bench: bool
    trust: tuple[str, ...]  # the options that need --trust, each "NAME (why)"
    iceberg: str | None
    local_url: str | None
    pending: tuple[str, ...] = ()  # switches to be checked against the checkout once cloned

    @classmethod
    def of(cls, profile: Profile, profile_in_workspace: PurePosixPath) -> WorkflowFacts:
        """Read the facts from ``profile``; ``profile_in_workspace`` is its path from the root.

        The options are judged as a run judges them (:mod:`wizard.profile.trust`), with the
        checkout's own switches when the workspace has the checkout. A path the workflow
        cannot carry safely is refused (:class:`UsageError`, exit status 2).
        """
        options = dict(profile.build.cmake_options)
        untrusted, pending = assess_options(
            profile.build.cmake_options, declared_switches(profile.checkout_dir)
        )
        return cls(
            plugin=profile.plugin.name,
            profile=workflow_path_text("the profile's path", profile_in_workspace.as_posix()),
            checkout=workflow_path_text(
                "repository.path",
                PurePosixPath(profile.repository.path.replace("\\", "/")).as_posix(),
            ),
            build_dir=workflow_path_text(
                "build.dir", PurePosixPath(profile.build.dir.replace("\\", "/")).as_posix()
            ),
            bench=bool(profile.plugin.examples),
            trust=tuple(f"{v.name} ({_comment_text(v.why)})" for v in untrusted),
            pending=tuple(v.name for v in pending),
            iceberg=options.get(ICEBERG),
            # clone_source is absolute exactly when repository.url is a local folder.
            local_url=(
                profile.repository.url if Path(profile.clone_source).is_absolute() else None
            ),
        )


# --------------------------------------------------------------------------- safe paths

#: Unicode categories a path in the workflow must not have: controls (newlines among them),
#: invisible format characters (bidirectional controls), line and paragraph separators
#: (YAML 1.1 breaks lines there), surrogates and unassigned code points.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"}
#: Characters the artifact upload and hashFiles() read as glob syntax.
_GLOB = set("*?[]\\")


def workflow_path_text(what: str, text: str) -> str:
    """``text`` when the workflow can carry it as one exact path; else a :class:`UsageError`.

    Quotes, colons, ``#``, spaces and any visible Unicode are written (quoted as YAML
    needs); refused are what no quoting makes safe everywhere the path appears (a comment,
    an environment value, a glob of the upload step): control and invisible characters,
    glob syntax, ``${{`` (GitHub would evaluate it), a leading ``!`` or ``#`` (the upload
    step reads such a line as an exclusion or a comment), spaces at either end.
    """
    problem = _path_problem(text)
    if problem is None:
        return text
    raise UsageError(
        f"--emit-ci: {what} {text!r} {problem}; the workflow could not name it safely: "
        "rename it (letters, digits, '-', '_', '.', '/' are always safe)"
    )


def _path_problem(text: str) -> str | None:
    for char in text:
        category = unicodedata.category(char)
        if category in _UNSAFE_CATEGORIES:
            return f"has the invisible or control character U+{ord(char):04X} ({category})"
        if char in _GLOB:
            return f"has {char!r}, which the upload step reads as a pattern"
    if "${{" in text:
        return "has '${{', which GitHub evaluates as an expression"
    if text != text.strip():
        return "starts or ends with a space"
    if any(part.startswith(("!", "#")) for part in text.split("/")[:1]):
        return "starts with '!' or '#', which the upload step reads as an exclusion or a comment"
    return None


def _comment_text(text: str) -> str:
    """``text`` for a YAML comment: printable ASCII only (anything else as ``?``)."""
    return "".join(char if " " <= char <= "~" else "?" for char in text)


# --------------------------------------------------------------------------- the text


def render_workflow(facts: WorkflowFacts, version: str = __version__) -> str:
    """The whole workflow file: the header with its digest line, then the workflow."""
    body = _body(facts, version)
    header = _header(facts, version)
    return header + digest_line(header + body) + body


def digest_line(text_without_it: str) -> str:
    """The marker line for a file whose other lines are ``text_without_it``."""
    return f"{DIGEST_PREFIX}{_digest(text_without_it)}\n"


def _digest(text: str) -> str:
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def ownership(text: str) -> str:
    """Who the file's text belongs to: ``"wizard"`` (as the wizard wrote it), ``"edited"``
    (the wizard's marker, but another line changed since) or ``"foreign"`` (no marker).

    Line endings do not count: a checkout with CRLF line endings is still the wizard's file.
    """
    lines = text.replace("\r\n", "\n").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith(DIGEST_PREFIX):
            recorded = line[len(DIGEST_PREFIX) :].strip()
            rest = "".join(lines[:index] + lines[index + 1 :])
            return "wizard" if recorded == _digest(rest) else "edited"
    return "foreign"


def _header(facts: WorkflowFacts, version: str) -> str:
    return _lines(
        f"# Written by {PROG} {version} from profile {facts.profile}.",
        "# Write it again after changing the profile, from the repository root:",
        f"#   {PROG} --emit-ci github {shlex.quote(facts.profile)}",
        "# The wizard rewrites this file only while it is as the wizard wrote it (the digest",
        "# below covers every other line); it never overwrites a file changed by hand. To make",
        "# the file yours, delete the digest line: the wizard will then leave it alone.",
    )


def _body(facts: WorkflowFacts, version: str) -> str:
    build = facts.build_dir
    key_files = ", ".join(
        _expression_string(f"{facts.checkout}/{name}") for name in CACHE_KEY_FILES
    )
    replay_options = _replay_options(facts)
    setup_line = f'{PROG} --replay "$PROFILE" --until branch{replay_options}'
    bench = " --bench" if facts.bench else ""
    replay_line = f'{PROG} --replay "$PROFILE"{replay_options}{bench}'
    libraries = [
        path.as_posix()
        for platform in ("linux", "darwin")
        for path in library_candidates(Path(build), facts.plugin, platform)
    ]
    kept = _expression_string(f"{CI_CACHE_HOME}/pharo-plugin-wizard/vmmaker/*/entry.json")
    return _lines(
        "",
        f"name: {facts.plugin}",
        "",
        "on:",
        "  push:",
        "  pull_request:",
        "",
        "permissions:",
        "  contents: read",
        "",
        "concurrency:",
        "  group: ${{ github.workflow }}-${{ github.ref }}",
        "  cancel-in-progress: true",
        "",
        "env:",
        "  # The profile, relative to the repository root (the wizard's workspace).",
        f"  PROFILE: {_quoted(facts.profile)}",
        "  # Where the wizard comes from: PyPI, this exact version by default. To install",
        f"  # another one without editing this file, set the repository variable {WIZARD_VARIABLE}",
        "  # (Settings > Secrets and variables > Actions > Variables) to a pip requirement,",
        "  # e.g. git+https://github.com/you/pharo-plugin-wizard@main",
        f"  WIZARD: ${{{{ vars.{WIZARD_VARIABLE} || '{PROG}=={version}' }}}}",
        "  # The wizard keeps the VMMaker image it builds in $XDG_CACHE_HOME/pharo-plugin-wizard;",
        "  # here a folder of the workspace, so that the cache steps below can hash and save it.",
        f"  XDG_CACHE_HOME: ${{{{ github.workspace }}}}/{CI_CACHE_HOME}",
        "",
        "jobs:",
        "  build:",
        f"    name: {facts.plugin} on ${{{{ matrix.os }}}}",
        "    # Windows is not in the matrix: the wizard runs on Linux and macOS only today (its",
        "    # profile lock is POSIX flock, and it drives make and a Unix C compiler), and",
        "    # pharo-vm's Windows build needs Cygwin or MSVC (pharo-vm #762, #283). When it does,",
        "    # Smalltalk sources must keep LF line endings: `git config --global core.autocrlf",
        "    # false` before the clone (or a .gitattributes with `*.st text eol=lf`).",
        "    strategy:",
        "      fail-fast: false",
        "      matrix:",
        f"        os: [{', '.join(RUNNERS)}]",
        "    runs-on: ${{ matrix.os }}",
        "    # A first build downloads and bootstraps the VMMaker image, then compiles the VM.",
        "    timeout-minutes: 120",
        "    steps:",
        "      # A shallow checkout of this repository is enough: the wizard clones pharo-vm",
        "      # itself, fully (tags included, which pharo-vm's `git describe` needs).",
        "      - uses: actions/checkout@v4",
        "",
        "      - name: Install the system packages (Linux)",
        "        if: runner.os == 'Linux'",
        "        run: |",
        "          sudo apt-get update",
        f"          sudo apt-get install -y --no-install-recommends {' '.join(apt_packages())}",
        "",
        "      # make, clang, uuid and TLS (the Security framework) come with Xcode's tools.",
        "      - name: Install the system packages (macOS)",
        "        if: runner.os == 'macOS'",
        f"        run: brew install {' '.join(brew_packages())}",
        "",
        "      - uses: actions/setup-python@v5",
        "        with:",
        f'          python-version: "{PYTHON_VERSION}"',
        "",
        f"      - name: Install {PROG}",
        '        run: python -m pip install "$WIZARD"',
        "",
        *_replay_comments(facts),
        "      - name: Clone pharo-vm and create the plugin branch",
        f"        run: {setup_line}",
        "",
        "      # The VMMaker image depends only on pharo-vm's own Smalltalk, scripts and",
        "      # vmmaker.cmake, hashed here, right after the clone and before the wizard writes",
        "      # the plugin into smalltalksrc. No restore-keys: an image built from other",
        "      # sources would generate C that does not match this checkout. What is cached is",
        "      # the wizard's own image cache: it configures a new build folder to use it (no",
        "      # download, no image build) and loads the plugin's class from the checkout.",
        "      - name: Restore the VMMaker image",
        "        id: vmmaker",
        "        uses: actions/cache/restore@v4",
        "        with:",
        f"          path: {_quoted(CI_CACHE_HOME + '/pharo-plugin-wizard')}",
        "          key: "
        + _quoted(
            f"vmmaker-{facts.plugin}-${{{{ runner.os }}}}-${{{{ runner.arch }}}}-"
            f"${{{{ hashFiles({key_files}) }}}}"
        ),
        "",
        f"      - name: Build {facts.plugin}",
        f"        run: {replay_line}",
        "",
        "      # Saved under the key computed before the build (the plugin's class has changed",
        "      # smalltalksrc since), also when a later step failed, but only once the wizard",
        "      # kept an image (it keeps one only after it generated the VM's C with it).",
        "      - name: Save the VMMaker image",
        "        if: >-",
        "          ${{ !cancelled() && steps.vmmaker.outputs.cache-hit != 'true'",
        f"          && hashFiles({kept}) != '' }}}}",
        "        uses: actions/cache/save@v4",
        "        with:",
        f"          path: {_quoted(CI_CACHE_HOME + '/pharo-plugin-wizard')}",
        "          key: ${{ steps.vmmaker.outputs.cache-primary-key }}",
        "",
        "      # Where pharo-vm's build puts the library (the .so on Linux, the .dylib inside",
        "      # the app on macOS), before and after `make install`.",
        "      - name: Upload the library",
        "        uses: actions/upload-artifact@v4",
        "        with:",
        f"          name: {facts.plugin}-library-${{{{ matrix.os }}}}",
        "          path: |",
        *(f"            {path}" for path in libraries),
        "          if-no-files-found: error",
        "",
        "      # One log per step, and the profile, whose state: records what each step did",
        "      # (and the try table, when the plugin has examples).",
        "      - name: Upload the logs",
        "        if: always()",
        "        uses: actions/upload-artifact@v4",
        "        with:",
        f"          name: {facts.plugin}-logs-${{{{ matrix.os }}}}",
        "          path: |",
        f"            logs/{facts.plugin}/",
        f"            {facts.profile}",
        "          if-no-files-found: warn",
    )


def _replay_options(facts: WorkflowFacts) -> str:
    options = ""
    if facts.iceberg is None:
        options += f" --set build.cmake_options.{ICEBERG}=httpsUrl"
    if facts.trust:
        options += " --trust"
    return options


def _replay_comments(facts: WorkflowFacts) -> list[str]:
    """What the two --replay lines carry beyond the profile, and why (YAML comments)."""
    comments: list[str] = []
    if facts.iceberg is None:
        comments += [
            f"      # The profile does not set {ICEBERG}: the runner has no SSH key for GitHub,",
            "      # so VMMaker's Iceberg must fetch over https (--set, for these runs only).",
        ]
    elif facts.iceberg != "httpsUrl":
        comments += [
            f"      # Note: the profile sets {ICEBERG}={facts.iceberg}; the runner has no SSH",
            "      # key for GitHub, so VMMaker's bootstrap may fail; httpsUrl works in CI.",
        ]
    if facts.trust:
        names = ", ".join(entry.split(" (", 1)[0] for entry in facts.trust)
        comments += [
            f"      # --trust: the profile's cmake options {names} are not plain data:",
            *(f"      #   {entry}" for entry in facts.trust),
            "      # This repository's own profile is replayed here; review changes to those",
            "      # options as you review code.",
        ]
    elif facts.pending:
        comments += [
            f"      # No --trust: {', '.join(facts.pending)} must be switches that pharo-vm",
            "      # declares (option() in its cmake files); the run checks that once cloned.",
        ]
    if facts.bench:
        comments.append("      # The plugin has examples: --bench also times each one in `try`.")
    if facts.local_url:
        comments += [
            f"      # Note: repository.url is a local folder ({facts.local_url});",
            "      # the runner has only this repository, so the clone needs it to be in there.",
        ]
    return comments


def _lines(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./+-]*")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "y", "n", "null"}


def _quoted(text: str) -> str:
    """A YAML scalar for ``text``: plain when that is unambiguous, else double-quoted (JSON)."""
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)  # \u escapes would split astral characters


def _expression_string(text: str) -> str:
    """A string literal of GitHub's expression language (single quotes, doubled inside)."""
    return "'" + text.replace("'", "''") + "'"
