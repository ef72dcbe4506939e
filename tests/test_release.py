"""Releases: immutable bundles that match their manifests, and version numbers that mean it."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

import hanoi_coop
import hanoi_coop.version
from hanoi_coop.build import build
from hanoi_coop.layout import REGISTRY
from hanoi_coop.publish import release as release_module
from hanoi_coop.publish.diff import diff, format_diff, snapshot
from hanoi_coop.publish.release import ReleaseError, check_version, released_versions, required_bump

from .conftest import ROOT, copy_outputs, copy_releases, replace_in
from .corruption import copy_package, drop_column


def test_every_release_still_matches_its_published_hashes():
    versions = released_versions(ROOT)
    assert "1.0.0" in versions
    registry = json.loads((ROOT / "src" / "hanoi_coop" / "registry.json").read_text())
    for version in versions:
        folder = ROOT / "releases" / version
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["version"] == version
        listed = {f["path"] for f in manifest["files"]}
        on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert on_disk == listed | {"manifest.json"}
        for entry in manifest["files"]:
            data = (folder / entry["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
            assert len(data) == entry["bytes"]
            assert registry[version][entry["path"]] == f"sha256:{entry['sha256']}"


def test_release_zip_has_sorted_entries_and_fixed_timestamps():
    archive = ROOT / "releases" / "1.0.0" / "hanoi-coop-1.0.0.zip"
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        assert names == sorted(names)
        assert {i.date_time for i in zipped.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "hanoi-coop-1.0.0/datapackage.json" in names


def test_release_sqlite_has_every_table_with_foreign_keys():
    import sqlite3

    connection = sqlite3.connect(ROOT / "releases" / "1.0.0" / "hanoi-coop-1.0.0.sqlite")
    tables = {r[0] for r in connection.execute("select name from sqlite_master where "
                                               "type='table'")}
    assert "meetings" in tables and "evidence" in tables
    fks = connection.execute("pragma foreign_key_list(positions)").fetchall()
    assert {r[2] for r in fks} == {"persons", "organizations", "sources", "meetings"}
    assert connection.execute("pragma foreign_key_check").fetchall() == []


def test_newest_release_database_searches_text_and_indexes_references():
    import sqlite3

    version = released_versions(ROOT)[-1]
    connection = sqlite3.connect(ROOT / "releases" / version / f"hanoi-coop-{version}.sqlite")
    indexes = {r[1] for r in connection.execute("pragma index_list(positions)")}
    assert {"positions_person_id", "positions_organization_id"} <= indexes
    found = connection.execute("select quote from evidence where rowid in (select rowid from "
                               "evidence_fts where evidence_fts match 'Ito')").fetchall()
    assert found and all("Ito" in quote for (quote,) in found)


@pytest.fixture
def workspace_with_releases(workspace: Path, built: Path) -> Path:
    copy_releases(workspace)
    shutil.copy(ROOT / "README.md", workspace / "README.md")
    copy_outputs(built, workspace)
    return workspace


def test_diff_shows_exactly_one_corrected_record(workspace_with_releases: Path):
    root = workspace_with_releases
    replace_in(root / "curated" / "projects.yaml",
               "summary: Road in Van Diem that Dong Ninh Bridge would connect.",
               "summary: Road in Van Diem that the Dong Ninh Bridge would connect.")
    build(root)
    latest = released_versions(root)[-1]
    change = diff(snapshot(root / "releases" / latest), snapshot(root))
    changed = {name: t for name, t in change.tables.items() if not t.empty}
    assert list(changed) == ["projects"]
    assert changed["projects"].changed == {"provincial-road-429": ["summary"]}
    assert not changed["projects"].added and not changed["projects"].removed
    assert required_bump(change) == "patch"
    assert "~ provincial-road-429: summary" in format_diff(change)


def test_release_refuses_a_patch_number_for_a_removed_column(tmp_path: Path):
    package = copy_package(tmp_path / "package")
    drop_column(package, "persons", "sort_name")
    change = diff(snapshot(ROOT / "releases" / "1.0.0"), snapshot(package))
    assert change.tables["persons"].columns_removed == ["sort_name"]
    with pytest.raises(ReleaseError, match="need MAJOR"):
        check_version("1.0.0", "1.0.1", change)
    with pytest.raises(ReleaseError, match="need MAJOR"):
        check_version("1.0.0", "1.1.0", change)
    check_version("1.0.0", "2.0.0", change)


def test_version_numbers_must_follow_the_previous_release():
    with pytest.raises(ReleaseError, match="not a SemVer"):
        check_version(None, "1.0", None)
    with pytest.raises(ReleaseError, match="is not the next"):
        check_version("1.0.0", "1.0.0", None)
    with pytest.raises(ReleaseError, match="is not the next"):
        check_version("1.0.0", "1.2.1", None)


def test_a_release_of_unchanged_data_needs_notes_saying_why():
    from hanoi_coop.publish.diff import PackageDiff

    with pytest.raises(ReleaseError, match="nothing changed since 1.0.0"):
        check_version("1.0.0", "1.1.0", PackageDiff())
    check_version("1.0.0", "1.1.0", PackageDiff(), noted=True)  # e.g. the zip's layout


def test_release_writes_bundle_registry_and_changelog(workspace_with_releases: Path,
                                                      monkeypatch, tmp_path: Path):
    root = workspace_with_releases
    for file in ("places.yaml", "place_links.yaml"):
        replace_in(root / "curated" / file, "- place_id: ba-vi\n", "- place_id: ba-vi-area\n")
    latest = released_versions(root)[-1]
    patch = latest.rsplit(".", 1)[0] + "." + str(int(latest.rsplit(".", 1)[1]) + 1)
    monkeypatch.setattr(hanoi_coop.version, "__version__", patch)
    build(root)
    registry = root / REGISTRY  # the released checkout's, not the running one's
    running = (ROOT / REGISTRY).read_bytes()
    with pytest.raises(ReleaseError, match="need MAJOR"):  # an id was removed
        release_module.release(root, patch)
    major = f"{int(latest.split('.')[0]) + 1}.0.0"
    monkeypatch.setattr(hanoi_coop.version, "__version__", major)
    build(root)
    from hanoi_coop.docs import citation_cff, refresh_citation

    (root / "CITATION.cff").write_text(citation_cff(), encoding="utf-8")  # as make build does
    target = release_module.release(root, major)
    assert (target / f"hanoi-coop-{major}.zip").exists()
    # the citation now names the release's date, and a rebuild keeps it as it is
    import datetime as dt

    citation = (root / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{major}"' in citation
    assert f'date-released: "{dt.date.today().isoformat()}"' in citation
    assert refresh_citation(root) is False
    assert set(json.loads(registry.read_text())) == {latest, major}  # the releases it has
    assert (ROOT / REGISTRY).read_bytes() == running
    changelog = (root / "CHANGELOG.md").read_text()
    assert f"## {major}" in changelog and "- ba-vi" in changelog and "+ ba-vi-area" in changelog
    released = json.loads((target / "datapackage.json").read_text())
    assert released["version"] == major
    assert not list((root / "releases").glob(".*")), "staging or journal left behind"


def test_unreleased_notes_become_part_of_the_next_entry(tmp_path: Path):
    (tmp_path / "CHANGELOG.md").write_text(
        "# Changelog\n\n## Unreleased\n\nTools: gates closed.\n\n## 1.1.1 — 2026-11-26\n\n"
        "Old entry.\n")
    text = release_module._changelog_with(tmp_path, "## 1.1.2 — today\n\nChanges.\n")
    assert text == ("# Changelog\n\n## 1.1.2 — today\n\nChanges.\n\nTools: gates closed.\n\n"
                    "## 1.1.1 — 2026-11-26\n\nOld entry.\n")
    assert "Unreleased" not in text


def test_a_rebuild_of_the_released_version_is_byte_identical(built: Path, tmp_path: Path):
    """Sources, curated records and code of today make the released bundle again, byte for
    byte: zip, SQLite, every table and the manifest (when the version is released)."""
    version = hanoi_coop.version.__version__
    if version not in released_versions(ROOT):
        pytest.skip(f"{version} is not released yet")
    manifest = release_module.write_bundle(built, tmp_path, version)
    published = json.loads((ROOT / "releases" / version / "manifest.json").read_text())
    assert manifest == published


def test_the_newest_release_zip_is_a_package_to_frictionless():
    """As a Frictionless user opens it: the descriptor at the archive's root, every resource
    valid (from 2.6.0; older zips keep their folder)."""
    import frictionless

    version = released_versions(ROOT)[-1]
    zipped = ROOT / "releases" / version / f"hanoi-coop-{version}.zip"
    package = frictionless.Package(str(zipped))
    assert {r.name for r in package.resources} >= {"meetings", "officials", "targets"}
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


CFFCONVERT = ROOT / ".venv-tools" / "bin" / "cffconvert"


def test_citation_file_is_valid_cff_at_the_package_version(tmp_path: Path):
    """As a citing user checks it: cffconvert --validate (installed by make test in its own
    environment); and a file without a title is refused by the same tool."""
    import subprocess

    from hanoi_coop.docs import citation_cff, released_on
    from hanoi_coop.version import package_version

    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    released = released_on(ROOT, package_version())
    assert citation == citation_cff(released) and f'version: "{package_version()}"' in citation
    # a citing user's BibTeX names the year and month of the release it cites
    bibtex = subprocess.run([str(CFFCONVERT), "-i", str(ROOT / "CITATION.cff"), "-f",
                             "bibtex"], capture_output=True, text=True).stdout
    if released:
        assert f"year = {{{released[:4]}}}" in bibtex, bibtex
        assert f'date-released: "{released}"' in citation
    ok = subprocess.run([str(CFFCONVERT), "--validate", "-i", str(ROOT / "CITATION.cff")],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = tmp_path / "CITATION.cff"
    broken.write_text("\n".join(line for line in citation.splitlines()
                                if not line.startswith("title:")) + "\n")
    refused = subprocess.run([str(CFFCONVERT), "--validate", "-i", str(broken)],
                             capture_output=True, text=True)
    assert refused.returncode != 0


BIBTEX_READER = """
import json, sys, bibtexparser
from bibtexparser.bparser import BibTexParser
entries = bibtexparser.loads(sys.stdin.read(), BibTexParser(ignore_nonstandard_types=False))
print(json.dumps(entries.entries))
"""


def _read_bibtex(text: str) -> list[dict[str, str]]:
    """The entries bibtexparser (in the tools' environment) reads from ``text``."""
    import subprocess

    done = subprocess.run([str(ROOT / ".venv-tools" / "bin" / "python"), "-c", BIBTEX_READER],
                          input=text, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_a_citation_names_the_version_its_date_its_bytes_and_where_to_get_it(capsys,
                                                                              monkeypatch):
    """cffconvert's BibTeX has no version; ``hanoi-coop cite`` gives a BibLaTeX @dataset with
    the version, release date, the manifest's sha256 and the portal's address, read back by
    bibtexparser as a citing user's tools would."""
    from hanoi_coop import docs
    from hanoi_coop.cli import main
    from hanoi_coop.docs import released_on
    from hanoi_coop.publish.release import released_versions

    newest = released_versions(ROOT)[-1]
    assert main(["cite", "--root", str(ROOT), "--portal", "https://data.example.org/"]) == 0
    [entry] = _read_bibtex(capsys.readouterr().out)
    digest = hashlib.sha256((ROOT / "releases" / newest / "manifest.json").read_bytes())
    assert entry["ENTRYTYPE"] == "dataset" and entry["ID"] == f"hanoi-coop-{newest}"
    assert entry["version"] == newest and entry["date"] == released_on(ROOT, newest)
    assert digest.hexdigest() in entry["note"]
    assert entry["url"] == f"https://data.example.org/releases/{newest}/manifest.json"
    # From the other side: a title that would close the field or comment out the rest stays
    # one field; a version never released and an address that is not http(s) are refused.
    real = docs.release_descriptor
    monkeypatch.setattr(docs, "release_descriptor", lambda root, version: {
        **real(root, version), "title": "A } title % with { braces \\ and _"})
    assert main(["cite", newest, "--root", str(ROOT)]) == 0
    [entry] = _read_bibtex(capsys.readouterr().out)
    assert entry["version"] == newest and "braces" in entry["title"]
    assert main(["cite", "0.0.9", "--root", str(ROOT)]) == 2
    for address in ("javascript:alert(1)//", "https://x.org/\x1b]0;pwned\x07",
                    "https://x.org/?q=1", "http://127.0.0.1:8001", "http://localhost:8001"):
        assert main(["cite", "--root", str(ROOT), "--portal", address]) == 2, address
        assert "\x1b" not in capsys.readouterr().err
    # The loader's address is often a local one: left out, saying why, never cited.
    monkeypatch.setenv("HANOI_COOP_PORTAL", "http://127.0.0.1:8001")
    assert main(["cite", "--root", str(ROOT)]) == 0
    printed = capsys.readouterr()
    assert "url" not in _read_bibtex(printed.out)[0] and "local address" in printed.err


def test_a_citation_prints_no_control_or_format_character(capsys, monkeypatch):
    """An escape code or a bidi override in the release's title acts on whoever prints the
    entry: it is dropped, and the entry still reads back as one."""
    from hanoi_coop import docs
    from hanoi_coop.cli import main

    real = docs.release_descriptor
    monkeypatch.setattr(docs, "release_descriptor", lambda root, version: {
        **real(root, version), "title": "Hanoi \x1b[31mred\u202e tfel\x00 end"})
    assert main(["cite", "--root", str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert all(c.isprintable() or c == "\n" for c in out)
    assert _read_bibtex(out)[0]["title"] == "Hanoi [31mred tfel end"


def test_release_refuses_a_citation_file_at_another_version(workspace_with_releases: Path,
                                                           monkeypatch):
    root = workspace_with_releases
    shutil.copy(ROOT / "CITATION.cff", root / "CITATION.cff")
    replace_in(root / "CITATION.cff", 'version: "', 'version: "0.')
    with pytest.raises(ReleaseError, match="CITATION.cff is not the one make build writes"):
        release_module.release(root, hanoi_coop.version.__version__)


def test_diff_shows_the_part_of_a_long_cell_that_differs():
    """A long cell changed near its end: old and new are shown from just before the change,
    not both cut to the same beginning ('…beg…' -> '…beg…')."""
    from hanoi_coop.publish.diff import shown_change

    stem = "Road in Van Diem that Dong Ninh Bridge would connect, " * 3
    was, now = shown_change(stem + "in 2026.", stem + "in 2027.")
    assert was != now and "2026" in was and "2027" in now
    assert was.startswith("'…") and len(was) < 90
    assert shown_change("short", "shirt") == ("'short'", "'shirt'")
    assert shown_change(None, "new") == ("empty", "'new'")
