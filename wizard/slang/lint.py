"""The Slang checks as the user meets them: ``--lint PROFILE`` and the plugin-source step.

With a checkout, the ``interpreterProxy`` sends are checked against the checkout's own
InterpreterProxy and the superclass against its plugin classes. Without one, the sends are
checked against the selectors the wizard ships for the profile's base branch (or the
default branch; :mod:`wizard.slang.shipped_proxy`) and the report says which list it used; only
the superclass waits for the clone.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.checkout.facts import CLASS_DIR, CheckoutFacts
from wizard.checkout.smalltalksrc import SMALLTALKSRC
from wizard.profile.load import load_profile
from wizard.profile.model import Profile

if TYPE_CHECKING:
    from wizard.slang.syntax import Diagnostic


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
    from wizard.slang import syntax as slang

    facts = CheckoutFacts(profile.checkout_dir)
    proxy = facts.proxy_api()
    classes = facts.plugin_classes() if proxy is not None else None
    if proxy is None:
        from wizard.slang.shipped_proxy import shipped_proxy

        shipped = shipped_proxy(profile.repository.base_branch)
        proxy = shipped.selectors
        scope = (
            f"no checkout at {profile.checkout_dir} yet: interpreterProxy sends checked "
            f"against {shipped.describe()}; the superclass is checked once it is cloned"
        )
    else:
        scope = f"checked against {profile.checkout_dir}"
    diagnostics = slang.lint(profile.plugin, proxy, classes)
    if classes is not None:  # a checkout: its packages and its own classes are known
        diagnostics[:0] = _package_problems(profile)
        diagnostics += _name_clash(profile)
    return LintReport(diagnostics, scope)


def _package_problems(profile: Profile) -> list[Diagnostic]:
    """The category's package must be a package folder of the checkout: the build loads
    those (``VMMaker``, ``FileAttributesPlugin``…), and a class anywhere else is never seen."""
    from wizard.slang.syntax import Diagnostic

    package = profile.plugin.package
    if (profile.checkout_dir / SMALLTALKSRC / package).is_dir():
        return []
    message = (
        f"category {profile.plugin.category}: the checkout has no package {package} "
        f"({SMALLTALKSRC}/{package}/), so the build would never load the class; "
        "use VMMaker-<Tag> or another package of the checkout"
    )
    return [Diagnostic("error", "", 0, 0, message)]


def _name_clash(profile: Profile) -> list[Diagnostic]:
    """An error when the plugin's name is already a class of the checkout's base branch."""
    from wizard.checkout.git import default_branch
    from wizard.checkout.name_clash import checkout_clash
    from wizard.formats.tonel import detect_style_in, render_class
    from wizard.slang.syntax import Diagnostic

    checkout = profile.checkout_dir
    base = profile.repository.base_branch or default_branch(checkout)
    style = detect_style_in(checkout / CLASS_DIR)
    plugin_branch = profile.repository.plugin_branch or profile.plugin.name
    clash = checkout_clash(
        checkout, base, plugin_branch, profile.plugin.name, render_class(profile.plugin, style)
    )
    return [Diagnostic("error", "", 0, 0, clash.sentence())] if clash else []


def lint_command(path: Path, overrides: list[str]) -> int:
    """``--lint PROFILE``: print the diagnostics; exit 1 on errors, 0 otherwise."""
    profile = load_profile(path, overrides)
    report = lint_profile(profile)
    for line in report.lines():
        print(line)
    sys.stdout.flush()
    return 1 if report.errors else 0
