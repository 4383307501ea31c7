"""The profile as the wizard holds it: immutable records of one YAML file, and its names.

A profile is data, never code. Loading (:mod:`wizard.profile.load`) checks it
(:mod:`wizard.profile.validate`) into these records; saving (:mod:`wizard.profile.save`)
turns them back into YAML. Every rule a name must follow is a constant here, so that the
checks, the TUI and the importer say the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from wizard.formats.try_protocol import Example
from wizard.slang.selectors import selector_of_pattern

PROFILE_VERSION = 1
MAX_PROFILE_BYTES = 1024 * 1024
DEFAULT_URL = "https://github.com/pharo-project/pharo-vm.git"
BUILD_MODES = ("two-pass", "single-pass")
REGENERATE_WAYS = ("plugin", "image")
SIDES = ("instance", "class")
RESERVED_WORDS = frozenset({"self", "super", "true", "false", "nil", "thisContext"})

CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9]{0,63}")
VARIABLE_NAME = re.compile(r"[a-z_][A-Za-z0-9_]{0,63}")
#: A class variable or class-side instance variable: any identifier (``FA_PATH_MAX`` too).
SHARED_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
#: A pool dictionary: a class name (``VMBasicConstants``).
POOL_NAME = re.compile(r"[A-Z][A-Za-z0-9_]{0,63}")
#: A category: the package (a folder of smalltalksrc/), then tag words, joined by ``-``.
CATEGORY = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}(-[A-Za-z0-9]+){0,4}")
PACKAGE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}(-[A-Za-z0-9]+){0,3}")
CMAKE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# What may stand bare in a cmake argument the wizard writes: no spaces, quotes, ;, $, (, ), #.
LINK_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]{0,99}")
COMPILE_DEFINITION = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}(=[A-Za-z0-9_.+:/,-]{0,200})?")
SOURCE_PLATFORMS = ("common", "unix", "osx", "win")
SOURCE_SUFFIXES = (".c", ".h")
# git-check-ref-format, the parts that matter for a branch a user types.

Field = tuple[str | int, ...]

#: Seconds the built VM may take for the examples by default, and at most.
TRY_TIMEOUT = 120
MAX_TRY_TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class Method:
    """One Slang method: its full source (pattern line first), its side and protocol."""

    source: str
    side: str = "instance"
    protocol: str | None = None

    @property
    def selector(self) -> str:
        """The selector of the pattern line (``primitive:parameters:``, ``moduleName``)."""
        return selector_of_pattern(self.source) or ""

    @property
    def is_class_side(self) -> bool:
        return self.side == "class"


@dataclass(frozen=True)
class SourceFile:
    """A hand-written C file or header of the plugin (``plugin.sources``).

    ``path`` is as the profile gives it, relative to the profile's folder; ``platform`` is
    the folder it goes to in the checkout: ``src/<platform>/`` for ``.c``, ``include/<platform>/``
    for ``.h``.
    """

    platform: str
    path: str

    @property
    def kind(self) -> str:
        """``src`` or ``include``: the plugin folder's sub-folder this file belongs in."""
        return "include" if self.path.endswith(".h") else "src"

    @property
    def file_name(self) -> str:
        return PurePosixPath(self.path.replace("\\", "/")).name

    def in_plugin_folder(self) -> str:
        """Where it goes below ``<plugins folder>/<Name>/``, e.g. ``src/common/helper.c``."""
        return f"{self.kind}/{self.platform}/{self.file_name}"


@dataclass(frozen=True)
class Link:
    """What the plugin's library links (``plugin.link``): each becomes a cmake line."""

    libraries: tuple[str, ...] = ()  # system libraries, e.g. z for libz
    pkg_config: tuple[str, ...] = ()  # pkg-config modules, e.g. glib-2.0
    frameworks: tuple[str, ...] = ()  # macOS frameworks, e.g. CoreFoundation
    plugins: tuple[str, ...] = ()  # other plugins' targets, e.g. FilePlugin

    def is_empty(self) -> bool:
        return not (self.libraries or self.pkg_config or self.frameworks or self.plugins)


@dataclass(frozen=True)
class Plugin:
    """The plugin class as the profile describes it."""

    name: str
    superclass: str = "SmartSyntaxInterpreterPlugin"
    category: str = "VMMaker-Plugins"
    comment: str | None = None
    instance_variables: tuple[str, ...] = ()
    methods: tuple[Method, ...] = ()
    sources: tuple[SourceFile, ...] = ()
    link: Link = field(default_factory=lambda: Link())
    compile_definitions: tuple[str, ...] = ()
    #: Calls ``try`` makes in the built VM (docs/try.md); empty: ``try`` skips.
    examples: tuple[Example, ...] = ()
    class_variables: tuple[str, ...] = ()
    class_instance_variables: tuple[str, ...] = ()
    pools: tuple[str, ...] = ()
    #: The package when it is not the category's first word (``Slang-Tests`` of
    #: ``Slang-Tests-AST``); None: the first word.
    declared_package: str | None = None
    #: The comment and every method source are the class file's text exactly: what follows
    #: a method's pattern on its line stays after its ``[``, trailing blank lines and spaces
    #: stay. ``--import`` writes it; without it the wizard tidies (see :mod:`wizard.formats.tonel`).
    verbatim: bool = False

    @property
    def package(self) -> str:
        """The Tonel package: the folder of smalltalksrc/ the class lives in (``VMMaker``)."""
        return self.declared_package or self.category.split("-", 1)[0]

    @property
    def tag(self) -> str | None:
        """The package tag: what follows ``<package>-`` in the category, if anything."""
        rest = self.category[len(self.package) :]
        return rest[1:] if rest.startswith("-") and len(rest) > 1 else None


@dataclass(frozen=True)
class Repository:
    """Where pharo-vm comes from, where it goes, and the two branches involved."""

    url: str = DEFAULT_URL
    path: str = "pharo-vm"
    base_branch: str | None = None
    plugin_branch: str | None = None


@dataclass(frozen=True)
class Build:
    """How cmake and make are driven."""

    dir: str = "build"
    mode: str = "two-pass"
    cmake_options: tuple[tuple[str, str], ...] = (("ICEBERG_DEFAULT_REMOTE", "httpsUrl"),)
    jobs: int = 0
    #: How a changed class reaches VMMaker after the first build (docs/slang-loop.md):
    #: ``plugin`` regenerates it inside the build's VMMaker image, ``image`` rebuilds the image.
    regenerate: str = "plugin"
    #: Seconds the built VM may take for all the examples before ``try`` stops it.
    try_timeout: int = TRY_TIMEOUT

    @property
    def cmake_definitions(self) -> list[str]:
        """The options as cmake arguments, in the profile's order: ``-DNAME=VALUE``."""
        return [f"-D{name}={value}" for name, value in self.cmake_options]


@dataclass
class Profile:
    """A loaded, validated profile with every default filled in.

    ``path`` is the file it came from; ``state`` is what the wizard recorded about each
    step, the only part the engine writes back.
    """

    path: Path
    plugin: Plugin
    workspace: str = "."
    repository: Repository = field(default_factory=Repository)
    external_plugins: tuple[str, ...] | None = None
    build: Build = field(default_factory=Build)
    state: dict[str, Any] = field(default_factory=dict)
    version: int = PROFILE_VERSION

    @property
    def plugin_branch(self) -> str:
        return self.repository.plugin_branch or self.plugin.name

    @property
    def workspace_dir(self) -> Path:
        """The workspace folder, relative paths taken from the profile file's folder."""
        return (self.path.parent / self.workspace).resolve()

    @property
    def checkout_dir(self) -> Path:
        return self.workspace_dir / self.repository.path

    @property
    def build_dir(self) -> Path:
        return self.workspace_dir / self.build.dir

    @property
    def logs_dir(self) -> Path:
        return self.workspace_dir / "logs" / self.plugin.name

    @property
    def clone_source(self) -> str:
        """The URL to clone, or the absolute path when the profile names a local folder."""
        url = self.repository.url
        if is_remote_url(url):
            return url
        return str((self.path.parent / url).resolve())


def with_plugin(profile: Profile, **changes: Any) -> Profile:
    """A copy of the profile with plugin fields changed (the TUI edits through this)."""
    return replace(profile, plugin=replace(profile.plugin, **changes))


def field_name(where: Field) -> str:
    text = ""
    for part in where:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        shown = part if _PLAIN_KEY.fullmatch(part) else repr(part)
        text += f".{shown}" if text else shown
    return text


_PLAIN_KEY = re.compile(r"[\w;/ -]{1,80}")


def is_remote_url(url: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", url)) or bool(
        re.match(r"^[\w.-]+@[\w.-]+:", url)
    )


def option_text(value: Any) -> str | None:
    """A cmake option's value as the profile holds it: a boolean as ``ON``/``OFF``, a
    number or text as text; None for anything else (a list, a mapping)."""
    if isinstance(value, bool):
        return "ON" if value else "OFF"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None
