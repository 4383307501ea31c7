"""``--new NAME``: a new profile from the template (the article's HelloWorld plugin)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from wizard.errors import UsageError
from wizard.profile import CLASS_NAME, parse_yaml, validate

TEMPLATE_NAME = "HelloWorldPlugin"


def template_text(name: str) -> str:
    """The template with its class (and everything named after it) renamed to ``name``."""
    text = resources.files("wizard").joinpath("templates/plugin.yml").read_text("utf-8")
    return text.replace(TEMPLATE_NAME, name)


def write_new_profile(name: str, folder: Path) -> Path:
    """Write ``folder/name.yml``; never overwrite an existing file."""
    if not CLASS_NAME.fullmatch(name):
        raise UsageError(
            f"--new {name!r}: a plugin name is a Smalltalk class name: a capital letter, "
            "then letters and digits (at most 64), e.g. MyPlugin"
        )
    path = folder / f"{name}.yml"
    text = template_text(name)
    validate(parse_yaml(text, path)[0], path)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        raise UsageError(f"{path} exists already; the wizard never overwrites a profile") from None
    return path
