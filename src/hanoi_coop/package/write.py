"""Stage 4, tables out: deterministic CSV and Parquet files, schemas and datapackage.json.

Same inputs, same bytes: rows sorted by primary key, UTF-8, LF, fixed number formatting; Parquet
through an explicit Arrow schema with fixed compression and no pandas metadata.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from hanoi_coop.layout import (
    CROISSANT,
    DESCRIPTOR,
    DICTIONARY,
    PARQUET_SUFFIX,
    SCHEMAS,
    csv_path,
    parquet_path,
)
from hanoi_coop.metadata import RESOURCES, SOURCES, Resource, package
from hanoi_coop.metadata.dictionary import dictionary_markdown
from hanoi_coop.package.croissant import croissant
from hanoi_coop.package.schemas import arrow_table, pandera_schema, table_schema

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


# Rows per batch of CSV text: the cells of a batch are Python strings, so a table of 10^7 rows
# is never in memory as text all at once.
_CSV_BATCH_ROWS = 100_000


def _csv_batches(resource: Resource, frame: pd.DataFrame) -> Iterator[bytes]:
    """The table's CSV bytes, the header first, then the rows a batch at a time."""
    yield _csv_text([resource.field_names])
    for start in range(0, len(frame), _CSV_BATCH_ROWS):
        batch = frame.iloc[start:start + _CSV_BATCH_ROWS]
        yield _csv_text(zip(*(f.column_type.text_cells(batch[f.name]) for f in resource.fields),
                            strict=True))


def _csv_text(rows: Iterable[Iterable[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return out.getvalue().encode()


@dataclass(frozen=True)
class Written:
    """What the descriptor and croissant.json record of a file written."""

    bytes: int
    sha256: str


def _write_batches(target: Path, batches: Iterable[bytes]) -> Written:
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as sink:
        for data in batches:
            sink.write(data)
            digest.update(data)
            size += len(data)
    return Written(size, digest.hexdigest())


def parquet_bytes(resource: Resource, frame: pd.DataFrame) -> bytes:
    sink = io.BytesIO()
    pq.write_table(arrow_table(resource, frame), sink, compression="zstd",
                   compression_level=3, row_group_size=1_000_000, store_schema=True,
                   use_dictionary=True, write_statistics=True)
    return sink.getvalue()


def resource_descriptor(resource: Resource, path: str, written: Written, rows: int,
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
        **({} if parquet else {"bytes": written.bytes, "hash": f"sha256:{written.sha256}"}),
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
            {"title": f"{row.title} ({row.publisher}; {row.origin_file})",
             **({"path": row.url} if isinstance(row.url, str) else {})}
            for row in sources.itertuples()
        ],
        "resources": resources,
    }


def json_bytes(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


def write_package(frames: dict[str, pd.DataFrame], root: Path, version: str,
                  schemas: dict[str, bytes] | None = None) -> dict:
    """Write data/, schemas/, datapackage.json and croissant.json of ``version`` under
    ``root``; return the descriptor. ``schemas`` are the model's schema files when the caller
    has them already (Pandera's YAML takes 0.2 s to make)."""
    csv_resources: list[dict] = []
    parquet_resources: list[dict] = []
    sha256: dict[str, str] = {}
    for name, resource in RESOURCES.items():
        frame = frames[name]
        for parquet, path in ((False, csv_path(name)), (True, parquet_path(name))):
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            written = _write_batches(target, [parquet_bytes(resource, frame)] if parquet
                                     else _csv_batches(resource, frame))
            sha256[path] = written.sha256
            (parquet_resources if parquet else csv_resources).append(
                resource_descriptor(resource, path, written, len(frame), parquet))
    write_schemas(root / SCHEMAS, schemas)
    descriptor = package_descriptor(csv_resources + parquet_resources, frames[SOURCES],
                                    version)
    (root / DESCRIPTOR).write_bytes(json_bytes(descriptor))
    (root / CROISSANT).write_bytes(json_bytes(croissant(version, sha256)))
    return descriptor


def _schema_texts(resource: Resource) -> tuple[bytes, bytes]:
    return (json_bytes(table_schema(resource)), str(pandera_schema(resource).to_yaml()).encode())


def schema_files() -> dict[str, bytes]:
    """Generated schema files by relative path under schemas/."""
    files = {}
    for name, resource in RESOURCES.items():
        files[f"{name}.schema.json"], files[f"pandera/{name}.yaml"] = _schema_texts(resource)
    files[DICTIONARY] = dictionary_markdown().encode()  # the same model, in words
    return files


def write_schemas(folder: Path, files: dict[str, bytes] | None = None) -> None:
    for relative, data in (files or schema_files()).items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


