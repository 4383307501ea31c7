"""Several profiles in one workspace sharing pharo-vm/ and build/ are warned about (issue 18, 9)."""

from __future__ import annotations

import yaml

from fakevm.profiles import write_profile
from tests.helpers import wizard


def _dry_run(profile, workspace):
    result = wizard("--replay", str(profile), "--dry-run", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_two_profiles_on_one_checkout_and_build_are_warned(fake_origin, workspace):
    mine = write_profile(workspace, fake_origin, "FirstPlugin")
    write_profile(workspace, fake_origin, "SecondPlugin")
    out = _dry_run(mine, workspace)
    assert out.splitlines()[0] == (
        "warning: SecondPlugin.yml (SecondPlugin) uses the same pharo-vm/ and build/: each run "
        "checks out its own branch and builds over the other's; give each plugin its own "
        "workspace, or its own repository.path and build.dir (docs/command-line.md, Several plugins)"
    )
    result = wizard("--replay", str(mine), "--until", "clone", cwd=workspace)
    assert result.returncode == 0 and result.stdout.startswith("warning: SecondPlugin.yml")


def test_a_checkout_and_build_of_its_own_is_the_way_that_works(fake_origin, workspace):
    mine = write_profile(workspace, fake_origin, "FirstPlugin")
    other = write_profile(workspace, fake_origin, "SecondPlugin")
    data = yaml.safe_load(other.read_text())
    data["repository"]["path"] = "pharo-vm-second"
    data["build"]["dir"] = "build-second"
    other.write_text(yaml.safe_dump(data, sort_keys=False))
    assert "warning" not in _dry_run(mine, workspace)
    assert "warning" not in _dry_run(other, workspace)


def test_a_build_folder_configured_for_another_plugin_is_warned(fake_origin, workspace):
    first = write_profile(workspace, fake_origin, "FirstPlugin")
    result = wizard("--replay", str(first), "--until", "configure", cwd=workspace)
    assert result.returncode == 0, result.stdout
    # a second plugin whose profile lives in another folder of the same workspace
    second = write_profile(workspace / "elsewhere", fake_origin, "SecondPlugin")
    data = yaml.safe_load(second.read_text())
    data["workspace"] = "../.."
    second.write_text(yaml.safe_dump(data, sort_keys=False))
    out = _dry_run(second, workspace)
    assert out.splitlines()[0].startswith(
        f"warning: build/ was last configured for FirstPlugin ({first}): this run builds over it"
    ), out
