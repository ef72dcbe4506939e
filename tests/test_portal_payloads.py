"""Data is never code: a release whose every text cell carries a template, HTML, SVG or script
payload is served by the real portal, and every page shows each payload as inert text.

The release is written with the project's own writers from the session's build, every text
value prefixed with one of the payloads (the same value always gets the same one, so keys
and references still join), the way an attacker's curated titles would reach it.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from datasette.utils import tilde_encode

from hanoi_coop.metadata import RESOURCES
from hanoi_coop.package.read import read_frames
from hanoi_coop.package.write import write_package
from hanoi_coop.portal.serve import database_path
from hanoi_coop.publish.release import write_bundle

from .corruption import copy_published

VERSION = "9.9.9"
# Each payload with what it would leave in the page if it ran: a template's arithmetic,
# a loop's repetition, an element the payload would create.
PAYLOADS = {
    "{{ 6007*7 }}": "42049",
    "{%endraw%}{{ 5039*11 }}{%raw%}": "55429",
    "{% for x in range(3) %}LOOP{% endfor %}": "LOOPLOOP",
    "<script>window.pwned=1</script>": "<script>window.pwned",
    "<svg onload=alert(1)>": "<svg onload",
    "<img src=x onerror=alert(2)>": "<img src=x",
    '"><b class="injected">': '<b class="injected"',
    "</text></svg><i>svg-break</i>": "<i>svg-break",
    "</title></textarea></script><u>closed</u>": "<u>closed",
}


SCRIPT_URL = "javascript:window.pwned=3//"


def _payload_for(value: str) -> str:
    return list(PAYLOADS)[zlib.crc32(value.encode()) % len(PAYLOADS)]


def _poisoned(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    frame = frame.copy()
    for field in RESOURCES[table].fields:
        # evidence.table_name stays a table's name, so row pages find their quotes
        if field.type == "string" and field.name != "table_name":
            column = frame[field.name]
            # an address becomes a script URL: a page may link an address only when it is http(s)
            prefix = (lambda v: SCRIPT_URL) if field.name == "url" else _payload_for
            frame[field.name] = column.map(
                lambda v, prefix=prefix: v if pd.isna(v) else prefix(v) + v).astype(
                column.dtype)
    return frame


@pytest.fixture(scope="module")
def poisoned_portal(built: Path, tmp_path_factory: pytest.TempPathFactory):
    from .portal_server import running_portal

    root = tmp_path_factory.mktemp("poisoned")
    package = root / "package"
    copy_published(built, package)
    frames = {name: _poisoned(frame, name) for name, frame in read_frames(package).items()}
    write_package(frames, package, VERSION)
    bundle = root / "releases" / VERSION
    bundle.mkdir(parents=True)
    write_bundle(package, bundle, VERSION)
    workdir = root / "portal"
    workdir.mkdir()
    with running_portal(root, workdir) as url:
        yield url, frames


class _Text(HTMLParser):
    """The text a browser shows (character references decoded), and every tag it builds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, list]] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, attrs))


def _page(url: str) -> tuple[str, _Text]:
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read().decode()
    parsed = _Text()
    parsed.feed(body)
    return body, parsed


def _assert_inert(body: str, parsed: _Text, where: str) -> set[str]:
    """No payload ran or built an element; returns the payloads shown as text."""
    for payload, ran in PAYLOADS.items():
        assert ran not in body, f"{where}: {payload!r} ran ({ran!r} in the page)"
    handlers = [(tag, name) for tag, attrs in parsed.tags for name, _ in attrs
                if name.startswith("on")]
    assert not handlers, f"{where}: event handlers in the page: {handlers}"
    assert not [a for t, a in parsed.tags if t == "b" and ("class", "injected") in a], where
    links = [v for _, attrs in parsed.tags for name, v in attrs
             if name in ("href", "src") and (v or "").lower().startswith("javascript:")]
    assert not links, f"{where}: script URLs linked: {links}"
    text = "".join(parsed.text)
    return {p for p in PAYLOADS if p in text}


def _pages(url: str, frames: dict[str, pd.DataFrame]) -> list[str]:
    database = url + database_path(VERSION)
    found = [url + "/", url + "/pictures", url + "/downloads", database]
    for name, resource in RESOURCES.items():
        found.append(f"{database}/{name}")
        key = frames[name][resource.primary_key].iloc[0]
        found.append(f"{database}/{name}/{tilde_encode(key)}")
        if resource.full_text:
            found.append(f"{database}/{name}?_search=" + urllib.parse.quote("LOOP"))
    return found


def test_every_page_shows_every_payload_as_text(poisoned_portal):
    url, frames = poisoned_portal
    shown: set[str] = set()
    for address in _pages(url, frames):
        try:
            body, parsed = _page(address)
        except urllib.error.HTTPError as error:
            pytest.fail(f"{address}: {error.code}")
        shown |= _assert_inert(body, parsed, address)
    assert shown == set(PAYLOADS), f"payloads never shown: {set(PAYLOADS) - shown}"


def test_the_pictures_show_the_payloads_of_their_labels_as_text(poisoned_portal):
    url, frames = poisoned_portal
    body, parsed = _page(url + "/pictures")
    shown = _assert_inert(body, parsed, "/pictures")
    titles = {_payload_for(t.removeprefix(p)) for t in frames["meetings"]["title"]
              for p in PAYLOADS if t.startswith(p)}
    assert titles and titles <= shown
    assert [t for t, _ in parsed.tags].count("svg") == 4  # two timelines, a map, a network
