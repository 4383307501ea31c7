"""Bad input, every way a user can give it: one line, exit 2, the file untouched.

The corpus is ``tests/bad_profiles/``; ``expected.txt`` says what each rejection must say.
Each file goes through the loader, then through the command line in ``--replay``,
``--replay --dry-run``, ``--lint`` and the TUI start: every file in the test's own process
(``tests/in_process.py``), and a few of them (the undecodable ones among them) in real
``python -m wizard`` processes too, for the exit status and the output as a process has them.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import wizard
from tests.in_process import cli
from wizard.errors import ProfileError
from wizard.profile.load import load_profile
from wizard.profile.template import template_text

CORPUS = Path(__file__).resolve().parent.parent / "bad_profiles"

#: How many wizard processes run at once: one per core, at least two (each is mostly
#: Python starting up, and a core is free while another process waits on the disk).
PARALLEL_RUNS = max(2, os.cpu_count() or 1)
#: The files each form also runs in a real process: bytes that are not UTF-8, and the
#: alias bomb (3 files x 4 forms: 12 processes).
IN_REAL_PROCESSES = ("binary.yml", "latin1.yml", "alias-bomb.yml")


def expectations() -> dict[str, str]:
    found = {}
    for line in (CORPUS / "expected.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, expected = line.partition(": ")
            found[name] = json.loads(expected)
    return found


EXPECTED = expectations()


def test_the_corpus_is_complete():
    files = sorted(p.name for p in CORPUS.glob("*.yml"))
    assert len(files) >= 30
    assert files == sorted(EXPECTED), "every bad profile has an expectation, and vice versa"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loader_rejects_with_the_expected_line(name):
    path = CORPUS / name
    before = path.read_bytes()
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert "\n" not in message
    assert name + EXPECTED[name] in message
    assert path.read_bytes() == before


@pytest.mark.parametrize("form", [["--replay"], ["--replay", "--dry-run"], ["--lint"], []])
def test_every_form_rejects_every_bad_profile(tmp_path, form, capsys):
    """Each file and form: the message, the status and the bytes.

    Every file runs through the command line in this process, and the files of
    :data:`IN_REAL_PROCESSES` also in wizard processes, a few at a time (each file is its
    own copy, each run its own process); every result is checked afterwards the same way.
    """
    digests = {}
    for name in EXPECTED:
        path = tmp_path / name
        path.write_bytes((CORPUS / name).read_bytes())
        digests[name] = hashlib.sha256(path.read_bytes()).hexdigest()

    def arguments(name: str) -> list[str]:
        path = tmp_path / name
        return [form[0], str(path), *form[1:]] if form else [str(path)]

    def run(name: str) -> subprocess.CompletedProcess:
        return wizard(*arguments(name), cwd=tmp_path, timeout=60)

    results = [(name, cli(*arguments(name), cwd=tmp_path, capsys=capsys)) for name in EXPECTED]
    with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
        results += zip(IN_REAL_PROCESSES, pool.map(run, IN_REAL_PROCESSES), strict=True)
    assert len(results) == len(EXPECTED) + len(IN_REAL_PROCESSES)
    for name, result in results:
        path, digest, expected = tmp_path / name, digests[name], EXPECTED[name]
        assert result.returncode == 2, (name, form, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (name, result.stderr)
        assert name + expected in lines[0], (name, lines[0])
        assert "Traceback" not in result.stdout + result.stderr
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, name


def test_alias_bomb_is_rejected_before_it_is_expanded():
    with pytest.raises(ProfileError, match="anchors, aliases and merge keys are not allowed"):
        load_profile(CORPUS / "alias-bomb.yml")  # refused while walking the nodes


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: None, "no such file"),
        (lambda p: p.write_bytes(b"version: 1\n" + b"#" * (5 * 1024 * 1024)), "at most 1 MiB"),
    ],
    ids=["folder", "missing", "five-megabytes"],
)
def test_paths_that_are_not_profiles(tmp_path, make, words, capsys):
    path = tmp_path / "Thing.yml"
    make(path)
    for form in (["--replay", str(path)], ["--lint", str(path)], [str(path)]):
        result = cli(*form, cwd=tmp_path, capsys=capsys)
        assert result.returncode == 2
        assert words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ("build.jobs=-3", "build.jobs"),
        ("build.mode=fast", "build.mode"),
        ("plugin.name=lower", "plugin.name"),
        ("build.cmake_options.A;B=1", "not a cmake variable name"),
        ("repository.path=../../x", "repository.path"),
        ("nokey", "expected KEY=VALUE"),
        ("build.colour=red", "unknown key"),
        ("plugin.methods=[1]", "only single values"),
    ],
)
def test_bad_set_overrides(tmp_path, override, words, capsys):
    path = tmp_path / "profiles" / "GoodPlugin.yml"
    path.parent.mkdir()
    path.write_text(template_text("GoodPlugin"))
    before = path.read_bytes()
    for form in (["--replay", str(path)], ["--lint", str(path)]):
        result = cli(*form, "--set", override, cwd=tmp_path, capsys=capsys)
        assert result.returncode == 2, result.stdout
        assert words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before
