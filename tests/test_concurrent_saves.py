"""Another program saving the profile while the wizard records ``state:``: never reverted.

The other program is an editor as many are: it reads the file, changes a line and saves by
writing a new file and renaming it over the old one, again and again (fifty times a second,
far more often than a person saves).
A save of the wizard that was built from a text read before the editor's last save would
take the editor's line back: the editor notices it the next time it reads.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from fakevm.profiles import write_profile
from wizard.profile.load import load_profile
from wizard.profile.writer import save_state

EDITOR = textwrap.dedent(
    """
    import os, re, sys, time
    from pathlib import Path
    path, stop = Path(sys.argv[1]), Path(sys.argv[2])
    saves = reverted = 0
    print("editing", flush=True)
    while not stop.exists():
        text = path.read_text()
        found = re.search(r"^# editor save (\\d+)$", text, re.M)
        number = int(found.group(1)) if found else 0
        if number < saves:
            reverted += 1
        body = re.sub(r"^# editor save \\d+\\n", "", text, flags=re.M)
        saves += 1
        temporary = path.with_name(f".{path.name}.editor")
        temporary.write_text(f"# editor save {saves}\\n" + body)
        os.replace(temporary, path)
        time.sleep(0.02)  # an eager autosave: fifty saves a second
    print(saves, reverted, flush=True)
    """
)


def test_state_saves_never_revert_an_editors_saves(workspace, fake_origin):
    profile_path = write_profile(workspace, fake_origin)
    stop = workspace / "stop"
    editor = subprocess.Popen(
        [sys.executable, "-c", EDITOR, str(profile_path), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert editor.stdout.readline().strip() == "editing"
    profile = load_profile(profile_path)
    try:
        for number in range(300):
            profile.state.setdefault("steps", {})["clone"] = {"status": "done", "n": number}
            save_state(profile)
    finally:
        stop.write_text("")
        saves, reverted = map(int, editor.stdout.readline().split())
        editor.wait()
    assert saves > 20, "the editor kept saving during the run"
    assert reverted == 0, f"{reverted} of the editor's {saves} saves were reverted"
    final = load_profile(profile_path)
    assert final.state["steps"]["clone"]["n"] == 299
    assert "# editor save" in profile_path.read_text()


def test_a_save_between_read_and_rename_is_kept(tmp_path: Path, monkeypatch):
    """The exact moment, made deterministic: the editor saves while the wizard splices."""
    from wizard.profile import writer as writer_module

    profile_path = write_profile(tmp_path, "https://example.org/pharo-vm.git")
    profile = load_profile(profile_path)
    real = writer_module._with_state
    saved = []

    def editor_saves_meanwhile(text, found, state, *lines):
        if not saved:
            saved.append(True)
            edited = "# saved by the editor\n" + profile_path.read_text()
            temporary = profile_path.with_name(".editor")
            temporary.write_text(edited)
            temporary.replace(profile_path)
        return real(text, found, state, *lines)

    monkeypatch.setattr(writer_module, "_with_state", editor_saves_meanwhile)
    profile.state["steps"] = {"clone": {"status": "done"}}
    save_state(profile)
    text = profile_path.read_text()
    assert text.startswith("# saved by the editor\n")
    assert load_profile(profile_path).state["steps"]["clone"]["status"] == "done"


def test_a_save_between_the_last_look_and_the_rename_is_put_back(tmp_path: Path, monkeypatch):
    """The narrowest moment: the editor saves after the writer's last look, just before the
    new file is swapped in. The swapped-out file is checked, put back, and merged."""
    from wizard.checkout import safe_files

    profile_path = write_profile(tmp_path, "https://example.org/pharo-vm.git")
    profile = load_profile(profile_path)
    real = safe_files._exchange
    saved = []

    def editor_saves_first(where, first, second):
        if not saved:
            saved.append(True)
            edited = "# saved by the editor\n" + profile_path.read_text()
            temporary = profile_path.with_name(".editor")
            temporary.write_text(edited)
            temporary.replace(profile_path)
        return real(where, first, second)

    monkeypatch.setattr(safe_files, "_exchange", editor_saves_first)
    profile.state["steps"] = {"clone": {"status": "done"}}
    save_state(profile)
    assert saved, "the writer swapped the file in"
    text = profile_path.read_text()
    assert text.startswith("# saved by the editor\n"), "the editor's save is kept"
    assert load_profile(profile_path).state["steps"]["clone"]["status"] == "done"
    assert sorted(p.name for p in profile_path.parent.iterdir()) == [profile_path.name]
