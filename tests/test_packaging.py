"""What publishing needs: ``python -m build`` makes an sdist and a wheel that install and run.

The wheel is built the way a release is (``python -m build``: the sdist first, then the
wheel from the sdist, so a file the sdist forgets is missing from the wheel too), installed
into a fresh virtual environment with nothing else of this repository, and run there: the
version, the plan, and ``--new`` then ``--lint`` of a plugin, which read the templates and
the shipped proxy selectors from the installed package. Every file of the ``wizard`` and
``screens`` folders must be in the wheel: a data file left out (a Smalltalk script, a
template, the TUI's stylesheet) would only show on a user's machine; and nothing else is:
``fakevm`` (the test repository) and ``tests`` are the repository's, not the user's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from wizard import __version__

REPO = Path(__file__).resolve().parent.parent
#: One worker runs the module, so that ``python -m build`` (the distributions fixture) runs
#: once per run, not once on each worker that gets one of its tests.
pytestmark = pytest.mark.xdist_group("packaging")


def _tracked_package_files() -> set[str]:
    """The files git tracks under ``wizard/`` and ``screens/``: what the wheel must hold."""
    listed = subprocess.run(
        ["git", "ls-files", "wizard", "screens"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return set(listed)


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build`` of this checkout: the folder holding the sdist and the wheel."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the files to expect come from git ls-files")
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    return out


def test_the_sdist_and_the_wheel_are_made(distributions: Path) -> None:
    names = sorted(path.name for path in distributions.iterdir())
    assert names == [
        f"pharo_plugin_wizard-{__version__}-py3-none-any.whl",
        f"pharo_plugin_wizard-{__version__}.tar.gz",
    ]


def test_the_wheel_holds_every_file_of_the_packages(distributions: Path) -> None:
    wheel = next(distributions.glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        held = set(archive.namelist())
    missing = sorted(_tracked_package_files() - held)
    assert missing == [], f"left out of the wheel: {missing}"


def test_the_wheel_holds_nothing_but_the_packages(distributions: Path) -> None:
    # fakevm/ (the test repository the tests and benchmarks build) and tests/ stay out.
    wheel = next(distributions.glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
    assert tops == {"wizard", "screens", f"pharo_plugin_wizard-{__version__}.dist-info"}


@pytest.mark.slow
def test_the_wheel_installs_and_runs_in_a_fresh_venv(distributions: Path, tmp_path: Path) -> None:
    # Nothing of this checkout on the path: the installed package alone answers (with this
    # checkout on PYTHONPATH, pip would even take its egg-info for an installed copy).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], env=env, check=True)
    wheel = next(distributions.glob("*.whl"))
    installed = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    tool = str(venv / "bin" / "pharo-plugin-wizard")
    folder = tmp_path / "plugins"
    folder.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [tool, *args], cwd=folder, env=env, capture_output=True, text=True, check=False
        )

    version = run("--version")
    assert version.returncode == 0 and __version__ in version.stdout
    steps = run("--list-steps")
    assert steps.returncode == 0 and steps.stdout.split()[0] == "clone"
    made = run("--new", "PackagedPlugin", "--template", "library")
    assert made.returncode == 0, made.stderr
    assert (folder / "profiles" / "PackagedPlugin.yml").is_file()
    linted = run("--lint", "profiles/PackagedPlugin.yml")
    assert linted.returncode == 0, linted.stdout + linted.stderr
    located = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import wizard; print(wizard.__file__)"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(venv) in located.stdout, "the wizard ran from this checkout, not the wheel"


def test_the_release_workflow_is_a_valid_github_workflow() -> None:
    workflow = REPO / ".github" / "workflows" / "release.yml"
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = workflow.read_text(encoding="utf-8")
    # It releases what the tests build: the same command, and the tag checked against it.
    assert "python -m build" in text and "__version__" in text
