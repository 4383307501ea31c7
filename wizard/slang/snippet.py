"""The Smalltalk a user pastes into an image to call the new plugin's primitives.

It is the article's ``HelloWorld`` class, generated from the profile: one class-side method
per exported primitive, each with ``<primitive: 'name' module: 'Plugin'>`` and a fallback.
"""

from __future__ import annotations

import re

from wizard.profile.model import Method, Plugin


def caller_class(plugin: Plugin) -> str:
    """``HelloWorldPlugin`` → ``HelloWorld``: the image-side class that calls the plugin."""
    name = plugin.name.removesuffix("Plugin")
    return name if name and name != plugin.name else f"{plugin.name}Caller"


def caller_pattern(method: Method) -> str:
    """The image-side pattern: the Slang pattern without its ``primitive`` prefix."""
    from wizard.formats.tonel import split_source

    pattern = split_source(method.source)[0]
    stripped = re.sub(r"^primitive(?=[A-Z])", "", pattern)
    return stripped[:1].lower() + stripped[1:]


def image_snippet(plugin: Plugin) -> str:
    """Playground code: define the caller class, compile one method per primitive, call them."""
    # the tokenizer's reading: the grammar's names (tests/test_exports.py), no tree-sitter
    from wizard.slang.exports import exported_primitives

    caller = caller_class(plugin)
    lines = [
        f'"Calls the primitives of {plugin.name}; the VM must find lib{plugin.name}."',
        f"Object subclass: #{caller}",
        "\tinstanceVariableNames: ''",
        "\tclassVariableNames: ''",
        f"\tpackage: '{caller}'.",
    ]
    calls = []
    for method in plugin.methods:
        if method.is_class_side:
            continue
        for primitive in exported_primitives(Plugin(plugin.name, methods=(method,))):
            pattern = caller_pattern(method)
            body = (
                f"{pattern}\n\t<primitive: ''{primitive}'' module: ''{plugin.name}''>\n"
                "\t^ self primitiveFailed"
            )
            lines.append(f"{caller} class compile: '{body}'.")
            if ":" not in pattern:
                calls.append(f"{caller} {pattern}.")
    return "\n".join(lines + calls) + "\n"
