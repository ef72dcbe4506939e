"""The whole package as one SQLite database, keys and foreign keys declared and checked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from hanoi_coop.metadata import RESOURCES, Resource

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER",
             "date": "TEXT"}


def _create_statement(resource: Resource) -> str:
    columns = []
    for f in resource.fields:
        column = f'"{f.name}" {SQL_TYPES[f.type]}'
        if f.name == resource.primary_key:
            column += " PRIMARY KEY"
        elif f.required:
            column += " NOT NULL"
        columns.append(column)
    for fk in resource.foreign_keys:
        columns.append(f'FOREIGN KEY ("{fk.fields}") REFERENCES "{fk.resource}" '
                       f'("{fk.reference}") DEFERRABLE INITIALLY DEFERRED')
    return f'CREATE TABLE "{resource.name}" (\n  ' + ",\n  ".join(columns) + "\n)"


def _value(value: object, type_: str) -> object:
    if value is None or pd.isna(value):
        return None
    if type_ == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if type_ == "boolean":
        return int(bool(value))
    if type_ == "integer":
        return int(value)
    if type_ == "number":
        return float(value)
    return str(value)


def write_sqlite(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """Write every table; fail if any foreign key does not resolve."""
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        with connection:
            for name, resource in RESOURCES.items():
                connection.execute(_create_statement(resource))
                types = [f.type for f in resource.fields]
                placeholders = ", ".join("?" for _ in types)
                rows = [[_value(v, t) for v, t in zip(row, types, strict=True)]
                        for row in frames[name].itertuples(index=False, name=None)]
                connection.executemany(
                    f'INSERT INTO "{name}" VALUES ({placeholders})', rows)
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ValueError(f"foreign keys that do not resolve in SQLite: {broken[:5]}")
        connection.execute("VACUUM")
    finally:
        connection.close()
