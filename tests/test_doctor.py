"""``--doctor [PROFILE]`` (docs/command-line.md, "Doctor"): one ✓/✗ line per thing the
build needs.

The tools are hidden by running the wizard with a ``PATH`` of our own that links only some
of them. This machine has no network, so the host lines may be ✗: the test accepts either
and checks their form.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

from fakevm.profiles import write_profile
from tests.helpers import wizard

LINE = re.compile(r"^(?P<mark>[✓✗]) (?P<name>[^:]+): (?P<detail>.+)$")
TOOLS = ("git", "cmake", "make", "cc", "gcc")
THINGS = ["git", "cmake", "make", "C compiler", "libffi", "uuid", "OpenSSL headers",
          "disk space", "github.com", "files.pharo.org", "VMMaker image cache"]  # fmt: skip


def _report(stdout: str) -> dict[str, tuple[str, str]]:
    lines = stdout.strip().splitlines()
    found = {}
    for line in lines[:-1]:
        match = LINE.match(line)
        assert match, f"not a doctor line: {line!r}"
        found[match.group("name")] = (match.group("mark"), match.group("detail"))
    return found


def _path_with(tmp_path: Path, tools: tuple[str, ...]) -> str:
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in tools:
        (folder / tool).symlink_to(shutil.which(tool))
    return str(folder)


def test_every_thing_the_build_needs_has_one_line(tmp_path):
    result = wizard("--doctor", cwd=tmp_path)
    report = _report(result.stdout)
    assert list(report) == THINGS
    for tool in ("git", "cmake", "make", "C compiler"):
        assert report[tool][0] == "✓", report[tool]
    assert re.match(r"cmake version \d+\.\d+", report["cmake"][1])
    assert "GiB free" in report["disk space"][1]
    for host in ("github.com", "files.pharo.org"):
        mark, detail = report[host]
        assert (mark, detail) == ("✓", "resolves") or (
            mark == "✗" and detail.startswith("does not resolve") and "docs/offline.md" in detail
        )
    missing = sum(1 for mark, _ in report.values() if mark == "✗")
    assert result.returncode == (1 if missing else 0)
    assert result.stdout.strip().splitlines()[-1] == (
        f"{missing} missing" if missing else "everything the build needs is here"
    )


def test_a_hidden_tool_is_a_cross_with_what_to_install(tmp_path):
    path = _path_with(tmp_path, tuple(t for t in TOOLS if t != "cmake"))
    result = wizard("--doctor", cwd=tmp_path, env={"PATH": path})
    assert result.returncode == 1
    report = _report(result.stdout)
    assert report["cmake"] == ("✗", "not found on PATH — install: sudo apt install cmake")
    assert report["git"][0] == "✓"


def test_without_a_compiler_the_headers_are_not_claimed(tmp_path):
    path = _path_with(tmp_path, ("git", "cmake", "make"))
    result = wizard("--doctor", cwd=tmp_path, env={"PATH": path})
    assert result.returncode == 1
    report = _report(result.stdout)
    assert report["C compiler"][0] == "✗" and "sudo apt install gcc" in report["C compiler"][1]
    assert report["libffi"][0] == "✗" and "not checked: no C compiler" in report["libffi"][1]


def test_with_a_profile_the_paths_it_names_are_checked(workspace):
    vm = workspace / "pharo"
    vm.write_text("#!/bin/sh\n")
    vm.chmod(0o755)
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git",
                            cmake_options={"VMMAKER_IMAGE": "/nowhere/VMMaker.image",
                                           "GENERATE_PHARO_VM": str(vm)})  # fmt: skip
    result = wizard("--doctor", str(profile), cwd=workspace)
    assert result.returncode == 1
    report = _report(result.stdout)
    mark, detail = report["build.cmake_options.VMMAKER_IMAGE"]
    assert mark == "✗" and detail.startswith("/nowhere/VMMaker.image does not exist")
    assert report["build.cmake_options.GENERATE_PHARO_VM"] == ("✓", f"{vm} exists")


def test_doctor_does_not_need_the_tools_it_checks(tmp_path):
    # an empty PATH: the wizard itself still runs (sys.executable is absolute) and reports
    result = wizard("--doctor", cwd=tmp_path, env={"PATH": str(tmp_path)})
    assert result.returncode == 1, result.stderr
    assert os.path.isabs(sys.executable)
    assert all(_report(result.stdout)[t][0] == "✗" for t in ("git", "cmake", "make"))


def test_the_image_cache_is_reported_with_each_image(tmp_path, own_cache):
    report = _report(wizard("--doctor", cwd=tmp_path).stdout)
    mark, detail = report["VMMaker image cache"]
    assert mark == "✓" and detail.endswith(
        "is empty: the first build with network keeps its VMMaker image there"
    )
    assert detail.startswith(str(own_cache / "pharo-plugin-wizard" / "vmmaker"))
    entry = own_cache / "pharo-plugin-wizard" / "vmmaker" / "linux-x86_64-00112233445566778899"
    (entry / "image").mkdir(parents=True)
    (entry / "image" / "VMMaker.image").write_bytes(b"i" * 3 * 2**20)
    (entry / "vm").mkdir()
    (entry / "vm" / "pharo").write_text("vm")
    half = own_cache / "pharo-plugin-wizard" / "vmmaker" / ".linux-x86_64-0011.123.partial"
    (half / "image").mkdir(parents=True)  # a copy cut short: not an image of the cache
    (entry / "entry.json").write_text(
        json.dumps({"base_branch": "pharo-12", "made": "2026-12-07T01:00:00+00:00"})
    )
    report = _report(wizard("--doctor", cwd=tmp_path).stdout)
    assert report["VMMaker image cache"][1].split(" holds ")[1].startswith("1 image(s), 3 MB")
    assert report[f"VMMaker image {entry.name}"] == (
        "✓",
        "3 MB, base branch pharo-12, made 2026-12-07T01:00:00+00:00",
    )
