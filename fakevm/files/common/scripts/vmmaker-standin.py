#!/usr/bin/env python3
"""Stand-in for VMMaker's code generator: the real one runs inside a Pharo image downloaded
at build time.

THIS SCRIPT IS A TEST DOUBLE of the pharo-plugin-wizard test repository (built by the
project's fakevm package), and so is build/vmmaker/vm/pharo, the stand-in for the Pharo VM
that runs it.  Git, cmake, make and the C compiler are real.  cmake/vmmaker.cmake runs it
where pharo-vm runs the Pharo VM that hosts VMMaker, with the same command lines:

1. Build the VMMaker image (in pharo-vm, an ExternalProject that downloads a Pharo image and
   runs scripts/installVMMaker.st in it, once)::

       vmmaker-standin.py --headless IMAGE --no-default-preferences --save --quit \\
           SRC/scripts/installVMMaker.st SRC ICEBERG_REMOTE_TYPE

   copies the packages that smalltalksrc/BaselineOfVMMaker lists from SRC/smalltalksrc to
   IMAGE_FOLDER/smalltalksrc (that copy is "the code in the image") and writes IMAGE.  Later
   edits of SRC/smalltalksrc are not seen until the image is built again.

2. Generate (pharo-10 and pharo-12 use ``perform``, pharo-9 ``eval``)::

       vmmaker-standin.py --headless IMAGE --no-default-preferences \\
           perform PharoVMMaker generate:outputDirectory: FLAVOUR OUTDIR
       vmmaker-standin.py --headless IMAGE --no-default-preferences \\
           eval "PharoVMMaker generate: #'FLAVOUR' outputDirectory: 'OUTDIR'"

   reads only the code in the image: the external-plugin list in PharoVMMaker, and the
   plugin classes (InterpreterPlugin subclasses, in either Tonel style).  Like VMMaker it
   silently drops a listed name that has no plugin class.  It writes, for 64 and 32 bits,
   OUTDIR/generated/<bits>/vm/{src,include}/... and, for each remaining plugin,
   OUTDIR/generated/<bits>/plugins/src/<module>/<module>.c.

3. Regenerate one plugin inside the running image, without saving it (docs/slang-loop.md;
   the wizard's regenerate-plugin.st)::

       vmmaker-standin.py --headless IMAGE --no-default-preferences --quit \\
           PATH/regenerate-plugin.st CLASS_FILE OUTDIR PLUGIN

   loads CLASS_FILE over the image's copy of that class (in memory: the image and its
   smalltalksrc/ stay as they are) and writes OUTDIR/generated/<bits>/plugins/src/<module>/
   <module>.c for that plugin alone.  A method that Slang cannot translate (one that uses
   ``thisContext``) fails with the script's one failure line on stderr
   (``regenerate-plugin: translate failed in Class>>selector: ...``), exit 1, no C touched.

4. The image files themselves (pharo-vm: the ExternalProject unzips a Pharo image, then
   ``vm --headless BASE.image --no-default-preferences save VMMaker``)::

       vmmaker-standin.py --unzip-image FOLDER/BASE.image     # BASE.image .changes .sources
       vmmaker-standin.py --headless FOLDER/BASE.image --no-default-preferences save VMMaker

   so the image folder holds a plain Pharo image next to VMMaker.image, as in pharo-vm.

Every command appends one JSON line to IMAGE_FOLDER/../vmmaker-standin-record.jsonl
(B/build/vmmaker/vmmaker-standin-record.jsonl): ``{"command": "unzip-image" | "save" |
"install-vmmaker" | "generate" | "regenerate-plugin", "plugins": [...], "files": [...]}``,
so tests can tell what a build redid (image built? full generation? one plugin?).

In a build, these command lines are run by build/vmmaker/vm/pharo, the stand-in for the
Pharo VM (written by cmake from scripts/vmmaker-vm-standin.in).

The C is not translated Slang.  A plugin file exports getModuleName, setInterpreter and one
function per exported method (``<export: true>``: the selector without colons) or SmartSyntax
primitive (``self primitive: 'name' ...``: that name), each answering 0.  Each function
names the interpreterProxy members its method sends, so a selector that struct VirtualMachine
lacks stops the C compiler, as it would in translated code.

Environment: VMMAKER_STANDIN_NOISE_LINES=N prints N lines of generation chatter first;
VMMAKER_STANDIN_CORE_FUNCTIONS=N adds N functions to the generated interpreter, so the VM
core takes about as long to compile as a real one (bench/loop).
Runs on Python 3.8 and later, standard library only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

PLUGIN_ROOT = "InterpreterPlugin"
SMART_SYNTAX_ROOT = "SmartSyntaxInterpreterPlugin"
WORD_SIZES = (64, 32)
REMOTE_TYPES = ("scpUrl", "httpsUrl")
HEADER_LINE = "Written by scripts/vmmaker-standin.py, the stand-in for VMMaker (not real output)."

# Sends Slang turns into C itself, whatever the receiver: not members of struct VirtualMachine.
KERNEL_SELECTOR = re.compile(
    r"(cCoerce:to:|cCode:|cCode:inSmalltalk:|error:|halt|sizeof:|wordSize|bytesPerOop|"
    r"bytesPerWord|minSmallInteger|maxSmallInteger|"
    r"(byte|short|int|long|long32|long64|oop|uint8|uint16|uint32|uint64|int8|int16|int32|int64)"
    r"At(Pointer)?:(put:)?)"
)


class Failure(Exception):
    """An error the image would report: printed on stderr, exit status 1."""


# --------------------------------------------------------------------------- Tonel


_DEFINITION = re.compile(r"^Class\s*\{(.*?)^\}", re.S | re.M)
_DEF_NAME = re.compile(r"#name\s*:\s*#?'?([A-Za-z_][A-Za-z0-9_]*)")
_DEF_SUPER = re.compile(r"#superclass\s*:\s*#?'?([A-Za-z_][A-Za-z0-9_]*)")
_METHOD_HEADER = re.compile(
    r"^([A-Za-z_][A-Za-z0-9_]*)(\s+class)?\s*>>\s*(\S.*?)\s*\[[ \t]*$", re.M
)
_KEYWORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*:")


class StClass:
    """A class as the image holds it: name, superclass, method bodies by selector."""

    def __init__(self, name: str, superclass: str, path: Path, text: str) -> None:
        self.name = name
        self.superclass = superclass
        self.path = path
        self.text = text
        self.instance_side: dict[str, str] = {}
        self.class_side: dict[str, str] = {}


def _skip_quoted(text: str, index: int, quote: str) -> int:
    """The index after the literal (string or comment) that starts at ``index``."""
    at = index + 1
    while True:
        end = text.find(quote, at)
        if end < 0:
            raise Failure("unterminated " + ("string" if quote == "'" else "comment"))
        if text.startswith(quote, end + 1):
            at = end + 2
            continue
        return end + 1


def _body_end(text: str, index: int) -> int:
    """The index of the ``]`` that closes the method body starting at ``index``."""
    depth = 1
    while index < len(text):
        char = text[index]
        if char in "'\"":
            index = _skip_quoted(text, index, char)
            continue
        if char == "$":
            index += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise Failure("a method body has no closing bracket")


def mask(code: str, strings: bool) -> str:
    """``code`` with comments (and, if ``strings``, string contents) blanked out."""
    out = []
    index = 0
    while index < len(code):
        char = code[index]
        if char == '"' or (strings and char == "'"):
            end = _skip_quoted(code, index, char)
            out.append(char + " " * (end - index - 2) + char)
            index = end
        elif char == "'":
            end = _skip_quoted(code, index, char)
            out.append(code[index:end])
            index = end
        elif char == "$" and index + 1 < len(code):
            out.append("$x")
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def selector_of(pattern: str) -> str:
    keywords = _KEYWORD.findall(pattern)
    return "".join(keywords) if keywords else pattern.split()[0]


def parse_class(path: Path) -> StClass:
    text = path.read_text(encoding="utf-8")
    try:
        definition = _DEFINITION.search(text)
        name = definition and _DEF_NAME.search(definition.group(1))
        superclass = definition and _DEF_SUPER.search(definition.group(1))
        if not (name and superclass):
            raise Failure("no Class { #name ... #superclass ... } definition")
        cls = StClass(name.group(1), superclass.group(1), path, text)
        at = definition.end()
        while True:
            header = _METHOD_HEADER.search(text, at)
            if header is None:
                break
            end = _body_end(text, header.end())
            side = cls.class_side if header.group(2) else cls.instance_side
            side[selector_of(header.group(3))] = text[header.end() : end]
            at = end + 1
    except Failure as problem:
        raise Failure(f"TonelParseError: {path}: {problem}") from None
    return cls


def read_image_code(root: Path) -> dict[str, StClass]:
    classes: dict[str, StClass] = {}
    for path in sorted(root.rglob("*.class.st")):
        cls = parse_class(path)
        classes[cls.name] = cls
    return classes


# --------------------------------------------------------------------------- the classes


def chain(classes: dict[str, StClass], cls: StClass) -> list[StClass]:
    """``cls`` and its superclasses that are in the image, nearest first."""
    found = [cls]
    seen = {cls.name}
    while found[-1].superclass in classes and found[-1].superclass not in seen:
        found.append(classes[found[-1].superclass])
        seen.add(found[-1].name)
    return found


def is_plugin(classes: dict[str, StClass], cls: StClass) -> bool:
    return cls.name != PLUGIN_ROOT and any(
        each.superclass == PLUGIN_ROOT for each in chain(classes, cls)
    )


def class_method(classes: dict[str, StClass], cls: StClass, selector: str) -> str | None:
    for each in chain(classes, cls):
        if selector in each.class_side:
            return mask(each.class_side[selector], strings=False)
    return None


def should_be_translated(classes: dict[str, StClass], cls: StClass) -> bool:
    body = class_method(classes, cls, "shouldBeTranslated")
    if body is None:
        return True
    if re.search(r"\^\s*false\b", body):
        return False
    other = re.search(r"\^\s*self\s*~=\s*([A-Za-z_][A-Za-z0-9_]*)", body)
    return other is None or other.group(1) != cls.name


def module_name(classes: dict[str, StClass], cls: StClass) -> str:
    body = class_method(classes, cls, "moduleName")
    literal = body and re.search(r"\^\s*'([A-Za-z_][A-Za-z0-9_]*)'", body)
    return literal.group(1) if literal else cls.name


def has_header_file(classes: dict[str, StClass], cls: StClass) -> bool:
    body = class_method(classes, cls, "hasHeaderFile")
    return bool(body and re.search(r"\^\s*true\b", body))


def external_list(maker: StClass) -> list[str]:
    found = re.search(
        r"\binternal:\s*#\(([^()]*)\)\s*external:\s*#\(([^()]*)\)", mask(maker.text, True)
    )
    if found is None:
        return []
    names = re.findall(r"#?([A-Za-z_][A-Za-z0-9_]*)", found.group(2))
    return list(dict.fromkeys(names))


def proxy_sends(body: str) -> list[str]:
    """The selectors sent to ``interpreterProxy`` in a method body, in order of appearance."""
    code = mask(body, strings=True)
    found = []
    for send in re.finditer(r"\binterpreterProxy\b", code):
        selector = _selector_after(code, send.end())
        if selector and not KERNEL_SELECTOR.fullmatch(selector):
            found.append(selector)
    return list(dict.fromkeys(found))


def _selector_after(code: str, index: int) -> str | None:
    first = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)(:?)(?!=)").match(code, index)
    if first is None:
        return None
    if not first.group(2):
        return first.group(1)
    keywords = [first.group(1) + ":"]
    index = first.end()
    depth = 0
    word = re.compile(r"[A-Za-z_][A-Za-z0-9_]*:?")
    while index < len(code):
        char = code[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and (char in ";!^" or (char == "." and not _inside_number(code, index))):
            break
        elif char == "#":
            symbol = re.compile(r"#[A-Za-z_:][A-Za-z0-9_:]*").match(code, index)
            if symbol:
                index = symbol.end()
                continue
        elif char.isalpha() or char == "_":
            token = word.match(code, index)
            if depth == 0 and token.group().endswith(":") and not code.startswith("=", token.end()):
                keywords.append(token.group())
            index = token.end()
            continue
        index += 1
    return "".join(keywords)


def _inside_number(code: str, index: int) -> bool:
    return 0 < index < len(code) - 1 and code[index - 1].isdigit() and code[index + 1].isdigit()


# --------------------------------------------------------------------------- C


def plugin_c(classes: dict[str, StClass], cls: StClass, module: str, bits: int, origin: str) -> str:
    lines = [
        f"/* {module}.c: the {bits}-bit external plugin {cls.name}.",
        f" * {HEADER_LINE}",
        f" * From {origin} in the VMMaker image. */",
        "",
        '#include "sqVirtualMachine.h"',
    ]
    if has_header_file(classes, cls):
        lines.append(f'#include "{module}.h"')
    lines += [
        "",
        "#if defined(__GNUC__)",
        "# define STANDIN_UNUSED __attribute__((unused))",
        "#else",
        "# define STANDIN_UNUSED",
        "#endif",
        "",
        f'static const char *moduleName = "{module} VMMaker-standin (e)";',
        "static struct VirtualMachine *interpreterProxy;",
        "",
        "EXPORT(const char *) getModuleName(void)",
        "{",
        "\treturn moduleName;",
        "}",
        "",
        "EXPORT(sqInt) setInterpreter(struct VirtualMachine *anInterpreter)",
        "{",
        "\tinterpreterProxy = anInterpreter;",
        "\treturn interpreterProxy->majorVersion() == VM_PROXY_MAJOR",
        "\t\t&& interpreterProxy->minorVersion() >= VM_PROXY_MINOR;",
        "}",
    ]
    smart = any(each.name == SMART_SYNTAX_ROOT for each in chain(classes, cls))
    done = {"getModuleName", "setInterpreter"}
    for owner in chain(classes, cls):
        for selector in sorted(owner.instance_side):
            body = mask(owner.instance_side[selector], strings=False)
            if re.search(r"<\s*doNotGenerate\s*>", body):
                continue
            directive = smart and re.search(
                r"\bself\s+primitive:\s*'([A-Za-z_][A-Za-z0-9_]*)'", body
            )
            exported = bool(directive or re.search(r"<\s*export:\s*true\s*>", body))
            name = directive.group(1) if directive else selector.replace(":", "")
            if name in done:
                continue
            done.add(name)
            result = "1" if name in ("initialiseModule", "shutdownModule") else "0"
            signature = (
                f"EXPORT(sqInt) {name}(void)"
                if exported
                else f"STANDIN_UNUSED static sqInt {name}(void)"
            )
            lines += ["", f"/* {owner.name} >> {selector} */", signature, "{"]
            sends = proxy_sends(owner.instance_side[selector])
            if sends:
                lines += ["\tif (interpreterProxy == 0) {", f"\t\treturn {result};", "\t}"]
                lines += [f"\t(void) interpreterProxy->{s.replace(':', '')};" for s in sends]
            lines += [f"\treturn {result};", "}"]
        if owner.name == PLUGIN_ROOT:
            break
    return "\n".join(lines) + "\n"


def core_bulk(prefix: str) -> str:
    """VMMAKER_STANDIN_CORE_FUNCTIONS=N more functions in the interpreter, so that compiling
    the VM core takes about as long as a real one (bench/loop); none by default."""
    try:
        count = int(os.environ.get("VMMAKER_STANDIN_CORE_FUNCTIONS", "0") or 0)
    except ValueError:
        count = 0
    lines = []
    for index in range(max(count, 0)):
        lines += [
            f"sqInt {prefix}Bulk{index}(sqInt value);",
            f"sqInt {prefix}Bulk{index}(sqInt value)",
            "{",
            "\tsqInt result = value;",
            "\tfor (int i = 0; i < (int) (value & 15); i++) {",
            f"\t\tresult = result * 31 + {index} + (result >> 3);",
            "\t}",
            "\treturn result;",
            "}",
            "",
        ]
    return "\n".join(lines)


def vm_files(flavour: str, bits: int) -> dict[str, str]:
    """The generated VM: the sources cmake compiles into the VM core, and their headers."""
    stack = flavour == "StackVM"
    interp = "interp" if stack else "cointerp"
    core = "\n".join(
        [
            f"/* {{name}}: the {bits}-bit {flavour} interpreter, as much as the test VM needs.",
            f" * {HEADER_LINE} */",
            "",
            '#include "sqVirtualMachine.h"',
            f'#include "{interp}.h"',
            "",
            "static sqInt proxyMajorVersion(void)",
            "{",
            "\treturn VM_PROXY_MAJOR;",
            "}",
            "",
            "static sqInt proxyMinorVersion(void)",
            "{",
            "\treturn VM_PROXY_MINOR;",
            "}",
            "",
            "struct VirtualMachine *sqGetInterpreterProxy(void)",
            "{",
            "\tstatic struct VirtualMachine proxy;",
            "",
            "\tproxy.majorVersion = proxyMajorVersion;",
            "\tproxy.minorVersion = proxyMinorVersion;",
            "\treturn &proxy;",
            "}",
            "",
            "sqInt interpret(void)",
            "{",
            "\treturn 0;",
            "}",
            "",
        ]
    )
    core += core_bulk(interp)
    header = (
        f"/* {interp}.h: what the {bits}-bit {flavour} interpreter exports.\n"
        f" * {HEADER_LINE} */\n\n"
        "sqInt interpret(void);\n"
    )
    files = {
        f"vm/src/{interp}.c": core.replace("{name}", f"{interp}.c"),
        f"vm/src/gcc3x-{interp}.c": core.replace("{name}", f"gcc3x-{interp}.c"),
        f"vm/include/{interp}.h": header,
    }
    if not stack:
        files["vm/src/cogit.c"] = (
            f"/* cogit.c: the {bits}-bit JIT of the {flavour} VM, as much as the test VM needs.\n"
            f" * {HEADER_LINE} */\n\n"
            '#include "sqVirtualMachine.h"\n'
            '#include "cogit.h"\n\n'
            "sqInt cogitIsPresent(void)\n{\n\treturn 1;\n}\n"
        )
        files["vm/include/cogit.h"] = (
            f"/* cogit.h: what the {bits}-bit JIT exports.\n * {HEADER_LINE} */\n\n"
            "sqInt cogitIsPresent(void);\n"
        )
    return files


# --------------------------------------------------------------------------- commands

RECORD = "vmmaker-standin-record.jsonl"
UNTRANSLATABLE = re.compile(r"\bthisContext\b")


def record(image: Path, command: str, plugins: list[str], files: list[Path]) -> None:
    """Append what this run did to the record next to the image folder (see the docstring)."""
    entry = {
        "command": command,
        "image": image.name,
        "plugins": plugins,
        "files": [str(each) for each in files],
    }
    path = image.parent.parent / RECORD
    with path.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(entry) + "\n")


def unzip_image(image: Path) -> None:
    """What the ExternalProject's download and unzip leave: a plain Pharo image."""
    stem = image.name[: -len(".image")] if image.name.endswith(".image") else image.name
    files = [image.with_name(stem + suffix) for suffix in (".image", ".changes", ".sources")]
    for each in files:
        write(each, f"Stand-in {each.suffix[1:]} file of a plain Pharo image (not real).\n")
    record(image, "unzip-image", [], files)


def save_as(image: Path, name: str) -> None:
    """``save NAME``: the running image saved under another name, next to it."""
    if not image.is_file():
        raise Failure(f"Could not open the image file {image}")
    files = [image.with_name(name + ".image"), image.with_name(name + ".changes")]
    write(files[0], f"Stand-in image {name}, saved from {image.name} (not real).\n")
    write(files[1], f"Stand-in changes of {name} (not real).\n")
    record(image, "save", [], files)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def load(image: Path, source: Path, remote: str, save: bool) -> None:
    """installVMMaker.st: load the baseline's packages of ``source`` into the image."""
    smalltalksrc = source / "smalltalksrc"
    baseline = smalltalksrc / "BaselineOfVMMaker" / "BaselineOfVMMaker.class.st"
    if not baseline.is_file():
        raise Failure(f"MetacelloProjectSpecLoadError: no BaselineOfVMMaker in {smalltalksrc}")
    if remote not in REMOTE_TYPES:
        raise Failure(f"Iceberg remoteTypeSelector: #{remote} is not one of {REMOTE_TYPES}")
    packages = ["BaselineOfVMMaker"] + re.findall(
        r"\bpackage:\s*'([^']+)'", mask(parse_class(baseline).text, strings=False)
    )
    packages = list(dict.fromkeys(packages))
    print(f"Loading baseline of VMMaker from tonel://{smalltalksrc}", flush=True)
    for package in packages:
        folder = smalltalksrc / package
        if not folder.is_dir():
            raise Failure(f"MCRepositoryError: package {package} not found in {smalltalksrc}")
        for path in sorted(folder.glob("*.class.st")):
            parse_class(path)
        print(f"Loaded -> {package}", flush=True)
    if not save:
        return
    code = image.parent / "smalltalksrc"
    if code.exists():
        shutil.rmtree(code)
    for package in packages:
        shutil.copytree(smalltalksrc / package, code / package)
    properties = smalltalksrc / ".properties"
    if properties.is_file():
        shutil.copyfile(properties, code / ".properties")
    write(
        image,
        "Stand-in VMMaker image (pharo-plugin-wizard test repository).\n"
        f"Code loaded from: {smalltalksrc}\n"
        f"Iceberg remote type: {remote}\n"
        f"Packages: {' '.join(packages)}\n",
    )
    print(f"Saved {image}", flush=True)
    record(image, "install-vmmaker", [], [image])


def generate(image: Path, flavour: str, outdir: Path) -> None:
    """PharoVMMaker generate: flavour outputDirectory: outdir, from the image's code."""
    if not image.is_file():
        raise Failure(f"Could not open the image file {image}")
    code = image.parent / "smalltalksrc"
    classes = read_image_code(code)
    maker = classes.get("PharoVMMaker")
    if maker is None:
        raise Failure("UndefinedObject>>#generate:outputDirectory: (PharoVMMaker is not loaded)")
    if "generate" + flavour not in maker.instance_side:
        raise Failure(f"MessageNotUnderstood: PharoVMMaker>>#generate{flavour}")
    listed = external_list(maker)
    plugins = [
        classes[name]
        for name in listed
        if name in classes
        and is_plugin(classes, classes[name])
        and should_be_translated(classes, classes[name])
    ]
    noise(classes, plugins)
    for bits in WORD_SIZES:
        root = outdir / "generated" / str(bits)
        for relative, text in vm_files(flavour, bits).items():
            write(root / relative, text)
        for cls in plugins:
            module = module_name(classes, cls)
            origin = cls.path.relative_to(code.parent).as_posix()
            text = plugin_c(classes, cls, module, bits, origin)
            write(root / "plugins" / "src" / module / f"{module}.c", text)
    names = " ".join(module_name(classes, cls) for cls in plugins) or "none"
    print(f"Generated {flavour} (64 and 32 bits) in {outdir / 'generated'}", flush=True)
    print(f"External plugins: {names}", flush=True)
    record(image, "generate", [cls.name for cls in plugins], [outdir / "generated"])


def regenerate_plugin(image: Path, class_file: Path, outdir: Path, name: str) -> None:
    """regenerate-plugin.st: load ``class_file`` into the running image, generate that plugin.

    The image is not saved: its smalltalksrc/ copy is read, the class file replaces that
    class in memory only.  A failure is the script's one line on stderr
    (``regenerate-plugin: load failed[ in Class>>selector]: description`` or ``translate
    failed``), worded like the image's own errors would be.
    """
    if not image.is_file():
        raise Failure(f"Could not open the image file {image}")
    if not class_file.is_file():
        raise Failure(f"regenerate-plugin: load failed: no class file at {class_file}")
    if not outdir.is_dir():
        raise Failure(f"regenerate-plugin: translate failed: no build folder at {outdir}")
    classes = read_image_code(image.parent / "smalltalksrc")
    try:
        cls = parse_class(class_file)
    except Failure as problem:
        raise Failure(f"regenerate-plugin: load failed: {problem}") from None
    if cls.name != name:
        raise Failure(
            f"regenerate-plugin: load failed: {class_file} defines {cls.name}, not {name}"
        )
    if cls.superclass not in classes:
        raise Failure(
            "regenerate-plugin: load failed: Warning: Package VMMaker depends on the following "
            f"classes:   {cls.superclass} You must resolve these dependencies before you will "
            f"be able to load these definitions:   {name}"
        )
    classes[name] = cls
    if not (is_plugin(classes, cls) and should_be_translated(classes, cls)):
        raise Failure(
            f"regenerate-plugin: translate failed: VMMaker will not generate {name} (64 bits): "
            "it is not an InterpreterPlugin subclass, or its shouldBeTranslated answers false"
        )
    for selector, body in sorted(cls.instance_side.items()):
        if UNTRANSLATABLE.search(mask(body, strings=True)):
            raise Failure(
                f"regenerate-plugin: translate failed in {name}>>{selector}: "
                "Error: thisContext cannot be translated to C"
            )
    module = module_name(classes, cls)
    origin = f"{class_file} (loaded, image not saved)"
    files = []
    for bits in WORD_SIZES:
        path = outdir / "generated" / str(bits) / "plugins" / "src" / module / f"{module}.c"
        text = plugin_c(classes, cls, module, bits, origin)
        if path.exists():
            path.unlink()  # as VMMaker's storeCodeOnFile: does
        write(path, text)
        files.append(path)
        print(f"regenerate-plugin: wrote {path}", flush=True)
    record(image, "regenerate-plugin", [name], files)


def noise(classes: dict[str, StClass], plugins: list[StClass]) -> None:
    """VMMAKER_STANDIN_NOISE_LINES lines of chatter, as a long generation prints."""
    try:
        count = int(os.environ.get("VMMAKER_STANDIN_NOISE_LINES", "0") or 0)
    except ValueError:
        count = 0
    if count <= 0:
        return
    owners = [
        "StackInterpreter",
        "CoInterpreter",
        "Spur64BitCoMemoryManager",
        "SpurGenerationScavenger",
    ]
    owners += ["StackToRegisterMappingCogit"] + [cls.name for cls in plugins]
    selectors = sorted({s for cls in classes.values() for s in cls.instance_side})[:200] or ["run"]
    forms = (
        "Translating {0}>>#{1}",
        "Inlining {1} in {0}",
        "Adding Class {0}...",
        "Removing unused temporaries of {0}>>#{1}",
        "Generating {0} ({2} methods)",
    )
    block = [
        forms[i % len(forms)].format(
            owners[i % len(owners)], selectors[(i * 31) % len(selectors)], 40 + (i * 37) % 900
        )
        for i in range(997)
    ]
    out = sys.stdout
    chunk = 10000
    for start in range(0, count, chunk):
        size = min(chunk, count - start)
        out.write("".join(block[(start + i) % len(block)] + "\n" for i in range(size)))
    out.flush()


def main(argv: list[str]) -> int:
    args = list(argv)
    if args[:1] == ["--unzip-image"] and len(args) == 2:
        unzip_image(Path(args[1]))
        return 0
    while args and args[0].startswith("--") and args[0] != "--":
        args.pop(0)  # VM options: --headless, --logLevel=N, ...
    if not args:
        raise Failure("usage: vmmaker-standin.py [--headless] IMAGE [image options] COMMAND ...")
    image = Path(args.pop(0))
    while args and args[0] == "--no-default-preferences":
        args.pop(0)
    if args and args[0] == "perform":
        if args[1:3] != ["PharoVMMaker", "generate:outputDirectory:"] or len(args) != 5:
            raise Failure(
                "the stand-in only performs PharoVMMaker generate:outputDirectory: FLAVOUR DIR, "
                f"not {' '.join(args[1:])}"
            )
        generate(image, args[3], Path(args[4]))
        return 0
    if args and args[0] == "eval":
        expression = " ".join(args[1:])
        found = re.fullmatch(
            r"\s*PharoVMMaker\s+generate:\s*#?'?([A-Za-z]+)'?\s+outputDirectory:\s*'([^']*)'\s*\.?\s*",
            expression,
        )
        if found is None:
            raise Failure(
                f"the stand-in only evaluates PharoVMMaker generate:outputDirectory:, not {expression!r}"
            )
        generate(image, found.group(1), Path(found.group(2)))
        return 0
    if len(args) == 2 and args[0] == "save":
        save_as(image, args[1])
        return 0
    if args and args[0] == "st":
        args.pop(0)
    if args[:1] == ["--quit"] and len(args) == 5 and Path(args[1]).name == "regenerate-plugin.st":
        if not Path(args[1]).is_file():
            raise Failure(f"{args[1]} does not exist")
        regenerate_plugin(image, Path(args[2]), Path(args[3]), args[4])
        return 0
    save = "--save" in args
    args = [each for each in args if each not in ("--save", "--quit", "--no-source")]
    if len(args) != 3 or Path(args[0]).name != "installVMMaker.st":
        raise Failure(f"the stand-in only runs installVMMaker.st SRC REMOTE, not {args}")
    if not Path(args[0]).is_file():
        raise Failure(f"{args[0]} does not exist")
    load(image, Path(args[1]), args[2], save)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Failure as error:
        sys.stdout.flush()
        message = str(error)
        print(
            message if message.startswith("regenerate-plugin:") else f"Error: {message}",
            file=sys.stderr,
        )
        sys.exit(1)
