"""A plugin name that is already a class: of pharo-vm's base branch, or a Pharo kernel global.

A plugin named ``InterpreterProxy``, ``FilePlugin`` or ``SmartSyntaxInterpreterPlugin``
would overwrite that class of pharo-vm with the plugin's and commit it (InterpreterProxy
lost 488 lines that way); one named ``Object`` or ``Smalltalk`` would replace a class or
global every Pharo image needs. So such a name is refused before anything is written:
a kernel global already when the profile loads (and at ``--new``), a class of the
checkout at the first step that can know (``plugin-source``, before it writes; ``--lint``
with a checkout). ``--import`` is the way to take an existing class over.

The checkout's classes are read from the *base* branch's tree (``git grep`` on the
branch, never the working tree): the plugin's own class on the plugin branch, from an
earlier run or a colleague's commit, is this plugin, not a clash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess

#: Pharo kernel classes and globals a plugin must not be named after. Written by hand for
#: the wizard (not generated from an image), after the class names of Pharo 12's packages
#: Kernel, Kernel-CodeModel, Collections-* and Exceptions-*, and the globals a Pharo 12
#: image binds in ``Smalltalk globals`` (Smalltalk, Transcript, Processor, Display, Sensor,
#: Undeclared, World). Not every class of an image: the kernel names a newcomer might
#: pick; pharo-vm's own classes are found in the checkout itself.
KERNEL_GLOBALS = frozenset(
    [
        "ProtoObject",
        "Object",
        "Behavior",
        "ClassDescription",
        "Class",
        "Metaclass",
        "Trait",
        "Boolean",
        "True",
        "False",
        "UndefinedObject",
        "Magnitude",
        "Number",
        "Integer",
        "SmallInteger",
        "LargePositiveInteger",
        "LargeNegativeInteger",
        "Float",
        "BoxedFloat64",
        "SmallFloat64",
        "Fraction",
        "ScaledDecimal",
        "Character",
        "Collection",
        "SequenceableCollection",
        "ArrayedCollection",
        "HashedCollection",
        "String",
        "ByteString",
        "WideString",
        "Symbol",
        "ByteSymbol",
        "WideSymbol",
        "Array",
        "ByteArray",
        "WordArray",
        "FloatArray",
        "IntegerArray",
        "Float32Array",
        "Float64Array",
        "Bitmap",
        "OrderedCollection",
        "SortedCollection",
        "Set",
        "IdentitySet",
        "Dictionary",
        "IdentityDictionary",
        "SystemDictionary",
        "Bag",
        "Interval",
        "LinkedList",
        "Link",
        "Association",
        "LookupKey",
        "WeakArray",
        "Point",
        "Rectangle",
        "Message",
        "MessageSend",
        "DirectedMessage",
        "Exception",
        "Error",
        "Warning",
        "Notification",
        "ZeroDivide",
        "MessageNotUnderstood",
        "Halt",
        "SubscriptOutOfBounds",
        "PrimitiveFailed",
        "BlockClosure",
        "FullBlockClosure",
        "CompiledMethod",
        "CompiledCode",
        "CompiledBlock",
        "Context",
        "Process",
        "ProcessorScheduler",
        "Semaphore",
        "Mutex",
        "Monitor",
        "Delay",
        "Date",
        "Time",
        "DateAndTime",
        "Duration",
        "Timespan",
        "Stream",
        "PositionableStream",
        "ReadStream",
        "WriteStream",
        "ReadWriteStream",
        "Smalltalk",
        "SmalltalkImage",
        "Transcript",
        "Processor",
        "Display",
        "Sensor",
        "Undeclared",
        "World",
        "Pragma",
        "Slot",
        "Random",
        "ExternalAddress",
        "ExternalData",
        "Alien",
    ]
)


def kernel_global_problem(name: str) -> str | None:
    """Why ``name`` cannot be a plugin's name as a Pharo kernel global, or None."""
    if name not in KERNEL_GLOBALS:
        return None
    return (
        f"{name} is a Pharo kernel class or global: the plugin would replace it in every image "
        "that loads it; pick another name"
    )


@dataclass(frozen=True)
class Clash:
    """The checkout's base branch already defines the plugin's class, in ``path``."""

    name: str
    branch: str
    path: str

    def sentence(self) -> str:
        return (
            f"{self.name} is already a class of the checkout ({self.path} on {self.branch}): "
            f"the plugin would overwrite it; pick another name, or take that class over with "
            f"--import {self.name} --from-checkout <the checkout>"
        )


_DEFINITION = r"#name[[:space:]]*:[[:space:]]*(#{0}|#?'{0}')[[:space:]]*(,|$)"


def base_branch_class(checkout: Path, branch: str, name: str) -> str | None:
    """The file of ``branch``'s tree (``smalltalksrc/*/``) whose Tonel definition names
    ``name`` (``#name : #X`` or ``#name : 'X'``), or None. Reads the branch, not the work tree.
    """
    ref = _ref(checkout, branch)
    if ref is None:
        return None
    result = _git(
        checkout, "grep", "-l", "-E", "-I", _DEFINITION.format(re.escape(name)), ref, "--",
        "smalltalksrc/*/*.class.st", "smalltalksrc/*/*.trait.st",
    )  # fmt: skip
    for line in str(result.stdout).splitlines():
        return line.split(":", 1)[1] if ":" in line else line
    return None


def _ref(checkout: Path, branch: str) -> str | None:
    """The local branch, else the remote-tracking one, as a commit id; None when neither is."""
    for ref in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):
        result = _git(checkout, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        if result.returncode == 0:
            return str(result.stdout).strip()
    return None


def plugin_branch_owns(checkout: Path, base: str, plugin_branch: str, path: str) -> bool:
    """Whether a commit of the plugin branch since ``base`` changed ``path`` (an earlier run
    of this plugin, or a colleague's commit on its branch, took the class over)."""
    base_ref, plugin_ref = _ref(checkout, base), _ref(checkout, plugin_branch)
    if base_ref is None or plugin_ref is None:
        return False
    result = _git(checkout, "log", "--format=%H", "-1", f"{base_ref}..{plugin_ref}", "--", path)
    return bool(result.stdout.strip())


def checkout_clash(
    checkout: Path, base: str | None, plugin_branch: str, name: str, rendered: str | None
) -> Clash | None:
    """The clash of ``name`` with a class of the base branch, or None.

    Not a clash: no such class on the base branch; the class there has the comment and the
    definition the profile renders (a profile ``--import`` wrote from it, its methods
    perhaps edited since); a commit of the plugin branch changed that file already (this
    plugin's own class).
    """
    if base is None or not (checkout / ".git").exists():
        return None
    path = base_branch_class(checkout, base, name)
    if path is None:
        return None
    if rendered is not None and _same_class(_blob(checkout, base, path), rendered):
        return None
    if plugin_branch_owns(checkout, base, plugin_branch, path):
        return None
    return Clash(name, base, path)


def _same_class(base_text: str | None, rendered: str) -> bool:
    """Whether both texts have the same class comment and definition (all up to the ``}``
    that closes ``Class {``): the profile was imported from that very class."""
    if base_text is None:
        return False
    head = _head(rendered)
    return head is not None and _head(base_text.replace("\r\n", "\n")) == head


def _head(text: str) -> str | None:
    match = re.search(r"^Class \{.*?^\}[ \t]*$", text, re.MULTILINE | re.DOTALL)
    return text[: match.end()] if match else None


def _blob(checkout: Path, branch: str, path: str) -> str | None:
    ref = _ref(checkout, branch)
    if ref is None:
        return None
    result = _git(checkout, "cat-file", "blob", f"{ref}:{path}", text=False)
    return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None


def _git(checkout: Path, *args: str, text: bool = True) -> subprocess.CompletedProcess[Any]:
    """``git -C checkout ARGS…`` with its output captured; a failing git is its exit status."""
    import subprocess  # here, not at load: loading a profile checks the name, never asks git

    return subprocess.run(
        ["git", "-C", str(checkout), *args], capture_output=True, text=text, check=False
    )
