"""The command line: every form of docs/command-line.md, exit codes 0, 1, 2 and 130.

This module is the start-up path of every run, so it imports only what the chosen form
needs: ``--version`` and ``--list-steps`` load no YAML, git or Textual, and the headless
forms never import Textual at all.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from pathlib import Path
from typing import NoReturn

from wizard import __version__
from wizard.errors import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Interrupted,
    LockedError,
    OutputClosed,
    OutputFailed,
    ProfileError,
    StepFailed,
    UsageError,
    WizardError,
    environment_problem,
)

PROG = "pharo-plugin-wizard"


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr and exit 2, no usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {PROG} --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="From nothing to a built external Pharo VM plugin, one step at a time.",
    )
    parser.add_argument("profile", nargs="?", help="open the TUI on this profile")
    forms = parser.add_mutually_exclusive_group()
    forms.add_argument("--replay", metavar="PROFILE", help="headless: run every step not yet done")
    forms.add_argument("--new", metavar="NAME", help="write PROFILES/NAME.yml from the template")
    forms.add_argument(
        "--import", dest="import_name", metavar="NAME",
        help="write PROFILES/NAME.yml from the plugin class NAME of a checkout (--from-checkout)",
    )  # fmt: skip
    forms.add_argument("--lint", metavar="PROFILE", help="check the Slang methods only")
    forms.add_argument(
        "--emit-ci", nargs=2, metavar=("PROVIDER", "PROFILE"),
        help="write a CI workflow that replays the profile (PROVIDER: github)",
    )  # fmt: skip
    forms.add_argument(
        "--doctor", nargs="?", const="", metavar="PROFILE",
        help="check this machine for what the build needs (and the profile's paths)",
    )  # fmt: skip
    forms.add_argument("--list-steps", action="store_true", help="the step ids, in plan order")
    forms.add_argument("--version", action="store_true", help="print the version")
    parser.add_argument("--from", dest="start", metavar="STEP", help="first step of the slice")
    parser.add_argument("--until", dest="stop", metavar="STEP", help="last step of the slice")
    parser.add_argument("--dry-run", action="store_true", help="print the plan; change nothing")
    parser.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="override a profile value for this run, e.g. build.jobs=4",
    )  # fmt: skip
    parser.add_argument("--force", action="store_true", help="overwrite files changed by hand")
    parser.add_argument(
        "--watch", action="store_true", help="after the run, run the loop again at each save"
    )
    parser.add_argument(
        "--trust",
        action="store_true",
        help="allow cmake options that are not plain data, and a build cache the wizard did "
        "not write (docs/security.md)",
    )
    parser.add_argument(
        "--bench", action="store_true", help="also time each example in try (calls per second)"
    )
    parser.add_argument("--profiles", metavar="DIR", default="profiles", help="folder for --new")
    parser.add_argument(
        "--from-checkout", metavar="DIR", help="the pharo-vm checkout --import reads from"
    )
    parser.add_argument(
        "--template", metavar="T", help="the template for --new: hello (default) or library"
    )
    return parser


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point of the console script.

    SIGINT, SIGTERM and SIGHUP are handled before anything else, so every form exits 130
    on them (see :mod:`wizard.engine.signals`); the output is flushed here, while a signal still
    counts, not in Python's exit where a stalled reader would turn it into a traceback.
    """
    from wizard.engine import signals

    signals.install_headless()
    if sys.stdout is None:  # started with ``>&-``: whatever it opens next would take fd 1
        with contextlib.suppress(OSError, ValueError, AttributeError):
            print(
                f"{PROG}: the standard output is closed; give it one (e.g. > run.log)",
                file=sys.stderr,
            )
        sys.exit(EXIT_BAD_INPUT)
    try:
        try:
            status = dispatch(sys.argv[1:] if argv is None else argv)
        except SystemExit as leaving:  # --help
            status = leaving.code if isinstance(leaving.code, int) else EXIT_OK
        _flush(sys.stdout)
    except OutputFailed as error:
        status = _output_failed(str(error))
    except (KeyboardInterrupt, Interrupted):
        status = _interrupted()
    except (OutputClosed, BrokenPipeError):
        status = _output_closed()
    except OSError as error:  # the final flush: ``>/dev/full``
        status = _output_failed(f"cannot write the output: {error.strerror or error}")
    signals.settle()
    if signals.received() and status != EXIT_INTERRUPTED:
        status = _interrupted()  # a stop that some code caught on its way still counts
    sys.exit(status)


def _flush(stream: object) -> None:
    if stream is not None:
        stream.flush()  # type: ignore[attr-defined]


def _interrupted() -> int:
    """Say so on stderr; what is still buffered for stdout goes nowhere (its reader may stall)."""
    from wizard.engine.sink import silence

    if sys.stdout is not None:
        silence(sys.stdout)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"{PROG}: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def _output_failed(message: str) -> int:
    from wizard.engine.sink import silence

    silence(sys.stdout)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"{PROG}: {message}", file=sys.stderr)
    return EXIT_FAILED


def _output_closed() -> int:
    from wizard.engine.sink import silence

    silence(sys.stdout)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"{PROG}: interrupted: the output was closed", file=sys.stderr)
    return EXIT_INTERRUPTED


def dispatch(argv: list[str]) -> int:
    """Parse ``argv``, do what it asks, answer the exit status."""
    try:
        args = _parser().parse_args(argv)
        _check_combinations(args)
        if args.version:
            print(f"{PROG} {__version__}")
            return EXIT_OK
        if args.list_steps:
            return _list_steps()
        if args.new:
            return _new(args.new, Path(args.profiles), args.template or "hello")
        if args.import_name:
            return _import(args.import_name, Path(args.from_checkout), Path(args.profiles))
        if args.lint:
            from wizard.slang.lint import lint_command

            return lint_command(Path(args.lint), args.overrides)
        if args.doctor is not None:
            from wizard.commands.doctor import doctor_command

            return doctor_command(Path(args.doctor) if args.doctor else None)
        if args.replay:
            return _replay(args)
        if args.emit_ci:
            return _emit_ci(*args.emit_ci)
        return _tui(args.profile)
    except (ProfileError, UsageError, LockedError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OutputFailed as error:
        return _output_failed(str(error))
    except (OutputClosed, BrokenPipeError):
        return _output_closed()
    except (KeyboardInterrupt, Interrupted):
        return _interrupted()
    except StepFailed as error:  # outside a step: one line, and what to do
        hint = f" ({error.advice})" if error.advice else ""
        print(f"{PROG}: {error.message}{hint}", file=sys.stderr)
        return EXIT_FAILED
    except WizardError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as error:  # the machine, not a bug: a folder that is a file, no permission
        if error.filename is None and error.errno in (errno.ENOSPC, errno.EIO):
            return _output_failed(f"cannot write the output: {error.strerror}")
        return run_failed_on(error)
    except Exception as error:  # a bug in the wizard: say so in one line, trace on request
        if os.environ.get("PHARO_PLUGIN_WIZARD_DEBUG"):
            raise
        print(
            f"{PROG}: internal error: {type(error).__name__}: {error} (please report it; "
            "set PHARO_PLUGIN_WIZARD_DEBUG=1 to see the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAILED


def run_failed_on(error: OSError) -> int:
    """An environment problem outside any step: one line saying what and where, exit 1."""
    problem = environment_problem(error)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"{PROG}: {problem.message} ({problem.hint})", file=sys.stderr)
    return EXIT_FAILED


def _check_combinations(args: argparse.Namespace) -> None:
    replay_only = {
        "--from": args.start,
        "--until": args.stop,
        "--dry-run": args.dry_run,
        "--force": args.force,
        "--trust": args.trust,
        "--bench": args.bench,
        "--watch": args.watch,
    }
    for flag, value in replay_only.items():
        if value and not args.replay:
            raise UsageError(f"{flag} goes with --replay PROFILE")
    if args.watch and args.dry_run:
        raise UsageError("--watch runs the plan at each save; it does not go with --dry-run")
    if args.overrides and not (args.replay or args.lint):
        raise UsageError("--set goes with --replay PROFILE or --lint PROFILE")
    if args.profiles != "profiles" and not (args.new or args.import_name):
        raise UsageError("--profiles goes with --new NAME or --import NAME")
    if args.import_name and not args.from_checkout:
        raise UsageError("--import NAME needs --from-checkout DIR (a pharo-vm checkout)")
    if args.from_checkout and not args.import_name:
        raise UsageError("--from-checkout goes with --import NAME")
    if args.template is not None and not args.new:
        raise UsageError("--template goes with --new NAME")
    if args.profile and (
        args.replay
        or args.new
        or args.import_name
        or args.lint
        or args.emit_ci
        or args.list_steps
        or args.version
        or args.doctor is not None
    ):
        raise UsageError(f"unexpected argument {args.profile!r}")


def _list_steps() -> int:
    from wizard.engine.plan import every_step

    width = max(len(spec.id) for spec in every_step())
    for spec in every_step():
        print(f"{spec.id:<{width}}  {spec.title}")
    return EXIT_OK


def _new(name: str, folder: Path, template: str) -> int:
    from wizard.profile.template import write_new_profile

    path = write_new_profile(name, folder, template)
    print(f"wrote {path}")
    print(f"next: edit it, then run  {PROG} {path}  (or {PROG} --replay {path})")
    return EXIT_OK


def _import(name: str, checkout: Path, folder: Path) -> int:
    from wizard.commands.importer import import_plugin

    path = import_plugin(name, checkout, folder)
    print(f"wrote {path} from {checkout}")
    print(f"next: run  {PROG} --replay {path}  (its plugin-source step finds the class as is)")
    return EXIT_OK


def _replay(args: argparse.Namespace) -> int:
    from wizard.commands.replay import replay

    status = replay(
        Path(args.replay),
        overrides=args.overrides,
        start=args.start,
        stop=args.stop,
        dry_run=args.dry_run,
        force=args.force,
        trust=args.trust,
        bench=args.bench,
    )
    if not args.watch:
        return status
    from wizard.commands.watch import watch
    from wizard.engine.sink import ConsoleSink

    watch(
        Path(args.replay),
        ConsoleSink(),
        overrides=args.overrides,
        force=args.force,
        trust=args.trust,
    )
    return status  # not reached: watching ends with Ctrl-C (exit 130)


def _emit_ci(provider: str, profile: str) -> int:
    from wizard.commands.emit_ci import emit_ci_command

    return emit_ci_command(provider, Path(profile))


def _tui(profile: str | None) -> int:
    if profile:
        from wizard.profile.load import load_profile

        load_profile(Path(profile))  # a bad profile is reported the same way as for --replay
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the TUI needs a terminal; for scripts and CI use "
            f"{PROG} --replay PROFILE (see {PROG} --help)"
        )
    from screens.app import run_app

    return run_app(Path(profile) if profile else None)
