"""The tree shows the design, and keeps showing it: read from the code's own imports.

- no import cycle among the modules of ``wizard/`` and ``screens/``, counting the imports
  made inside functions too (only ``if TYPE_CHECKING:`` blocks are left out: they never run);
- one git layer: GitPython is imported, and a ``git`` process started, only in
  ``wizard/checkout/`` (steps may still *plan* git commands as actions, which ``--dry-run``
  prints and the engine's runner performs);
- an import inside a function is there for start-up: it defers a module that its own
  module does not already load (else it would be at the top, where a reader looks);
- a step's id, phase and title are written once, on its class;
- the Architecture page names every package of the tree.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from wizard.engine.plan import every_step

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("wizard", "screens")


def modules() -> dict[str, Path]:
    """Every module of the two packages, by dotted name."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def runtime_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of ``body`` that can run: ``if TYPE_CHECKING:`` blocks left out."""
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from runtime_nodes(node.orelse)
            continue
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                yield from runtime_nodes([child])
            else:
                yield from ast.walk(child)


def imports_of(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """The project modules ``path`` imports, at any depth of its code."""
    found: set[str] = set()
    for node in runtime_nodes(ast.parse(path.read_text("utf-8")).body):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in known:
                found.add(node.module)
            found.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if f"{node.module}.{alias.name}" in known
            )
    found.discard(name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups


def test_the_import_graph_has_no_cycle_even_through_imports_inside_functions():
    known = modules()
    graph = {name: imports_of(path, name, known) for name, path in known.items()}
    assert sum(len(edges) for edges in graph.values()) > 200  # the graph was read
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def git_users(path: Path) -> list[str]:
    """What in ``path`` imports GitPython or starts a ``git`` process itself (an import for
    annotations only, under ``TYPE_CHECKING``, uses nothing)."""
    found = []
    for node in runtime_nodes(ast.parse(path.read_text("utf-8")).body):
        if isinstance(node, ast.Import) and any(a.name == "git" for a in node.names):
            found.append(f"line {node.lineno}: import git")
        elif isinstance(node, ast.ImportFrom) and node.module == "git":
            found.append(f"line {node.lineno}: from git import")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "subprocess"
            and node.args
            and isinstance(node.args[0], ast.List | ast.Tuple)
            and node.args[0].elts
            and isinstance(node.args[0].elts[0], ast.Constant)
            and node.args[0].elts[0].value == "git"
        ):
            found.append(f"line {node.lineno}: subprocess.{node.func.attr}(['git', …])")
    return found


def test_git_is_asked_and_changed_only_through_the_checkout_layer():
    layer = ROOT / "wizard" / "checkout"
    outside = {
        f"{path.relative_to(ROOT)} {use}"
        for path in modules().values()
        if layer not in path.parents
        for use in git_users(path)
    }
    inside = [use for path in layer.glob("*.py") for use in git_users(path)]
    assert inside, "the layer itself was read"
    assert outside == set()


def test_a_step_declares_its_id_phase_and_title_once():
    titles = {entry.title: entry for entry in every_step()}
    assert len(titles) == len(every_step()) >= 13
    homes = {Path(entry.step.__module__.replace(".", "/") + ".py") for entry in every_step()}
    repeated = []
    for name, path in modules().items():
        text = path.read_text("utf-8")
        for title, entry in titles.items():
            home = Path(entry.step.__module__.replace(".", "/") + ".py")
            if f'"{title}"' in text and path.relative_to(ROOT) != home:
                repeated.append(f"{name}: {title!r} of {entry.id}")
    assert homes and repeated == []


def test_the_architecture_page_maps_every_package():
    page = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    packages = sorted(
        str(path.parent.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("__init__.py")
    )
    assert len(packages) >= 9
    assert [package for package in packages if f"`{package}/`" not in page] == []


def module_imports(
    path: Path, known: dict[str, Path]
) -> tuple[set[str], list[tuple[int, set[str]]]]:
    """The project modules ``path`` loads when imported, and those each import inside a
    function would load (``from a.b import c`` loads ``a``, ``a.b`` and, if it is one, ``a.b.c``)."""

    def loaded(node: ast.Import | ast.ImportFrom) -> set[str]:
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        found = set()
        for name in names:
            parts = name.split(".")
            found.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
        return {name for name in found if name in known}

    at_top: set[str] = set()
    inside: list[tuple[int, set[str]]] = []

    def visit(body: list[ast.stmt], in_function: bool) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import | ast.ImportFrom):
                if in_function:
                    inside.append((node.lineno, loaded(node)))
                else:
                    at_top.update(loaded(node))
            function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            for field in ("body", "orelse", "finalbody"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    visit(block, in_function or function)
            for handler in getattr(node, "handlers", []):
                visit(handler.body, in_function)

    visit(ast.parse(path.read_text("utf-8")).body, False)
    return at_top, inside


def test_an_import_inside_a_function_defers_a_module_not_already_loaded():
    known = modules()
    read = {name: module_imports(path, known) for name, path in known.items()}
    closures: dict[str, set[str]] = {}

    def closure(name: str) -> set[str]:
        if name not in closures:
            closures[name] = {name}
            parts = name.split(".")
            parents = {".".join(parts[:end]) for end in range(1, len(parts))} & set(known)
            for other in parents | read[name][0]:
                closures[name] |= closure(other)
        return closures[name]

    needless = [
        f"{known[name].relative_to(ROOT)}:{line} imports {', '.join(sorted(wanted))}"
        for name in known
        for line, wanted in read[name][1]
        if wanted and wanted <= closure(name)
    ]
    assert sum(len(inside) for _, inside in read.values()) > 50  # the imports were read
    assert needless == []
