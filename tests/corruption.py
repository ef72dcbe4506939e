"""Helpers that damage a copy of the published package in one precise way."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_published(source: Path, target: Path) -> Path:
    """What a build publishes (data/, schemas/, datapackage.json, croissant.json), copied."""
    from hanoi_coop.build import PUBLISHED

    for name in PUBLISHED:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(source / name, target / name)
    return target


def copy_package(target: Path) -> Path:
    """A published copy of the repository's package."""
    return copy_published(ROOT, target)


def csv_file(root: Path, table: str) -> Path:
    return root / "data" / "csv" / f"{table}.csv"


def read_rows(root: Path, table: str) -> list[list[str]]:
    text = csv_file(root, table).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def write_rows(root: Path, table: str, rows: list[list[str]], rehash: bool = True) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    csv_file(root, table).write_bytes(buffer.getvalue().encode("utf-8"))
    if rehash:
        refresh_checksums(root)


def set_cell(root: Path, table: str, row: int, column: str, value: str,
             rehash: bool = True) -> int:
    """Set one cell (row is 0-based among data rows); return the CSV line it is on."""
    rows = read_rows(root, table)
    rows[row + 1][rows[0].index(column)] = value
    write_rows(root, table, rows, rehash)
    return row + 2


def refresh_checksums(root: Path) -> None:
    """Recompute hash and bytes in datapackage.json (and croissant.json's sha256) so only the
    intended damage remains."""
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if "hash" in resource:
            data = (root / resource["path"]).read_bytes()
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
            resource["bytes"] = len(data)
    _write_json(path, descriptor)
    croissant = root / "croissant.json"
    if croissant.is_file():
        document = json.loads(croissant.read_text(encoding="utf-8"))
        for item in document["distribution"]:
            data = (root / item["contentUrl"]).read_bytes()
            item["sha256"] = hashlib.sha256(data).hexdigest()
        _write_json(croissant, document)


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def edit_bytes(root: Path, table: str, edit, rehash: bool = True) -> None:
    path = csv_file(root, table)
    path.write_bytes(edit(path.read_bytes()))
    if rehash:
        refresh_checksums(root)


def drop_column(root: Path, table: str, column: str, drop_last_rows: int = 0) -> list[list[str]]:
    """Remove a column from a table's CSV and its schema (and the last rows if asked), as an
    older or newer version of the package might have it; return the rows before the edit."""
    rows = read_rows(root, table)
    index = rows[0].index(column)
    kept = [r[:index] + r[index + 1:] for r in rows]
    write_rows(root, table, kept[:len(kept) - drop_last_rows])
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == table:
            resource["schema"]["fields"] = [f for f in resource["schema"]["fields"]
                                            if f["name"] != column]
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    refresh_checksums(root)
    return rows
