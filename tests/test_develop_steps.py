"""The develop phase on the test repository: Tonel class, external list, selective commit."""

from __future__ import annotations

import git
import pytest

from fakevm import PHARO_VM_MAKER_ON, external_list_text, stock_external_plugins
from fakevm.profiles import write_profile
from tests.helpers import headers, wizard
from wizard.formats.tonel import check_tonel

CLASS = "smalltalksrc/VMMaker/HelloWorldPlugin.class.st"
#: VMMaker's list file on the helper's default base branch (pharo-12: the 2026 shape).
LIST = PHARO_VM_MAKER_ON["pharo-12"]


@pytest.mark.parametrize(
    ("branch", "style_marker"),
    [
        ("pharo-9", "#name : #HelloWorldPlugin"),
        ("pharo-12-2025", "#name : 'HelloWorldPlugin'"),
        ("pharo-12", "#name : 'HelloWorldPlugin'"),
    ],
)
def test_until_commit_writes_and_commits_exactly_two_files(built_workspace, branch, style_marker):
    built = built_workspace(branch, until="commit")
    workspace, profile = built.workspace, built.profile
    result = built.first
    assert result.returncode == 0, result.stdout + result.stderr
    assert headers(result.stdout)[3:] == [
        ("plugin-source", "ok"),
        ("plugin-list", "ok"),
        ("commit", "ok"),
    ]
    checkout = workspace / "pharo-vm"
    text = (checkout / CLASS).read_text()
    assert style_marker in text
    assert check_tonel(text) == []
    assert (branch == "pharo-9") == ("#package" not in text)
    names = (*stock_external_plugins(branch), "HelloWorldPlugin")
    maker = PHARO_VM_MAKER_ON[branch]
    assert external_list_text(branch, names) in (checkout / maker).read_text()
    repo = git.Repo(checkout)
    head = repo.head.commit
    assert repo.active_branch.name == "HelloWorldPlugin"
    assert sorted(head.stats.files) == sorted([CLASS, maker])
    assert "HelloWorldPlugin" in head.message
    assert head.parents[0] == repo.heads[branch].commit

    again = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert again.returncode == 0
    assert [verdict for _, verdict in headers(again.stdout)] == ["skipped"] * 6
    assert repo.head.commit == head


def test_other_changes_are_never_staged_or_committed(built_workspace):
    built = built_workspace(until="branch")
    workspace, profile = built.workspace, built.profile
    checkout = workspace / "pharo-vm"
    (checkout / "my-notes.txt").write_text("untracked, mine")
    readme = checkout / "CMakeLists.txt"
    readme.write_text(readme.read_text() + "# my local tweak\n")
    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 0, result.stdout
    repo = git.Repo(checkout)
    assert sorted(repo.head.commit.stats.files) == sorted([CLASS, LIST])
    assert repo.is_dirty(path="CMakeLists.txt")
    assert "my-notes.txt" in repo.untracked_files


def test_hand_edit_is_not_overwritten_without_force(built_workspace):
    built = built_workspace(until="commit")
    workspace, profile = built.workspace, built.profile
    path = workspace / "pharo-vm" / CLASS
    edited = path.read_text().replace("Answer a greeting", "Answer my own greeting")
    path.write_text(edited)
    # the profile changes too, so the step has something to write
    text = profile.read_text().replace("Hello from your", "Hi from your")
    profile.write_text(text)
    result = wizard("--replay", str(profile), "--until", "plugin-source", cwd=workspace)
    assert result.returncode == 1
    assert "changed by hand" in result.stdout and "--force" in result.stdout
    assert '-\t"Answer my own greeting' in result.stdout or "my own greeting" in result.stdout
    assert path.read_text() == edited
    forced = wizard("--replay", str(profile), "--until", "plugin-source", "--force", cwd=workspace)
    assert forced.returncode == 0, forced.stdout
    assert "Hi from your" in path.read_text()


def test_lint_names_the_article_mistake(built_workspace):
    built = built_workspace(until="branch")
    workspace, profile = built.workspace, built.profile
    clean = wizard("--lint", str(profile), cwd=workspace)
    assert clean.returncode == 0, clean.stdout
    text = profile.read_text().replace(
        "(interpreterProxy stringForCString:", "(interpreterProxy stringFromCString:"
    )
    profile.write_text(text)
    mistaken = wizard("--lint", str(profile), cwd=workspace)
    assert mistaken.returncode == 1
    assert "stringFromCString:" in mistaken.stdout and "stringForCString:" in mistaken.stdout
    step = wizard("--replay", str(profile), "--until", "plugin-source", cwd=workspace)
    assert step.returncode == 1
    assert not (workspace / "pharo-vm" / CLASS).exists(), "errors stop the step before writing"


def test_unknown_external_plugin_is_warned(fake_origin, workspace):
    profile = write_profile(
        workspace,
        fake_origin,
        extra={"external_plugins": ["FilePlugin", "NoSuchPlugin", "HelloWorldPlugin"]},
    )
    result = wizard("--replay", str(profile), "--until", "plugin-list", cwd=workspace)
    assert result.returncode == 0, result.stdout
    assert "warning: NoSuchPlugin is listed but no plugin class" in result.stdout
    names = ("FilePlugin", "NoSuchPlugin", "HelloWorldPlugin")
    assert external_list_text("pharo-12", names) in (workspace / "pharo-vm" / LIST).read_text()


def test_commit_without_git_identity_uses_a_reported_fallback(fake_origin, workspace, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "XDG_CONFIG_HOME": str(home)}
    profile = write_profile(workspace, fake_origin)
    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace, env=env)
    assert result.returncode == 0, result.stdout
    assert "git has no user.name/user.email; committing as pharo-plugin-wizard" in result.stdout
    head = git.Repo(workspace / "pharo-vm").head.commit
    assert head.author.email == "pharo-plugin-wizard@localhost"


def _move_pharovmmaker(checkout, package: str, *, keep: bool = False) -> str:
    """Commit PharoVMMaker moved (or, with ``keep``, copied) into ``package``; its new path."""
    old = checkout / LIST
    new = checkout / "smalltalksrc" / package / "PharoVMMaker.class.st"
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_text(old.read_text())
    if not keep:
        old.unlink()
    repo = git.Repo(checkout)
    repo.git.add("--all")
    repo.git.commit("-qm", f"PharoVMMaker in {package}", "--no-verify")
    return new.relative_to(checkout).as_posix()


def test_pharovmmaker_in_another_package_is_found_by_its_definition(built_workspace):
    built = built_workspace(until="branch")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    moved = _move_pharovmmaker(checkout, "VMMaker-Generation")

    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    names = (*stock_external_plugins("pharo-12"), "HelloWorldPlugin")
    assert external_list_text("pharo-12", names) in (checkout / moved).read_text()
    assert sorted(git.Repo(checkout).head.commit.stats.files) == sorted([CLASS, moved])


@pytest.mark.parametrize("defined", ["twice", "nowhere"])
def test_pharovmmaker_twice_or_nowhere_fails_in_one_line(built_workspace, defined):
    built = built_workspace(until="branch")
    workspace, profile = built.workspace, built.profile
    assert built.first.returncode == 0
    checkout = workspace / "pharo-vm"
    if defined == "twice":
        other = _move_pharovmmaker(checkout, "VMMakerCompatibilityForPharo6", keep=True)
        expected = (
            "FAILED: plugin-list: PharoVMMaker is defined 2 times under smalltalksrc/ "
            f"({LIST}, {other}); expected exactly one\n"
        )
    else:
        repo = git.Repo(checkout)
        repo.git.rm("-q", LIST)
        repo.git.commit("-qm", "no PharoVMMaker", "--no-verify")
        expected = (
            "FAILED: plugin-list: no class PharoVMMaker in smalltalksrc/ (looked for a Tonel "
            "definition `#name : #PharoVMMaker` in every package folder)\n"
        )

    result = wizard("--replay", str(profile), "--until", "commit", cwd=workspace)
    assert result.returncode == 1
    assert expected in result.stdout
    assert git.Repo(checkout).git.status("--porcelain", "--", "smalltalksrc/*/Pharo*") == ""
