"""What changed between two versions of the package: rows by primary key, and schemas."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from hanoi_coop.layout import RELEASES
from hanoi_coop.package.access import Unreadable, open_package, safe_relative


@dataclass
class TableDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # id -> changed columns
    # id -> column -> (old, new): what a user checks a correction by
    values: dict[str, dict[str, tuple[str | None, str | None]]] = field(default_factory=dict)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    types_changed: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added
                    or self.columns_removed or self.types_changed)


@dataclass
class PackageDiff:
    tables: dict[str, TableDiff] = field(default_factory=dict)
    tables_added: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.tables_added or self.tables_removed) and all(
            t.empty for t in self.tables.values())

    def to_dict(self) -> dict:
        return {
            "tables_added": self.tables_added, "tables_removed": self.tables_removed,
            "tables": {name: t.__dict__ for name, t in self.tables.items() if not t.empty},
        }


@dataclass
class Snapshot:
    """A version of the package as the diff sees it: table schemas and CSV frames."""

    schemas: dict[str, dict[str, str]]  # table -> column -> type
    keys: dict[str, str | None]
    frames: dict[str, pd.DataFrame]


def resolve(spec: str, root: Path) -> Path:
    """A released version number, '.'/'working' for the working tree, or a path."""
    if spec in (".", "working"):
        return root
    released = root / RELEASES / spec
    if (released / "datapackage.json").exists():
        return released
    path = Path(spec)
    if path.exists():
        return path
    raise Unreadable(f"{spec}: neither a released version in {RELEASES}/ nor a path")


def _text_frame(path: Path, columns: list[str], label: str) -> pd.DataFrame:
    """A CSV file as text cells under the columns its own descriptor names."""
    try:
        table = pa_csv.read_csv(
            path, parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.string()), strings_can_be_null=False))
    except (pa.ArrowInvalid, OSError) as exc:
        raise Unreadable(f"{label}: cannot be read as CSV: {exc}") from None
    if table.column_names != columns:
        raise Unreadable(f"{label}: header differs from its own datapackage.json")
    # Python strings straight from Arrow: to_pandas then astype(object) costs five times as
    # much on these small tables, and history reads every table of every release.
    return pd.DataFrame({name: table.column(name).to_pylist() for name in columns},
                        columns=columns, dtype=object)


def _columns(resource: dict, label: str) -> tuple[dict[str, str], str | None]:
    """A resource's columns (name -> type) and primary key as its own descriptor states them;
    Unreadable, saying what is wrong, where the descriptor does not state them plainly."""
    schema = resource.get("schema") or {}
    fields = schema.get("fields", []) if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) and f["name"]
            for f in fields):
        raise Unreadable(f"{label}: its schema is not an object whose fields each have a name")
    columns = {f["name"]: str(f.get("type", "string")) for f in fields}
    if len(columns) < len(fields):
        raise Unreadable(f"{label}: its schema names a field twice")
    stated = schema.get("primaryKey")
    key = stated[0] if isinstance(stated, list) and stated else stated
    if key is None:
        return columns, None
    if not isinstance(key, str) or key not in columns:
        raise Unreadable(f"{label}: its primary key {key!r} is not one of its fields")
    return columns, key


def snapshot(path: Path) -> Snapshot:
    """A version read through its own datapackage.json, not today's model: a table whose
    columns changed since is compared as it was published."""
    with open_package(path) as published:
        schemas: dict[str, dict[str, str]] = {}
        keys: dict[str, str | None] = {}
        frames: dict[str, pd.DataFrame] = {}
        for resource in published.descriptor["resources"]:
            if not isinstance(resource, dict) or resource.get("format") != "csv":
                continue
            name = str(resource.get("name"))
            relative = str(safe_relative(resource.get("path")))
            label = f"{path}: {relative}"
            columns, key = _columns(resource, label)
            frame = _text_frame(published.root / relative, list(columns), label)
            if key is not None and frame[key].duplicated().any():
                repeated = sorted(set(frame[key][frame[key].duplicated()]))[:3]
                raise Unreadable(f"{label}: the primary key {key} repeats ({', '.join(repeated)}"
                                 "): rows cannot be matched; hanoi-coop validate locates them")
            schemas[name], keys[name], frames[name] = columns, key, frame
        return Snapshot(schemas, keys, frames)


def _rows_diff(old: pd.DataFrame, new: pd.DataFrame, key: str, columns: list[str],
               result: TableDiff) -> None:
    old_i, new_i = old.set_index(key), new.set_index(key)
    result.added = sorted(set(new_i.index) - set(old_i.index))
    result.removed = sorted(set(old_i.index) - set(new_i.index))
    common = sorted(set(old_i.index) & set(new_i.index))
    a, b = old_i.loc[common, columns].astype(object), new_i.loc[common, columns].astype(object)
    differs = ~((a == b).fillna(False).astype(bool) | (a.isna() & b.isna()))
    for identifier, row in differs[differs.any(axis=1)].iterrows():  # the changed rows only
        cells = [c for c in columns if row[c]]
        result.changed[str(identifier)] = cells
        result.values[str(identifier)] = {
            c: (_cell(a.at[identifier, c]), _cell(b.at[identifier, c])) for c in cells}


def _cell(value: object) -> str | None:
    return None if value is None or pd.isna(value) or value == "" else str(value)


def _shown(value: str | None, width: int = 80, start: int = 0) -> str:
    """The value, or a window of ``width`` characters from ``start`` with '…' where cut."""
    if value is None:
        return "empty"
    if len(value) <= width:
        return repr(value)
    piece = value[start:start + width]
    return repr(("…" if start else "") + piece + ("…" if start + width < len(value) else ""))


def shown_change(was: str | None, now: str | None, width: int = 80) -> tuple[str, str]:
    """Old and new as a reader can tell them apart: a long cell is shown from a little before
    the first character that differs, not cut where both still look the same."""
    if was is None or now is None:
        return _shown(was, width), _shown(now, width)
    first = next((i for i, (a, b) in enumerate(zip(was, now, strict=False)) if a != b),
                 min(len(was), len(now)))
    start = max(0, first - width // 4) if max(len(was), len(now)) > width else 0
    return _shown(was, width, start), _shown(now, width, start)


def diff(old: Snapshot, new: Snapshot) -> PackageDiff:
    result = PackageDiff(tables_added=sorted(set(new.schemas) - set(old.schemas)),
                         tables_removed=sorted(set(old.schemas) - set(new.schemas)))
    for name in sorted(set(old.schemas) & set(new.schemas)):
        table = TableDiff()
        old_cols, new_cols = old.schemas[name], new.schemas[name]
        table.columns_added = [c for c in new_cols if c not in old_cols]
        table.columns_removed = [c for c in old_cols if c not in new_cols]
        table.types_changed = {c: (old_cols[c], new_cols[c]) for c in old_cols
                               if c in new_cols and old_cols[c] != new_cols[c]}
        key = new.keys[name]
        if key and name in old.frames and name in new.frames and key == old.keys[name]:
            common = [c for c in new_cols if c in old_cols and c != key]
            _rows_diff(old.frames[name], new.frames[name], key, common, table)
        result.tables[name] = table
    return result


def format_diff(result: PackageDiff) -> str:
    if result.empty:
        return "no changes"
    lines = [f"table added: {n}" for n in result.tables_added]
    lines += [f"table removed: {n}" for n in result.tables_removed]
    for name, t in result.tables.items():
        if t.empty:
            continue
        lines.append(f"{name}: {len(t.added)} added, {len(t.removed)} removed, "
                     f"{len(t.changed)} changed")
        lines += [f"  column added: {c}" for c in t.columns_added]
        lines += [f"  column removed: {c}" for c in t.columns_removed]
        lines += [f"  type changed: {c} {a} -> {b}" for c, (a, b) in t.types_changed.items()]
        lines += [f"  + {i}" for i in t.added]
        lines += [f"  - {i}" for i in t.removed]
        for identifier, cells in t.values.items():
            lines += [f"  ~ {identifier}: {column} {' -> '.join(shown_change(was, now))}"
                      for column, (was, now) in cells.items()]
    return "\n".join(lines)


