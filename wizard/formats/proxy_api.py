"""The messages a plugin may send to ``interpreterProxy``, read from the checkout.

``smalltalksrc/VMMaker/InterpreterProxy.class.st`` defines, as instance-side methods, the
interface a plugin reaches through its ``interpreterProxy`` variable.  Tonel puts every
method header on a line of its own (``InterpreterProxy >> pop: nItems thenPush: oop [``),
so the selectors are read from those lines with a regular expression: the whole file (about
190 methods) takes well under a millisecond, against tens for a full parse.

Every instance-side selector is kept, including the few in the ``private`` and
``initialize`` protocols (such as ``pop:thenPushInteger:``): the file is the only
definition the wizard can see, and a false "does not understand" would stop a build that
VMMaker accepts.

InterpreterProxy is not the whole story.  Slang translates some sends to
``interpreterProxy`` without going through the proxy at all, and real plugins rely on it:

* the "kernel selectors" that CCodeGenerator turns into C macros (``cCoerce:to:``,
  ``byteAt:``, ``long32At:put:``, ...; ``CCodeGenerator >> isKernelSelector:``),
* the basic constants (``wordSize``, ``bytesPerOop``, ``minSmallInteger``, ...;
  ``VMBasicConstants class >> mostBasicConstantSelectors``),
* methods of InterpreterPlugin itself (``positiveMachineIntegerFor:``,
  ``signedMachineIntegerFor:``), which are translated into every plugin.

:func:`understood_by_proxy` adds those to the InterpreterProxy selectors; that is the
mapping the lint should use.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from wizard.slang.selectors import argument_count

_KEYWORD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*:)\s*[A-Za-z_][A-Za-z0-9_]*")
_UNARY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BINARY = re.compile(r"([-+*/\\<>=~@%|&?,!]+)\s*[A-Za-z_][A-Za-z0-9_]*")


#: Sends Slang compiles to C macros whatever the receiver (union over pharo-9/10/12).
KERNEL_SELECTORS = tuple(
    [
        "error:",
        "oopAt:",
        "oopAt:put:",
        "oopAtPointer:",
        "oopAtPointer:put:",
        "byteAt:",
        "byteAt:put:",
        "byteAtPointer:",
        "byteAtPointer:put:",
        "shortAt:",
        "shortAt:put:",
        "shortAtPointer:",
        "shortAtPointer:put:",
        "intAt:",
        "intAt:put:",
        "intAtPointer:",
        "intAtPointer:put:",
        "longAt:",
        "longAt:put:",
        "longAtPointer:",
        "longAtPointer:put:",
        "long32At:",
        "long32At:put:",
        "long64At:",
        "long64At:put:",
        "float32At:",
        "float32At:put:",
        "float64At:",
        "float64At:put:",
        "fetchFloatAt:into:",
        "storeFloatAt:from:",
        "fetchFloatAtPointer:into:",
        "storeFloatAtPointer:from:",
        "fetchSingleFloatAt:into:",
        "storeSingleFloatAt:from:",
        "fetchSingleFloatAtPointer:into:",
        "storeSingleFloatAtPointer:from:",
        "pointerForOop:",
        "oopForPointer:",
        "cCoerce:to:",
        "cCoerceSimple:to:",
    ]
)
#: Sends to interpreterProxy that Slang replaces by VM constants.
BASIC_CONSTANT_SELECTORS = tuple(
    [
        "baseHeaderSize",
        "wordSize",
        "bytesPerOop",
        "shiftForWord",
        "bytesPerWord",
        "minSmallInteger",
        "maxSmallInteger",
    ]
)


def proxy_selectors(interpreter_proxy_class_text: str) -> dict[str, int]:
    """Instance-side selector -> argument count, in file order (either Tonel style)."""
    return instance_selectors(interpreter_proxy_class_text, "InterpreterProxy")


def understood_by_proxy(
    interpreter_proxy_class_text: str, interpreter_plugin_class_text: str | None = None
) -> dict[str, int]:
    """Every selector a plugin may send to ``interpreterProxy``: see the module docstring.

    ``interpreter_plugin_class_text`` is ``smalltalksrc/VMMaker/InterpreterPlugin.class.st``;
    without it the InterpreterPlugin helpers are not included.
    """
    selectors = proxy_selectors(interpreter_proxy_class_text)
    for selector in (*KERNEL_SELECTORS, *BASIC_CONSTANT_SELECTORS):
        selectors.setdefault(selector, argument_count(selector))
    if interpreter_plugin_class_text is not None:
        for selector, count in instance_selectors(
            interpreter_plugin_class_text, "InterpreterPlugin"
        ).items():
            selectors.setdefault(selector, count)
    return selectors


def instance_selectors(class_text: str, class_name: str) -> dict[str, int]:
    """Instance-side selectors defined in a Tonel class file, with their argument counts."""
    header = re.compile(rf"^{re.escape(class_name)} >> (.+?)\s*\[\s*$", re.MULTILINE)
    selectors: dict[str, int] = {}
    for match in header.finditer(class_text):
        selector = _selector_of_pattern(match.group(1))
        if selector:
            selectors[selector] = argument_count(selector)
    return selectors


def _selector_of_pattern(pattern: str) -> str | None:
    pattern = pattern.strip()
    if _UNARY.fullmatch(pattern):
        return pattern
    binary = _BINARY.fullmatch(pattern)
    if binary:
        return binary.group(1)
    keywords = _KEYWORD.findall(pattern)
    if keywords and _KEYWORD.sub("", pattern).strip() == "":
        return "".join(keywords)
    return None


def suggest(selector: str, known: Mapping[str, int], n: int = 3) -> list[str]:
    """Up to ``n`` known selectors close to ``selector``; those taking as many arguments first."""
    candidates = difflib.get_close_matches(selector, list(known), n=max(n * 3, 6), cutoff=0.6)
    wanted = argument_count(selector)
    same = [c for c in candidates if known[c] == wanted]
    other = [c for c in candidates if known[c] != wanted]
    return (same + other)[:n]
