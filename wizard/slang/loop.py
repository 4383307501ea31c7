"""The Slang loop's build-folder facts: where the VMMaker image and its VM are, the
regeneration command line, and keeping the previous C while VMMaker rewrites it.

After a first full build, a changed plugin class is regenerated inside the build's VMMaker
image (``regenerate-plugin.st``, docs/slang-loop.md), in seconds and offline. The other
way, ``build.regenerate: image``, removes the image and its own step stamps so that cmake
builds the image again (its ExternalProject runs only while its stamp is missing: nothing
in pharo-vm's build reloads a changed class into the image) — but never the files cmake
wrote into the stamp folder at configure time, nor the plugin's C: when cmake runs again
(those files gone, as after ``rm -rf <B>/build/vmmaker``), the plugin list declares the
plugin and cmake stops at a C that is not there ("Cannot find source file").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath

from wizard.checkout.facts import generated_c

#: The ExternalProject stamp folders of the image (pharo-10/12, pharo-9), under build/vmmaker.
IMAGE_STAMP_FOLDERS = ("vmmaker-stamp", "build_vmmaker_get_image-stamp")
#: The VM that runs VMMaker, under build/vmmaker/vm: on Linux, on macOS, on Windows.
VMMAKER_VMS = ("pharo", "Contents/MacOS/Pharo", "PharoConsole.exe")
WORD_SIZES = (64, 32)
#: Where the previous C is kept, in the build folder (the wizard's own folder there).
PREVIOUS_C = "pharo-plugin-wizard/previous-c"


def vmmaker_folder(build_dir: Path) -> Path:
    return build_dir / "build" / "vmmaker"


def own_vmmaker_image(build_dir: Path) -> Path:
    """``<B>/build/vmmaker/image/VMMaker.image``: where cmake builds the image itself."""
    return vmmaker_folder(build_dir) / "image" / "VMMaker.image"


def _given(build_dir: Path) -> dict[str, str]:
    """The image and VM the build was configured to use instead of its own, from its
    CMakeCache.txt: ``VMMAKER_IMAGE`` (with ``GENERATE_VMMAKER`` off) and
    ``GENERATE_PHARO_VM`` — the wizard's cache, or the user's offline route."""
    from wizard.formats.cmake_cache import cmake_true, read_cache

    cache = {name: value for name, (_, value) in read_cache(build_dir).items()}
    given = {}
    if not cmake_true(cache.get("GENERATE_VMMAKER"), default=True) and cache.get("VMMAKER_IMAGE"):
        given["image"] = cache["VMMAKER_IMAGE"]
    if cmake_true(cache.get("GENERATE_PHARO_VM"), default=False):
        given["vm"] = cache["GENERATE_PHARO_VM"]
    return given


def vmmaker_image(build_dir: Path) -> Path:
    """The image the build generates with: the one its configure was given (the wizard's
    cache, ``VMMAKER_IMAGE``), else ``<B>/build/vmmaker/image/VMMaker.image``."""
    given = _given(build_dir).get("image")
    return Path(given) if given else own_vmmaker_image(build_dir)


def vmmaker_vm(build_dir: Path) -> Path | None:
    """The VM that runs the VMMaker image (``GENERATE_PHARO_VM`` when configured with one),
    or None when the build has not fetched it."""
    given = _given(build_dir).get("vm")
    if given:
        return Path(given) if Path(given).is_file() else None
    folder = vmmaker_folder(build_dir) / "vm"
    return next((folder / name for name in VMMAKER_VMS if (folder / name).is_file()), None)


def regenerate_script() -> Path:
    """``regenerate-plugin.st``, shipped with the wizard."""
    return Path(__file__).resolve().parents[1] / "smalltalk" / "regenerate-plugin.st"


def regenerate_command(build_dir: Path, vm: Path, class_path: Path, plugin: str) -> list[str]:
    """The regeneration command line (docs/slang-loop.md), as an argument list."""
    return [
        str(vm),
        "--headless",
        str(vmmaker_image(build_dir)),
        "--no-default-preferences",
        "--quit",
        str(regenerate_script()),
        str(class_path),
        str(build_dir),
        plugin,
    ]


def plugin_c_files(build_dir: Path, plugin: str) -> list[Path]:
    """The plugin's generated C, one file per word size."""
    return [build_dir / generated_c(plugin, bits) for bits in WORD_SIZES]


@dataclass
class PreviousC:
    """A copy of the plugin's generated C taken before VMMaker rewrites it.

    VMMaker deletes a C file before writing the new one, and a failed translation can leave
    one word size new and the other missing: :meth:`restore` puts the old pair back, so the
    previous library still builds from consistent sources.
    """

    build_dir: Path
    plugin: str
    saved: dict[Path, Path]

    @classmethod
    def keep(cls, build_dir: Path, plugin: str) -> PreviousC:
        from wizard.checkout.safe_files import copy_file, remove

        folder = PurePath(PREVIOUS_C)
        remove(build_dir, folder)  # never through a link: it is the wizard's own folder
        saved = {}
        for path in plugin_c_files(build_dir, plugin):
            if path.is_file():
                relative = folder / path.relative_to(build_dir)
                saved[path] = copy_file(path, build_dir, relative)
        return cls(build_dir, plugin, saved)

    def restore(self) -> list[Path]:
        """Put every saved file back (with its old time); answer what was restored."""
        from wizard.checkout.safe_files import copy_file

        for path, copy in self.saved.items():
            copy_file(copy, self.build_dir, path.relative_to(self.build_dir))
        return list(self.saved)


def image_step_stamps(build_dir: Path) -> list[Path]:
    """The image's own step stamps: the stamp folder's files without a suffix.

    ExternalProject names its step stamps ``<name>-<step>`` (``vmmaker-build``,
    ``vmmaker-done``); what cmake writes there at configure time has a suffix
    (``vmmaker-cfgcmd.txt``, ``download-vmmaker.cmake``) and must stay.
    """
    found = []
    for name in IMAGE_STAMP_FOLDERS:
        for folder in vmmaker_folder(build_dir).rglob(name):
            found += [p for p in sorted(folder.iterdir()) if p.is_file() and not p.suffix]
    return found


def forget_image(build_dir: Path) -> list[Path]:
    """Make the next ``make`` build the VMMaker image again and regenerate (the slow way).

    Removes the image folder and the image's own step stamps; answers what was removed. The
    plugin's generated C stays: when the plugin list declares the plugin, cmake (which may
    run again on the way, e.g. after ``rm -rf <B>/build/vmmaker``) needs that file, and the
    new image, newer than every generated file, regenerates it (pharo-10/12). On pharo-9,
    whose generation depends on the image target only, nothing is regenerated: the caller
    then regenerates the plugin alone in the new image. Keep a :class:`PreviousC` first.
    """
    doomed = [own_vmmaker_image(build_dir).parent, *image_step_stamps(build_dir)]
    from wizard.checkout.safe_files import remove

    return [path for path in doomed if remove(build_dir, path.relative_to(build_dir))]
