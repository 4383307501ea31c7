"""Offline: the hosts a step downloads from are checked first, and every download failure
cmake prints is read as one failure naming the host.

The logs in ``tests/data`` were printed by the real cmake 3.25 (and curl) on a machine
without network, each with a first line saying how. ``.invalid`` names never resolve
(RFC 2606), with or without network.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import headers, wizard
from wizard.errors import StepFailed
from wizard.vm.download_failures import download_failure, download_failures
from wizard.vm.download_hosts import (
    Downloads,
    check_downloads,
    cmake_true,
    configure_downloads,
    generate_downloads,
    hosts_in,
    proxy_host,
)

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("log", "host", "url", "reason"),
    [
        (
            "cmake-configure-git-clone-offline.log",
            "github.com",
            "https://github.com/libssh2/libssh2.git",
            "Could not resolve host: github.com",
        ),
        (
            "cmake-build-git-clone-offline.log",
            "github.com",
            "https://github.com/libssh2/libssh2.git",
            "Could not resolve host: github.com",
        ),
        (
            "cmake-configure-archive-offline.log",
            "files.pharo.org",
            "https://files.pharo.org/vm/pharo-spur64/linux64/third-party/pixman-0.40.0.zip",
            "Couldn't resolve host name, curl status 6",
        ),
        (
            "cmake-file-download-offline.log",
            "files.pharo.org",
            "files.pharo.org",
            "Couldn't resolve host name, curl status 6",
        ),  # fmt: skip
        (
            "curl-offline.log",
            "files.pharo.org",
            "files.pharo.org",
            "Could not resolve host: files.pharo.org",
        ),  # fmt: skip
    ],
)
def test_each_kind_of_download_failure_is_one_failure_naming_the_host(log, host, url, reason):
    failures = download_failures(DATA / log)
    assert [(f.host, f.url) for f in failures] == [(host, url)]
    failure = download_failure(failures)
    assert failure.message == f"could not download from {host} ({reason})"
    assert "docs/offline.md" in (failure.hint or "")


def test_a_build_log_without_a_download_is_not_a_download_failure(tmp_path: Path) -> None:
    log = tmp_path / "compile.log"
    log.write_text(
        "foo.c:3:1: error: unknown type name 'sqInt'\n"
        "gmake: *** [Makefile:91: all] Error 2\n"
        '-- Looking for 0;"ok" in a status line that is fine\n'
    )
    assert download_failures(log) == []


# --------------------------------------------------------------------------- which hosts


BUNDLE = """\
function(fetch_libssh2)
  fetch_now(LibSSH2 GIT_REPOSITORY https://github.com/libssh2/libssh2.git GIT_TAG 1.10)
endfunction()
set(BASE_URL "https://files.example.org/third-party/")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://pharo.org")
# an old mirror: URL https://old.example.org/x.zip
file(DOWNLOAD https://archives.example.org/a.zip ${CMAKE_BINARY_DIR}/a.zip)
"""


def checkout_with(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_the_hosts_are_read_from_download_lines_only() -> None:
    assert hosts_in([BUNDLE]) == ["github.com", "files.example.org", "archives.example.org"]


def test_configure_downloads_only_with_the_bundle_on(tmp_path: Path) -> None:
    checkout = checkout_with(
        tmp_path,
        {"CMakeLists.txt": "project(x)\n", "cmake/importSSH.cmake": BUNDLE,
         "cmake/vmmaker.cmake": "set(VM_URL https://vm.example.org/vm.zip)\n"},
    )  # fmt: skip
    found = configure_downloads(checkout, {})
    assert found is not None
    assert found.hosts == ("github.com", "files.example.org", "archives.example.org")
    assert configure_downloads(checkout, {"BUILD_BUNDLE": "ON"}) == found
    for off in ("OFF", "false", "0", "no"):
        assert configure_downloads(checkout, {"BUILD_BUNDLE": off}) is None


def test_generate_downloads_follow_pharo_vms_options(tmp_path: Path) -> None:
    checkout = checkout_with(
        tmp_path,
        {
            "cmake/vmmaker.cmake": "set(VM_URL https://vm.example.org/vm.zip)\n"
            "  URL https://images.example.org/Pharo.zip\n",
            "smalltalksrc/BaselineOfVMMaker/BaselineOfVMMaker.class.st": (
                "spec repository: 'github://pharo-project/pharo-unicorn:unicorn2'"
            ),
        },
    )
    everything = generate_downloads(checkout, {}, has_image=False, has_vm=False)
    assert everything is not None
    assert everything.hosts == ("vm.example.org", "images.example.org", "github.com")
    no_image = {"GENERATE_VMMAKER": "OFF"}
    vm_only = generate_downloads(checkout, no_image, has_image=False, has_vm=False)
    assert vm_only is not None and vm_only.what == "the VM that runs VMMaker"
    given = {**no_image, "GENERATE_PHARO_VM": "/opt/pharo/pharo"}
    assert generate_downloads(checkout, given, has_image=False, has_vm=False) is None
    assert generate_downloads(checkout, {}, has_image=True, has_vm=True) is None
    assert generate_downloads(checkout, {"GENERATE_SOURCES": "OFF"}, False, False) is None


def test_cmake_truth() -> None:
    assert cmake_true(None, default=True) and not cmake_true(None, default=False)
    assert all(cmake_true(v, default=False) for v in ("ON", "1", "yes", "TRUE", "/a/path"))
    assert not any(cmake_true(v, default=True) for v in ("OFF", "0", "", "x-NOTFOUND", "n"))


# --------------------------------------------------------------------------- proxies


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"https_proxy": "http://proxy.corp:3128"}, "proxy.corp"),
        ({"HTTPS_PROXY": "proxy.corp:3128"}, "proxy.corp"),
        ({"ALL_PROXY": "socks5://socks.corp:1080"}, "socks.corp"),
        ({"https_proxy": "http://proxy.corp:3128", "no_proxy": "github.com"}, None),
        ({"https_proxy": "http://proxy.corp:3128", "NO_PROXY": ".github.com"}, None),
        ({"https_proxy": "http://proxy.corp:3128", "no_proxy": "pharo.org"}, "proxy.corp"),
        ({"http_proxy": "http://plain.corp:80"}, None),  # not used for https
    ],
)
def test_the_proxy_is_the_host_to_resolve(environ, expected) -> None:
    assert proxy_host("github.com", environ) == expected


def test_a_host_that_does_not_resolve_fails_in_one_line_naming_it() -> None:
    downloads = Downloads("generate", "the Pharo image", ("localhost", "files.pharo.invalid"))
    with pytest.raises(StepFailed) as caught:
        check_downloads(downloads, environ={})
    message = caught.value.message
    assert message.startswith("files.pharo.invalid does not resolve (")
    assert "; offline, see docs/offline.md" in message
    assert "\n" not in message
    check_downloads(Downloads("generate", "x", ("localhost",)), environ={})  # resolves
    check_downloads(None, environ={})  # nothing to download: nothing asked


def test_with_a_proxy_the_proxy_is_checked_not_the_host() -> None:
    proxy = {"https_proxy": "http://proxy.corp.invalid:3128"}
    with pytest.raises(StepFailed) as caught:
        check_downloads(Downloads("configure", "x", ("localhost",)), environ=proxy)
    assert caught.value.message.startswith("the proxy proxy.corp.invalid (for localhost) ")
    bypassed = {**proxy, "no_proxy": "localhost"}
    check_downloads(Downloads("configure", "x", ("localhost",)), environ=bypassed)


# --------------------------------------------------------------------------- the steps


BUNDLED_DOWNLOAD = """
# A third-party archive fetched while cmake configures, only with the bundle (as pharo-vm's)
if(BUILD_BUNDLE)
  file(DOWNLOAD https://files.pharo.invalid/third-party/pixman.zip ${CMAKE_BINARY_DIR}/p.zip)
endif()
"""


def test_configure_with_the_bundle_fails_before_cmake_runs(built_workspace):
    built = built_workspace(until="commit")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    with (workspace / "pharo-vm" / "CMakeLists.txt").open("a") as stream:
        stream.write(BUNDLED_DOWNLOAD)
    result = wizard("--replay", str(profile), "--until", "configure", cwd=workspace)
    assert result.returncode == 1
    assert headers(result.stdout)[-1] == ("configure", "FAILED")
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED:")]
    assert failed == [
        "FAILED: configure: files.pharo.invalid does not resolve ("
        + failed[0].split(" does not resolve (", 1)[1]
    ]
    assert "docs/offline.md" in failed[0]
    assert not (workspace / "build" / "CMakeCache.txt").exists()  # cmake never ran
    offline = wizard(
        "--replay", str(profile), "--until", "configure",
        "--set", "build.cmake_options.BUILD_BUNDLE=false", cwd=workspace,
    )  # fmt: skip
    assert offline.returncode == 0, offline.stdout[-2000:]


def test_generate_fails_before_make_when_the_image_host_does_not_resolve(built_workspace):
    built = built_workspace(until="configure")
    workspace, profile, result = built.workspace, built.profile, built.first
    assert result.returncode == 0, result.stdout[-2000:]
    with (workspace / "pharo-vm" / "cmake" / "vmmaker.cmake").open("a") as stream:
        stream.write(
            "\ninclude(ExternalProject)\n"
            "ExternalProject_Add(get_vm URL https://files.pharo.invalid/stable.zip\n"
            '    CONFIGURE_COMMAND "" BUILD_COMMAND "" INSTALL_COMMAND "")\n'
        )
    result = wizard("--replay", str(profile), "--until", "generate", cwd=workspace)
    assert result.returncode == 1
    summary = result.stdout.split("FAILED: generate:", 1)[1]
    assert summary.startswith(" files.pharo.invalid does not resolve (")
    assert "generate downloads the Pharo image" in summary
    log = (workspace / "logs" / "HelloWorldPlugin" / "generate.log").read_text()
    assert "cmake --build" not in log  # make never ran
