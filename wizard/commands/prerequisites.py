"""What a machine needs to build pharo-vm with a plugin: one table, package names per system.

The CI workflow (``--emit-ci``) installs these packages, and ``--doctor``
(docs/command-line.md, "Doctor"; :mod:`wizard.commands.doctor`) checks the same list, so
that what CI installs and what the doctor asks for never drift apart. Only facts live here:
the table does not run anything.

The libraries are the ones pharo-vm's configure looks for when ``BUILD_BUNDLE`` is off (it
then downloads no third-party library, and configures offline with these installed):
libffi (``find_package(FFI)``), uuid (UUIDPlugin links it) and the OpenSSL headers
(SqueakSSL's ``find_package(OpenSSL REQUIRED)`` on Linux). On macOS make, the compiler,
uuid and the TLS code (the Security framework) come with the Xcode command line tools, so
Homebrew has nothing to add for them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prerequisite:
    """One thing the build needs, and the package that provides it on each system.

    ``apt`` is the Debian/Ubuntu package, ``brew`` the Homebrew formula; ``None`` means the
    system already provides it there (``macos_note`` says by what).
    """

    name: str
    why: str
    apt: str | None
    brew: str | None
    macos_note: str = ""


PREREQUISITES: tuple[Prerequisite, ...] = (
    Prerequisite("git", "clone pharo-vm, branch, commit", "git", "git"),
    Prerequisite("cmake", "configure pharo-vm (3.16 or newer)", "cmake", "cmake"),
    Prerequisite("make", "run the build", "make", None, "Xcode command line tools"),
    Prerequisite("C compiler", "compile the VM and the plugin", "gcc", None, "Xcode (clang)"),
    Prerequisite("libffi", "the FFI plugins (find_package(FFI))", "libffi-dev", "libffi"),
    Prerequisite("uuid", "UUIDPlugin links libuuid", "uuid-dev", None, "part of libSystem"),
    Prerequisite(
        "OpenSSL headers",
        "SqueakSSL on Linux (find_package(OpenSSL REQUIRED))",
        "libssl-dev",
        None,
        "SqueakSSL uses the Security framework",
    ),
)


def apt_packages(table: tuple[Prerequisite, ...] = PREREQUISITES) -> list[str]:
    """The Debian/Ubuntu packages to install, in table order, each once."""
    return list(dict.fromkeys(item.apt for item in table if item.apt))


def brew_packages(table: tuple[Prerequisite, ...] = PREREQUISITES) -> list[str]:
    """The Homebrew formulae to install, in table order, each once."""
    return list(dict.fromkeys(item.brew for item in table if item.brew))
