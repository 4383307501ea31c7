"""Build the test repository: a small git repository shaped like pharo-vm.

See the package docstring (``fakevm/__init__.py``) for what is where.  The files come
from two places: ``files/`` (cmake, C, the stand-in generator, as data files; ``common/``
plus an overlay per branch family) and :mod:`fakevm.smalltalk` (the Tonel classes,
rendered per branch in that branch's style).  Commits use a fixed author, committer and
dates, and the user's git configuration is ignored, so the commit ids are always the same.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fakevm.smalltalk import MAKER_HOME, NEW, OLD, smalltalk_files, virtual_machine_header

#: The branch variants (PharoVMMaker's methods, vmmaker.cmake): each is a branch of its name.
BRANCHES = ("pharo-9", "pharo-10", "pharo-12")
DEFAULT_BRANCH = "pharo-10"
STOCK_EXTERNAL_PLUGINS = ("FilePlugin", "SurfacePlugin", "FloatArrayPlugin")
#: VMMaker's list on pharo-12 since 2026 (pharo-vm ee793270): NewFilePlugin first.
EXTERNAL_PLUGINS_2026 = ("NewFilePlugin", *STOCK_EXTERNAL_PLUGINS)

#: The shapes of pharo-vm the wizard supports, each with the branch of the test repository
#: that has it: 2024 (pharo-10), 2025 (pharo-12 as of January 2025, kept on its own branch),
#: 2026 (pharo-12 today: PharoVMMaker in package VMMaker, its list over three lines).
SHAPE_BRANCHES = {"2024": "pharo-10", "2025": "pharo-12-2025", "2026": "pharo-12"}
#: Every branch of the test repository.
ALL_BRANCHES = (*BRANCHES, SHAPE_BRANCHES["2025"])

#: The build-file layout of each branch (docs/layouts.md).
BRANCH_LAYOUT = {"pharo-9": "2024", "pharo-10": "2024", "pharo-12-2025": "2025", "pharo-12": "2025"}
#: The plugin list the build reads, per branch.
PLUGIN_LIST_ON = {
    branch: "cmake/plugins.cmake" if layout == "2025" else "plugins.cmake"
    for branch, layout in BRANCH_LAYOUT.items()
}

#: The file holding VMMaker's external-plugin list until 2025 (the method: LIST_METHOD).
PHARO_VM_MAKER = "smalltalksrc/VMMakerCompatibilityForPharo6/PharoVMMaker.class.st"
#: ... and where each shape keeps it.
PHARO_VM_MAKER_IN = {
    shape: f"smalltalksrc/{package}/PharoVMMaker.class.st"
    for shape, (package, _) in MAKER_HOME.items()
}
#: ... and where each branch keeps it.
PHARO_VM_MAKER_ON = {
    branch: PHARO_VM_MAKER_IN["2026" if branch == SHAPE_BRANCHES["2026"] else "2024"]
    for branch in BRANCH_LAYOUT
}

FILES = Path(__file__).parent / "files"


def external_list_text(branch: str, names: tuple[str, ...] | list[str]) -> str:
    """VMMaker's list as ``branch`` writes it, naming ``names``: one line until 2025, three
    (with their tabs) in the 2026 shape. What a list edit must leave, byte for byte."""
    if branch == SHAPE_BRANCHES["2026"]:
        return f"internal: #(  )\n\t\t\texternal:\n\t\t\t\t#( {' '.join(names)} );"
    return f"internal: #() external: #({' '.join(names)});"


def stock_external_plugins(branch: str) -> tuple[str, ...]:
    """VMMaker's list on ``branch`` as the test repository has it."""
    return EXTERNAL_PLUGINS_2026 if branch == SHAPE_BRANCHES["2026"] else STOCK_EXTERNAL_PLUGINS


#: Where the VM's header with struct VirtualMachine lives, per layout.
VM_HEADER = {
    "2024": "extracted/vm/include/common/sqVirtualMachine.h",
    "2025": "include/pharovm/sqVirtualMachine.h",
}
EXECUTABLE = frozenset({"packaging/linux/pharo", "scripts/vmmaker-standin.py"})

AUTHOR_NAME = "Pharo VM test repository"
AUTHOR_EMAIL = "fakevm@pharo-plugin-wizard.invalid"


@dataclass(frozen=True)
class Snapshot:
    """One commit: which branch gets it, from where, and what the tree looks like."""

    branch: str
    base: str | None  # start the branch here; None: the branch exists already
    variant: str  # the PharoVMMaker / cmake variant: pharo-9, pharo-10 or pharo-12
    version: tuple[int, int, int]
    date: str
    message: str
    layout: str = "2024"  # the build-file layout (docs/layouts.md): 2024 or 2025
    shape: str | None = None  # 2026: the layout of 2025 plus PharoVMMaker's move (PR #1077)
    keep_as: str | None = None  # before this commit, keep the branch's commit as this branch

    @property
    def style(self) -> str:
        return OLD if self.variant == "pharo-9" else NEW


#: The history, oldest first (dates and versions as in the real branches' snapshot).
HISTORY = (
    Snapshot(
        "pharo-9",
        None,
        "pharo-9",
        (9, 0, 22),
        "2023-03-30T11:12:13+02:00",
        "Test repository shaped like pharo-vm: pharo-9 (old Tonel style)",
    ),
    Snapshot(
        "pharo-10",
        "pharo-9",
        "pharo-10",
        (10, 3, 0),
        "2024-06-04T09:30:00+02:00",
        "Tonel: write the new style; add GENERATE_VMMAKER",
    ),
    Snapshot(
        "pharo-12",
        "pharo-10",
        "pharo-12",
        (10, 3, 0),
        "2024-09-11T16:45:00+02:00",
        "PharoVMMaker: options become an instance variable",
    ),
    Snapshot(
        "pharo-10",
        None,
        "pharo-10",
        (10, 3, 1),
        "2024-10-16T10:00:00+02:00",
        "Release 10.3.1",
    ),
    Snapshot(
        "pharo-12",
        None,
        "pharo-12",
        (10, 3, 0),
        "2025-01-20T14:00:00+01:00",
        "Plugins: declared in cmake/plugins.cmake, their C under plugins/ (the 2025 layout)",
        layout="2025",
    ),
    Snapshot(
        "pharo-12",
        None,
        "pharo-12",
        (12, 0, 0),
        "2026-06-30T12:00:00+02:00",
        "PharoVMMaker moves to package VMMaker (tag Generation); NewFilePlugin, first in "
        "VMMaker's list, which is written over three lines",
        layout="2025",
        shape="2026",
        keep_as=SHAPE_BRANCHES["2025"],
    ),
)

LAYOUTS = ("2024", "2025")
SHAPES = ("2024", "2025", "2026")


def branch_files(
    variant: str,
    version: tuple[int, int, int] | None = None,
    layout: str | None = None,
    shape: str | None = None,
) -> dict[str, str]:
    """Every file of the tree of ``variant`` (pharo-9, pharo-10 or pharo-12), path -> text.

    ``layout`` is 2024 or 2025 (only pharo-12 has the 2025 one); by default, the layout of
    the branch's newest commit. ``shape`` 2026 (pharo-12 only, on the 2025 layout) is today's
    pharo-12: by default the shape of the branch's newest commit when ``layout`` is not given.
    """
    if variant not in BRANCHES:
        raise ValueError(f"unknown branch {variant!r}; expected one of {BRANCHES}")
    newest = next(s for s in reversed(HISTORY) if s.variant == variant)
    version = version or newest.version
    if layout is None:
        layout, shape = newest.layout, shape or newest.shape
    shape = shape or layout
    if layout not in LAYOUTS or shape not in SHAPES:
        raise ValueError(f"unknown layout {layout!r} or shape {shape!r}; expected {SHAPES}")
    if shape == "2026" and (variant != "pharo-12" or layout != "2025"):
        raise ValueError("the 2026 shape is pharo-12's, on the 2025 layout")
    old = variant == "pharo-9"
    files: dict[str, str] = {}
    files.update(_layer("common"))
    if layout == "2025":
        files.update(_moved_for_2025(_layer("layout-2024")))
    files.update(_layer(f"layout-{layout}"))
    files.update(_layer("pharo-9" if old else "pharo-10-12"))
    files["CMakeLists.txt"] = _fill(
        files["CMakeLists.txt"],
        VERSION_MAJOR=str(version[0]),
        VERSION_MINOR=str(version[1]),
        VERSION_PATCH=str(version[2]),
        BUILD_TYPE="" if old else "include(cmake/BuildType.cmake)",
        GENERATE_VMMAKER_OPTION=(
            ""
            if old
            else 'option(GENERATE_VMMAKER                 "If it generates the VMMaker image"'
            "               ON)\n"
        ),
        GENERATED_SOURCE_DIR_DEFAULT=(
            "${CMAKE_CURRENT_SOURCE_DIR}" if old else "${CMAKE_CURRENT_BINARY_DIR}"
        ),
    )
    files[VM_HEADER[layout]] = virtual_machine_header()
    files[".gitignore"] = "build/\n"
    files.update(smalltalk_files(variant, OLD if old else NEW, shape))
    if shape == "2026":
        files.update(_build_files_2026(files))
    return files


def _build_files_2026(files: dict[str, str]) -> dict[str, str]:
    """NewFilePlugin among VMMaker's outputs and declared in the plugin list (pharo-vm
    00b46fae's cmake/vmmaker.cmake)."""
    outputs = "set(PLUGIN_GENERATED_FILES \n"
    vmmaker = files["cmake/vmmaker.cmake"]
    assert vmmaker.count(outputs) == 1, "one PLUGIN_GENERATED_FILES block"
    generated = "    ${PHARO_CURRENT_GENERATED}/plugins/src/NewFilePlugin/NewFilePlugin.c\n"
    declared = "add_vm_plugin(FilePlugin TRUE TRUE)\n"
    plugins = files["cmake/plugins.cmake"]
    assert plugins.count(declared) == 1, "FilePlugin declared once"
    return {
        "cmake/vmmaker.cmake": vmmaker.replace(outputs, outputs + generated),
        "cmake/plugins.cmake": plugins.replace(
            declared,
            declared + "\n# NewFilePlugin: generated C only\n"
            "add_vm_plugin(NewFilePlugin TRUE FALSE)\n",
        ),
    }


def _layer(name: str) -> dict[str, str]:
    """The files of one folder of ``files/``, path -> text."""
    root = FILES / name
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _moved_for_2025(files_2024: dict[str, str]) -> dict[str, str]:
    """What pharo-vm PR #904 kept of the 2024 files, where it put them (docs/layouts.md).

    The plugins' own C and headers move from ``extracted/plugins/`` to ``plugins/``, the
    macros to ``cmake/macros.cmake``; the root ``plugins.cmake`` stays, stale: nothing
    includes it any more. ``layout-2025/`` holds only what is new or rewritten.
    """
    moved = {}
    for path, text in files_2024.items():
        if path.startswith("extracted/plugins/"):
            moved["plugins/" + path.removeprefix("extracted/plugins/")] = text
        elif path == "macros.cmake":
            moved["cmake/macros.cmake"] = text
        elif path == "plugins.cmake":
            moved[path] = text
    return moved


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    if "{{" in template:
        raise ValueError("unfilled placeholder in a template: " + template.split("{{")[1][:40])
    return template


def git_env(date: str | None = None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GIT_") and key not in ("EMAIL",)
    }
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME=AUTHOR_NAME,
        GIT_AUTHOR_EMAIL=AUTHOR_EMAIL,
        GIT_COMMITTER_NAME=AUTHOR_NAME,
        GIT_COMMITTER_EMAIL=AUTHOR_EMAIL,
        LC_ALL="C",
    )
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return env


def git(repo: Path, *args: str, date: str | None = None) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        env=git_env(date),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {repo}:\n{done.stdout}{done.stderr}")
    return done.stdout


def _write_tree(repo: Path, files: dict[str, str]) -> None:
    for child in repo.iterdir():
        if child.name == ".git":
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    for relative, text in files.items():
        path = repo / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        path.chmod(0o755 if relative in EXECUTABLE else 0o644)


def build_fake_pharo_vm(dest: Path) -> Path:
    """Create the test repository at ``dest`` (absent or empty) and answer its path.

    A non-bare repository with branches ``pharo-9``, ``pharo-10``, ``pharo-12`` (the 2026
    shape) and ``pharo-12-2025`` (pharo-12 as of January 2025); HEAD is ``pharo-10`` and
    checked out.  The same commit ids every time.
    """
    dest = Path(dest).absolute()
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} exists and is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    git(dest, "init", "--quiet", "--initial-branch", HISTORY[0].branch)
    for snapshot in HISTORY:
        if snapshot.base:
            git(dest, "checkout", "--quiet", "-b", snapshot.branch, snapshot.base)
        elif snapshot is not HISTORY[0]:
            git(dest, "checkout", "--quiet", snapshot.branch)
        if snapshot.keep_as:
            git(dest, "branch", snapshot.keep_as)
        files = branch_files(snapshot.variant, snapshot.version, snapshot.layout, snapshot.shape)
        _write_tree(dest, files)
        git(dest, "add", "--all")
        git(dest, "commit", "--quiet", "--no-verify", "-m", snapshot.message, date=snapshot.date)
    git(dest, "checkout", "--quiet", DEFAULT_BRANCH)
    return dest
