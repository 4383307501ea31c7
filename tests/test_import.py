"""``--import NAME --from-checkout DIR``: a plugin class already in a checkout becomes a profile.

On the test repository a class file written as Pharo's Tonel writer writes it (in the
checkout's own style) is imported and the profile renders it back byte for byte; the stock
classes of the test repository, written with a blank line the wizard does not produce, are
refused with that reason.  Over the fetched mirror of pharo-vm (when present) every plugin
class of pharo-10 and pharo-12 either round-trips or is refused with a known reason.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.fakevm.recipes import clone
from tests.helpers import wizard
from wizard.formats.tonel import TonelStyle, detect_style, render_class
from wizard.formats.vmmaker_list import plugin_classes
from wizard.importer import NotExpressible, profile_for_class
from wizard.profile import load_profile, validate

NEW_STYLE = """\
"
I answer the CRC of a ByteArray.

I was written by hand, in a Pharo image.
"
Class {
\t#name : 'CrcPlugin',
\t#superclass : 'SmartSyntaxInterpreterPlugin',
\t#instVars : [
\t\t'table',
\t\t'calls'
\t],
\t#category : 'VMMaker-Plugins',
\t#package : 'VMMaker',
\t#tag : 'Plugins'
}

{ #category : 'translation' }
CrcPlugin class >> moduleName [
\t^ 'CrcPlugin'
]

{ #category : 'primitives' }
CrcPlugin >> primitiveCrc: bytes from: start to: stop [
\t"Answer the CRC of bytes[start..stop] (a 'quoted' word, and a [bracket] in a comment)."
\t<var: #bytes type: #'unsigned char *'>
\tself primitive: 'primitiveCrc' parameters: #(ByteArray SmallInteger SmallInteger).
\tcalls := calls + 1.
\t^ (stop - start) asOop: SmallInteger
]

{ #category : 'private' }
CrcPlugin >> reset [
	table := nil
]
"""

OLD_STYLE = """\
Class {
\t#name : #CrcPlugin,
\t#superclass : #InterpreterPlugin,
\t#category : #'VMMaker-Plugins'
}

{ #category : #primitives }
CrcPlugin >> primitiveAnswer [
\t<export: true>
\tinterpreterProxy pop: 1 thenPush: (interpreterProxy integerObjectOf: 42)
]
"""


def checkout_with(tmp_path: Path, origin: Path, branch: str, text: str | None) -> Path:
    checkout = clone(origin, tmp_path / "ws" / "pharo-vm", branch)
    if text is not None:
        (checkout / "smalltalksrc/VMMaker/CrcPlugin.class.st").write_text(text)
    return checkout


@pytest.mark.parametrize(
    ("branch", "text", "style"),
    [("pharo-12", NEW_STYLE, TonelStyle.NEW), ("pharo-9", OLD_STYLE, TonelStyle.OLD)],
    ids=["new-style", "old-style"],
)
def test_a_class_becomes_a_profile_that_renders_it_back(fake_origin, tmp_path, branch, text, style):
    checkout = checkout_with(tmp_path, fake_origin, branch, text)
    result = wizard("--import", "CrcPlugin", "--from-checkout", str(checkout), cwd=tmp_path / "ws")
    assert result.returncode == 0, result.stderr
    profile = load_profile(tmp_path / "ws/profiles/CrcPlugin.yml")
    assert render_class(profile.plugin, style) == text
    assert profile.checkout_dir == checkout.resolve()
    assert profile.repository.base_branch == branch
    assert profile.repository.url == str(fake_origin)
    if style is TonelStyle.NEW:
        assert profile.plugin.instance_variables == ("table", "calls")
        assert profile.plugin.comment.startswith("I answer the CRC")
        sides = [(m.side, m.protocol, m.selector) for m in profile.plugin.methods]
        assert sides == [
            ("class", "translation", "moduleName"),
            ("instance", "primitives", "primitiveCrc:from:to:"),
            ("instance", "private", "reset"),
        ]

    before = (tmp_path / "ws/profiles/CrcPlugin.yml").read_bytes()
    again = wizard("--import", "CrcPlugin", "--from-checkout", str(checkout), cwd=tmp_path / "ws")
    assert again.returncode == 2 and "exists already" in again.stderr
    assert (tmp_path / "ws/profiles/CrcPlugin.yml").read_bytes() == before


def test_the_replay_of_an_imported_profile_leaves_the_class_as_it_was(fake_origin, tmp_path):
    checkout = checkout_with(tmp_path, fake_origin, "pharo-12", NEW_STYLE)
    subprocess.run(["git", "-C", str(checkout), "checkout", "-q", "-b", "CrcPlugin"], check=True)
    made = wizard("--import", "CrcPlugin", "--from-checkout", str(checkout), cwd=tmp_path / "ws")
    assert made.returncode == 0, made.stderr
    profile = tmp_path / "ws/profiles/CrcPlugin.yml"
    run = wizard("--replay", str(profile), "--until", "plugin-source", cwd=tmp_path / "ws")
    assert run.returncode == 0, run.stdout[-2000:]
    assert "plugin-source" in run.stdout and "matches the profile" in run.stdout
    assert (checkout / "smalltalksrc/VMMaker/CrcPlugin.class.st").read_text() == NEW_STYLE


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("FloatArrayPlugin", "blank line between the class comment and Class {"),
        ("NoSuchPlugin", "no class NoSuchPlugin defined in smalltalksrc/*/*.class.st"),
    ],
)
def test_what_cannot_be_imported_is_refused_with_the_reason(fake_origin, tmp_path, name, words):
    checkout = checkout_with(tmp_path, fake_origin, "pharo-10", None)
    result = wizard("--import", name, "--from-checkout", str(checkout), cwd=tmp_path / "ws")
    assert result.returncode == 2
    assert words in result.stderr
    assert not (tmp_path / "ws/profiles").exists()


def test_import_without_a_checkout_is_bad_input(tmp_path):
    result = wizard("--import", "CrcPlugin", cwd=tmp_path)
    assert result.returncode == 2 and "--from-checkout DIR" in result.stderr


MIRROR = Path("/work/.mirror/pharo-project+pharo-vm/repo")
#: Why a real plugin class cannot be a profile; any other reason is a bug of the reader.
KNOWN_REASONS = (
    "which a profile cannot hold",
    "a method body ends with a blank line",
    "the class comment ends with a blank line",
    "a method's first line has text after its [",
)


def mirror_classes(branch: str) -> dict[str, str]:
    """Every ``smalltalksrc/VMMaker/*.class.st`` of ``branch`` in the mirror, name -> text."""
    listing = subprocess.run(
        ["git", "--git-dir", str(MIRROR), "ls-tree", "--name-only", f"{branch}:smalltalksrc/VMMaker/"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    texts = {}
    for name in listing:
        if name.endswith(".class.st"):
            shown = subprocess.run(
                ["git", "--git-dir", str(MIRROR), "show", f"{branch}:smalltalksrc/VMMaker/{name}"],
                capture_output=True, check=True,
            )  # fmt: skip
            texts[name] = shown.stdout.decode("utf-8")
    return texts


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"no fetched pharo-vm mirror at {MIRROR}")
@pytest.mark.parametrize("branch", ["pharo-10", "pharo-12"])
def test_every_plugin_class_of_pharo_vm_round_trips_or_says_why(branch, capsys):
    files = mirror_classes(branch)
    style = detect_style(files[name] for name in sorted(files)[:20])
    plugins = plugin_classes(files)
    assert len(plugins) >= 30
    round_tripped, refused = [], {}
    for name, path in sorted(plugins.items()):
        try:
            imported = profile_for_class(files[path], style, Path(f"/tmp/{name}.yml"))
        except NotExpressible as error:
            refused[name] = str(error)
            continue
        assert imported.plugin_name == name
        loaded = validate(yaml.safe_load(imported.profile_text), Path(f"/tmp/{name}.yml"))
        assert render_class(loaded.plugin, style) == files[path], name
        round_tripped.append(name)
    unknown = {n: why for n, why in refused.items() if not any(k in why for k in KNOWN_REASONS)}
    assert not unknown
    assert len(round_tripped) >= 8
    with capsys.disabled():
        print(f"\n{branch}: {len(plugins)} plugin classes, {len(round_tripped)} round-trip")
        for reason in KNOWN_REASONS:
            count = sum(reason in why for why in refused.values())
            print(f"  {count} not expressible: {reason}")
