"""``--new NAME --template T``: the hello default stays the article's; library brings its C."""

from __future__ import annotations

from importlib import resources

from tests.helpers import wizard
from wizard.profile.load import load_profile


def test_hello_stays_the_default_and_the_articles_plugin(tmp_path):
    plain = wizard("--new", "GreetPlugin", "--profiles", "a", cwd=tmp_path)
    named = wizard("--new", "GreetPlugin", "--profiles", "b", "--template", "hello", cwd=tmp_path)
    assert plain.returncode == named.returncode == 0, plain.stderr + named.stderr
    text = (tmp_path / "a/GreetPlugin.yml").read_text()
    assert text == (tmp_path / "b/GreetPlugin.yml").read_text()
    article = resources.files("wizard").joinpath("templates/plugin.yml").read_text("utf-8")
    assert text == article.replace("HelloWorldPlugin", "GreetPlugin")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["GreetPlugin.yml"]


def test_library_writes_the_profile_and_its_c_and_never_overwrites(tmp_path):
    made = wizard("--new", "CrcPlugin", "--template", "library", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    plugin = load_profile(tmp_path / "profiles/CrcPlugin.yml").plugin
    assert [s.path for s in plugin.sources] == ["CrcPlugin/crcHelper.c", "CrcPlugin/crcHelper.h"]
    assert plugin.link.libraries == ("z",)
    assert "crc32(" in (tmp_path / "profiles/CrcPlugin/crcHelper.c").read_text()
    assert any(
        "primitive: 'primitiveCrc32' parameters: #(ByteArray)" in m.source for m in plugin.methods
    )

    (tmp_path / "profiles/CrcPlugin.yml").unlink()
    (tmp_path / "profiles/CrcPlugin/crcHelper.c").write_text("/* mine */\n")
    again = wizard("--new", "CrcPlugin", "--template", "library", cwd=tmp_path)
    assert again.returncode == 2
    assert "crcHelper.c exists already" in again.stderr
    assert (tmp_path / "profiles/CrcPlugin/crcHelper.c").read_text() == "/* mine */\n"
    assert not (tmp_path / "profiles/CrcPlugin.yml").exists()


def test_an_unknown_template_or_one_without_new_is_bad_input(tmp_path):
    unknown = wizard("--new", "CrcPlugin", "--template", "zip", cwd=tmp_path)
    assert unknown.returncode == 2 and "hello, library" in unknown.stderr
    alone = wizard("--template", "library", cwd=tmp_path)
    assert alone.returncode == 2 and "--template goes with --new NAME" in alone.stderr
    assert not (tmp_path / "profiles").exists()
