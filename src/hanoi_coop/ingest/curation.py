"""Stage 2, curated records: read the YAML files into table rows and quote claims.

Each curated file feeds one table (and, for nested lists, its link tables). Columns the build
derives (date bounds, search keys, link-table ids, dates taken from a meeting) are filled here;
anything else a row needs must be in the file. Problems name the file, the line and the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hanoi_coop import dates, names
from hanoi_coop.errors import InputError, Problem
from hanoi_coop.ingest.records import Record, load_records
from hanoi_coop.metadata import FIELDS, RESOURCES
from hanoi_coop.metadata.fields import DATE_PARTS
from hanoi_coop.metadata.inputs import (
    CURATED_FILES,
    DATE_GROUPS,
    EVIDENCE_KEY,
    MORE_QUOTES_KEY,
    Nested,
)


@dataclass(frozen=True)
class QuoteClaim:
    """A curated quote that must be found in its source."""

    table: str
    record_id: str
    field: str | None
    source_id: str | None
    quote: Any
    file: str
    line: int


@dataclass(frozen=True)
class Origin:
    """Where a row came from, so a validation error can name the curated file and line."""

    file: str
    line: int
    field_lines: dict[str, int]


@dataclass
class Curated:
    rows: dict[str, list[dict]] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    claims: list[QuoteClaim] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add_row(self, table: str, row: dict, origin: Origin) -> None:
        self.rows.setdefault(table, []).append(row)
        key = RESOURCES[table].primary_key
        self.origins[(table, str(row.get(key)))] = origin


def _row(table: str, record: Record, values: dict, curated: Curated) -> dict:
    """Typed row of ``table`` from curated values; unknown keys and bad types are problems."""
    resource = RESOURCES[table]
    row: dict[str, Any] = {}
    for key, value in values.items():
        if key in DATE_GROUPS and f"{key}_edtf" in resource.field_names:
            try:
                row.update(dates.date_columns(key, value))
            except dates.DateError as exc:
                curated.problems.append(record.problem("edtf", str(exc), key, value.get("edtf")))
            continue
        if key not in resource.field_names:
            curated.problems.append(record.problem(
                "unknown-field", f"{table} has no column {key!r}", key, value))
            continue
        try:
            row[key] = None if value is None or value == "" else (
                FIELDS[key].column_type.from_yaml(value))
        except ValueError as exc:
            curated.problems.append(record.problem("type", str(exc), key, value))
    return {name: row.get(name) for name in resource.field_names}


def _derive_names(row: dict) -> None:
    if "search_key" in row and row.get("name"):
        row["search_key"] = names.search_key(row["name"])
    if "sort_name" in row and row.get("given_name"):
        row["sort_name"] = names.sort_name(
            row.get("family_name"), row["given_name"], row.get("additional_name"))


def _claims(table: str, record_id: str, record: Record, items: Any, source_id: str | None,
            curated: Curated) -> None:
    """Quote claims from an ``evidence`` list of {quote, source?, field?} mappings."""
    if not items:
        curated.problems.append(record.problem(
            "missing-quote", "every record needs at least one evidence quote", EVIDENCE_KEY))
        return
    raw_items = record.raw.get(EVIDENCE_KEY) or []
    for index, item in enumerate(items):
        line = raw_items[index].get("__line__", record.line) if index < len(raw_items) else (
            record.line)
        if not isinstance(item, dict):
            curated.problems.append(record.problem("type", "evidence items are mappings",
                                                   EVIDENCE_KEY, item))
            continue
        curated.claims.append(QuoteClaim(
            table, record_id, item.get("field"), item.get("source", source_id),
            item.get("quote"), record.file, line))


def _children(parent_table: str, record: Record, parent_row: dict, nested: Nested,
              curated: Curated) -> None:
    parent_key = RESOURCES[parent_table].primary_key
    child = nested.table
    raw_items = record.raw.get(nested.key) or []
    for index, item in enumerate(record.values.get(nested.key) or []):
        values = {nested.scalar: item} if nested.scalar else dict(item)
        quotes = [values.pop("quote", None), *(values.pop(MORE_QUOTES_KEY, None) or [])]
        values[parent_key] = parent_row[parent_key]
        values.setdefault("source_id", parent_row.get("source_id"))
        if "source_id" not in RESOURCES[child].field_names:
            values.pop("source_id")
        row = _row(child, record, values, curated)
        row[RESOURCES[child].primary_key] = RESOURCES[child].row_id(row)
        line = raw_items[index].get("__line__", record.line) if isinstance(
            raw_items[index], dict) else record.line
        curated.add_row(child, row, Origin(record.file, line, record.field_lines))
        if nested.quoted:
            wrapped = Record(record.file, line, {}, {},
                             {EVIDENCE_KEY: [{"__line__": line}] * len(quotes)})
            _claims(child, row[RESOURCES[child].primary_key], wrapped,
                    [{"quote": q, "source": row.get("source_id")} for q in quotes],
                    row.get("source_id"), curated)


def _copy_dates(curated: Curated) -> None:
    """Dates a row leaves out, taken from the row its reference names (the model's CopyDate:
    a position stated at a meeting is dated by the meeting)."""
    for spec in CURATED_FILES.values():
        copy = spec.copy_date
        if copy is None:
            continue
        source = next(fk for fk in RESOURCES[spec.table].foreign_keys if fk.fields == copy.via)
        named = {r[source.reference]: r for r in curated.rows.get(source.resource, [])}
        for row in curated.rows.get(spec.table, []):
            other = named.get(row.get(copy.via))
            if row.get(f"{copy.prefix}_edtf") or row.get(f"{copy.prefix}_text") or other is None:
                continue
            for part in DATE_PARTS:
                row[f"{copy.prefix}_{part}"] = other[f"{copy.from_prefix}_{part}"]


def load_curated(folder: Path, inputs: dict[str, list[Record]] | None = None) -> Curated:
    """All curated records of ``folder`` (``inputs``: the files' records, when already read)
    as table rows, quote claims and their origins."""
    curated = Curated()
    for spec in CURATED_FILES.values():
        table = spec.table
        path = folder / f"{spec.stem}.yaml"
        records = inputs[spec.path] if inputs is not None else load_records(path, spec.path)
        for record in records:
            values = dict(record.values)
            evidence = values.pop(EVIDENCE_KEY, None)
            nested_values = {n.key: values.pop(n.key, None) for n in spec.nested}
            row = _row(table, record, values, curated)
            _derive_names(row)
            record_id = str(row[RESOURCES[table].primary_key])
            curated.add_row(table, row, Origin(record.file, record.line, record.field_lines))
            if spec.quoted:
                _claims(table, record_id, record, evidence, row.get("source_id"), curated)
            for nested in spec.nested:
                if nested_values[nested.key]:
                    _children(table, record, row, nested, curated)
    _copy_dates(curated)
    if curated.problems:
        raise InputError(curated.problems)
    return curated
