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
from pathlib import Path

import pytest

from fakevm import SHAPE_BRANCHES, build_fake_pharo_vm
from fakevm.recipes import clone_bare


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than ten seconds")
    # The wizard keeps VMMaker images in $XDG_CACHE_HOME: the session's own, set before any
    # fixture (session-scoped builds too) runs, so no test fills the developer's cache.
    os.environ["XDG_CACHE_HOME"] = _SESSION_CACHE


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
