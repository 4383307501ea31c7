"""What a shared profile or workspace may make cmake do without ``--trust``: an allow-list.

A profile is data someone may have sent you, and so is a workspace (``profiles/``, perhaps
``build/``). But many cmake cache entries are code: a launcher, a compiler, a checker
(``CMAKE_C_CLANG_TIDY``), the build tool (``CMAKE_MAKE_PROGRAM``), the rule variables
(``CMAKE_C_LINK_EXECUTABLE`` is a command line make runs), folders cmake loads scripts
from (``CMAKE_MODULE_PATH``), ``PKG_CONFIG_EXECUTABLE``, pharo-vm's ``GENERATE_PHARO_VM``…
and compiler flags reach a shell (make runs every compile line through ``/bin/sh``). A
list of the dangerous names is never complete, so the wizard lists what is data instead:

- the switches the checkout itself declares (``option(NAME …)`` in its ``CMakeLists.txt``,
  ``cmake/*.cmake`` and root ``*.cmake``), set ``ON`` or ``OFF``; a new ``FEATURE_…`` of
  pharo-vm needs no new wizard;
- ``ICEBERG_DEFAULT_REMOTE``, ``CMAKE_BUILD_TYPE``, ``CMAKE_EXPORT_COMPILE_COMMANDS``,
  ``CMAKE_OSX_ARCHITECTURES``, ``CMAKE_OSX_DEPLOYMENT_TARGET``, each with a plain value;
- compiler flags ``CMAKE_<LANG>_FLAGS*`` made only of plain ``-O…``, ``-g…``, ``-D…``,
  ``-U…``, ``-W…``, ``-f…``, ``-m…``, ``-std=…`` words without shell metacharacters.

Everything else needs ``--trust`` (the TUI asks). Before the clone the checkout's switches
cannot be read: an option that could only be such a switch is *pending*, and the configure
step decides it once the checkout is there (a dry run says so).

A ``CMakeCache.txt`` the wizard did not write (no record of the wizard's for that very
folder beside it, :mod:`wizard.vm.build_record`) is a colleague's cache: cmake would run the
compilers and launchers it names, and load the scripts beside it, so configuring over it
needs ``--trust`` too.

This module is the one door: :func:`assess` says what needs trust for a profile now,
:func:`gate` refuses a run (``--replay``, each ``--watch`` round, the configure step) and
the TUI builds its question from the same assessment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.errors import StepRefused, UsageError

if TYPE_CHECKING:
    from wizard.profile.model import Profile

ALLOWED = "allowed"
NEEDS_TRUST = "needs trust"
PENDING = "pending"

# The patterns below are text, matched with ``re``'s functions (which compile each once, on
# first use): compiling the 29 of them on import cost every start-up ~2 ms, and a run meets
# only those of the options it has.
_BOOLEAN = {"ON", "OFF", "TRUE", "FALSE", "YES", "NO", "Y", "N", "1", "0"}
_WORD = r"[A-Za-z][A-Za-z0-9_]{0,63}"

#: The fixed settings that are data, each with the shape its value must have (a whole-value
#: pattern), and that shape in words (for the refusal).
FIXED: dict[str, tuple[str, str]] = {
    "ICEBERG_DEFAULT_REMOTE": (_WORD, "a plain word such as httpsUrl or scpUrl"),
    "CMAKE_BUILD_TYPE": (_WORD, "a plain word such as Debug or Release"),
    "CMAKE_EXPORT_COMPILE_COMMANDS": ("(?i)" + "|".join(sorted(_BOOLEAN)), "ON or OFF"),
    "CMAKE_OSX_ARCHITECTURES": (
        r"[A-Za-z0-9_]{1,32}(;[A-Za-z0-9_]{1,32}){0,7}",
        "architecture names such as arm64;x86_64",
    ),
    "CMAKE_OSX_DEPLOYMENT_TARGET": (r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}", "a version"),
}

#: Compiler flags of a language the wizard knows the compiler's flags of.
FLAGS = r"CMAKE_(C|CXX|OBJC|OBJCXX|ASM)_FLAGS(_[A-Z0-9_]+)?"
#: The flag words that are data: optimisation, debug info, macros, warnings, code generation.
FLAG_WORD = r"-(O|g|D|U|W|f|m|std=)[A-Za-z0-9_=.,:+/-]*"
#: Characters a flag word may have (anything else reaches make's shell or make itself).
_FLAG_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_=.,:+/-")
#: Characters a shell or make reads specially, named as such in a refusal.
_SHELL_CHARS = set("`$;|&<>()'\"\\*?[]{}~#!\n\r%^")
#: Flag words of the allowed families that still make the compiler load or run a program.
FLAG_PROGRAMS: tuple[tuple[str, str], ...] = (
    (r"-fplugin.*", "loads a compiler plugin (code)"),
    (r"-fpass-plugin.*", "loads an LLVM pass plugin (code)"),
    (r"-fuse-ld.*", "chooses the linker program"),
    (r"-gcc-toolchain.*", "chooses the programs the compiler runs"),
    (r"-W[^,]*,.*", "passes options on to the linker, assembler or preprocessor"),
    (r"-mllvm", "passes the next word to LLVM"),
)

#: Names (whole-name patterns) of settings that run a program or load a script, with why:
#: what the refusal and the cache check say. Checked before the checkout's switches, so a
#: checkout cannot turn one of these into a switch.
PROGRAMS: tuple[tuple[str, str], ...] = (
    (r".*_LAUNCHER", "a program cmake puts before every compile or link"),
    (r"CMAKE_[A-Za-z0-9_]+_COMPILER", "the compiler program"),
    (r".*_CLANG_TIDY|.*_CPPCHECK|.*_CPPLINT", "a checker program run on every source"),
    (r".*_INCLUDE_WHAT_YOU_USE|.*_LINK_WHAT_YOU_USE.*", "a checker program"),
    (r"CMAKE_MAKE_PROGRAM", "the build tool program"),
    (
        r"CMAKE_[A-Za-z0-9_]+_(LINK_EXECUTABLE|CREATE_[A-Z_]+|COMPILE_OBJECT|ARCHIVE_[A-Z_]+|LINK_[A-Z_]*)",
        "a rule variable: a command line make runs",
    ),
    (r"CMAKE_(MODULE|PREFIX|PROGRAM|INCLUDE|FRAMEWORK|APPBUNDLE|FIND_ROOT)_PATH",
     "folders cmake loads scripts or finds programs in"),
    (r".*_EXECUTABLE", "a program"),
    (r".*_DIR|.*_ROOT", "a folder cmake loads a package's script from"),
    (r"CMAKE_TOOLCHAIN_FILE|CMAKE_PROJECT_.*INCLUDE.*|CMAKE_USER_MAKE_RULES_OVERRIDE.*",
     "a script cmake runs"),
    (r"CMAKE_(AR|RANLIB|LINKER|NM|OBJCOPY|OBJDUMP|STRIP|READELF|ADDR2LINE|DLLTOOL|MT|RC|"
     r"INSTALL_NAME_TOOL|COMMAND|CTEST_COMMAND|CPACK_COMMAND)", "a program"),
    (r"GENERATE_PHARO_VM|VMMAKER_VM", "the VM program that runs VMMaker"),
    (r"VMMAKER_IMAGE", "the image VMMaker's VM runs (its code)"),
)  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    """What one ``NAME=VALUE`` may do: ``allowed``, ``needs trust`` or ``pending``, and why."""

    name: str
    value: str
    status: str
    why: str

    def shown(self) -> str:
        """``NAME='value' (why)`` as the refusal, ``--dry-run`` and the TUI show it."""
        return f"{self.name}={self.value!r} ({self.why})"


#: The options that may name the wizard's own image cache without --trust.
_CACHE_OPTIONS = frozenset({"VMMAKER_IMAGE", "GENERATE_PHARO_VM"})


def judge(name: str, value: str, switches: frozenset[str] | None) -> Verdict:
    """The verdict on one cmake option; ``switches`` is None while the checkout is not there."""
    if name in FIXED:
        shape, words = FIXED[name]
        if re.fullmatch(shape, value):
            return Verdict(name, value, ALLOWED, "plain data")
        return Verdict(name, value, NEEDS_TRUST, f"must be {words}")
    if re.fullmatch(FLAGS, name):
        problem = flags_problem(value)
        status = NEEDS_TRUST if problem else ALLOWED
        return Verdict(name, value, status, problem or "plain compiler flags")
    if name in _CACHE_OPTIONS and is_wizard_cache_path(value):
        return Verdict(name, value, ALLOWED, "the wizard's own VMMaker image cache")
    for pattern, why in PROGRAMS:
        if re.fullmatch(pattern, name):
            return Verdict(name, value, NEEDS_TRUST, why)
    if name.upper().startswith("CMAKE_"):
        return Verdict(name, value, NEEDS_TRUST, "a cmake setting the wizard does not know as data")
    return _judge_switch(name, value, switches)


def _judge_switch(name: str, value: str, switches: frozenset[str] | None) -> Verdict:
    if value.upper() not in _BOOLEAN:
        return Verdict(name, value, NEEDS_TRUST, "not ON or OFF, so not a switch")
    if switches is None:
        return Verdict(name, value, PENDING, "checked against the checkout's switches once cloned")
    if name in switches:
        return Verdict(name, value, ALLOWED, "a switch the checkout declares")
    return Verdict(
        name,
        value,
        NEEDS_TRUST,
        "not a switch the checkout declares with option() in its cmake files",
    )


def flags_problem(value: str) -> str | None:
    """Why compiler flags are not plain data, or None when every word is."""
    if not value.strip():
        return None
    bad = next((ch for ch in value if ch not in " \t" and ch not in _FLAG_CHARS), None)
    if bad is not None:
        if bad in _SHELL_CHARS:
            return f"{bad!r} is a shell metacharacter (make runs compile lines through a shell)"
        return f"{bad!r} is not a character of plain flags"
    for word in value.split():
        for pattern, why in FLAG_PROGRAMS:
            if re.fullmatch(pattern, word):
                return f"{word} {why}"
        if not re.fullmatch(FLAG_WORD, word):
            return f"{word} is not a plain -O, -g, -D, -U, -W, -f, -m or -std= flag"
    return None


# --------------------------------------------------------------------------- the checkout


#: The longest cmake file read for its switches.
MAX_CMAKE_FILE = 1024 * 1024
_BRACKET_COMMENT = r"(?s)#\[(=*)\[.*?\]\1\]"
_OPTION = r'(?im)^[ \t]*option[ \t]*\([ \t\r\n]*([A-Za-z_][A-Za-z0-9_]*)(?:[ \t\r\n]+"[^"]*"[ \t\r\n]*(\w*))?'


def declared_switches(checkout: Path) -> frozenset[str] | None:
    """The ``option(NAME …)`` names of the checkout's own cmake files; None without a checkout.

    Read from ``CMakeLists.txt``, ``cmake/*.cmake`` and the root ``*.cmake`` files as they
    are on disk now (the files cmake will read), never through a link, each up to 1 MiB.
    """
    defaults = switch_defaults(checkout)
    return None if defaults is None else frozenset(defaults)


def switch_defaults(checkout: Path) -> dict[str, str] | None:
    """The checkout's switches with their defaults as cmake reads them (no value: ``OFF``);
    None without a checkout. The first declaration of a name wins, as in cmake."""
    if not (checkout / "CMakeLists.txt").is_file():
        return None
    files = [
        checkout / "CMakeLists.txt",
        *sorted(checkout.glob("*.cmake")),
        *sorted(checkout.glob("cmake/*.cmake")),
    ]
    found: dict[str, str] = {}
    for path in files:
        text = _read_plain_file(path)
        if text is None:
            continue
        for name, value in re.findall(_OPTION, re.sub(_BRACKET_COMMENT, "", text)):
            found.setdefault(name, "ON" if value.upper() == "ON" else "OFF")
    return found


def _read_plain_file(path: Path) -> str | None:
    """A regular file's text (not a link, at most 1 MiB); None otherwise."""
    if path.is_symlink() or not path.is_file():
        return None
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_CMAKE_FILE + 1)
    except OSError:
        return None
    if len(data) > MAX_CMAKE_FILE:
        return None
    return data.decode("utf-8", "replace")


# --------------------------------------------------------------------------- a foreign cache


@dataclass(frozen=True)
class ForeignCache:
    """A build folder the wizard did not make (no record of its own for that folder): its
    ``CMakeCache.txt`` and the programs it names, or, without a cache, the folder itself."""

    path: Path  # the cache, or the build folder when there is no cache
    shown: str  # as the user knows it: ``build/CMakeCache.txt``, ``build/``
    programs: tuple[Verdict, ...] = ()

    def sentence(self) -> str:
        """The cache (or folder) named, and its program entries (the first eight)."""
        if self.path.name != "CMakeCache.txt":
            return (
                f"{self.shown} holds files the wizard did not make (no record of its own "
                "beside them), and a build there runs programs left in it"
            )
        text = (
            f"{self.shown} was not written by the wizard (no record of its own beside it), and "
            "cmake runs what such a cache names and loads the scripts beside it"
        )
        if self.programs:
            from wizard.words import few

            text += f"; its program entries: {few(verdict.shown() for verdict in self.programs)}"
        return text


_CACHE_LINE = r"^([A-Za-z_][A-Za-z0-9_.+-]*):([A-Z]+)=(.*)$"
#: What the wizard itself may leave in a build folder before its record: its own dotfiles.
_OWN_PREFIX = ".pharo-plugin-wizard"


def foreign_cache(build_dir: Path, shown_dir: str) -> ForeignCache | None:
    """The build folder when the wizard did not make it; None when it did, or it is empty.

    A ``CMakeCache.txt`` names the compilers and launchers cmake runs; a folder without one
    may still hold programs a build would keep and run (a VM binary newer than its sources
    is not rebuilt, and ``try`` runs it).
    """
    from wizard.vm.build_record import read_record

    cache = build_dir / "CMakeCache.txt"
    has_cache = cache.is_symlink() or cache.exists()
    if read_record(build_dir).vouches_for(build_dir) and not cache.is_symlink():
        return None
    if not has_cache:
        if not build_dir.is_dir() or not any(
            not entry.name.startswith(_OWN_PREFIX) for entry in build_dir.iterdir()
        ):
            return None
        return ForeignCache(build_dir, f"{shown_dir.rstrip('/')}/")
    return ForeignCache(cache, f"{shown_dir.rstrip('/')}/CMakeCache.txt", _programs(cache))


def _programs(cache: Path) -> tuple[Verdict, ...]:
    """The cache's entries that name a program, a script or flags that are not plain."""
    programs = []
    entry = re.compile(_CACHE_LINE)
    for line in (_read_plain_file(cache) or "").splitlines():
        match = entry.match(line)
        if not match or match.group(2) in ("INTERNAL", "STATIC"):
            continue
        value = match.group(3)
        if not value or value.endswith("NOTFOUND"):
            continue
        verdict = judge(match.group(1), value, frozenset())
        if verdict.status == NEEDS_TRUST and _runs_something(verdict.name):
            programs.append(verdict)
    return tuple(programs)


def _runs_something(name: str) -> bool:
    """Whether a cache entry names a program or script (not merely an unknown setting)."""
    return bool(re.fullmatch(FLAGS, name)) or any(re.fullmatch(p, name) for p, _ in PROGRAMS)


# --------------------------------------------------------------------------- the door


@dataclass(frozen=True)
class Grant:
    """What the user trusts for a run: everything (``--trust``) or these exact concerns
    (the TUI's yes, which holds for the options and caches it showed)."""

    everything: bool = False
    keys: frozenset[str] = frozenset()

    def covers(self, key: str) -> bool:
        return self.everything or key in self.keys


@dataclass(frozen=True)
class Assessment:
    """What a run of a profile needs trust for now, and what waits for the checkout."""

    options: tuple[Verdict, ...] = ()
    pending: tuple[Verdict, ...] = ()
    cache: ForeignCache | None = None
    keys: frozenset[str] = field(default_factory=frozenset)

    @property
    def needs_trust(self) -> bool:
        return bool(self.options) or self.cache is not None

    def ungranted(self, grant: Grant) -> Assessment:
        """The part of this assessment that ``grant`` does not cover."""
        options = tuple(v for v in self.options if not grant.covers(option_key(v)))
        cache = self.cache
        if cache is not None and grant.covers(cache_key(cache)):
            cache = None
        return Assessment(options, self.pending, cache, _keys(options, cache))

    def lines(self) -> list[str]:
        """One line per concern, for a message or a dialog."""
        found = [f"build.cmake_options.{verdict.shown()}" for verdict in self.options]
        if self.cache is not None:
            found.append(self.cache.sentence())
        return found

    def pending_line(self) -> str | None:
        """What waits for the checkout, in one line (``--dry-run``), or None."""
        if not self.pending:
            return None
        from wizard.words import few

        names = few(verdict.name for verdict in self.pending)
        return (
            f"trust check pending for {names}: allowed only if the checkout declares them as "
            "switches (option() in its cmake files), read once it is cloned"
        )


def option_key(verdict: Verdict) -> str:
    return f"option {verdict.name}={verdict.value}"


def cache_key(cache: ForeignCache) -> str:
    """The identity of what the user said yes to: the cache's path and content, or the folder."""
    if cache.path.is_dir():
        return f"folder {cache.path}"
    import hashlib  # here, not at load: only a foreign cache is hashed (start-up)

    try:
        digest = hashlib.sha256(cache.path.read_bytes()).hexdigest()
    except OSError:
        digest = "unreadable"
    return f"cache {cache.path} {digest}"


def _keys(options: Iterable[Verdict], cache: ForeignCache | None) -> frozenset[str]:
    keys = {option_key(verdict) for verdict in options}
    if cache is not None:
        keys.add(cache_key(cache))
    return frozenset(keys)


def assess_options(
    options: Iterable[tuple[str, str]], switches: frozenset[str] | None
) -> tuple[tuple[Verdict, ...], tuple[Verdict, ...]]:
    """The options that need trust and those pending, in the profile's order."""
    verdicts = [judge(name, value, switches) for name, value in options]
    return (
        tuple(v for v in verdicts if v.status == NEEDS_TRUST),
        tuple(v for v in verdicts if v.status == PENDING),
    )


def assess(profile: Profile) -> Assessment:
    """Everything a run of ``profile`` needs trust for, read from the disk now."""
    return assess_with(profile, declared_switches(profile.checkout_dir))


def assess_with(profile: Profile, switches: frozenset[str] | None) -> Assessment:
    """:func:`assess` with the checkout's switches already read (None: no checkout yet)."""
    options, pending = assess_options(profile.build.cmake_options, switches)
    cache = foreign_cache(profile.build_dir, profile.build.dir)
    return Assessment(options, pending, cache, _keys(options, cache))


class NeedsTrust(UsageError):
    """A run would use options or a cache that need ``--trust`` (exit status 2)."""


class StepNeedsTrust(StepRefused):
    """The same, found by a step once the checkout was there (exit status 2)."""


def refusal(assessment: Assessment, where: str) -> str:
    """The message that refuses a run: each concern and why, then what to do."""
    return (
        f"{where}: needs --trust: "
        + "; ".join(assessment.lines())
        + ". Read them; run again with --trust only if you wrote them or trust who did"
        + (" (or remove the build folder to start afresh)" if assessment.cache else "")
    )


def gate(
    profile: Profile, grant: Grant, where: str, assessment: Assessment | None = None
) -> Assessment:
    """Refuse (:class:`NeedsTrust`) what ``grant`` does not cover; answer the assessment
    (``assessment``: one made just before, instead of reading the disk again)."""
    if assessment is None:
        assessment = assess(profile)
    left = assessment.ungranted(grant)
    if left.needs_trust:
        raise NeedsTrust(refusal(left, where))
    return assessment


def step_gate(profile: Profile, grant: Grant) -> None:
    """The configure step's check, with the checkout there: the same door, as a step refusal."""
    left = assess(profile).ungranted(grant)
    if left.needs_trust:
        raise StepNeedsTrust(
            "needs --trust: " + "; ".join(left.lines()),
            hint="read them; run again with --trust only if you wrote them or trust who did",
        )


def option_mark(name: str, value: str, switches: frozenset[str] | None) -> str | None:
    """Why the option needs trust (for the TUI's option list), or None."""
    verdict = judge(name, value, switches)
    return verdict.why if verdict.status == NEEDS_TRUST else None


def is_wizard_cache_path(value: str) -> bool:
    """Whether an option's value names a file in the wizard's own VMMaker image cache.

    ``VMMAKER_IMAGE`` and ``GENERATE_PHARO_VM`` naming it need no ``--trust``: the image and
    the VM there are the ones an earlier build of pharo-vm downloaded and the wizard copied
    (a complete entry, after resolving ``..`` and links), not a program the profile chose.
    """
    from wizard.vm.vmmaker_cache import is_cache_path

    return is_cache_path(value)
