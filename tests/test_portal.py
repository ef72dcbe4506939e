"""The portal on loopback: pinned downloads through pooch, offline cache, tampering, browser."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import textwrap

import pandas as pd
import pytest

import hanoi_coop
from hanoi_coop.loader import CACHE_ENV, PORTAL_ENV, DownloadError
from hanoi_coop.publish.release import released_versions

from .conftest import ROOT, copy_releases
from .portal_server import running_portal

ARTIFACTS = ROOT / "test-artifacts"
# Full-page screenshots of the portal for a person to look at (a third of the browser test's
# time, and nothing asserts on them): taken when this is set, e.g. SCREENSHOTS=1 make test.
SCREENSHOTS = bool(os.environ.get("SCREENSHOTS"))


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"portal-{name}.png"), full_page=True)
def _browser() -> str | None:
    """A Chromium to drive: HANOI_COOP_BROWSER, or one on PATH (the test installs none)."""
    given = os.environ.get("HANOI_COOP_BROWSER")
    if given:
        return given
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                                  "google-chrome"))), None)


BROWSER = _browser()


def _manifest(version: str) -> dict[str, str]:
    manifest = json.loads((ROOT / "releases" / version / "manifest.json").read_text())
    return {f["path"]: f["sha256"] for f in manifest["files"]}


def _manifests() -> list[str]:
    return [p.parent.name for p in (ROOT / "releases").glob("*/manifest.json")]


@pytest.fixture
def portal(portal_server):
    return portal_server[0]


def test_pinned_version_is_fetched_verified_then_read_offline(portal, tmp_path, monkeypatch):
    monkeypatch.setenv(PORTAL_ENV, portal)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    meetings = hanoi_coop.load("meetings", version="1.0.0")
    cached = tmp_path / "cache" / "1.0.0" / "data" / "parquet" / "meetings.parquet"
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == _manifest("1.0.0")[
        "data/parquet/meetings.parquet"]
    assert isinstance(meetings["event_type"].dtype, pd.CategoricalDtype)
    assert str(meetings["date_earliest"].dtype).startswith("datetime64")
    assert "meeting_kind" not in meetings.columns  # 1.0.0's own columns, not today's
    # Offline: the portal address now points nowhere, the cache answers.
    monkeypatch.setenv(PORTAL_ENV, "http://127.0.0.1:9")
    again = hanoi_coop.load("meetings", version="1.0.0")
    pd.testing.assert_frame_equal(meetings, again)


def test_a_loaded_frame_says_what_it_is_and_latest_is_the_newest(portal, tmp_path,
                                                                  monkeypatch):
    """df.attrs names the package, version, table and the sha256 of the very file read; "latest"
    is the newest release; describe() of a release is that release's own columns; a table an
    old release lacks is named with the tables it has."""
    from hanoi_coop.loader import resolved

    monkeypatch.setenv(PORTAL_ENV, portal)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    installed = hanoi_coop.load("persons")
    assert installed.attrs["source"] == "installed"
    # the version is the release's only when the bytes read are that release's file
    import hashlib

    from hanoi_coop.loader import _installed_file

    digest = hashlib.sha256(_installed_file("persons").read_bytes()).hexdigest()
    assert installed.attrs["sha256"] == digest
    assert installed.attrs["released"] == (
        _manifest(hanoi_coop.__version__).get("data/parquet/persons.parquet") == digest
        if (ROOT / "releases" / hanoi_coop.__version__).exists() else False)
    assert installed.attrs["version"] == hanoi_coop.__version__ + (
        "" if installed.attrs["released"] else "+unreleased")
    newest = resolved("latest")
    assert newest == max(_manifests(), key=lambda v: tuple(map(int, v.split("."))))
    latest = hanoi_coop.load("persons", version="latest")
    assert {k: latest.attrs[k] for k in ("package", "version", "table", "source")} == {
        "package": "hanoi-coop", "version": newest, "table": "persons", "source": "release"}
    assert latest.attrs["sha256"] == _manifest(newest)["data/parquet/persons.parquet"]
    old = hanoi_coop.describe("meetings", version="1.0.0")
    assert "meeting_kind" not in set(old["name"]) and "event_type" in set(old["name"])
    with pytest.raises(DownloadError, match="release 1.0.0 has no file .*officials.*its tables"):
        hanoi_coop.load("officials", version="1.0.0")
    with pytest.raises(DownloadError, match="release 1.0.0 has no table 'officials'; its "
                       "tables: contradictions, evidence, figures"):
        hanoi_coop.describe("officials", version="1.0.0")
    assert "describe" in dir(hanoi_coop) and "load" in dir(hanoi_coop)


def test_download_fetches_every_file_of_a_release_verified(portal, tmp_path, monkeypatch,
                                                         capsys):
    """``hanoi-coop download VERSION --to DIR`` as a user runs it: every file of the manifest,
    byte for byte; an unknown version is exit 2 naming the released ones."""
    from hanoi_coop.cli import main

    monkeypatch.setenv(PORTAL_ENV, portal)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    assert main(["download", "1.0.0", "--to", str(tmp_path / "out")]) == 0
    out = capsys.readouterr()
    assert str(tmp_path / "out" / "1.0.0") in out.out and "\r" not in out.err  # no bar: no tty
    assert "Downloading file" not in out.err  # not a line per file
    for path, sha256 in _manifest("1.0.0").items():
        assert hashlib.sha256((tmp_path / "out" / "1.0.0" / path).read_bytes()).hexdigest() == (
            sha256), path
    assert main(["download", "0.9.0"]) == 2
    assert "no release '0.9.0' (released: 1.0.0," in capsys.readouterr().err


def test_a_tampered_file_on_the_server_is_rejected(tmp_path, monkeypatch):
    root = tmp_path / "tampered"
    copy_releases(root, "1.0.0")
    target = root / "releases" / "1.0.0" / "data" / "parquet" / "persons.parquet"
    target.write_bytes(target.read_bytes()[:-8] + b"tampered")
    with running_portal(root, tmp_path / "portal") as url:
        monkeypatch.setenv(PORTAL_ENV, url)
        monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
        with pytest.raises(DownloadError) as caught:
            hanoi_coop.load("persons", version="1.0.0")
    message = str(caught.value)
    assert f"{url}/releases/1.0.0/data/parquet/persons.parquet" in message
    assert str(tmp_path / "cache" / "1.0.0" / "data" / "parquet" / "persons.parquet") in message


def test_no_portal_address_says_how_to_set_one(monkeypatch):
    monkeypatch.delenv(PORTAL_ENV, raising=False)
    with pytest.raises(DownloadError, match=PORTAL_ENV):
        hanoi_coop.load("meetings", version="1.0.0")


def test_installed_data_loads_offline_with_dtypes():
    targets = hanoi_coop.load("targets")
    assert str(targets["value"].dtype) == "Float64"
    assert isinstance(targets["comparator"].dtype, pd.CategoricalDtype)
    assert "meetings" in hanoi_coop.tables()
    described = hanoi_coop.describe("meetings").set_index("name")
    assert described.loc["event_type", "description"] == (
        "PLOVER event type, as event_phrase names it.")
    kinds = hanoi_coop.load("meetings")["meeting_kind"]
    assert list(kinds.cat.categories) == ["meeting", "visit", "signing", "joint_statement",
                                          "fair"]


@pytest.mark.skipif(BROWSER is None and not os.environ.get("CI"),
                    reason="no Chromium found: install one (Debian: apt-get install chromium) "
                    "or set HANOI_COOP_BROWSER to its path; in CI (.ci/run installs it) its "
                    "absence fails")
def test_browser_sees_tables_versions_descriptions_and_verified_downloads(portal, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(accept_downloads=True)
        page.goto(portal + "/")
        _shot(page, "home")
        home = page.inner_text("body")
        assert "Versions: " in home and "1.0.0" in home
        assert all(name in home for name in hanoi_coop.tables())

        page.goto(portal + "/hanoi-coop-1~2E0~2E0/meetings")
        _shot(page, "table")
        assert "mtg-thang-he-wei" in page.inner_text("body")
        assert "PLOVER event type." in page.content()  # column description

        page.goto(portal + "/downloads")
        newest = released_versions(ROOT)[-1]
        assert page.is_visible(f"a[href='/releases/{newest}/manifest.json']")
        assert not page.is_visible("a[href='/releases/1.0.0/manifest.json']")  # folded
        page.click("details[id='v1.0.0'] summary")
        with page.expect_download() as info:
            page.click("a[href='/releases/1.0.0/data/csv/targets.csv']", modifiers=["Alt"])
        saved = tmp_path / "targets.csv"
        info.value.save_as(saved)
        _shot(page, "downloads")
        _pictures_show_the_newest_release(page, portal)
        browser.close()
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == _manifest("1.0.0")[
        "data/csv/targets.csv"]


# Every label of every picture as the browser lays it out: one that overlaps another label, a
# dot or a timeline's bar or note, or leaves its picture, is returned with what it hits.
CLASHES = """() => {
  const hit = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width
                     && a.y < b.y + b.height && b.y < a.y + a.height;
  const found = [];
  for (const svg of document.querySelectorAll('svg')) {
    const labels = [...svg.querySelectorAll('text.label')].map(
      t => [t.textContent, t.getBBox()]);
    const dots = [...svg.querySelectorAll('circle, rect.mark, text.unknown')].map(
      c => [c.tagName === 'circle' ? 'dot' : 'mark ' + (c.textContent || ''), c.getBBox()]);
    const frame = {x: 0, y: 0, width: svg.viewBox.baseVal.width,
                   height: svg.viewBox.baseVal.height};
    labels.forEach(([name, box], i) => {
      for (const [other, its] of [...labels.slice(i + 1), ...dots])
        if (hit(box, its)) found.push(`${name} on ${other}`);
      if (box.x < 0 || box.y < 0 || box.x + box.width > frame.width
          || box.y + box.height > frame.height) found.push(`${name} outside`);
    });
  }
  return found;
}"""


def _csv_rows(version: str, table: str) -> list[dict[str, str]]:
    import csv

    path = ROOT / "releases" / version / "data" / "csv" / f"{table}.csv"
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _pictures_show_the_newest_release(page, portal: str) -> None:
    """The timeline places what has a date, draws an inferred year open, and lists an unknown
    year unplaced; the map has every place with coordinates; the network every pair of
    organizations that met. Counted against the release's own tables."""
    from itertools import combinations

    version = released_versions(ROOT)[-1]
    page.goto(portal + "/pictures")
    _shot(page, "pictures")
    dated = []  # (id, EDTF, earliest) of every meeting and target
    for table, key, prefix in (("meetings", "meeting_id", "date"),
                               ("targets", "target_id", "deadline")):
        dated += [(r[key], r[f"{prefix}_edtf"], r[f"{prefix}_earliest"])
                  for r in _csv_rows(version, table)]
    placed = {i for i, _, earliest in dated if earliest}
    unknown = {i for i, edtf, earliest in dated if edtf and not earliest}
    inferred = {i for i, edtf, earliest in dated if "?" in edtf and earliest}

    def ids(selector: str) -> set[str]:
        return set(page.eval_on_selector_all(selector, "els => els.map(e => e.dataset.id)"))

    assert ids("rect.mark") == placed and ids("rect.mark.uncertain") == inferred
    assert ids("g.unknown-year") == unknown and "mtg-tien-delegation-east-asia" in unknown
    with_coordinates = {r["place_id"] for r in _csv_rows(version, "place_links") if r["latitude"]}
    assert ids("g.place") == with_coordinates and "hanoi" in with_coordinates
    shown = [page.eval_on_selector_all(s, "els => els.map(e => e.dataset.id)")
             for s in ("g.place", "tspan.within", "path.country", "li.unplaced")]
    assert sorted(i for group in shown for i in group) == sorted(
        r["place_id"] for r in _csv_rows(version, "places"))  # every place once
    assert page.evaluate(CLASHES) == []  # as the browser draws them: no label on another
    # From the other side: a label moved onto its neighbour's is found.
    page.evaluate("""() => { const [a, b] = document.querySelectorAll('text.label[data-for]');
        for (const n of [a, ...a.querySelectorAll('tspan')]) {
            n.setAttribute('x', b.getAttribute('x')); n.setAttribute('y', b.getAttribute('y')); }
        a.setAttribute('text-anchor', b.getAttribute('text-anchor')); }""")
    assert page.evaluate(CLASHES) != []
    by_meeting: dict[str, set[str]] = {}
    for r in _csv_rows(version, "meeting_participants"):
        if r["organization_id"]:
            by_meeting.setdefault(r["meeting_id"], set()).add(r["organization_id"])
    pairs = {f"{a}|{b}" for orgs in by_meeting.values() for a, b in combinations(sorted(orgs), 2)}
    assert ids("line.met") == pairs
    assert page.locator("script[src^='http']").count() == 0  # nothing fetched from elsewhere


def test_a_code_an_older_release_used_is_kept_after_todays_codelist(tmp_path):
    """A pinned release may hold a code the current list dropped: loaded, not an error."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from hanoi_coop.loader import read_table
    from hanoi_coop.metadata import RESOURCES

    table = pq.read_table(ROOT / "data" / "parquet" / "project_parties.parquet")
    roles = table.column("party_role").to_pylist()
    roles[0] = "retiredRole"
    index = table.schema.get_field_index("party_role")
    table = table.set_column(index, "party_role", pa.array(roles, pa.string()))
    pq.write_table(table, tmp_path / "old.parquet")
    frame = read_table(RESOURCES["project_parties"], tmp_path / "old.parquet")
    assert frame.loc[0, "party_role"] == "retiredRole"
    assert list(frame["party_role"].cat.categories)[-1] == "retiredRole"


def _python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_every_python_block_of_the_readme_runs(portal, tmp_path, monkeypatch):
    """The recipes cannot rot: each block runs in the repository, against a real portal for
    the pinned version (the block's address is the test portal's)."""
    blocks = _python_blocks()
    assert len(blocks) >= 3
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(PORTAL_ENV, portal)  # restored after: a block sets it for the reader
    session: dict = {}  # one namespace, as a reader runs the blocks in order
    for block in blocks:
        code = textwrap.dedent(block).replace("http://127.0.0.1:8001", portal)  # in lists too
        exec(compile(code, "README.md", "exec"), session)  # noqa: S102 - the README's code


def test_parquet_columns_carry_their_descriptions_and_codelists():
    """As a pyarrow (or DuckDB, polars) user sees a file: the model's words on each column."""
    import pyarrow.parquet as pq

    from hanoi_coop.metadata import RESOURCES

    for name, resource in RESOURCES.items():
        schema = pq.read_schema(ROOT / "data" / "parquet" / f"{name}.parquet")
        assert schema.metadata[b"description"].decode() == resource.description
        for field in resource.fields:
            metadata = schema.field(field.name).metadata
            assert metadata[b"description"].decode() == field.description
            if field.enum:
                assert json.loads(metadata[b"codelist"]) == list(field.enum)
