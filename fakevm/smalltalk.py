"""The Tonel class files of the test repository, rendered in either Tonel style.

Every class here was written for the tests, after the shapes of pharo-vm's own class files
under ``smalltalksrc/``: the same class names, superclasses, categories, instance variables
and selectors the wizard relies on, with small bodies of our own.

pharo-9 writes the old style (symbols: ``#name : #FloatArrayPlugin``, ``#category :
#'VMMaker-Plugins'``), pharo-10 and pharo-12 the new one (strings, plus ``#package`` and
``#tag``).  ``FileAttributesPlugin``, in its own package, is old style on every branch, as in
pharo-vm, so the newer trees are mixed.

The shape of 2026 (pharo-12 after pharo-vm PR #1077, commit ee793270) moves ``PharoVMMaker`` into
package ``VMMaker`` (tag ``Generation``), writes its list over three lines, and adds the
generated plugin ``NewFilePlugin`` first in that list.

Bodies are written below with four spaces per level; :func:`render_class` turns that into
tabs (one more level for the method body), LF line ends, and a file ending in ``]\\n``.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

OLD = "old"
NEW = "new"

_PLAIN_SYMBOL = re.compile(r"[A-Za-z_][A-Za-z0-9_:]*")


@dataclass(frozen=True)
class Method:
    """One method: its protocol, its pattern line (selector with argument names) and body."""

    category: str
    pattern: str
    body: str
    side: str = "instance"

    @property
    def selector(self) -> str:
        keywords = re.findall(r"[A-Za-z_][A-Za-z0-9_]*:", self.pattern)
        return "".join(keywords) if keywords else self.pattern.split()[0]


@dataclass(frozen=True)
class ClassSpec:
    """One ``<Package>/<Name>.class.st`` file."""

    name: str
    superclass: str
    package: str
    tag: str | None = None
    inst_vars: tuple[str, ...] = ()
    class_vars: tuple[str, ...] = ()
    pools: tuple[str, ...] = ()
    comment: str | None = None
    methods: tuple[Method, ...] = ()
    style: str | None = None  # forces a style whatever the branch's (FileAttributesPlugin)

    @property
    def category(self) -> str:
        return f"{self.package}-{self.tag}" if self.tag else self.package

    @property
    def path(self) -> str:
        return f"smalltalksrc/{self.package}/{self.name}.class.st"


def m(category: str, pattern: str, body: str = "", side: str = "instance") -> Method:
    """A method whose ``body`` is written with four-space levels (see the module docstring)."""
    return Method(category, pattern, _tabs(body), side)


def c(category: str, pattern: str, body: str = "") -> Method:
    """A class-side method."""
    return m(category, pattern, body, side="class")


def _tabs(source: str) -> str:
    lines = textwrap.dedent(source).strip("\n").split("\n")
    out = []
    for line in lines:
        stripped = line.lstrip(" ")
        if not stripped:
            out.append("")
            continue
        level = (len(line) - len(stripped)) // 4
        out.append("\t" * (level + 1) + stripped)
    return "\n".join(out)


# --------------------------------------------------------------------------- rendering


def symbol(value: str, style: str) -> str:
    """A STON name in ``style``: ``'VMMaker-Plugins'`` (new) or ``#'VMMaker-Plugins'`` (old)."""
    if style == NEW:
        return "'" + value.replace("'", "''") + "'"
    if _PLAIN_SYMBOL.fullmatch(value):
        return "#" + value
    return "#'" + value.replace("'", "''") + "'"


def _string_list(key: str, values: tuple[str, ...]) -> str:
    items = ",\n".join(f"\t\t'{value}'" for value in values)
    return f"\t#{key} : [\n{items}\n\t]"


def render_class(spec: ClassSpec, branch_style: str) -> str:
    """The text of ``spec``'s ``.class.st`` file in ``branch_style`` (or the class's own)."""
    style = spec.style or branch_style
    parts = []
    if spec.comment:
        parts.append('"\n' + spec.comment.strip("\n").replace('"', '""') + '\n"\n')
    entries = [
        f"\t#name : {symbol(spec.name, style)}",
        f"\t#superclass : {symbol(spec.superclass, style)}",
    ]
    if spec.inst_vars:
        entries.append(_string_list("instVars", spec.inst_vars))
    if spec.class_vars:
        entries.append(_string_list("classVars", spec.class_vars))
    if spec.pools:
        entries.append(_string_list("pools", spec.pools))
    entries.append(f"\t#category : {symbol(spec.category, style)}")
    if style == NEW:
        entries.append(f"\t#package : {symbol(spec.package, style)}")
        if spec.tag:
            entries.append(f"\t#tag : {symbol(spec.tag, style)}")
    parts.append("Class {\n" + ",\n".join(entries) + "\n}\n")
    ordered = sorted(spec.methods, key=lambda each: (each.side != "class", each.selector))
    for method in ordered:
        receiver = spec.name + (" class" if method.side == "class" else "")
        gap = "\n" if style == NEW else ""
        parts.append(
            f"{{ #category : {symbol(method.category, style)} }}\n"
            f"{receiver} >> {method.pattern} [\n{gap}{method.body}\n]\n"
        )
    return "\n".join(parts)


def render_package(name: str, style: str) -> str:
    return f"Package {{ #name : {symbol(name, style)} }}\n"


# --------------------------------------------------------------------------- InterpreterProxy

#: The interface a plugin reaches through ``interpreterProxy``: (protocol, pattern, C return
#: type, C argument types or None for all ``sqInt``).  The same table renders
#: ``InterpreterProxy.class.st`` and the members of ``struct VirtualMachine`` in
#: ``extracted/vm/include/common/sqVirtualMachine.h``.  There is no ``stringFromCString:``:
#: no pharo-vm branch has it.
PROXY: tuple[tuple[str, str, str, tuple[str, ...] | None], ...] = (
    ("stack access", "methodArgumentCount", "sqInt", None),
    ("stack access", "pop: nItems", "sqInt", None),
    ("stack access", "pop: nItems thenPush: oop", "sqInt", None),
    ("stack access", "pop: nItems thenPushBool: boolean", "sqInt", None),
    ("stack access", "pop: nItems thenPushFloat: float", "sqInt", ("sqInt", "double")),
    ("stack access", "pop: nItems thenPushInteger: integer", "sqInt", None),
    ("stack access", "push: object", "sqInt", None),
    ("stack access", "pushBool: trueOrFalse", "sqInt", None),
    ("stack access", "pushFloat: f", "sqInt", ("double",)),
    ("stack access", "pushInteger: integerValue", "sqInt", None),
    ("stack access", "stackFloatValue: offset", "double", None),
    ("stack access", "stackIntegerValue: offset", "sqInt", None),
    ("stack access", "stackObjectValue: offset", "sqInt", None),
    ("stack access", "stackValue: offset", "sqInt", None),
    ("object access", "byteSizeOf: oop", "sqInt", None),
    ("object access", "fetchInteger: fieldIndex ofObject: objectPointer", "sqInt", None),
    ("object access", "fetchPointer: index ofObject: oop", "sqInt", None),
    ("object access", "firstIndexableField: oop", "void *", None),
    ("object access", "slotSizeOf: oop", "sqInt", None),
    ("object access", "stSizeOf: oop", "sqInt", None),
    ("object access", "storeInteger: index ofObject: oop withValue: integer", "sqInt", None),
    ("object access", "storePointer: index ofObject: oop withValue: valuePointer", "sqInt", None),
    ("testing", "isBytes: oop", "sqInt", None),
    ("testing", "isFloatObject: oop", "sqInt", None),
    ("testing", "isIntegerObject: objectPointer", "sqInt", None),
    ("testing", "isKindOfInteger: objectOrientedPointer", "sqInt", None),
    ("testing", "isWords: oop", "sqInt", None),
    ("testing", "isWordsOrBytes: oop", "sqInt", None),
    ("converting", "booleanValueOf: obj", "sqInt", None),
    ("converting", "checkedIntegerValueOf: intOop", "sqInt", None),
    ("converting", "floatObjectOf: aFloat", "sqInt", ("double",)),
    ("converting", "floatValueOf: oop", "double", None),
    ("converting", "integerObjectOf: value", "sqInt", None),
    ("converting", "integerValueOf: oop", "sqInt", None),
    ("converting", "positive32BitIntegerFor: integerValue", "sqInt", None),
    ("converting", "positive32BitValueOf: oop", "usqInt", None),
    ("converting", "positive64BitIntegerFor: integerValue", "sqInt", ("usqLong",)),
    ("converting", "positive64BitValueOf: oop", "usqLong", None),
    ("converting", "signed32BitIntegerFor: integerValue", "sqInt", None),
    ("converting", "signed32BitValueOf: oop", "sqInt", None),
    ("converting", "stringForCString: aCString", "sqInt", ("const char *",)),
    ("special objects", "classArray", "sqInt", None),
    ("special objects", "classByteArray", "sqInt", None),
    ("special objects", "classFloat", "sqInt", None),
    ("special objects", "classString", "sqInt", None),
    ("special objects", "falseObject", "sqInt", None),
    ("special objects", "nilObject", "sqInt", None),
    ("special objects", "trueObject", "sqInt", None),
    ("instance creation", "instantiateClass: classPointer indexableSize: size", "sqInt", None),
    ("other", "failed", "sqInt", None),
    ("other", "ioLoadFunction: functionName From: moduleName", "void *", ("char *", "char *")),
    ("other", "ioMicroMSecs", "sqInt", None),
    ("other", "majorVersion", "sqInt", None),
    ("other", "minorVersion", "sqInt", None),
    ("other", "primitiveFail", "sqInt", None),
    ("other", "primitiveFailFor: reasonCode", "sqInt", None),
    ("other", "primitiveFailureCode", "sqInt", None),
    ("other", "signalSemaphoreWithIndex: semaIndex", "sqInt", None),
    ("other", "success: aBoolean", "sqInt", None),
)

VM_PROXY_MAJOR = 1
VM_PROXY_MINOR = 17


def _proxy_class() -> ClassSpec:
    methods = [
        c(
            "translation",
            "implicitReturnTypeFor: aSelector",
            """
            "Methods without an explicit return answer an sqInt."
            ^ #sqInt
            """,
        )
    ]
    for protocol, pattern, _, _ in PROXY:
        methods.append(
            m(
                protocol,
                pattern,
                """
                "Simulation only; translated plugins call the VM through struct VirtualMachine."
                <doNotGenerate>
                ^ self subclassResponsibility
                """,
            )
        )
    return ClassSpec(
        name="InterpreterProxy",
        superclass="Object",
        package="VMMaker",
        tag="InterpreterSimulation",
        inst_vars=("primFailCode", "stack", "argumentCount"),
        pools=("VMBasicConstants",),
        comment=(
            "I define what a plugin may ask of the VM through its interpreterProxy variable.\n"
            "The C side of this interface is struct VirtualMachine (sqVirtualMachine.h)."
        ),
        methods=tuple(methods),
    )


def virtual_machine_header() -> str:
    """``sqVirtualMachine.h``: sqInt and ``struct VirtualMachine``, one member per proxy method."""
    members = []
    for _, pattern, result, arg_types in PROXY:
        selector = Method("", pattern, "").selector
        arity = selector.count(":")
        types = arg_types or ("sqInt",) * arity
        params = ", ".join(types) if arity else "void"
        star = "" if result.endswith("*") else " "
        members.append(f"\t{result}{star}(*{selector.replace(':', '')})({params});")
    return (
        "/* sqVirtualMachine.h: what a plugin may ask of the VM (the test repository's version).\n"
        " *\n"
        " * One function pointer per InterpreterProxy method\n"
        " * (smalltalksrc/VMMaker/InterpreterProxy.class.st), named after its selector\n"
        " * without colons.\n"
        " */\n"
        "\n"
        "#ifndef SQ_VIRTUAL_MACHINE_H\n"
        "#define SQ_VIRTUAL_MACHINE_H\n"
        "\n"
        "#include <stdint.h>\n"
        "\n"
        "typedef intptr_t sqInt;\n"
        "typedef uintptr_t usqInt;\n"
        "typedef long long sqLong;\n"
        "typedef unsigned long long usqLong;\n"
        "\n"
        f"#define VM_PROXY_MAJOR {VM_PROXY_MAJOR}\n"
        f"#define VM_PROXY_MINOR {VM_PROXY_MINOR}\n"
        "\n"
        "#if defined(_WIN32)\n"
        "# define EXPORT(returnType) __declspec(dllexport) returnType\n"
        "#else\n"
        '# define EXPORT(returnType) __attribute__((visibility("default"))) returnType\n'
        "#endif\n"
        "\n"
        "struct VirtualMachine {\n" + "\n".join(members) + "\n};\n"
        "\n"
        "struct VirtualMachine *sqGetInterpreterProxy(void);\n"
        "\n"
        "#endif /* SQ_VIRTUAL_MACHINE_H */\n"
    )


# --------------------------------------------------------------------------- VMMaker classes


VM_CLASS = ClassSpec(
    name="VMClass",
    superclass="Object",
    package="VMMaker",
    tag="Support",
    comment="I am the root of the classes VMMaker translates to C.",
    methods=(
        c(
            "translation",
            "isNonArgumentImplicitReceiverVariableName: aString",
            """
            ^ #('self' 'super' 'interpreterProxy') includes: aString
            """,
        ),
        m(
            "translation support",
            "cCoerce: value to: cTypeString",
            """
            "In C, a cast; in Smalltalk, the value itself."
            <doNotGenerate>
            ^ value
            """,
        ),
        m(
            "translation support",
            "cCode: codeStringOrBlock inSmalltalk: aBlock",
            """
            <doNotGenerate>
            ^ aBlock value
            """,
        ),
    ),
)

INTERPRETER_PLUGIN = ClassSpec(
    name="InterpreterPlugin",
    superclass="VMClass",
    package="VMMaker",
    tag="Plugins",
    inst_vars=("interpreterProxy", "moduleName", "translatedMethodCache"),
    comment=(
        "I am the superclass of every VM plugin. My subclasses are translated to C;\n"
        'the C file and the module are named after ""self moduleName"".'
    ),
    methods=(
        c(
            "translation",
            "declareCVarsIn: aCCodeGenerator",
            """
            aCCodeGenerator var: #interpreterProxy type: #'struct VirtualMachine*'.
            aCCodeGenerator removeVariable: 'translatedMethodCache'.
            self declareHeaderFilesIn: aCCodeGenerator
            """,
        ),
        c(
            "translation",
            "declareHeaderFilesIn: aCCodeGenerator",
            """
            self hasHeaderFile ifTrue: [
                aCCodeGenerator addHeaderFile: '"' , self moduleName , '.h"' ]
            """,
        ),
        c("translation", "hasHeaderFile", "^ false"),
        c("translation", "moduleName", "^ self name asString"),
        c(
            "translation",
            "moduleNameAndVersion",
            """
            "What getModuleName answers; it must begin with the module name."
            ^ self moduleName
            """,
        ),
        c("translation", "requiresPlatformFiles", "^ false"),
        c("translation", "shouldBeTranslated", "^ true"),
        m(
            "initialize",
            "getModuleName",
            """
            <returnTypeC: #'const char*'>
            <export: true>
            ^ moduleName
            """,
        ),
        m(
            "initialize",
            "setInterpreter: anInterpreter",
            """
            | ok |
            <export: true>
            <var: #anInterpreter type: #'struct VirtualMachine*'>
            interpreterProxy := anInterpreter.
            ok := interpreterProxy majorVersion = (self cCode: 'VM_PROXY_MAJOR' inSmalltalk: [ 1 ])
                and: [ interpreterProxy minorVersion >= (self cCode: 'VM_PROXY_MINOR' inSmalltalk: [ 17 ]) ].
            ^ ok
            """,
        ),
    ),
)

SMART_SYNTAX_PLUGIN = ClassSpec(
    name="SmartSyntaxInterpreterPlugin",
    superclass="InterpreterPlugin",
    package="VMMaker",
    tag="SmartSyntaxPlugins",
    inst_vars=("simulator",),
    comment=(
        "Plugins whose primitives declare their parameters:\n"
        "\tself primitive: 'primitiveName' parameters: #(SmallInteger String)."
    ),
    methods=(
        c("translation", "codeGeneratorClass", "^ SmartSyntaxPluginCodeGenerator"),
        c("translation", "implicitReturnTypeFor: aSelector", "^ #void"),
        c(
            "translation",
            "shouldBeTranslated",
            """
            "Only my subclasses are plugins."
            ^ self ~= SmartSyntaxInterpreterPlugin
            """,
        ),
        m(
            "simulation",
            "primitive: primName",
            """
            <doNotGenerate>
            ^ self primitive: primName parameters: #()
            """,
        ),
        m(
            "simulation",
            "primitive: primName parameters: argumentClassNames",
            """
            <doNotGenerate>
            ^ self primitive: primName parameters: argumentClassNames receiver: #Oop
            """,
        ),
        m(
            "simulation",
            "primitive: primName parameters: argumentClassNames receiver: rcvrClassSymbol",
            """
            <doNotGenerate>
            ^ simulator primitive: primName parameters: argumentClassNames receiver: rcvrClassSymbol
            """,
        ),
    ),
)

OOP = ClassSpec(
    name="Oop",
    superclass="Object",
    package="VMMaker",
    tag="SmartSyntaxPlugins",
    comment="A parameter type of SmartSyntax primitives: any object, passed as it is.",
    methods=(
        c(
            "plugin generation",
            "ccg: cg prolog: aBlock expr: aString index: anInteger",
            """
            ^ cg ccgLoad: aBlock expr: aString asRawOopFrom: anInteger
            """,
        ),
    ),
)

FILE_PLUGIN = ClassSpec(
    name="FilePlugin",
    superclass="InterpreterPlugin",
    package="VMMaker",
    tag="Plugins",
    inst_vars=("sCCPfn", "sCOFfn"),
    comment="Files and directories. The platform code is in extracted/plugins/FilePlugin.",
    methods=(
        c("translation", "hasHeaderFile", "^ true"),
        c("translation", "requiresPlatformFiles", "^ true"),
        m(
            "initialize-release",
            "initialiseModule",
            """
            <export: true>
            sCCPfn := interpreterProxy ioLoadFunction: 'secCanCreatePathOfSize' From: 'SecurityPlugin'.
            sCOFfn := interpreterProxy ioLoadFunction: 'secCanOpenFileOfSizeWritable' From: 'SecurityPlugin'.
            ^ self cCode: 'sqFileInit()' inSmalltalk: [ true ]
            """,
        ),
        m(
            "initialize-release",
            "shutdownModule",
            """
            <export: true>
            ^ self cCode: 'sqFileShutdown()' inSmalltalk: [ true ]
            """,
        ),
        m(
            "file primitives",
            "fileValueOf: objectPointer",
            """
            "The SQFile structure inside a ByteArray, or fail the primitive."
            <returnTypeC: #'SQFile *'>
            ((interpreterProxy isBytes: objectPointer)
                and: [ (interpreterProxy byteSizeOf: objectPointer) = (self sizeof: #SQFile) ])
                    ifFalse: [ interpreterProxy primitiveFail. ^ nil ].
            ^ interpreterProxy firstIndexableField: objectPointer
            """,
        ),
        m(
            "file primitives",
            "primitiveFileAtEnd",
            """
            | file atEnd |
            <export: true>
            <var: #file type: #'SQFile *'>
            file := self fileValueOf: (interpreterProxy stackValue: 0).
            interpreterProxy failed ifFalse: [
                atEnd := self cCode: 'sqFileAtEnd(file)' inSmalltalk: [ false ] ].
            interpreterProxy failed ifFalse: [
                interpreterProxy pop: 2 thenPushBool: atEnd ]
            """,
        ),
        m(
            "file primitives",
            "primitiveFileSize",
            """
            | file size |
            <export: true>
            <var: #file type: #'SQFile *'>
            <var: #size type: #squeakFileOffsetType>
            file := self fileValueOf: (interpreterProxy stackValue: 0).
            interpreterProxy failed ifFalse: [
                size := self cCode: 'sqFileSize(file)' inSmalltalk: [ 0 ] ].
            interpreterProxy failed ifFalse: [
                interpreterProxy pop: 2 thenPush: (interpreterProxy positive64BitIntegerFor: size) ]
            """,
        ),
    ),
)

SURFACE_PLUGIN = ClassSpec(
    name="SurfacePlugin",
    superclass="InterpreterPlugin",
    package="VMMaker",
    tag="Plugins-Surface",
    comment=(
        "I let other plugins register drawing surfaces by handle. My header is\n"
        "extracted/plugins/SurfacePlugin/include/common/SurfacePlugin.h."
    ),
    methods=(
        c("translation", "hasHeaderFile", "^ true"),
        m(
            "initialize-release",
            "initialiseModule",
            """
            <export: true>
            ^ self cCode: 'surfaceInit()' inSmalltalk: [ true ]
            """,
        ),
        m(
            "surfaces",
            "ioRegisterSurface: surfaceHandle dispatch: fn surfaceID: sidPtr",
            """
            <export: true>
            <var: #fn type: #'sqSurfaceDispatch *'>
            <var: #sidPtr type: #'int *'>
            ^ self cCode: 'registerSurface(surfaceHandle, fn, sidPtr)' inSmalltalk: [ false ]
            """,
        ),
        m(
            "surfaces",
            "ioUnregisterSurface: surfaceID",
            """
            <export: true>
            ^ self cCode: 'unregisterSurface(surfaceID)' inSmalltalk: [ false ]
            """,
        ),
        m(
            "primitives",
            "primitiveFindSurface",
            """
            | surfaceID |
            <export: true>
            surfaceID := interpreterProxy stackIntegerValue: 0.
            interpreterProxy failed ifTrue: [ ^ nil ].
            interpreterProxy pop: 2 thenPushInteger: surfaceID
            """,
        ),
    ),
)

FLOAT_ARRAY_PLUGIN = ClassSpec(
    name="FloatArrayPlugin",
    superclass="InterpreterPlugin",
    package="VMMaker",
    tag="Plugins",
    comment="Arithmetic on FloatArrays, a whole array per primitive.",
    methods=(
        c(
            "translation to C",
            "declareCVarsIn: cg",
            """
            "No variables of my own."
            """,
        ),
        m(
            "arithmetic primitives",
            "primitiveAddFloatArray",
            """
            "Add the argument to the receiver, element by element; both are FloatArrays."
            | rcvr arg rcvrPtr argPtr length |
            <export: true>
            <var: #rcvrPtr type: #'float *'>
            <var: #argPtr type: #'float *'>
            arg := interpreterProxy stackObjectValue: 0.
            rcvr := interpreterProxy stackObjectValue: 1.
            interpreterProxy failed ifTrue: [ ^ nil ].
            interpreterProxy success: ((interpreterProxy isWords: arg) and: [ interpreterProxy isWords: rcvr ]).
            length := interpreterProxy stSizeOf: arg.
            interpreterProxy success: length = (interpreterProxy stSizeOf: rcvr).
            interpreterProxy failed ifTrue: [ ^ nil ].
            rcvrPtr := self cCoerce: (interpreterProxy firstIndexableField: rcvr) to: #'float *'.
            argPtr := self cCoerce: (interpreterProxy firstIndexableField: arg) to: #'float *'.
            0 to: length - 1 do: [ :i |
                rcvrPtr at: i put: (rcvrPtr at: i) + (argPtr at: i) ].
            interpreterProxy pop: 1 "the receiver stays"
            """,
        ),
        m(
            "access primitives",
            "primitiveAt",
            """
            | index rcvr floatPtr |
            <export: true>
            <var: #floatPtr type: #'float *'>
            index := interpreterProxy stackIntegerValue: 0.
            rcvr := interpreterProxy stackObjectValue: 1.
            interpreterProxy failed ifTrue: [ ^ nil ].
            interpreterProxy success: (interpreterProxy isWords: rcvr).
            interpreterProxy success: (index > 0 and: [ index <= (interpreterProxy slotSizeOf: rcvr) ]).
            interpreterProxy failed ifTrue: [ ^ nil ].
            floatPtr := interpreterProxy firstIndexableField: rcvr.
            interpreterProxy pop: 2 thenPushFloat: (floatPtr at: index - 1)
            """,
        ),
        m(
            "access primitives",
            "primitiveAtPut",
            """
            | value floatValue index rcvr floatPtr |
            <export: true>
            <var: #floatValue type: #double>
            <var: #floatPtr type: #'float *'>
            value := interpreterProxy stackValue: 0.
            (interpreterProxy isIntegerObject: value)
                ifTrue: [ floatValue := (interpreterProxy integerValueOf: value) asFloat ]
                ifFalse: [ floatValue := interpreterProxy floatValueOf: value ].
            index := interpreterProxy stackIntegerValue: 1.
            rcvr := interpreterProxy stackObjectValue: 2.
            interpreterProxy failed ifTrue: [ ^ nil ].
            floatPtr := interpreterProxy firstIndexableField: rcvr.
            floatPtr at: index - 1 put: (self cCoerce: floatValue to: #float).
            interpreterProxy pop: 3 thenPush: value
            """,
        ),
        m(
            "arithmetic primitives",
            "primitiveSum",
            """
            | rcvr rcvrPtr length sum |
            <export: true>
            <var: #sum type: #double>
            <var: #rcvrPtr type: #'float *'>
            rcvr := interpreterProxy stackObjectValue: 0.
            interpreterProxy failed ifTrue: [ ^ nil ].
            interpreterProxy success: (interpreterProxy isWords: rcvr).
            interpreterProxy failed ifTrue: [ ^ nil ].
            length := interpreterProxy stSizeOf: rcvr.
            rcvrPtr := self cCoerce: (interpreterProxy firstIndexableField: rcvr) to: #'float *'.
            sum := 0.0.
            0 to: length - 1 do: [ :i | sum := sum + (rcvrPtr at: i) ].
            interpreterProxy pop: 1 thenPush: (interpreterProxy floatObjectOf: sum)
            """,
        ),
    ),
)

MIDI_PLUGIN = ClassSpec(
    name="MIDIPlugin",
    superclass="SmartSyntaxInterpreterPlugin",
    package="VMMaker",
    tag="Plugins",
    comment="MIDI ports. A SmartSyntax plugin; not in the external list.",
    methods=(
        m(
            "primitives",
            "primitiveMIDIGetPortCount",
            """
            | n |
            self primitive: 'primitiveMIDIGetPortCount'.
            n := self cCode: 'sqMIDIGetPortCount()' inSmalltalk: [ 0 ].
            ^ n asSmallIntegerObj
            """,
        ),
        m(
            "primitives",
            "primitiveMIDIGetPortName: portNum",
            """
            | portName sz nameObj namePtr |
            <var: #portName declareC: 'char portName[256]'>
            <var: #namePtr type: #'char *'>
            self primitive: 'primitiveMIDIGetPortName' parameters: #(SmallInteger).
            sz := self cCode: 'sqMIDIGetPortName(portNum, (sqInt) &portName, 255)' inSmalltalk: [ 0 ].
            nameObj := interpreterProxy instantiateClass: interpreterProxy classString indexableSize: sz.
            interpreterProxy failed ifTrue: [ ^ nil ].
            namePtr := interpreterProxy firstIndexableField: nameObj.
            0 to: sz - 1 do: [ :i | namePtr at: i put: (portName at: i) ].
            ^ nameObj
            """,
        ),
    ),
)

UUID_PLUGIN = ClassSpec(
    name="UUIDPlugin",
    superclass="InterpreterPlugin",
    package="VMMaker",
    tag="Plugins",
    comment="UUIDs from the operating system. A classic plugin; not in the external list.",
    methods=(
        m(
            "initialize",
            "initialiseModule",
            """
            <export: true>
            ^ self cCode: 'sqUUIDInit()' inSmalltalk: [ true ]
            """,
        ),
        m(
            "initialize",
            "shutdownModule",
            """
            <export: true>
            ^ self cCode: 'sqUUIDShutdown()' inSmalltalk: [ true ]
            """,
        ),
        m(
            "primitives",
            "primitiveMakeUUID",
            """
            | oop location |
            <export: true>
            <var: #location type: #'char *'>
            interpreterProxy methodArgumentCount = 0 ifFalse: [ ^ interpreterProxy primitiveFail ].
            oop := interpreterProxy stackObjectValue: 0.
            interpreterProxy failed ifTrue: [ ^ nil ].
            (interpreterProxy isBytes: oop) ifFalse: [ ^ interpreterProxy primitiveFail ].
            (interpreterProxy byteSizeOf: oop) = 16 ifFalse: [ ^ interpreterProxy primitiveFail ].
            location := interpreterProxy firstIndexableField: oop.
            self cCode: 'MakeUUID(location)' inSmalltalk: [ location ]
            """,
        ),
    ),
)

LARGE_INTEGERS_PLUGIN = ClassSpec(
    name="LargeIntegersPlugin",
    superclass="SmartSyntaxInterpreterPlugin",
    package="VMMaker",
    tag="Plugins",
    comment=(
        "Arithmetic on large integers. Its module is called LargeIntegers; the build uses the\n"
        "C checked in under extracted/plugins/LargeIntegers."
    ),
    methods=(
        c("translation", "moduleName", "^ 'LargeIntegers'"),
        m(
            "control & support primitives",
            "primGetModuleName",
            """
            | strLen strOop strPtr |
            <var: #strPtr type: #'char *'>
            self primitive: 'primGetModuleName' parameters: #() receiver: #Oop.
            strLen := self strlen: self getModuleName.
            strOop := interpreterProxy instantiateClass: interpreterProxy classString indexableSize: strLen.
            strPtr := interpreterProxy firstIndexableField: strOop.
            0 to: strLen - 1 do: [ :i | strPtr at: i put: (self getModuleName at: i) ].
            ^ strOop
            """,
        ),
    ),
)

FILE_ATTRIBUTES_PLUGIN = ClassSpec(
    name="FileAttributesPlugin",
    superclass="InterpreterPlugin",
    package="FileAttributesPlugin",
    comment="File attributes. In a package of its own, old Tonel style on every branch.",
    style=OLD,
    methods=(
        m(
            "file primitives",
            "primitiveVersionString",
            """
            <export: true>
            interpreterProxy pop: 1 thenPush: (interpreterProxy stringForCString: '1.5.0')
            """,
        ),
    ),
)


def baseline_class() -> ClassSpec:
    return ClassSpec(
        name="BaselineOfVMMaker",
        superclass="BaselineOf",
        package="BaselineOfVMMaker",
        methods=(
            m(
                "baselines",
                "baseline: spec",
                """
                <baseline>
                spec for: #common do: [
                    spec
                        package: 'VMMakerCompatibilityForPharo6';
                        package: 'VMMaker' with: [ spec requires: #( 'VMMakerCompatibilityForPharo6' ) ];
                        package: 'FileAttributesPlugin' with: [ spec requires: #( 'VMMakerCompatibilityForPharo6' ) ].
                    spec
                        group: 'plugins' with: #( 'FileAttributesPlugin' );
                        group: 'default' with: #( 'VMMaker' 'plugins' ) ]
                """,
            ),
        ),
    )


NEW_FILE_PLUGIN = ClassSpec(
    name="NewFilePlugin",
    superclass="InterpreterPlugin",
    package="VMMaker",
    tag="Plugins",
    comment=(
        "The file primitives written again (2025); generated, and first in VMMaker's list since."
    ),
    methods=(
        m(
            "file primitives",
            "primitiveFileVersion",
            """
            "Answer the version of these primitives."
            <export: true>
            interpreterProxy pop: 1 thenPush: (interpreterProxy integerObjectOf: 2)
            """,
        ),
        m(
            "file primitives",
            "primitiveFileSize",
            """
            | handle |
            <export: true>
            handle := interpreterProxy stackObjectValue: 0.
            interpreterProxy failed ifTrue: [ ^ nil ].
            interpreterProxy pop: 2 thenPush: (interpreterProxy integerObjectOf: (interpreterProxy byteSizeOf: handle))
            """,
        ),
    ),
)


# --------------------------------------------------------------------------- PharoVMMaker

_LIST_LINE = "internal: #() external: #(FilePlugin SurfacePlugin FloatArrayPlugin);"
#: The same cascade part as pharo-12 writes it since 2026 (pharo-vm ee793270): over three lines.
_LIST_LINES_2026 = (
    "internal: #(  )\n"
    "                external:\n"
    "                    #( NewFilePlugin FilePlugin SurfacePlugin FloatArrayPlugin );"
)
#: Where each shape of the test repository defines PharoVMMaker: (package, tag).
MAKER_HOME = {
    "2024": ("VMMakerCompatibilityForPharo6", "CommandLine"),
    "2025": ("VMMakerCompatibilityForPharo6", "CommandLine"),
    "2026": ("VMMaker", "Generation"),
}

#: The method of PharoVMMaker that holds the external-plugin list, per branch.
LIST_METHOD = {
    "pharo-9": "generate: interpreterClass memoryManager: memoryManager",
    "pharo-10": (
        "generate: interpreterClass memoryManager: memoryManager "
        "compilerClass: compilerClass options: options"
    ),
    "pharo-12": "generate: interpreterClass memoryManager: memoryManager compilerClass: compilerClass",
}


def _maker_body(
    compiler: str, options: str, plugins_in_cascade: bool, list_text: str = _LIST_LINE
) -> str:
    """The method that configures VMMaker; its cascade holds the external-plugin list."""
    if plugins_in_cascade:  # pharo-9: plugins are always generated
        tail = "generateCogitFiles;\n                generateExternalPlugins ] valueSupplyingAnswer: true"
    else:
        tail = (
            "generateCogitFiles.\n"
            "            generatePlugins ifTrue: [ vmmaker generateExternalPlugins ] ]"
            " valueSupplyingAnswer: true"
        )
    return f"""
        | platformDirectory vmmaker |
        platformDirectory := self platformDirectoryFor: memoryManager.
        [
            vmmaker := VMMaker
                makerFor: interpreterClass
                and: {compiler}
                with: {{ #ObjectMemory. memoryManager name }}{options}
                to: platformDirectory
                platformDir: platformDirectory
                including: #()
                configuration: VMMakerConfiguration.
            vmmaker
                stopOnErrors: stopOnErrors;
                {list_text}
                generateInterpreterFile;
                {tail}
        """


def pharo_vm_maker(branch: str, shape: str = "2024") -> ClassSpec:
    """``PharoVMMaker``: the external list sits in the method :data:`LIST_METHOD` names.

    ``shape`` 2026 (pharo-12 only) puts the class in package VMMaker and writes the list as
    pharo-12 has since 2026 (:data:`_LIST_LINES_2026`).
    """
    list_text = _LIST_LINES_2026 if shape == "2026" else _LIST_LINE
    inst_vars = ["outputDirectory", "stopOnErrors"]
    methods = [
        c(
            "defaults",
            "default64BitsMemoryManagerClass",
            "^ Spur64BitCoMemoryManager",
        ),
        c(
            "generation",
            "generate: aClassName outputDirectory: aDirectory",
            """
            "From the command line: perform PharoVMMaker generate:outputDirectory: CoInterpreter <dir>"
            self new
                outputDirectory: aDirectory;
                perform: #generate , aClassName asSymbol
            """,
        ),
        m(
            "initialization",
            "initialize",
            (
                """
                super initialize.
                stopOnErrors := false
                """
                if branch == "pharo-9"
                else """
                super initialize.
                stopOnErrors := false.
                generatePlugins := true.
                wordSizesToGenerate := #(4 8)
                """
            ),
        ),
        m("accessing", "outputDirectory", "^ outputDirectory"),
        m(
            "accessing",
            "outputDirectory: aDirectory",
            "outputDirectory := aDirectory asFileReference",
        ),
        m(
            "utils",
            "platformDirectoryFor: aMemoryManagerClass",
            """
            ^ self outputDirectory / 'generated' / (aMemoryManagerClass wordSize * 8) asString
            """,
        ),
        m("accessing", "stopOnErrors: aBoolean", "stopOnErrors := aBoolean"),
    ]
    list_method = LIST_METHOD[branch]
    if branch == "pharo-9":
        methods += [
            m(
                "generation",
                list_method,
                _maker_body("StackToRegisterMappingCogit", "", plugins_in_cascade=True),
            ),
            m(
                "generation",
                "generateCoInterpreter",
                """
                self generate: CoInterpreter memoryManager: Spur64BitCoMemoryManager.
                self generate: CoInterpreter memoryManager: Spur32BitCoMemoryManager
                """,
            ),
            m(
                "generation",
                "generateStackVM",
                """
                self generate: StackInterpreter memoryManager: Spur64BitMemoryManager.
                self generate: StackInterpreter memoryManager: Spur32BitMemoryManager
                """,
            ),
        ]
    else:
        inst_vars += ["generatePlugins", "wordSizesToGenerate"]
        if branch == "pharo-12":
            inst_vars += ["imageFormatName", "options"]
        methods += [
            m(
                "generation",
                "generate: interpreterClass memoryManager: memoryManager",
                """
                self
                    generate: interpreterClass
                    memoryManager: memoryManager
                    compilerClass: StackToRegisterMappingCogit
                """,
            ),
            m(
                "generation",
                "generateCoInterpreter",
                """
                self generates64Bits ifTrue: [
                    self generate: CoInterpreter memoryManager: Spur64BitCoMemoryManager ].
                self generates32Bits ifTrue: [
                    self generate: CoInterpreter memoryManager: Spur32BitCoMemoryManager ]
                """,
            ),
            m(
                "generation",
                "generateStackVM",
                """
                self generates64Bits ifTrue: [
                    self generate: StackInterpreter memoryManager: Spur64BitMemoryManager ].
                self generates32Bits ifTrue: [
                    self generate: StackInterpreter memoryManager: Spur32BitMemoryManager ]
                """,
            ),
            m("accessing", "generatePlugins", "^ generatePlugins"),
            m("accessing", "generatePlugins: aBoolean", "generatePlugins := aBoolean"),
            m("testing", "generates32Bits", "^ wordSizesToGenerate includes: 4"),
            m("testing", "generates64Bits", "^ wordSizesToGenerate includes: 8"),
        ]
        if branch == "pharo-10":
            methods += [
                m(
                    "generation",
                    "generate: interpreterClass memoryManager: memoryManager compilerClass: compilerClass",
                    """
                    self
                        generate: interpreterClass
                        memoryManager: memoryManager
                        compilerClass: compilerClass
                        options: #()
                    """,
                ),
                m(
                    "generation",
                    list_method,
                    _maker_body("compilerClass", " , options", plugins_in_cascade=False),
                ),
                m(
                    "generation",
                    "generateSistaVM",
                    """
                    self generates64Bits ifTrue: [
                        self
                            generate: CoInterpreter
                            memoryManager: Spur64BitCoMemoryManager
                            compilerClass: SistaCogit ]
                    """,
                ),
            ]
        else:
            methods += [
                c(
                    "generation",
                    "generate: aClassName outputDirectory: aDirectory options: someOptions",
                    """
                    self new
                        outputDirectory: aDirectory;
                        options: someOptions;
                        perform: #generate , aClassName asSymbol
                    """,
                ),
                m(
                    "generation",
                    list_method,
                    _maker_body(
                        "compilerClass", " , options", plugins_in_cascade=False, list_text=list_text
                    ),
                ),
                m("accessing", "imageFormatName: aSymbol", "imageFormatName := aSymbol"),
                m("accessing", "options: anArray", "options := anArray"),
            ]
    package, tag = MAKER_HOME[shape]
    return ClassSpec(
        name="PharoVMMaker",
        superclass="Object",
        package=package,
        tag=tag,
        inst_vars=tuple(inst_vars),
        comment=(
            "I generate the C sources of the VM and of its external plugins.\n"
            "Command line: perform PharoVMMaker generate:outputDirectory: CoInterpreter <dir>"
        ),
        methods=tuple(methods),
    )


# --------------------------------------------------------------------------- the tree


def smalltalk_files(branch: str, style: str, shape: str = "2024") -> dict[str, str]:
    """Every file under ``smalltalksrc/`` for ``branch`` in ``shape``, path -> text.

    The 2026 shape adds NewFilePlugin and keeps VMMakerCompatibilityForPharo6 as a package
    the baseline loads, without PharoVMMaker.
    """
    classes = [
        baseline_class(),
        VM_CLASS,
        INTERPRETER_PLUGIN,
        SMART_SYNTAX_PLUGIN,
        OOP,
        _proxy_class(),
        FILE_PLUGIN,
        SURFACE_PLUGIN,
        FLOAT_ARRAY_PLUGIN,
        MIDI_PLUGIN,
        UUID_PLUGIN,
        LARGE_INTEGERS_PLUGIN,
        FILE_ATTRIBUTES_PLUGIN,
        pharo_vm_maker(branch, shape),
    ]
    files = {"smalltalksrc/.properties": "{\n\t#format : #tonel\n}\n"}
    if shape == "2026":
        classes.append(NEW_FILE_PLUGIN)
        compatibility = "VMMakerCompatibilityForPharo6"
        files[f"smalltalksrc/{compatibility}/package.st"] = render_package(compatibility, style)
    for spec in classes:
        files[spec.path] = render_class(spec, style)
        package_style = spec.style or style
        files[f"smalltalksrc/{spec.package}/package.st"] = render_package(
            spec.package, package_style
        )
    return files


__all__ = [
    "LIST_METHOD",
    "MAKER_HOME",
    "NEW",
    "NEW_FILE_PLUGIN",
    "OLD",
    "PROXY",
    "ClassSpec",
    "Method",
    "render_class",
    "smalltalk_files",
    "virtual_machine_header",
]
