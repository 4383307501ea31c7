"""The Slang checks as the user meets them: ``--lint PROFILE`` and the plugin-source step.

Without a checkout only the syntax can be checked, and the report says so; with one, the
``interpreterProxy`` sends are checked against the checkout's own InterpreterProxy and the
superclass against its plugin classes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.checkout import CheckoutFacts
from wizard.profile import Profile, load_profile

if TYPE_CHECKING:
    from wizard.slang import Diagnostic


@dataclass
class LintReport:
    """The diagnostics of one plugin and what they were checked against."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    scope: str = ""

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity != "error"]

    def lines(self) -> list[str]:
        summary = f"{len(self.errors)} error(s), {len(self.warnings)} warning(s); {self.scope}"
        return [*(str(d) for d in self.diagnostics), summary]


def lint_profile(profile: Profile) -> LintReport:
    """Run every check the profile's checkout allows."""
    from wizard import slang

    facts = CheckoutFacts(profile.checkout_dir)
    proxy = facts.proxy_api()
    classes = facts.plugin_classes() if proxy is not None else None
    if proxy is None:
        scope = (
            f"syntax only: no checkout at {profile.checkout_dir} yet, so interpreterProxy "
            "sends and the superclass were not checked"
        )
    else:
        scope = f"checked against {profile.checkout_dir}"
    diagnostics = slang.lint(profile.plugin, proxy, classes)
    return LintReport(diagnostics, scope)


def lint_command(path: Path, overrides: list[str]) -> int:
    """``--lint PROFILE``: print the diagnostics; exit 1 on errors, 0 otherwise."""
    profile = load_profile(path, overrides)
    report = lint_profile(profile)
    for line in report.lines():
        print(line)
    sys.stdout.flush()
    return 1 if report.errors else 0
