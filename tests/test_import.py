"""``--import NAME --from-checkout DIR``: a plugin class already in a checkout becomes a profile.

On the test repository a class file written as Pharo's Tonel writer writes it (in the
checkout's own style) is imported and the profile renders it back byte for byte; a class
laid out as Pharo never writes it (a blank line between comment and definition) is refused
with that reason.  A class of its own package, with class variables, pools, class-side
variables and text exactly as Pharo keeps it, round-trips from a checkout these tests build;
a class file over 1 MiB or reached through a link out of the checkout is bad input.  Given
a pharo-vm checkout (``PHARO_VM_CHECKOUT``, or the fetched mirror), every InterpreterPlugin
class of pharo-10 and pharo-12 imports, lints with no error and renders back byte for byte.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from fakevm.recipes import clone
from tests.helpers import wizard
from wizard.checkout.facts import CheckoutFacts
from wizard.commands.importer import find_class_file, profile_for_class, read_class_file
from wizard.formats.tonel import TonelStyle, detect_style_in, render_class
from wizard.profile.load import load_profile
from wizard.profile.parse import parse_yaml
from wizard.profile.validate import validate
from wizard.slang import syntax as slang

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


# --------------------------------------------------------------------------- all a class says

#: A plugin of its own package, in the old style while smalltalksrc/VMMaker uses the new one,
#: with what Pharo keeps as written: a comment ending in a blank line, class variables,
#: pools, class-side variables, a comment after a pattern's [, a trailing space after one,
#: a pattern over three lines with two spaces in it, a method ending in a blank line, and
#: blanks at the ends of lines.
OWN_PACKAGE = """\
"
I keep a counter for each open handle.\t
Second line, then a blank one.

"
Class {
\t#name : #CounterPlugin,
\t#superclass : #SmartSyntaxInterpreterPlugin,
\t#instVars : [
\t\t'counts'
\t],
\t#classVars : [
\t\t'MAX_COUNT',
\t\t'Limit'
\t],
\t#pools : [
\t\t'CounterConstants'
\t],
\t#classInstVars : [
\t\t'registry'
\t],
\t#category : #'CounterPackage-Core'
}

{ #category : #translation }
CounterPlugin class >> declareCVarsIn: cg [\x20
\tcg var: #counts type: #'int *'
]

{ #category : #primitives }
CounterPlugin >> primitiveCount: handle  by: step
\tlimit: limit
\t\tclamp: clamp [  "answer the new count"
\t<export: true>
\t^ (counts at: handle) + step \t

]

{ #category : #private }
CounterPlugin >> reset [
\tcounts := nil


]
"""


def own_package_checkout(root: Path, text: str = OWN_PACKAGE) -> Path:
    """A checkout of smalltalksrc/ only: VMMaker in the new style, CounterPackage in the old."""
    vmmaker = root / "smalltalksrc" / "VMMaker"
    vmmaker.mkdir(parents=True)
    for name in ("AlphaPlugin", "BetaPlugin"):
        (vmmaker / f"{name}.class.st").write_text(
            f"Class {{\n\t#name : '{name}',\n\t#superclass : 'InterpreterPlugin',\n"
            "\t#category : 'VMMaker-Plugins',\n\t#package : 'VMMaker',\n\t#tag : 'Plugins'\n}\n"
        )
    package = root / "smalltalksrc" / "CounterPackage"
    package.mkdir()
    (package / "CounterPlugin.class.st").write_text(text)
    return root


def test_a_class_of_its_own_package_says_everything_and_round_trips(tmp_path):
    checkout = own_package_checkout(tmp_path / "ws" / "pharo-vm")
    result = wizard(
        "--import", "CounterPlugin", "--from-checkout", str(checkout), cwd=tmp_path / "ws"
    )
    assert result.returncode == 0, result.stderr
    path = tmp_path / "ws/profiles/CounterPlugin.yml"
    plugin = load_profile(path).plugin
    assert render_class(plugin, TonelStyle.OLD) == OWN_PACKAGE
    assert plugin.class_variables == ("MAX_COUNT", "Limit")
    assert plugin.pools == ("CounterConstants",)
    assert plugin.class_instance_variables == ("registry",)
    assert (plugin.category, plugin.package, plugin.tag) == (
        "CounterPackage-Core",
        "CounterPackage",
        "Core",
    )
    assert plugin.comment.endswith("blank one.\n\n")
    text = path.read_text()  # readable: every text a block, blanks at line ends and all
    assert "comment: |+\n" in text and text.count("source: |") == 3
    assert not [line for line in text.splitlines() if line.lstrip("- ").startswith('source: "')]


def test_the_package_is_the_folder_the_class_lies_in(tmp_path):
    text = OWN_PACKAGE.replace("#'CounterPackage-Core'", "#'Counter-Tests-Core'")
    checkout = own_package_checkout(tmp_path / "ws" / "pharo-vm", text)
    (checkout / "smalltalksrc/CounterPackage").rename(checkout / "smalltalksrc/Counter-Tests")
    made = wizard(
        "--import", "CounterPlugin", "--from-checkout", str(checkout), cwd=tmp_path / "ws"
    )
    assert made.returncode == 0, made.stderr
    plugin = load_profile(tmp_path / "ws/profiles/CounterPlugin.yml").plugin
    assert (plugin.package, plugin.tag) == ("Counter-Tests", "Core")
    assert render_class(plugin, TonelStyle.OLD) == text


def test_a_class_outside_its_own_package_folder_is_refused(tmp_path):
    checkout = own_package_checkout(tmp_path / "ws" / "pharo-vm")
    (checkout / "smalltalksrc/CounterPackage").rename(checkout / "smalltalksrc/Elsewhere")
    made = wizard(
        "--import", "CounterPlugin", "--from-checkout", str(checkout), cwd=tmp_path / "ws"
    )
    assert made.returncode == 2
    assert "its package is CounterPackage but it lies in smalltalksrc/Elsewhere/" in made.stderr


def test_a_class_the_wizard_cannot_write_back_is_refused_naming_the_line(tmp_path):
    text = OWN_PACKAGE.replace('"\nClass {', '"\n\nClass {')
    checkout = own_package_checkout(tmp_path / "ws" / "pharo-vm", text)
    result = wizard(
        "--import", "CounterPlugin", "--from-checkout", str(checkout), cwd=tmp_path / "ws"
    )
    assert result.returncode == 2
    assert "blank line between the class comment and Class {" in result.stderr
    assert not (tmp_path / "ws/profiles").exists()


def test_a_class_file_over_one_mebibyte_is_bad_input(tmp_path):
    padding = '"' + "x" * (1024 * 1024) + '"\n'
    checkout = own_package_checkout(tmp_path / "ws" / "pharo-vm", OWN_PACKAGE + padding)
    result = wizard(
        "--import", "CounterPlugin", "--from-checkout", str(checkout), cwd=tmp_path / "ws"
    )
    assert result.returncode == 2
    assert "CounterPlugin.class.st is" in result.stderr and "up to 1 MiB" in result.stderr
    assert not (tmp_path / "ws/profiles").exists()


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_class_file_reached_through_a_link_out_of_the_checkout_is_bad_input(tmp_path, what):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "CounterPlugin.class.st").write_text(OWN_PACKAGE)
    checkout = own_package_checkout(tmp_path / "ws" / "pharo-vm")
    package = checkout / "smalltalksrc" / "CounterPackage"
    (package / "CounterPlugin.class.st").unlink()
    if what == "file":
        (package / "CounterPlugin.class.st").symlink_to(outside / "CounterPlugin.class.st")
    else:
        package.rmdir()
        package.symlink_to(outside)
    result = wizard(
        "--import", "CounterPlugin", "--from-checkout", str(checkout), cwd=tmp_path / "ws"
    )
    assert result.returncode == 2
    assert "CounterPlugin.class.st is a link leading out of the checkout" in result.stderr
    assert not (tmp_path / "ws/profiles").exists()


def test_a_link_inside_the_checkout_is_read(tmp_path):
    checkout = own_package_checkout(tmp_path / "ws" / "pharo-vm")
    package = checkout / "smalltalksrc" / "CounterPackage"
    (package / "CounterPlugin.class.st").rename(checkout / "Counter.st")
    (package / "CounterPlugin.class.st").symlink_to(checkout / "Counter.st")
    result = wizard(
        "--import", "CounterPlugin", "--from-checkout", str(checkout), cwd=tmp_path / "ws"
    )
    assert result.returncode == 0, result.stderr


def test_a_class_is_found_by_its_definition_not_its_file_name(tmp_path):
    checkout = own_package_checkout(tmp_path / "pharo-vm")
    package = checkout / "smalltalksrc" / "CounterPackage"
    (package / "CounterPlugin.class.st").rename(package / "Renamed.class.st")
    assert find_class_file(checkout, "CounterPlugin") == package / "Renamed.class.st"
    assert find_class_file(checkout, "AlphaPlugin").parent.name == "VMMaker"
    assert find_class_file(checkout, "Renamed") is None


# --------------------------------------------------------------------------- pharo-vm itself

MIRROR = Path("/work/.mirror/pharo-project+pharo-vm/repo")
BRANCHES = ("pharo-10", "pharo-12")


def pharo_vm_git() -> Path | None:
    """The git folder of a pharo-vm checkout: ``PHARO_VM_CHECKOUT``, else the fetched mirror."""
    given = os.environ.get("PHARO_VM_CHECKOUT")
    if given:
        return Path(given)
    return MIRROR if MIRROR.is_dir() else None


def branch_tree(git: Path, branch: str) -> str | None:
    """The branch as the checkout names it: a local branch, or the clone's origin/<branch>."""
    for name in (branch, f"origin/{branch}"):
        found = subprocess.run(
            ["git", "-C", str(git), "rev-parse", "--verify", "--quiet", f"{name}^{{tree}}"],
            capture_output=True,
        )  # fmt: skip
        if found.returncode == 0:
            return name
    return None


@pytest.fixture(scope="module", params=BRANCHES)
def real_checkout(request, tmp_path_factory) -> Path:
    """``smalltalksrc/`` of a pharo-vm branch, as ``git archive`` writes it into a folder."""
    git = pharo_vm_git()
    if git is None:
        pytest.skip(
            f"no pharo-vm checkout given: set PHARO_VM_CHECKOUT to one (or fetch {MIRROR}) "
            "to import every plugin class of pharo-10 and pharo-12"
        )
    root = tmp_path_factory.mktemp("sweep") / request.param / "pharo-vm"
    tree = branch_tree(git, request.param)
    if tree is None:
        pytest.skip(f"{git} has no branch {request.param} (nor origin/{request.param})")
    archive = subprocess.run(
        ["git", "-C", str(git), "archive", "--format=tar", tree, "smalltalksrc"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    root.mkdir(parents=True)
    archive_path = root.parent / "smalltalksrc.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(root, filter="data")
    return root


def test_every_plugin_class_of_pharo_vm_imports_lints_clean_and_round_trips(real_checkout, capsys):
    facts = CheckoutFacts(real_checkout)
    classes = facts.plugin_classes()
    proxy = facts.proxy_api()
    assert proxy is not None and "stringForCString:" in proxy
    assert {"InterpreterPlugin", "FileAttributesPlugin", "FilePlugin"} <= set(classes)
    assert len(classes) >= 41
    failures: dict[str, str] = {}
    for name, relative in sorted(classes.items()):
        source = find_class_file(real_checkout, name)
        assert source == real_checkout / relative, name
        text = read_class_file(real_checkout, source)
        where = real_checkout / f"{name}.yml"
        folder = source.parent.name
        imported = profile_for_class(text, detect_style_in(source.parent), where, None, ".", folder)
        plugin = validate(parse_yaml(imported.profile_text, where)[0], where).plugin
        assert plugin.package == folder, name
        style = TonelStyle.OLD if "#name : #" in text else TonelStyle.NEW
        if render_class(plugin, style) != text:
            failures[name] = "does not render back byte for byte"
        errors = [d for d in slang.lint(plugin, proxy, classes) if d.severity == "error"]
        if errors:
            failures[name] = "; ".join(str(e) for e in errors[:3])
    assert not failures
    with capsys.disabled():
        print(
            f"\n{real_checkout.parent.name}: {len(classes)} plugin classes; all import, lint clean, round-trip"
        )


def test_the_article_send_is_still_an_error_against_pharo_vm(real_checkout):
    facts = CheckoutFacts(real_checkout)
    text = read_class_file(
        real_checkout, find_class_file(real_checkout, "FloatArrayPlugin")
    ).replace("interpreterProxy", "interpreterProxy stringFromCString: 'x'. interpreterProxy", 1)
    where = real_checkout / "FloatArrayPlugin.yml"
    imported = profile_for_class(text, TonelStyle.NEW, where)
    plugin = validate(parse_yaml(imported.profile_text, where)[0], where).plugin
    errors = [d for d in slang.lint(plugin, facts.proxy_api(), facts.plugin_classes())]
    assert any("does not understand stringFromCString:" in str(d) for d in errors)


@pytest.mark.parametrize("name", ["FileAttributesPlugin", "FilePlugin"])
def test_import_then_lint_as_a_user_does(real_checkout, tmp_path, name):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    made = wizard("--import", name, "--from-checkout", str(real_checkout), cwd=workspace)
    assert made.returncode == 0, made.stderr
    profile = workspace / "profiles" / f"{name}.yml"
    linted = wizard("--lint", str(profile), cwd=workspace)
    assert linted.returncode == 0, linted.stdout
    assert linted.stdout.splitlines()[-1].startswith("0 error(s)")
    source = find_class_file(real_checkout, name)
    style = detect_style_in(source.parent)
    assert render_class(load_profile(profile).plugin, style) == source.read_text()


def test_lint_wants_the_category_to_name_a_package_of_the_checkout(tmp_path):
    checkout = own_package_checkout(tmp_path / "ws" / "pharo-vm")
    (checkout / "smalltalksrc/VMMaker/InterpreterProxy.class.st").write_text(
        "Class {\n\t#name : 'InterpreterProxy',\n\t#superclass : 'Object',\n"
        "\t#category : 'VMMaker-Plugins',\n\t#package : 'VMMaker',\n\t#tag : 'Plugins'\n}\n"
    )
    made = wizard(
        "--import", "CounterPlugin", "--from-checkout", str(checkout), cwd=tmp_path / "ws"
    )
    assert made.returncode == 0, made.stderr
    profile = str(tmp_path / "ws/profiles/CounterPlugin.yml")
    superclass = "plugin.superclass=AlphaPlugin"
    own = wizard("--lint", profile, "--set", superclass, cwd=tmp_path / "ws")
    assert own.returncode == 0, own.stdout
    elsewhere = wizard(
        "--lint", profile, "--set", superclass, "--set", "plugin.category=Nowhere-Core",
        cwd=tmp_path / "ws",
    )  # fmt: skip
    assert elsewhere.returncode == 1
    assert "category Nowhere-Core: the checkout has no package Nowhere" in elsewhere.stdout


def test_a_fifo_in_place_of_a_class_file_is_bad_input_and_never_opened(tmp_path):
    checkout = own_package_checkout(tmp_path / "ws" / "pharo-vm")
    path = checkout / "smalltalksrc/CounterPackage/CounterPlugin.class.st"
    path.unlink()
    os.mkfifo(path)
    result = wizard(
        "--import",
        "CounterPlugin",
        "--from-checkout",
        str(checkout),
        cwd=tmp_path / "ws",
        timeout=60,
    )
    assert result.returncode == 2
    assert "CounterPlugin.class.st is not a regular file" in result.stderr
