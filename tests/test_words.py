"""A list of names in a message: a few of them and how many in all, the closest first."""

from __future__ import annotations

from wizard.words import FEW, closest, did_you_mean, few

NAMES = [f"primitive{n}" for n in range(20)]


def test_a_short_list_is_said_whole_in_its_order():
    assert few(["b", "a", "c"]) == "b, a, c"
    assert few(NAMES[:FEW]) == ", ".join(NAMES[:FEW])
    assert few(["x", "y"], sep=" or ") == "x or y"


def test_a_long_list_shows_a_few_and_says_how_many():
    said = few(NAMES)
    assert said == ", ".join(NAMES[:8]) + " and 12 more (20 in all)"
    assert "primitive19" not in said
    assert (
        few(iter(NAMES), 3, sep="; ")
        == "primitive0; primitive1; primitive2 and 17 more (20 in all)"
    )


def test_an_empty_list_has_its_own_word():
    assert few([]) == "none"
    assert few([], none="no library") == "no library"
    assert few(iter(()), none="-") == "-"


def test_near_a_typo_the_closest_names_come_first_when_not_all_fit():
    said = few(NAMES, near="primitive_17")
    assert said.startswith("primitive17, ")
    assert said.endswith(" and 12 more (20 in all)")
    assert said.count("primitive17") == 1  # not named twice
    assert few(["abc", "abd"], near="abd") == "abc, abd"  # all fit: the order stays


def test_closest_and_did_you_mean():
    assert closest("primtive3", NAMES)[0] == "primitive3"
    assert closest("somethingElse", NAMES) == []
    branches = ["pharo-9", "pharo-10", "pharo-12"]
    assert did_you_mean("pharo-120", branches).startswith("; did you mean pharo-12 or")
    assert did_you_mean("zzz", NAMES) == ""


def test_a_prefix_all_names_share_does_not_make_them_alike():
    """Every primitive begins with ``primitive``: that alone is no likeness."""
    exported = ["primitiveAnswer", "primitiveEcho"]
    assert closest("primitiveMissing", exported) == []
    assert closest("primitiveEcoh", exported) == ["primitiveEcho"]
    assert closest("primitveEcho", exported) == ["primitiveEcho"]  # the prefix mistyped


def test_a_mistyped_step_is_refused_with_its_match_and_the_count():
    """``--from``/``--until`` with a step the plan lacks: the closest step, a few, how many."""
    from wizard.engine.plan import slice_plan

    ids = tuple(f"step-{n}" for n in range(13))
    try:
        slice_plan(ids, "step-x1", None)
    except ValueError as error:
        message = str(error)
    else:
        raise AssertionError("an unknown --from step must be refused")
    assert "did you mean step-1" in message
    assert "and 5 more (13 in all)" in message
