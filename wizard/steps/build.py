"""Build phase: cmake, the two make installs, plugins.cmake and the library check."""

from __future__ import annotations

from wizard.steps.develop import _NotYet


class _Build(_NotYet):
    phase = "build"


class Configure(_Build):
    id = "configure"
    title = "configure the build (cmake)"


class Generate(_Build):
    id = "generate"
    title = "generate the C sources (first make install)"


class PluginsCmake(_Build):
    id = "plugins-cmake"
    title = "declare the plugin in plugins.cmake"


class Reconfigure(_Build):
    id = "reconfigure"
    title = "configure again with the plugin (cmake)"


class Compile(_Build):
    id = "compile"
    title = "build the plugin library (second make install)"


class Verify(_Build):
    id = "verify"
    title = "find and check the plugin library"
    always_runs = True
