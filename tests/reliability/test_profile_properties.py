"""Property tests of the profile loader: any text is a Profile or a clean rejection,
and saving then loading gives the same profile back."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hypothesis_counts import examples
from wizard.errors import ProfileError
from wizard.profile.load import load_profile
from wizard.profile.model import Build, Method, Plugin, Profile, Repository
from wizard.profile.parse import parse_yaml
from wizard.profile.save import dump_profile
from wizard.profile.validate import validate
from wizard.profile.writer import save_state

SETTINGS = settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

yaml_ish = st.text(alphabet=string.printable + "äé\u2028", max_size=300)
structured = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def load_text(tmp_path: Path, text: str) -> Profile | None:
    path = tmp_path / "P.yml"
    path.write_text(text, encoding="utf-8")
    try:
        return load_profile(path)
    except ProfileError as error:
        assert "\n" not in str(error)
        return None


@SETTINGS
@given(yaml_ish)
def test_any_text_loads_or_is_rejected_cleanly(tmp_path, text):
    load_text(tmp_path, text)


@SETTINGS
@given(structured)
def test_any_structure_validates_or_is_rejected_cleanly(data):
    try:
        validate(data, Path("P.yml"))
    except ProfileError as error:
        assert "\n" not in str(error)


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(["version", "plugin", "build", "repository", "state", "workspace"]),
        structured,
    )
)
def test_near_profiles_validate_or_are_rejected_cleanly(data):
    try:
        validate(data, Path("P.yml"))
    except ProfileError as error:
        assert "\n" not in str(error)


names = st.from_regex(r"[A-Z][A-Za-z0-9]{0,20}", fullmatch=True)
identifiers = st.from_regex(r"[a-z][A-Za-z0-9]{0,12}", fullmatch=True)
body_lines = st.lists(
    st.text(alphabet=string.ascii_letters + string.digits + " \t'\"[]^:.()", max_size=40),
    max_size=5,
)


@st.composite
def methods(draw) -> tuple[Method, ...]:
    found = []
    for side in ("instance", "class"):
        for selector in draw(st.lists(identifiers, unique=True, max_size=3)):
            body = "".join("\t" + line.rstrip() + "\n" for line in draw(body_lines))
            protocol = draw(
                st.none() | st.sampled_from(["primitives", "private", "translation to C"])
            )
            found.append(Method(source=f"{selector}\n{body}", side=side, protocol=protocol))
    return tuple(found)


@st.composite
def profiles(draw) -> Profile:
    plugin = Plugin(
        name=draw(names),
        superclass=draw(st.sampled_from(["SmartSyntaxInterpreterPlugin", "InterpreterPlugin"])),
        category=draw(st.sampled_from(["VMMaker-Plugins", "VMMaker", "VMMaker-Plugins-Surface"])),
        comment=draw(st.none() | st.text(alphabet=string.printable, min_size=1, max_size=60)),
        instance_variables=tuple(draw(st.lists(identifiers, unique=True, max_size=3))),
        methods=draw(methods()),
    )
    options = tuple(
        (name, draw(st.text(alphabet=string.ascii_letters + string.digits + ";/.-", max_size=10)))
        for name in draw(
            st.lists(
                st.from_regex(r"[A-Z_][A-Z0-9_]{0,10}", fullmatch=True), unique=True, max_size=3
            )
        )
    )
    return Profile(
        path=Path("P.yml"),
        plugin=plugin,
        workspace=draw(st.sampled_from([".", "..", "work"])),
        repository=Repository(
            base_branch=draw(st.none() | st.sampled_from(["pharo-9", "pharo-12"]))
        ),
        external_plugins=draw(st.none() | st.lists(names, unique=True, max_size=4).map(tuple)),
        build=Build(
            mode=draw(st.sampled_from(["two-pass", "single-pass"])),
            cmake_options=options,
            jobs=draw(st.integers(0, 64)),
        ),
        state=draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "note": st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
                    "steps": st.dictionaries(  # the shape the loader checks
                        st.text(max_size=5),
                        st.fixed_dictionaries(
                            {"status": st.sampled_from(["done", "failed", "interrupted"])},
                            optional={"log": st.text(max_size=5), "seconds": st.floats(0, 9)},
                        ),
                        max_size=2,
                    ),
                },
            )
        ),
    )


@SETTINGS
@given(profiles())
def test_save_then_load_gives_the_same_profile(profile):
    text = dump_profile(profile)
    data, _ = parse_yaml(text, profile.path)
    again = validate(data, profile.path)
    assert again == profile


state_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(alphabet=string.printable + "äé\u2028\x85\ufeff", max_size=40),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)


@SETTINGS
@given(
    st.dictionaries(st.text(max_size=8).filter(lambda k: k != "steps"), state_values, max_size=4)
)
def test_saving_any_state_keeps_it_and_the_rest_of_the_file(tmp_path, state):
    """``state:`` is written by libyaml's emitter: whatever the wizard puts there loads back."""
    path = tmp_path / "P.yml"
    head = "# my profile\nversion: 1\nplugin:\n  name: P   # the class\n"
    path.write_text(head + "state: {}\n", encoding="utf-8")
    profile = load_profile(path)
    shared = ["the", "same", "list"]
    profile.state.clear()
    profile.state.update(state, twice={"a": shared, "b": shared})  # no aliases are written
    save_state(profile)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(head)
    assert load_profile(path).state == profile.state
