"""What the TUI tests share: a workspace named MyPlugins, an app on it, waiting for the disk.

No tests here. Apps are built with a fixed clock, no process monitor and a short autosave
delay, so that screens and snapshots do not depend on the time or on other processes; the
workspace is always ``<tmp>/MyPlugins`` and the screens show paths relative to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import yaml

from screens.app import WizardApp, make_app
from wizard.profile.load import load_profile
from wizard.profile.template import template_text


def make_workspace(root: Path, name: str = "HelloWorldPlugin", **changes: object) -> Path:
    """``root/MyPlugins/profiles/<name>.yml`` from the template; answers the profile's path."""
    workspace = root / "MyPlugins"
    (workspace / "profiles").mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load(template_text(name))
    # The template's example needs translated Slang: the VMMaker stand-in's C cannot greet.
    data["plugin"].pop("examples", None)
    data["workspace"] = ".."
    for key, value in changes.items():
        data[key] = value
    path = workspace / "profiles" / f"{name}.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def point_at(profile: Path, origin: Path, base_branch: str = "pharo-12") -> Path:
    """Point a profile at a local pharo-vm-shaped repository, with no cmake options."""
    data = yaml.safe_load(profile.read_text())
    data["repository"] = {"url": str(origin), "base_branch": base_branch}
    data["build"] = {"mode": "two-pass", "cmake_options": {}, "jobs": 2}
    profile.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return profile


def app_on(profile: Path | None, **options: object) -> WizardApp:
    """The app on a profile, deterministic: clock at zero, no monitor, quick autosave."""
    settings: dict[str, object] = {"clock": lambda: 0.0, "monitor": False, "save_delay": 0.2}
    settings.update(options)
    loaded = load_profile(profile) if profile is not None else None
    return make_app(loaded, **settings)


async def wait_for(pilot, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run until ``predicate()`` holds (the disk read, a run finished…)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        await pilot.pause(0.02)


def mounted_through(screen) -> bool:
    """True once ``screen`` and every widget in it are mounted (a phase just switched to
    mounts its parts a moment later)."""
    return screen.is_mounted and all(widget.is_mounted for widget in screen.walk_children())


async def settled(pilot) -> None:
    """Wait until the survey and the checkout facts have arrived, and the screen is drawn."""
    app = pilot.app
    await wait_for(pilot, lambda: app.session is not None)
    await wait_for(pilot, lambda: app.survey is not None and app.checkout_survey is not None)
    await wait_for(pilot, lambda: mounted_through(app.screen))
    await pilot.pause()


async def at_rest(pilot) -> None:
    """After a run: the disk read again and the phase the run moved to mounted through.

    A test that ends sooner leaves while that phase mounts, and Textual, closing, no
    longer waits for the screen's parts before its ``on_mount``."""
    app = pilot.app
    await wait_for(pilot, lambda: app.surveyed_since_run and mounted_through(app.screen))


def profile_data(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


#: A primitive that answers its argument, and its example. The VM stand-in calls the real
#: library's primitive, but the VMMaker stand-in's C does not compute the template's
#: greeting: an echo is what ``try`` can pass on the test repository.
ECHO_METHOD = (
    "primitiveEcho: aString\n\tself primitive: 'primitiveEcho' parameters: #(String).\n"
    "\t^ aString\n"
)
ECHO_EXAMPLE = {"primitive": "primitiveEcho", "arguments": ["'Hi'"], "answers": "'Hi'"}


def add_echo_primitive(path: Path) -> Path:
    """Give the profile at ``path`` the echo primitive and its example (``try`` calls it)."""
    data = profile_data(path)
    data["plugin"]["methods"].append({"source": ECHO_METHOD})
    data["plugin"]["examples"] = [dict(ECHO_EXAMPLE)]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
