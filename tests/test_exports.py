"""The exported primitives read without a parser (wizard.slang.exports) agree with ``--lint``'s
full grammar (wizard.slang.syntax) on every plugin class we have: the test repository's, the
templates', hand-made edge cases and, when a pharo-vm git folder is given in PHARO_VM_GIT,
every class of its pharo-10 and pharo-12 branches."""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml

from fakevm.smalltalk import smalltalk_files
from wizard.formats.tonel import read_class, to_plugin
from wizard.profile.model import Method, Plugin
from wizard.profile.template import template_text
from wizard.slang import exports
from wizard.slang import syntax as slang

EDGE_CASES = (
    Method("moduleName\n\t<export: true>\n\t^ 'X'\n", side="class"),
    Method("initialiseModule\n\t<export: true>\n\t^ true\n"),
    Method("primitiveGetHelloString\n\t<export: true>\n\t^ 3\n"),
    Method("primitiveAt: i put: v\n\t<export: true>\n\t^ v\n"),
    Method("printf: f _: a\n\t<export: true>\n\t^ a\n"),
    Method("helper\n\t<export: false>\n\t^ 3\n"),
    Method("temps\n\t| a b |\n\t<export: true>\n\ta := 1. ^ a\n"),
    Method("pragmaAfter\n\t<var: #x type: #'float *'>\n\t<export: true>\n\t^ 1\n"),
    Method("notFirst\n\t^ 1.\n\t<export: true>\n"),
    Method('commented\n\t"<export: true>"\n\t^ 1\n'),
    Method("inString\n\t^ '<export: true>'\n"),
    Method("primImage: s\n\tself primitive: 'primImageHeight' parameters: #(ByteArray).\n\t^ 3\n"),
    Method("primName\n\tself primitive: 'primGetName' parameters: #() receiver: #Oop.\n\t^ 3\n"),
    Method("primAgain\n\tself primitive: 'primitiveGetHelloString'\n"),
    Method("cascade\n\tself primitive: 'primCascade'; yourself\n"),
    Method("joined\n\tself primitive: 'prim' , 'Joined'\n"),
    Method("unknownKey\n\tself primitive: 'primUnknown' other: 3\n"),
    Method("returned\n\t^ self primitive: 'primReturned'\n"),
    Method("inBlock\n\t[ self primitive: 'primInBlock' ] value\n"),
    Method("broken\n\t<export: true>\n\t^ (\n"),
    Method("brokenString\n\t<export: true>\n\t^ 'abc\n"),
    Method("notDirective\n\tself primitive: #notAString.\n\t^ 1\n"),
    Method("character\n\t<export: true>\n\t^ $'\n"),
)


def agree(plugin: Plugin) -> list[str]:
    found = exports.exported_primitives(plugin)
    assert found == slang.exported_primitives(plugin), plugin.name
    return found


def test_edge_cases() -> None:
    found = agree(Plugin("EdgePlugin", methods=EDGE_CASES))
    assert found == [
        "primitiveGetHelloString",
        "primitiveAtput",
        "printf",
        "temps",
        "pragmaAfter",
        "primImageHeight",
        "primGetName",
        "character",
    ]


@pytest.mark.parametrize("branch", ["pharo-9", "pharo-10", "pharo-12"])
def test_the_test_repository_classes(branch: str) -> None:
    files = smalltalk_files(branch, "old" if branch == "pharo-9" else "new")
    found = {}
    for path, text in files.items():
        if path.endswith(".class.st"):
            plugin = to_plugin(read_class(text))
            found[plugin.name] = agree(plugin)
    assert "primitiveSum" in found["FloatArrayPlugin"]


@pytest.mark.parametrize("template", ["hello", "library"])
def test_the_templates(template: str) -> None:
    data = yaml.safe_load(template_text("TemplatePlugin", template))
    methods = tuple(
        Method(each["source"], each.get("side", "instance")) for each in data["plugin"]["methods"]
    )
    assert agree(Plugin("TemplatePlugin", methods=methods))


def _branch_classes(git: str, branch: str) -> list[str]:
    listed = subprocess.run(
        ["git", "--git-dir", git, "ls-tree", "-r", "--name-only", branch, "smalltalksrc"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [path for path in listed if path.endswith(".class.st")]


@pytest.mark.skipif(
    not os.environ.get("PHARO_VM_GIT"),
    reason="set PHARO_VM_GIT to a pharo-vm git folder to compare on every real class",
)
@pytest.mark.parametrize("branch", ["pharo-10", "pharo-12"])
def test_every_class_of_a_real_checkout(branch: str) -> None:
    git = os.environ["PHARO_VM_GIT"]
    compared = 0
    modules: dict[str, str] = {}
    for path in _branch_classes(git, branch):
        text = subprocess.run(
            ["git", "--git-dir", git, "show", f"{branch}:{path}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        try:
            plugin = to_plugin(read_class(text))
        except Exception:  # noqa: BLE001 - a class the Tonel reader refuses is --import's business
            continue
        agree(plugin)
        compared += 1
        modules[plugin.name] = exports.module_name(plugin)
    assert compared > 40
    # The overrides VMMaker follows when it names the C file (InterpreterPlugin's own
    # moduleName answers the class name).
    assert modules["InflatePlugin"] == "ZipPlugin"
    assert modules["LargeIntegersPlugin"] == "LargeIntegers"
    assert modules["FilePlugin"] == "FilePlugin"


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("moduleName\n\t^ 'ZipPlugin'\n", "ZipPlugin"),
        ("moduleName\n\t^'LargeIntegers'", "LargeIntegers"),
        ("moduleName\n\t\"The C file's name.\"\n\t^ 'SqueakSSL'.\n", "SqueakSSL"),
        ("moduleName\n\t^ self name asString\n", "EdgePlugin"),
        ("moduleName\n\t^ 'cogit' , self ISA\n", "EdgePlugin"),
        ("moduleName\n\t^ 'two words'\n", "EdgePlugin"),
    ],
)
def test_the_module_name_is_what_a_class_side_module_name_answers(source, module):
    plugin = Plugin("EdgePlugin", methods=(Method(source, side="class"),))
    assert exports.module_name(plugin) == module
    instance_side = Plugin("EdgePlugin", methods=(Method(source),))
    assert exports.module_name(instance_side) == "EdgePlugin"


def test_without_an_override_the_module_is_the_class():
    assert exports.module_name(Plugin("EdgePlugin", methods=EDGE_CASES)) == "EdgePlugin"
