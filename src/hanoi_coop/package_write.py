"""Stage 4, tables out: deterministic CSV and Parquet files, schemas and datapackage.json.

Same inputs, same bytes: rows sorted by primary key, UTF-8, LF, fixed number formatting; Parquet
through an explicit Arrow schema with fixed compression and no pandas metadata.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from hanoi_coop.croissant import croissant
from hanoi_coop.layout import CROISSANT, DESCRIPTOR, PARQUET_SUFFIX, csv_path, parquet_path
from hanoi_coop.metadata import RESOURCES, SOURCES, Resource, package
from hanoi_coop.schemas import arrow_table, pandera_schema, table_schema

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


def csv_bytes(resource: Resource, frame: pd.DataFrame) -> bytes:
    columns = [f.column_type.text_cells(frame[f.name]) for f in resource.fields]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(resource.field_names)
    writer.writerows(zip(*columns, strict=True))
    return out.getvalue().encode()


def parquet_bytes(resource: Resource, frame: pd.DataFrame) -> bytes:
    sink = io.BytesIO()
    pq.write_table(arrow_table(resource, frame), sink, compression="zstd",
                   compression_level=3, row_group_size=1_000_000, store_schema=True,
                   use_dictionary=True, write_statistics=True)
    return sink.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _resource_descriptor(resource: Resource, path: str, data: bytes, rows: int,
                         parquet: bool) -> dict:
    return {
        "name": resource.name + (PARQUET_SUFFIX if parquet else ""),
        "title": resource.title + (" (Parquet)" if parquet else ""),
        "description": resource.description,
        "type": "table",
        "path": path,
        "format": "parquet" if parquet else "csv",
        "mediatype": "application/vnd.apache.parquet" if parquet else "text/csv",
        **({} if parquet else {"encoding": "utf-8",
                               "dialect": {"delimiter": ",", "lineTerminator": "\n",
                                           "header": True}}),
        # Frictionless can count bytes and hash only for text formats; Parquet checksums are
        # in the release manifest.
        **({} if parquet else {"bytes": len(data), "hash": f"sha256:{_sha256(data)}"}),
        "rows": rows,  # not a Data Package property; kept for the manifest and the README
        "schema": table_schema(resource, PARQUET_SUFFIX if parquet else ""),
    }


def package_descriptor(resources: list[dict], sources: pd.DataFrame, version: str) -> dict:
    return {
        "$schema": PACKAGE_PROFILE,
        "name": package.NAME,
        "title": package.TITLE,
        "description": package.DESCRIPTION,
        "version": version,
        "licenses": [asdict(package.LICENSE)],
        "keywords": list(package.KEYWORDS),
        "contributors": list(package.CONTRIBUTORS),
        "sources": [
            {"title": f"{row.title} ({row.publisher}; {row.origin_file})"}
            for row in sources.itertuples()
        ],
        "resources": resources,
    }


def json_bytes(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


def write_package(frames: dict[str, pd.DataFrame], root: Path, version: str) -> dict:
    """Write data/, schemas/, datapackage.json and croissant.json of ``version`` under
    ``root``; return the descriptor."""
    csv_resources: list[dict] = []
    parquet_resources: list[dict] = []
    sha256: dict[str, str] = {}
    for name, resource in RESOURCES.items():
        frame = frames[name]
        for parquet, path, data in (
            (False, csv_path(name), csv_bytes(resource, frame)),
            (True, parquet_path(name), parquet_bytes(resource, frame)),
        ):
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            sha256[path] = _sha256(data)
            (parquet_resources if parquet else csv_resources).append(
                _resource_descriptor(resource, path, data, len(frame), parquet))
    write_schemas(root / "schemas")
    descriptor = package_descriptor(csv_resources + parquet_resources, frames[SOURCES],
                                    version)
    (root / DESCRIPTOR).write_bytes(json_bytes(descriptor))
    (root / CROISSANT).write_bytes(json_bytes(croissant(version, sha256)))
    return descriptor


# Schema texts by the declaration they come from: every build writes them, and Pandera's YAML
# dump alone is a tenth of a small build. A changed declaration has another repr.
_SCHEMA_TEXTS: dict[str, tuple[bytes, bytes]] = {}


def _schema_texts(resource: Resource) -> tuple[bytes, bytes]:
    key = repr(resource)
    if key not in _SCHEMA_TEXTS:
        _SCHEMA_TEXTS[key] = (json_bytes(table_schema(resource)),
                              str(pandera_schema(resource).to_yaml()).encode())
    return _SCHEMA_TEXTS[key]


def schema_files() -> dict[str, bytes]:
    """Generated schema files by relative path under schemas/."""
    files = {}
    for name, resource in RESOURCES.items():
        files[f"{name}.schema.json"], files[f"pandera/{name}.yaml"] = _schema_texts(resource)
    return files


def write_schemas(folder: Path) -> None:
    for relative, data in schema_files().items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


