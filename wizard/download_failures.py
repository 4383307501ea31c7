"""Downloads that failed during a cmake or make run, read from the step's log.

pharo-vm's build downloads its VMMaker image and VM (files.pharo.org) and, with
``BUILD_BUNDLE`` on, third-party libraries (GitHub, files.pharo.org). cmake's download
script retries each file and then prints, per attempt, a block like::

    error: downloading 'https://files.pharo.org/…/stable.zip' failed
          status_code: 6
          status_string: "Couldn't resolve host name"

so an offline machine gets the same few lines five to eight times. This module folds them
into one failure per URL, so that a step can say once which host could not be reached and
point to the README's offline options instead of "read the log".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from wizard.errors import StepFailed

_FAILED = re.compile(r"downloading '(?P<url>[^']+)' failed")
_CODE = re.compile(r"^\s*status_code:\s*(?P<code>\d+)")
_STRING = re.compile(r'^\s*status_string:\s*"(?P<text>[^"]*)"')

OFFLINE_HINT = (
    "check the network (or https_proxy), or build without downloads: README "
    '"Offline builds" (BUILD_BUNDLE=false for configure; GENERATE_VMMAKER=false, '
    "VMMAKER_IMAGE and GENERATE_PHARO_VM for the generation; pharo-10 and pharo-12)"
)


@dataclass(frozen=True)
class DownloadFailure:
    """One URL the build could not download, with curl's status (6: host not resolved)."""

    url: str
    status_code: int | None
    status_string: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or self.url


def download_failures(log: Path) -> list[DownloadFailure]:
    """Each failed URL once, in the order first met, with its last status."""
    found: dict[str, DownloadFailure] = {}
    url: str | None = None
    code: int | None = None
    try:
        stream = log.open("r", encoding="utf-8", errors="replace")
    except OSError:
        return []
    with stream:
        for line in stream:
            failed = _FAILED.search(line)
            if failed:
                url, code = failed.group("url"), None
                found.setdefault(url, DownloadFailure(url, None, ""))
                continue
            if url is None:
                continue
            if match := _CODE.match(line):
                code = int(match.group("code"))
                found[url] = DownloadFailure(url, code, found[url].status_string)
            elif match := _STRING.match(line):
                found[url] = DownloadFailure(url, code, match.group("text"))
    return list(found.values())


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
