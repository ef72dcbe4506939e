"""The portal tried as an attacker would, against a real Datasette on a loopback port: queries
that allocate instead of compute, addresses that match nothing, pages that show server paths.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hanoi_coop.portal.serve import database_path

from .conftest import ROOT

LATEST = database_path("1.1.1")


@pytest.fixture
def portal(portal_server):
    return portal_server


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _sql(base: str, sql: str) -> dict:
    _, body = _get(f"{base}{LATEST}.json?" + urllib.parse.urlencode({"sql": sql}))
    return json.loads(body)


BIG = 999_999_999


@pytest.mark.parametrize("sql", [
    f"select count(*) from (select randomblob({BIG}) union all select randomblob({BIG}) "
    f"union all select randomblob({BIG}))",
    f"select length(zeroblob({BIG}))",
    f"select length(hex(randomblob({BIG // 2})))",
    "with recursive r(x) as (select 1 union all select x + 1 from r where x < 100000000) "
    "select length(group_concat(quote, '')) from r, evidence",
    "select " + " + ".join(["1"] * 5000),  # expression deeper than the limit
    "select 1" + " union all select 1" * 100,  # more compound terms than the limit
])
def test_memory_heavy_queries_fail_fast(portal, sql):
    base, _ = portal
    body = _sql(base, sql)
    assert body["ok"] is False, body


def test_three_heavy_queries_at_once_do_not_block_a_light_one(portal):
    base, _ = portal
    heavy = (f"select count(*) from (select randomblob({BIG}) union all "
             f"select randomblob({BIG}))")
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(_sql, base, heavy) for _ in range(3)]
        light = pool.submit(_sql, base, "select count(*) from meetings").result()
        results = [f.result() for f in futures]
    assert all(body["ok"] is False and "too big" in body["error"] for body in results)
    assert light["ok"] is True and light["rows"] == [[19]]


@pytest.mark.parametrize("sql", [
    f"select printf('%.*c', {BIG}, 'x')", f"select printf('%.{BIG}c', 'x')",
    f"select format('%*d', {BIG}, 1)", f"select printf('%s %.*c', 'a', {BIG}, 'x')",
])
def test_printf_padding_gives_nothing_big_at_once(portal, sql):
    base, log = portal
    body = _sql(base, sql)
    assert body["ok"] is True and body["rows"] == [[None]]
    assert "Traceback" not in log.read_text()


def test_printf_wider_than_the_cap_is_null_before_sqlite_pads_it(portal):
    """SQLite alone would pad to 20,000 characters (under the length limit); the guard answers
    NULL, so a width of 10^9 never reaches SQLite's seconds-long loop."""
    base, _ = portal
    body = _sql(base, "select printf('%.*c', 20000, 'x') is null, "
                         "length(printf('%.*c', 10000, 'x'))")
    assert body["rows"] == [[1, 10000]]


def test_printf_still_formats(portal):
    base, _ = portal
    body = _sql(base, "select printf('%5.2f|%s|%d|%%', 3.14159, 'a', 42), "
                         "format('%-4s|', 'ab'), printf(NULL), printf('%s')")
    assert body["rows"] == [[" 3.14|a|42|%", "ab  |", None, ""]]


def test_ordinary_queries_still_work(portal):
    base, _ = portal
    body = _sql(base, "select max(length(quote)) from evidence")
    assert body["ok"] is True and body["rows"][0][0] > 0


@pytest.mark.parametrize("path", ["/hanoi-coop-9.9.9", "/a/b/c/d", "/nothing",
                                  f"{LATEST}/no_such_table", "/releases/9.9.9/manifest.json",
                                  "/releases/../pyproject.toml", "/-/no-such-page",
                                  "/-/threads", "/-/threads.json",  # these named files
                                  f"{LATEST}/sqlite_master/1", f"{LATEST}/meetings_fts",
                                  f"{LATEST}/evidence_fts_data"])
def test_addresses_that_match_nothing_are_404_without_a_traceback(portal, path):
    base, log = portal
    status, _ = _get(base + path)
    assert status == 404
    assert "Traceback" not in log.read_text()


@pytest.mark.parametrize("path", ["/-/databases.json", "/-/databases", "/-/settings.json",
                                  "/-/plugins.json", "/-/metadata.json", "/downloads"])
def test_no_page_shows_server_paths(portal, path):
    base, _ = portal
    status, body = _get(base + path)
    assert status == 200
    assert str(ROOT) not in body and str(ROOT / "releases") not in body


def test_databases_page_still_lists_every_release(portal):
    base, _ = portal
    _, body = _get(base + "/-/databases.json")
    names = {d["name"] for d in json.loads(body)}
    assert {"hanoi-coop-1.0.0", "hanoi-coop-1.1.1"} <= names
    assert all("path" not in d for d in json.loads(body))


def test_each_release_keeps_its_own_table_and_column_descriptions(portal, monkeypatch):
    """Served one database at a time (Datasette copies what the plugin gives for every table's
    permission check): each release's page still shows that release's own descriptions."""
    from hanoi_coop.portal import plugin as portal_plugin
    from hanoi_coop.portal.serve import release_metadata
    from hanoi_coop.publish.release import released_versions

    base, _ = portal
    newest = database_path(released_versions(ROOT)[-1])
    _, today = _get(base + newest + "/meetings?_size=1")
    _, first = _get(base + database_path("1.0.0") + "/meetings?_size=1")
    assert "PLOVER event type, as event_phrase names it." in today
    assert "PLOVER event type." in first and "as event_phrase names it" not in first
    monkeypatch.setattr(portal_plugin, "_RELEASES", release_metadata(ROOT))
    one = portal_plugin.get_metadata(None, "tables", "hanoi-coop-1.0.0", None)
    assert list(one["databases"]) == ["hanoi-coop-1.0.0"]
    assert portal_plugin.get_metadata(None, "tables", "no-such-database", None) is None


def _location(url: str) -> tuple[int, str]:
    """The status and Location of a redirect, not followed."""
    class NoFollow(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    try:
        with urllib.request.build_opener(NoFollow).open(url, timeout=30) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def test_latest_and_dotted_addresses_reach_the_release(portal):
    from hanoi_coop.publish.release import released_versions

    base, _ = portal
    newest = released_versions(ROOT)[-1]
    assert _location(base + "/latest/meetings?_size=2") == (
        302, database_path(newest) + "/meetings?_size=2")
    assert _location(base + "/hanoi-coop-1.1.1/meetings") == (302, LATEST + "/meetings")
    status, body = _get(base + "/hanoi-coop-1.1.1/meetings.json?_shape=array&_size=1")
    assert status == 200 and json.loads(body)[0]["meeting_id"]
    assert _get(base + "/hanoi-coop-9.9.9/meetings")[0] == 404  # no such release


def test_full_text_search_finds_only_matching_rows(portal):
    """From 2.10.0 the release database indexes the model's text columns (FTS5): ``_search``
    narrows the rows instead of returning all of them."""
    base, _ = portal
    everything = json.loads(_get(base + "/latest/evidence.json?_shape=array&_size=max")[1])
    found = json.loads(_get(base + "/latest/evidence.json?_shape=array&_size=max"
                            "&_search=metro")[1])
    assert 0 < len(found) < len(everything)
    assert all("metro" in row["quote"].lower() for row in found)
    people = json.loads(_get(base + "/latest/persons.json?_shape=array&_search=Ngoc")[1])
    assert [p["person_id"] for p in people] == ["nguyen-duy-ngoc"]


def test_limits_are_set_on_every_connection(tmp_path: Path):
    import sqlite3

    from hanoi_coop.portal.plugin import CONNECTION_LIMITS, HEAP_LIMIT_BYTES, prepare_connection

    connection = sqlite3.connect(":memory:")
    default = connection.getlimit(sqlite3.SQLITE_LIMIT_LENGTH)
    prepare_connection(connection)
    assert connection.getlimit(sqlite3.SQLITE_LIMIT_LENGTH) < default
    for limit, value in CONNECTION_LIMITS.items():
        assert connection.getlimit(limit) == value
    assert connection.execute("PRAGMA hard_heap_limit").fetchone()[0] == HEAP_LIMIT_BYTES
    with pytest.raises(sqlite3.DataError):
        connection.execute(f"select randomblob({BIG})").fetchall()


def test_a_row_page_shows_the_quotes_that_support_the_row(portal):
    """A visitor sees each quote of a row on the row's own page, with its article's address,
    its character offsets and the cells it states; an older release without addresses still
    shows its quotes."""
    import html

    from hanoi_coop.publish.release import released_versions

    base, _ = portal
    newest = released_versions(ROOT)[-1]
    database = f"hanoi-coop-{newest.replace('.', '~2E')}"
    status, page = _get(f"{base}/{database}/targets/tgt-hanoi-urban-rail-2045-length")
    assert status == 200
    section = page[page.index('<section class="row-quotes">'):]
    assert "Hanoi plans to build 15 urban rail lines or sections by 2045" in section
    assert 'href="https://hanoitimes.vn/china-ready-to-support-hanoi-s-urban-planning-metro-' \
        'development.979623.html"' in section
    assert "characters 3459–3550" in section and "value_phrase" in section
    status, trip = _get(f"{base}/{database}/meetings/mtg-tuan-delegation-china")
    assert "3 rows</a> from meeting_id in meeting_places" in trip
    assert "0 rows" not in trip  # no clutter: only the links that hold rows
    status, old = _get(f"{base}/hanoi-coop-1~2E0~2E0/persons/ito-naoki")
    assert status == 200 and html.escape("Ito Naoki") in old[old.index("row-quotes"):]


def test_the_data_dictionary_lists_every_table_column_code_and_rule(portal):
    """One page, generated from the model: each table with its columns, types, keys,
    references, codes and the words that name them, and every rule."""
    from hanoi_coop.metadata import RESOURCES
    from hanoi_coop.metadata.problems import RULES

    base, _ = portal
    status, page = _get(f"{base}/dictionary")
    assert status == 200
    for name, resource in RESOURCES.items():
        assert f'<h2 id="{name}">' in page
        for field in resource.fields:
            assert f"<code>{field.name}</code>" in page, (name, field.name)
    assert all(f"<code>{rule}</code>" in page for rule in RULES)
    assert "<code>CONSULT</code> ← “meeting”" in page  # a code and the words that name it
    status, home = _get(f"{base}/")
    assert 'href="/dictionary"' in home


def test_the_data_releases_are_a_feed_saying_which_tables_each_changed(portal):
    import xml.etree.ElementTree as ET

    from hanoi_coop.publish.release import released_versions

    base, _ = portal
    with urllib.request.urlopen(f"{base}/releases.atom", timeout=30) as response:
        assert response.headers["content-type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.read())
    atom = "{http://www.w3.org/2005/Atom}"
    entries = {e.find(f"{atom}id").text.rsplit(":", 1)[1]: e.find(f"{atom}summary").text
               for e in feed.iter(f"{atom}entry")}
    assert set(entries) == set(released_versions(ROOT))
    assert "project_places: 17 added" in entries["3.1.0"] or "table added: project_places" \
        in entries["3.1.0"]
    assert entries["5.0.0"].startswith("cell_evidence: 0 added, 0 removed, 705 changed")
    assert entries["1.0.0"].startswith("first release: ")  # it made every table
    assert "column added country_id" in entries["2.16.0"]  # columns are changes too
    assert feed.find(f"{atom}author/{atom}name").text  # Atom requires an author
    links = [e.find(f"{atom}link").get("href") for e in feed.iter(f"{atom}entry")]
    assert all(_get(base + link)[0] == 200 for link in links[:3])  # each links a real page
    status, home = _get(f"{base}/")
    assert 'href="/releases.atom"' in home


@pytest.mark.parametrize(("words", "expected"), [
    ("metro", ["<h2>projects</h2>", "<h2>evidence</h2>"]),
    ('"unbalanced OR *', []),  # FTS5 syntax in the box: searched as words, no error
    ('""', []), ("a\x00b", []), (" " * 199 + '"', []),  # nothing searchable left: no error
    ("hanoi", ["The first 20 of", "_search=hanoi"]),  # a cut list says so and links the rest
    ("<script>alert(1)</script>", ["&lt;script&gt;alert(1)&lt;/script&gt;"]),
])
def test_one_search_box_over_every_table(portal, words, expected):
    base, _ = portal
    status, page = _get(f"{base}/search?q=" + urllib.parse.quote(words))
    assert status == 200 and "Traceback" not in page
    assert "<script>alert" not in page
    for text in expected:
        assert text in page, text


def test_the_portal_metadata_does_not_change_as_people_browse(monkeypatch):
    """Datasette's database and table views write what they inherit (source, licence) into
    the metadata a plugin returns: every database and table holds it already, so the writes
    change nothing; a permission check gets only the keys it reads."""
    import copy

    from hanoi_coop.portal import plugin, serve

    from .conftest import ROOT

    releases, top = serve.release_metadata(ROOT), serve.metadata(ROOT)
    name = next(iter(releases))

    def browse() -> None:  # as Datasette 0.65's views do (update_with_inherited_metadata)
        for database in (None, name):
            found = plugin.get_metadata(None, "databases", database, None)["databases"][name]
            for target in (found, found["tables"]["meetings"]):
                target.update({k: target.get(k) or top.get(k) for k in serve.INHERITED})

    monkeypatch.setattr(plugin, "_RELEASES", releases)
    before = copy.deepcopy(releases)
    browse()
    assert releases == before
    # From the other side: metadata without the inherited keys is changed by browsing.
    for table in releases[name]["tables"].values():
        for key in serve.INHERITED:
            table.pop(key)
    stripped = copy.deepcopy(releases)
    browse()
    assert releases != stripped
    check = plugin.get_metadata(None, "tables", name, None)["databases"][name]["tables"]
    assert check == {}  # the package sets no permission or facet size on any table
    releases[name]["tables"]["meetings"]["allow"] = {"id": "curator"}
    check = plugin.get_metadata(None, "tables", name, None)["databases"][name]["tables"]
    assert check == {"meetings": {"allow": {"id": "curator"}}}  # one that does, is passed on
    assert plugin.get_metadata(None, "license", None, None) is None
