"""ctrl+b on the Develop screen (Pilot): the Slang loop without leaving the screen.

A first full build runs headless on the pharo-vm-shaped test repository (its VMMaker
stand-ins are the test doubles); then the TUI changes a method and runs the loop. The
profile has an echo primitive with an example: the VMMaker stand-in's C does not compute,
so an echo (which answers its argument) is what ``try`` can pass in the VM stand-in.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Static

from screens.develop import DevelopScreen
from tests.helpers import wizard
from tests.test_tui_support import (
    add_echo_primitive,
    app_on,
    make_workspace,
    point_at,
    settled,
    wait_for,
)

#: A safety net for a real build under load, never a timing assert.
PATIENCE = 300.0


def set_source(app, selector: str, old: str, new: str) -> None:
    """Change one method's source as the editor does: through the session, then autosave."""
    methods = app.session.profile.plugin.methods
    index = next(i for i, m in enumerate(methods) if m.selector == selector)
    method = methods[index]
    assert old in method.source
    app.session.set_method(index, replace(method, source=method.source.replace(old, new)))
    app.profile_edited()


def report(screen: DevelopScreen) -> str:
    return str(screen.query_one("#loop-report", Static).render())


@pytest.mark.slow
async def test_ctrl_b_runs_the_loop_and_maps_errors_to_the_method(tmp_path, fake_origin):
    profile = add_echo_primitive(point_at(make_workspace(tmp_path), fake_origin))
    first = wizard("--replay", str(profile), cwd=profile.parent)
    assert first.returncode == 0, first.stdout[-2000:]

    app = app_on(profile)
    async with app.run_test(size=(140, 45)) as pilot:
        await settled(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, DevelopScreen))
        screen = app.screen

        set_source(
            app,
            "primitiveGetHelloString",
            "<export: true>",
            "<export: true>\n\tthisContext yourself.",
        )
        await pilot.press("ctrl+b")
        # "running" lives as long as the round (0.3 s here): wait for any word of round 1.
        await wait_for(pilot, lambda: "Build loop 1:" in report(screen))
        await wait_for(pilot, lambda: "Build loop 1: FAILED" in report(screen), PATIENCE)
        text = report(screen)
        assert app.screen is screen, "the loop ran without leaving the screen"
        assert "FAILED generate: VMMaker could not regenerate HelloWorldPlugin" in text
        assert (
            "primitiveGetHelloString: regenerate-plugin: translate failed in "
            "HelloWorldPlugin>>primitiveGetHelloString: Error: thisContext" in text
        )

        set_source(app, "primitiveGetHelloString", "\n\tthisContext yourself.", "")
        set_source(app, "greeting", "Hello from your", "Greetings from your")
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: "Build loop 2: ok" in report(screen), PATIENCE)
        text = report(screen)
        assert "ran: plugin-source, commit, generate, compile, verify, try" in text
        assert "exports: getModuleName, setInterpreter, primitiveGetHelloString" in text
        assert "try: 1/1 as expected" in text
        assert "primitiveEcho" in text.split("try: 1/1 as expected")[1]
