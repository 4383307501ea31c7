"""Develop phase: the plugin class in Tonel, VMMaker's external list, the commit.

These steps do what the article does by hand in a Pharo image (a class browser, editing
``PharoVMMaker>>generate:memoryManager:``, Iceberg picking one change to commit) by
writing the files straight into the checkout, which is what Iceberg would have committed
and what the build's VMMaker image loads from ``smalltalksrc``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.checkout.facts import (
    CLASS_DIR,
    SHARED_FILES,
    VMMAKER_CMAKE,
    VMMAKER_LIST_NAME,
    CheckoutFacts,
    checkout_layout,
    plugin_class_file,
    read_checkout_file,
    read_layout,
    read_text,
    vmmaker_list,
)
from wizard.checkout.git import base_branch, checkout_repo, cloned, commit_identity, uncommitted
from wizard.checkout.smalltalksrc import SMALLTALKSRC
from wizard.engine.actions import Action, Check, Unknown, WriteOwned
from wizard.engine.step import Context, Status, Step
from wizard.errors import StepFailed, StepRefused

if TYPE_CHECKING:
    from wizard.checkout.git_plumbing import GitPlumbing
    from wizard.engine.sink import StepOutput
    from wizard.formats.tonel import TonelClassFile


def rendered_class(ctx: Context) -> str:
    """The plugin's class file as the profile renders it, in the checkout's Tonel style."""
    from wizard.formats.tonel import detect_style_in, render_class

    key = "rendered_class"
    if key not in ctx.cache:
        style = detect_style_in(_style_sample(ctx))
        ctx.cache[key] = render_class(ctx.profile.plugin, style)
    rendered: str = ctx.cache[key]
    return rendered


def refuse_a_clash(ctx: Context) -> None:
    """Refuse, before anything is written, a plugin named after a class of the base branch."""
    from wizard.checkout.name_clash import checkout_clash

    repository = ctx.profile.repository
    clash = checkout_clash(
        ctx.checkout,
        base_branch(ctx),
        repository.plugin_branch or ctx.plugin,
        ctx.plugin,
        rendered_class(ctx),
    )
    if clash is not None:
        raise StepRefused(
            clash.sentence(),
            hint=f"rename plugin.name in {ctx.profile.path}; nothing was written",
        )


def _style_sample(ctx: Context) -> Path:
    """The folder whose class files say the Tonel style: the plugin's package folder, or
    the default package's when that package has no class yet."""
    folder = ctx.in_checkout(plugin_class_file(ctx)).parent
    return folder if any(folder.glob("*.class.st")) else ctx.in_checkout(CLASS_DIR)


def plugin_sources(ctx: Context) -> list[tuple[str, Path]]:
    """``(where in the checkout, the profile's file)`` for each of ``plugin.sources``.

    The place follows the checkout's layout: ``extracted/plugins/<Name>/`` (2024) or
    ``plugins/<Name>/`` (2025), then ``src/<platform>/`` for C and ``include/<platform>/``
    for headers, which is where pharo-vm's ``add_vm_plugin`` looks (it globs the C of
    ``src/common`` and the platform's folder, and adds the matching ``include`` folders).
    """
    if not ctx.profile.plugin.sources:
        return []
    folder = f"{checkout_layout(ctx).plugin_folder}/{ctx.plugin}"
    profile_folder = ctx.profile.path.parent
    return [
        (f"{folder}/{source.in_plugin_folder()}", profile_folder / source.path)
        for source in ctx.profile.plugin.sources
    ]


def read_source(path: Path) -> str:
    """A hand-written source of the plugin, as text; a failure that names it otherwise."""
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as error:
        raise StepFailed(f"cannot read the plugin source {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise StepFailed(
            f"the plugin source {path} is not UTF-8 text",
            hint="save it as UTF-8; the wizard copies sources as text",
        ) from None


def _no_checkout(ctx: Context) -> Status | None:
    if not ctx.in_checkout(SMALLTALKSRC).is_dir():
        return Status(False, f"no {SMALLTALKSRC} in {ctx.checkout} yet")
    return None


def _unknown_layout(ctx: Context) -> Status | None:
    """Not done, and why, when the checkout's layout is not one the wizard knows."""
    from wizard.formats.layout import UnknownLayout

    try:
        read_layout(ctx.checkout)
    except UnknownLayout as error:
        return Status(False, str(error))
    return None


class PluginSource(Step):
    id = "plugin-source"
    phase = "develop"
    title = "write the plugin class (Tonel)"

    def detect(self, ctx: Context) -> Status:
        missing = _no_checkout(ctx)
        if missing:
            return missing
        unknown = _unknown_layout(ctx)
        if unknown:
            return unknown
        relative = plugin_class_file(ctx)
        current = read_text(ctx.in_checkout(relative))
        if current is None:
            return Status(False, f"{relative} does not exist yet")
        if current != rendered_class(ctx):
            return Status(False, f"{relative} differs from what the profile renders")
        for target, source in plugin_sources(ctx):
            if read_text(ctx.in_checkout(target)) != read_source(source):
                return Status(False, f"{target} differs from {source.name}")
        return Status(True, f"{relative} matches the profile")

    def actions(self, ctx: Context) -> list[Action]:
        methods = len(ctx.profile.plugin.methods)
        relative = plugin_class_file(ctx)
        actions: list[Action] = [
            Check(f"check the {methods} Slang methods (as --lint does)"),
            WriteOwned(
                self.id,
                relative,
                rendered_class(ctx),
                new_file=True,
                says=(f"write {relative} in the checkout's Tonel style",),
            ),
        ]
        if _unknown_layout(ctx):  # before the clone: the layout names the sources' folder
            actions += [
                Unknown(
                    f"copy {source.path} to <the layout's plugins folder>/{ctx.plugin}/"
                    f"{source.in_plugin_folder()}"
                )
                for source in ctx.profile.plugin.sources
            ]
            return actions
        for (target, path), source in zip(
            plugin_sources(ctx), ctx.profile.plugin.sources, strict=True
        ):
            says = (f"copy {source.path} to {target}",)
            actions.append(WriteOwned(self.id, target, read_source(path), True, says))
        return actions

    def run(self, ctx: Context, out: StepOutput) -> None:
        from wizard.formats.tonel import check_tonel
        from wizard.slang.lint import lint_profile

        # Nothing is written into a checkout whose build the wizard could not declare.
        out.line(f"checkout: {checkout_layout(ctx).describe()}")
        refuse_a_clash(ctx)
        lint, write_class, *copies = self.actions(ctx)
        ctx.perform(lint, out)
        report = lint_profile(ctx.profile)
        for line in report.lines():
            out.line(line)
        if report.errors:
            raise StepFailed(
                f"the Slang checks found {len(report.errors)} error(s)",
                hint=f"fix the methods in {ctx.profile.path}; --lint shows the same list",
                details=[str(d) for d in report.errors[:10]],
            )
        problems = check_tonel(rendered_class(ctx))
        if problems:
            raise StepFailed(
                "the rendered class does not parse as Tonel; nothing was written",
                hint="this is a bug in the wizard, please report it with the profile",
                details=problems[:10],
            )
        for action in (write_class, *copies):
            ctx.perform(action, out)

    def record(self, ctx: Context) -> dict[str, object]:
        from wizard.slang.syntax import exported_primitives

        return {
            "exports": exported_primitives(ctx.profile.plugin),
            "layout": checkout_layout(ctx).year,
        }


class PluginList(Step):
    """Rewrite only the ``external: #(…)`` literal array of PharoVMMaker."""

    id = "plugin-list"
    phase = "develop"
    title = "add the plugin to VMMaker's external plugins"

    def __init__(self, lists_generated_c: bool = False) -> None:
        #: The single-pass plan also lists the plugin's generated C among VMMaker's outputs
        #: in vmmaker.cmake, so that cmake accepts the plugin before its C exists.
        self.lists_generated_c = lists_generated_c

    def _lists(self, ctx: Context) -> tuple[str, list[str], list[str]]:
        from wizard.formats.vmmaker_list import find_external_list, wanted_external_plugins

        relative = vmmaker_list(ctx)
        text = read_checkout_file(ctx, relative)
        try:
            current = find_external_list(text).external
        except ValueError as error:
            raise StepFailed(f"{relative}: {error}") from None
        wanted = wanted_external_plugins(current, ctx.plugin, ctx.profile.external_plugins)
        return text, current, wanted

    def _vmmaker_cmake(self, ctx: Context) -> tuple[str, str] | None:
        """Single pass: vmmaker.cmake's text and the text with the plugin's generated C."""
        if not self.lists_generated_c:
            return None
        from wizard.formats.plugins_cmake import add_generated_file

        text = read_checkout_file(ctx, VMMAKER_CMAKE)
        try:
            return text, add_generated_file(text, ctx.plugin)
        except ValueError as error:
            raise StepFailed(f"{VMMAKER_CMAKE}: {error}") from None

    def detect(self, ctx: Context) -> Status:
        missing = _no_checkout(ctx)
        if missing:
            return missing
        _, current, wanted = self._lists(ctx)
        if current != wanted:
            return Status(False, f"external: #({' '.join(current)}) lacks the wanted list")
        cmake = self._vmmaker_cmake(ctx)
        if cmake and cmake[0] != cmake[1]:
            return Status(False, f"{VMMAKER_CMAKE} does not list the plugin's generated C yet")
        return Status(True, f"external: #({' '.join(current)})")

    def actions(self, ctx: Context) -> list[Action]:
        rewrite = "rewrite the external: #(...) literal array in {}"
        add_c = f"add the plugin's generated C to PLUGIN_GENERATED_FILES in {VMMAKER_CMAKE}"
        if _no_checkout(ctx):  # before the clone: the files to edit are not there yet
            unknown = rewrite.format(f"{VMMAKER_LIST_NAME} (found by its definition)")
            return [Unknown(unknown), *([Unknown(add_c)] if self.lists_generated_c else [])]
        from wizard.formats.vmmaker_list import with_external_plugins

        relative = vmmaker_list(ctx)
        text, _, wanted = self._lists(ctx)
        edited = with_external_plugins(text, wanted)
        says = (rewrite.format(relative),)
        actions: list[Action] = [WriteOwned(self.id, relative, edited, says=says)]
        cmake = self._vmmaker_cmake(ctx)
        if cmake:
            actions.append(WriteOwned(self.id, VMMAKER_CMAKE, cmake[1], says=(add_c,)))
        return actions

    def run(self, ctx: Context, out: StepOutput) -> None:
        _, current, wanted = self._lists(ctx)
        out.line(f"external plugins: #({' '.join(current)}) -> #({' '.join(wanted)})")
        write_list, *write_cmake = self.actions(ctx)
        ctx.perform(write_list, out)
        self._warn_unknown(ctx, wanted, out)
        for action in write_cmake:
            ctx.perform(action, out)

    @staticmethod
    def _warn_unknown(ctx: Context, wanted: list[str], out: StepOutput) -> None:
        classes = CheckoutFacts(ctx.checkout).plugin_classes()
        for name in wanted:
            if name not in classes:
                out.line(
                    f"warning: {name} is listed but no plugin class {name} exists in smalltalksrc; "
                    "VMMaker drops such names silently and the build fails later with a missing C file"
                )


def owned_files(ctx: Context, with_build_files: bool) -> list[str]:
    """The checkout files the develop commit contains; ``with_build_files`` (single pass)
    adds the plugin list and vmmaker.cmake."""
    files = [plugin_class_file(ctx), vmmaker_list(ctx)]
    files += [target for target, _ in plugin_sources(ctx)]
    if with_build_files:
        files += [checkout_layout(ctx).plugin_list, VMMAKER_CMAKE]
    return files


def wizards_edit(ctx: Context, relative: str, text: str) -> str | None:
    """``text`` with only the wizard's edit of ``relative`` applied; None for a file it owns.

    These are the files the wizard edits but does not own wholly (docs/reliability.md, "Only
    the wizard's lines are committed"): the commit takes the committed version with this
    edit applied, never the user's other lines in the same file.
    """
    from wizard.formats.layout import LAYOUTS
    from wizard.formats.plugins_cmake import add_generated_file
    from wizard.formats.vmmaker_list import find_external_list, wanted_external_plugins

    try:
        if relative == vmmaker_list(ctx):
            from wizard.formats.vmmaker_list import with_external_plugins

            current = find_external_list(text).external
            wanted = wanted_external_plugins(current, ctx.plugin, ctx.profile.external_plugins)
            return with_external_plugins(text, wanted)
        if relative == VMMAKER_CMAKE:
            return add_generated_file(text, ctx.plugin)
        if relative in LAYOUTS:  # plugins.cmake or cmake/plugins.cmake: that layout's form
            return LAYOUTS[relative].declare(text, ctx.plugin, plugin_links(ctx))
    except ValueError as error:
        raise StepFailed(f"{relative} (as committed): {error}") from None
    return None


def shared_files(ctx: Context) -> tuple[str, ...]:
    """Every checkout file the wizard edits but does not own: :data:`SHARED_FILES` and the
    file defining PharoVMMaker (where this checkout keeps it)."""
    return (vmmaker_list(ctx), *SHARED_FILES)


#: The user's git hooks are not run for the wizard's commit (none of them: git also looks
#: for them in an empty folder, see :data:`wizard.checkout.git_plumbing.HOOKS_OPTION`).
COMMIT_OPTIONS = ("--no-verify",)


def commit_commands(
    paths: list[str], message: str, shared: tuple[str, ...] = SHARED_FILES
) -> list[str]:
    """The exact git commands :func:`commit_files` runs, for ``--dry-run``; ``shared`` are the
    files of which only the wizard's change is committed."""
    title = message.splitlines()[0]
    index = "GIT_INDEX_FILE=<temporary index>"
    lines = [f"{index} git read-tree HEAD"]
    for path in paths:
        what = (
            "HEAD's version with only the wizard's change"
            if path in shared
            else "the file as written"
        )
        lines.append(f"git hash-object -w --stdin < ({what} of {path})")
        lines.append(f"{index} git update-index --add --cacheinfo 100644,<blob>,{path}")
    options = " ".join(COMMIT_OPTIONS)
    hooks = "-c core.hooksPath=<an empty folder>"
    lines.append(f"{index} git {hooks} commit {options} -m {title!r}")
    lines.append(
        "git update-index --cacheinfo 100644,<blob>,<path>  (each path not staged by you: "
        "the index follows the commit; your working tree is left alone)"
    )
    return lines


@dataclass(frozen=True)
class CommitPaths(Action):
    """Commit the wizard's change to ``paths`` on the plugin branch (:func:`commit_files`);
    printed as the git commands it runs. Answers the commit id."""

    paths: tuple[str, ...]
    message: str
    shared: tuple[str, ...] = SHARED_FILES

    def lines(self) -> list[str]:
        return commit_commands(list(self.paths), self.message, self.shared)

    def perform(self, ctx: Context, out: StepOutput) -> str:
        return commit_files(ctx, list(self.paths), self.message, out)


def commit_files(ctx: Context, paths: list[str], message: str, out: StepOutput) -> str:
    """Commit the wizard's change to ``paths`` on the plugin branch; nothing else of yours.

    A file the wizard owns (the plugin class) is committed as it is in the working tree. In
    a file it only edits (:func:`shared_files`) the commit holds HEAD's version with only the
    wizard's edit applied, so your other uncommitted lines there stay uncommitted; when your
    change touches the very lines the wizard changes, the step refuses, naming them. The
    commit is made from a temporary index: what you staged stays staged and uncommitted,
    and the working tree is never touched. The author comes from git config; without one a
    clearly named fallback is used and reported.
    """
    from wizard.checkout.git_plumbing import GitPlumbing

    repo = checkout_repo(ctx)
    branch = ctx.profile.plugin_branch
    git = GitPlumbing(ctx.checkout)
    git.refuse_during_an_operation("commit")
    if repo.head.is_detached or repo.active_branch.name != branch:
        current = "a detached HEAD" if repo.head.is_detached else repo.active_branch.name
        raise StepFailed(
            f"the checkout is on {current}, not on the plugin branch {branch}",
            hint="run the branch step (pharo-plugin-wizard --replay PROFILE --from branch)",
        )
    blobs = _blobs_to_commit(ctx, git, paths)
    if not blobs:
        return git.head()
    environment = commit_identity(repo, out)
    sha = git.commit_blobs(blobs, message, COMMIT_OPTIONS, environment)
    from wizard.words import few

    out.line(f"committed {few(blobs)} on {branch} as {sha[:10]}")
    left = uncommitted(ctx.checkout, list(blobs))
    if left:
        out.line(f"left uncommitted, as they were yours: your other changes in {few(left)}")
    return sha


def _blobs_to_commit(ctx: Context, git: GitPlumbing, paths: list[str]) -> dict[str, str]:
    """``{path: text}`` for each path whose committed text is not already what it should be."""
    from wizard.checkout.partial_commit import conflict

    blobs: dict[str, str] = {}
    shared = shared_files(ctx)
    for path in paths:
        worktree = read_text(ctx.in_checkout(path))
        if worktree is None:
            raise StepFailed(f"{path} is missing from the checkout")
        committed = git.committed_text(path)
        wanted = worktree
        if committed is not None and path in shared:
            wanted = wizards_edit(ctx, path, committed) or committed
            clash = conflict(committed, worktree, wanted)
            if clash:
                raise StepFailed(
                    clash.sentence(path) + "; nothing was committed",
                    hint=f"commit or undo your change to {path} (git diff -- {path})",
                    again=True,
                )
        if wanted != committed:
            blobs[path] = wanted
    return blobs


class Commit(Step):
    id = "commit"
    phase = "develop"
    title = "commit the plugin on its branch"

    def __init__(self, with_build_files: bool = False) -> None:
        #: The single-pass plan commits the plugin list and vmmaker.cmake here too: it has
        #: no commit of its own for them.
        self.with_build_files = with_build_files

    def detect(self, ctx: Context) -> Status:
        if not cloned(ctx):
            return Status(False, "no clone yet")
        files = owned_files(ctx, self.with_build_files)
        if not ctx.in_checkout(files[0]).exists():
            return Status(False, f"{files[0]} is not written yet")
        from wizard.checkout.git_plumbing import GitPlumbing

        git = GitPlumbing(ctx.checkout)
        pending = []
        shared = shared_files(ctx)
        for path in files:
            committed = git.committed_text(path)
            if committed is None:
                pending.append(path)
            elif path in shared:
                try:
                    if wizards_edit(ctx, path, committed) != committed:
                        pending.append(path)
                except StepFailed:
                    pending.append(path)
            elif uncommitted(ctx.checkout, [path]):
                pending.append(path)
        if pending:
            from wizard.words import few

            return Status(False, f"uncommitted: {few(pending)}")
        return Status(True, "the plugin's files are committed")

    def actions(self, ctx: Context) -> list[Action]:
        try:
            files = owned_files(ctx, self.with_build_files)
        except StepFailed:  # before the clone: where sources and the plugin list go is unknown
            files = [plugin_class_file(ctx), VMMAKER_LIST_NAME]
            if ctx.profile.plugin.sources:
                files.append("<the plugin's sources in the layout's plugins folder>")
            if self.with_build_files:
                files += ["<the layout's plugin list>", VMMAKER_CMAKE]
            shared = (VMMAKER_LIST_NAME, *SHARED_FILES)
            return [Unknown(line) for line in commit_commands(files, self.message(ctx), shared)]
        return [CommitPaths(tuple(files), self.message(ctx), shared_files(ctx))]

    @staticmethod
    def message(ctx: Context) -> str:
        """The first commit adds the plugin; every later round says what it changed."""
        return (
            f"{commit_title(ctx)}\n\n"
            f"The plugin class in Tonel and its entry in VMMaker's external plugins, "
            f"written by pharo-plugin-wizard from {ctx.profile.path.name}."
        )

    def run(self, ctx: Context, out: StepOutput) -> None:
        (commit,) = self.actions(ctx)
        ctx.cache["commit"] = ctx.perform(commit, out)

    def record(self, ctx: Context) -> dict[str, object]:
        return {"commit": ctx.cache.get("commit", "")}


TITLE_WIDTH = 72  # git's one-line summary
DEFINITION = "the class definition"


def commit_title(ctx: Context) -> str:
    """``Add the MyPlugin external plugin`` when the branch has no class file yet, else what
    this round changed in the class: ``MyPlugin: change primitiveX, add primitiveY``."""
    plugin = ctx.plugin
    path = plugin_class_file(ctx)
    committed = None
    if cloned(ctx):
        from wizard.checkout.git_plumbing import GitPlumbing

        committed = GitPlumbing(ctx.checkout).committed_text(path)
    if committed is None:
        return f"Add the {plugin} external plugin"
    current = read_text(ctx.in_checkout(path))
    if current is None or current == committed:
        return f"Update the {plugin} external plugin"
    try:
        changes = class_changes(committed, current)
    except ValueError:  # a class file the wizard cannot read back: say less, not wrong
        return f"Update the {plugin} plugin class"
    return round_title(plugin, changes)


def class_changes(old: str, new: str) -> dict[str, list[str]]:
    """What changed between two texts of a class file: methods changed, added and removed
    (class-side ones as ``class>>selector``), and ``the class definition``."""
    from wizard.formats.tonel import read_class

    before, after = read_class(old), read_class(new)

    def methods(tonel: TonelClassFile) -> dict[str, tuple[str, str | None]]:
        return {
            (f"class>>{m.selector}" if m.is_class_side else m.selector): (
                m.source.strip(),
                m.protocol,
            )
            for m in tonel.methods
        }

    old_methods, new_methods = methods(before), methods(after)
    changes = {
        "change": [k for k in new_methods if k in old_methods and new_methods[k] != old_methods[k]],
        "add": [k for k in new_methods if k not in old_methods],
        "remove": [k for k in old_methods if k not in new_methods],
    }
    definition = ("superclass", "category", "comment", "instance_variables")
    if any(getattr(before, key) != getattr(after, key) for key in definition):
        changes["change"].insert(0, DEFINITION)
    return changes


def round_title(plugin: str, changes: dict[str, list[str]]) -> str:
    """``MyPlugin: change a, add b, remove c``; when that is too long, the longest lists
    are counted instead (``add 6 methods``) until it fits."""
    verbs = [verb for verb, names in changes.items() if names]
    if not verbs:
        return f"Update the {plugin} plugin class"
    parts = {verb: f"{verb} {', '.join(changes[verb])}" for verb in verbs}

    def title() -> str:
        return f"{plugin}: {', '.join(parts[verb] for verb in verbs)}"

    for verb in sorted(verbs, key=lambda v: len(parts[v]), reverse=True):
        if len(title()) <= TITLE_WIDTH:
            break
        parts[verb] = _counted(verb, changes[verb])
    return title()


def _counted(verb: str, names: list[str]) -> str:
    """``change the class definition and 3 methods``: a verb with counts, not names."""
    methods = [name for name in names if name != DEFINITION]
    words = [DEFINITION] if len(methods) != len(names) else []
    if methods:
        words.append(f"{len(methods)} method" + ("" if len(methods) == 1 else "s"))
    return f"{verb} {' and '.join(words)}"


def plugin_links(ctx: Context) -> str:
    """The block the wizard owns after the declaration: the profile's links and definitions."""
    from wizard.formats.plugins_cmake import links_block

    plugin = ctx.profile.plugin
    return links_block(ctx.plugin, plugin.link, plugin.compile_definitions)
