"""Edits of the profile's YAML text: a batch of edits gives the text that one-by-one gives.

``apply_edits`` splices replacements found in one parse; ``apply_edit`` parses again for
each edit. Both must leave the same characters, whatever mixes of block scalars, flow
collections, additions and removals a save brings.
"""

from __future__ import annotations

from functools import reduce

import pytest
import yaml

from wizard.profile.yaml_edit import DELETE, Edit, apply_edit, apply_edits

PROFILE = """\
version: 1
plugin:
  name: BigPlugin   # the class
  comment: "A plugin."
  instance_variables: [a, b]
  methods:
    - source: |
        primitiveOne
        \t<export: true>
        \t^ 1
    - protocol: primitives
      source: |
        primitiveTwo
        \t^ 2
    - source: "primitiveThree ^ 3"
build:
  jobs: 0
  cmake_options: {BUILD_BUNDLE: false}
state: {}
"""

CASES = {
    "every method": [
        Edit(("plugin", "methods", 0, "source"), "primitiveOne\n\t^ 11\n"),
        Edit(("plugin", "methods", 1, "source"), "primitiveTwo\n\t^ 22\n"),
        Edit(("plugin", "methods", 2, "source"), "primitiveThree ^ 33"),
    ],
    "values of every kind": [
        Edit(("plugin", "comment"), "Another plugin."),
        Edit(("plugin", "instance_variables"), ["a", "b", "c"]),
        Edit(("build", "jobs"), 4),
        Edit(("build", "cmake_options", "BUILD_BUNDLE"), True),
    ],
    "additions and removals between replacements": [
        Edit(("plugin", "methods", 0, "source"), "primitiveOne\n\t^ 11\n"),
        Edit(("plugin", "methods", 0, "protocol"), "primitives"),
        Edit(("plugin", "methods", 1, "protocol"), DELETE),
        Edit(("plugin", "methods", 2, "source"), "primitiveThree ^ 33"),
        Edit(("build", "mode"), "single-pass"),
    ],
    "two edits of one value": [
        Edit(("plugin", "comment"), "First."),
        Edit(("plugin", "comment"), "Second."),
    ],
    "a value and a value inside it": [
        Edit(("build", "cmake_options", "BUILD_BUNDLE"), True),
        Edit(("build", "cmake_options"), {"BUILD_BUNDLE": False, "FEATURE_X": True}),
    ],
}


@pytest.mark.parametrize("edits", CASES.values(), ids=CASES.keys())
def test_a_batch_gives_what_one_by_one_gives(edits: list[Edit]) -> None:
    one_by_one = reduce(apply_edit, edits, PROFILE)
    assert apply_edits(PROFILE, edits) == one_by_one
    assert yaml.safe_load(one_by_one) is not None


def test_a_batch_keeps_the_comment_and_changes_only_the_values() -> None:
    edits = CASES["every method"]
    text = apply_edits(PROFILE, edits)
    assert "name: BigPlugin   # the class" in text
    methods = yaml.safe_load(text)["plugin"]["methods"]
    assert [m["source"] for m in methods] == [e.value for e in edits]
