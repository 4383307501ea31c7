"""Before a step that downloads: do the hosts it downloads from resolve? Asked in a second.

Offline, cmake's download script retries each file with pauses (5, 5, 15, 60 s) before it
gives up, so an offline ``generate`` used to wait about 85 s, on every rerun, before saying
"no network". The hosts a step downloads from are read from the checkout itself — the
``https://`` addresses in its cmake files (``GIT_REPOSITORY``, ``URL``, ``…_URL``,
``file(DOWNLOAD``) and the
``github://`` repositories its VMMaker baseline loads — and only when the step's options
make those downloads happen (the offline route is docs/offline.md):

- ``configure`` with ``BUILD_BUNDLE`` on fetches third-party libraries while it configures
  (GitHub clones, archives from files.pharo.org and savannah.gnu.org); with it off, none.
- ``generate`` (the first ``make install``) fetches the VM that runs VMMaker unless
  ``GENERATE_PHARO_VM`` names one, and the Pharo image plus VMMaker's GitHub dependencies
  unless ``GENERATE_VMMAKER`` is off; nothing once the build folder has both.

Each host is resolved with a short timeout, all at once; with a proxy set for https
(``https_proxy``, ``HTTPS_PROXY``, ``ALL_PROXY``, as curl and git read them, and unless
``no_proxy`` names the host) the proxy's host is resolved instead, since that is the only
name the machine looks up. A host that does not resolve fails the step in one line naming
it and the offline route.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from wizard.errors import StepFailed
from wizard.formats.cmake_cache import cmake_true

#: Seconds each host may take to resolve; the hosts are asked at the same time.
RESOLVE_TIMEOUT = 1.0
OFFLINE_ROUTE = "docs/offline.md"

_URL = re.compile(r"https?://(?P<host>[A-Za-z0-9.-]+)")
_GITHUB = re.compile(r"github://[^\s'\"]+")
#: A cmake line that downloads: a clone, an archive, or a variable holding a download URL.
_DOWNLOAD_LINE = re.compile(
    r"GIT_REPOSITORY|\bURL\b|_URL\b|BASEURL|file\(\s*DOWNLOAD", re.IGNORECASE
)
_NOT_A_DOWNLOAD = re.compile(r"HOMEPAGE|DESCRIPTION|^\s*#")


@dataclass(frozen=True)
class Downloads:
    """What a step is about to download, and from which hosts (in the order met)."""

    step: str
    what: str
    hosts: tuple[str, ...]


# --------------------------------------------------------------------------- which hosts


def hosts_in(texts: Iterable[str]) -> list[str]:
    """The hosts of the download addresses in cmake text, each once, in order."""
    found: dict[str, None] = {}
    for text in texts:
        for line in text.splitlines():
            if not _DOWNLOAD_LINE.search(line) or _NOT_A_DOWNLOAD.search(line):
                continue
            for match in _URL.finditer(line):
                found.setdefault(match.group("host").lower())
    return list(found)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def bundle_cmake_files(checkout: Path) -> list[Path]:
    """The cmake files whose downloads happen while cmake configures: all of them but
    ``cmake/vmmaker.cmake``, whose downloads are build steps (``generate``)."""
    files = [checkout / "CMakeLists.txt", *sorted(checkout.glob("*.cmake"))]
    files += sorted((checkout / "cmake").glob("*.cmake"))
    return [path for path in files if path.name != "vmmaker.cmake" and path.is_file()]


def configure_downloads(checkout: Path, options: Mapping[str, str]) -> Downloads | None:
    """What ``configure`` downloads: the bundle's libraries, only with ``BUILD_BUNDLE`` on."""
    if not cmake_true(options.get("BUILD_BUNDLE"), default=True):
        return None
    hosts = hosts_in(_read(path) for path in bundle_cmake_files(checkout))
    if not hosts:
        return None
    return Downloads(
        "configure", "the bundled third-party libraries (BUILD_BUNDLE on)", tuple(hosts)
    )


def baseline_hosts(checkout: Path) -> list[str]:
    """The hosts VMMaker's baseline loads its dependencies from (``github://`` → github.com)."""
    found: dict[str, None] = {}
    for path in sorted(checkout.glob("smalltalksrc/BaselineOf*/*.st")):
        text = _read(path)
        if _GITHUB.search(text):
            found.setdefault("github.com")
        for match in _URL.finditer(text):
            found.setdefault(match.group("host").lower())
    return list(found)


def generate_downloads(
    checkout: Path, cache: Mapping[str, str], has_image: bool, has_vm: bool
) -> Downloads | None:
    """What the first ``make install`` downloads, from the build folder's cmake cache
    (``GENERATE_SOURCES``, ``GENERATE_VMMAKER``, ``GENERATE_PHARO_VM``) and what the build
    folder already has (``has_image``, ``has_vm``: build/vmmaker's image and VM)."""
    if not cmake_true(cache.get("GENERATE_SOURCES"), default=True):
        return None
    wants_vm = not cmake_true(cache.get("GENERATE_PHARO_VM"), default=False) and not has_vm
    wants_image = cmake_true(cache.get("GENERATE_VMMAKER"), default=True) and not has_image
    if not (wants_vm or wants_image):
        return None
    hosts = hosts_in([_read(checkout / "cmake" / "vmmaker.cmake")])
    what = "the VM that runs VMMaker"
    if wants_image:
        hosts += [host for host in baseline_hosts(checkout) if host not in hosts]
        what = "the Pharo image, VMMaker's dependencies and the VM that runs it"
        if not wants_vm:
            what = "the Pharo image and VMMaker's dependencies"
    if not hosts:
        return None
    return Downloads("generate", what, tuple(hosts))


# --------------------------------------------------------------------------- resolving


def proxy_host(host: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The proxy host curl and git would connect to for ``https://host``, or None."""
    import urllib.request  # here, not at load: 13 ms that --dry-run and start-up need not pay

    proxies = urllib.request.getproxies_environment() if environ is None else _proxies_from(environ)
    proxy = proxies.get("https") or proxies.get("all")
    # typeshed leaves out urllib.request.proxy_bypass_environment, which is undocumented
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    if not proxy or bypass(host, proxies):
        return None
    return urlsplit(proxy if "://" in proxy else f"http://{proxy}").hostname


def _proxies_from(environ: Mapping[str, str]) -> dict[str, str]:
    """``getproxies_environment`` for a given environment (lower case wins, as there)."""
    proxies: dict[str, str] = {}
    for name, value in environ.items():
        if value and name.lower().endswith("_proxy"):
            scheme = name.lower()[: -len("_proxy")]
            if name.islower() or scheme not in proxies:
                proxies[scheme] = value
    return proxies


def resolve_all(hosts: Iterable[str], timeout: float = RESOLVE_TIMEOUT) -> dict[str, str | None]:
    """Each host → None when it resolves within ``timeout`` seconds, else why not.

    The hosts are asked at the same time (``getaddrinfo`` has no timeout of its own, so each
    runs in a daemon thread that is left behind if it hangs).
    """
    import socket  # here, not at load: only a step that downloads asks (start-up)
    import threading
    import time

    answers: dict[str, str | None] = {}
    threads = []

    def ask(name: str) -> None:
        try:
            socket.getaddrinfo(name, 443, proto=socket.IPPROTO_TCP)
            answers[name] = None
        except OSError as error:
            answers[name] = str(error)

    for name in dict.fromkeys(hosts):
        thread = threading.Thread(target=ask, args=(name,), daemon=True)
        thread.start()
        threads.append((name, thread))
    deadline = time.monotonic() + timeout
    for _, thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))  # all of them within one timeout
    return {name: answers.get(name, f"no answer within {timeout:g} s") for name, _ in threads}


def check_downloads(downloads: Downloads | None, environ: Mapping[str, str] | None = None) -> None:
    """Fail the step in one line when a host it downloads from (or its proxy) does not
    resolve; do nothing when the step downloads nothing."""
    if downloads is None:
        return
    asked = {host: proxy_host(host, environ) or host for host in downloads.hosts}
    answers = resolve_all(asked.values())
    for host, name in asked.items():
        problem = answers[name]
        if problem is None:
            continue
        via = f"the proxy {name} (for {host})" if name != host else host
        raise StepFailed(
            f"{via} does not resolve ({problem}): {downloads.step} downloads "
            f"{downloads.what} from {', '.join(downloads.hosts)}; offline, see {OFFLINE_ROUTE}",
            hint=offline_hint(downloads.step),
        )


def offline_hint(step: str) -> str:
    """The offline route for ``step``, as options of the profile."""
    if step == "configure":
        return (
            "check the network (or https_proxy); to configure without downloads put "
            "BUILD_BUNDLE: false in build.cmake_options (the system's libffi-dev, uuid-dev and "
            f"libssl-dev are used instead; {OFFLINE_ROUTE})"
        )
    return (
        "check the network (or https_proxy); without network the generation needs a VMMaker "
        "image: one build with network fills the wizard's cache (pharo-plugin-wizard "
        "--doctor lists it) and later builds use it, or give GENERATE_VMMAKER: false, "
        f"VMMAKER_IMAGE and GENERATE_PHARO_VM ({OFFLINE_ROUTE})"
    )
