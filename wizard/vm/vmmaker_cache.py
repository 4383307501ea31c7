"""The VMMaker image cache on the developer's machine: one online build, then offline.

The VMMaker image (a Pharo image with VMMaker loaded, and the VM that runs it) is the part
of a first build that needs the network, and it depends only on pharo-vm's ``smalltalksrc``,
``scripts`` and ``cmake/vmmaker.cmake`` — the same files the emitted CI workflow keys its
cache on. After a build made one, the wizard copies ``<B>/build/vmmaker/{image,vm}`` to
``$XDG_CACHE_HOME/pharo-plugin-wizard/vmmaker/<key>/`` (else ``~/.cache/…``); any later
build folder with the same key — another workspace, or the same one after ``rm -rf
build`` — is configured with pharo-vm's own options to use it::

    GENERATE_VMMAKER=OFF  VMMAKER_IMAGE=<entry>/image/VMMaker.image  GENERATE_PHARO_VM=<entry>/vm/pharo

so cmake downloads nothing and builds no image. The key hashes those three paths as the
*base* branch has them (git tree ids), so the plugin's own class and the plugin list the
wizard edits on the plugin branch never change it; the platform is part of the key (the
VM is a program for one system). The cached image may hold an older class of the plugin:
``generate`` always loads the checkout's class through the Slang loop's script afterwards.

An entry is complete when its ``entry.json`` is there: it is written last, in a folder
that is renamed into place, so a copy cut short is never used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.checkout.git import ask_git, base_branch
from wizard.errors import StepFailed

if TYPE_CHECKING:
    from wizard.engine.sink import StepOutput
    from wizard.engine.step import Context

#: What the key hashes, inside the checkout (the CI workflow's ``hashFiles`` uses the same).
KEY_PATHS = ("smalltalksrc", "scripts", "cmake/vmmaker.cmake")
#: The options the wizard sets to use an entry, and the ones a profile may set itself.
CACHE_OPTION_NAMES = ("GENERATE_VMMAKER", "VMMAKER_IMAGE", "GENERATE_PHARO_VM")
ENTRY_FILE = "entry.json"
#: The VM that runs VMMaker, per platform, under ``vm/`` (as in ``<B>/build/vmmaker/vm``).
VMMAKER_VMS = ("pharo", "Contents/MacOS/Pharo", "PharoConsole.exe")


def cache_root(environ: dict[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/pharo-plugin-wizard/vmmaker``, else ``~/.cache/…`` (XDG: an
    absolute path only)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "pharo-plugin-wizard" / "vmmaker"


def is_cache_path(value: str, environ: dict[str, str] | None = None) -> bool:
    """Whether ``value`` names a file inside a complete entry of the wizard's cache
    (after resolving ``..`` and links): what the wizard put there, not a program of the
    profile's choosing."""
    root = cache_root(environ).resolve()
    try:
        relative = Path(value).resolve().relative_to(root)
    except (ValueError, OSError):
        return False
    return len(relative.parts) >= 2 and (root / relative.parts[0] / ENTRY_FILE).is_file()


# --------------------------------------------------------------------------- the key


def base_ref(ctx: Context) -> str | None:
    """The base branch's name (the profile's, else origin's default), or None when it cannot
    be told yet (no clone, no origin/HEAD)."""
    try:
        base = base_branch(ctx)
    except Exception:  # noqa: BLE001 - no clone yet, no origin/HEAD: no key
        return None
    return base


def _system() -> str:
    """``platform.system()`` and ``platform.machine()``, lower case: ``linux-x86_64``. Read
    from ``os.uname()`` where there is one (the same words; importing platform cost ~1.5 ms
    of every --dry-run with a clone)."""
    if hasattr(os, "uname"):
        facts = os.uname()
        return f"{facts.sysname.lower()}-{facts.machine.lower()}"
    import platform  # Windows: no uname

    return f"{platform.system().lower()}-{platform.machine().lower()}"


def cache_key(checkout: Path, base: str) -> str | None:
    """``<system>-<machine>-<hash>`` of :data:`KEY_PATHS` in ``base``'s tree; None when the
    checkout or the base branch does not have them."""
    import hashlib  # here, not at load: with a clone only (start-up, --dry-run of a new plugin)

    for ref in (base, f"origin/{base}"):
        specs = [f"{ref}:{path}" for path in KEY_PATHS]
        try:
            answer = ask_git(checkout, "rev-parse", *specs)
        except StepFailed:  # no git: no key, the build downloads as it would without a cache
            return None
        ids = answer.split() if answer is not None else []
        if len(ids) == len(KEY_PATHS):
            text = "\n".join(f"{path} {oid}" for path, oid in zip(KEY_PATHS, ids, strict=True))
            digest = hashlib.sha256(text.encode()).hexdigest()[:20]
            return f"{_system()}-{digest}"
    return None


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class Entry:
    """One cached VMMaker image: its folder and what ``entry.json`` says about it."""

    folder: Path
    facts: dict[str, object]

    @property
    def key(self) -> str:
        return self.folder.name

    @property
    def image(self) -> Path:
        return self.folder / "image" / "VMMaker.image"

    @property
    def vm(self) -> Path | None:
        return next(
            (
                self.folder / "vm" / name
                for name in VMMAKER_VMS
                if (self.folder / "vm" / name).is_file()
            ),
            None,
        )

    def size(self) -> int:
        """Bytes on disk (files only)."""
        return sum(
            p.stat().st_size for p in self.folder.rglob("*") if p.is_file() and not p.is_symlink()
        )

    def options(self) -> list[tuple[str, str]]:
        """The cmake options that make pharo-vm's build use this entry."""
        vm = self.vm
        assert vm is not None
        return [
            ("GENERATE_VMMAKER", "OFF"),
            ("VMMAKER_IMAGE", str(self.image)),
            ("GENERATE_PHARO_VM", str(vm)),
        ]


def read_entry(folder: Path) -> Entry | None:
    """The entry in ``folder`` when it is complete (``entry.json``, the image, a VM)."""
    import json  # here, not at load: only an entry is read (start-up)

    try:
        facts = json.loads((folder / ENTRY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entry = Entry(folder, facts if isinstance(facts, dict) else {})
    if not entry.image.is_file() or entry.vm is None:
        return None
    return entry


def entries(root: Path | None = None) -> list[Entry]:
    """Every complete entry of the cache, by key."""
    root = cache_root() if root is None else root
    if not root.is_dir():
        return []
    found = (read_entry(folder) for folder in sorted(root.iterdir()) if folder.is_dir())
    return [entry for entry in found if entry is not None]


# --------------------------------------------------------------------------- a build's use


def profile_sets_image(ctx: Context) -> bool:
    """Whether the profile itself says how to get the image (the user's own offline route)."""
    return any(name in CACHE_OPTION_NAMES for name, _ in ctx.profile.build.cmake_options)


def builds_own_image(ctx: Context) -> bool:
    """Whether this build folder has its own VMMaker image (``<B>/build/vmmaker/image``)."""
    own = ctx.build_dir / "build" / "vmmaker" / "image" / "VMMaker.image"
    return own.is_file()


def entry_for(ctx: Context) -> Entry | None:
    """The cache entry this build folder would use: same key, complete; None otherwise
    (the profile names its own image, wants it rebuilt, or the folder has its own)."""
    if ctx.profile.build.regenerate == "image" or profile_sets_image(ctx):
        return None
    if builds_own_image(ctx) or not ctx.checkout.is_dir():
        return None
    _, key = _base_and_key(ctx)
    return read_entry(cache_root() / key) if key else None


def _base_and_key(ctx: Context) -> tuple[str | None, str | None]:
    """The base branch and this checkout's key; a key found is kept for the run (the base
    branch's tree does not change during it: configure and keep_image ask git once)."""
    known: tuple[str | None, str | None] | None = ctx.cache.get("vmmaker-cache-key")
    if known is not None:
        return known
    base = base_ref(ctx)
    key = cache_key(ctx.checkout, base) if base else None
    if key is not None:
        ctx.cache["vmmaker-cache-key"] = (base, key)
    return base, key


def cache_options(ctx: Context) -> list[tuple[str, str]]:
    """The options configure adds to use the cache (none when it is not used)."""
    cached = ctx.cache.get("vmmaker-cache-entry", False)
    if cached is False:
        cached = ctx.cache["vmmaker-cache-entry"] = entry_for(ctx)
    return cached.options() if isinstance(cached, Entry) else []


def uses_cache(build_dir: Path) -> bool:
    """Whether the build folder was configured to generate with a cached image."""
    from wizard.formats.cmake_cache import read_cache

    image = read_cache(build_dir).get("VMMAKER_IMAGE", ("", ""))[1]
    return bool(image) and is_cache_path(image)


# --------------------------------------------------------------------------- filling


def keep_image(ctx: Context, out: StepOutput) -> Entry | None:
    """After a build made its own VMMaker image and generated with it: copy the image and
    its VM into the cache under the base branch's key, unless an entry is there already."""
    folder = ctx.build_dir / "build" / "vmmaker"
    if not builds_own_image(ctx) or not (folder / "vm").is_dir():
        return None
    base, key = _base_and_key(ctx)
    if key is None:
        return None
    root = cache_root()
    existing = read_entry(root / key)
    if existing is not None:
        return existing
    entry = _copy_entry(
        folder, root, key, {"base_branch": base, "made": _now(), "from": str(ctx.build_dir)}
    )
    if entry is not None:
        megabytes = entry.size() / 2**20
        out.line(
            f"kept the VMMaker image for later build folders: {entry.folder} ({megabytes:.0f} MB)"
        )
    return entry


def _copy_entry(folder: Path, root: Path, key: str, facts: dict[str, object]) -> Entry | None:
    """Copy ``image/`` and ``vm/`` into a fresh folder, write ``entry.json``, rename it into
    place; None (and nothing left behind) when another run got there first or the disk
    refused."""
    import json  # here, not at load: only when an image is kept (start-up)
    import shutil

    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".{key}.{os.getpid()}.partial"
    try:
        for part in ("image", "vm"):
            shutil.copytree(folder / part, staging / part, symlinks=True)
        (staging / ENTRY_FILE).write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
        staging.rename(root / key)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return read_entry(root / key)
    return read_entry(root / key)


def _now() -> str:
    import time  # here, not at load: only when an image is kept (start-up)

    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
