"""Every value-bearing cell names the quote that states it (cell_evidence), the quote holds
the cell's words, and the gate is tried from the other side: in curated input (words no quote
holds) and in a published package (a row naming another quote, other words, a cell that holds
no value, a cell left without its row)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hanoi_coop.errors import InputError
from hanoi_coop.metadata import RESOURCES
from hanoi_coop.package.read import read_frames
from hanoi_coop.quotes import normalise_quote
from hanoi_coop.validation.validate import validate_package

from .conftest import ROOT, replace_in
from .corruption import copy_package, read_rows, write_rows


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return read_frames(ROOT)


def _declared_cells(frames: dict[str, pd.DataFrame]) -> set[tuple[str, str, str]]:
    """(table, record, column) of every non-empty cell a words column states."""
    cells = set()
    for name, resource in RESOURCES.items():
        for statement in resource.cell_statements:
            for row in frames[name].to_dict("records"):
                for column in statement.cells:
                    if pd.notna(row[statement.words]) and pd.notna(row[column]):
                        cells.add((name, row[resource.primary_key], column))
    return cells


def test_every_stated_cell_has_the_quote_that_holds_its_words(frames):
    cells = frames["cell_evidence"].merge(frames["evidence"], on="evidence_id",
                                          suffixes=("", "_quote"))
    assert len(cells) == len(frames["cell_evidence"])  # every row names a quote
    for words, quote in zip(cells["words"], cells["quote"], strict=True):
        parts = normalise_quote(words).replace("...", "…").split("…")
        assert all(p.strip() in normalise_quote(quote) for p in parts), (words, quote)
    stated = set(zip(cells["table_name"], cells["record_id"], cells["field"], strict=True))
    assert _declared_cells(frames) <= stated
    # the 600 km: its number, unit and words come from the sentence that says "about 600"
    length = cells[cells["record_id"] == "tgt-hanoi-urban-rail-2045-length"].set_index("field")
    assert length.loc["value", "words"] == "about 600 kilometers"
    assert length.loc["unit", "quote"].startswith("Hanoi plans to build 15 urban rail lines")
    # a stop of a trip is dated by the trip's own words, from the trip's quote
    stop = cells[(cells["record_id"] == "mtg-tien-delegation-tokyo-metro")
                 & (cells["field"] == "date_edtf")].iloc[0]
    assert (stop["words"], stop["record_id_quote"]) == ("in late August",
                                                         "mtg-tien-delegation-east-asia")


def test_words_no_quote_holds_stop_the_build(workspace: Path):
    from hanoi_coop.build import build

    replace_in(workspace / "curated" / "figures.yaml", 'period: {text: in 2025, edtf: "2025"}',
               'period: {text: during 2025, edtf: "2025"}')
    with pytest.raises(InputError) as caught:
        build(workspace)
    found = [p for p in caught.value.problems if p.rule == "cell-unquoted"]
    assert [(p.file, p.record, p.field, p.value) for p in found] == [
        ("curated/figures.yaml", "fig-crrc-dalian-revenue-2025", "period_text", "during 2025")]
    assert found[0].line is not None
    assert not (workspace / "data").exists()


def test_a_published_cell_evidence_table_that_lies_is_located(tmp_path: Path):
    """Four lies in one package, each reported at its own line: a row naming another quote,
    a row with other words, a row for a cell that holds no value (a summary, the curator's
    words), and a value-bearing cell whose row was removed."""
    package = copy_package(tmp_path / "package")
    rows = read_rows(package, "cell_evidence")
    header, body = rows[0], rows[1:]
    column = {name: header.index(name) for name in header}
    evidence_ids = [r[0] for r in read_rows(package, "evidence")[1:]]

    def at(cell_id: str) -> int:
        return next(i for i, r in enumerate(body) if r[column["cell_id"]] == cell_id)

    value = at("cell:targets:tgt-hanoi-urban-rail-2045-length:value")
    other_quote = next(e for e in evidence_ids if e.startswith("ev:persons:"))
    body[value][column["evidence_id"]] = other_quote
    unit = at("cell:targets:tgt-hanoi-urban-rail-2045-length:unit")
    body[unit][column["words"]] = "about 900 kilometers"
    removed = body.pop(at("cell:persons:ito-naoki:given-name"))
    summary = list(body[value])
    summary[column["cell_id"]] = "cell:targets:tgt-hanoi-urban-rail-2045-length:summary"
    summary[column["field"]] = "summary"
    body.append(summary)
    body.sort(key=lambda r: r[column["cell_id"]])
    write_rows(package, "cell_evidence", [header, *body])

    problems = [p for p in validate_package(package, with_frictionless=False).problems
                if p.file == "data/csv/cell_evidence.csv" and p.rule == "cell-evidence"]
    line = {r[column["cell_id"]]: i + 2 for i, r in enumerate(body)}
    located = {(p.line, p.field) for p in problems}
    assert (line[body[at("cell:targets:tgt-hanoi-urban-rail-2045-length:value")][0]],
            "evidence_id") in located
    assert (line["cell:targets:tgt-hanoi-urban-rail-2045-length:unit"], "words") in located
    assert (line["cell:targets:tgt-hanoi-urban-rail-2045-length:summary"], "cell_id") in located
    assert any(p.value == removed[column["cell_id"]] and "missing" in p.message
               for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize(("file", "old", "new", "record", "field"), [
    ("targets.yaml", "  value: 600\n", "  value: 900\n", "tgt-hanoi-urban-rail-2045-length",
     "value"),
    ("targets.yaml", 'deadline: {text: by 2045, edtf: "2045"}',
     'deadline: {text: by 2045, edtf: "2050"}', "tgt-hanoi-urban-rail-2045-lines",
     "deadline_edtf"),
    ("figures.yaml", "  value: 3000000000\n", "  value: 3000000\n",
     "fig-crrc-dalian-revenue-2025", "value"),
])
def test_a_value_its_words_do_not_state_stops_the_build(workspace: Path, file, old, new,
                                                        record, field):
    """The quote a cell names must state the cell's value, not only hold its words."""
    from hanoi_coop.build import build

    replace_in(workspace / "curated" / file, old, new)
    with pytest.raises(InputError) as caught:
        build(workspace)
    found = [(p.file, p.record, p.field) for p in caught.value.problems
             if p.rule == "value-not-stated"]
    assert found == [(f"curated/{file}", record, field)]


@pytest.mark.parametrize(("words", "numbers"), [
    ("estimated investment of US$55.4 billion", [5.54e10]),
    ("exceeding 3.2 trillion yuan (US$449 billion)", [3.2e12, 4.49e11]),
    ("more than 10,000 staff", [10000]), ("accounts for one-third", [1 / 3]),
    ("six bridges across the Red River", [6]), ("a roughly 70-kilometer corridor", [70]),
    # the forms an outside reader found misread: units glued on, short scales, compounds,
    # fractions, a sign
    ("2,000km of roads", [2000]), ("invest US$1.5bn", [1.5e9]), ("VND50 trillion", [5e13]),
    ("twenty-five river crossings", [25]), ("two-thirds of its budget", [2 / 3]),
    ("a third", [1 / 3]), ("half a million", [5e5]), ("-5 degrees", [-5]),
    ("by 10-15%", [10, 15]),
])
def test_numbers_are_read_from_words_as_printed(words, numbers):
    from hanoi_coop.quotes import numbers_stated

    assert numbers_stated(words) == pytest.approx(numbers)


def test_a_year_range_states_both_ends():
    from hanoi_coop.quotes import years_stated

    assert years_stated("under its 2021-30 plan") == {"2021", "2030"}
    assert years_stated("its 2021–2030 provincial plan") == {"2021", "2030"}


def test_a_name_part_is_whole_words_of_its_quote(workspace: Path):
    """"Tu" stands in "Tuan" as letters, not as a name: no quote states that given name."""
    from hanoi_coop.build import build

    replace_in(workspace / "curated" / "persons.yaml", "  given_name: Tuan\n",
               "  given_name: Tu\n")
    with pytest.raises(InputError) as caught:
        build(workspace)
    found = [(p.file, p.record, p.field) for p in caught.value.problems
             if p.rule == "cell-unquoted"]
    assert found == [("curated/persons.yaml", "duong-duc-tuan", "given_name")]


def test_a_quotes_id_survives_reordering(workspace: Path):
    """Ids follow the quote, not its position: swapping a row's two quotes changes no id (a
    diff shows no removal and addition where nothing changed)."""
    import csv

    from hanoi_coop.build import build

    def ids() -> set[str]:
        with (workspace / "data" / "csv" / "evidence.csv").open(encoding="utf-8") as handle:
            return {row["evidence_id"] for row in csv.DictReader(handle)}

    build(workspace)
    before = ids()
    first = ('    - {source: src-china-urban-planning-metro, quote: "Hanoi plans to build 15 '
             'urban rail lines or sections by 2045, totaling about 600 kilometers, with '
             'estimated investment of US$55.4 billion."}\n')
    second = ('    - {source: src-hanoi-chongqing-cooperation, quote: "with a goal to complete 14 '
              'metro lines by 2035"}\n')
    replace_in(workspace / "curated" / "projects.yaml", first + second, second + first)
    build(workspace)
    assert ids() == before


def test_an_evidence_id_that_is_not_its_quotes_is_located(tmp_path: Path):
    package = copy_package(tmp_path / "package")
    rows = read_rows(package, "evidence")
    old = rows[5][0]
    rows[5][0] = old.rsplit(":", 1)[0] + ":1"  # a position, as ids were before 5.0.0
    write_rows(package, "evidence", rows)
    found = [(p.file, p.line, p.field) for p in
             validate_package(package, with_frictionless=False).problems
             if p.rule == "evidence-id"]
    assert found == [("data/csv/evidence.csv", 6, "evidence_id")]
