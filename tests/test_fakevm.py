"""The test repository itself: its branches and files, and that its build behaves like
pharo-vm's where the wizard depends on it.

Everything here runs the real git, cmake, make and gcc.  The one test double is the
repository's ``scripts/vmmaker-standin.py``, standing in for VMMaker's code generator (the
real one runs inside a Pharo image downloaded at build time).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fakevm import (
    ALL_BRANCHES,
    BRANCHES,
    EXTERNAL_PLUGINS_2026,
    LIST_METHOD,
    PHARO_VM_MAKER,
    PHARO_VM_MAKER_IN,
    SHAPE_BRANCHES,
    STANDIN,
    STOCK_EXTERNAL_PLUGINS,
    VM_STANDIN,
    build_fake_pharo_vm,
)
from fakevm.builder import git
from fakevm.recipes import (
    add_generated_file,
    add_to_external_list,
    adding_line,
    clone,
    configure,
    declare_plugin,
    exported_symbols,
    external_list,
    forget_image,
    install,
    run,
    write_plugin_class,
)
from wizard.formats.proxy_api import proxy_selectors
from wizard.formats.tonel import check_tonel
from wizard.formats.vmmaker_list import find_external_list

FLOAT_ARRAY_EXPORTS = {
    "getModuleName",
    "setInterpreter",
    "primitiveAddFloatArray",
    "primitiveAt",
    "primitiveAtPut",
    "primitiveSum",
}


def show(repo: Path, branch: str, path: str) -> str:
    return git(repo, "show", f"{branch}:{path}")


def generated(build: Path, name: str) -> Path:
    return build / "generated" / "64" / "plugins" / "src" / name / f"{name}.c"


# --------------------------------------------------------------------------- the repository


def test_branches_head_and_fixed_commit_ids(fake_origin, tmp_path):
    heads = git(fake_origin, "for-each-ref", "--format=%(refname:short)", "refs/heads")
    assert sorted(heads.split()) == sorted(ALL_BRANCHES)
    assert git(fake_origin, "symbolic-ref", "HEAD").strip() == "refs/heads/pharo-10"
    assert git(fake_origin, "status", "--porcelain") == ""
    assert (fake_origin / "CMakeLists.txt").is_file(), "a working tree, checked out"

    versions = {
        "pharo-9": "9 0 22",
        "pharo-10": "10 3 1",
        "pharo-12-2025": "10 3 0",
        "pharo-12": "12 0 0",
    }
    for branch, version in versions.items():
        text = show(fake_origin, branch, "CMakeLists.txt")
        found = [
            line.split()[1].rstrip(")") for line in text.splitlines() if "set(VERSION_" in line
        ]
        assert " ".join(found) == version, branch

    again = build_fake_pharo_vm(tmp_path / "again")
    for branch in ALL_BRANCHES:
        assert git(again, "rev-parse", branch) == git(fake_origin, "rev-parse", branch)
    dates = {b: git(fake_origin, "log", "-1", "--format=%cI", b).strip() for b in ALL_BRANCHES}
    assert dates["pharo-9"].startswith("2023-03-30")
    assert dates["pharo-12-2025"].startswith("2025-01-20")
    assert dates["pharo-12"].startswith("2026-06-30")
    assert dates["pharo-10"].startswith("2024-10-16")
    parent = git(fake_origin, "rev-parse", "pharo-12~1")
    assert parent == git(fake_origin, "rev-parse", "pharo-12-2025"), "2026 is one commit on top"


def test_fixture_url_is_a_bare_clone_with_head_pharo_10(fake_pharo_vm_url, tmp_path):
    assert Path(fake_pharo_vm_url).name == "pharo-vm.git"
    assert git(Path(fake_pharo_vm_url), "rev-parse", "--is-bare-repository").strip() == "true"
    checkout = clone(fake_pharo_vm_url, tmp_path / "pharo-vm")
    assert git(checkout, "branch", "--show-current").strip() == "pharo-10"
    remote = git(checkout, "branch", "--remotes", "--format=%(refname:short)").split()
    assert {f"origin/{b}" for b in ALL_BRANCHES} <= set(remote)


@pytest.mark.parametrize("branch", ALL_BRANCHES)
def test_tonel_files_in_the_branch_style(fake_origin, branch):
    old = branch == "pharo-9"
    paths = git(fake_origin, "ls-tree", "-r", "--name-only", branch, "smalltalksrc").split()
    class_files = [p for p in paths if p.endswith(".class.st")]
    assert len(class_files) >= 14
    for path in class_files:
        text = show(fake_origin, branch, path)
        assert text.endswith("]\n") and "\r" not in text, path
        assert "\n\t" in text and "\n    " not in text, f"{path}: tab indentation"
        assert check_tonel(text) == [], path
        own_package = path.startswith("smalltalksrc/FileAttributesPlugin/")
        assert ("#name : #" in text) == (old or own_package), path
        assert ("#package : " in text) == (not old and not own_package), path

    surface = show(fake_origin, branch, "smalltalksrc/VMMaker/SurfacePlugin.class.st")
    smart = show(fake_origin, branch, "smalltalksrc/VMMaker/SmartSyntaxInterpreterPlugin.class.st")
    plugin = show(fake_origin, branch, "smalltalksrc/VMMaker/InterpreterPlugin.class.st")
    if old:
        assert "#category : #'VMMaker-Plugins-Surface'" in surface
        assert "#category : #'VMMaker-SmartSyntaxPlugins'" in smart
        assert "#superclass : #VMClass" in plugin
    else:
        assert "#category : 'VMMaker-Plugins-Surface'" in surface
        assert "#tag : 'Plugins-Surface'" in surface
        assert "#category : 'VMMaker-SmartSyntaxPlugins'" in smart
        assert "#superclass : 'VMClass'" in plugin
    for variable in ("interpreterProxy", "moduleName", "translatedMethodCache"):
        assert f"'{variable}'" in plugin
    assert show(fake_origin, branch, "smalltalksrc/.properties").split() == [
        "{",
        "#format",
        ":",
        "#tonel",
        "}",
    ]
    package = show(fake_origin, branch, "smalltalksrc/VMMaker/package.st")
    assert package == (
        "Package { #name : #VMMaker }\n" if old else "Package { #name : 'VMMaker' }\n"
    )


@pytest.mark.parametrize("branch", ["pharo-9", "pharo-10", "pharo-12-2025"])
def test_external_list_sits_in_the_branch_method(fake_origin, branch):
    text = show(fake_origin, branch, PHARO_VM_MAKER)
    line = "internal: #() external: #(FilePlugin SurfacePlugin FloatArrayPlugin);"
    assert text.count(line) == 1
    found = find_external_list(text)
    assert tuple(found.external) == STOCK_EXTERNAL_PLUGINS
    header = f"PharoVMMaker >> {LIST_METHOD[branch.removesuffix('-2025')]} ["
    method_start = text.index(header)
    next_method = text.find("\n{ #category", method_start)
    assert method_start < text.index(line) < next_method


def test_the_2026_shape_moves_pharovmmaker_and_lists_newfileplugin(fake_origin):
    """pharo-12 of 2026 (pharo-vm PR #1077): PharoVMMaker in package VMMaker, tag Generation, its
    list over three lines with NewFilePlugin first; NewFilePlugin generated and declared."""
    branch = SHAPE_BRANCHES["2026"]
    paths = git(fake_origin, "ls-tree", "-r", "--name-only", branch, "smalltalksrc").split()
    assert PHARO_VM_MAKER_IN["2026"] == "smalltalksrc/VMMaker/PharoVMMaker.class.st"
    assert [p for p in paths if p.endswith("/PharoVMMaker.class.st")] == [PHARO_VM_MAKER_IN["2026"]]
    assert "smalltalksrc/VMMakerCompatibilityForPharo6/package.st" in paths, "still loaded"
    text = show(fake_origin, branch, PHARO_VM_MAKER_IN["2026"])
    assert (
        "\t#category : 'VMMaker-Generation',\n\t#package : 'VMMaker',\n\t#tag : 'Generation'\n}"
        in text
    )
    assert (
        "\t\t\tstopOnErrors: stopOnErrors;\n"
        "\t\t\tinternal: #(  )\n"
        "\t\t\texternal:\n"
        "\t\t\t\t#( NewFilePlugin FilePlugin SurfacePlugin FloatArrayPlugin );\n"
        "\t\t\tgenerateInterpreterFile;\n"
    ) in text
    assert tuple(find_external_list(text).external) == EXTERNAL_PLUGINS_2026
    plugin = show(fake_origin, branch, "smalltalksrc/VMMaker/NewFilePlugin.class.st")
    assert "#superclass : 'InterpreterPlugin'" in plugin and check_tonel(plugin) == []
    vmmaker = show(fake_origin, branch, "cmake/vmmaker.cmake")
    assert (
        "set(PLUGIN_GENERATED_FILES \n"
        "    ${PHARO_CURRENT_GENERATED}/plugins/src/NewFilePlugin/NewFilePlugin.c\n"
        "    ${PHARO_CURRENT_GENERATED}/plugins/src/FilePlugin/FilePlugin.c\n"
    ) in vmmaker
    plugins = show(fake_origin, branch, "cmake/plugins.cmake")
    assert plugins.count("add_vm_plugin(NewFilePlugin TRUE FALSE)\n") == 1
    older = show(fake_origin, SHAPE_BRANCHES["2025"], PHARO_VM_MAKER_IN["2025"])
    assert "NewFilePlugin" not in older, "the 2025 shape is kept as it was"


@pytest.mark.parametrize("branch", BRANCHES)
def test_generate_vmmaker_option_only_on_10_and_12(fake_origin, branch):
    cmakelists = show(fake_origin, branch, "CMakeLists.txt")
    assert ("option(GENERATE_VMMAKER" in cmakelists) == (branch != "pharo-9")
    for option in ("option(GENERATE_SOURCES", "option(BUILD_BUNDLE", "option(FEATURE_LIB_SDL2"):
        assert option in cmakelists
    assert 'set(FLAVOUR "CoInterpreter"' in cmakelists
    assert 'set(ICEBERG_DEFAULT_REMOTE "scpUrl"' in cmakelists
    vmmaker = show(fake_origin, branch, "cmake/vmmaker.cmake")
    first = "NewFilePlugin" if branch == SHAPE_BRANCHES["2026"] else "FilePlugin"
    assert (
        f"set(PLUGIN_GENERATED_FILES \n    ${{PHARO_CURRENT_GENERATED}}/plugins/src/{first}/"
        in vmmaker
    )
    assert "    ${PHARO_CURRENT_GENERATED}/plugins/src/FilePlugin/FilePlugin.c\n" in vmmaker
    assert show(fake_origin, branch, ".gitignore") == "build/\n"
    plugins = show(fake_origin, branch, "plugins.cmake")
    assert (
        "add_vm_plugin(FloatArrayPlugin \n"
        "\t${PHARO_CURRENT_GENERATED}/plugins/src/FloatArrayPlugin/FloatArrayPlugin.c)"
    ) in plugins
    assert "add_vm_plugin(LargeIntegers)" in plugins


def test_interpreter_proxy_has_the_real_selectors(fake_origin):
    for branch in BRANCHES:
        text = show(fake_origin, branch, "smalltalksrc/VMMaker/InterpreterProxy.class.st")
        selectors = set(proxy_selectors(text))
        assert len(selectors) >= 40
        for selector in (
            "pop:",
            "pop:thenPush:",
            "push:",
            "pushInteger:",
            "stackValue:",
            "stackIntegerValue:",
            "stackFloatValue:",
            "stackObjectValue:",
            "primitiveFail",
            "failed",
            "isWords:",
            "isBytes:",
            "stSizeOf:",
            "byteSizeOf:",
            "firstIndexableField:",
            "classString",
            "classByteArray",
            "instantiateClass:indexableSize:",
            "stringForCString:",
            "integerObjectOf:",
            "nilObject",
            "trueObject",
            "falseObject",
            "positive32BitIntegerFor:",
            "fetchInteger:ofObject:",
            "methodArgumentCount",
            "success:",
            "majorVersion",
            "minorVersion",
        ):
            assert selector in selectors, selector
        assert "stringFromCString:" not in selectors
        assert "InterpreterProxy >> pop: nItems thenPush: oop [" in text


def test_the_standin_says_it_is_one(fake_origin):
    head = (fake_origin / STANDIN).read_text()[:400]
    assert "Stand-in for VMMaker's code generator" in head
    assert "runs inside a Pharo image downloaded" in head
    assert "TEST DOUBLE" in head


# --------------------------------------------------------------------------- the build


@pytest.mark.parametrize("branch", ALL_BRANCHES)
def test_plain_build_installs_the_stock_plugins(plain_build, branch):
    plain = plain_build(branch)  # clone, configure, make install (tests/shared_builds.py)
    checkout, build, configured = plain.checkout, plain.build, plain.configured
    assert configured.returncode == 0, configured.stdout
    for name in ("FilePlugin", "SurfacePlugin", "FloatArrayPlugin", "LargeIntegers"):
        assert adding_line(checkout, name) in configured.stdout

    built = plain.built
    assert built.returncode == 0, built.stdout
    assert "warning:" not in built.stdout
    assert "Generating VM files for flavour: CoInterpreter" in built.stdout
    assert ("vmmaker-standin.py" in built.stdout) == (branch == "pharo-9"), "pharo-9 is verbose"

    for folder in (build / "build" / "vm", build / "build" / "dist" / "lib"):
        for name in ("FilePlugin", "SurfacePlugin", "FloatArrayPlugin", "LargeIntegers"):
            assert (folder / f"lib{name}.so").is_file(), folder / name
        assert (folder / "libPharoVMCore.so").is_file()
        assert (folder / "pharo").is_file()
        assert exported_symbols(folder / "libFloatArrayPlugin.so") >= FLOAT_ARRAY_EXPORTS
    for bits in ("64", "32"):
        assert (build / "generated" / bits / "vm" / "src" / "gcc3x-cointerp.c").is_file()
        for name in STOCK_EXTERNAL_PLUGINS:
            assert (build / "generated" / bits / "plugins/src" / name / f"{name}.c").is_file()
    newfile = build / "build/dist/lib/libNewFilePlugin.so"
    assert newfile.is_file() == (branch == SHAPE_BRANCHES["2026"]), "only the 2026 shape has it"
    if newfile.is_file():
        assert {"primitiveFileVersion", "primitiveFileSize"} <= exported_symbols(newfile)
    surface = exported_symbols(build / "build/dist/lib/libSurfacePlugin.so")
    assert {"ioRegisterSurfacedispatchsurfaceID", "initialiseModule"} <= surface

    library = ctypes.CDLL(str(build / "build" / "dist" / "lib" / "libFloatArrayPlugin.so"))
    library.getModuleName.restype = ctypes.c_char_p
    assert library.getModuleName().startswith(b"FloatArrayPlugin")

    launched = run([str(build / "build" / "dist" / "pharo"), "--version"])
    assert launched.returncode == 0 and "Pharo VM" in launched.stdout, launched.stdout

    again = install(build)
    assert again.returncode == 0
    assert "Generating VM files" not in again.stdout, "nothing to regenerate"
    assert "Building the VMMaker image" not in again.stdout, "the image is made once"


@pytest.mark.skipif(shutil.which("ninja") is None, reason="ninja is not installed")
def test_ninja_builds_it_too(fake_origin, tmp_path):
    checkout = clone(fake_origin, tmp_path / "pharo-vm", "pharo-12")
    write_plugin_class(checkout, "MyPlugin")
    add_to_external_list(checkout, "MyPlugin")
    add_generated_file(checkout, "MyPlugin")
    declare_plugin(checkout, "MyPlugin")
    build = tmp_path / "build"
    configured = configure(checkout, build, "-G", "Ninja")
    assert configured.returncode == 0, configured.stdout
    built = install(build)
    assert built.returncode == 0, built.stdout
    assert "primitiveAnswer" in exported_symbols(build / "build/dist/lib/libMyPlugin.so")


@pytest.mark.slow
@pytest.mark.parametrize("branch", ["pharo-10", "pharo-12"])
def test_stale_image_then_the_two_pass_procedure(plain_build, branch):
    plain = plain_build(branch)  # clone, configure, make install (tests/shared_builds.py)
    checkout, build = plain.checkout, plain.build
    assert plain.configured.returncode == 0
    assert plain.built.returncode == 0

    # The class and the list change after the image was made: the image does not see them.
    write_plugin_class(checkout, "MyPlugin", superclass="SmartSyntaxInterpreterPlugin")
    add_to_external_list(checkout, "MyPlugin")
    stale = install(build)
    assert stale.returncode == 0, stale.stdout
    assert not generated(build, "MyPlugin").exists()

    # Delete the image and its stamp: the image is made again, it is newer, so the
    # generation runs again and writes the plugin.
    assert forget_image(build) == ["build/vmmaker/image", "build/vmmaker/src/vmmaker-stamp"]
    fresh = install(build)
    assert fresh.returncode == 0, fresh.stdout
    assert "Building the VMMaker image" in fresh.stdout
    assert "Generating VM files" in fresh.stdout
    c_text = generated(build, "MyPlugin").read_text()
    assert "EXPORT(sqInt) primitiveEcho(void)" in c_text
    assert (build / "generated/32/plugins/src/MyPlugin/MyPlugin.c").is_file()

    # Second pass: declare it, configure again, build again.
    declare_plugin(checkout, "MyPlugin")
    reconfigured = configure(checkout, build)
    assert reconfigured.returncode == 0, reconfigured.stdout
    assert adding_line(checkout, "MyPlugin") in reconfigured.stdout
    final = install(build)
    assert final.returncode == 0, final.stdout
    library = build / "build" / "dist" / "lib" / "libMyPlugin.so"
    assert exported_symbols(library) >= {
        "getModuleName",
        "setInterpreter",
        "primitiveAnswer",
        "primitiveEcho",
    }


@pytest.mark.xdist_group("build-pharo-9")  # the worker that has the pharo-9 builds
def test_pharo_9_needs_a_missing_output_to_regenerate(plain_build):
    plain = plain_build("pharo-9")  # clone, configure, make install (tests/shared_builds.py)
    checkout, build = plain.checkout, plain.build
    assert plain.configured.returncode == 0
    assert plain.built.returncode == 0
    write_plugin_class(checkout, "MyPlugin")
    add_to_external_list(checkout, "MyPlugin")

    assert forget_image(build) == [
        "build/vmmaker/image",
        "build/vmmaker/src/build_vmmaker_get_image-stamp",
    ]
    reloaded = install(build)
    assert reloaded.returncode == 0, reloaded.stdout
    assert "Building the VMMaker image" in reloaded.stdout
    assert not generated(build, "MyPlugin").exists(), "pharo-9 regenerates only missing outputs"

    generated(build, "FloatArrayPlugin").unlink()
    regenerated = install(build)
    assert regenerated.returncode == 0, regenerated.stdout
    assert generated(build, "MyPlugin").is_file()
    assert "#name : #MyPlugin" in (checkout / "smalltalksrc/VMMaker/MyPlugin.class.st").read_text()


def test_a_listed_name_without_a_class_is_skipped_silently(fake_origin, tmp_path):
    checkout = clone(fake_origin, tmp_path / "pharo-vm")
    for name in ("Ghost", "Oop", "SmartSyntaxInterpreterPlugin", "InterpreterPlugin"):
        add_to_external_list(checkout, name)
    build = tmp_path / "build"
    assert configure(checkout, build).returncode == 0
    built = install(build)
    assert built.returncode == 0, built.stdout
    assert "Ghost" not in built.stdout.replace("External plugins", "")
    plugins = sorted(p.name for p in (build / "generated/64/plugins/src").iterdir())
    assert plugins == sorted(STOCK_EXTERNAL_PLUGINS)


def test_configure_error_then_single_pass(fake_origin, tmp_path):
    checkout = clone(fake_origin, tmp_path / "pharo-vm", "pharo-12")
    write_plugin_class(checkout, "MyPlugin")
    add_to_external_list(checkout, "MyPlugin")
    declare_plugin(checkout, "MyPlugin")

    failed = configure(checkout, tmp_path / "first")
    assert failed.returncode != 0
    assert "Cannot find source file" in failed.stdout
    assert "generated/64/plugins/src/MyPlugin/MyPlugin.c" in failed.stdout

    add_generated_file(checkout, "MyPlugin")
    build = tmp_path / "build"
    configured = configure(checkout, build)
    assert configured.returncode == 0, configured.stdout
    assert adding_line(checkout, "MyPlugin") in configured.stdout
    built = install(build)
    assert built.returncode == 0, built.stdout
    assert exported_symbols(build / "build/vm/libMyPlugin.so") >= {
        "getModuleName",
        "setInterpreter",
        "primitiveAnswer",
    }
    assert (build / "build/dist/lib/libMyPlugin.so").is_file()


def test_a_selector_the_proxy_lacks_fails_in_the_c_compiler(fake_origin, tmp_path):
    checkout = clone(fake_origin, tmp_path / "pharo-vm")
    write_plugin_class(checkout, "MyPlugin", proxy_selector="stringFromCString:")
    add_to_external_list(checkout, "MyPlugin")
    add_generated_file(checkout, "MyPlugin")
    declare_plugin(checkout, "MyPlugin")
    build = tmp_path / "build"
    assert configure(checkout, build).returncode == 0
    built = install(build)
    assert built.returncode != 0
    assert "has no member named 'stringFromCString'" in built.stdout.replace("‘", "'").replace(
        "’", "'"
    )


def test_generate_vmmaker_off_uses_the_given_image(fake_origin, tmp_path):
    checkout = clone(fake_origin, tmp_path / "pharo-vm")
    first = tmp_path / "first"
    assert configure(checkout, first).returncode == 0
    assert run(["cmake", "--build", str(first), "--target", "vmmaker"]).returncode == 0
    image = first / "build/vmmaker/image/VMMaker.image"
    assert image.is_file()

    second = tmp_path / "second"
    configured = configure(checkout, second, "-DGENERATE_VMMAKER=OFF", f"-DVMMAKER_IMAGE={image}")
    assert configured.returncode == 0, configured.stdout
    built = run(["cmake", "--build", str(second), "--target", "generate-sources"])
    assert built.returncode == 0, built.stdout
    assert "Building the VMMaker image" not in built.stdout
    assert generated(second, "FloatArrayPlugin").is_file()
    assert not (second / "build" / "vmmaker" / "image").exists()
    assert (second / "build" / "vmmaker" / "vm" / "pharo").is_file(), "the VM is still fetched"


# --------------------------------------------------------------------------- the stand-in


def standin(checkout: Path, *args: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, str(checkout / STANDIN), "--headless", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def load_image(checkout: Path, image: Path):
    return standin(
        checkout,
        str(image),
        "--no-default-preferences",
        "--save",
        "--quit",
        str(checkout / "scripts/installVMMaker.st"),
        str(checkout),
        "httpsUrl",
    )


@pytest.mark.parametrize("branch", ["pharo-9", "pharo-12"])
def test_standin_reads_the_image_only_in_both_styles(fake_origin, tmp_path, branch):
    checkout = clone(fake_origin, tmp_path / "pharo-vm", branch)
    for name in ("MIDIPlugin", "UUIDPlugin", "LargeIntegersPlugin", "FileAttributesPlugin"):
        add_to_external_list(checkout, name)
    image = tmp_path / "image" / "VMMaker.image"
    loaded = load_image(checkout, image)
    assert loaded.returncode == 0, loaded.stderr
    assert (image.parent / "smalltalksrc/VMMaker/FloatArrayPlugin.class.st").is_file()

    write_plugin_class(checkout, "Later")  # after the image was made
    add_to_external_list(checkout, "Later")
    out = tmp_path / "out"
    if branch == "pharo-9":
        command = ["eval", f"PharoVMMaker generate: #'CoInterpreter' outputDirectory: '{out}'"]
    else:
        command = [
            "perform",
            "PharoVMMaker",
            "generate:outputDirectory:",
            "CoInterpreter",
            str(out),
        ]
    done = standin(checkout, str(image), "--no-default-preferences", *command)
    assert done.returncode == 0, done.stderr
    src = out / "generated" / "64" / "plugins" / "src"
    assert sorted(p.name for p in src.iterdir()) == sorted(
        [
            *(EXTERNAL_PLUGINS_2026 if branch == "pharo-12" else STOCK_EXTERNAL_PLUGINS),
            "MIDIPlugin",
            "UUIDPlugin",
            "LargeIntegers",
            "FileAttributesPlugin",
        ]
    )
    midi = (src / "MIDIPlugin" / "MIDIPlugin.c").read_text()
    assert "EXPORT(sqInt) primitiveMIDIGetPortName(void)" in midi
    assert "interpreterProxy->instantiateClassindexableSize" in midi
    assert (
        "EXPORT(sqInt) primGetModuleName(void)"
        in (src / "LargeIntegers/LargeIntegers.c").read_text()
    )
    assert '#include "SurfacePlugin.h"' in (src / "SurfacePlugin/SurfacePlugin.c").read_text()
    assert (
        '#include "FloatArrayPlugin.h"'
        not in (src / "FloatArrayPlugin/FloatArrayPlugin.c").read_text()
    )
    assert "Later" in external_list(checkout)


def test_standin_errors_like_the_image(fake_origin, tmp_path):
    checkout = clone(fake_origin, tmp_path / "pharo-vm")
    image = tmp_path / "image" / "VMMaker.image"
    perform = ["perform", "PharoVMMaker", "generate:outputDirectory:"]
    missing = standin(checkout, str(image), *perform, "CoInterpreter", str(tmp_path))
    assert missing.returncode == 1 and "Could not open the image" in missing.stderr
    assert load_image(checkout, image).returncode == 0
    unknown = standin(checkout, str(image), *perform, "NoSuchVM", str(tmp_path))
    assert unknown.returncode == 1
    assert "MessageNotUnderstood: PharoVMMaker>>#generateNoSuchVM" in unknown.stderr

    broken = checkout / "smalltalksrc/VMMaker/Broken.class.st"
    broken.write_text(
        "Class {\n\t#name : 'Broken',\n\t#superclass : 'Object'\n}\n\nBroken >> x [\n\t^ [ 1\n"
    )
    failed = load_image(checkout, tmp_path / "other" / "VMMaker.image")
    assert failed.returncode == 1 and "TonelParseError" in failed.stderr


def test_standin_noise_is_chatter_only(fake_origin, tmp_path):
    """200,000 lines of chatter, none like make's progress (its speed: ``bench/stream``)."""
    checkout = clone(fake_origin, tmp_path / "pharo-vm")
    image = tmp_path / "image" / "VMMaker.image"
    assert load_image(checkout, image).returncode == 0
    done = standin(
        checkout,
        str(image),
        "perform",
        "PharoVMMaker",
        "generate:outputDirectory:",
        "CoInterpreter",
        str(tmp_path / "out"),
        env={"VMMAKER_STANDIN_NOISE_LINES": "200000"},
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 200_000 + 2
    assert lines[0].startswith("Translating ")
    assert not any(line.startswith("[") for line in lines), "nothing that looks like make progress"


def test_the_2025_layout_and_its_traps(fake_origin, tmp_path):
    """pharo-12 has the 2025 layout: only cmake/plugins.cmake and cmake/vmmaker.cmake count."""
    checkout = clone(fake_origin, tmp_path / "pharo-vm", "pharo-12")
    cmakelists = (checkout / "CMakeLists.txt").read_text()
    assert "include(cmake/plugins.cmake)" in cmakelists
    assert "include(plugins.cmake)" not in cmakelists
    assert (checkout / "plugins.cmake").is_file(), "the stale root list is still there"
    assert not (checkout / "extracted/plugins").exists()
    assert (checkout / "plugins/FilePlugin/src/common").is_dir()
    write_plugin_class(checkout, "MyPlugin")
    add_to_external_list(checkout, "MyPlugin")

    # Trap 1: declaring the plugin in the stale root plugins.cmake builds nothing.
    root = checkout / "plugins.cmake"
    root.write_text(
        root.read_text()
        + "\nadd_vm_plugin(MyPlugin\n\t${PHARO_CURRENT_GENERATED}/plugins/src/MyPlugin/MyPlugin.c)\n"
    )
    ignored = configure(checkout, tmp_path / "ignored")
    assert ignored.returncode == 0, ignored.stdout
    assert "MyPlugin" not in ignored.stdout

    # Trap 2: the root CMakeLists' PLUGIN_GENERATED_FILES is overwritten by cmake/vmmaker.cmake.
    declare_plugin(checkout, "MyPlugin")
    (checkout / "CMakeLists.txt").write_text(
        cmakelists.replace(
            "generated/plugins/src/FilePlugin/FilePlugin.c",
            "generated/plugins/src/FilePlugin/FilePlugin.c\n"
            "    ${GENERATED_SOURCE_DIR}/generated/64/plugins/src/MyPlugin/MyPlugin.c",
        )
    )
    failed = configure(checkout, tmp_path / "failed")
    assert failed.returncode != 0
    assert "Cannot find source file" in failed.stdout

    # The right place: cmake/vmmaker.cmake's list, then one pass builds it.
    (checkout / "CMakeLists.txt").write_text(cmakelists)
    add_generated_file(checkout, "MyPlugin")
    build = tmp_path / "build"
    configured = configure(checkout, build)
    assert configured.returncode == 0, configured.stdout
    assert "Adding plugin MyPlugin including generated code TRUE" in configured.stdout
    built = install(build)
    assert built.returncode == 0, built.stdout
    assert "primitiveAnswer" in exported_symbols(build / "build/dist/lib/libMyPlugin.so")


# --------------------------------------------------------------------------- the VM stand-in


def test_the_vm_standin_says_it_is_one(fake_origin):
    head = (fake_origin / VM_STANDIN).read_text()[:1200]
    assert "THE VM STAND-IN" in head
    assert "no Smalltalk runs" in (fake_origin / VM_STANDIN).read_text()


def try_command(build: Path, plugin: str, examples: Path, bench: str = "0") -> list[str]:
    """The try command line of docs/try.md, on a copy of the plain image the build left."""
    images = sorted((build / "build/vmmaker/image").glob("Pharo*.image"))
    assert len(images) == 1, images
    image = shutil.copy(images[0], examples.parent / images[0].name)
    script = examples.parent / "try-plugin.st"
    script.write_text('"not read: no Smalltalk runs in the stand-in"\n')
    return [str(build / "build/vm/pharo"), "--headless", str(image), "--no-default-preferences",
            "--quit", str(script), str(examples), plugin, bench]  # fmt: skip


def test_the_vm_standin_loads_the_library_by_module_name_and_calls_primitives(
    fake_origin, tmp_path
):
    """The built VM (the stand-in) loads libMyPlugin.so only through the library path, calls
    the real primitives, and prints try-plugin.st's lines; the VMMaker stand-in's C does not
    compute, so a primitive answers the top of the stack: receiver, or its last argument."""
    checkout = clone(fake_origin, tmp_path / "pharo-vm", "pharo-12")
    write_plugin_class(checkout, "MyPlugin", superclass="SmartSyntaxInterpreterPlugin")
    add_to_external_list(checkout, "MyPlugin")
    add_generated_file(checkout, "MyPlugin")
    declare_plugin(checkout, "MyPlugin")
    build = tmp_path / "build"
    assert configure(checkout, build).returncode == 0
    built = install(build)
    assert built.returncode == 0, built.stdout
    image_folder = build / "build/vmmaker/image"
    for suffix in (".image", ".changes", ".sources"):
        assert len(list(image_folder.glob(f"Pharo*{suffix}"))) == 1, suffix
    assert (image_folder / "VMMaker.image").is_file()

    work = tmp_path / "try"
    work.mkdir()
    examples = work / "examples.txt"
    examples.write_text(
        "#try-examples 2\n"
        "primitiveEcho\t\t'it''s'\t'it''s'\n"
        "primitiveAnswer\t\t42\n"
        "primitiveMissing\t\tnil\n"
        "primitiveEcho\t\t-7\t'a\\tb'\t-7\n"
        "primitiveAnswer\t#(1.0 2.5) asFloatArray\tx\n"
        "primitiveEcho\t#[1 2]\tx\t#(3 4) asByteArray\n"
        "primitiveEcho\t16rFF\tx\t#(1 $a #b c 2.5) asString\n"
    )
    command = try_command(build, "MyPlugin", examples, bench="1")
    library_path = {**os.environ, "LD_LIBRARY_PATH": str(build / "build/vm")}
    ran = subprocess.run(command, capture_output=True, text=True, env=library_path, cwd=work)
    assert ran.returncode == 0, ran.stderr
    tries = [line for line in ran.stdout.splitlines() if line.startswith("TRY")]
    assert tries == [
        "TRY primitiveEcho => 'it''s'",
        "TRY primitiveAnswer => a PharoPluginWizardTry",
        "TRY primitiveMissing FAILED #'not found'",
        "TRY primitiveEcho => -7",
        "TRY primitiveAnswer => a Float32Array(1.0 2.5)",
        "TRY primitiveEcho => #[3 4]",
        "TRY primitiveEcho => '#(1 $a #b #c 2.5)'",
    ]
    benches = [line.split() for line in ran.stdout.splitlines() if line.startswith("BENCH")]
    assert [words[1] for words in benches] == [
        "primitiveEcho",
        "primitiveAnswer",
        "primitiveEcho",
        "primitiveAnswer",
        "primitiveEcho",
        "primitiveEcho",
    ]
    assert all(float(words[2]) > 0 and words[3:] == ["per", "second"] for words in benches)

    # Only the library path finds it: moved out of the VM's folder, it loads from there.
    libraries = tmp_path / "libraries"
    libraries.mkdir()
    (build / "build/vm/libMyPlugin.so").rename(libraries / "libMyPlugin.so")
    (build / "build/dist/lib/libMyPlugin.so").unlink()
    moved = {**os.environ, "LD_LIBRARY_PATH": str(libraries)}
    found = subprocess.run(command, capture_output=True, text=True, env=moved, cwd=work)
    assert "TRY primitiveEcho => 'it''s'" in found.stdout, found.stderr
    elsewhere = {**os.environ, "LD_LIBRARY_PATH": str(tmp_path)}
    lost = subprocess.run(command, capture_output=True, text=True, env=elsewhere, cwd=work)
    assert lost.returncode == 0
    assert "TRY primitiveEcho FAILED #'not found'" in lost.stdout
    assert lost.stderr.count("Failed to load module: MyPlugin") == 1, "tried once"
    assert not (work / "crash.dmp").exists()

    # Another format of the examples file is refused as the script refuses it.
    examples.write_text("primitiveEcho\t'it''s'\t'it''s'\n")
    old = subprocess.run(command, capture_output=True, text=True, env=library_path, cwd=work)
    assert old.returncode == 1
    assert "not an examples file of format 2" in old.stderr
    assert "TRY" not in old.stdout


# --------------------------------------------------------------------------- the Slang loop


@pytest.mark.parametrize("branch", ["pharo-9", "pharo-12"])
def test_the_standin_vm_regenerates_one_plugin_and_make_keeps_it(plain_build, tmp_path, branch):
    """The regeneration command of docs/slang-loop.md, run by the stand-in VM: one
    plugin's C, nothing saved, and the next make neither regenerates nor rebuilds the image."""
    import json

    plain = plain_build(branch)  # clone, configure, make install (tests/shared_builds.py)
    checkout, build = plain.checkout, plain.build
    assert plain.configured.returncode == 0
    assert plain.built.returncode == 0
    vmmaker = build / "build" / "vmmaker"
    image = vmmaker / "image" / "VMMaker.image"
    base = sorted(p.name for p in (vmmaker / "image").glob("Pharo*"))
    assert [name.rsplit(".", 1)[1] for name in base] == ["changes", "image", "sources"]
    image_text = image.read_text()
    others = {name: generated(build, name).read_text() for name in ("FilePlugin", "SurfacePlugin")}

    changed = tmp_path / "FloatArrayPlugin.class.st"
    original = (checkout / "smalltalksrc/VMMaker/FloatArrayPlugin.class.st").read_text()
    changed.write_text(original.replace("primitiveSum", "primitiveTotal"))
    script = Path(__file__).parent.parent / "wizard" / "smalltalk" / "regenerate-plugin.st"
    regenerate = run(
        [
            str(vmmaker / "vm" / "pharo"),
            "--headless",
            str(image),
            "--no-default-preferences",
            "--quit",
            str(script),
            str(changed),
            str(build),
            "FloatArrayPlugin",
        ]
    )
    assert regenerate.returncode == 0, regenerate.stdout
    assert "EXPORT(sqInt) primitiveTotal(void)" in generated(build, "FloatArrayPlugin").read_text()
    assert image.read_text() == image_text, "the image is not saved"
    assert {n: generated(build, n).read_text() for n in others} == others
    records = [json.loads(line) for line in (vmmaker / "vmmaker-standin-record.jsonl").open()]
    assert (records[-1]["command"], records[-1]["plugins"]) == (
        "regenerate-plugin",
        ["FloatArrayPlugin"],
    )

    again = install(build)
    assert again.returncode == 0, again.stdout
    after = [json.loads(line) for line in (vmmaker / "vmmaker-standin-record.jsonl").open()]
    assert after == records, "make neither rebuilt the image nor generated again"
    assert "primitiveTotal" in exported_symbols(build / "build/vm/libFloatArrayPlugin.so")


def test_the_standin_rejects_a_method_slang_cannot_translate(fake_origin, tmp_path):
    checkout = clone(fake_origin, tmp_path / "pharo-vm")
    build = tmp_path / "build"
    assert configure(checkout, build).returncode == 0
    assert install(build).returncode == 0
    before = generated(build, "FloatArrayPlugin").read_text()
    changed = tmp_path / "FloatArrayPlugin.class.st"
    original = (checkout / "smalltalksrc/VMMaker/FloatArrayPlugin.class.st").read_text()
    changed.write_text(original.replace("<export: true>", "<export: true>\n\tthisContext.", 1))
    script = Path(__file__).parent.parent / "wizard" / "smalltalk" / "regenerate-plugin.st"
    vmmaker = build / "build" / "vmmaker"
    result = subprocess.run(
        [str(vmmaker / "vm" / "pharo"), "--headless", str(vmmaker / "image" / "VMMaker.image"),
         "--no-default-preferences", "--quit", str(script), str(changed), str(build),
         "FloatArrayPlugin"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    # One line, as regenerate-plugin.st prints it, naming the method being translated.
    assert result.stderr.splitlines() == [
        "regenerate-plugin: translate failed in FloatArrayPlugin>>primitiveAddFloatArray: "
        "Error: thisContext cannot be translated to C"
    ]
    assert generated(build, "FloatArrayPlugin").read_text() == before
