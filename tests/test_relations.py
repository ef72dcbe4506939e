"""A party the article says does a project's work (drafts, revises, plans, supplies it) is
recorded in that role; tried from the other side in curated input and in a published package."""

from __future__ import annotations

from pathlib import Path

import pytest

from hanoi_coop.errors import InputError
from hanoi_coop.validation.validate import validate_package

from .conftest import ROOT, replace_in
from .corruption import copy_package, read_rows, write_rows

HANOI_DRAFTS = ('    - {organization_id: hanoi-city, party_role: publicAuthority, source_id: '
                'src-capital-region-urban-cluster, quote: "Hanoi is also drafting a resolution '
                'to amend the Capital Law"}\n')


def test_hanoi_is_a_party_to_the_work_the_articles_say_it_does():
    import csv

    with (ROOT / "data" / "csv" / "project_parties.csv").open(encoding="utf-8") as handle:
        parties = {(r["project_id"], r["organization_id"], r["party_role"])
                   for r in csv.DictReader(handle)}
    for project in ("capital-master-plan-100-year", "capital-law-amendment-resolution",
                    "hanoi-railway-infrastructure-planning"):
        assert (project, "hanoi-city", "publicAuthority") in parties
    # a task in a project (land clearance), or adopting plans to revise a national law, is an
    # interest in it, not authority over it
    for project in ("vietnam-japan-university", "capital-law", "resolution-15-nq-tw"):
        assert (project, "hanoi-city", "interestedParty") in parties
        assert (project, "hanoi-city", "publicAuthority") not in parties
    # a province's own plan is the province's, as the text names it ("Hung Yen has planned")
    assert ("hung-yen-urban-rail-lines", "hung-yen-province", "publicAuthority") in parties
    assert not any(o == "hung-yen-party-committee" and r == "publicAuthority"
                   for _, o, r in parties)


def test_a_party_the_words_name_left_out_stops_the_build(workspace: Path):
    from hanoi_coop.build import build

    replace_in(workspace / "curated" / "projects.yaml", "  parties:\n" + HANOI_DRAFTS, "")
    with pytest.raises(InputError) as caught:
        build(workspace)
    found = [p for p in caught.value.problems if p.rule == "party-not-recorded"]
    assert [(p.file, p.record) for p in found] == [
        ("curated/projects.yaml", "capital-law-amendment-resolution")]
    assert "'drafting'" in found[0].message and found[0].line is not None


def test_a_published_party_removed_is_located_at_its_project(tmp_path: Path):
    package = copy_package(tmp_path / "package")
    rows = read_rows(package, "project_parties")
    write_rows(package, "project_parties", [
        r for r in rows if r[0] != "hanoi-railway-infrastructure-planning:hanoi-city:"
        "publicAuthority"])
    projects = [r[0] for r in read_rows(package, "projects")]
    found = [(p.file, p.line, p.record) for p in
             validate_package(package, with_frictionless=False).problems
             if p.rule == "party-not-recorded"]
    project = "hanoi-railway-infrastructure-planning"
    assert found == [("data/csv/projects.csv", projects.index(project) + 1, project)]


@pytest.mark.parametrize(("file", "old", "new", "record", "field"), [
    # an invitation to a fair "scheduled for April 2026" is no event that took place
    ("meetings.yaml", "  event_status: scheduled\n", "  event_status: held\n",
     "mtg-chongqing-international-fair", "event_status"),
    # a delegation that "is currently visiting China" was on its way, not back
    ("meetings.yaml", "  event_status: ongoing\n", "  event_status: held\n",
     "mtg-tuan-delegation-china", "event_status"),
    # "Duong also proposed ... a roughly 70-kilometer corridor" is a proposal, not a pledge
    ("targets.yaml", "  target_status: proposed\n", "  target_status: declaration_pledge\n",
     "tgt-phu-tho-riverfront-corridor-proposed", "target_status"),
])
def test_what_did_not_happen_is_not_stored_as_a_fact(workspace: Path, file, old, new, record,
                                                     field):
    from hanoi_coop.build import build

    text = (workspace / "curated" / file).read_text(encoding="utf-8")
    start = text.index(f": {record}\n")
    at = text.index(old, start)
    (workspace / "curated" / file).write_text(text[:at] + new + text[at + len(old):],
                                              encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build(workspace)
    assert [(p.file, p.record, p.field) for p in caught.value.problems] == [
        (f"curated/{file}", record, field)]


def test_a_place_the_projects_quotes_do_not_name_is_refused(workspace: Path):
    """The provinces a road links are recorded as its places (they were excused as having
    "no project of its own"); a place its quotes do not name is not."""
    from hanoi_coop.build import build

    replace_in(workspace / "curated" / "projects.yaml", "  places: [ninh-binh]\n",
               "  places: [ninh-binh, thai-nguyen]\n")
    with pytest.raises(InputError) as caught:
        build(workspace)
    assert [(p.file, p.record, p.field) for p in caught.value.problems] == [
        ("curated/projects.yaml", "ring-road-5:thai-nguyen",
         "place_id")]


@pytest.mark.parametrize(("column", "value"), [
    ("url", "https://hanoitimes.vn/hanoi-pledged-to-accelerate-japans-oda-projects.591539.html"),
    ("publication_date", "2024-12-17"),
])
def test_a_published_address_or_date_not_shown_to_be_the_articles(tmp_path: Path, column,
                                                                   value):
    """validate holds a published package to the same rule the build holds sources.yaml."""
    from .corruption import set_cell

    package = copy_package(tmp_path / "package")
    rows = read_rows(package, "sources")
    row = next(i for i, r in enumerate(rows[1:]) if r[0] == "src-japan-priority-projects")
    line = set_cell(package, "sources", row, column, value)
    found = [(p.file, p.line, p.field) for p in
             validate_package(package, with_frictionless=False).problems
             if p.rule == "source-origin"]
    assert found == [("data/csv/sources.csv", line, column)]


def test_a_title_with_no_latin_words_matches_no_address():
    from hanoi_coop.ingest.sources import address_problem, title_slug

    assert title_slug("Hà Nội đẩy nhanh") == "ha-noi-day-nhanh"
    assert address_problem("重庆与河内合作", "https://example.com/any") is not None
