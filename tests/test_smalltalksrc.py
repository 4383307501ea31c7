"""Finding a class of a checkout's smalltalksrc/ by its Tonel definition, in any package."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wizard.checkout.smalltalksrc import (
    ClassLookupError,
    class_definitions,
    class_path,
    defined_name,
    find_class,
)


def _write_class(
    root: Path,
    package: str,
    name: str,
    *,
    file_name: str | None = None,
    style: str = "new",
    comment: str = "A class.",
) -> Path:
    spelled = f"'{name}'" if style == "new" else f"#{name}"
    path = root / "smalltalksrc" / package / f"{file_name or name}.class.st"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'"\n{comment}\n"\nClass {{\n\t#name : {spelled},\n\t#superclass : #Object,\n'
        f"\t#category : #'{package}'\n}}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "package", ["VMMakerCompatibilityForPharo6", "VMMaker", "SomePackageOfItsOwn"]
)
def test_pharovmmaker_is_found_in_any_package_folder(tmp_path: Path, package: str) -> None:
    _write_class(tmp_path, "VMMaker", "InterpreterPlugin")
    expected = _write_class(tmp_path, package, "PharoVMMaker")

    assert find_class(tmp_path, "PharoVMMaker") == expected
    assert class_path(tmp_path, "PharoVMMaker") == f"smalltalksrc/{package}/PharoVMMaker.class.st"


@pytest.mark.parametrize("style", ["old", "new"])
def test_both_tonel_styles_name_the_class(tmp_path: Path, style: str) -> None:
    path = _write_class(tmp_path, "VMMaker", "FloatArrayPlugin", style=style)

    assert defined_name(path.read_text()) == "FloatArrayPlugin"
    assert find_class(tmp_path, "FloatArrayPlugin") == path


def test_a_file_named_after_the_class_but_defining_another_is_not_it(tmp_path: Path) -> None:
    _write_class(tmp_path, "VMMaker", "SomethingElse", file_name="PharoVMMaker")
    real = _write_class(tmp_path, "Generation", "PharoVMMaker", file_name="Maker")

    assert find_class(tmp_path, "PharoVMMaker") == real  # found by the scan, by definition


def test_a_long_class_comment_does_not_hide_the_definition(tmp_path: Path) -> None:
    path = _write_class(tmp_path, "VMMaker", "Long", file_name="Other", comment="x" * 10000)

    assert find_class(tmp_path, "Long") == path


def test_two_definitions_fail_in_one_line_naming_both(tmp_path: Path) -> None:
    _write_class(tmp_path, "VMMakerCompatibilityForPharo6", "PharoVMMaker")
    _write_class(tmp_path, "VMMaker", "PharoVMMaker")

    with pytest.raises(ClassLookupError) as raised:
        find_class(tmp_path, "PharoVMMaker")

    message = str(raised.value)
    assert "\n" not in message
    assert "PharoVMMaker is defined 2 times" in message
    assert "smalltalksrc/VMMaker/PharoVMMaker.class.st" in message
    assert "smalltalksrc/VMMakerCompatibilityForPharo6/PharoVMMaker.class.st" in message


def test_no_definition_fails_in_one_line_naming_what_was_looked_for(tmp_path: Path) -> None:
    _write_class(tmp_path, "VMMaker", "InterpreterPlugin")

    assert find_class(tmp_path, "PharoVMMaker") is None
    with pytest.raises(ClassLookupError) as raised:
        class_path(tmp_path, "PharoVMMaker")

    assert str(raised.value) == (
        "no class PharoVMMaker in smalltalksrc/ (looked for a Tonel definition "
        "`#name : #PharoVMMaker` in every package folder)"
    )


def test_class_definitions_lists_every_class_with_its_files(tmp_path: Path) -> None:
    one = _write_class(tmp_path, "VMMaker", "InterpreterPlugin")
    two = _write_class(tmp_path, "FileAttributesPlugin", "FileAttributesPlugin", style="old")
    (tmp_path / "smalltalksrc" / "VMMaker" / "package.st").write_text("Package { }\n")

    assert class_definitions(tmp_path) == {
        "InterpreterPlugin": [one],
        "FileAttributesPlugin": [two],
    }


def test_a_link_or_a_fifo_defines_no_class_and_is_never_read(tmp_path: Path) -> None:
    """A checkout someone shared may hold a link to ``/dev/zero`` or a FIFO named like a
    class: the finder answers at once instead of reading without end or blocking."""
    package = tmp_path / "smalltalksrc" / "VMMaker"
    package.mkdir(parents=True)
    (package / "PharoVMMaker.class.st").symlink_to("/dev/zero")
    os.mkfifo(package / "InterpreterProxy.class.st")
    assert find_class(tmp_path, "PharoVMMaker") is None
    assert find_class(tmp_path, "InterpreterProxy") is None
