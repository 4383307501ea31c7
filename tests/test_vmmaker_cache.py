"""The VMMaker image cache (offline after one online build) on the test repository.

The test double is the repository's VMMaker stand-in, which logs every run to
``vmmaker-standin-record.jsonl`` next to the image folder it ran in: in the build folder
(``<B>/build/vmmaker``) for an image the build made, in the cache entry for a cached one.
cmake, make, git and the compiler are real.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from fakevm.profiles import write_profile
from fakevm.recipes import exported_symbols
from tests.helpers import wizard
from wizard.vm.vmmaker_cache import cache_root, entries, is_cache_path

LIBRARY = "build/build/vm/libHelloWorldPlugin.so"
OWN_RECORD = "build/build/vmmaker/vmmaker-standin-record.jsonl"
EXTRA = """primitiveAnswerSeventeen
\t<export: true>
\tinterpreterProxy pop: 1 thenPush: (interpreterProxy integerObjectOf: 17)
"""


def commands(record: Path) -> list[str]:
    if not record.is_file():
        return []
    return [json.loads(line)["command"] for line in record.read_text().splitlines()]


def build(workspace: Path, profile: Path) -> str:
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return result.stdout


@pytest.mark.slow
def test_a_second_workspace_and_rm_build_never_build_the_image(
    built_workspace, fake_origin, tmp_path
):
    built = built_workspace("pharo-12")  # a first workspace, built, with its own image cache
    first = built.workspace
    assert built.first.returncode == 0
    assert "install-vmmaker" in commands(first / OWN_RECORD)  # the first build made the image
    [entry] = entries(cache_root())
    assert str(entry.folder).startswith(str(built.cache))
    assert (entry.folder / "image" / "VMMaker.image").is_file()
    assert sorted(p.name for p in (entry.folder / "image").glob("Pharo*.image"))  # for try
    assert entry.facts["base_branch"] == "pharo-12"

    # another workspace, same base branch; its plugin has one more primitive than the
    # class the cached image holds: the checkout's class must win
    second = tmp_path / "second"
    second.mkdir()
    profile = with_extra_primitive(write_profile(second, fake_origin))
    output = build(second, profile)
    assert "using the VMMaker image kept from an earlier build" in output
    assert commands(second / OWN_RECORD) == []  # no image build, no download in this folder
    assert not (second / "build/build/vmmaker/image").exists()
    cached = commands(entry.folder / "vmmaker-standin-record.jsonl")
    assert "install-vmmaker" not in cached and "unzip-image" not in cached
    assert cached[:2] == ["generate", "regenerate-plugin"]
    assert "primitiveAnswerSeventeen" in exported_symbols(second / LIBRARY)

    # rm -rf build, then a run: the image is not built either
    shutil.rmtree(second / "build")
    build(second, profile)
    assert commands(second / OWN_RECORD) == []
    assert "install-vmmaker" not in commands(entry.folder / "vmmaker-standin-record.jsonl")
    assert "primitiveAnswerSeventeen" in exported_symbols(second / LIBRARY)
    assert len(entries(cache_root())) == 1  # nothing added: the key did not change


def with_extra_primitive(profile: Path) -> Path:
    data = yaml.safe_load(profile.read_text())
    data["plugin"]["methods"].append({"protocol": "primitives", "source": EXTRA})
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return profile


@pytest.mark.slow
def test_single_pass_uses_the_cache_too(built_workspace, fake_origin, tmp_path):
    # a first workspace, built, with its own image cache
    assert built_workspace("pharo-12", "single-pass").first.returncode == 0
    second = tmp_path / "second"
    second.mkdir()
    [entry] = entries(cache_root())
    profile = with_extra_primitive(write_profile(second, fake_origin, mode="single-pass"))
    configured = wizard("--replay", str(profile), "--until", "configure", cwd=second)
    assert "using the VMMaker image kept from an earlier build" in configured.stdout
    plan = wizard("--replay", str(profile), "--dry-run", cwd=second).stdout
    configure_plan = plan.split("configure:", 1)[1].split("==>", 1)[0]
    assert "would skip: already done (configured from this checkout with these options)" in (
        configure_plan  # the cache's options count as wanted: no configure again
    )
    compile_plan = plan.split("compile:", 1)[1]
    assert "--target generate-sources" in compile_plan
    assert "regenerate-plugin.st" in compile_plan
    build(second, profile)
    assert commands(second / OWN_RECORD) == []
    cached = commands(entry.folder / "vmmaker-standin-record.jsonl")
    assert cached == ["generate", "regenerate-plugin"]
    assert "primitiveAnswerSeventeen" in exported_symbols(second / LIBRARY)


def test_only_complete_entries_of_the_cache_are_cache_paths(tmp_path, own_cache):
    root = cache_root()
    entry = root / "linux-x86_64-0123456789abcdef0123"
    (entry / "vm").mkdir(parents=True)
    (entry / "vm" / "pharo").write_text("vm")
    assert not is_cache_path(str(entry / "vm" / "pharo"))  # no entry.json: not complete
    (entry / "entry.json").write_text("{}")
    assert is_cache_path(str(entry / "vm" / "pharo"))
    assert is_cache_path(str(root / ".." / "vmmaker" / entry.name / "vm" / "pharo"))
    assert not is_cache_path(str(root / entry.name / ".." / ".." / "elsewhere"))
    assert not is_cache_path(str(tmp_path / "pharo"))
    link = tmp_path / "link"
    link.symlink_to(tmp_path)
    assert not is_cache_path(str(link / "pharo"))


def test_trust_knows_the_cache(own_cache):
    from wizard.profile.trust import is_wizard_cache_path

    entry = cache_root() / "linux-x86_64-00000000000000000000"
    (entry / "vm").mkdir(parents=True)
    (entry / "vm" / "pharo").write_text("vm")
    (entry / "entry.json").write_text("{}")
    assert is_wizard_cache_path(str(entry / "vm" / "pharo"))
    assert not is_wizard_cache_path("/usr/bin/sh")
