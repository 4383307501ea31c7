"""The wizard's own paths in a shared workspace: no link followed, nothing half-written.

A colleague's workspace is made as a repository would bring it: links and all. Each attack
names a file outside the workspace that must stay exactly as it was.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fakevm.profiles import write_profile
from tests.helpers import headers, wizard
from tests.test_runner import RecordingSink
from wizard.engine.actions import RemoveFolder, WriteFile
from wizard.engine.sink import StepOutput
from wizard.engine.step import Context
from wizard.profile.load import load_profile

SECRET = "ssh-ed25519 AAAA... the colleague must not touch this\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file of the user's outside the workspace (their ``~/.bashrc``, as it were)."""
    path = tmp_path / "home" / ".bashrc"
    path.parent.mkdir()
    path.write_text(SECRET)
    return path


def test_a_shipped_lock_link_is_refused_and_its_target_untouched(fake_origin, workspace, outside):
    profile = write_profile(workspace, fake_origin)
    (profile.parent / f".{profile.name}.lock").symlink_to(outside)
    result = wizard("--replay", str(profile), "--until", "clone", cwd=workspace)
    assert outside.read_text() == SECRET
    assert result.returncode == 2, result.stdout + result.stderr
    assert f".{profile.name}.lock is a symbolic link" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert outside.read_text() == SECRET


def test_a_shipped_lock_link_beside_the_checkout_is_refused(fake_origin, workspace, outside):
    profile = write_profile(workspace, fake_origin)
    (workspace / ".pharo-vm.pharo-plugin-wizard.lock").symlink_to(outside)
    result = wizard("--replay", str(profile), "--until", "clone", cwd=workspace)
    assert result.returncode == 2
    assert not (workspace / "pharo-vm").exists(), "refused before it changed anything"
    assert "is a symbolic link" in result.stderr
    assert outside.read_text() == SECRET


def test_a_shipped_record_temporary_link_is_never_written(fake_origin, workspace, outside):
    profile = write_profile(workspace, fake_origin)
    build = workspace / "build"
    build.mkdir()
    (build / ".pharo-plugin-wizard.json.tmp").symlink_to(outside)
    result = wizard("--replay", str(profile), "--until", "configure", cwd=workspace)
    assert result.returncode == 0, result.stdout
    assert outside.read_text() == SECRET
    assert (build / ".pharo-plugin-wizard.json.tmp").is_symlink()
    assert '"plugin": "HelloWorldPlugin"' in (build / "pharo-plugin-wizard.json").read_text()


def test_a_fifo_at_the_build_record_is_refused_named(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin)
    build = workspace / "build"
    build.mkdir()
    os.mkfifo(build / "pharo-plugin-wizard.json")
    # A build folder with something in it and no record of the wizard's is refused first
    # (the trust gate), and nothing is written ...
    refused = wizard("--replay", str(profile), "--until", "configure", cwd=workspace, timeout=60)
    assert refused.returncode == 2, refused.stdout[-2000:] + refused.stderr
    assert stat.S_ISFIFO((build / "pharo-plugin-wizard.json").lstat().st_mode)
    # ... and with --trust, the FIFO at the wizard's own path is still never written.
    result = wizard(
        "--replay", str(profile), "--until", "configure", "--trust", cwd=workspace, timeout=60
    )
    assert result.returncode == 1
    failed = next(line for line in result.stdout.splitlines() if line.startswith("FAILED:"))
    assert "configure" in failed and "pharo-plugin-wizard.json is a FIFO" in failed, failed


def test_a_link_at_the_plugin_class_is_refused_not_followed(built_workspace):
    built = built_workspace(until="branch")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    proxy = checkout / "smalltalksrc/VMMaker/InterpreterProxy.class.st"
    before = proxy.read_text()
    (checkout / "smalltalksrc/VMMaker/HelloWorldPlugin.class.st").symlink_to(proxy)
    result = wizard("--replay", str(profile), "--until", "plugin-source", "--force", cwd=workspace)
    assert result.returncode == 1
    assert headers(result.stdout)[-1] == ("plugin-source", "FAILED")
    assert "HelloWorldPlugin.class.st is a symbolic link" in result.stdout
    assert proxy.read_text() == before


def test_a_fifo_at_a_log_is_refused_without_hanging(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin)
    logs = workspace / "logs" / "HelloWorldPlugin"
    logs.mkdir(parents=True)
    os.mkfifo(logs / "clone.log")
    result = wizard("--replay", str(profile), "--until", "clone", cwd=workspace, timeout=120)
    assert result.returncode == 1
    assert "clone.log is a FIFO" in result.stdout


def context_for(workspace: Path, fake_origin: Path) -> Context:
    profile = write_profile(workspace, fake_origin)
    return Context(load_profile(profile))


def test_try_and_the_loop_never_reach_through_a_linked_own_folder(fake_origin, workspace, tmp_path):
    """``build/pharo-plugin-wizard`` as a link to a folder elsewhere: nothing there is removed
    or written, by the try step's actions or by the Slang loop's copy of the previous C."""
    elsewhere = tmp_path / "elsewhere"
    for name in ("try/keep.txt", "previous-c/keep.txt", "try/examples.txt"):
        (elsewhere / name).parent.mkdir(parents=True, exist_ok=True)
        (elsewhere / name).write_text(SECRET)
    ctx = context_for(workspace, fake_origin)
    ctx.build_dir.mkdir()
    (ctx.build_dir / "pharo-plugin-wizard").symlink_to(elsewhere)
    c_file = ctx.build_dir / "generated/64/plugins/src/HelloWorldPlugin/HelloWorldPlugin.c"
    c_file.parent.mkdir(parents=True)
    c_file.write_text("/* generated */\n")
    out = StepOutput(RecordingSink(), None)
    from wizard.checkout.safe_files import UnsafePath
    from wizard.slang.loop import PreviousC

    attempts = [
        lambda: RemoveFolder(ctx.build_dir / "pharo-plugin-wizard/try").perform(ctx, out),
        lambda: WriteFile(ctx.build_dir / "pharo-plugin-wizard/try/examples.txt", "x").perform(
            ctx, out
        ),
        lambda: PreviousC.keep(ctx.build_dir, "HelloWorldPlugin"),
    ]
    for attempt in attempts:
        with pytest.raises(UnsafePath) as caught:
            attempt()
        assert "pharo-plugin-wizard is a symbolic link" in caught.value.message
    assert sorted(p.name for p in elsewhere.rglob("*")) == [
        "examples.txt",
        "keep.txt",
        "keep.txt",
        "previous-c",
        "try",
    ]
    assert all(p.read_text() == SECRET for p in elsewhere.rglob("*.txt"))


def test_a_full_disk_leaves_the_old_file_and_names_the_new_one(tmp_path, monkeypatch):
    """ENOSPC, simulated in-process: the disk fills up while the new file is flushed."""
    from wizard.checkout import safe_files

    (tmp_path / "a").mkdir()
    target = tmp_path / "a" / "file.txt"
    target.write_text("old\n")

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as caught:
        safe_files.write_text(tmp_path, "a/file.txt", "new\n" * 1000)
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(target)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.txt"]


def big_source_profile(workspace: Path, fake_origin: Path) -> tuple[Path, Path]:
    """A profile with one hand-written C file under ``plugin.sources`` (small for now)."""
    profile = write_profile(workspace, fake_origin)
    data = yaml.safe_load(profile.read_text())
    data["plugin"]["sources"] = {"common": ["helper.c"]}
    profile.write_text(yaml.safe_dump(data, sort_keys=False))
    source = profile.parent / "helper.c"
    source.write_text("/* helper */\nint helper(void) { return 1; }\n")
    return profile, source


LIMITED = (
    "import resource, sys\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))\n"
    "from wizard.commands.cli import main\n"
    "main(sys.argv[2:])\n"
)


def test_a_file_too_big_for_the_disk_is_never_left_half_written(fake_origin, workspace):
    """A full disk, simulated with RLIMIT_FSIZE on the wizard's process (writes past the
    limit fail with EFBIG, as they fail with ENOSPC on a full disk): the step fails naming
    the file and the step, the old file stays, and the next run does not call it a hand
    edit."""
    profile, source = big_source_profile(workspace, fake_origin)
    first = wizard("--replay", str(profile), "--until", "plugin-source", cwd=workspace)
    assert first.returncode == 0, first.stdout
    copy = next((workspace / "pharo-vm").glob("**/HelloWorldPlugin/src/common/helper.c"))
    old = copy.read_text()
    source.write_text("/* helper */\n" + "/* padding */\n" * 20000)  # about 280 kB
    limited = subprocess.run(
        [sys.executable, "-c", LIMITED, str(100_000), "--replay", str(profile), "--until",
         "plugin-source"],
        cwd=workspace, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
    )  # fmt: skip
    assert limited.returncode == 1, limited.stdout + limited.stderr
    failed = next(line for line in limited.stdout.splitlines() if line.startswith("FAILED:"))
    assert failed.startswith("FAILED: plugin-source: File too large"), failed
    assert str(copy) in failed
    assert copy.read_text() == old, "the old file stays whole"
    again = wizard("--replay", str(profile), "--until", "plugin-source", cwd=workspace)
    assert again.returncode == 0, again.stdout
    assert "changed by hand" not in again.stdout
    assert copy.read_text() == source.read_text()
    assert sorted(p.name for p in copy.parent.iterdir()) == ["helper.c"], "no temporary left"


CRASH = (
    "import os, sys\n"
    "real = os.fsync\n"
    "def crash(fd):\n"
    "    name = os.readlink(f'/proc/self/fd/{fd}')\n"
    "    if name.endswith('.tmp') and 'HelloWorldPlugin.class.st' in name:\n"
    "        os._exit(9)\n"
    "    real(fd)\n"
    "os.fsync = crash\n"
    "from wizard.commands.cli import main\n"
    "main(sys.argv[1:])\n"
)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_a_crash_mid_write_leaves_the_old_file_and_no_hand_edit(fake_origin, workspace):
    profile = write_profile(workspace, fake_origin)
    assert (
        wizard("--replay", str(profile), "--until", "plugin-source", cwd=workspace).returncode == 0
    )
    checkout = workspace / "pharo-vm"
    cls = checkout / "smalltalksrc/VMMaker/HelloWorldPlugin.class.st"
    old = cls.read_text()
    data = yaml.safe_load(profile.read_text())
    data["plugin"]["comment"] = "Greetings from a changed comment."
    profile.write_text(yaml.safe_dump(data, sort_keys=False))
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH, "--replay", str(profile), "--until", "plugin-source"],
        cwd=workspace, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
    )  # fmt: skip
    assert crashed.returncode == 9, crashed.stdout + crashed.stderr
    assert cls.read_text() == old
    again = wizard("--replay", str(profile), "--until", "plugin-source", cwd=workspace)
    assert again.returncode == 0, again.stdout
    assert "Greetings from a changed comment." in cls.read_text()
    assert not list(cls.parent.glob(".HelloWorldPlugin.class.st.*")), "the crash's temporary"


def test_a_full_disk_while_recording_a_step_names_the_step_and_the_file(
    workspace, fake_origin, monkeypatch
):
    """ENOSPC, simulated in-process, when ``state:`` is saved after a step ran."""
    from wizard.engine import run as engine
    from wizard.engine.step import Status, Step
    from wizard.errors import StepFailed
    from wizard.profile.writer import save_state

    class Touch(Step):
        id = "touch"
        phase = "setup"
        title = "a step that writes nothing"

        def detect(self, ctx):
            return Status(False, "never done")

        def run(self, ctx, out):
            out.line("ran")

    ctx = context_for(workspace, fake_origin)
    before = ctx.profile.path.read_text()

    def full(profile, state=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(profile.path))

    monkeypatch.setattr(engine, "save_state", full)
    with pytest.raises(StepFailed) as caught:
        engine.run_one(Touch(), ctx, RecordingSink())
    message = caught.value.message
    assert message.startswith("touch: cannot record the step (done)"), message
    assert f"No space left on device: {ctx.profile.path}" in message
    monkeypatch.setattr(engine, "save_state", save_state)
    assert ctx.profile.path.read_text() == before
