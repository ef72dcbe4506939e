"""Adding a table or a column type touches the model and nothing else: a toy ``bridges`` table
and a toy ``year`` type, declared in the metadata model alone, go through curation, evidence,
build, validation, the schemas and the SQLite export like everything else."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hanoi_coop.build import build
from hanoi_coop.metadata import CELL_EVIDENCE, FIELDS, RESOURCES, Field, Resource
from hanoi_coop.metadata.fields import ID_PATTERN
from hanoi_coop.metadata.inputs import CURATED_FILES, CuratedFile
from hanoi_coop.metadata.resources import EVIDENCE, ForeignKey
from hanoi_coop.metadata.types import TYPES, ColumnType
from hanoi_coop.package.sqlite import write_sqlite
from hanoi_coop.validation.validate import validate_package

BRIDGES = Resource(
    "bridges", "Bridges", "Bridges the sources name, with the place they connect.",
    ("bridge_id", "source_id", "name", "place_id", "span_count"), "bridge_id",
    (ForeignKey("source_id", "sources", "source_id"), ForeignKey("place_id", "places",
                                                                  "place_id")),
    required=("source_id",), needs_evidence=True)
NEW_FIELDS = [
    Field("bridge_id", "string", "Identifier of the bridge.", pattern=ID_PATTERN),
    Field("span_count", "integer", "Number of spans, where the source gives it.", minimum=1),
]
CURATED = """\
- bridge_id: dong-ninh-bridge
  source_id: src-capital-region-urban-cluster
  name: Dong Ninh Bridge
  place_id: van-diem
  evidence:
    - quote: "the alignment of Dong Ninh Bridge to connect Provincial Road 429"
"""


def _declare(monkeypatch, resource: Resource, fields: list[Field]) -> dict:
    """Declare a table and its new fields the way a maintainer would in metadata/; return the
    previous table list to restore."""
    for f in fields:
        monkeypatch.setitem(FIELDS, f.name, f)
    table_name = FIELDS["table_name"]
    monkeypatch.setitem(FIELDS, "table_name",
                        replace(table_name, enum=(*table_name.enum, resource.name)))
    saved = dict(RESOURCES)
    RESOURCES.clear()  # in place: every module holds this dict; the new table before the
    # tables made from the evidence
    made_last = (EVIDENCE, CELL_EVIDENCE)
    RESOURCES.update({n: r for n, r in saved.items() if n not in made_last})
    RESOURCES[resource.name] = resource
    RESOURCES.update({n: saved[n] for n in made_last})
    monkeypatch.setitem(CURATED_FILES, resource.name, CuratedFile(resource.name, resource.name))
    return saved


def _restore(saved: dict) -> None:
    RESOURCES.clear()
    RESOURCES.update(saved)


@pytest.fixture
def model_with_bridges(monkeypatch):
    saved = _declare(monkeypatch, BRIDGES, NEW_FIELDS)
    yield
    _restore(saved)


def _rows(root: Path, table: str) -> list[dict]:
    text = (root / "data" / "csv" / f"{table}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_table_declared_in_the_model_alone_is_built_and_validated(
        model_with_bridges, workspace: Path, tmp_path: Path):
    place_file = workspace / "curated" / "places.yaml"
    assert "place_id: van-diem" in place_file.read_text(encoding="utf-8")
    (workspace / "curated" / "bridges.yaml").write_text(CURATED, encoding="utf-8")
    build(workspace)

    assert _rows(workspace, "bridges") == [{
        "bridge_id": "dong-ninh-bridge", "source_id": "src-capital-region-urban-cluster",
        "name": "Dong Ninh Bridge", "place_id": "van-diem", "span_count": ""}]
    evidence = [r for r in _rows(workspace, EVIDENCE) if r["table_name"] == "bridges"]
    assert [r["record_id"] for r in evidence] == ["dong-ninh-bridge"]
    assert evidence[0]["quote"] == (
        "the alignment of Dong Ninh Bridge to connect Provincial Road 429")
    assert (workspace / "data" / "parquet" / "bridges.parquet").exists()
    schema = json.loads((workspace / "schemas" / "bridges.schema.json").read_text())
    assert schema["primaryKey"] == ["bridge_id"]
    assert {fk["reference"]["resource"] for fk in schema["foreignKeys"]} == {"sources",
                                                                              "places"}
    croissant = json.loads((workspace / "croissant.json").read_text())
    bridges = next(r for r in croissant["recordSet"] if r["name"] == "bridges")
    assert bridges["key"] == {"@id": "bridges/bridge_id"}
    assert "data/parquet/bridges.parquet" in {d["contentUrl"] for d in croissant["distribution"]}
    assert validate_package(workspace, with_frictionless=False).valid  # the build ran it

    from hanoi_coop.package.access import open_package
    from hanoi_coop.package.read import read_package

    with open_package(workspace) as published:
        frames = {n: t.frame for n, t in read_package(published).csv.items()}
    write_sqlite(frames, tmp_path / "bridges.sqlite")
    connection = sqlite3.connect(tmp_path / "bridges.sqlite")
    assert connection.execute("select name from bridges").fetchall() == [("Dong Ninh Bridge",)]


def test_the_new_table_gets_the_same_gates(model_with_bridges, workspace: Path):
    from hanoi_coop.errors import InputError

    (workspace / "curated" / "bridges.yaml").write_text(
        CURATED.replace("place_id: van-diem", "place_id: van-diem\n  span_count: many"),
        encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build(workspace)
    [problem] = caught.value.problems
    assert (problem.file, problem.record, problem.field, problem.rule) == (
        "curated/bridges.yaml", "dong-ninh-bridge", "span_count", "type")


# --- a new column type ------------------------------------------------------------------------
def _parse_year(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    empty = text == ""
    ok = text.str.fullmatch(r"\d{4}").astype(bool)
    values = pd.to_numeric(text.where(ok & ~empty), errors="coerce").astype(pd.Int64Dtype())
    return values, ~ok & ~empty


YEAR = ColumnType("year", pd.Int64Dtype(), pa.int16(), "INTEGER", "integer", int,
                  lambda v: f"{int(v):04d}", _parse_year, int)
HORIZONS = Resource(
    "horizons", "Horizons", "Years by which a plan is to be done.",
    ("horizon_id", "source_id", "horizon_year"), "horizon_id",
    (ForeignKey("source_id", "sources", "source_id"),), required=("source_id",),
    needs_evidence=True)


@pytest.fixture
def model_with_a_year_type(monkeypatch):
    monkeypatch.setitem(TYPES, YEAR.name, YEAR)
    saved = _declare(monkeypatch, HORIZONS, [
        Field("horizon_id", "string", "Identifier of the horizon.", pattern=ID_PATTERN),
        Field("horizon_year", "year", "The year by which the plan is to be done.")])
    yield
    _restore(saved)


def test_a_column_type_declared_in_the_model_alone(model_with_a_year_type, workspace: Path):
    (workspace / "curated" / "horizons.yaml").write_text(
        "- horizon_id: urban-rail-2045\n  source_id: src-china-urban-planning-metro\n"
        "  horizon_year: 2045\n  evidence:\n    - quote: 15 urban rail lines or sections by 2045\n",
        encoding="utf-8")
    build(workspace)
    assert _rows(workspace, "horizons") == [{
        "horizon_id": "urban-rail-2045", "source_id": "src-china-urban-planning-metro",
        "horizon_year": "2045"}]
    schema = json.loads((workspace / "schemas" / "horizons.schema.json").read_text())
    assert schema["fields"][2]["type"] == "year"  # Frictionless checks it as a year too
    parquet = pq.read_table(workspace / "data" / "parquet" / "horizons.parquet")
    assert parquet.schema.field("horizon_year").type == pa.int16()
    assert validate_package(workspace, with_frictionless=False).valid
    csv_file = workspace / "data" / "csv" / "horizons.csv"
    csv_file.write_text(csv_file.read_text().replace(",2045", ",20x5"))
    from .corruption import refresh_checksums

    refresh_checksums(workspace)
    problems = validate_package(workspace, with_frictionless=False).problems
    assert ("data/csv/horizons.csv", 2, "horizon_year", "type") in {
        (p.file, p.line, p.field, p.rule) for p in problems}


def test_a_narrowed_codelist_is_checked_at_once_in_the_same_process(monkeypatch, built: Path):
    """Validate, narrow a codelist in the model, validate the same frames again: the answer
    follows the model (the Pandera findings were remembered by table name and frame digest,
    and a model change in one process answered "valid")."""
    from hanoi_coop.package.read import read_frames
    from hanoi_coop.validation.validate import pandera_findings

    frames = read_frames(built)
    assert pandera_findings(frames) == []
    used = sorted(set(frames["meetings"]["event_type"].dropna()))
    event_type = FIELDS["event_type"]
    monkeypatch.setitem(FIELDS, "event_type",
                        replace(event_type, enum=tuple(c for c in event_type.enum
                                                       if c != used[0])))
    found = pandera_findings(frames)
    assert {(f.table, f.field, f.rule) for f in found} == {("meetings", "event_type",
                                                            "codelist")}
