"""The build phase on the test repository with the real cmake, make and C compiler.

The one test double is the repository's VMMaker stand-in (``scripts/vmmaker-standin.py``),
which generates the plugin C where VMMaker would.
"""

from __future__ import annotations

import os
import shutil

import git
import pytest

from fakevm import (
    BRANCH_LAYOUT,
    PHARO_VM_MAKER_ON,
    PLUGIN_LIST_ON,
    SHAPE_BRANCHES,
    external_list_text,
    stock_external_plugins,
)
from fakevm.profiles import edit_methods, write_profile
from fakevm.recipes import exported_symbols
from tests.helpers import headers, wizard
from tests.shared_builds import backdate

LIBRARY = "build/build/vm/libHelloWorldPlugin.so"
GENERATED = "build/generated/64/plugins/src/HelloWorldPlugin/HelloWorldPlugin.c"
TWO_PASS = [
    "clone", "checkout", "branch", "plugin-source", "plugin-list", "commit",
    "configure", "generate", "plugins-cmake", "reconfigure", "compile", "verify", "try",
]  # fmt: skip
SINGLE_PASS = [
    "clone", "checkout", "branch", "plugin-source", "plugin-list", "plugins-cmake",
    "commit", "configure", "compile", "verify", "try",
]  # fmt: skip


#: The plugin list of each base branch's layout: pharo-12 (2025, 2026) has the 2025 layout.
PLUGIN_LIST = PLUGIN_LIST_ON


@pytest.mark.parametrize(
    ("mode", "plan", "branch"),
    [
        ("two-pass", TWO_PASS, SHAPE_BRANCHES["2026"]),
        ("single-pass", SINGLE_PASS, SHAPE_BRANCHES["2026"]),
        ("two-pass", TWO_PASS, SHAPE_BRANCHES["2025"]),
        ("single-pass", SINGLE_PASS, SHAPE_BRANCHES["2025"]),
        ("two-pass", TWO_PASS, "pharo-10"),
        ("single-pass", SINGLE_PASS, "pharo-10"),
        ("two-pass", TWO_PASS, "pharo-9"),
    ],
    ids=[
        "2026-two-pass",
        "2026-single-pass",
        "2025-two-pass",
        "2025-single-pass",
        "2024-two-pass",
        "2024-single-pass",
        "pharo-9",
    ],
)
def test_all_steps_build_a_verified_library(built_workspace, mode, plan, branch):
    built = built_workspace(branch, mode)
    workspace, profile, first = built.workspace, built.profile, built.first
    assert first.returncode == 0, first.stdout[-3000:]
    # A fresh clone already has its default branch (pharo-10) locally.
    # try: the helper's profile has no examples (test_try_step.py runs it).
    skipped = {"checkout", "try"} if branch == "pharo-10" else {"try"}
    assert headers(first.stdout) == [(s, "skipped" if s in skipped else "ok") for s in plan]
    library = workspace / LIBRARY
    assert library.is_file()
    exports = exported_symbols(library)
    assert {"getModuleName", "setInterpreter", "primitiveGetHelloString"} <= set(exports)
    assert (workspace / "build/build/dist/lib/libHelloWorldPlugin.so").is_file()
    assert "<primitive: ''primitiveGetHelloString'' module: ''HelloWorldPlugin''>" in first.stdout
    assert "HelloWorld getHelloString." in first.stdout
    state = profile.read_text()
    assert "artifact:" in state and "sha256:" in state and "primitiveGetHelloString" in state

    repo = git.Repo(workspace / "pharo-vm")
    assert not repo.is_dirty(), "every file the wizard wrote is committed"
    committed = {
        path for commit in repo.iter_commits(f"{branch}..HEAD") for path in commit.stats.files
    }
    expected = {
        "smalltalksrc/VMMaker/HelloWorldPlugin.class.st",
        PHARO_VM_MAKER_ON[branch],
        PLUGIN_LIST[branch],
    }
    if mode == "single-pass":
        expected.add("cmake/vmmaker.cmake")
    assert committed == expected
    declared = (workspace / "pharo-vm" / PLUGIN_LIST[branch]).read_text()
    if branch == SHAPE_BRANCHES["2026"]:  # the list keeps its three lines and NewFilePlugin
        maker = (workspace / "pharo-vm" / PHARO_VM_MAKER_ON[branch]).read_text()
        names = (*stock_external_plugins(branch), "HelloWorldPlugin")
        assert "\t\t\t" + external_list_text(branch, names) + "\n" in maker
        assert names[0] == "NewFilePlugin"
        assert (workspace / "build/build/dist/lib/libNewFilePlugin.so").is_file()
    if BRANCH_LAYOUT[branch] == "2025":
        assert declared.endswith("\nadd_vm_plugin(HelloWorldPlugin TRUE FALSE)\n")
        assert declared.count("HelloWorldPlugin") == 1
        assert "2025 layout: CMakeLists.txt includes cmake/plugins.cmake" in first.stdout
        assert "layout: 2025" in state
    else:
        assert "add_vm_plugin(HelloWorldPlugin\n\t${PHARO_CURRENT_GENERATED}" in declared
        assert "layout: 2024" in state

    second = wizard("--replay", str(profile), cwd=workspace)
    assert second.returncode == 0
    # verify always runs; try has no examples to call (the helper's profile has none)
    assert headers(second.stdout) == (
        [(step, "skipped") for step in plan[:-2]] + [("verify", "ok"), ("try", "skipped")]
    )

    library.unlink()
    (workspace / "build/build/dist/lib/libHelloWorldPlugin.so").unlink()
    third = wizard("--replay", str(profile), cwd=workspace)
    assert third.returncode == 0, third.stdout[-2000:]
    ran = [step for step, verdict in headers(third.stdout) if verdict == "ok"]
    assert ran == ["compile", "verify"]
    assert library.is_file()


def test_reconfigure_before_generate_is_refused_with_a_sentence(built_workspace, layout_branch):
    built = built_workspace(layout_branch, until="configure")
    workspace, profile = built.workspace, built.profile
    result = wizard("--replay", str(profile), "--from", "reconfigure", cwd=workspace)
    assert result.returncode == 2
    assert "cannot start at reconfigure: the earlier step generate is not done" in result.stderr
    assert "CMake Error" not in result.stdout + result.stderr


def test_changed_method_regenerates_in_the_image(built_workspace, layout_branch):
    built = built_workspace(layout_branch)
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    # mtimes: the new class must be visibly newer than the old C (the build was 2 s ago)
    backdate(workspace, built.cache)
    edit_methods(profile, "Hello from your", "Greetings from your")
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 0, result.stdout[-3000:]
    verdicts = dict(headers(result.stdout))
    assert verdicts["plugin-source"] == "ok" and verdicts["commit"] == "ok"
    assert verdicts["generate"] == "ok"
    assert verdicts["compile"] == "ok"
    assert (workspace / LIBRARY).stat().st_mtime >= (workspace / GENERATED).stat().st_mtime
    assert "regenerating it alone in the build's VMMaker image" in result.stdout
    assert verdicts["verify"] == "ok"
    assert (workspace / GENERATED).stat().st_mtime > (
        workspace / "pharo-vm/smalltalksrc/VMMaker/HelloWorldPlugin.class.st"
    ).stat().st_mtime


def test_unknown_proxy_send_stops_before_any_build(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin)
    edit_methods(profile, "interpreterProxy stringForCString:", "interpreterProxy noSuchThing:")
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 1
    assert "FAILED: plugin-source" in result.stdout  # the lint catches it before any build
    assert "noSuchThing" in result.stdout
    assert not (workspace / "build").exists()


def test_missing_generated_c_is_explained(fake_origin, workspace, layout_branch):
    profile = write_profile(
        workspace,
        fake_origin,
        base_branch=layout_branch,
        extra={"external_plugins": list(stock_external_plugins(layout_branch))},
    )
    result = wizard("--replay", str(profile), "--until", "generate", cwd=workspace)
    assert result.returncode == 1
    assert (
        "VMMaker did not write generated/64/plugins/src/HelloWorldPlugin/HelloWorldPlugin.c"
        in result.stdout
    )
    assert "silently skips" in result.stdout


def test_missing_cmake_says_what_to_install(built_workspace, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to("/usr/bin/git")
    built = built_workspace(until="commit")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    result = wizard("--replay", str(profile), cwd=workspace, env={"PATH": str(bin_dir)})
    assert result.returncode == 1
    assert "cmake is not installed" in result.stdout
    assert "apt install cmake" in result.stdout


@pytest.mark.parametrize(
    ("branch", "ghost"),
    [
        ("pharo-10", "add_vm_plugin(Ghost ${PHARO_CURRENT_GENERATED}/plugins/src/Ghost/Ghost.c)"),
        (SHAPE_BRANCHES["2025"], "add_vm_plugin(Ghost TRUE FALSE)"),
        (SHAPE_BRANCHES["2026"], "add_vm_plugin(Ghost TRUE FALSE)"),
    ],
    ids=["layout-2024", "layout-2025", "layout-2026"],
)
def test_configure_error_shows_the_cmake_errors(built_workspace, branch, ghost):
    built = built_workspace(branch, until="commit")
    workspace, profile = built.workspace, built.profile
    plugins = workspace / "pharo-vm" / PLUGIN_LIST[branch]
    plugins.write_text(plugins.read_text() + "\n" + ghost + "\n")
    result = wizard("--replay", str(profile), "--until", "configure", cwd=workspace)
    assert result.returncode == 1
    assert "cmake could not configure the build" in result.stdout
    assert "CMake Error" in result.stdout
    assert "generate step must run before a plugin is declared" in result.stdout
    assert os.path.exists(workspace / "logs/HelloWorldPlugin/configure.log")


def test_compile_error_names_the_generated_file_and_line(built_workspace, layout_branch):
    built = built_workspace(layout_branch, until="reconfigure")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    generated = workspace / GENERATED
    lines = generated.read_text().splitlines()
    generated.write_text("\n".join([*lines, "int broken(void) { return undeclared_thing; }", ""]))
    result = wizard("--replay", str(profile), "--from", "compile", cwd=workspace)
    assert result.returncode == 1
    assert f"the C compiler failed (first error at {generated}:{len(lines) + 1})" in result.stdout
    assert "undeclared_thing" in result.stdout
    assert "logs/HelloWorldPlugin/compile.log" in result.stdout


@pytest.mark.parametrize("mode", ["two-pass", "single-pass"])
def test_a_fresh_build_folder_builds_again(built_workspace, mode, layout_branch):
    """CI, `rm -rf build`, a colleague on the plugin branch: the plugin list already declares
    the plugin before its C exists. The wizard must still configure and build."""
    built = built_workspace(layout_branch, mode)
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    shutil.rmtree(workspace / "build")
    again = wizard("--replay", str(profile), cwd=workspace)
    assert again.returncode == 0, again.stdout[-3000:]
    assert (workspace / LIBRARY).is_file()
    assert "placeholder" not in (workspace / GENERATED).read_text()
    assert {"getModuleName", "primitiveGetHelloString"} <= set(
        exported_symbols(workspace / LIBRARY)
    )


def _push_branch_without_plugin_list(origin: str, tmp_path) -> str:
    """A branch ``odd`` of ``origin`` whose CMakeLists.txt includes no plugin list at all."""
    work = tmp_path / "odd-work"
    git.Repo.clone_from(origin, work, branch="pharo-12")
    cmakelists = work / "CMakeLists.txt"
    cmakelists.write_text(
        cmakelists.read_text().replace("include(cmake/plugins.cmake)", "# no plugins here")
    )
    repo = git.Repo(work)
    repo.git.checkout("-b", "odd")
    repo.git.commit("-am", "A CMakeLists.txt that declares no plugins")
    repo.git.push("origin", "odd")
    return "odd"


def test_an_unknown_layout_fails_naming_both_lists_and_changes_nothing(
    fake_pharo_vm_url, workspace, tmp_path
):
    branch = _push_branch_without_plugin_list(fake_pharo_vm_url, tmp_path)
    profile = write_profile(workspace, fake_pharo_vm_url, base_branch=branch)

    dry = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert dry.returncode == 0
    assert "its layout is read once cloned" in dry.stdout

    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "FAILED: plugin-source: unknown pharo-vm layout" in result.stdout
    assert "include(plugins.cmake)" in result.stdout
    assert "include(cmake/plugins.cmake)" in result.stdout
    checkout = git.Repo(workspace / "pharo-vm")
    assert checkout.git.status("--porcelain") == "", "nothing written into the checkout"
    assert checkout.git.rev_list(f"{branch}..HEAD") == "", "nothing committed"
    assert not (workspace / "build").exists()

    dry = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert "checkout: unknown layout: CMakeLists.txt includes neither plugin list" in dry.stdout


def test_dry_run_names_the_layout(built_workspace, layout_branch):
    built = built_workspace(layout_branch, until="branch")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    dry = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert dry.returncode == 0
    if BRANCH_LAYOUT[layout_branch] == "2025":
        assert "checkout: 2025 layout: CMakeLists.txt includes cmake/plugins.cmake" in dry.stdout
        assert "add to cmake/plugins.cmake (2025 layout):" in dry.stdout
        assert "    add_vm_plugin(HelloWorldPlugin TRUE FALSE)" in dry.stdout
    else:
        assert "checkout: 2024 layout: CMakeLists.txt includes plugins.cmake" in dry.stdout
        assert "add to plugins.cmake (2024 layout):" in dry.stdout
    maker = PHARO_VM_MAKER_ON[layout_branch]
    assert f"rewrite the external: #(...) literal array in {maker}" in dry.stdout
