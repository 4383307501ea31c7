"""Step 13 ``try`` on the test repository, with the real cmake, make, C compiler and dlopen.

Two test doubles stand where a Pharo image would be needed: the VMMaker stand-in, which
writes C that does not compute (its primitives leave the stack as they find it), and the
VM stand-in (``src/vm-standin.c``, built as ``build/vm/pharo``), which loads the real plugin
library by module name through the library path and calls its real primitives.  So an echo
primitive (``^ aString``) answers its argument here, as it would in the real VM.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
import yaml

from fakevm.profiles import ECHO, EXAMPLES, echo_profile, write_profile
from tests.helpers import headers, wizard

PLAIN_IMAGE = "Pharo12.0-SNAPSHOT-64bit-aa50f9c.image"


SUM = {
    "protocol": "primitives",
    "source": (
        "primitiveSum\n"
        '\t"Answer the sum of the elements of the receiver, a Float32Array."\n'
        "\t| rcvr floats length sum |\n"
        "\t<export: true>\n"
        "\t<var: #floats type: #'float *'>\n"
        "\t<var: #sum type: #double>\n"
        "\trcvr := interpreterProxy stackValue: 0.\n"
        "\t(interpreterProxy isWords: rcvr) ifFalse: [ ^ interpreterProxy primitiveFail ].\n"
        "\tlength := interpreterProxy stSizeOf: rcvr.\n"
        "\tfloats := self cCoerce: (interpreterProxy firstIndexableField: rcvr) to: #'float *'.\n"
        "\tsum := 0.0.\n"
        "\t0 to: length - 1 do: [ :i | sum := sum + (floats at: i) ].\n"
        "\tinterpreterProxy pop: 1 thenPush: (interpreterProxy floatObjectOf: sum)\n"
    ),
}
HANG = {
    "protocol": "primitives",
    "source": (
        "primitiveHang\n"
        '\t"Never answer, like a primitive that waits for what never comes."\n'
        "\t<export: true>\n"
        "\t[ true ] whileTrue\n"
    ),
}
#: The same primitives by hand, so that they compute (the VMMaker stand-in's C does not).
COMPUTING = (
    "#include <unistd.h>\n"
    "EXPORT(sqInt) primitiveEcho(void) { return 0; }\n"
    "EXPORT(sqInt) primitiveSum(void) {\n"
    "  sqInt rcvr = proxy->stackValue(0), i;\n"
    "  double sum = 0;\n"
    "  float *floats;\n"
    "  if (!proxy->isWords(rcvr)) return proxy->primitiveFail();\n"
    "  floats = proxy->firstIndexableField(rcvr);\n"
    "  for (i = 0; i < proxy->stSizeOf(rcvr); i++) sum += floats[i];\n"
    "  return proxy->popthenPush(1, proxy->floatObjectOf(sum));\n"
    "}\n"
    "EXPORT(sqInt) primitiveHang(void) { for (;;) pause(); }\n"
)


def set_examples(profile: Path, examples: list[dict]) -> None:
    data = yaml.safe_load(profile.read_text())
    data["plugin"]["examples"] = examples
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def digest(path: Path) -> tuple[str, float]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime


def replace_library(workspace: Path, body: str) -> None:
    """Build a HelloWorldPlugin library by hand with the real C compiler, over the built one."""
    source = workspace / "hand.c"
    source.write_text(
        '#include "sqVirtualMachine.h"\n'
        "static struct VirtualMachine *proxy;\n"
        'EXPORT(const char *) getModuleName(void) { return "HelloWorldPlugin (by hand)"; }\n'
        "EXPORT(sqInt) setInterpreter(struct VirtualMachine *vm) { proxy = vm; return 1; }\n" + body
    )
    header = next((workspace / "pharo-vm").rglob("sqVirtualMachine.h")).parent
    library = workspace / "build/build/vm/libHelloWorldPlugin.so"
    built = subprocess.run(
        ["cc", "-shared", "-fPIC", "-I", str(header), "-o", str(library), str(source)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr


@pytest.mark.slow
def test_try_calls_the_examples_in_the_built_vm(fake_origin, workspace):
    profile = echo_profile(workspace, fake_origin, EXAMPLES)
    until = wizard("--replay", str(profile), "--until", "verify", cwd=workspace)
    assert until.returncode == 0, until.stdout[-3000:]
    vmmaker = workspace / "build/build/vmmaker/image/VMMaker.image"
    before = digest(vmmaker)

    result = wizard("--replay", str(profile), "--bench", cwd=workspace)
    assert result.returncode == 0, result.stdout[-3000:]
    assert headers(result.stdout)[-1] == ("try", "ok")
    table = result.stdout[result.stdout.index("primitive  ") :].splitlines()
    assert table[0].split() == ["primitive", "arguments", "expected", "got", "calls/s", "verdict"]
    assert table[1].split()[:4] == ["primitiveEcho", "'Hello'", "'Hello'", "'Hello'"]
    assert table[1].split()[-1] == "ok"
    assert int(table[1].split()[4].replace(",", "")) > 0
    assert "'it''s\\tTAB'" in table[2] and table[2].endswith("ok")

    try_folder = workspace / "build/pharo-plugin-wizard/try"
    assert sorted(p.name for p in try_folder.glob("*.image")) == [PLAIN_IMAGE]
    written = (try_folder / "examples.txt").read_text()
    assert written.splitlines()[0] == "#try-examples 2"
    assert written.count("\n") == 3
    assert "--no-default-preferences --quit" in result.stdout
    assert digest(vmmaker) == before, "try never touches the VMMaker image"

    state = yaml.safe_load(profile.read_text())["state"]["steps"]["try"]
    assert state["status"] == "done"
    assert [row["got"] for row in state["table"]] == ["'Hello'", "'it''s\tTAB'"]
    assert all(row["calls_per_second"] > 0 for row in state["table"])

    # Without --bench: no calls/s column.
    plain = wizard("--replay", str(profile), cwd=workspace)
    assert plain.returncode == 0
    assert "calls/s" not in plain.stdout and "BENCH" not in plain.stdout

    # A wrong expected answer: exit 1, naming the primitive and both answers.
    set_examples(profile, [{**EXAMPLES[0], "answers": "'Bye'"}])
    wrong = wizard("--replay", str(profile), cwd=workspace)
    assert wrong.returncode == 1
    assert headers(wrong.stdout)[-1] == ("try", "FAILED")
    assert "FAILED: try: primitiveEcho: not the expected answer" in wrong.stdout
    assert "primitiveEcho answered 'Hello', expected 'Bye'" in wrong.stdout
    failed = yaml.safe_load(profile.read_text())["state"]["steps"]["try"]
    assert failed["status"] == "failed"
    assert failed["table"][0]["verdict"] == "MISMATCH"

    # A primitive the library lacks (a library built by hand without it): #'not found'.
    set_examples(profile, EXAMPLES[:1])
    replace_library(workspace, "")
    lacking = wizard("--replay", str(profile), "--from", "try", cwd=workspace)
    assert lacking.returncode == 1, lacking.stdout[-2000:]
    assert "FAILED: try: primitiveEcho: not the expected answer" in lacking.stdout
    assert "primitiveEcho failed with #'not found'" in lacking.stdout
    assert "did not load the module or did not find the primitive" in lacking.stdout

    # A primitive that crashes the VM: its exit status and crash.dmp are named.
    replace_library(
        workspace,
        "EXPORT(sqInt) primitiveEcho(void) { return (sqInt) proxy->ioLoadFunctionFrom(0, 0); }\n",
    )
    crash = wizard("--replay", str(profile), "--from", "try", cwd=workspace)
    assert crash.returncode == 1
    assert "the VM stopped with exit status 255" in crash.stdout
    assert str(try_folder / "crash.dmp") in crash.stdout
    assert "before answering primitiveEcho" in crash.stdout
    assert digest(vmmaker) == before


def test_without_examples_try_is_skipped_saying_why(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin)
    result = wizard("--replay", str(profile), "--from", "try", "--dry-run", cwd=workspace)
    assert result.returncode == 0, result.stderr
    # A run skips it (nothing to call); it is not "done" before verify has passed.
    assert "would skip, not done yet: the profile has no plugin.examples" in result.stdout


def vms_running_in(folder: Path) -> list[int]:
    """The pids of processes whose command line names ``folder`` (the try folder)."""
    import psutil

    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        if any(str(folder) in part for part in process.info["cmdline"] or ()):
            found.append(process.info["pid"])
    return found


@pytest.mark.slow
def test_try_calls_primitives_on_receivers_and_stops_a_hanging_vm(fake_origin, workspace):
    on_floats = {
        "primitive": "primitiveSum",
        "receiver": "#(1.0 2.0 3.0) asFloatArray",
        "answers": "a Float32Array(1.0 2.0 3.0)",
    }
    on_bytes = {
        "primitive": "primitiveEcho",
        "receiver": "#[1 2 3]",
        "arguments": ["#(4 5) asByteArray"],
        "answers": "#[4 5]",
    }
    profile = echo_profile(workspace, fake_origin, [on_floats, on_bytes], methods=(ECHO, SUM, HANG))
    # The VMMaker stand-in's C leaves the stack as it is: primitiveSum answers its receiver,
    # which shows that the Float32Array reached the primitive as the receiver.
    built = wizard("--replay", str(profile), cwd=workspace)
    assert built.returncode == 0, built.stdout[-3000:]
    assert headers(built.stdout)[-1] == ("try", "ok")
    assert "on #(1.0 2.0 3.0) asFloatArray" in built.stdout
    planned = wizard("--replay", str(profile), "--from", "try", "--dry-run", cwd=workspace)
    assert "try-plugin.st" in planned.stdout and "(stopped after 120 s)" in planned.stdout
    written = (workspace / "build/pharo-plugin-wizard/try/examples.txt").read_text()
    assert "primitiveSum\t#(1.0 2.0 3.0) asFloatArray\ta Float32Array(1.0 2.0 3.0)\n" in written

    # Primitives that compute, by hand: the sum of the receiver's floats.
    replace_library(workspace, COMPUTING)
    set_examples(profile, [{**on_floats, "answers": "6.0"}, on_bytes])
    summed = wizard("--replay", str(profile), "--from", "try", cwd=workspace)
    assert summed.returncode == 0, summed.stdout[-3000:]
    state = yaml.safe_load(profile.read_text())["state"]["steps"]["try"]
    assert [row["got"] for row in state["table"]] == ["6.0", "#[4 5]"]

    # A primitive that never answers: the VM is stopped after build.try_timeout, the step
    # fails naming the example it was running, and nothing of it is left running.
    hang = {"primitive": "primitiveHang", "receiver": "3", "answers": "nil"}
    set_examples(profile, [{**on_floats, "answers": "6.0"}, hang, on_bytes])
    hung = wizard(
        "--replay", str(profile), "--from", "try", "--set", "build.try_timeout=2", cwd=workspace
    )
    assert hung.returncode == 1, hung.stdout[-3000:]
    assert headers(hung.stdout)[-1] == ("try", "FAILED")
    assert "neither answered nor exited within build.try_timeout (2 s)" in hung.stdout
    assert "while running example 2 (primitiveHang on 3)" in hung.stdout
    assert vms_running_in(workspace / "build/pharo-plugin-wizard/try") == []
    table = yaml.safe_load(profile.read_text())["state"]["steps"]["try"]["table"]
    assert [row["verdict"] for row in table] == ["ok", "NO ANSWER", "NO ANSWER"]
