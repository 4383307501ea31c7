"""The test repository: a small git repository shaped like pharo-vm, built by the tests.

This package is our model of pharo-vm, for the tests and the benchmarks (``bench/``) alike;
it lives at the repository root, beside ``wizard/``, so that a benchmark runs from the
README's install (``pip install .``, no test extras) without importing ``tests/``.  It is
not part of the wheel (``pyproject.toml`` ships ``wizard`` and ``screens`` only).

The wizard's tests drive the real ``git``, ``cmake``, ``make`` and C compiler on this
repository.  **Two things are test doubles**, both standing where a Pharo image would be
needed (these machines cannot have one).  The VMMaker stand-in: ``scripts/vmmaker-standin.py``
stands in for VMMaker's code generator, which in pharo-vm runs inside a Pharo image downloaded
at build time, and ``B/build/vmmaker/vm/pharo`` (written by cmake from
``scripts/vmmaker-vm-standin.in``) stands in for the Pharo VM that runs that image: it hands
its command line to the former.  They answer pharo-vm's command lines and the Slang loop's
``regenerate-plugin.st`` one, and record each run in
``B/build/vmmaker/vmmaker-standin-record.jsonl`` (image built? full generation? one plugin
regenerated?).  The VM stand-in: ``src/vm-standin.c``, built and installed as the VM
(``B/build/vm/pharo``), stands in for the built VM running ``try-plugin.st`` in a Pharo image:
it loads the real plugin library by module name through the library path (``getModuleName``
prefix, ``setInterpreter`` with an interpreter proxy, ``initialiseModule``), calls the real
primitives and prints the script's ``TRY``/``BENCH`` lines (see its header comment).
Everything was written for the tests from facts read in pharo-vm's branches (pharo-9,
pharo-10, pharo-12); nothing is copied from pharo-vm.

``build_fake_pharo_vm(dest)`` makes a non-bare repository with a working tree.

Branches (:data:`BRANCHES` and ``pharo-12-2025``), with fixed authors and dates so commit
ids never change::

    pharo-9        old Tonel style (#name : #FloatArrayPlugin); no GENERATE_VMMAKER option
    pharo-10       new Tonel style (#name : 'FloatArrayPlugin', #package, #tag); HEAD; the
                   2024 layout (root plugins.cmake)
    pharo-12-2025  pharo-12 as of January 2025: new Tonel style; PharoVMMaker's list method
                   lost its options: keyword; the 2025 layout (cmake/plugins.cmake,
                   add_vm_plugin(NAME GENERATED MACOS_AS_UNIX), plugins/<Name>/)
    pharo-12       pharo-12 of 2026, one commit on top of pharo-12-2025: PharoVMMaker moved
                   to smalltalksrc/VMMaker/ (package VMMaker, tag Generation), its list over
                   three lines (internal: #(  ) / external: / #( NewFilePlugin FilePlugin
                   SurfacePlugin FloatArrayPlugin );), the class NewFilePlugin, its C in
                   PLUGIN_GENERATED_FILES and add_vm_plugin(NewFilePlugin TRUE FALSE) in
                   cmake/plugins.cmake

The three shapes the wizard supports, and their branches, are :data:`SHAPE_BRANCHES`
(2024: pharo-10, 2025: pharo-12-2025, 2026: pharo-12); :data:`PHARO_VM_MAKER_IN` says where
each keeps PharoVMMaker.

What is where (every branch; the 2025 layout moves the build files as pharo-vm PR #904 did:
``cmake/plugins.cmake``, ``cmake/macros.cmake``, ``plugins/<Name>/``)::

    .gitignore                       build/
    CMakeLists.txt                   options GENERATE_SOURCES (ON), GENERATE_VMMAKER (ON;
                                     pharo-10/12 only), FLAVOUR (CoInterpreter),
                                     ICEBERG_DEFAULT_REMOTE (scpUrl), BUILD_BUNDLE,
                                     FEATURE_LIB_* (accepted, ignored), ...; builds the VM
                                     core PharoVMCore from the generated VM sources and the
                                     executable pharo; includes macros.cmake,
                                     cmake/vmmaker.cmake, plugins.cmake in one scope
    macros.cmake                     addLibraryWithRPATH (shared library in build/vm,
                                     linked to PharoVMCore, a dependency of pharo)
    plugins.macros.cmake             add_vm_plugin(NAME [sources]): globs
                                     extracted/plugins/NAME/src/common/*.c, prints
                                     "Adding plugin: NAME"
    plugins.cmake                    FilePlugin (explicit), SurfacePlugin, FloatArrayPlugin
                                     (from ${PHARO_CURRENT_GENERATED}/plugins/src/<P>/<P>.c),
                                     LargeIntegers (C checked in under extracted/)
    cmake/vmmaker.cmake              PHARO_CURRENT_GENERATED = <B>/generated/64,
                                     VMSOURCEFILES, the PLUGIN_GENERATED_FILES block, the
                                     image bootstrap and the generation command, targets
                                     vmmaker and generate-sources
    cmake/packaging.cmake            install prefix <B>/build/dist (a normal variable);
                                     dist/pharo, dist/bin/pharo, dist/lib/ = build/vm/
    cmake/BuildType.cmake            RelWithDebInfo by default (pharo-10/12 only)
    scripts/vmmaker-standin.py       A TEST DOUBLE: VMMaker (see its docstring)
    scripts/vmmaker-vm-standin.in    A TEST DOUBLE: the VM that runs VMMaker (cmake writes it
                                     to B/build/vmmaker/vm/pharo)
    scripts/installVMMaker.st        what the image bootstrap "runs"
    src/vm-standin.c                 THE VM STAND-IN, built as pharo (see its comment)
    extracted/vm/include/common/sqVirtualMachine.h
                                     sqInt, EXPORT(), struct VirtualMachine: one member per
                                     InterpreterProxy method (selector without colons)
    extracted/plugins/...            FilePlugin and SurfacePlugin headers, FilePlugin's
                                     platform C, LargeIntegers.c
    packaging/linux/pharo            the launcher installed as dist/pharo
    smalltalksrc/.properties         { #format : #tonel }
    smalltalksrc/BaselineOfVMMaker/  loads VMMakerCompatibilityForPharo6, VMMaker,
                                     FileAttributesPlugin
    smalltalksrc/VMMakerCompatibilityForPharo6/PharoVMMaker.class.st
                                     internal: #() external: #(FilePlugin SurfacePlugin
                                     FloatArrayPlugin); in the method LIST_METHOD[branch]
                                     (pharo-12 of 2026: smalltalksrc/VMMaker/, three lines)
    smalltalksrc/VMMaker/            VMClass, InterpreterPlugin, SmartSyntaxInterpreterPlugin,
                                     Oop, InterpreterProxy (~60 selectors, no
                                     stringFromCString:), FilePlugin, SurfacePlugin
                                     (VMMaker-Plugins-Surface), FloatArrayPlugin, and not
                                     listed: MIDIPlugin (SmartSyntax), UUIDPlugin (classic),
                                     LargeIntegersPlugin (SmartSyntax, module LargeIntegers)
    smalltalksrc/FileAttributesPlugin/
                                     FileAttributesPlugin, old style on every branch

A build (B = the cmake binary folder; ``cmake -S repo -B B``, then
``cmake --build B --target install``)::

    B/build/vmmaker/vm/pharo                   the stand-in VM that runs the image
    B/build/vmmaker/image/Pharo*.image         a plain Pharo image (.changes, .sources),
                                               "unzipped" first, as pharo-vm downloads one
    B/build/vmmaker/image/VMMaker.image        the "image", saved from it and made once by
                                               the bootstrap (with VMMaker.changes)
    B/build/vmmaker/image/smalltalksrc/        the code in the image: a copy of the
                                               baseline's packages taken at bootstrap
    B/build/vmmaker/src/vmmaker-stamp/         the bootstrap's stamp folder (pharo-9:
                                               build_vmmaker_get_image-stamp/): step stamps
                                               (vmmaker-build, vmmaker-done) and a file cmake
                                               writes at configure time (vmmaker-cfgcmd.txt)
    B/build/vmmaker/vmmaker-standin-record.jsonl
                                               what each stand-in run did, one JSON a line
    B/generated/{64,32}/vm/{src,include}/      generated VM sources
    B/generated/{64,32}/plugins/src/<P>/<P>.c  one per listed plugin class in the image
    B/build/vm/                                pharo, libPharoVMCore.so, lib<P>.so
    B/build/dist/lib/                          the same, installed; B/build/dist/pharo

Nothing depends on the .st files, as in pharo-vm: after editing ``smalltalksrc``, the build
uses the new code only once ``B/build/vmmaker/image`` and ``B/build/vmmaker/src/vmmaker-stamp``
(pharo-9: ``B/build/vmmaker/src/build_vmmaker_get_image-stamp``) are deleted, so that the
image is made again.  On pharo-10/12 the new image is newer than the generated files, so the
next build also regenerates them; on pharo-9 the generation depends on the image target only
and runs again only when one of its outputs is missing (delete ``B/generated`` as well).
The stand-in skips listed names without a plugin class silently, as VMMaker does.  With
``VMMAKER_STANDIN_NOISE_LINES=N`` in the environment it prints N lines of chatter.
"""

from fakevm.builder import (
    ALL_BRANCHES,
    BRANCH_LAYOUT,
    BRANCHES,
    DEFAULT_BRANCH,
    EXTERNAL_PLUGINS_2026,
    HISTORY,
    PHARO_VM_MAKER,
    PHARO_VM_MAKER_IN,
    PHARO_VM_MAKER_ON,
    PLUGIN_LIST_ON,
    SHAPE_BRANCHES,
    STOCK_EXTERNAL_PLUGINS,
    branch_files,
    build_fake_pharo_vm,
    external_list_text,
    stock_external_plugins,
)
from fakevm.recipes import STALE_IMAGE
from fakevm.smalltalk import LIST_METHOD, PROXY

STANDIN = "scripts/vmmaker-standin.py"
VM_STANDIN = "src/vm-standin.c"

__all__ = [
    "ALL_BRANCHES",
    "BRANCH_LAYOUT",
    "BRANCHES",
    "DEFAULT_BRANCH",
    "EXTERNAL_PLUGINS_2026",
    "HISTORY",
    "LIST_METHOD",
    "PHARO_VM_MAKER",
    "PHARO_VM_MAKER_IN",
    "PHARO_VM_MAKER_ON",
    "PLUGIN_LIST_ON",
    "SHAPE_BRANCHES",
    "PROXY",
    "STALE_IMAGE",
    "STANDIN",
    "VM_STANDIN",
    "STOCK_EXTERNAL_PLUGINS",
    "branch_files",
    "build_fake_pharo_vm",
    "external_list_text",
    "stock_external_plugins",
]
