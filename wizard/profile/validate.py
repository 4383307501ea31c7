"""The profile's checks: every field of the YAML, with its default, into a :class:`Profile`.

Every rejection is a single :class:`ProfileError` line that names the file, the line and
the field, and says what is expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from wizard.errors import ProfileError
from wizard.formats.try_protocol import Example
from wizard.profile.model import (
    BUILD_MODES,
    CATEGORY,
    CLASS_NAME,
    CMAKE_NAME,
    COMPILE_DEFINITION,
    DEFAULT_URL,
    LINK_NAME,
    MAX_TRY_TIMEOUT,
    PACKAGE,
    POOL_NAME,
    PROFILE_VERSION,
    REGENERATE_WAYS,
    RESERVED_WORDS,
    SHARED_VARIABLE_NAME,
    SIDES,
    SOURCE_PLATFORMS,
    SOURCE_SUFFIXES,
    TRY_TIMEOUT,
    VARIABLE_NAME,
    Build,
    Field,
    Link,
    Method,
    Plugin,
    Profile,
    Repository,
    SourceFile,
    field_name,
    option_text,
)
from wizard.words import did_you_mean, few

# --------------------------------------------------------------------------- validation


def validate(data: Any, path: Path, lines: dict[Field, int] | None = None) -> Profile:
    """Turn raw YAML data into a :class:`Profile`, or raise the first problem found."""
    return Validator(path, lines or {}).profile(data)


class Validator:
    def __init__(
        self, path: Path, lines: dict[Field, int], overridden: set[Field] | None = None
    ) -> None:
        self.path = path
        self.lines = lines
        self.overridden = overridden or set()

    def fail(self, where: Field, message: str) -> ProfileError:
        if any(where[: len(key)] == key for key in self.overridden):
            return ProfileError(None, None, f"--set {field_name(where)}", message)
        line = None
        probe = where
        while line is None and probe:
            line = self.lines.get(probe)
            probe = probe[:-1]
        if line is None:
            line = self.lines.get(())
        return ProfileError(self.path, line, field_name(where) or None, message)

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
                from wizard.engine.state import status_word

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
        from wizard.checkout.name_clash import kernel_global_problem

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
                from wizard.slang.exports import (
                    exported_primitives,  # no parser: loading stays fast
                )

                exported = exported_primitives(plugin)
            if primitive not in exported:
                raise self.fail(
                    (*here, "primitive"),
                    f"{_short(primitive)} is not an exported primitive of {plugin.name}"
                    f"{did_you_mean(primitive, exported)} "
                    f"(exported: {few(exported, near=primitive)})",
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
        from wizard.slang.literal import CONVERSIONS, NotAValue, read_value

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
                        here, f"goes to {target} like {field_name(placed[target])}; rename one"
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


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "...'"


_BAD_REF = re.compile(
    r"(^[-/.])|(\.\.)|([\x00-\x20~^:?*\[\\\x7f])|(@\{)|(/\.)|(//)|([/.]$)|(\.lock$)"
)


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
