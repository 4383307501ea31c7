"""``--doctor [PROFILE]``: check this machine for what the build needs (docs/command-line.md).

One line per thing, ``✓`` or ``✗``, and for a ``✗`` what to install or set. The things
are the rows of :mod:`wizard.commands.prerequisites` (the same table the CI workflow installs), each
checked the way the build will meet it: a program on ``PATH``, a header the C compiler
finds (``cc -E`` on ``#include <ffi.h>``), plus free disk space, whether the hosts the build
downloads from resolve (with a short timeout: an offline machine answers in seconds), and,
with a profile, the paths its cmake options name.

Nothing is installed and nothing is written; the exit status is 0 when every line is a
``✓``, 1 otherwise.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wizard.commands.prerequisites import PREREQUISITES, Prerequisite

OK, MISSING = "✓", "✗"
#: cmake's oldest version pharo-vm's CMakeLists.txt accepts.
CMAKE_MINIMUM = (3, 16)
#: What a clone of pharo-vm and one build folder take, with room to spare.
DISK_NEEDED_GIB = 5
#: The hosts the clone and the build download from: GitHub (the clone, VMMaker's Smalltalk
#: dependencies), files.pharo.org (the VMMaker image and the VM that runs it).
HOSTS = ("github.com", "files.pharo.org")
DNS_TIMEOUT = 3.0
#: The header each library row is checked by, as the configure includes it.
HEADERS = {"libffi": "ffi.h", "uuid": "uuid/uuid.h", "OpenSSL headers": "openssl/ssl.h"}
COMPILERS = ("cc", "gcc", "clang")


@dataclass(frozen=True)
class Finding:
    """One line of the report."""

    ok: bool
    name: str
    detail: str

    def line(self) -> str:
        return f"{OK if self.ok else MISSING} {self.name}: {self.detail}"


def install_hint(item: Prerequisite) -> str:
    """What to install for ``item`` on this system, from the prerequisites table."""
    if sys.platform == "darwin":
        if item.brew:
            return f"install: brew install {item.brew}"
        return f"install: xcode-select --install ({item.macos_note})"
    if item.apt:
        return f"install: sudo apt install {item.apt}"
    return f"install {item.name}"


def _run(argv: list[str], text_input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, input=text_input, capture_output=True, text=True, timeout=30, check=False
    )


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def check_git(item: Prerequisite) -> Finding:
    if not shutil.which("git"):
        return Finding(False, "git", f"not found on PATH — {install_hint(item)}")
    return Finding(True, "git", _first_line(_run(["git", "--version"]).stdout))


def check_cmake(item: Prerequisite) -> Finding:
    if not shutil.which("cmake"):
        return Finding(False, "cmake", f"not found on PATH — {install_hint(item)}")
    version_line = _first_line(_run(["cmake", "--version"]).stdout)
    match = re.search(r"(\d+)\.(\d+)", version_line)
    version = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    wanted = ".".join(map(str, CMAKE_MINIMUM))
    if version < CMAKE_MINIMUM:
        return Finding(
            False, "cmake", f"{version_line}; {wanted} or newer needed — {install_hint(item)}"
        )
    return Finding(True, "cmake", f"{version_line} ({wanted} or newer needed)")


def check_make(item: Prerequisite) -> Finding:
    found = [tool for tool in ("make", "ninja") if shutil.which(tool)]
    if not found:
        return Finding(False, "make", f"neither make nor ninja on PATH — {install_hint(item)}")
    return Finding(True, "make", f"{' and '.join(found)} found")


def compiler() -> str | None:
    """The C compiler the build would find first."""
    return next((tool for tool in COMPILERS if shutil.which(tool)), None)


def check_compiler(item: Prerequisite) -> Finding:
    found = compiler()
    if found is None:
        return Finding(
            False, "C compiler", f"none of {', '.join(COMPILERS)} on PATH — {install_hint(item)}"
        )
    return Finding(True, "C compiler", f"{found}: {_first_line(_run([found, '--version']).stdout)}")


def check_header(item: Prerequisite) -> Finding:
    header = HEADERS[item.name]
    cc = compiler()
    if cc is None:
        return Finding(
            False, item.name, f"<{header}> not checked: no C compiler — {install_hint(item)}"
        )
    result = _run([cc, "-E", "-x", "c", "-", "-o", "/dev/null"], f"#include <{header}>\n")
    if result.returncode != 0:
        return Finding(False, item.name, f"{cc} cannot find <{header}> — {install_hint(item)}")
    return Finding(True, item.name, f"<{header}> found by {cc}")


CHECKS: dict[str, Callable[[Prerequisite], Finding]] = {
    "git": check_git,
    "cmake": check_cmake,
    "make": check_make,
    "C compiler": check_compiler,
    "libffi": check_header,
    "uuid": check_header,
    "OpenSSL headers": check_header,
}


def check_disk(folder: Path) -> Finding:
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    free = shutil.disk_usage(existing).free / 2**30
    detail = (
        f"{free:.1f} GiB free in {existing} ({DISK_NEEDED_GIB} GiB needed for a clone and a build)"
    )
    if free < DISK_NEEDED_GIB:
        return Finding(False, "disk space", f"{detail} — free some space or use another workspace")
    return Finding(True, "disk space", detail)


def resolves(host: str, timeout: float = DNS_TIMEOUT) -> str | None:
    """None when ``host`` resolves within ``timeout`` seconds, else why not."""
    answer: list[str | None] = []

    def ask() -> None:
        try:
            socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
            answer.append(None)
        except OSError as error:
            answer.append(str(error))

    thread = threading.Thread(target=ask, daemon=True)  # getaddrinfo has no timeout of its own
    thread.start()
    thread.join(timeout)
    return answer[0] if answer else f"no answer within {timeout:g} s"


def check_host(host: str) -> Finding:
    problem = resolves(host)
    if problem is not None:
        return Finding(
            False,
            host,
            f"does not resolve ({problem}) — check the network or proxy; offline, see "
            "docs/offline.md",
        )
    return Finding(True, host, "resolves")


def check_profile_paths(profile_path: Path) -> list[Finding]:
    from wizard.profile.load import load_profile
    from wizard.profile.option_paths import PATH_OPTIONS, option_paths

    profile = load_profile(profile_path)
    findings = []
    for entry in option_paths(profile):
        what = (
            f"{entry.value} exists" if entry.problem is None else f"{entry.value} {entry.problem}"
        )
        if entry.problem is not None:
            what += f" — set it to {PATH_OPTIONS[entry.name]} (docs/offline.md)"
        findings.append(Finding(entry.problem is None, f"build.cmake_options.{entry.name}", what))
    if not findings:
        names = " or ".join(PATH_OPTIONS)
        findings.append(Finding(True, "cmake options", f"{profile_path} names no {names}"))
    return findings


def check_image_cache() -> list[Finding]:
    """What the wizard's VMMaker image cache holds: a line for the cache, one per image.

    Never a ✗: an empty cache is filled by the first build with network.
    """
    from wizard.vm.vmmaker_cache import cache_root, entries

    root = cache_root()
    held = entries(root)
    if not held:
        detail = f"{root} is empty: the first build with network keeps its VMMaker image there"
        return [Finding(True, "VMMaker image cache", detail)]
    sizes = [entry.size() for entry in held]
    lines = [
        Finding(
            True,
            "VMMaker image cache",
            f"{root} holds {len(held)} image(s), {sum(sizes) / 2**20:.0f} MB; a build folder "
            "whose checkout has the same key uses one instead of downloading",
        )
    ]
    for entry, size in zip(held, sizes, strict=True):
        base = entry.facts.get("base_branch", "?")
        made = entry.facts.get("made", "?")
        lines.append(
            Finding(
                True,
                f"VMMaker image {entry.key}",
                f"{size / 2**20:.0f} MB, base branch {base}, made {made}",
            )
        )
    return lines


def doctor(profile_path: Path | None) -> list[Finding]:
    """Every finding, in the order of the report."""
    findings = [CHECKS[item.name](item) for item in PREREQUISITES]
    workspace = Path.cwd()
    extra: list[Finding] = []
    if profile_path is not None:
        from wizard.profile.load import load_profile

        workspace = load_profile(profile_path).workspace_dir
        extra = check_profile_paths(profile_path)
    findings.append(check_disk(workspace))
    findings.extend(check_host(host) for host in HOSTS)
    return findings + check_image_cache() + extra


def doctor_command(profile_path: Path | None) -> int:
    """``--doctor [PROFILE]``: print one line per finding; 0 when all are ✓, else 1."""
    findings = doctor(profile_path)
    for finding in findings:
        print(finding.line())
    missing = sum(1 for finding in findings if not finding.ok)
    print(f"{missing} missing" if missing else "everything the build needs is here")
    sys.stdout.flush()
    return 1 if missing else 0
