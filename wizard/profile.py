"""The profile: one YAML file per plugin, loaded, validated and defaulted.

A profile is data, never code: it is read with ``safe_load`` semantics (the SafeLoader's
composer and constructor), anchors and aliases are refused before anything is expanded, and
every rejection is a single :class:`ProfileError` line that names the file, the line and the
field.  The file is written by its one writer (:mod:`wizard.writer`), atomically (a
temporary file beside it, then a rename), and never with a text that would not load.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from wizard.errors import ProfileError
from wizard.selectors import selector_of_pattern
from wizard.try_protocol import Example

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
_BAD_REF = re.compile(
    r"(^[-/.])|(\.\.)|([\x00-\x20~^:?*\[\\\x7f])|(@\{)|(/\.)|(//)|([/.]$)|(\.lock$)"
)

Field = tuple[str | int, ...]

_KEYS: dict[Field, tuple[str, ...]] = {
    (): ("version", "plugin", "workspace", "repository", "external_plugins", "build", "state"),
    ("plugin",): (
        "name",
        "superclass",
        "category",
        "comment",
        "instance_variables",
        "class_variables",
        "class_instance_variables",
        "pools",
        "package",
        "verbatim",
        "methods",
        "sources",
        "link",
        "compile_definitions",
        "examples",
    ),
    ("plugin", "sources"): ("common", "unix", "osx", "win"),
    ("plugin", "link"): ("libraries", "pkg_config", "frameworks", "plugins"),
    ("repository",): ("url", "path", "base_branch", "plugin_branch"),
    ("build",): ("dir", "mode", "cmake_options", "jobs", "regenerate", "try_timeout"),
}
_METHOD_KEYS = ("side", "protocol", "source")
_EXAMPLE_KEYS = ("primitive", "receiver", "arguments", "answers")
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
    #: Calls ``try`` makes in the built VM (SPEC "Trying the plugin"); empty: ``try`` skips.
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
    #: How a changed class reaches VMMaker after the first build (SPEC "The Slang loop"):
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
        if _is_remote_url(url):
            return url
        return str((self.path.parent / url).resolve())


# --------------------------------------------------------------------------- loading


def load_profile(path: Path | str, overrides: list[str] | None = None) -> Profile:
    """Read, validate and default the profile at ``path``; apply ``--set`` overrides.

    Raises :class:`ProfileError` (one line) for anything that is not a valid profile.
    """
    path = Path(path)
    text = read_profile_text(path)
    data, lines = parse_yaml(text, path)
    overridden: set[Field] = set()
    for override in overrides or []:
        apply_override(data, override)
        overridden.add(tuple(override.partition("=")[0].split(".")))
    return _Validator(path, lines, overridden).profile(data)


def read_profile_text(path: Path) -> str:
    """The profile's text, refusing what is not a regular file, huge and non-UTF-8 files.

    A folder, a FIFO or a device (``/dev/zero``) is refused from its ``stat``, before it
    is opened: reading one would hang or grow without end. No more than 1 MiB is read.
    """
    import stat

    try:
        facts = path.stat()
        if stat.S_ISDIR(facts.st_mode):
            raise ProfileError(path, None, None, "is a folder, not a profile file")
        if not stat.S_ISREG(facts.st_mode):
            raise ProfileError(path, None, None, "is not a regular file (a FIFO, a device…)")
        if facts.st_nlink > 1:
            raise ProfileError(
                path,
                None,
                None,
                f"has {facts.st_nlink} hard links; one profile is one file (a save would split "
                "them and each name would get its own lock): use a symbolic link instead",
            )
        if facts.st_size > MAX_PROFILE_BYTES:
            raise ProfileError(
                path, None, None, f"is {facts.st_size} bytes; a profile is at most 1 MiB"
            )
        with path.open("rb") as stream:
            raw = stream.read(MAX_PROFILE_BYTES + 1)
        if len(raw) > MAX_PROFILE_BYTES:
            raise ProfileError(path, None, None, "is over 1 MiB; a profile is at most 1 MiB")
    except FileNotFoundError:
        raise ProfileError(path, None, None, "no such file") from None
    except OSError as exc:
        raise ProfileError(path, None, None, f"cannot be read: {exc.strerror}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProfileError(path, line, None, "is not UTF-8 text") from None


def parse_yaml(text: str, path: Path) -> tuple[Any, dict[Field, int]]:
    """Compose and construct the YAML safely; answer the data and each field's line.

    Aliases are refused while walking the composed node graph, before construction, so an
    alias bomb costs one pass over its few nodes and is never expanded.
    """
    if "\x00" in text:
        raise ProfileError(path, None, None, "is binary, not YAML text")
    try:
        loader = _Loader(text)  # the pure-Python reader checks the characters here
        try:
            node = loader.get_single_node()
            if node is None:
                raise ProfileError(
                    path, None, None, "is empty; start from `pharo-plugin-wizard --new`"
                )
            lines: dict[Field, int] = {}
            _index_lines(node, (), lines, set(), path)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "not valid YAML"
        at_mark = (
            "".join(text.splitlines()[mark.line : mark.line + 1])[: mark.column + 1] if mark else ""
        )
        if "\t" in at_mark:
            problem = "a tab where YAML needs spaces (indent with spaces only)"
        raise ProfileError(path, line, None, f"YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise ProfileError(
            path, line, None, f"YAML: character #x{exc.character:04x} is not allowed"
        ) from None
    except yaml.YAMLError as exc:
        raise ProfileError(path, None, None, "YAML: " + " ".join(str(exc).split())) from None
    except RecursionError:
        raise ProfileError(path, None, None, "YAML nests too deeply") from None
    return data, lines


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's when PyYAML has it: same rules, several times faster)."""


def _index_lines(
    node: yaml.Node, where: Field, lines: dict[Field, int], seen: set[int], path: Path
) -> None:
    if id(node) in seen:
        raise ProfileError(path, node.start_mark.line + 1, _dotted(where), _ALIAS)
    seen.add(id(node))
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise ProfileError(
                    path, key.start_mark.line + 1, _dotted(where), "keys must be text"
                )
            if key.value in keys:
                raise ProfileError(
                    path,
                    key.start_mark.line + 1,
                    _dotted((*where, key.value)),
                    "given twice; a key may appear once (the second would win silently)",
                )
            keys.add(key.value)
            if key.tag == "tag:yaml.org,2002:merge":
                raise ProfileError(path, key.start_mark.line + 1, _dotted(where), _ALIAS)
            _index_lines(value, (*where, key.value), lines, seen, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*where, index), lines, seen, path)


_ALIAS = "YAML anchors, aliases and merge keys are not allowed in a profile"


def override_value(raw: str) -> Any:
    """The value of ``--set KEY=RAW``: RAW read as a YAML scalar (``false`` is a boolean)."""
    try:
        return yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        return raw


def option_text(value: Any) -> str | None:
    """A cmake option's value as the profile holds it: a boolean as ``ON``/``OFF``, a
    number or text as text; None for anything else (a list, a mapping)."""
    if isinstance(value, bool):
        return "ON" if value else "OFF"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def cmake_option_text(raw: str) -> str:
    """What ``--set build.cmake_options.NAME=RAW`` makes of RAW: the one form every face
    (``--set``, the TUI's build editor) gives an option, so that the same value typed in
    either never looks like a change to configure (``false``, ``OFF``, ``no`` → ``OFF``)."""
    text = option_text(override_value(raw))
    return raw if text is None else text


def override_notes(
    path: Path, overrides: list[str], defaults: Mapping[str, str] | None = None
) -> list[str]:
    """A note for each ``--set`` whose value differs from the profile's: it is for this run
    only, and the next run (``--replay``, the TUI) goes back to what the profile says.
    ``defaults``: the checkout's cmake option defaults, for an option the profile leaves
    unset (cmake's default is then what "the profile says")."""
    if not overrides:
        return []
    saved = to_data(load_profile(path))
    defaults = defaults or {}
    notes = []
    for override in overrides:
        key = override.partition("=")[0]
        alone = to_data(load_profile(path, [override]))
        parts = key.split(".")
        before, after = _at(saved, parts), _at(alone, parts)
        says = "does not set it" if before is None else f"says {_shown(before)}"
        if before is None and parts[:2] == ["build", "cmake_options"] and len(parts) == 3:
            before = defaults.get(parts[2])  # unset: the checkout's option() default
            if before is not None:
                says = f"leaves it at the checkout's default, {before}"
        if before == after:
            continue
        notes.append(
            f"note: --set {override} is for this run only; the profile {says} — put it in "
            "the profile to keep it"
        )
    return notes


def _at(data: Any, parts: list[str]) -> Any:
    for part in parts:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _shown(value: Any) -> str:
    return flow_text(value) if not isinstance(value, str) else value


def flow_text(value: Any) -> str:
    """A value on one line, as YAML writes it."""
    text = yaml.safe_dump(value, default_flow_style=True, width=2**31)
    return text.removesuffix("\n...\n").strip()


def apply_override(data: Any, override: str) -> None:
    """Apply one ``--set KEY=VALUE`` to the raw data; VALUE is read as a YAML scalar."""
    key, sep, raw = override.partition("=")
    if not sep or not key or any(not part for part in key.split(".")):
        raise ProfileError(
            None, None, "--set", f"{override!r}: expected KEY=VALUE, e.g. build.jobs=4"
        )
    value = override_value(raw)
    if isinstance(value, (dict, list)):
        raise ProfileError(None, None, "--set", f"{key}: only single values can be set")
    if key.split(".")[0] == "state":
        raise ProfileError(
            None, None, "--set", f"{key}: state: is the wizard's record, not a setting"
        )
    if not isinstance(data, dict):
        return  # validate() reports the real problem with the file
    target = data
    parts = key.split(".")
    for part in parts[:-1]:
        child = target.get(part)
        if child is None:
            child = target[part] = {}
        if not isinstance(child, dict):
            raise ProfileError(None, None, "--set", f"{key}: {part} is not a section")
        target = child
    target[parts[-1]] = value


# --------------------------------------------------------------------------- validation


def validate(data: Any, path: Path, lines: dict[Field, int] | None = None) -> Profile:
    """Turn raw YAML data into a :class:`Profile`, or raise the first problem found."""
    return _Validator(path, lines or {}).profile(data)


class _Validator:
    def __init__(
        self, path: Path, lines: dict[Field, int], overridden: set[Field] | None = None
    ) -> None:
        self.path = path
        self.lines = lines
        self.overridden = overridden or set()

    def fail(self, where: Field, message: str) -> ProfileError:
        if any(where[: len(key)] == key for key in self.overridden):
            return ProfileError(None, None, f"--set {_dotted(where)}", message)
        line = None
        probe = where
        while line is None and probe:
            line = self.lines.get(probe)
            probe = probe[:-1]
        if line is None:
            line = self.lines.get(())
        return ProfileError(self.path, line, _dotted(where) or None, message)

    # -- helpers -------------------------------------------------------------------

    def mapping(
        self, value: Any, where: Field, allowed: tuple[str, ...] | None = None
    ) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a mapping, not {_kind(value)}")
        allowed = allowed or _KEYS.get(where, _METHOD_KEYS)
        for key in value:
            if not isinstance(key, str):
                raise self.fail(where, f"keys must be text, not {_kind(key)}")
            if key not in allowed:
                raise self.fail((*where, key), f"unknown key; expected one of {', '.join(allowed)}")
        return value

    def text(
        self,
        section: Mapping[str, Any],
        key: str,
        where: Field,
        default: str | None = None,
        *,
        one_line: bool = True,
    ) -> str | None:
        value = section.get(key)
        if value is None:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise self.fail(
                (*where, key),
                f"is read as the number {value!r}, not text; quote it (e.g. '010'), YAML "
                "turns unquoted digits into numbers",
            )
        if not isinstance(value, str):
            raise self.fail((*where, key), f"must be text, not {_kind(value)}")
        if one_line and any(ch in value for ch in "\r\n\x00"):
            raise self.fail((*where, key), "must be a single line")
        if "\x00" in value:
            raise self.fail((*where, key), "must not contain NUL characters")
        return value

    def name(self, value: Any, where: Field, what: str = "class name") -> str:
        if not isinstance(value, str):
            raise self.fail(where, f"must be a {what} (text), not {_kind(value)}")
        if CLASS_NAME.fullmatch(value):
            return value
        if not value:
            raise self.fail(where, f"must not be empty; give a {what} such as HelloWorldPlugin")
        if len(value) > 64:
            raise self.fail(where, f"{_short(value)} is longer than 64 characters")
        if not value[0].isupper() or not value[0].isascii():
            raise self.fail(where, f"{value!r} must start with a capital letter")
        raise self.fail(where, f"{_short(value)} may contain only letters and digits")

    def relative_path(self, value: str, where: Field) -> str:
        pure = PurePosixPath(value.replace("\\", "/"))
        if not value or pure.is_absolute() or ".." in pure.parts or ":" in value:
            raise self.fail(where, f"{value!r} must be a relative path inside the workspace")
        return value

    def branch(self, value: str | None, where: Field) -> str | None:
        if value is not None and (not value or _BAD_REF.search(value) or len(value) > 200):
            raise self.fail(where, f"{_short(value)} is not a valid git branch name")
        return value

    # -- sections ------------------------------------------------------------------

    def profile(self, data: Any) -> Profile:
        if not isinstance(data, dict):
            raise self.fail((), f"must be a mapping with version: 1 and plugin:, not {_kind(data)}")
        top = self.mapping(data, ())
        version = top.get("version")
        if version is None:
            raise self.fail(("version",), "missing; this wizard reads version: 1")
        if isinstance(version, bool) or version != PROFILE_VERSION:
            raise self.fail(("version",), f"{version!r} is not supported; this wizard reads 1")
        if "plugin" not in top:
            raise self.fail(("plugin",), "missing; it names the plugin class and its methods")
        plugin = self.plugin(self.mapping(top["plugin"], ("plugin",)))
        workspace = self.text(top, "workspace", (), ".") or "."
        repository = self.repository(self.mapping(top.get("repository"), ("repository",)))
        externals = self.external_plugins(top.get("external_plugins"))
        build = self.build(self.mapping(top.get("build"), ("build",)))
        state = self.state(top.get("state"))
        return Profile(
            path=self.path,
            plugin=plugin,
            workspace=workspace,
            repository=repository,
            external_plugins=externals,
            build=build,
            state=state,
        )

    def state(self, value: Any) -> dict[str, Any]:
        """``state:`` as the wizard writes it: ``steps:`` maps each step id to its record.

        A wrong shape is bad input here, at load, rather than a crash in a later step.
        """
        if value is None:
            return {}
        where: Field = ("state",)
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a mapping written by the wizard, not {_kind(value)}")
        steps = value.get("steps")
        if steps is None:
            return value
        if not isinstance(steps, dict):
            raise self.fail((*where, "steps"), f"must be a mapping of step ids, not {_kind(steps)}")
        for step, record in steps.items():
            here = (*where, "steps", step)
            if not isinstance(step, str) or not isinstance(record, dict):
                raise self.fail(
                    here, f"must be a mapping (status, time, log…), not {_kind(record)}"
                )
            status = record.get("status")
            if status is not None:
                from wizard.state import status_word

                if status_word(status) is None:
                    raise self.fail((*here, "status"), f"{_short(status)} is not a step status")
                record["status"] = status_word(status)  # one vocabulary: "ok" is read as done
            for key in ("time", "log", "commit", "base_branch"):
                if key in record and not isinstance(record[key], str):
                    raise self.fail((*here, key), f"must be text, not {_kind(record[key])}")
            files = record.get("files")
            if files is not None and not (
                isinstance(files, dict)
                and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
            ):
                raise self.fail((*here, "files"), "must map file paths to digests (text)")
        return value

    def plugin(self, section: dict[str, Any]) -> Plugin:
        where: Field = ("plugin",)
        if "name" not in section:
            raise self.fail(
                (*where, "name"), "missing; the plugin's class name, e.g. HelloWorldPlugin"
            )
        name = self.name(section["name"], (*where, "name"))
        from wizard.name_clash import kernel_global_problem

        problem = kernel_global_problem(name)
        if problem:
            raise self.fail((*where, "name"), problem)
        superclass = section.get("superclass", "SmartSyntaxInterpreterPlugin")
        superclass = self.name(superclass, (*where, "superclass"))
        category = self.text(section, "category", where, "VMMaker-Plugins") or ""
        if not CATEGORY.fullmatch(category):
            raise self.fail(
                (*where, "category"),
                f"{_short(category)} must be a package name, then optional tags, joined by - "
                "(VMMaker-Plugins: package VMMaker, the folder smalltalksrc/VMMaker)",
            )
        package = self.package(section, category)
        comment = self.text(section, "comment", where, None, one_line=False)
        variables = section.get("instance_variables") or []
        if not isinstance(variables, list):
            raise self.fail(
                (*where, "instance_variables"), f"must be a list, not {_kind(variables)}"
            )
        for index, variable in enumerate(variables):
            if not isinstance(variable, str) or not VARIABLE_NAME.fullmatch(variable):
                raise self.fail(
                    (*where, "instance_variables", index),
                    f"{_short(variable)} is not an instance variable name (lowercase first)",
                )
        for index, variable in enumerate(variables):
            if variable in RESERVED_WORDS:
                raise self.fail(
                    (*where, "instance_variables", index),
                    f"{variable} is a reserved word of Smalltalk, not a variable name",
                )
        if len(set(variables)) != len(variables):
            raise self.fail((*where, "instance_variables"), "names an instance variable twice")
        shared = {
            key: self.names(section.get(key), (*where, key), pattern, what)
            for key, pattern, what in (
                ("class_variables", SHARED_VARIABLE_NAME, "a class variable name"),
                ("class_instance_variables", SHARED_VARIABLE_NAME, "a class-side variable name"),
                ("pools", POOL_NAME, "a pool dictionary (a class name)"),
            )
        }
        verbatim = section.get("verbatim", False)
        if not isinstance(verbatim, bool):
            raise self.fail((*where, "verbatim"), f"must be true or false, not {_kind(verbatim)}")
        methods = self.methods(section.get("methods"))
        sources = self.sources(self.mapping(section.get("sources"), (*where, "sources")))
        link = self.link(self.mapping(section.get("link"), (*where, "link")))
        definitions = self.words(
            section.get("compile_definitions"),
            (*where, "compile_definitions"),
            COMPILE_DEFINITION,
            "a compile definition, NAME or NAME=VALUE (letters, digits, _ . + : / , -)",
        )
        plugin = Plugin(
            name,
            superclass,
            category,
            comment,
            tuple(variables),
            methods,
            sources,
            link,
            definitions,
            class_variables=shared["class_variables"],
            class_instance_variables=shared["class_instance_variables"],
            pools=shared["pools"],
            declared_package=package,
            verbatim=verbatim,
        )
        examples = self.examples(section.get("examples"), plugin)
        return replace(plugin, examples=examples) if examples else plugin

    def package(self, section: dict[str, Any], category: str) -> str | None:
        """``plugin.package``: given only when the package name has a ``-`` of its own."""
        package = self.text(section, "package", ("plugin",), None)
        if package is None:
            return None
        if not PACKAGE.fullmatch(package):
            raise self.fail(("plugin", "package"), f"{_short(package)} is not a package name")
        if category != package and not category.startswith(package + "-"):
            raise self.fail(
                ("plugin", "package"),
                f"{package} must be the start of the category {category} (package-tag)",
            )
        return None if package == category.split("-", 1)[0] else package

    def names(
        self, value: Any, where: Field, pattern: re.Pattern[str], what: str
    ) -> tuple[str, ...]:
        """A list of variable or pool names of the class definition, each once, none of them
        a reserved word."""
        names = self.words(value, where, pattern, what)
        for index, item in enumerate(names):
            if item in RESERVED_WORDS:
                raise self.fail((*where, index), f"{item} is a reserved word of Smalltalk")
        return names

    def examples(self, value: Any, plugin: Plugin) -> tuple[Example, ...]:
        """``plugin.examples``: each calls an exported primitive of this very plugin.

        A primitive the plugin does not export would only fail later, inside the VM, as
        ``#'not found'``, so it is refused here, naming the key.  The receiver and the
        arguments are values (one literal, perhaps one conversion): anything else could be
        code, and a shared profile must not run code in the image.  ``answers`` is the
        printString expected, as text.
        """
        where: Field = ("plugin", "examples")
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list of examples, not {_kind(value)}")
        exported: list[str] | None = None
        examples: list[Example] = []
        for index, item in enumerate(value):
            here = (*where, index)
            section = self.mapping(item, here, _EXAMPLE_KEYS)
            primitive = self.text(section, "primitive", here, None)
            if not primitive:
                raise self.fail((*here, "primitive"), "missing; an exported primitive's C name")
            if exported is None:
                from wizard.exports import exported_primitives  # no parser: loading stays fast

                exported = exported_primitives(plugin)
            if primitive not in exported:
                raise self.fail(
                    (*here, "primitive"),
                    f"{_short(primitive)} is not an exported primitive of {plugin.name} "
                    f"(exported: {_few(exported)})",
                )
            receiver = ""
            if section.get("receiver") is not None:
                receiver = self.value(section, "receiver", here, primitive)
            arguments = section.get("arguments")
            if arguments is None:
                arguments = []
            if not isinstance(arguments, list):
                raise self.fail(
                    (*here, "arguments"),
                    f'must be a list of Smalltalk literals as text, e.g. ["3", "\'abc\'"], '
                    f"not {_kind(arguments)}",
                )
            texts = tuple(
                self.value(arguments, position, (*here, "arguments"), primitive)
                for position in range(len(arguments))
            )
            if "answers" not in section:
                raise self.fail(
                    (*here, "answers"),
                    'missing; the printString of the expected answer, e.g. "\'Hello\'" or "42"',
                )
            answers = self.literal(section, "answers", here)
            examples.append(Example(primitive, answers, texts, receiver))
        return tuple(examples)

    def value(self, section: Any, key: str | int, where: Field, primitive: str) -> str:
        """A receiver or an argument: one Smalltalk literal, perhaps one conversion."""
        from wizard.smalltalk_literal import CONVERSIONS, NotAValue, read_value

        text = self.literal(section, key, where)
        try:
            read_value(text)
        except NotAValue as problem:
            raise self.fail(
                (*where, key),
                f"{_short(text)} (example of {primitive}) is not a value: {problem}. A value "
                "is one literal (a number, $c, 'text', #symbol, #( … ), #[ … ], true, false, "
                f"nil), perhaps followed by one of {', '.join(CONVERSIONS)}",
            ) from None
        return text

    def literal(self, section: Any, key: str | int, where: Field) -> str:
        """One field of an example: non-empty text on one line (a number must be quoted)."""
        value = section[key]
        here = (*where, key)
        if isinstance(value, bool) or value is None:
            raise self.fail(here, f"must be text, not {_kind(value)}; quote it")
        if isinstance(value, (int, float)):
            raise self.fail(
                here,
                f"is read as the number {value!r}, not text; quote it ('{value!r}'): "
                "it is Smalltalk source, and YAML would change 010 into 8",
            )
        if not isinstance(value, str):
            raise self.fail(here, f"must be text (Smalltalk source), not {_kind(value)}")
        if not value.strip():
            raise self.fail(here, "must not be empty")
        if "\x00" in value:
            raise self.fail(here, "must not contain NUL characters")
        return value

    def words(
        self, value: Any, where: Field, pattern: re.Pattern[str], what: str
    ) -> tuple[str, ...]:
        """A list of names that go bare into a cmake file: each must match ``pattern``."""
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list, not {_kind(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, str) or not pattern.fullmatch(item):
                raise self.fail((*where, index), f"{_short(item)} is not {what}")
        if len(set(value)) != len(value):
            raise self.fail(where, "names the same entry twice")
        return tuple(value)

    def link(self, section: dict[str, Any]) -> Link:
        where: Field = ("plugin", "link")
        names = {
            "libraries": "a library name such as z (for libz)",
            "pkg_config": "a pkg-config module name such as glib-2.0",
            "frameworks": "a macOS framework name such as CoreFoundation",
        }
        found = {
            key: self.words(section.get(key), (*where, key), LINK_NAME, what)
            for key, what in names.items()
        }
        plugins = section.get("plugins")
        if plugins is not None and not isinstance(plugins, list):
            raise self.fail((*where, "plugins"), f"must be a list, not {_kind(plugins)}")
        found["plugins"] = tuple(
            self.name(item, (*where, "plugins", i), "plugin target name")
            for i, item in enumerate(plugins or [])
        )
        return Link(**found)

    def sources(self, section: dict[str, Any]) -> tuple[SourceFile, ...]:
        """``plugin.sources``: each a regular ``.c``/``.h`` file inside the profile's folder."""
        where: Field = ("plugin", "sources")
        folder = self.path.parent.resolve()
        files: list[SourceFile] = []
        placed: dict[str, Field] = {}
        for platform in SOURCE_PLATFORMS:
            value = section.get(platform)
            if value is None:
                continue
            if not isinstance(value, list):
                raise self.fail((*where, platform), f"must be a list of paths, not {_kind(value)}")
            for index, item in enumerate(value):
                here = (*where, platform, index)
                if not isinstance(item, str) or not item.strip():
                    raise self.fail(here, f"{_short(item)} is not a path")
                if not item.endswith(SOURCE_SUFFIXES):
                    raise self.fail(here, f"{_short(item)} must be a .c or a .h file")
                path = Path(item).expanduser()
                full = (folder / path).resolve()
                if path.is_absolute() or not full.is_relative_to(folder):
                    raise self.fail(
                        here, f"{_short(item)} must be a path inside the profile's folder {folder}"
                    )
                if not full.exists():
                    raise self.fail(here, f"{_short(item)} does not exist (looked at {full})")
                if not full.is_file():
                    raise self.fail(here, f"{_short(item)} is not a regular file ({full})")
                source = SourceFile(platform, item)
                target = source.in_plugin_folder()
                if target in placed:
                    raise self.fail(
                        here, f"goes to {target} like {_dotted(placed[target])}; rename one"
                    )
                placed[target] = here
                files.append(source)
        return tuple(files)

    def methods(self, value: Any) -> tuple[Method, ...]:
        where: Field = ("plugin", "methods")
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list of methods, not {_kind(value)}")
        methods: list[Method] = []
        seen: dict[tuple[str, str], int] = {}
        for index, item in enumerate(value):
            here = (*where, index)
            section = self.mapping(item, here)
            source = self.text(section, "source", here, None, one_line=False)
            if source is None or not source.strip():
                raise self.fail((*here, "source"), "missing; the method's Slang source")
            side = self.text(section, "side", here, "instance")
            if side not in SIDES:
                raise self.fail((*here, "side"), f"{_short(side)} must be instance or class")
            protocol = self.text(section, "protocol", here, None)
            if protocol is not None and (not protocol.strip() or len(protocol) > 100):
                raise self.fail((*here, "protocol"), "must be 1 to 100 characters")
            method = Method(source=source, side=side or "instance", protocol=protocol)
            selector = method.selector
            if not selector:
                raise self.fail(
                    (*here, "source"),
                    "has no pattern line; start with the selector, e.g. primitiveAnswer",
                )
            key = (method.side, selector)
            if key in seen:
                raise self.fail(
                    (*here, "source"),
                    f"{method.side}-side selector {selector} is also methods[{seen[key]}]",
                )
            seen[key] = index
            methods.append(method)
        return tuple(methods)

    def repository(self, section: dict[str, Any]) -> Repository:
        where: Field = ("repository",)
        url = self.text(section, "url", where, DEFAULT_URL) or ""
        if not url.strip() or url.startswith("-"):
            raise self.fail((*where, "url"), f"{_short(url)} is not a repository URL or path")
        path = self.relative_path(
            self.text(section, "path", where, "pharo-vm") or "", (*where, "path")
        )
        base = self.branch(self.text(section, "base_branch", where), (*where, "base_branch"))
        mine = self.branch(self.text(section, "plugin_branch", where), (*where, "plugin_branch"))
        return Repository(url, path, base, mine)

    def external_plugins(self, value: Any) -> tuple[str, ...] | None:
        where: Field = ("external_plugins",)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list of plugin class names, not {_kind(value)}")
        names = tuple(
            self.name(item, (*where, i), "plugin class name") for i, item in enumerate(value)
        )
        if len(set(names)) != len(names):
            raise self.fail(where, "names a plugin twice")
        return names

    def build(self, section: dict[str, Any]) -> Build:
        where: Field = ("build",)
        directory = self.relative_path(
            self.text(section, "dir", where, "build") or "", (*where, "dir")
        )
        mode = self.text(section, "mode", where, "two-pass")
        if mode not in BUILD_MODES:
            raise self.fail((*where, "mode"), f"{_short(mode)} must be two-pass or single-pass")
        options = Build.cmake_options if "cmake_options" not in section else None
        if options is None:
            options = self.cmake_options(section.get("cmake_options"))
        jobs = section.get("jobs", 0)
        if isinstance(jobs, bool) or not isinstance(jobs, int) or not 0 <= jobs <= 1024:
            raise self.fail(
                (*where, "jobs"), f"{_short(jobs)} must be a whole number from 0 to 1024"
            )
        regenerate = self.text(section, "regenerate", where, "plugin")
        if regenerate not in REGENERATE_WAYS:
            raise self.fail((*where, "regenerate"), f"{_short(regenerate)} must be plugin or image")
        timeout = section.get("try_timeout", TRY_TIMEOUT)
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, int)
            or not 1 <= timeout <= MAX_TRY_TIMEOUT
        ):
            raise self.fail(
                (*where, "try_timeout"),
                f"{_short(timeout)} must be a whole number of seconds from 1 to {MAX_TRY_TIMEOUT}",
            )
        return Build(directory, mode or "two-pass", options, jobs, regenerate or "plugin", timeout)

    def cmake_options(self, value: Any) -> tuple[tuple[str, str], ...]:
        where: Field = ("build", "cmake_options")
        if value is None:
            return ()
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a mapping NAME: VALUE, not {_kind(value)}")
        options = []
        for name, raw in value.items():
            here = (*where, name)
            if not isinstance(name, str) or not CMAKE_NAME.fullmatch(name):
                raise self.fail(here, f"{_short(name)} is not a cmake variable name")
            text = option_text(raw)
            if text is None:
                raise self.fail(here, f"must be a single value, not {_kind(raw)}")
            if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
                raise self.fail(here, "must be one line without control characters")
            options.append((name, text))
        return tuple(options)


def _dotted(where: Field) -> str:
    text = ""
    for part in where:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        shown = part if _PLAIN_KEY.fullmatch(part) else repr(part)
        text += f".{shown}" if text else shown
    return text


_PLAIN_KEY = re.compile(r"[\w;/ -]{1,80}")


def _kind(value: Any) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "empty",
    }
    for kind, label in names.items():
        if isinstance(value, kind):
            return label
    return "a number" if isinstance(value, (int, float)) else type(value).__name__


def _few(names: list[str], limit: int = 8) -> str:
    """Up to ``limit`` names, then how many there are in all."""
    if not names:
        return "none"
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} more ({len(names)} in all)"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "...'"


def _is_remote_url(url: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", url)) or bool(
        re.match(r"^[\w.-]+@[\w.-]+:", url)
    )


# --------------------------------------------------------------------------- saving


def to_data(profile: Profile) -> dict[str, Any]:
    """The profile as plain data, defaults left out where the user did not set them."""
    plugin: dict[str, Any] = {"name": profile.plugin.name}
    defaults = Plugin(profile.plugin.name)
    for key in ("superclass", "category", "comment"):
        value = getattr(profile.plugin, key)
        if value != getattr(defaults, key):
            plugin[key] = value
    plugin.update(_definition_data(profile.plugin))
    plugin["methods"] = [_method_data(method) for method in profile.plugin.methods]
    if profile.plugin.examples:
        plugin["examples"] = [
            {
                "primitive": example.primitive,
                **({"receiver": example.receiver} if example.receiver else {}),
                "arguments": list(example.arguments),
                "answers": example.answers,
            }
            for example in profile.plugin.examples
        ]
    if profile.plugin.sources:
        sources: dict[str, list[str]] = {}
        for source in profile.plugin.sources:
            sources.setdefault(source.platform, []).append(source.path)
        plugin["sources"] = sources
    link = profile.plugin.link
    if not link.is_empty():
        plugin["link"] = {key: list(value) for key, value in vars(link).items() if value}
    if profile.plugin.compile_definitions:
        plugin["compile_definitions"] = list(profile.plugin.compile_definitions)
    data: dict[str, Any] = {"version": PROFILE_VERSION, "plugin": plugin}
    data["workspace"] = profile.workspace
    repository = {
        key: value
        for key, value in vars(profile.repository).items()
        if value is not None and value != getattr(Repository(), key)
    }
    if repository:
        data["repository"] = repository
    if profile.external_plugins is not None:
        data["external_plugins"] = list(profile.external_plugins)
    build: dict[str, Any] = {"dir": profile.build.dir, "mode": profile.build.mode}
    build["cmake_options"] = dict(profile.build.cmake_options)
    build["jobs"] = profile.build.jobs
    if profile.build.regenerate != Build.regenerate:
        build["regenerate"] = profile.build.regenerate
    if profile.build.try_timeout != TRY_TIMEOUT:
        build["try_timeout"] = profile.build.try_timeout
    data["build"] = build
    data["state"] = profile.state
    return data


def _definition_data(plugin: Plugin) -> dict[str, Any]:
    """What else the class definition says, each key only when it says something."""
    data: dict[str, Any] = {}
    if plugin.declared_package is not None:
        data["package"] = plugin.declared_package
    for key in ("instance_variables", "class_variables", "class_instance_variables", "pools"):
        if getattr(plugin, key):
            data[key] = list(getattr(plugin, key))
    if plugin.verbatim:
        data["verbatim"] = True
    return data


def _method_data(method: Method) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if method.side != "instance":
        data["side"] = method.side
    if method.protocol:
        data["protocol"] = method.protocol
    data["source"] = method.source
    return data


def dump_profile(profile: Profile) -> str:
    """The profile as YAML text: readable, method sources as literal blocks."""
    return yaml.dump(
        to_data(profile), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


_BLANKS_AT_LINE_END = re.compile(r"[ \t]+(?=\n)")


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line text (Slang sources with tabs) as ``|`` blocks.

    It never writes anchors or aliases: the loader refuses them.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def analyze_scalar(self, scalar: str) -> Any:
        # PyYAML refuses block style for text with tabs, or with blanks at the end of a line;
        # inside a literal block both are read back as written.
        if "\n" not in scalar:
            return super().analyze_scalar(scalar)
        tidy = _BLANKS_AT_LINE_END.sub(lambda m: "x" * len(m.group()), scalar)
        tidy = tidy.replace("\t", " ")
        if tidy == scalar:
            return super().analyze_scalar(scalar)
        analysis = super().analyze_scalar(tidy)
        analysis.scalar = scalar
        analysis.allow_flow_plain = analysis.allow_block_plain = False
        analysis.allow_single_quoted = False
        return analysis


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    if any(ch in value for ch in "\r\x85\u2028\u2029\ufeff") or value[:1] in (" ", "\t"):
        style = '"'  # what a block would read differently (line breaks, a leading blank)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


class _StateDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """libyaml's emitter, for ``state:`` alone: saved after every step, it must be quick.

    ``state:`` is data the wizard wrote (statuses, times, paths, hashes), never Slang, so
    the tab-friendly block style of :class:`_Dumper` is not needed; libyaml writes the same
    text for it about six times faster. No anchors or aliases either.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


_StateDumper.add_representer(str, _represent_text)


def save_state(profile: Profile) -> None:
    """Write ``profile.state`` back into the file, leaving every other line as it is.

    Goes through the file's one writer (:func:`wizard.writer.writer_for`), which holds the
    file while it reads, splices and writes, so a save of the user's edit cannot interleave.
    """
    from wizard.writer import writer_for  # the writer builds on this module

    writer_for(profile.path).save_state(profile)


def _same_apart_from_state(text: str, as_found: Profile, state: dict[str, Any]) -> bool:
    """Whether ``text`` loads to ``as_found`` with ``state`` as its state."""
    try:
        data, lines = parse_yaml(text, as_found.path)
        loaded = validate(data, as_found.path, lines)
    except ProfileError:
        return False
    wanted = yaml.safe_load(yaml.dump(state, Dumper=_StateDumper))  # as YAML reads it back
    return loaded.state == (wanted or {}) and replace(loaded, state={}) == replace(
        as_found, state={}
    )


class _FlowStateDumper(yaml.SafeDumper):
    """``state:`` as one flow mapping, for profiles whose form only a node's span can edit."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _replace_state_node(text: str, state: dict[str, Any]) -> str:
    """``text`` with the ``state`` value replaced (or added) where the YAML parser found it.

    For the forms a line-based edit cannot handle: ``{version: 1, ...}``, ``"state": {}``,
    ``? state``, a BOM, a document ending in ``...``. The new value is written in flow
    style, which is valid in block and flow context alike.
    """
    flow = yaml.dump(
        state, Dumper=_FlowStateDumper, default_flow_style=True, width=2**31, allow_unicode=True
    ).strip()
    loader = yaml.SafeLoader(text)  # the pure reader: its marks are offsets into ``text``
    try:
        top = loader.get_single_node()
    finally:
        loader.dispose()
    if not isinstance(top, yaml.MappingNode):
        raise ValueError("the profile is not a mapping")
    for key, value in top.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "state":
            start, end = value.start_mark.index, value.end_mark.index
            kept = text[start:end]
            trailing = kept[len(kept.rstrip()) :] if not value.flow_style else ""
            if isinstance(value, yaml.ScalarNode) and value.value == "" and start == end:
                flow = " " + flow  # ``state:`` with nothing after it
            return text[:start] + flow + trailing + text[end:]
    end = top.end_mark.index
    if top.flow_style:
        closing = text.rindex("}", 0, end)
        separator = ", " if top.value else ""
        return text[:closing] + f"{separator}state: {flow}" + text[closing:]
    lead = "" if end == 0 or text[end - 1] == "\n" else "\n"
    return text[:end] + f"{lead}state: {flow}\n" + text[end:]


def replace_top_level_key(text: str, key: str, new_block: str, lines: dict[Field, int]) -> str:
    """Replace a top-level key's lines (key line to the next top-level line) with a block."""
    source = text.splitlines(keepends=True)
    if (key,) not in lines:
        joiner = "" if not source or source[-1].endswith("\n") else "\n"
        return text + joiner + new_block
    start = _key_line(source, key)
    end = start + 1
    while end < len(source) and (not source[end].strip() or source[end][0] in " \t"):
        end += 1
    while end > start + 1 and not source[end - 1].strip():
        end -= 1
    return "".join(source[:start]) + new_block + "".join(source[end:])


def _key_line(source: list[str], key: str) -> int:
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for index, line in enumerate(source):
        if pattern.match(line):
            return index
    raise ValueError(f"top-level key {key} not found")


def write_atomically(path: Path, text: str, before_replace=None) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: old or new, never a mix.

    Through a symlinked profile the real file is written (the link stays); nothing else on
    the way is followed, and a FIFO or a device at the path is refused
    (:mod:`wizard.safe_files`). ``before_replace`` may refuse at the last moment.
    """
    from wizard.safe_files import write_text

    path = path.resolve()
    write_text(path.parent, path.name, text, before_replace=before_replace)


def with_plugin(profile: Profile, **changes: Any) -> Profile:
    """A copy of the profile with plugin fields changed (the TUI edits through this)."""
    return replace(profile, plugin=replace(profile.plugin, **changes))
