"""``configure`` compares the options it set before with the ones wanted now (issue 18, 3).

One run with ``--set build.cmake_options.X=…`` must not stick in ``CMakeCache.txt`` forever:
an option the wizard set and the profile no longer sets is unset (``cmake -U``), so cmake's
own default comes back. Real cmake on the test repository.
"""

from __future__ import annotations

from fakevm.profiles import write_profile
from tests.helpers import headers, wizard
from wizard.formats.cmake_cache import read_cache


def _configure(profile, workspace, *overrides: str, trust: bool = False):
    sets = [arg for value in overrides for arg in ("--set", f"build.cmake_options.{value}")]
    sets += ["--trust"] * trust
    result = wizard("--replay", str(profile), "--until", "configure", *sets, cwd=workspace)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    return result


def test_an_option_set_once_does_not_stick(fake_origin, workspace):
    profile = write_profile(
        workspace, fake_origin, cmake_options={"ICEBERG_DEFAULT_REMOTE": "httpsUrl"}
    )
    # MY_EXPERIMENT is no switch of the checkout: it needs --trust
    _configure(profile, workspace, "BUILD_BUNDLE=false", "MY_EXPERIMENT=1", trust=True)
    cache = read_cache(workspace / "build")
    assert cache["BUILD_BUNDLE"][1] == "OFF"
    assert cache["MY_EXPERIMENT"][1] == "1"

    # the same overrides again: nothing to do
    again = _configure(profile, workspace, "BUILD_BUNDLE=false", "MY_EXPERIMENT=1", trust=True)
    assert ("configure", "skipped") in headers(again.stdout)

    # without them: configure runs again, says why, and unsets both
    dry = wizard("--replay", str(profile), "--until", "configure", "--dry-run", cwd=workspace)
    assert "-UBUILD_BUNDLE" in dry.stdout and "-UMY_EXPERIMENT" in dry.stdout, dry.stdout
    result = _configure(profile, workspace)
    assert ("configure", "ok") in headers(result.stdout)
    assert "BUILD_BUNDLE was set by an earlier configure and is no longer wanted" in result.stdout
    cache = read_cache(workspace / "build")
    assert cache["BUILD_BUNDLE"][1] == "ON"  # the option()'s default is back
    assert "MY_EXPERIMENT" not in cache
    assert cache["ICEBERG_DEFAULT_REMOTE"][1] == "httpsUrl"  # what is still wanted stays

    # and now it is done
    last = _configure(profile, workspace)
    assert ("configure", "skipped") in headers(last.stdout)
