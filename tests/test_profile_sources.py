"""``plugin.sources``, ``plugin.link`` and ``plugin.compile_definitions`` at load time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wizard.errors import ProfileError
from wizard.profile.load import load_profile
from wizard.profile.save import dump_profile

HEAD = """\
version: 1
plugin:
  name: CrcPlugin
  methods:
    - source: |
        primitiveAnswer
        \t<export: true>
"""


def profile_with(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "profiles"
    (folder / "c").mkdir(parents=True, exist_ok=True)
    (folder / "c" / "helper.c").write_text("int helper(void) { return 1; }\n")
    (folder / "c" / "helper.h").write_text("int helper(void);\n")
    path = folder / "CrcPlugin.yml"
    path.write_text(HEAD + extra, encoding="utf-8")
    return path


def test_the_new_keys_load_and_save_back(tmp_path):
    path = profile_with(
        tmp_path,
        "  sources:\n    common: [c/helper.c]\n    unix: [c/helper.h]\n"
        "  link:\n    libraries: [z]\n    pkg_config: [glib-2.0]\n"
        "    frameworks: [CoreFoundation]\n    plugins: [FilePlugin]\n"
        "  compile_definitions: [HELPER_VERBOSE=1, NDEBUG]\n",
    )
    plugin = load_profile(path).plugin
    assert [(s.platform, s.path, s.in_plugin_folder()) for s in plugin.sources] == [
        ("common", "c/helper.c", "src/common/helper.c"),
        ("unix", "c/helper.h", "include/unix/helper.h"),
    ]
    assert plugin.link.libraries == ("z",) and plugin.link.plugins == ("FilePlugin",)
    assert plugin.link.pkg_config == ("glib-2.0",)
    assert plugin.compile_definitions == ("HELPER_VERBOSE=1", "NDEBUG")
    path.write_text(dump_profile(load_profile(path)))
    again = load_profile(path).plugin
    assert (again.sources, again.link, again.compile_definitions) == (
        plugin.sources,
        plugin.link,
        plugin.compile_definitions,
    )


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ("  sources:\n    common: [c/missing.c]\n", "plugin.sources.common[0]", "does not exist"),
        ("  sources:\n    common: [c]\n", "plugin.sources.common[0]", "must be a .c or a .h"),
        ("  sources:\n    common: [c/dir.c]\n", "plugin.sources.common[0]", "not a regular file"),
        ("  sources:\n    win: [../outside.c]\n", "plugin.sources.win[0]", "inside the profile"),
        ("  sources:\n    linux: [c/helper.c]\n", "plugin.sources.linux", "unknown key"),
        (
            "  sources:\n    common: [c/helper.c]\n    unix: [c/other/helper.c]\n",
            "plugin.sources.unix[0]",
            "does not exist",
        ),
        (
            "  sources:\n    common: [c/helper.c, c/twin/helper.c]\n",
            "plugin.sources.common[1]",
            "goes to src/common/helper.c",
        ),
        ("  link:\n    libraries: ['z m']\n", "plugin.link.libraries[0]", "not a library"),
        ("  link:\n    libraries: ['z)']\n", "plugin.link.libraries[0]", "not a library"),
        ("  link:\n    plugins: [filePlugin]\n", "plugin.link.plugins[0]", "capital letter"),
        ("  link:\n    dlls: [x]\n", "plugin.link.dlls", "unknown key"),
        ("  compile_definitions: ['A B']\n", "plugin.compile_definitions[0]", "compile definition"),
        ("  compile_definitions: ['A=\"x\"']\n", "plugin.compile_definitions[0]", "definition"),
        ("  compile_definitions: A=1\n", "plugin.compile_definitions", "must be a list"),
    ],
)
def test_bad_new_keys_are_bad_input_naming_the_key(tmp_path, extra, field, words):
    path = profile_with(tmp_path, extra)
    (path.parent / "c" / "dir.c").mkdir(exist_ok=True)
    (path.parent / "c" / "twin").mkdir(exist_ok=True)
    (path.parent / "c" / "twin" / "helper.c").write_text("")
    (tmp_path / "outside.c").write_text("")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert field in str(caught.value)
    assert words in str(caught.value)


def test_a_fifo_or_a_link_out_of_the_folder_is_refused(tmp_path):
    path = profile_with(tmp_path, "  sources:\n    common: [c/pipe.c, c/away.c]\n")
    os.mkfifo(path.parent / "c" / "pipe.c")
    with pytest.raises(ProfileError, match=r"common\[0\].*not a regular file"):
        load_profile(path)
    path.write_text(HEAD + "  sources:\n    common: [c/away.c]\n")
    (tmp_path / "secret.c").write_text("")
    (path.parent / "c" / "away.c").symlink_to(tmp_path / "secret.c")
    with pytest.raises(ProfileError, match=r"common\[0\].*inside the profile's folder"):
        load_profile(path)
