"""The profile loader: defaults, one-line rejections that name file, line and field."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from wizard.errors import ProfileError
from wizard.profile.load import load_profile
from wizard.profile.model import Method
from wizard.profile.parse import parse_yaml
from wizard.profile.save import dump_profile
from wizard.profile.template import template_text
from wizard.profile.validate import validate
from wizard.profile.writer import save_state

MINIMAL = """\
version: 1
plugin:
  name: HelloWorldPlugin
  methods:
    - source: |
        primitiveAnswer
        \t<export: true>
        \tinterpreterProxy pop: 1 thenPush: (interpreterProxy integerObjectOf: 42)
"""


def write(tmp_path: Path, text: str, name: str = "P.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rejection(path: Path, *overrides: str) -> str:
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(ProfileError) as caught:
        load_profile(path, list(overrides))
    if before is not None:
        assert path.read_bytes() == before, "a profile that fails to load must stay untouched"
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_minimal_profile_gets_every_default(tmp_path):
    profile = load_profile(write(tmp_path, MINIMAL))
    assert profile.plugin.superclass == "SmartSyntaxInterpreterPlugin"
    assert profile.plugin.category == "VMMaker-Plugins"
    assert (profile.plugin.package, profile.plugin.tag) == ("VMMaker", "Plugins")
    assert profile.repository.url == "https://github.com/pharo-project/pharo-vm.git"
    assert profile.repository.base_branch is None
    assert profile.plugin_branch == "HelloWorldPlugin"
    assert profile.build.mode == "two-pass"
    assert profile.build.cmake_definitions == ["-DICEBERG_DEFAULT_REMOTE=httpsUrl"]
    assert profile.checkout_dir == tmp_path.resolve() / "pharo-vm"
    assert profile.logs_dir == tmp_path.resolve() / "logs" / "HelloWorldPlugin"
    assert [m.selector for m in profile.plugin.methods] == ["primitiveAnswer"]


def test_the_issue_example_message(tmp_path):
    path = write(tmp_path, MINIMAL.replace("HelloWorldPlugin", "helloWorld"))
    message = rejection(path)
    assert message.endswith(":3: plugin.name: 'helloWorld' must start with a capital letter")
    assert str(path.name) in message


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (("version: 1", "version: 2"), "version", "not supported"),
        (("  name: HelloWorldPlugin", "  name: Hello World"), "plugin.name", "only letters"),
        (("  name: HelloWorldPlugin", "  name: ../Evil"), "plugin.name", "capital letter"),
        (("  name: HelloWorldPlugin", "  name: " + "A" * 70), "plugin.name", "64"),
        (("  name: HelloWorldPlugin", "  name: 12"), "plugin.name", "not a number"),
        (
            ("    - source: |", "    - side: meta\n      source: |"),
            "plugin.methods[0].side",
            "instance or class",
        ),
        (("  methods:", "  colour: blue\n  methods:"), "plugin.colour", "unknown key"),
    ],
)
def test_rejections_name_the_field(tmp_path, change, field, words):
    path = write(tmp_path, MINIMAL.replace(*change))
    message = rejection(path)
    assert f": {field}: " in message
    assert words in message


def test_duplicate_selector_on_one_side_is_bad_input(tmp_path):
    text = MINIMAL + "    - source: |\n        primitiveAnswer\n        \t^ 1\n"
    message = rejection(write(tmp_path, text))
    assert "plugin.methods[1].source" in message
    assert "primitiveAnswer" in message


def test_same_selector_on_both_sides_is_fine(tmp_path):
    text = MINIMAL + "    - side: class\n      source: |\n        primitiveAnswer\n        \t^ 1\n"
    assert len(load_profile(write(tmp_path, text)).plugin.methods) == 2


def test_method_without_pattern_line(tmp_path):
    text = MINIMAL + "    - source: |\n        ^ 3 + 4\n"
    assert "no pattern line" in rejection(write(tmp_path, text))


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "version: 1\nplugin: [unclosed\n")
    assert "P.yml:" in rejection(path)


def test_python_tags_are_refused(tmp_path):
    path = write(tmp_path, "version: 1\nplugin: !!python/object/apply:os.system ['true']\n")
    assert "could not determine a constructor" in rejection(path)


def test_alias_bomb_is_refused_before_expansion(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        here = chr(ord("a") + i)
        lines.append(f"{here}: &{here} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    message = rejection(write(tmp_path, "\n".join(lines) + "\n"))
    assert "aliases" in message


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary", b"version: 1\nplugin: \xff\xfe\n"])
def test_empty_binary_and_non_utf8(tmp_path, content):
    path = tmp_path / "P.yml"
    path.write_bytes(content)
    rejection(path)


def test_folder_missing_and_huge(tmp_path):
    assert "folder" in rejection(tmp_path)
    assert "no such file" in rejection(tmp_path / "missing.yml")
    huge = write(tmp_path, MINIMAL + "#" * (2 * 1024 * 1024))
    assert "1 MiB" in rejection(huge)


def test_cmake_option_injection_is_refused(tmp_path):
    text = MINIMAL + "build:\n  cmake_options:\n    'A;rm -rf /': x\n"
    assert "not a cmake variable name" in rejection(write(tmp_path, text))
    text = MINIMAL + 'build:\n  cmake_options:\n    FOO: "a\\nb"\n'
    assert "control characters" in rejection(write(tmp_path, text))


def test_paths_stay_inside_the_workspace(tmp_path):
    text = MINIMAL + "repository:\n  path: ../../elsewhere\n"
    assert "repository.path" in rejection(write(tmp_path, text))
    text = MINIMAL + "build:\n  dir: /tmp/build\n"
    assert "build.dir" in rejection(write(tmp_path, text))


def test_url_cannot_be_an_option(tmp_path):
    text = MINIMAL + "repository:\n  url: --upload-pack=evil\n"
    assert "repository.url" in rejection(write(tmp_path, text))


def test_set_overrides_apply_to_the_run_only(tmp_path):
    path = write(tmp_path, MINIMAL)
    before = path.read_bytes()
    profile = load_profile(path, ["build.jobs=4", "repository.base_branch=pharo-12"])
    assert profile.build.jobs == 4
    assert profile.repository.base_branch == "pharo-12"
    assert path.read_bytes() == before


def test_bad_set_override_is_one_line(tmp_path):
    path = write(tmp_path, MINIMAL)
    assert "build.jobs" in rejection(path, "build.jobs=many")
    assert "--set" in rejection(path, "nonsense")
    assert "unknown key" in rejection(path, "build.colour=red")


def test_save_state_keeps_the_rest_of_the_file(tmp_path):
    text = "# my comment\n" + MINIMAL + "state: {}\n# trailing comment\n"
    path = write(tmp_path, text)
    profile = load_profile(path)
    profile.state["steps"] = {"clone": {"status": "done"}}
    save_state(profile)
    saved = path.read_text()
    assert saved.startswith("# my comment\n")
    assert "# trailing comment" in saved
    assert load_profile(path).state == {"steps": {"clone": {"status": "done"}}}


def test_save_state_appends_when_there_is_no_state(tmp_path):
    path = write(tmp_path, MINIMAL)
    profile = load_profile(path)
    profile.state["steps"] = {"branch": {"status": "failed"}}
    save_state(profile)
    assert load_profile(path).state["steps"]["branch"]["status"] == "failed"
    assert path.read_text().startswith(MINIMAL)


def test_dump_round_trips_with_tabs_as_blocks(tmp_path):
    path = write(tmp_path, template_text("RoundTripPlugin"), "RoundTripPlugin.yml")
    profile = load_profile(path)
    path.write_text(dump_profile(profile), encoding="utf-8")
    again = load_profile(path)
    assert again.plugin == profile.plugin
    assert again.repository == profile.repository
    assert again.build == profile.build
    assert "source: |" in path.read_text()
    assert "\\t" not in path.read_text()


def test_dump_is_valid_yaml_for_validate(tmp_path):
    path = write(tmp_path, MINIMAL)
    profile = load_profile(path)
    data = yaml.safe_load(dump_profile(profile))
    assert validate(data, path).plugin == profile.plugin


def test_template_is_the_article_plugin_renamed(tmp_path):
    data, _ = parse_yaml(template_text("MyPlugin"), tmp_path / "MyPlugin.yml")
    profile = validate(data, tmp_path / "MyPlugin.yml")
    assert profile.plugin.name == "MyPlugin"
    selectors = [(m.side, m.selector) for m in profile.plugin.methods]
    assert selectors == [
        ("class", "moduleNameAndVersion"),
        ("instance", "primitiveGetHelloString"),
        ("instance", "greeting"),
    ]
    assert "(interpreterProxy stringForCString: self greeting)" in profile.plugin.methods[1].source
    assert all("stringFromCString:" not in m.source for m in profile.plugin.methods)
    assert "Hello from your MyPlugin." in profile.plugin.methods[2].source
    (example,) = profile.plugin.examples
    assert (example.primitive, example.arguments) == ("primitiveGetHelloString", ())
    assert example.answers == "'Hello from your MyPlugin.'"


def test_the_shipped_profile_has_the_articles_example():
    profile = load_profile(Path(__file__).parent.parent / "profiles" / "HelloWorldPlugin.yml")
    assert [(e.primitive, e.answers) for e in profile.plugin.examples] == [
        ("primitiveGetHelloString", "'Hello from your HelloWorldPlugin.'")
    ]


# --------------------------------------------------------------------------- plugin.examples

ECHO = (
    MINIMAL
    + """\
    - source: |
        primitiveEcho: aString
        \tself primitive: 'primitiveEcho' parameters: #(String).
        \t^ aString
"""
)


def with_examples(examples: str) -> str:
    return ECHO + "  examples:\n" + examples


def test_examples_are_read_in_order_with_their_arguments_as_text(tmp_path):
    text = with_examples(
        """\
    - primitive: primitiveAnswer
      answers: "42"
    - primitive: primitiveEcho
      arguments: ["'abc'"]
      answers: "'abc'"
"""
    )
    profile = load_profile(write(tmp_path, text))
    first, second = profile.plugin.examples
    assert (first.primitive, first.arguments, first.answers) == ("primitiveAnswer", (), "42")
    assert (second.primitive, second.arguments, second.answers) == (
        "primitiveEcho",
        ("'abc'",),
        "'abc'",
    )
    again = validate(yaml.safe_load(dump_profile(profile)), tmp_path / "again.yml")
    assert again.plugin.examples == profile.plugin.examples


def test_no_examples_is_an_empty_tuple(tmp_path):
    assert load_profile(write(tmp_path, MINIMAL)).plugin.examples == ()


@pytest.mark.parametrize(
    ("examples", "field", "words"),
    [
        (
            "    - primitive: primitiveMissing\n      answers: '1'\n",
            "plugin.examples[0].primitive",
            "not an exported primitive of HelloWorldPlugin (exported: primitiveAnswer, primitiveEcho)",
        ),
        ("    - answers: '1'\n", "plugin.examples[0].primitive", "missing"),
        ("    - primitive: primitiveAnswer\n", "plugin.examples[0].answers", "missing"),
        (
            "    - primitive: primitiveAnswer\n      answers: 42\n",
            "plugin.examples[0].answers",
            "read as the number 42",
        ),
        (
            "    - primitive: primitiveEcho\n      arguments: \"'abc'\"\n      answers: '1'\n",
            "plugin.examples[0].arguments",
            "must be a list",
        ),
        (
            "    - primitive: primitiveEcho\n      arguments: [3]\n      answers: '3'\n",
            "plugin.examples[0].arguments[0]",
            "read as the number 3",
        ),
        (
            "    - primitive: primitiveEcho\n      arguments: ['']\n      answers: '3'\n",
            "plugin.examples[0].arguments[0]",
            "must not be empty",
        ),
        (
            "    - primitive: primitiveAnswer\n      answers: '42'\n      expected: '42'\n",
            "plugin.examples[0].expected",
            "unknown key; expected one of primitive, receiver, arguments, answers",
        ),
        ("    primitiveAnswer\n", "plugin.examples", "must be a list"),
    ],
    ids=["not-exported", "no-primitive", "no-answers", "number", "not-list", "arg-number",
         "arg-empty", "unknown-key", "not-a-list"],
)  # fmt: skip
def test_bad_examples_name_the_key(tmp_path, examples, field, words):
    message = rejection(write(tmp_path, with_examples(examples)))
    assert field in message
    assert words in message


def test_examples_take_a_receiver_and_round_trip(tmp_path):
    text = with_examples(
        """\
    - primitive: primitiveAnswer
      receiver: "#(1.0 2.0 3.0) asFloatArray"
      answers: "6.0"
    - primitive: primitiveEcho
      receiver: "#[1 2 3]"
      arguments: ["16rFF", "$a", "#(1 #two 'three' (4 5) #[6]) asString", "nil"]
      answers: "nil"
"""
    )
    profile = load_profile(write(tmp_path, text))
    first, second = profile.plugin.examples
    assert first.receiver == "#(1.0 2.0 3.0) asFloatArray"
    assert second.receiver == "#[1 2 3]"
    assert second.arguments[2] == "#(1 #two 'three' (4 5) #[6]) asString"
    dumped = dump_profile(profile)
    assert dumped.count("receiver:") == 2
    again = validate(yaml.safe_load(dumped), tmp_path / "again.yml")
    assert again.plugin.examples == profile.plugin.examples
    # No receiver: the script's own object, and nothing written for it.
    plain = load_profile(
        write(tmp_path, with_examples("    - primitive: primitiveAnswer\n      answers: '42'\n"))
    )
    assert plain.plugin.examples[0].receiver == ""
    assert "receiver" not in dump_profile(plain)


@pytest.mark.parametrize(
    ("field", "text", "why"),
    [
        ("arguments[0]", "Smalltalk at: #Foo put: 3", "'Smalltalk' is a name, not a literal"),
        ("arguments[0]", "OSPlatform current runCommand: 'rm -rf ~'", "is a name, not a literal"),
        ("arguments[0]", "3 + 4", "unexpected '+ 4' after the literal"),
        ("arguments[0]", "'abc", "is not closed"),
        ("arguments[0]", "#(1 2", "not closed"),
        ("arguments[0]", "[ :x | x ]", "where a literal starts"),
        ("arguments[0]", "'abc' perform: #size", "perform is not one of the conversions"),
        ("arguments[0]", "3 asFloat asString", "only one conversion"),
        ("arguments[0]", "#(1 2) printString", "printString is not one of the conversions"),
        ("receiver", "thisContext", "is a name, not a literal"),
        ("receiver", "'a' asFloatArray", "asFloatArray does not apply to a string"),
        ("receiver", "#(300) asByteArray", "asByteArray needs an array of integers from 0 to 255"),
    ],
)
def test_receivers_and_arguments_must_be_values(tmp_path, field, text, why):
    key = "receiver: " if field == "receiver" else "arguments: "
    value = json.dumps(text if field == "receiver" else [text])
    examples = f"    - primitive: primitiveEcho\n      {key}{value}\n      answers: '1'\n"
    message = rejection(write(tmp_path, with_examples(examples)))
    assert f"plugin.examples[0].{field}: " in message
    assert "(example of primitiveEcho) is not a value: " in message
    assert why in message


def test_an_unknown_primitive_lists_a_few_exports_and_how_many(tmp_path):
    methods = "".join(
        f"    - source: |\n        primitive{n}\n        \t<export: true>\n        \t^ {n}\n"
        for n in range(20)
    )
    text = MINIMAL + methods + "  examples:\n    - primitive: primitiveNone\n      answers: '1'\n"
    message = rejection(write(tmp_path, text))
    assert "not an exported primitive of HelloWorldPlugin" in message
    assert "and 13 more (21 in all)" in message
    assert "primitive19" not in message


def test_a_mistyped_primitive_among_200_is_answered_in_a_short_line_naming_its_match(tmp_path):
    names = [f"primitive{word}{n}" for n in range(50) for word in ("Open", "Close", "Read", "Send")]
    methods = "".join(
        f"    - source: |\n        {name}\n        \t<export: true>\n        \t^ 1\n"
        for name in names
    )
    examples = "  examples:\n    - primitive: primitiveRaed17\n      answers: '1'\n"
    message = rejection(write(tmp_path, MINIMAL + methods + examples))
    assert "'primitiveRaed17' is not an exported primitive of HelloWorldPlugin" in message
    assert "did you mean primitiveRead17" in message
    exported = message.split("(exported: ", 1)[1]
    assert exported.startswith("primitiveRead17, "), message  # the match is shown first
    assert "and 193 more (201 in all)" in message
    assert len(message.split(".primitive: ", 1)[1]) < 320, message  # not 200 names


def test_build_try_timeout_is_whole_seconds(tmp_path):
    assert load_profile(write(tmp_path, MINIMAL)).build.try_timeout == 120
    five = load_profile(write(tmp_path, MINIMAL + "build:\n  try_timeout: 5\n"))
    assert five.build.try_timeout == 5
    assert "try_timeout: 5" in dump_profile(five)
    assert "try_timeout" not in dump_profile(load_profile(write(tmp_path, MINIMAL)))
    assert load_profile(write(tmp_path, MINIMAL), ["build.try_timeout=7"]).build.try_timeout == 7
    for bad in ("0", "-1", "1.5", "true", "'60'", "86401"):
        message = rejection(write(tmp_path, MINIMAL + f"build:\n  try_timeout: {bad}\n"))
        assert "build.try_timeout: " in message
        assert "must be a whole number of seconds from 1 to 86400" in message


def test_loading_a_profile_with_examples_loads_no_parser(tmp_path):
    """Examples are checked at load without tree-sitter: loading must stay fast."""
    import subprocess
    import sys

    path = write(
        tmp_path,
        with_examples(
            "    - primitive: primitiveEcho\n      receiver: '#(1 2) asByteArray'\n      arguments: [\"'abc'\"]\n      answers: \"'abc'\"\n"
        ),
    )
    code = (
        "import sys\n"
        "from wizard.profile.load import load_profile\n"
        f"profile = load_profile(__import__('pathlib').Path({str(path)!r}))\n"
        "assert profile.plugin.examples[0].receiver\n"
        "heavy = sorted(m for m in sys.modules if m.startswith(('tree_sitter', 'wizard.slang.syntax')))\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_class_side_and_unexported_methods_are_no_primitives(tmp_path):
    text = MINIMAL + (
        "    - source: |\n        helper\n        \t^ 1\n"
        "  examples:\n    - primitive: helper\n      answers: '1'\n"
    )
    assert "'helper' is not an exported primitive" in rejection(write(tmp_path, text))


def test_build_regenerate_is_plugin_or_image(tmp_path):
    assert load_profile(write(tmp_path, MINIMAL)).build.regenerate == "plugin"
    image = load_profile(write(tmp_path, MINIMAL + "build:\n  regenerate: image\n"))
    assert image.build.regenerate == "image"
    message = rejection(write(tmp_path, MINIMAL + "build:\n  regenerate: everything\n"))
    assert ": build.regenerate: " in message and "must be plugin or image" in message


# --------------------------------------------------------------------------- all a class says

DEFINITION = MINIMAL.replace(
    "  methods:\n",
    "  category: Slang-Tests-AST\n"
    "  package: Slang-Tests\n"
    "  class_variables: [MAX_COUNT, Limit]\n"
    "  class_instance_variables: [registry]\n"
    "  pools: [VMBasicConstants]\n"
    "  verbatim: true\n"
    "  methods:\n",
)


def test_a_profile_holds_the_whole_class_definition(tmp_path):
    plugin = load_profile(write(tmp_path, DEFINITION)).plugin
    assert plugin.class_variables == ("MAX_COUNT", "Limit")
    assert plugin.class_instance_variables == ("registry",)
    assert plugin.pools == ("VMBasicConstants",)
    assert (plugin.category, plugin.package, plugin.tag) == (
        "Slang-Tests-AST",
        "Slang-Tests",
        "AST",
    )
    assert plugin.verbatim is True
    again = load_profile(write(tmp_path, dump_profile(load_profile(tmp_path / "P.yml")), "Q.yml"))
    assert again.plugin == plugin


def test_an_old_profile_dumps_without_the_new_keys(tmp_path):
    text = dump_profile(load_profile(write(tmp_path, MINIMAL)))
    for key in ("class_variables", "class_instance_variables", "pools", "package", "verbatim"):
        assert f"{key}:" not in text


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ("  class_variables: MAX\n", "plugin.class_variables", "must be a list"),
        ("  class_variables: [A, A]\n", "plugin.class_variables", "same entry twice"),
        ("  class_variables: ['a b']\n", "plugin.class_variables[0]", "not a class variable"),
        ("  class_instance_variables: [self]\n", "plugin.class_instance_variables[0]", "reserved"),
        ("  pools: [lowercase]\n", "plugin.pools[0]", "not a pool dictionary"),
        ("  verbatim: yes please\n", "plugin.verbatim", "true or false"),
        ("  package: Other\n", "plugin.package", "must be the start of the category"),
        ("  category: ../VMMaker\n", "plugin.category", "must be a package name"),
    ],
)
def test_bad_definition_keys_name_the_field(tmp_path, line, field, words):
    message = rejection(write(tmp_path, MINIMAL.replace("  methods:\n", line + "  methods:\n")))
    assert f": {field}: " in message
    assert words in message


def test_a_category_of_another_package_is_read(tmp_path):
    text = MINIMAL.replace("  methods:\n", "  category: FileAttributesPlugin\n  methods:\n")
    plugin = load_profile(write(tmp_path, text)).plugin
    assert (plugin.package, plugin.tag) == ("FileAttributesPlugin", None)


@pytest.mark.parametrize(
    "source",
    [
        "declareCVarsIn: cg \n\tcg var: #x type: #int\n",
        'close  "trailing" \t\n\t^ 1 \n\n\n',
        "reset\n\t\n  \n\tx := nil\n",
        "primitiveAnswer ^ 42 \n",
    ],
)
def test_sources_with_blanks_at_line_ends_dump_as_blocks_and_load_back(tmp_path, source):
    profile = load_profile(write(tmp_path, MINIMAL))
    profile.plugin = replace(profile.plugin, methods=(Method(source),), verbatim=True)
    text = dump_profile(profile)
    assert "source: |" in text
    assert validate(parse_yaml(text, tmp_path / "P.yml")[0], tmp_path / "P.yml").plugin == (
        profile.plugin
    )
    assert yaml.safe_load(text)["plugin"]["methods"][0]["source"] == source
