"""Error lines mapped back to the Slang method (ctrl+b on Develop, the --watch summary)."""

from __future__ import annotations

import subprocess

from wizard.error_map import MappedError, map_errors

GENERATED = """/* HelloWorldPlugin.c, as the VMMaker stand-in writes it */
typedef long sqInt;

/* HelloWorldPlugin >> primitiveGetHelloString */
sqInt primitiveGetHelloString(void)
{
\treturn 0;
}

/* HelloWorldPlugin>>#primitiveBroken */
sqInt primitiveBroken(void)
{
\treturn undeclared_thing;
}
"""


def test_a_c_compiler_error_is_mapped_to_the_method_above_it(tmp_path):
    source = tmp_path / "HelloWorldPlugin.c"
    source.write_text(GENERATED)
    compiled = subprocess.run(
        ["cc", "-c", str(source), "-o", str(tmp_path / "x.o")], capture_output=True, text=True
    )
    assert compiled.returncode != 0
    errors = [line for line in compiled.stderr.splitlines() if ": error: " in line]
    assert errors
    mapped = map_errors(errors, "HelloWorldPlugin")
    assert mapped[0].method == "primitiveBroken"
    assert map_errors(errors, "OtherPlugin")[0].method is None


def test_vmmaker_stack_lines_name_the_method_of_the_error_line():
    lines = [
        "regenerate-plugin: generating HelloWorldPlugin (64 bits) failed: TranslationError: x",
        "    TMethod>>#primitiveAdd:to: of HelloWorldPlugin>>#primitiveAdd:to:",
        "    VMMaker>>generateExternalPlugin: #HelloWorldPlugin",
    ]
    assert map_errors(lines, "HelloWorldPlugin") == [
        MappedError(lines[0], "primitiveAdd:to:"),
        MappedError(lines[1], "primitiveAdd:to:"),
        MappedError(lines[2], None),
    ]
