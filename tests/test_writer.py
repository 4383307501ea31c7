"""The profile's one writer: saves that keep the user's file, and two threads that lose nothing."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hypothesis_counts import examples
from tests.test_tui_writer import every_version
from wizard.errors import ProfileError
from wizard.profile.load import load_profile
from wizard.profile.model import MAX_PROFILE_BYTES, Method, with_plugin
from wizard.profile.template import template_text
from wizard.profile.writer import OutsideEdit, save_state, writer_for

OPTIONS = """  cmake_options:
    ICEBERG_DEFAULT_REMOTE: httpsUrl   # the user's note
    BUILD_BUNDLE: false
    VMMAKER_IMAGE: 'quoted.image'
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    text = template_text("HelloWorldPlugin")
    text = re.sub(
        r"  cmake_options:\n    ICEBERG_DEFAULT_REMOTE: httpsUrl[^\n]*\n", OPTIONS, text, count=1
    )
    # Without the template's example: these tests change the methods it calls.
    text = re.sub(r"  examples:\n(?:    [^\n]*\n)+", "", text, count=1)
    assert OPTIONS in text
    profile = tmp_path / "profiles" / "HelloWorldPlugin.yml"
    profile.parent.mkdir()
    profile.write_text(text, encoding="utf-8")
    return profile


def changed_lines(before: str, after: str) -> list[str]:
    old = before.splitlines()
    return [line for line in after.splitlines() if line not in old]


def test_an_edit_changes_only_its_values(path):
    before = path.read_text(encoding="utf-8")
    profile = load_profile(path)
    methods = list(profile.plugin.methods)
    methods[1] = replace(methods[1], source=methods[1].source + "\t^ 42\n")
    wanted = with_plugin(profile, methods=tuple(methods), comment="Says 'hello'.")
    options = (*profile.build.cmake_options, ("GENERATE_PHARO_VM", "/opt/pharo/vm"))
    wanted = replace(wanted, build=replace(wanted.build, cmake_options=options, jobs=4))
    assert writer_for(path).save_edit(wanted)
    after = path.read_text(encoding="utf-8")
    assert load_profile(path) == wanted
    assert sorted(changed_lines(before, after)) == sorted(
        [
            "  comment: Says 'hello'.",
            "        \t^ 42",
            # over the template's commented line, with its trailing comment
            "    GENERATE_PHARO_VM: /opt/pharo/vm     # runs a program: needs --trust",
            "  jobs: 4   # make -j; 0 means one job per CPU",  # its comment kept
        ]
    )
    assert OPTIONS in after  # comment, false and quotes as the user wrote them
    assert after.startswith(before.split("  comment:")[0])


def test_text_the_editor_accepts_saves_and_loads_back_identical(path):
    profile = load_profile(path)
    sources = [
        "\tprimitiveTab\n\t^ 1",  # a tab before the pattern line
        "primitiveSpaces\n  ^ 2   \n\n\n",  # trailing spaces and blank lines
        "primitiveQuote\n\t^ 'it''s' , \"#: {x}\" , '- [y]'\n",
        " primitiveLeadingSpace\r\n\t^ 3",  # a space first, a carriage return
    ]
    for number, source in enumerate(sources):
        methods = list(profile.plugin.methods)
        index = number % len(methods)
        methods[index] = replace(methods[index], source=source)
        profile = with_plugin(profile, methods=tuple(methods))
        assert writer_for(path).save_edit(profile)
        assert load_profile(path).plugin.methods[index].source == source
    added = with_plugin(
        profile, methods=(*profile.plugin.methods, Method("\tprimitiveNew\n\t^ nil", "class"))
    )
    writer_for(path).save_edit(added)
    assert load_profile(path) == added


def test_a_profile_over_one_mebibyte_is_not_written(path):
    before = path.read_text(encoding="utf-8")
    profile = load_profile(path)
    huge = with_plugin(profile, comment="x" * MAX_PROFILE_BYTES)
    with pytest.raises(ProfileError, match="at most 1 MiB"):
        writer_for(path).save_edit(huge)
    assert path.read_text(encoding="utf-8") == before


def test_an_outside_edit_is_not_overwritten(path):
    writer = writer_for(path)
    writer.remember()
    profile = load_profile(path)
    path.write_text(path.read_text(encoding="utf-8").replace("jobs: 0", "jobs: 7"))
    assert writer.changed_on_disk()
    with pytest.raises(OutsideEdit):
        writer.save_edit(with_plugin(profile, comment="mine"))
    assert load_profile(path).build.jobs == 7
    assert writer.reload().build.jobs == 7 and not writer.changed_on_disk()


def test_state_saves_and_edits_from_two_threads_lose_nothing(path):
    """The engine's thread records steps while the TUI's saves an edit after another.

    A save that read the file before the other's write and wrote after it would put back a
    version without the other's change; every version the file holds is watched for that.
    """
    engine_profile = load_profile(path)
    writer_for(path).remember()
    rounds = 60

    def engine() -> None:
        for number in range(rounds):
            engine_profile.state.setdefault("steps", {})[f"step{number}"] = {"status": "done"}
            save_state(engine_profile)

    with every_version(path) as versions:
        thread = threading.Thread(target=engine)
        thread.start()
        profile = load_profile(path)
        base = profile.plugin.methods[1].source
        for number in range(1, rounds + 1):
            methods = list(profile.plugin.methods)
            methods[1] = replace(methods[1], source=base + "x" * number + "\n")
            profile = with_plugin(profile, methods=tuple(methods))
            writer_for(path).save_edit(profile)
        thread.join()
    loaded = [yaml.safe_load(version) for version in versions]
    typed = [
        data["plugin"]["methods"][1]["source"].rstrip("\n").rsplit("\n", 1)[-1].count("x")
        for data in loaded
    ]
    steps = [len((data.get("state") or {}).get("steps") or {}) for data in loaded]
    assert typed[-1] == rounds and steps[-1] == rounds
    assert typed == sorted(typed), "an edit was saved, then taken away by a state save"
    assert steps == sorted(steps), "a step was recorded, then taken away by an edit's save"


EDITOR_TEXT = st.lists(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
    | st.sampled_from(["\t", "\n", " ", "\n\n", "  ", "'", '"', "#", ": ", "- ", "|", "{"]),
    max_size=40,
).map("".join)


@given(prefix=st.sampled_from(["", "\t", " ", "  \t"]), body=EDITOR_TEXT, other=EDITOR_TEXT)
@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_text_the_editor_accepts_loads_back_identical(path, prefix, body, other):
    writer = writer_for(path)
    writer.remember()
    profile = load_profile(path)
    methods = list(profile.plugin.methods)
    methods[1] = replace(methods[1], source=f"{prefix}primitiveAny\n{body}")
    methods[2] = replace(methods[2], source=f"helper\n{other}")
    wanted = with_plugin(profile, methods=tuple(methods))
    writer.save_edit(wanted)
    assert load_profile(path) == wanted


def test_a_flow_style_profile_keeps_its_form(tmp_path):
    path = tmp_path / "Flow.yml"
    path.write_text(
        '{version: 1, plugin: {name: XPlugin, methods: [{source: "primitiveA\\n\\t^ 1"}]},\n'
        " build: {cmake_options: {BUILD_BUNDLE: false}}}  # one line\n",
        encoding="utf-8",
    )
    profile = load_profile(path)
    methods = (
        replace(profile.plugin.methods[0], source="\tprimitiveA\n\t^ 2\n"),
        Method("primitiveB\n\t^ 3", "class", "prims"),
    )
    options = (*profile.build.cmake_options, ("VMMAKER_IMAGE", "/a b/c.image"))
    wanted = with_plugin(profile, methods=methods, comment="hi")
    wanted = replace(wanted, build=replace(wanted.build, cmake_options=options, jobs=2))
    writer_for(path).save_edit(wanted)
    assert load_profile(path) == wanted
    text = path.read_text(encoding="utf-8")
    assert text.startswith("{version: 1, plugin: {name: XPlugin, methods: [")
    assert "BUILD_BUNDLE: false" in text and text.endswith("}  # one line\n")
