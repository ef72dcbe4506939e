"""The published data against the articles: provenance and the facts users rely on."""

from __future__ import annotations

import pandas as pd
import pytest

from .conftest import ROOT


def _csv(table: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "csv" / f"{table}.csv", dtype=str,
                       keep_default_na=False)


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    folder = ROOT / "sources" / "articles"
    return {p.stem: p.read_text(encoding="utf-8") for p in folder.glob("*.txt")}


def test_every_published_quote_is_the_source_text_at_its_offsets(texts):
    evidence = _csv("evidence")
    assert len(evidence) > 0
    for row in evidence.itertuples():
        assert texts[row.source_id][int(row.char_start):int(row.char_end)] == row.quote


def test_no_fact_rests_on_page_furniture():
    evidence = _csv("evidence")
    furniture = evidence[~evidence.segment_kind.isin(["title", "standfirst", "body",
                                                      "subheading"])]
    assert set(furniture.table_name) <= {"contradictions"}
    assert set(furniture.segment_kind) <= {"caption"}


def test_the_urban_rail_2045_target_keeps_its_comparators():
    targets = _csv("targets").set_index("target_id")
    lines = targets.loc["tgt-hanoi-urban-rail-2045-lines"]
    length = targets.loc["tgt-hanoi-urban-rail-2045-length"]
    money = targets.loc["tgt-hanoi-urban-rail-2045-investment"]
    assert (lines.value, lines.comparator, lines.deadline_edtf) == ("15.0", "eq", "2045")
    assert (length.value, length.comparator, length.unit_code) == ("600.0", "approx", "KMT")
    assert (money.value, money.unit_code, money.estimated) == ("55400000000.0", "USD", "true")
    growth = targets.loc["tgt-hanoi-growth-at-least-11-percent"]
    assert (growth.comparator, growth.value, growth.deadline_edtf) == ("gte", "11.0", "")


def test_dates_without_a_printed_year_stay_partial():
    meetings = _csv("meetings").set_index("meeting_id")
    beijing = meetings.loc["mtg-tien-delegation-beijing-authorities"]
    assert (beijing.date_edtf, beijing.date_earliest, beijing.date_year_basis) == (
        "XXXX-08-22", "", "unknown")
    inferred = meetings.loc["mtg-thang-he-wei"]
    assert inferred.date_edtf.endswith("?") and inferred.date_year_basis == "inferred"
    assert inferred.date_year_note


def test_both_readings_of_each_contradiction_are_kept():
    contradictions = _csv("contradictions").set_index("contradiction_id")
    spelling = contradictions.loc["ctr-gao-cao-zhongde-spelling"]
    assert {spelling.reading_1, spelling.reading_2} == {"Gao Zhongde", "Cao Zhongde"}
    evidence = _csv("evidence")
    for cid in contradictions.index:
        fields = set(evidence[evidence.record_id == cid].field)
        assert fields == {"reading_1", "reading_2"}, cid


def test_a_date_phrase_without_a_date_has_unknown_precision():
    targets = _csv("targets").set_index("target_id")
    growth = targets.loc["tgt-hanoi-growth-at-least-11-percent"]
    assert (growth.deadline_text, growth.deadline_edtf, growth.deadline_precision,
            growth.deadline_year_basis) == ("in the coming years", "", "unknown", "unknown")


def test_a_trip_under_way_when_the_article_was_written_takes_the_articles_year():
    meetings = _csv("meetings").set_index("meeting_id")
    trip = meetings.loc["mtg-tuan-delegation-china"]
    assert (trip.date_text, trip.date_edtf, trip.date_precision, trip.date_year_basis) == (
        "is currently visiting", "2026?", "year", "inferred")


def test_two_meetings_on_one_day_and_each_trip_stop_are_rows():
    meetings = _csv("meetings")
    feb5 = meetings[meetings.source_id == "src-china-urban-planning-metro"]
    assert (feb5.date_edtf == "2026-02-05?").sum() == 2
    stops = meetings[meetings.parent_meeting_id == "mtg-tien-delegation-east-asia"]
    assert {"beijing", "tokyo", "seoul"} <= set(stops.place_id)


def test_names_are_stored_in_parts_with_their_order():
    persons = _csv("persons").set_index("person_id")
    ito = persons.loc["ito-naoki"]
    assert (ito.family_name, ito.given_name, ito.name_order) == ("Ito", "Naoki", "family_first")
    assert persons.loc["vu-dai-thang"].search_key == "vu dai thang"


def test_package_descriptor_lists_both_formats_of_every_table():
    import json

    descriptor = json.loads((ROOT / "datapackage.json").read_text())
    names = {r["name"] for r in descriptor["resources"]}
    csv_tables = {n for n in names if not n.endswith("-parquet")}
    assert {f"{n}-parquet" for n in csv_tables} <= names
    assert descriptor["version"] and descriptor["licenses"]
    assert all((ROOT / r["path"]).exists() for r in descriptor["resources"])


def test_parquet_and_csv_agree_cell_for_cell():
    from hanoi_coop.layout import parquet_path
    from hanoi_coop.metadata import RESOURCES
    from hanoi_coop.package.access import open_package
    from hanoi_coop.package.read import compare_formats, read_package, read_parquet

    with open_package(ROOT) as published:
        read_package(published)
    assert set(published.csv) == set(RESOURCES)
    assert not published.problems and not published.mismatches
    for name, table in published.csv.items():
        path = parquet_path(name)
        parquet, problems = read_parquet(RESOURCES[name], (ROOT / path).read_bytes(), path)
        assert parquet is not None and not problems
        assert compare_formats(RESOURCES[name], table.frame, parquet, path) == []


# --- officials: derived from persons, positions, organizations and places ---------------------
def test_officials_are_one_row_per_stated_office_with_names_and_organizations():
    officials = _csv("officials").set_index("official_id")
    positions = _csv("positions")
    assert set(officials.index) == set(positions["position_id"])
    thang = officials.loc["pos-vu-dai-thang-chairman"]
    assert (thang["name"], thang["family_name"], thang["given_name"], thang["role"],
            thang["label"], thang["organization_name"], thang["country_id"]) == (
        "Vu Dai Thang", "Vu", "Thang", "Chairman", "Chairman of the Hanoi People’s Committee",
        "Hanoi People’s Committee", "vietnam")
    # Both titles the article gives Pham Qui Tien stay verbatim; they name one role.
    tien = officials[officials["person_id"] == "pham-qui-tien"]
    assert sorted(tien["label"]) == ["Deputy Chairman of the Hanoi People's Council",
                                     "Vice Chairman of the Hanoi People's Council"]
    assert set(tien["role"]) == {"Vice Chairman"}


def test_an_officials_country_is_only_what_the_places_state():
    officials = _csv("officials").set_index("official_id")
    # Hung Yen's article names no country above the Capital Region: the province's ISO 3166
    # code gives it, and its organization's basis says so.
    assert officials.loc["pos-nguyen-huu-nghia-secretary", "country_id"] == "vietnam"
    organizations = _csv("organizations").set_index("organization_id")
    assert "ISO 3166 code VN-66" in organizations.loc["hung-yen-party-committee",
                                                      "country_basis"]
    # The minister's ministry is placed nowhere by the articles: no country is invented.
    assert officials.loc["pos-tran-duc-thang-minister", "country_id"] == ""
    # An embassy has no place in the sources: its country is its state's ("Chinese Embassy").
    assert officials.loc["pos-he-wei-ambassador", "country_id"] == "china"
    assert officials.loc["pos-ito-naoki-ambassador", "country_id"] == "japan"
    assert officials.loc["pos-xu-jian-vice-mayor", "country_id"] == "china"


def test_officials_load_and_describe_like_every_table():
    import hanoi_coop

    officials = hanoi_coop.load("officials")
    assert "officials" in hanoi_coop.tables() and len(officials) == len(_csv("positions"))
    described = hanoi_coop.describe("officials").set_index("name")
    assert "verbatim" in described.loc["label", "description"] or "exactly" in described.loc[
        "label", "description"]


def test_a_status_is_set_only_where_the_words_name_a_phase():
    projects = _csv("projects").set_index("project_id")
    # "Japan's determination to complete the project in full" names no phase.
    assert projects.loc["hanoi-urban-railway-line-2", ["status", "status_phrase"]].tolist() == [
        "", ""]
    assert projects.loc["north-south-railway", "status"] == "implementation"  # "accelerating"
