"""A colleague's repository that tries to run a program through the build, without ``--trust``.

Each workspace here is made as a shared one would be: ``profiles/`` with the profile, the
colleague's own scripts in ``tools/``, sometimes a ``build/`` with a ``CMakeCache.txt``.
Every program the attack would run leaves a mark (a file) when it runs; without
``--trust`` the wizard refuses (exit 2) naming each option or file and why, and the mark
never appears. A plain profile (switches the checkout declares, a build type, plain
compiler flags) needs no ``--trust`` at all.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import yaml

from fakevm.profiles import write_profile
from tests.helpers import headers, wizard


def mark_script(workspace: Path, mark: Path, *, then_exec: bool = True) -> Path:
    """``tools/run.sh``: leaves ``mark``, then runs its arguments (as a launcher would)."""
    tools = workspace / "tools"
    tools.mkdir(exist_ok=True)
    script = tools / "run.sh"
    tail = 'exec "$@"\n' if then_exec else "exit 0\n"
    script.write_text(f'#!/bin/sh\necho ran >> "{mark}"\n{tail}', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def module_folder(workspace: Path, mark: Path) -> Path:
    """``tools/cmake/FindPkgConfig.cmake``: a module that shadows cmake's own and leaves a mark."""
    folder = workspace / "tools" / "cmake"
    folder.mkdir(parents=True)
    (folder / "FindPkgConfig.cmake").write_text(
        f'execute_process(COMMAND sh -c "echo ran >> {mark}")\nset(PKG_CONFIG_FOUND TRUE)\n',
        encoding="utf-8",
    )
    return folder


def attack(workspace: Path, mark: Path, kind: str) -> tuple[dict[str, str], dict]:
    """The cmake options (and profile extras) of one attack; each runs a program of ours."""
    script = str(mark_script(workspace, mark))
    pkg = {"plugin_link": {"pkg_config": ["libcrypto"]}}
    rule = f"sh -c 'echo ran >> {mark}' && <CMAKE_C_COMPILER> <FLAGS> <OBJECTS> {{}} -o <TARGET>"
    return {
        "CMAKE_C_CLANG_TIDY": ({"CMAKE_C_CLANG_TIDY": f"{script};true"}, {}),
        "CMAKE_C_CPPCHECK": ({"CMAKE_C_CPPCHECK": f"{script};true"}, {}),
        "CMAKE_MAKE_PROGRAM": ({"CMAKE_MAKE_PROGRAM": script}, {}),
        "CMAKE_C_LINK_EXECUTABLE": ({"CMAKE_C_LINK_EXECUTABLE": rule.format("")}, {}),
        "CMAKE_C_CREATE_SHARED_LIBRARY": (
            {"CMAKE_C_CREATE_SHARED_LIBRARY": rule.format("-shared")},
            {},
        ),
        "CMAKE_MODULE_PATH": ({"CMAKE_MODULE_PATH": str(module_folder(workspace, mark))}, pkg),
        "PKG_CONFIG_EXECUTABLE": ({"PKG_CONFIG_EXECUTABLE": script}, pkg),
        "CMAKE_C_FLAGS": ({"CMAKE_C_FLAGS": f"-O0 `sh -c 'echo ran >> {mark}'`"}, {}),
    }[kind]


def colleague_profile(workspace: Path, origin: Path, options: dict[str, str], extra: dict) -> Path:
    profile = write_profile(workspace, origin, cmake_options=options)
    if "plugin_link" in extra:
        data = yaml.safe_load(profile.read_text())
        data["plugin"]["link"] = extra["plugin_link"]
        profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return profile


ATTACKS = [
    "CMAKE_C_CLANG_TIDY",
    "CMAKE_C_CPPCHECK",
    "CMAKE_MAKE_PROGRAM",
    "CMAKE_C_LINK_EXECUTABLE",
    "CMAKE_C_CREATE_SHARED_LIBRARY",
    "CMAKE_MODULE_PATH",
    "PKG_CONFIG_EXECUTABLE",
    "CMAKE_C_FLAGS",
]


@pytest.mark.parametrize("kind", ATTACKS)
def test_an_option_that_runs_a_program_is_refused(fake_origin, workspace, tmp_path, kind):
    mark = tmp_path / "mark"
    options, extra = attack(workspace, mark, kind)
    profile = colleague_profile(workspace, fake_origin, options, extra)
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 2, result.stdout[-3000:] + result.stderr
    assert not mark.exists()
    assert result.stdout == ""  # not one step started
    assert len(result.stderr.strip().splitlines()) == 1
    # the option, its value and why it needs trust
    assert f"build.cmake_options.{kind}={options[kind]!r} (" in result.stderr
    assert "--trust" in result.stderr
    assert not (workspace / "pharo-vm").exists()


def test_each_option_is_named_with_why(fake_origin, workspace):
    profile = write_profile(
        workspace,
        fake_origin,
        cmake_options={
            "CMAKE_C_CLANG_TIDY": "clang-tidy",
            "CMAKE_BUILD_TYPE": "Debug",
            "CMAKE_C_FLAGS": "-O2 -fplugin=./evil.so",
            "CMAKE_MODULE_PATH": "/tmp",
        },
    )
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "CMAKE_C_CLANG_TIDY='clang-tidy' (a checker program run on every source)" in line
    assert "CMAKE_C_FLAGS='-O2 -fplugin=./evil.so' (-fplugin=./evil.so loads a compiler" in line
    assert "CMAKE_MODULE_PATH='/tmp' (folders cmake loads scripts" in line
    assert "CMAKE_BUILD_TYPE" not in line

    dry = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert dry.returncode == 0
    first = dry.stdout.splitlines()[0]
    assert "a run needs --trust" in first
    assert all(
        name in first for name in ("CMAKE_C_CLANG_TIDY", "CMAKE_C_FLAGS", "CMAKE_MODULE_PATH")
    )


def test_an_override_is_judged_the_same(fake_origin, workspace, tmp_path):
    mark = tmp_path / "mark"
    script = mark_script(workspace, mark)
    profile = write_profile(workspace, fake_origin)
    result = wizard(
        "--replay", str(profile), "--set", f"build.cmake_options.CMAKE_MAKE_PROGRAM={script}",
        cwd=workspace,
    )  # fmt: skip
    assert result.returncode == 2 and "CMAKE_MAKE_PROGRAM" in result.stderr
    assert not mark.exists()


PLAIN = {"BUILD_BUNDLE": False, "CMAKE_BUILD_TYPE": "Debug", "CMAKE_C_FLAGS": "-O0 -g -DTRACE=1"}


def test_a_plain_profile_needs_no_trust(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin, cmake_options=PLAIN)  # type: ignore[arg-type]
    dry = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert "trust check pending for BUILD_BUNDLE" in dry.stdout  # no checkout to read yet
    assert "needs --trust" not in dry.stdout
    result = wizard("--replay", str(profile), "--until", "configure", cwd=workspace)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert dict(headers(result.stdout))["configure"] == "ok"
    cache = (workspace / "build" / "CMakeCache.txt").read_text()
    assert "CMAKE_C_FLAGS:STRING=-O0 -g -DTRACE=1" in cache
    assert "BUILD_BUNDLE:BOOL=OFF" in cache
    again = wizard("--replay", str(profile), "--until", "configure", cwd=workspace)
    assert again.returncode == 0, again.stderr  # the wizard's own cache is not foreign
    dry = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert "pending" not in dry.stdout  # the checkout is there: BUILD_BUNDLE is its switch


def test_a_switch_the_checkout_does_not_declare_is_refused_once_it_is_known(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin, cmake_options={"FEATURE_NOT_THERE": "ON"})
    dry = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert dry.returncode == 0 and "trust check pending for FEATURE_NOT_THERE" in dry.stdout
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 2, result.stdout[-2000:]
    assert headers(result.stdout)[-1] == ("configure", "FAILED")
    assert "FEATURE_NOT_THERE='ON' (not a switch the checkout declares" in result.stdout
    assert not (workspace / "build" / "CMakeCache.txt").exists()
    # now that the checkout is there, the refusal comes before any step
    again = wizard("--replay", str(profile), cwd=workspace)
    assert again.returncode == 2 and again.stdout == ""
    assert "FEATURE_NOT_THERE" in again.stderr
    # a switch the checkout does declare, set to something else than on or off
    profile.write_text(profile.read_text().replace("FEATURE_NOT_THERE: 'ON'", "FEATURE_FFI: x"))
    third = wizard("--replay", str(profile), cwd=workspace)
    assert third.returncode == 2 and "FEATURE_FFI='x' (not ON or OFF" in third.stderr


def foreign_cache(workspace: Path, mark: Path) -> Path:
    """``build/CMakeCache.txt`` as a colleague's workspace might carry it: a launcher of theirs."""
    script = mark_script(workspace, mark)
    build = workspace / "build"
    build.mkdir()
    cache = build / "CMakeCache.txt"
    cache.write_text(
        "# This is the CMakeCache file.\n"
        f"CMAKE_C_COMPILER_LAUNCHER:STRING={script}\n"
        "CMAKE_BUILD_TYPE:STRING=Debug\n",
        encoding="utf-8",
    )
    return cache


def test_a_cache_the_wizard_did_not_write_is_refused(fake_origin, workspace, tmp_path):
    mark = tmp_path / "mark"
    profile = write_profile(workspace, fake_origin)
    foreign_cache(workspace, mark)
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 2, result.stdout[-3000:] + result.stderr
    assert not mark.exists()
    assert "build/CMakeCache.txt was not written by the wizard" in result.stderr
    assert "CMAKE_C_COMPILER_LAUNCHER=" in result.stderr
    assert "CMAKE_BUILD_TYPE" not in result.stderr  # plain entries are not programs
    dry = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert "build/CMakeCache.txt" in dry.stdout.splitlines()[0]


def test_a_record_copied_from_elsewhere_vouches_for_nothing(fake_origin, workspace, tmp_path):
    mark = tmp_path / "mark"
    profile = write_profile(workspace, fake_origin)
    cache = foreign_cache(workspace, mark)
    record = {"plugin": "HelloWorldPlugin", "profile": str(profile), "options": {}}
    for folder in (None, "/home/colleague/work/build"):
        (cache.parent / "pharo-plugin-wizard.json").write_text(
            json.dumps({**record, **({"folder": folder} if folder else {})}), encoding="utf-8"
        )
        result = wizard("--replay", str(profile), cwd=workspace)
        assert result.returncode == 2 and "CMAKE_C_COMPILER_LAUNCHER" in result.stderr
    assert not mark.exists()


def test_with_trust_the_wizard_configures_over_it_and_owns_it_then(
    fake_origin, workspace, tmp_path
):
    mark = tmp_path / "mark"
    profile = write_profile(workspace, fake_origin)
    foreign_cache(workspace, mark)
    result = wizard("--replay", str(profile), "--until", "configure", "--trust", cwd=workspace)
    assert result.returncode == 0, result.stdout[-3000:]
    record = json.loads((workspace / "build" / "pharo-plugin-wizard.json").read_text())
    assert record["folder"] == os.path.realpath(workspace / "build")
    again = wizard("--replay", str(profile), "--until", "configure", cwd=workspace)
    assert again.returncode == 0, again.stderr


def test_a_build_folder_with_planted_programs_is_refused(fake_origin, workspace, tmp_path):
    """No cache, but a VM binary from the future: make would not rebuild it, and ``try``
    would run it. A build folder the wizard did not make needs --trust too."""
    mark = tmp_path / "mark"
    example = {"primitive": "primitiveGetHelloString", "arguments": [], "answers": "'Hello'"}
    profile = write_profile(workspace, fake_origin, examples=[example])
    vm = workspace / "build" / "build" / "vm" / "pharo"
    vm.parent.mkdir(parents=True)
    vm.write_text(f'#!/bin/sh\necho ran >> "{mark}"\n', encoding="utf-8")
    vm.chmod(0o755)
    os.utime(vm, (4102444800, 4102444800))  # 2100: newer than anything a build makes
    result = wizard("--replay", str(profile), cwd=workspace)
    assert result.returncode == 2, result.stdout[-3000:] + result.stderr
    assert "build/ holds files the wizard did not make" in result.stderr
    assert not mark.exists() and not (workspace / "pharo-vm").exists()
