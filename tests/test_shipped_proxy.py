"""``--lint`` before any clone checks interpreterProxy sends against the shipped selectors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fakevm.profiles import write_profile
from tests.helpers import wizard
from wizard.slang.shipped_proxy import DEFAULT_BRANCH, shipped_branches, shipped_proxy

REPO = Path(__file__).resolve().parent.parent
MIRROR = Path("/work/.mirror/pharo-project+pharo-vm/repo")
SHIPPED = REPO / "wizard" / "data" / "proxy_selectors.json"


def test_the_supported_branches_are_shipped_with_their_commits() -> None:
    assert shipped_branches() == ["pharo-9", "pharo-10", "pharo-12"]
    for branch in shipped_branches():
        proxy = shipped_proxy(branch)
        assert proxy.branch == branch and len(proxy.commit) == 40
        assert "stringForCString:" in proxy.selectors
        assert "stringFromCString:" not in proxy.selectors
        assert proxy.selectors["pop:thenPush:"] == 2
        assert "cCoerce:to:" in proxy.selectors  # Slang's own, as on a checkout


def test_an_unknown_or_missing_base_branch_uses_the_default_and_says_so() -> None:
    assert shipped_proxy(None).branch == DEFAULT_BRANCH
    assert "the default" in shipped_proxy(None).describe()
    other = shipped_proxy("my-fork")
    assert other.branch == DEFAULT_BRANCH
    assert "no list is shipped for base_branch my-fork" in other.describe()


@pytest.mark.skipif(not MIRROR.is_dir(), reason="no pharo-vm mirror on this machine")
def test_the_script_regenerates_the_shipped_file_from_pharo_vm(tmp_path: Path) -> None:
    output = tmp_path / "proxy_selectors.json"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "update-proxy-selectors.py"), str(MIRROR),
         "--output", str(output)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert json.loads(output.read_text()) == json.loads(SHIPPED.read_text())


def _article_profile(workspace: Path, base_branch: str | None) -> Path:
    path = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git",
                         base_branch=base_branch)  # fmt: skip
    text = path.read_text()
    for helper in ("self stringFromCString:", "interpreterProxy stringForCString:"):
        text = text.replace(helper, "interpreterProxy stringFromCString:")
    assert "interpreterProxy stringFromCString:" in text
    path.write_text(text)
    return path


@pytest.mark.parametrize("base_branch", ["pharo-10", None])
def test_lint_before_the_clone_reports_the_articles_bug(
    workspace: Path, base_branch: str | None
) -> None:
    path = _article_profile(workspace, base_branch)
    result = wizard("--lint", str(path), cwd=workspace)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "error: interpreterProxy does not understand stringFromCString: "
        "— did you mean stringForCString:?"
    ) in result.stdout
    used = base_branch or DEFAULT_BRANCH
    assert f"checked against the selectors shipped for pharo-vm {used} at" in result.stdout
    assert not (workspace / "pharo-vm").exists()


def test_lint_before_the_clone_passes_the_template(workspace: Path) -> None:
    path = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    result = wizard("--lint", str(path), cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stdout
    assert "pharo-vm pharo-12 at" in result.stdout


def test_the_shipped_helloworld_profile_targets_a_branch_that_configures_offline() -> None:
    from wizard.profile.load import load_profile

    path = REPO / "profiles" / "HelloWorldPlugin.yml"
    profile = load_profile(path)
    assert profile.repository.base_branch in {"pharo-10", "pharo-12"}  # not pharo-9
    result = wizard("--lint", str(path), cwd=REPO)
    assert result.returncode == 0, result.stdout
    assert "0 error(s), 0 warning(s)" in result.stdout
