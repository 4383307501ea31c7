"""``generate`` without network, and path options checked before anything runs (issue 18, 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakevm.profiles import write_profile
from tests.helpers import tree_snapshot, wizard
from wizard.vm.download_failures import download_failure, download_failures

OFFLINE_LOG = Path(__file__).parent / "data" / "cmake-download-offline.log"
STABLE_VM = "https://files.pharo.org/vm/pharo-spur64/Linux-x86_64/stable.zip"


def test_a_repeated_download_failure_is_one_failure_naming_the_host() -> None:
    # real output of cmake's download script, six attempts of one URL
    assert OFFLINE_LOG.read_text().count("status_code: 6") == 6
    failures = download_failures(OFFLINE_LOG)
    assert [(f.url, f.host, f.status_code) for f in failures] == [(STABLE_VM, "files.pharo.org", 6)]
    failure = download_failure(failures)
    assert failure.message == (
        "could not download from files.pharo.org (Couldn't resolve host name, curl status 6)"
    )
    assert "docs/offline.md" in (failure.hint or "")


def test_a_log_without_downloads_has_no_download_failure(tmp_path: Path) -> None:
    log = tmp_path / "generate.log"
    log.write_text("make: *** [Makefile:1: all] Error 2\n")
    assert download_failures(log) == []


# generate without network end to end: tests/test_offline_downloads.py (the hosts are
# checked before make runs, so cmake's 85 s of retries are never reached).


@pytest.mark.parametrize("option", ["VMMAKER_IMAGE", "GENERATE_PHARO_VM"])
def test_a_missing_path_option_is_refused_before_anything_runs(fake_origin, workspace, option):
    missing = str(workspace / "nowhere" / "thing")
    profile = write_profile(workspace, fake_origin, cmake_options={option: missing})
    before = tree_snapshot(workspace)
    result = wizard("--replay", str(profile), "--trust", cwd=workspace)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"build.cmake_options.{option}: {missing} does not exist" in result.stderr
    assert result.stdout == ""
    assert tree_snapshot(workspace) == before  # no clone, no log, nothing


def test_an_existing_path_option_passes_the_check(fake_origin, workspace):
    image = workspace / "VMMaker.image"
    image.write_bytes(b"image")
    profile = write_profile(workspace, fake_origin, cmake_options={"VMMAKER_IMAGE": str(image)})
    result = wizard("--replay", str(profile), "--until", "clone", "--trust", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
