"""The Slang loop (docs/slang-loop.md) on the test repository, with the real cmake, make
and C compiler.

The test doubles are the repository's stand-ins for the VM that runs VMMaker
(``<B>/build/vmmaker/vm/pharo``) and for VMMaker itself (``scripts/vmmaker-standin.py``),
which records each run in ``<B>/build/vmmaker/vmmaker-standin-record.jsonl``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from fakevm import SHAPE_BRANCHES
from fakevm.profiles import write_profile
from fakevm.recipes import exported_symbols
from tests.helpers import headers, wizard
from tests.shared_builds import backdate

LIBRARY = "build/build/vm/libHelloWorldPlugin.so"
INSTALLED = "build/build/dist/lib/libHelloWorldPlugin.so"
GENERATED = "build/generated/64/plugins/src/HelloWorldPlugin/HelloWorldPlugin.c"
RECORD = "build/build/vmmaker/vmmaker-standin-record.jsonl"
CORE_OBJECTS = "build/CMakeFiles/PharoVMCore.dir"

#: The base branch of each shape of pharo-vm (2024, 2025, 2026), and the test ids.
SHAPES = [SHAPE_BRANCHES[year] for year in sorted(SHAPE_BRANCHES)]
SHAPE_IDS = [f"layout-{year}" for year in sorted(SHAPE_BRANCHES)]

NEW_PRIMITIVE = """primitiveAnswerSeventeen
\t<export: true>
\tinterpreterProxy pop: 1 thenPush: (interpreterProxy integerObjectOf: 17)
"""


def records(workspace: Path) -> list[dict]:
    lines = (workspace / RECORD).read_text().splitlines()
    return [json.loads(line) for line in lines]


def objects(workspace: Path) -> dict[str, int]:
    """Every object file of the VM core with its mtime (ns)."""
    found = {str(p): p.stat().st_mtime_ns for p in (workspace / CORE_OBJECTS).rglob("*.o")}
    assert found, "the VM core has object files"
    return found


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def built_earlier(workspace: Path) -> None:
    """The build was made 2 s ago: the workspace and its image cache are moved 2 s into the
    past, so the class file the next run writes is visibly newer than the C generated from
    the old one (what a wait of 2 s before the edit would do)."""
    backdate(workspace, Path(os.environ["XDG_CACHE_HOME"]))


def change_plugin(profile: Path, old: str, new: str, add: str | None = None) -> None:
    """Edit a method (and add one), through YAML, as a user does (after :func:`built_earlier`)."""
    data = yaml.safe_load(profile.read_text())
    methods = data["plugin"]["methods"]
    assert any(old in m["source"] for m in methods)
    for method in methods:
        method["source"] = method["source"].replace(old, new)
    if add:
        methods.append({"protocol": "primitives", "source": add})
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("branch", [*SHAPES, "pharo-9"], ids=[*SHAPE_IDS, "pharo-9"])
def test_a_changed_method_regenerates_only_the_plugin(built_workspace, branch):
    built = built_workspace(branch)
    workspace, profile, first = built.workspace, built.profile, built.first
    assert first.returncode == 0, first.stdout[-3000:]
    built_earlier(workspace)
    before = records(workspace)
    assert [r["command"] for r in before] == [
        "unzip-image",
        "save",
        "install-vmmaker",
        "generate",
    ]
    image = workspace / "build/build/vmmaker/image"
    assert sorted(p.name for p in image.glob("Pharo*")) == sorted(
        p.name for p in image.glob("Pharo*") if p.suffix in (".image", ".changes", ".sources")
    )
    assert len(list(image.glob("Pharo*"))) == 3
    core = objects(workspace)
    image_digest = digest(image / "VMMaker.image")
    in_image = next((image / "smalltalksrc").rglob("HelloWorldPlugin.class.st"))
    image_code = in_image.read_text()

    change_plugin(profile, "Hello from your", "Greetings from your", add=NEW_PRIMITIVE)
    assert wizard("--replay", str(profile), "--until", "commit", cwd=workspace).returncode == 0
    dry = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert "regenerate the plugin alone in the build's VMMaker image:" in dry.stdout
    assert "build/vmmaker/vm/pharo --headless " in dry.stdout
    assert "regenerate-plugin.st " in dry.stdout
    loop = wizard("--replay", str(profile), cwd=workspace)
    assert loop.returncode == 0, loop.stdout[-3000:]
    verdicts = dict(headers(loop.stdout))
    assert verdicts["plugin-source"] == "skipped", "written by the run before the dry run"
    assert verdicts["generate"] == "ok" and verdicts["compile"] == "ok"
    assert verdicts["configure"] == "skipped" and verdicts["reconfigure"] == "skipped"
    assert "regenerating it alone in the build's VMMaker image" in loop.stdout
    new = records(workspace)[len(before) :]
    assert [(r["command"], r["plugins"]) for r in new] == [
        ("regenerate-plugin", ["HelloWorldPlugin"])
    ]
    assert objects(workspace) == core, "no VM core object was recompiled"
    compile_log = (workspace / "logs/HelloWorldPlugin/compile.log").read_text()
    assert "--target HelloWorldPlugin -j 2" in compile_log
    assert "--target install" not in compile_log
    assert digest(image / "VMMaker.image") == image_digest, "the image was not saved"
    assert in_image.read_text() == image_code, "the image's own code is unchanged"
    assert "EXPORT(sqInt) primitiveAnswerSeventeen(void)" in (workspace / GENERATED).read_text()
    assert "primitiveAnswerSeventeen" in exported_symbols(workspace / LIBRARY)
    assert "primitiveAnswerSeventeen" in exported_symbols(workspace / INSTALLED)
    assert "exports: getModuleName, setInterpreter, primitiveGetHelloString" in loop.stdout
    assert "primitiveAnswerSeventeen" in loop.stdout.split("==> [12/13] verify")[1]


@pytest.mark.slow
def test_a_method_vmmaker_rejects_fails_generate_and_keeps_the_library(
    built_workspace, layout_branch
):
    built = built_workspace(layout_branch)
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    built_earlier(workspace)
    library = workspace / LIBRARY
    old_library, old_c = digest(library), (workspace / GENERATED).read_text()

    change_plugin(profile, "<export: true>", "<export: true>\n\tthisContext yourself.")
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 1, result.stdout[-3000:]
    assert (
        "FAILED: generate: VMMaker could not regenerate HelloWorldPlugin (exit status 1): "
        "translate failed in HelloWorldPlugin>>primitiveGetHelloString: "
        "Error: thisContext cannot be translated to C"
    ) in result.stdout
    assert "fix the method primitiveGetHelloString in the profile" in result.stdout
    assert (workspace / GENERATED).read_text() == old_c, "the previous C is kept"
    assert digest(library) == old_library
    assert {"getModuleName", "setInterpreter", "primitiveGetHelloString"} <= exported_symbols(
        library
    )
    assert [r["command"] for r in records(workspace)][-1] == "generate", "no C was written"


@pytest.mark.slow
def test_regenerate_image_rebuilds_the_image_in_two_pass_mode(
    fake_origin, workspace, layout_branch
):
    """The slow way must work with the plugin declared: only the image and its own step
    stamps go, not the configure-time files of the stamp folder (else cmake runs again and
    stops at the declared plugin whose C was removed: "Cannot find source file")."""
    profile = write_profile(workspace, fake_origin, base_branch=layout_branch)
    data = yaml.safe_load(profile.read_text())
    data["build"]["regenerate"] = "image"
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert wizard("--replay", str(profile), cwd=workspace).returncode == 0
    built_earlier(workspace)
    before = len(records(workspace))
    core = objects(workspace)

    change_plugin(profile, "Hello from your", "Greetings from your", add=NEW_PRIMITIVE)
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "build.regenerate: image: the VMMaker image is rebuilt" in result.stdout
    assert "removed build/vmmaker/src/vmmaker-stamp/vmmaker-done" in result.stdout
    assert "vmmaker-cfgcmd.txt" not in result.stdout
    new = [r["command"] for r in records(workspace)[before:]]
    assert new == ["unzip-image", "save", "install-vmmaker", "generate"]
    assert objects(workspace) != core, "the regenerated VM core was compiled again"
    assert "primitiveAnswerSeventeen" in exported_symbols(workspace / LIBRARY)


@pytest.mark.slow
def test_single_pass_regenerates_a_changed_plugin_in_compile(built_workspace, layout_branch):
    """Single pass has no generate step: compile regenerates the stale C (the loop) first;
    without that, a changed method left the old library "done"."""
    built = built_workspace(layout_branch, "single-pass")
    workspace, profile, first = built.workspace, built.profile, built.first
    assert first.returncode == 0, first.stdout[-3000:]
    built_earlier(workspace)
    before = records(workspace)
    core = objects(workspace)

    change_plugin(profile, "Hello from your", "Greetings from your", add=NEW_PRIMITIVE)
    assert wizard("--replay", str(profile), "--until", "commit", cwd=workspace).returncode == 0
    dry = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert "regenerate-plugin.st " in dry.stdout.split("] compile:")[-1]
    loop = wizard("--replay", str(profile), cwd=workspace)
    assert loop.returncode == 0, loop.stdout[-3000:]
    assert dict(headers(loop.stdout))["compile"] == "ok"
    new = records(workspace)[len(before) :]
    assert [(r["command"], r["plugins"]) for r in new] == [
        ("regenerate-plugin", ["HelloWorldPlugin"])
    ]
    assert objects(workspace) == core, "no VM core object was recompiled"
    assert "primitiveAnswerSeventeen" in exported_symbols(workspace / INSTALLED)
    again = wizard("--replay", str(profile), cwd=workspace)
    assert dict(headers(again.stdout))["compile"] == "skipped"


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["two-pass", "single-pass"])
def test_one_run_after_build_vmmaker_is_removed(built_workspace, mode, layout_branch):
    """``rm -rf <B>/build/vmmaker`` (the usual way to get a fresh VMMaker image), then a
    changed method: one run makes the image again, regenerates everything and builds the
    plugin. The plugin's C is never removed before a new one exists: cmake, which runs again
    on the way, needs it while the plugin list declares the plugin ("Cannot find source
    file" otherwise)."""
    _one_run_after_build_vmmaker_is_removed(built_workspace, mode, layout_branch, ["generate"])


@pytest.mark.slow
@pytest.mark.xdist_group("build-pharo-9")  # the worker that has the pharo-9 builds
@pytest.mark.parametrize("mode", ["two-pass", "single-pass"])
def test_pharo_9_after_build_vmmaker_is_removed(built_workspace, mode):
    """pharo-9's generation depends on the image target, not its file: the new image does not
    regenerate what exists, so the plugin is regenerated alone in the new image."""
    _one_run_after_build_vmmaker_is_removed(built_workspace, mode, "pharo-9", ["regenerate-plugin"])


def _one_run_after_build_vmmaker_is_removed(
    built_workspace, mode: str, branch: str, generation: list[str]
) -> None:
    built = built_workspace(branch, mode)
    workspace, profile, first = built.workspace, built.profile, built.first
    assert first.returncode == 0, first.stdout[-3000:]
    built_earlier(workspace)
    shutil.rmtree(workspace / "build/build/vmmaker")
    # No image kept from the first build either: the image is made again (the network way).
    shutil.rmtree(Path(os.environ["XDG_CACHE_HOME"]) / "pharo-plugin-wizard")

    change_plugin(profile, "Hello from your", "Greetings from your", add=NEW_PRIMITIVE)
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Cannot find source file" not in result.stdout
    assert [r["command"] for r in records(workspace)] == [
        "unzip-image",
        "save",
        "install-vmmaker",
        *generation,
    ], "the image made again, the plugin generated again, in this one run"
    generated = (workspace / GENERATED).read_text()
    assert "EXPORT(sqInt) primitiveAnswerSeventeen(void)" in generated
    assert "primitiveAnswerSeventeen" in exported_symbols(workspace / INSTALLED)
    again = wizard("--replay", str(profile), cwd=workspace)
    assert again.returncode == 0
    verdicts = dict(headers(again.stdout))
    assert verdicts.pop("verify") == "ok"
    assert set(verdicts.values()) == {"skipped"}, "nothing left to do"


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["two-pass", "single-pass"])
def test_after_build_vmmaker_is_removed_the_cached_image_serves(built_workspace, mode):
    """``rm -rf <B>/build/vmmaker`` with the image the first build kept in the wizard's cache:
    configure switches to the cached image, whose make install regenerates every file from
    the cache's (older) class; the plugin is then regenerated from the checkout's class, so
    the changed method is in the library, and no image is built."""
    built = built_workspace("pharo-12", mode)
    workspace, profile, first = built.workspace, built.profile, built.first
    assert first.returncode == 0, first.stdout[-3000:]
    built_earlier(workspace)
    shutil.rmtree(workspace / "build/build/vmmaker")

    change_plugin(profile, "Hello from your", "Greetings from your", add=NEW_PRIMITIVE)
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "using the VMMaker image kept from an earlier build" in result.stdout
    assert not (workspace / "build/build/vmmaker").exists(), "no image was built"
    assert "primitiveAnswerSeventeen" in exported_symbols(workspace / INSTALLED)
    again = wizard("--replay", str(profile), cwd=workspace)
    assert again.returncode == 0
    verdicts = dict(headers(again.stdout))
    assert verdicts.pop("verify") == "ok"
    assert set(verdicts.values()) == {"skipped"}, "nothing left to do"
