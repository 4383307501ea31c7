"""Downloads that failed during a cmake or make run, read from the step's log.

pharo-vm's build downloads its VMMaker image and VM (files.pharo.org) and, with
``BUILD_BUNDLE`` on, third-party libraries (GitHub, files.pharo.org). cmake's download
script retries each file and then prints, per attempt, a block like::

    error: downloading 'https://files.pharo.org/…/stable.zip' failed
          status_code: 6
          status_string: "Couldn't resolve host name"

so an offline machine gets the same few lines five to eight times. A bundled library
cloned with git fails differently (git's ``Could not resolve host: github.com``, three
times, then ExternalProject's ``Failed to clone repository: 'URL'``), and so do a
``file(DOWNLOAD … STATUS)`` a script prints (``6;"Couldn't resolve host name"``) and curl
itself (``curl: (6) Could not resolve host: …``). This module folds all of them into one
failure per URL (or host, when no URL is named), so that a step can say once which host
could not be reached and point to the README's offline options instead of "read the log".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from wizard.errors import StepFailed

_FAILED = re.compile(r"downloading '(?P<url>[^']+)' failed")
_CODE = re.compile(r"^\s*status_code:\s*(?P<code>\d+)")
_STRING = re.compile(r'^\s*status_string:\s*"(?P<text>[^"]*)"')
#: ExternalProject's git clone, after its three attempts.
_CLONE = re.compile(r"Failed to clone repository: '(?P<url>[^']+)'")
#: git's and curl's own words for a host they could not reach (curl: (6) …, fatal: …).
_HOST = re.compile(
    r"(?P<text>Could not resolve (?:proxy|host): |Failed to connect to |"
    r"failed to resolve address for )(?P<host>[A-Za-z0-9.-]+[A-Za-z0-9])"
)
#: ``file(DOWNLOAD … STATUS s)`` printed by a script: ``6;"Couldn't resolve host name"``.
_STATUS_PAIR = re.compile(r'\b(?P<code>\d{1,3});"(?P<text>[^"]+)"')
_ADDRESS = re.compile(r"(?:https?|git|ssh)://[^\s'\"]+")

OFFLINE_HINT = (
    "check the network (or https_proxy), or build without downloads: docs/offline.md "
    "(BUILD_BUNDLE: false for configure; for the generation, the "
    "VMMaker image kept by an earlier build (--doctor lists them), or GENERATE_VMMAKER: "
    "false with VMMAKER_IMAGE and GENERATE_PHARO_VM; pharo-10 and pharo-12)"
)


@dataclass(frozen=True)
class DownloadFailure:
    """One URL (or bare host) the build could not download, with curl's status (6: host not
    resolved) when the log gives one, and its words."""

    url: str
    status_code: int | None
    status_string: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or self.url


def download_failures(log: Path) -> list[DownloadFailure]:
    """Each failed URL (or, when the log names none, host) once, in the order first met.

    Read: cmake's download script (``error: downloading 'URL' failed`` and its status lines),
    ExternalProject's git clone (``Failed to clone repository: 'URL'``), git's, curl's and
    libgit2's words for a host they could not reach, and ``file(DOWNLOAD … STATUS)`` pairs
    (``6;"Couldn't resolve host name"``). A host whose URL is also named is listed once.
    """
    try:
        stream = log.open("r", encoding="utf-8", errors="replace")
    except OSError:
        return []
    reader = _Reader()
    with stream:
        for line in stream:
            reader.feed(line)
    return reader.failures()


class _Reader:
    """The state of :func:`download_failures` while it reads a log, line by line."""

    def __init__(self) -> None:
        self.found: dict[str, DownloadFailure] = {}
        self.url: str | None = None
        self.code: int | None = None
        self.reason = ""  # the last host-level words met (git's, curl's)
        self.status: tuple[int, str] | None = None  # the last file(DOWNLOAD) status met

    def feed(self, line: str) -> None:
        if failed := _FAILED.search(line):
            self.url, self.code = failed.group("url"), None
            self.found.setdefault(self.url, DownloadFailure(self.url, None, ""))
        elif clone := _CLONE.search(line):
            url = clone.group("url")
            self.found[url] = DownloadFailure(url, None, self.reason or "git clone failed")
        elif (match := _CODE.match(line)) and self.url is not None:
            self.code = int(match.group("code"))
            self.found[self.url] = replace(self.found[self.url], status_code=self.code)
        elif (match := _STRING.match(line)) and self.url is not None:
            failure = self.found[self.url]
            self.found[self.url] = replace(failure, status_string=match.group("text"))
        elif host := _HOST.search(line):
            self.reason = host.group("text") + host.group("host")
            name = host.group("host").lower()
            code, text = self.status or (None, self.reason)
            self.found.setdefault(name, DownloadFailure(name, code, text))
        elif (pair := _STATUS_PAIR.search(line)) and int(pair.group("code")) != 0:
            self.status = (int(pair.group("code")), pair.group("text"))
            for url in _ADDRESS.findall(line):
                self.found.setdefault(url, DownloadFailure(url, *self.status))

    def failures(self) -> list[DownloadFailure]:
        """The failures, a bare host dropped when a URL of that host is there too."""
        with_urls = {f.host for f in self.found.values() if "://" in f.url}
        return [
            failure
            for failure in self.found.values()
            if "://" in failure.url or failure.host not in with_urls
        ]


def download_failure(failures: list[DownloadFailure]) -> StepFailed:
    """One failure that names each host once and points to the offline options."""
    hosts = list(dict.fromkeys(failure.host for failure in failures))
    first = failures[0]
    reason = first.status_string or "download failed"
    if first.status_code is not None:
        reason += f", curl status {first.status_code}"
    return StepFailed(
        f"could not download from {', '.join(hosts)} ({reason})",
        hint=OFFLINE_HINT,
        details=[failure.url for failure in failures],
    )
