"""Shared fixtures: the test repository shaped like pharo-vm, and an empty workspace.

The repository (built by the ``fakevm`` package, at the repository root) is built once per
session with the real git; tests clone it with the real git and build it with the real
cmake, make and C compiler.  Its two test doubles, the VMMaker stand-in and the VM
stand-in, stand where a Pharo image would be needed (see ``fakevm/__init__.py``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from fakevm import ALL_BRANCHES, SHAPE_BRANCHES, build_fake_pharo_vm
from fakevm.recipes import clone_bare
from tests.hypothesis_counts import PROFILE as HYPOTHESIS_PROFILE
from tests.shared_builds import Built, PlainBuild, SharedBuilds


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than ten seconds")
    # The wizard keeps VMMaker images in $XDG_CACHE_HOME: the session's own, set before any
    # fixture (session-scoped builds too) runs, so no test fills the developer's cache.
    os.environ["XDG_CACHE_HOME"] = _SESSION_CACHE


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test that restores a shared build joins the xdist group of its base branch (the
    signal tests' held builds have a group of their own), so that with ``--dist loadgroup``
    one worker makes each build and every test of it reuses it (xdist hands out the largest
    groups first); then the slow modules are put first."""
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        branch = _shared_build_branch(item)
        if branch is not None:
            item.add_marker(pytest.mark.xdist_group(f"build-{branch}"))
        elif "held_builds" in getattr(item, "fixturenames", ()):  # tests/reliability's
            item.add_marker(pytest.mark.xdist_group("held-builds"))
    # Long tests first, so that the run does not end with one worker on a long test while
    # the other has nothing left: the modules that hold a test marked slow go first, whole
    # (a module's fixtures are made once), each in its own order.
    slow_modules = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_modules)


def _shared_build_branch(item: pytest.Item) -> str | None:
    """The base branch a test's shared build is on, as its parameters say (else pharo-12;
    a test on another branch says so with its own ``xdist_group`` mark)."""
    if not {"built_workspace", "plain_build"} & set(getattr(item, "fixturenames", ())):
        return None
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    if params.get("layout_branch") in LAYOUT_BRANCHES:
        return LAYOUT_BRANCHES[params["layout_branch"]]
    if params.get("branch") in ALL_BRANCHES:
        return params["branch"]
    return "pharo-12"


def pytest_report_header(config: pytest.Config) -> str:
    return f"hypothesis profile: {HYPOTHESIS_PROFILE} (HYPOTHESIS_PROFILE=ci: every example)"


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


_SESSION_CACHE = tempfile.mkdtemp(prefix="pharo-plugin-wizard-tests-cache-")


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own ``XDG_CACHE_HOME``: a test neither uses nor fills another test's
    VMMaker image cache (the session's own serves the session-scoped builds)."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture(scope="session")
def fake_origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test repository (non-bare; HEAD pharo-10), shared by the session: clone, never edit."""
    return build_fake_pharo_vm(tmp_path_factory.mktemp("fakevm") / "pharo-vm")


@pytest.fixture
def fake_pharo_vm_url(fake_origin: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A bare clone of the test repository of this test's own, to clone from (or push to)."""
    return str(clone_bare(fake_origin, tmp_path_factory.mktemp("origin") / "pharo-vm.git"))


@pytest.fixture(scope="session")
def shared_builds(fake_origin: Path, tmp_path_factory: pytest.TempPathFactory) -> SharedBuilds:
    """The builds of this worker that tests share (``tests/shared_builds.py``)."""
    return SharedBuilds(fake_origin, tmp_path_factory.mktemp("shared-builds"))


@pytest.fixture
def built_workspace(shared_builds: SharedBuilds, monkeypatch: pytest.MonkeyPatch):
    """``built_workspace(branch, mode, until=None)``: a workspace whose profile (from
    ``write_profile``) went through ``--replay [--until STEP]``, made once per worker and
    restored afresh for this test at the path it was built at, with its own image cache as
    ``XDG_CACHE_HOME`` (what this test's first run would have filled)."""

    def restore(
        branch: str | None = "pharo-12", mode: str = "two-pass", until: str | None = None
    ) -> Built:
        built = shared_builds.restore(branch, mode, until)
        monkeypatch.setenv("XDG_CACHE_HOME", str(built.cache))
        return built

    return restore


@pytest.fixture
def plain_build(shared_builds: SharedBuilds) -> Callable[[str], PlainBuild]:
    """``plain_build(branch)``: the test repository's branch cloned, configured and built
    by hand (``make install``), made once per worker and restored afresh for this test at
    the path it was built at; with what the configure and the build printed."""
    return shared_builds.plain


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """An empty folder for a plugin's workspace."""
    folder = tmp_path / "workspace"
    folder.mkdir()
    return folder


#: A base branch of the test repository per shape of pharo-vm (docs/layouts.md):
#: 2024 (root plugins.cmake), 2025 (cmake/plugins.cmake), 2026 (the 2025 build files,
#: PharoVMMaker in package VMMaker with its list over three lines, NewFilePlugin).
LAYOUT_BRANCHES = dict(SHAPE_BRANCHES)


@pytest.fixture(params=sorted(LAYOUT_BRANCHES), ids=lambda year: f"layout-{year}")
def layout_branch(request: pytest.FixtureRequest) -> str:
    """The base branch of one shape: each test that takes it runs once per shape."""
    return LAYOUT_BRANCHES[request.param]
