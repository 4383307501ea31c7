"""``--emit-ci github PROFILE``: the workflow file, its checks, and the file it refuses to touch.

The workflow is read back with ``yaml.safe_load`` (never by searching its text) and checked
against GitHub's workflow schema with ``check-jsonschema`` (its vendored copy, no network).
The last test plays the workflow's steps on the test repository, in order, the way a runner
does: its command lines (split as the shell would, run as argument lists), its cache key's
files and its artifact paths against what the real build leaves.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
import yaml

from fakevm.profiles import write_profile
from tests.helpers import wizard
from wizard import __version__
from wizard.commands.prerequisites import apt_packages, brew_packages
from wizard.formats.ci_workflow import DIGEST_PREFIX, WorkflowFacts, ownership, render_workflow
from wizard.profile.load import load_profile

WORKFLOW = ".github/workflows/helloworldplugin.yml"
PROG = "pharo-plugin-wizard"


# --------------------------------------------------------------------------- helpers


def emit(profile: Path, cwd: Path) -> subprocess.CompletedProcess:
    return wizard("--emit-ci", "github", str(profile), cwd=cwd, timeout=120)


def check_schema(path: Path) -> subprocess.CompletedProcess:
    """check-jsonschema with its vendored GitHub workflow schema (no download)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_workflow(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean true; GitHub reads it as "on".
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps_by_name(data: dict) -> dict[str, dict]:
    steps = data["jobs"]["build"]["steps"]
    return {step.get("name") or step["uses"]: step for step in steps}


def step_index(data: dict, name: str) -> int:
    names = [step.get("name") or step["uses"] for step in data["jobs"]["build"]["steps"]]
    return names.index(name)


def command(step: dict) -> list[str]:
    """A one-line ``run:`` as the runner's shell splits it ($PROFILE left as written)."""
    lines = step["run"].strip().splitlines()
    assert len(lines) == 1, step["run"]
    return shlex.split(lines[0])


def facts_of(profile_path: Path, *, examples: tuple[dict, ...] = ()) -> WorkflowFacts:
    """The workflow's facts for the profile, with ``plugin.examples`` set to ``examples``."""
    from wizard.commands.emit_ci import profile_in_workspace

    data = yaml.safe_load(profile_path.read_text())
    data["plugin"]["examples"] = list(examples)
    profile_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    profile = load_profile(profile_path)
    return WorkflowFacts.of(profile, profile_in_workspace(profile))


EXAMPLE = {"primitive": "primitiveGetHelloString", "arguments": [], "answers": "'Hello'"}


# --------------------------------------------------------------------------- the file


@pytest.mark.parametrize(
    ("options", "examples"),
    [
        ({"ICEBERG_DEFAULT_REMOTE": "httpsUrl"}, ()),
        ({}, ()),
        ({"GENERATE_PHARO_VM": "/opt/pharo/pharo", "CMAKE_C_COMPILER_LAUNCHER": "ccache"}, ()),
        ({"ICEBERG_DEFAULT_REMOTE": "httpsUrl"}, (EXAMPLE,)),
        ({"GENERATE_PHARO_VM": "/opt/pharo/pharo", "BUILD_BUNDLE": "OFF"}, (EXAMPLE,)),
    ],
    ids=["template", "no-iceberg", "trust", "examples", "trust-and-examples"],
)
def test_the_workflow_validates_against_the_github_schema(workspace, options, examples):
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    data = yaml.safe_load(profile.read_text())
    data["build"]["cmake_options"] = options
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    path = workspace / WORKFLOW
    path.parent.mkdir(parents=True)
    path.write_text(render_workflow(facts_of(profile, examples=examples)), encoding="utf-8")
    result = check_schema(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "validation done" in result.stdout


def test_the_schema_check_catches_a_broken_workflow(workspace):
    """The check above can fail: the same workflow without `runs-on` is refused."""
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    data = load_workflow_text(render_workflow(facts_of(profile)))
    del data["jobs"]["build"]["runs-on"]
    path = workspace / "broken.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert check_schema(path).returncode == 1


def load_workflow_text(text: str) -> dict:
    data = yaml.safe_load(text)
    data["on"] = data.pop(True)
    return data


def test_the_replay_lines_the_cache_and_the_artifacts(workspace):
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    data = load_workflow_text(render_workflow(facts_of(profile)))
    assert set(data["on"]) == {"push", "pull_request"}
    job = data["jobs"]["build"]
    assert job["strategy"]["matrix"]["os"] == ["ubuntu-latest", "macos-latest"]
    assert data["env"]["PROFILE"] == "profiles/HelloWorldPlugin.yml"
    assert data["env"]["WIZARD"] == (
        "${{ vars.PHARO_PLUGIN_WIZARD || 'pharo-plugin-wizard==0.1.0' }}"
    )
    steps = steps_by_name(data)
    iceberg = ["--set", "build.cmake_options.ICEBERG_DEFAULT_REMOTE=httpsUrl"]
    setup = steps["Clone pharo-vm and create the plugin branch"]
    assert command(setup) == [PROG, "--replay", "$PROFILE", "--until", "branch", *iceberg]
    build = steps["Build HelloWorldPlugin"]
    assert command(build) == [PROG, "--replay", "$PROFILE", *iceberg]

    restore = steps["Restore the VMMaker image"]
    save = steps["Save the VMMaker image"]
    assert restore["uses"] == "actions/cache/restore@v4"
    assert save["uses"] == "actions/cache/save@v4"
    # The wizard's own image cache, in the workspace (hashFiles sees only the workspace);
    # never the build folder, which a run refuses when the wizard did not make it.
    assert restore["with"]["path"] == save["with"]["path"] == ".cache/pharo-plugin-wizard"
    assert data["env"]["XDG_CACHE_HOME"] == "${{ github.workspace }}/.cache"
    assert restore["with"]["key"] == (
        "vmmaker-HelloWorldPlugin-${{ runner.os }}-${{ runner.arch }}-${{ hashFiles("
        "'pharo-vm/smalltalksrc/**', 'pharo-vm/scripts/**', 'pharo-vm/cmake/vmmaker.cmake') }}"
    )
    # The key is computed once, after the clone; the save reuses it rather than hashing
    # smalltalksrc again after the wizard wrote the plugin into it.
    assert save["with"]["key"] == "${{ steps.vmmaker.outputs.cache-primary-key }}"
    assert restore["id"] == "vmmaker"
    assert "!cancelled()" in save["if"] and "cache-hit != 'true'" in save["if"]
    order = [
        step_index(data, name)
        for name in (
            "Install pharo-plugin-wizard",
            "Clone pharo-vm and create the plugin branch",
            "Restore the VMMaker image",
            "Build HelloWorldPlugin",
            "Save the VMMaker image",
            "Upload the library",
        )
    ]
    assert order == sorted(order)

    library = steps["Upload the library"]
    assert "if" not in library  # only after a successful build
    assert library["with"]["if-no-files-found"] == "error"
    assert library["with"]["path"].split() == [
        "build/build/vm/libHelloWorldPlugin.so",
        "build/build/dist/lib/libHelloWorldPlugin.so",
        "build/build/vm/Debug/Pharo.app/Contents/MacOS/Plugins/libHelloWorldPlugin.dylib",
        "build/build/dist/Pharo.app/Contents/MacOS/Plugins/libHelloWorldPlugin.dylib",
    ]
    logs = steps["Upload the logs"]
    assert logs["if"] == "always()"
    assert logs["with"]["path"].split() == [
        "logs/HelloWorldPlugin/",
        "profiles/HelloWorldPlugin.yml",
    ]
    names = {library["with"]["name"], logs["with"]["name"]}
    assert all("${{ matrix.os }}" in name for name in names) and len(names) == 2


def test_the_system_packages_are_the_prerequisites_table(workspace):
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    steps = steps_by_name(load_workflow_text(render_workflow(facts_of(profile))))
    apt = steps["Install the system packages (Linux)"]["run"].strip().splitlines()
    assert shlex.split(apt[-1])[:4] == ["sudo", "apt-get", "install", "-y"]
    assert [word for word in shlex.split(apt[-1]) if not word.startswith("-")][3:] == (
        apt_packages()
    )
    assert {"git", "cmake", "make", "gcc", "libffi-dev", "uuid-dev", "libssl-dev"} <= set(
        apt_packages()
    )
    brew = steps["Install the system packages (macOS)"]
    assert command(brew) == ["brew", "install", *brew_packages()]
    assert brew["if"] == "runner.os == 'macOS'"


def test_trust_and_bench_are_explicit(workspace):
    profile = write_profile(
        workspace,
        "https://github.com/pharo-project/pharo-vm.git",
        cmake_options={
            "ICEBERG_DEFAULT_REMOTE": "httpsUrl",
            "GENERATE_PHARO_VM": "/opt/pharo/pharo",
            "CMAKE_C_COMPILER_LAUNCHER": "ccache",
        },
    )
    text = render_workflow(facts_of(profile, examples=(EXAMPLE,)))
    steps = steps_by_name(load_workflow_text(text))
    setup = command(steps["Clone pharo-vm and create the plugin branch"])
    build = command(steps["Build HelloWorldPlugin"])
    assert setup == [PROG, "--replay", "$PROFILE", "--until", "branch", "--trust"]
    assert build == [PROG, "--replay", "$PROFILE", "--trust", "--bench"]
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert any(
        "--trust" in line and "GENERATE_PHARO_VM, CMAKE_C_COMPILER_LAUNCHER" in line
        for line in comments
    )

    plain = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git", "Plain",
                          cmake_options={"ICEBERG_DEFAULT_REMOTE": "httpsUrl"})  # fmt: skip
    steps = steps_by_name(load_workflow_text(render_workflow(facts_of(plain))))
    assert command(steps["Build Plain"]) == [PROG, "--replay", "$PROFILE"]
    assert command(steps["Clone pharo-vm and create the plugin branch"]) == [
        PROG, "--replay", "$PROFILE", "--until", "branch",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("folder", "workspace_key", "expected"),
    [
        ("profiles", "..", "profiles/HelloWorldPlugin.yml"),
        ("ci/plugins", "../..", "ci/plugins/HelloWorldPlugin.yml"),
        (".", ".", "HelloWorldPlugin.yml"),
    ],
)
def test_the_replay_path_resolves_from_the_workspace(tmp_path, folder, workspace_key, expected):
    workspace = tmp_path / "repo"
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    data = yaml.safe_load(profile.read_text())
    data["workspace"] = workspace_key
    moved = workspace / folder / "HelloWorldPlugin.yml"
    moved.parent.mkdir(parents=True, exist_ok=True)
    profile.unlink()
    moved.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    result = emit(moved, cwd=tmp_path)  # run from outside the workspace
    assert result.returncode == 0, result.stderr
    data = load_workflow(workspace / WORKFLOW)
    assert data["env"]["PROFILE"] == expected
    assert (workspace / data["env"]["PROFILE"]).samefile(moved)
    # The replay line works from the repository root, as the runner runs it.
    steps = steps_by_name(data)
    argv = [
        data["env"]["PROFILE"] if w == "$PROFILE" else w
        for w in command(steps["Build HelloWorldPlugin"])
    ]
    dry = wizard(*argv[1:], "--dry-run", cwd=workspace)
    assert dry.returncode == 0, dry.stderr
    assert "plan for HelloWorldPlugin" in dry.stdout


def test_a_profile_reached_through_a_linked_folder(tmp_path):
    """macOS's /tmp is a link to /private/tmp: the workspace resolves, the path must too."""
    workspace = tmp_path / "repo"
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    (tmp_path / "link").symlink_to(workspace)
    through_link = tmp_path / "link" / "profiles" / profile.name
    result = emit(Path("link/profiles") / profile.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = load_workflow(workspace / WORKFLOW)
    assert data["env"]["PROFILE"] == "profiles/HelloWorldPlugin.yml"
    assert (workspace / data["env"]["PROFILE"]).samefile(through_link)


def test_a_profile_outside_its_workspace_is_bad_input(tmp_path):
    workspace = tmp_path / "repo"
    workspace.mkdir()
    profile = write_profile(tmp_path / "elsewhere", "https://github.com/pharo-project/pharo-vm.git")
    data = yaml.safe_load(profile.read_text())
    data["workspace"] = str(workspace)
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = emit(profile, cwd=tmp_path)
    assert result.returncode == 2
    assert "outside its workspace" in result.stderr
    assert not (workspace / ".github").exists()


# --------------------------------------------------------------------------- ownership


def test_a_second_emit_without_change_leaves_the_file_alone(workspace):
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    first = emit(profile, cwd=workspace)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"wrote {WORKFLOW}")
    # It says where the workflow installs the wizard from, and how to change that.
    assert f"installs pharo-plugin-wizard=={__version__} from PyPI" in first.stdout
    assert "PHARO_PLUGIN_WIZARD" in first.stdout
    path = workspace / WORKFLOW
    before = path.read_bytes()
    old = os.stat(path).st_mtime_ns - 10_000_000_000  # ten seconds back: any write shows
    os.utime(path, ns=(old, old))
    second = emit(profile, cwd=workspace)
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stdout
    assert path.read_bytes() == before
    assert os.stat(path).st_mtime_ns == old
    assert ownership(before.decode()) == "wizard"
    assert before.decode().startswith(
        "# Written by pharo-plugin-wizard 0.1.0 from profile profiles/HelloWorldPlugin.yml.\n"
    )


def test_a_changed_profile_rewrites_the_wizards_own_file(workspace):
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git",
                            cmake_options={"ICEBERG_DEFAULT_REMOTE": "httpsUrl"})  # fmt: skip
    assert emit(profile, cwd=workspace).returncode == 0
    path = workspace / WORKFLOW
    data = yaml.safe_load(profile.read_text())
    data["build"]["cmake_options"]["GENERATE_PHARO_VM"] = "/opt/pharo/pharo"
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    again = emit(profile, cwd=workspace)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"rewrote {WORKFLOW}")
    assert "--trust" in command(steps_by_name(load_workflow(path))["Build HelloWorldPlugin"])
    assert ownership(path.read_text()) == "wizard"
    assert not [p.name for p in path.parent.iterdir() if p.name != path.name]  # no temp left


def test_a_file_changed_by_hand_is_refused_and_kept(workspace):
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    assert emit(profile, cwd=workspace).returncode == 0
    path = workspace / WORKFLOW
    edited = path.read_text().replace("timeout-minutes: 120", "timeout-minutes: 30")
    path.write_text(edited, encoding="utf-8")
    data = yaml.safe_load(profile.read_text())
    data["build"]["jobs"] = 4  # a profile change: the wizard would write something else
    data["build"]["cmake_options"] = {"GENERATE_PHARO_VM": "/opt/pharo"}
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = emit(profile, cwd=workspace)
    assert result.returncode == 1
    assert WORKFLOW in result.stderr and "changed by hand" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert path.read_text() == edited


@pytest.mark.parametrize(
    "content",
    [
        "name: mine\non: push\njobs: {}\n",
        f"{DIGEST_PREFIX[:-8]}\nname: mine\n",  # close to the marker is not the marker
        "\udcff",  # not UTF-8
    ],
    ids=["a person's workflow", "near-marker", "binary"],
)
def test_a_file_the_wizard_did_not_write_is_never_overwritten(workspace, content):
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    path = workspace / WORKFLOW
    path.parent.mkdir(parents=True)
    raw = content.encode("utf-8", "surrogateescape")
    path.write_bytes(raw)
    result = emit(profile, cwd=workspace)
    assert result.returncode == 1
    assert WORKFLOW in result.stderr and "not written by pharo-plugin-wizard" in result.stderr
    assert path.read_bytes() == raw


def test_a_folder_or_a_link_in_the_way_is_refused(workspace, tmp_path):
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    path = workspace / WORKFLOW
    path.mkdir(parents=True)
    result = emit(profile, cwd=workspace)
    assert result.returncode == 1 and "not a regular file" in result.stderr
    path.rmdir()
    target = tmp_path / "elsewhere.yml"
    target.write_text("kept\n")
    path.symlink_to(target)
    result = emit(profile, cwd=workspace)
    assert result.returncode == 1 and "symbolic link" in result.stderr
    assert path.is_symlink() and target.read_text() == "kept\n"


def test_crlf_line_endings_keep_the_file_the_wizards(workspace):
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    assert emit(profile, cwd=workspace).returncode == 0
    path = workspace / WORKFLOW
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert ownership(path.read_bytes().decode("utf-8")) == "wizard"
    result = emit(profile, cwd=workspace)
    assert result.returncode == 0 and result.stdout.startswith("rewrote")
    assert b"\r\n" not in path.read_bytes()


# --------------------------------------------------------------------------- command line


def test_bad_input_is_exit_2_in_one_line(workspace):
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    fifo = workspace / "fifo.yml"
    os.mkfifo(fifo)
    broken = workspace / "broken.yml"
    broken.write_text("version: 1\nplugin: {name: lowercase}\n")
    cases = [
        ("--emit-ci", "gitlab", str(profile)),
        ("--emit-ci", "github", str(fifo)),
        ("--emit-ci", "github", str(broken)),
        ("--emit-ci", "github", str(workspace / "missing.yml")),
        ("--emit-ci", "github", str(workspace)),
        ("--emit-ci", "github"),
        ("--emit-ci", "github", str(profile), "extra"),
        ("--emit-ci", "github", str(profile), "--force"),
    ]
    for args in cases:
        result = wizard(*args, cwd=workspace, timeout=60)
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert not (workspace / ".github").exists()


def test_every_bad_profile_of_the_corpus_is_bad_input(tmp_path, capsys):
    """The corpus of tests/bad_profiles: exit 2, its one-line message, nothing written.

    In this process (``tests/in_process.py``): test_bad_input_is_exit_2_in_one_line runs
    bad input through real processes."""
    from tests.in_process import cli
    from tests.reliability.test_bad_inputs import CORPUS, EXPECTED

    for name, expected in EXPECTED.items():
        path = tmp_path / "profiles" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes((CORPUS / name).read_bytes())
        result = cli("--emit-ci", "github", str(path), cwd=tmp_path, capsys=capsys)
        assert result.returncode == 2, (name, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and name + expected in lines[0], (name, result.stderr)
        assert path.read_bytes() == (CORPUS / name).read_bytes()
    assert not list(tmp_path.rglob(".github"))


def test_the_note_when_the_workspace_is_not_a_repository_root(workspace):
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    result = emit(profile, cwd=workspace)
    assert "is not the top of a git repository" in result.stdout
    subprocess.run(["git", "init", "-q", str(workspace)], check=True)
    (workspace / WORKFLOW).unlink()
    result = emit(profile, cwd=workspace)
    assert result.returncode == 0 and "not the top of a git repository" not in result.stdout


# --------------------------------------------------------------------------- the runner's way


def matching_files(root: Path, pattern: str) -> list[Path]:
    """The files a hashFiles pattern matches: ``dir/**`` is every file below ``dir``."""
    if pattern.endswith("/**"):
        return sorted(p for p in (root / pattern[:-3]).rglob("*") if p.is_file())
    return sorted(p for p in root.glob(pattern) if p.is_file())


def key_files_digest(root: Path, patterns: list[str]) -> str:
    """A digest of the files the cache key's patterns match (as hashFiles does: sorted)."""
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in matching_files(root, pattern):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def run_step(
    step: dict, profile_env: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """A wizard step of the workflow, as its runner would run it, from the repository root."""
    argv = [profile_env if word == "$PROFILE" else word for word in command(step)]
    assert argv[0] == PROG
    return wizard(*argv[1:], cwd=cwd, env=env)


def runner_env(data: dict, workspace: Path) -> dict[str, str]:
    """The workflow's environment the wizard reads (its image cache's home), on this runner."""
    home = data["env"]["XDG_CACHE_HOME"].replace("${{ github.workspace }}", str(workspace))
    return {"XDG_CACHE_HOME": home}


@pytest.mark.slow
def test_the_workflow_steps_build_on_the_test_repository(fake_origin, tmp_path):
    """Two runners in turn: the second restores what the first saved and still builds.

    The cache key's files are taken after the setup line, as the workflow does; the same
    files after the build differ (the plugin is in smalltalksrc), which is why the save
    reuses the restore's key.
    """
    runs = []
    store: dict[str, Path] = {}
    for run in ("first", "second"):
        root = tmp_path / run / "repo"
        profile = write_profile(root, fake_origin)
        assert emit(profile, cwd=root).returncode == 0
        data = load_workflow(root / WORKFLOW)
        steps = steps_by_name(data)
        env = data["env"]["PROFILE"]
        runner = runner_env(data, root)
        setup = run_step(steps["Clone pharo-vm and create the plugin branch"], env, root, runner)
        assert setup.returncode == 0, setup.stdout[-2000:]

        restore = steps["Restore the VMMaker image"]["with"]
        key_expression = restore["key"].split("hashFiles(", 1)[1].rsplit(")", 1)[0]
        patterns = [part.strip().strip("'") for part in key_expression.split(",")]
        for pattern in patterns:
            assert matching_files(root, pattern), f"{pattern} matches nothing in the checkout"
        key = key_files_digest(root, patterns)
        cache = root / restore["path"]
        if key in store:
            shutil.copytree(store[key], cache)
        build = run_step(steps["Build HelloWorldPlugin"], env, root, runner)
        assert build.returncode == 0, build.stdout[-3000:]
        # The restored image is used as it is: only the first runner bootstraps one.
        assert ("Building the VMMaker image" in build.stdout) == (run == "first")
        assert ("using the VMMaker image kept" in build.stdout) == (run == "second")
        assert key_files_digest(root, patterns) != key

        condition = steps["Save the VMMaker image"]["if"]
        for pattern in (part.split("'")[1] for part in condition.split("hashFiles(")[1:]):
            assert matching_files(root, pattern), f"the save condition's {pattern} matches nothing"
        assert cache.is_dir()
        store.setdefault(key, tmp_path / f"cache-{run}")
        if not store[key].exists():
            shutil.copytree(cache, store[key])

        library = [root / path for path in steps["Upload the library"]["with"]["path"].split()]
        assert any(path.is_file() for path in library)
        logs = [root / path for path in steps["Upload the logs"]["with"]["path"].split()]
        assert all(path.exists() for path in logs)
        # The build wrote state: into the profile; the workflow does not depend on it.
        again = emit(profile, cwd=root)
        assert again.returncode == 0 and "up to date" in again.stdout, again.stderr
        runs.append(key)
    assert runs[0] == runs[1], "the same upstream sources give the same cache key"
    assert (tmp_path / "cache-first").is_dir() and not (tmp_path / "cache-second").exists()


def test_a_profile_path_in_the_workspace_is_posix(workspace):
    from wizard.commands.emit_ci import profile_in_workspace

    profile = load_profile(
        write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    )
    assert profile_in_workspace(profile) == PurePosixPath("profiles/HelloWorldPlugin.yml")


# --------------------------------------------------------------------------- any file name

#: Profile file names a colleague's repository may carry, each written into a valid workflow.
WRITABLE_NAMES = [
    "with space.yml",
    "quote'single.yml",
    'quote"double.yml',
    "colon: value.yml",
    "hash #comment.yml",
    "amp&semi;pipe|dollar$.yml",
    "ünïcödé-插件-🙂.yml",
    "{braces} and %percent.yml",
    "yes.yml",
    "-dash.yml",
]
#: Names no quoting makes safe everywhere the workflow carries the path: refused, exit 2.
REFUSED_NAMES = [
    "new\nline.yml",
    "carriage\rreturn.yml",
    "tab\there.yml",
    "bidi\u202eeman.yml",
    "zero\u200bwidth.yml",
    "line\u2028separator.yml",
    "next\x85line.yml",
    "star*.yml",
    "expression${{ secrets.TOKEN }}.yml",
]


def named_profile(workspace: Path, name: str) -> Path:
    profile = write_profile(workspace, "https://github.com/pharo-project/pharo-vm.git")
    renamed = profile.with_name(name)
    profile.rename(renamed)
    return renamed


@pytest.mark.parametrize("name", WRITABLE_NAMES)
def test_any_file_name_makes_a_valid_workflow(workspace, name):
    profile = named_profile(workspace, name)
    result = emit(profile, cwd=workspace)
    assert result.returncode == 0, result.stderr
    path = workspace / WORKFLOW
    data = load_workflow(path)
    assert data["env"]["PROFILE"] == f"profiles/{name}"  # the exact path, as the shell gets it
    logs = steps_by_name(data)["Upload the logs"]["with"]["path"].splitlines()
    assert f"profiles/{name}" in logs
    header = path.read_text(encoding="utf-8").splitlines()[2]
    assert shlex.split(header.lstrip("#"))[-1] == f"profiles/{name}"  # a command to copy
    checked = check_schema(path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("name", REFUSED_NAMES)
def test_a_name_the_workflow_cannot_carry_is_refused(workspace, name):
    profile = named_profile(workspace, name)
    result = emit(profile, cwd=workspace)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "the workflow could not name it safely" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (workspace / ".github").exists()


def test_trust_is_written_only_when_an_option_is_not_plain_data(workspace):
    plain = write_profile(
        workspace,
        "https://github.com/pharo-project/pharo-vm.git",
        cmake_options={
            "BUILD_BUNDLE": "OFF",
            "CMAKE_BUILD_TYPE": "Debug",
            "CMAKE_C_FLAGS": "-O0 -g -DTRACE=1",
            "ICEBERG_DEFAULT_REMOTE": "httpsUrl",
        },
    )
    text = render_workflow(facts_of(plain))
    build = command(steps_by_name(load_workflow_text(text))["Build HelloWorldPlugin"])
    assert "--trust" not in build
    comments = [line.strip() for line in text.splitlines() if line.lstrip().startswith("#")]
    # no checkout in the workspace: the switch is checked by the run, once cloned
    assert "# No --trust: BUILD_BUNDLE must be switches that pharo-vm" in comments

    hostile = write_profile(
        workspace,
        "https://github.com/pharo-project/pharo-vm.git",
        "Hostile",
        cmake_options={"CMAKE_C_CLANG_TIDY": "clang-tidy", "CMAKE_C_FLAGS": "-O2 `id`"},
    )
    text = render_workflow(facts_of(hostile))
    data = load_workflow_text(text)
    assert "--trust" in command(steps_by_name(data)["Build Hostile"])
    comments = [line.strip() for line in text.splitlines() if line.lstrip().startswith("#")]
    assert any(line.startswith("# --trust:") and "CMAKE_C_CLANG_TIDY" in line for line in comments)
    assert "#   CMAKE_C_CLANG_TIDY (a checker program run on every source)" in comments
    assert any(line.startswith("#   CMAKE_C_FLAGS ('`' is a shell") for line in comments)
    path = workspace / "hostile.yml"
    path.write_text(text, encoding="utf-8")
    assert check_schema(path).returncode == 0
