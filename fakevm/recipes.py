"""What a developer does by hand with a checkout of the test repository.

Clone it, write a plugin class, put the plugin in VMMaker's external list, declare it in
``plugins.cmake`` / ``PLUGIN_GENERATED_FILES``, run cmake, read a library's exports.  These
are written independently of the wizard's own format modules, so the tests of the
repository do not depend on the code they are meant to exercise.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from fakevm.builder import git
from fakevm.smalltalk import NEW, OLD, ClassSpec, m, render_class

#: What to delete in a build folder so that the next build loads ``smalltalksrc`` again.
STALE_IMAGE = (
    "build/vmmaker/image",
    "build/vmmaker/src/vmmaker-stamp",  # pharo-10, pharo-12
    "build/vmmaker/src/build_vmmaker_get_image-stamp",  # pharo-9
)


def clone(origin: Path | str, dest: Path, branch: str | None = None) -> Path:
    """``git clone [--branch BRANCH] ORIGIN DEST`` (the user's git configuration ignored)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    args = ["clone", "--quiet"] + (["--branch", branch] if branch else [])
    git(dest.parent, *args, str(origin), str(dest))
    return dest


def clone_bare(origin: Path | str, dest: Path) -> Path:
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    git(dest.parent, "clone", "--quiet", "--bare", str(origin), str(dest))
    return dest


def run(
    args: list[str], cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run a tool; ``stdout`` holds stdout and stderr together."""
    return subprocess.run(
        args,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )


def configure(source: Path, build: Path, *options: str) -> subprocess.CompletedProcess:
    return run(["cmake", "-S", str(source), "-B", str(build), *options])


def install(build: Path, jobs: int = 2) -> subprocess.CompletedProcess:
    """The ``make install`` of the procedure: ``cmake --build B --target install -jN``."""
    return run(["cmake", "--build", str(build), "--target", "install", f"-j{jobs}"])


def style_of(checkout: Path) -> str:
    text = (checkout / "smalltalksrc/VMMaker/FloatArrayPlugin.class.st").read_text()
    return OLD if "#name : #" in text else NEW


def write_plugin_class(
    checkout: Path,
    name: str,
    *,
    superclass: str = "InterpreterPlugin",
    proxy_selector: str = "integerObjectOf:",
) -> Path:
    """``smalltalksrc/VMMaker/<name>.class.st`` in the checkout's style.

    Two primitives: ``primitiveAnswer`` (``<export: true>``, sends
    ``interpreterProxy <proxy_selector> 42``), and, for a SmartSyntax superclass,
    ``primitiveEcho:`` declared as ``self primitive: 'primitiveEcho' parameters: #(String)``.
    """
    methods = [
        m(
            "primitives",
            "primitiveAnswer",
            f"""
            <export: true>
            interpreterProxy pop: 1 thenPush: (interpreterProxy {proxy_selector} 42)
            """,
        )
    ]
    if superclass == "SmartSyntaxInterpreterPlugin":
        methods.append(
            m(
                "primitives",
                "primitiveEcho: aString",
                """
                self primitive: 'primitiveEcho' parameters: #(String).
                ^ aString
                """,
            )
        )
    spec = ClassSpec(
        name=name,
        superclass=superclass,
        package="VMMaker",
        tag="Plugins",
        comment=f"{name}, written by a test.",
        methods=tuple(methods),
    )
    path = checkout / spec.path
    path.write_text(render_class(spec, style_of(checkout)), encoding="utf-8")
    return path


def pharo_vm_maker(checkout: Path) -> Path:
    """The one PharoVMMaker.class.st of the checkout, in whichever package folder it is."""
    (path,) = (checkout / "smalltalksrc").glob("*/PharoVMMaker.class.st")
    return path


def add_to_external_list(checkout: Path, name: str) -> None:
    """Append ``name`` to ``external: #(...)`` in PharoVMMaker."""
    path = pharo_vm_maker(checkout)
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(r"(external:\s*#\([^()]*?)\s*\)", rf"\1 {name})", text, count=1)
    assert count == 1, "no external list in PharoVMMaker"
    path.write_text(new, encoding="utf-8")


def external_list(checkout: Path) -> list[str]:
    text = pharo_vm_maker(checkout).read_text(encoding="utf-8")
    found = re.search(r"external:\s*#\(([^()]*)\)", text)
    return found.group(1).split() if found else []


def generated_file(name: str) -> str:
    return f"${{PHARO_CURRENT_GENERATED}}/plugins/src/{name}/{name}.c"


def is_2025_layout(checkout: Path) -> bool:
    """Whether the checkout declares its plugins in ``cmake/plugins.cmake`` (docs/layouts.md)."""
    return "include(cmake/plugins.cmake)" in (checkout / "CMakeLists.txt").read_text("utf-8")


def adding_line(checkout: Path, name: str) -> str:
    """What configure prints when it adds the plugin, in the checkout's layout."""
    if is_2025_layout(checkout):
        return f"Adding plugin {name} including generated code"
    return f"Adding plugin: {name}"


def declare_plugin(checkout: Path, name: str) -> None:
    """Declare ``name`` as a Slang-only plugin, as a person would in the checkout's layout.

    2025: one ``add_vm_plugin(NAME TRUE FALSE)`` line at the end of ``cmake/plugins.cmake``;
    2024: the FloatArrayPlugin-style block at the end of ``plugins.cmake``.
    """
    if is_2025_layout(checkout):
        path = checkout / "cmake/plugins.cmake"
        block = f"add_vm_plugin({name} TRUE FALSE)\n"
    else:
        path = checkout / "plugins.cmake"
        block = f"\n#\n# {name}\n#\n\nadd_vm_plugin({name}\n\t{generated_file(name)})\n"
    path.write_text(path.read_text(encoding="utf-8") + block, encoding="utf-8")


def add_generated_file(checkout: Path, name: str) -> None:
    """Add the plugin's generated C to ``PLUGIN_GENERATED_FILES`` in ``cmake/vmmaker.cmake``."""
    path = checkout / "cmake/vmmaker.cmake"
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(
        r"(set\(PLUGIN_GENERATED_FILES\b[^)]*?)\)",
        lambda found: f"{found.group(1)}\n    {generated_file(name)})",
        text,
        count=1,
    )
    assert count == 1, "no PLUGIN_GENERATED_FILES block"
    path.write_text(new, encoding="utf-8")


def forget_image(build: Path) -> list[str]:
    """Delete the VMMaker image and its stamp; answer what was there."""
    removed = []
    for relative in STALE_IMAGE:
        path = build / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        else:
            continue
        removed.append(relative)
    return removed


def exported_symbols(library: Path) -> set[str]:
    """The functions ``library`` exports (``nm -D --defined-only``)."""
    listing = run(["nm", "-D", "--defined-only", str(library)])
    assert listing.returncode == 0, listing.stdout
    return {
        fields[2]
        for fields in (line.split() for line in listing.stdout.splitlines())
        if len(fields) == 3 and fields[1] in "TW"
    }
