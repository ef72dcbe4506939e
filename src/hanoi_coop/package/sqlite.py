"""The whole package as one SQLite database, keys and foreign keys declared and checked,
references indexed, and the model's text columns searchable (FTS5)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from hanoi_coop.metadata import RESOURCES, Field, Resource


def _create_statement(resource: Resource) -> str:
    columns = []
    for f in resource.fields:
        column = f'"{f.name}" {f.column_type.sqlite_type}'
        if f.name == resource.primary_key:
            column += " PRIMARY KEY"
        elif f.required:
            column += " NOT NULL"
        columns.append(column)
    for fk in resource.foreign_keys:
        columns.append(f'FOREIGN KEY ("{fk.fields}") REFERENCES "{fk.resource}" '
                       f'("{fk.reference}") DEFERRABLE INITIALLY DEFERRED')
    return f'CREATE TABLE "{resource.name}" (\n  ' + ",\n  ".join(columns) + "\n)"


def _index_statements(resource: Resource) -> list[str]:
    """An index on each reference column: the portal joins and facets along them."""
    return [f'CREATE INDEX "{resource.name}_{fk.fields}" ON "{resource.name}" ("{fk.fields}")'
            for fk in resource.foreign_keys]


def _full_text_statements(resource: Resource) -> list[str]:
    """An FTS5 index over the model's full-text columns, reading the table's own rows
    (external content): Datasette finds it and its ``_search`` then searches these columns."""
    if not resource.full_text:
        return []
    fts = f"{resource.name}_fts"
    columns = ", ".join(f'"{c}"' for c in resource.full_text)
    return [f'CREATE VIRTUAL TABLE "{fts}" USING fts5({columns}, content="{resource.name}")',
            f"INSERT INTO \"{fts}\" (\"{fts}\") VALUES ('rebuild')"]


def _value(value: object, field: Field) -> object:
    if value is None or pd.isna(value):
        return None
    return field.column_type.to_sqlite(value)


def write_sqlite(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """Write every table; fail if any foreign key does not resolve."""
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        with connection:
            for name, resource in RESOURCES.items():
                connection.execute(_create_statement(resource))
                fields = resource.fields
                placeholders = ", ".join("?" for _ in fields)
                rows = [[_value(v, f) for v, f in zip(row, fields, strict=True)]
                        for row in frames[name].itertuples(index=False, name=None)]
                connection.executemany(
                    f'INSERT INTO "{name}" VALUES ({placeholders})', rows)
                for statement in _index_statements(resource) + _full_text_statements(resource):
                    connection.execute(statement)
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ValueError(f"foreign keys that do not resolve in SQLite: {broken[:5]}")
        connection.execute("VACUUM")
    finally:
        connection.close()
