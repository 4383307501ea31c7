"""Error lines mapped back to the Slang method (ctrl+b on Develop, the --watch summary)."""

from __future__ import annotations

import subprocess

from wizard.slang.error_map import map_errors

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


def test_the_scripts_failure_line_names_the_method():
    lines = [
        "regenerate-plugin: translate failed in HelloWorldPlugin>>primitiveAdd:to:: Error: x",
        "regenerate-plugin: load failed in HelloWorldPlugin class>>moduleName: CodeError: y",
        "regenerate-plugin: load failed in HelloWorldPlugin>>primitiveAnswer: the method was "
        "not installed",
        "regenerate-plugin: load failed: Warning: Package VMMaker depends on Foo",
        "regenerate-plugin: translate failed in OtherPlugin>>primitiveAdd: Error: z",
        "regenerate-plugin: wrote /b/generated/64/plugins/src/HelloWorldPlugin/HelloWorldPlugin.c",
        # Pharo's own stack lines name VMMaker's methods, never the plugin's: not mapped.
        "TMethod>>emitCCodeOn:generator:",
        "MCMethodDefinition>>load",
    ]
    assert [error.method for error in map_errors(lines, "HelloWorldPlugin")] == [
        "primitiveAdd:to:",
        "class>>moduleName",
        "primitiveAnswer",
        None,
        None,
        None,
        None,
        None,
    ]
