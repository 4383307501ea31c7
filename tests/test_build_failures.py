"""A make run that fails outside the C compiler: the failing command's own first lines are
shown (issue 29, 5), not only make's ``gmake: *** … Error 2``."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakevm.profiles import write_profile
from tests.helpers import headers, wizard
from wizard.steps.build_logs import tool_error_lines

MAKE_GAVE_UP = [
    "gmake[2]: *** [CMakeFiles/generate-sources.dir/build.make:77: generated/64/vm/src/"
    "cogit.c] Error 1",
    "gmake[1]: *** [CMakeFiles/Makefile2:389: CMakeFiles/generate-sources.dir/all] Error 2",
    "gmake: *** [Makefile:146: all] Error 2",
]

# The shape of pharo-vm's first make install when the image's code fails: cmake's progress,
# the image's loading chatter, then (on stderr, after a blank line) the unhandled error and
# its stack as a headless Pharo prints them, then make giving up.
IMAGE_FAILS = [
    "# generate: generate the C sources (first make install) (no C yet)",
    "$ cmake --build build --target install -j 2",
    "[  5%] Built target vmmaker_vm",
    "[  6%] Performing build step for 'vmmaker'",
    "Loading baseline of VMMaker from tonel:///home/me/MyPlugins/pharo-vm/smalltalksrc",
    "Loaded -> VMMaker-Plugins",
    "[  7%] Built target vmmaker",
    "[  8%] Generating VM files for flavour: CoInterpreter",
    "",
    'MessageNotUnderstood: receiver of "generateExternalPlugin:" is nil',
    "UndefinedObject(Object)>>doesNotUnderstand: #generateExternalPlugin:",
    "PharoVMMaker>>generate:outputDirectory:",
    "PharoVMMaker class>>generate:outputDirectory:",
    "[ 12%] Building C object CMakeFiles/PharoVMCore.dir/src/memoryUnix.c.o",
    *MAKE_GAVE_UP,
]

# The VM itself crashing: no word of Smalltalk, the VM's own report.
VM_CRASHES = [
    "[  8%] Generating VM files for flavour: CoInterpreter",
    "Segmentation fault Mon Dec  7 01:00:00 2026",
    "",
    "/home/me/MyPlugins/build/build/vmmaker/vm/pharo",
    "C stack backtrace & registers:",
    *MAKE_GAVE_UP,
]


def log_of(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "generate.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_images_error_comes_first_with_its_stack(tmp_path):
    shown = tool_error_lines(log_of(tmp_path, IMAGE_FAILS))
    assert shown == [
        'MessageNotUnderstood: receiver of "generateExternalPlugin:" is nil',
        "UndefinedObject(Object)>>doesNotUnderstand: #generateExternalPlugin:",
        "PharoVMMaker>>generate:outputDirectory:",
        "PharoVMMaker class>>generate:outputDirectory:",
    ]


def test_a_vm_crash_shows_the_vms_report(tmp_path):
    shown = tool_error_lines(log_of(tmp_path, VM_CRASHES))
    assert shown[0] == "Segmentation fault Mon Dec  7 01:00:00 2026"
    assert "C stack backtrace & registers:" in shown


def test_a_make_run_that_did_not_give_up_explains_nothing(tmp_path):
    assert tool_error_lines(log_of(tmp_path, IMAGE_FAILS[:-3])) == []
    assert tool_error_lines(log_of(tmp_path, MAKE_GAVE_UP)) == []


@pytest.mark.slow
def test_generate_failing_in_the_image_says_the_images_error(fake_origin, workspace):
    """The VMMaker stand-in asked for a flavour its PharoVMMaker does not know: the image
    reports it and exits 1, make gives up; the wizard shows the image's line."""
    profile = write_profile(workspace, fake_origin, cmake_options={"FLAVOUR": "BogusVM"})
    # FLAVOUR is a cache string of pharo-vm's, not a switch it declares: it needs --trust.
    result = wizard("--replay", str(profile), "--until", "generate", "--trust", cwd=workspace)
    assert result.returncode == 1, result.stdout[-3000:]
    assert headers(result.stdout)[-1] == ("generate", "FAILED")
    summary = result.stdout.split("FAILED: generate:", 1)[1]
    first = summary.splitlines()[0]
    assert "the build failed:" in first and "generateBogusVM" in first, summary
    assert "    gmake" in summary or "    make" in summary  # make's own line comes after it
