"""``--new NAME [--template T]``: a new profile from a template.

``hello`` (the default) is the article's HelloWorld plugin; ``library`` a plugin whose
primitive calls zlib's ``crc32`` through a hand-written C helper, with ``link:`` and
``sources:``. A template's class name (and everything named after it) becomes ``NAME``;
its C files, if any, are written to ``<profiles>/NAME/`` beside the profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from wizard.errors import UsageError
from wizard.profile.model import CLASS_NAME
from wizard.profile.parse import parse_yaml
from wizard.profile.validate import validate


@dataclass(frozen=True)
class Template:
    """A profile template shipped with the wizard, and the C files that go with it."""

    name: str
    file: str  # below wizard/templates/
    class_name: str  # the name it is written with, replaced by the user's
    c_files: tuple[str, ...] = ()  # below wizard/templates/<name>/, written to <NAME>/


TEMPLATES = {
    "hello": Template("hello", "plugin.yml", "HelloWorldPlugin"),
    "library": Template("library", "library.yml", "ZlibCrcPlugin", ("crcHelper.c", "crcHelper.h")),
}
DEFAULT_TEMPLATE = "hello"
TEMPLATE_NAME = TEMPLATES[DEFAULT_TEMPLATE].class_name


def _template(template: str) -> Template:
    if template not in TEMPLATES:
        raise UsageError(
            f"--template {template!r}: no such template; choose one of {', '.join(TEMPLATES)}"
        )
    return TEMPLATES[template]


def template_text(name: str, template: str = DEFAULT_TEMPLATE) -> str:
    """The template with its class (and everything named after it) renamed to ``name``."""
    chosen = _template(template)
    text = resources.files("wizard").joinpath(f"templates/{chosen.file}").read_text("utf-8")
    return text.replace(chosen.class_name, name)


def template_c_files(template: str) -> dict[str, str]:
    """The template's C files, by file name."""
    chosen = _template(template)
    folder = resources.files("wizard").joinpath(f"templates/{chosen.name}")
    return {name: folder.joinpath(name).read_text("utf-8") for name in chosen.c_files}


def template_repository(template: str = DEFAULT_TEMPLATE) -> tuple[str, str]:
    """The pharo-vm URL and base branch a template's profile has ("" when it has none)."""
    import yaml

    data = yaml.safe_load(template_text(TEMPLATE_NAME, template)) or {}
    repository = data.get("repository") or {}
    return str(repository.get("url", "")), str(repository.get("base_branch") or "")


def write_new_profile(
    name: str,
    folder: Path,
    template: str = DEFAULT_TEMPLATE,
    *,
    url: str | None = None,
    base_branch: str | None = None,
) -> Path:
    """Write ``folder/name.yml`` (and the template's C to ``folder/name/``); never overwrite.

    ``url`` and ``base_branch`` (the TUI's New plugin dialog) replace the template's
    repository values in the text, its comments kept; they are checked with the rest.
    """
    if not CLASS_NAME.fullmatch(name):
        raise UsageError(
            f"--new {name!r}: a plugin name is a Smalltalk class name: a capital letter, "
            "then letters and digits (at most 64), e.g. MyPlugin"
        )
    from wizard.checkout.name_clash import kernel_global_problem

    problem = kernel_global_problem(name)
    if problem:
        raise UsageError(f"--new {name}: {problem}")
    path = folder / f"{name}.yml"
    text = _with_repository(template_text(name, template), template, url, base_branch)
    c_files = {folder / name / file: body for file, body in template_c_files(template).items()}
    for existing in [path, *c_files]:
        if existing.exists() or existing.is_symlink():
            raise UsageError(f"{existing} exists already; the wizard never overwrites a profile")
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for c_path, body in c_files.items():
            c_path.parent.mkdir(exist_ok=True)
            _write_new(c_path, body)
            written.append(c_path)
        validate(parse_yaml(text, path)[0], path)  # its sources: must exist by now
        _write_new(path, text)
    except BaseException:
        for done in written:
            done.unlink(missing_ok=True)
        raise
    return path


def _with_repository(text: str, template: str, url: str | None, base: str | None) -> str:
    """The template's text with another URL or base branch, edited in place (the template's
    comments stay); an empty base branch is left out (the remote's default branch)."""
    from wizard.profile.yaml_edit import DELETE, Edit, apply_edits

    old_url, old_base = template_repository(template)
    edits = []
    if url is not None and url != old_url:
        edits.append(Edit(("repository", "url"), url))
    if url is not None and (base or "") != old_base:
        edits.append(Edit(("repository", "base_branch"), base or DELETE))
    return apply_edits(text, edits)


def _write_new(path: Path, text: str) -> None:
    try:
        with path.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        raise UsageError(f"{path} exists already; the wizard never overwrites a profile") from None
