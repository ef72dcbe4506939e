"""Adding a table touches the model and nothing else: a toy ``bridges`` table, declared in the
metadata model alone, goes through curation, evidence, build, validation, the schemas and the
SQLite export like every other table."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from hanoi_coop.build import build
from hanoi_coop.metadata import FIELDS, RESOURCES, Field, Resource
from hanoi_coop.metadata.fields import ID_PATTERN
from hanoi_coop.metadata.inputs import CURATED_FILES, CuratedFile
from hanoi_coop.metadata.resources import EVIDENCE, ForeignKey
from hanoi_coop.schemas import all_pandera_schemas
from hanoi_coop.sqlite_export import write_sqlite
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


@pytest.fixture
def model_with_bridges(monkeypatch):
    """The model with one more table, declared the way a maintainer would in metadata/."""
    for f in NEW_FIELDS:
        monkeypatch.setitem(FIELDS, f.name, f)
    table_name = FIELDS["table_name"]
    monkeypatch.setitem(FIELDS, "table_name",
                        replace(table_name, enum=(*table_name.enum, BRIDGES.name)))
    saved = dict(RESOURCES)
    RESOURCES.clear()  # in place: every module holds this dict; bridges before evidence
    RESOURCES.update({n: r for n, r in saved.items() if n != EVIDENCE})
    RESOURCES[BRIDGES.name] = BRIDGES
    RESOURCES[EVIDENCE] = saved[EVIDENCE]
    monkeypatch.setitem(CURATED_FILES, "bridges", CuratedFile("bridges", "bridges"))
    all_pandera_schemas.cache_clear()
    yield
    RESOURCES.clear()
    RESOURCES.update(saved)
    all_pandera_schemas.cache_clear()


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
    assert validate_package(workspace, with_frictionless=False).valid  # the build ran it

    from hanoi_coop.package_open import open_package
    from hanoi_coop.package_read import read_package

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
