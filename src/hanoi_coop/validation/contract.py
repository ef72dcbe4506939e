"""A published release checked against its own contract: the descriptor it shipped with.

A release published under an earlier model keeps what it promised, not what today's model
asks: that it is intact (every file the bytes the registry recorded when it was released, and
the hashes, sizes and row counts its descriptor states) and that its tables meet its own Table
Schemas (types, required, codelists, patterns, bounds, unique and primary keys, foreign
keys). What today's model would say of it is a notice, never an error. A descriptor that is
not byte for byte a released one gets no such say: it is checked against today's model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from hanoi_coop.errors import Problem
from hanoi_coop.layout import CROISSANT, DESCRIPTOR, INSTALLED_REGISTRY
from hanoi_coop.metadata.types import TYPES
from hanoi_coop.package.access import Published, inside_package, safe_relative


def released_files(version: object) -> dict[str, str] | None:
    """The sha256 of every file of release ``version`` as the registry recorded it."""
    if not isinstance(version, str) or not INSTALLED_REGISTRY.is_file():
        return None
    entry = json.loads(INSTALLED_REGISTRY.read_text(encoding="utf-8")).get(version)
    if not isinstance(entry, dict):
        return None
    return {path: str(digest).removeprefix("sha256:") for path, digest in entry.items()}


def own_contract(published: Published) -> dict[str, str] | None:
    """The released files' digests when the package's descriptor is, byte for byte, the one
    its version was released with; None otherwise."""
    files = released_files(published.descriptor.get("version"))
    if files is None:
        return None
    digest = hashlib.sha256(published.descriptor_bytes).hexdigest()
    return files if digest == files.get(DESCRIPTOR) else None


@dataclass
class _Table:
    relative: str
    schema: dict
    cells: pd.DataFrame  # text cells; "" is empty


def contract_problems(published: Published, released: dict[str, str]
                      ) -> tuple[list[Problem], dict[str, int]]:
    """Every problem of the package against its own descriptor, and each table's rows."""
    problems: list[Problem] = []
    tables: dict[str, _Table] = {}
    named = {DESCRIPTOR}
    for entry in published.descriptor["resources"]:
        if not isinstance(entry, dict):
            continue
        relative = str(safe_relative(entry.get("path")))
        named.add(relative)
        path = inside_package(published.root, relative)
        if not path.is_file():
            problems.append(Problem(relative, "missing-file", "the file the descriptor names "
                                    "is not there"))
            continue
        data = path.read_bytes()  # a file is hashed from the bytes that are then parsed
        problems += _intact(entry, relative, data, released)
        if entry.get("format") == "csv" and isinstance(entry.get("schema"), dict):
            table = _read(entry, relative, data, problems)
            if table is not None:
                tables[str(entry.get("name"))] = table
    problems += _other_released_files(published, released, named)
    for table in tables.values():
        problems += _field_problems(table) + _key_problems(table, tables)
    return problems, {name: len(t.cells) for name, t in tables.items()}


def _other_released_files(published: Published, released: dict[str, str], named: set[str]
                          ) -> list[Problem]:
    """The release's other files that the package holds (croissant.json, schemas/, and in a
    release folder its zip, database and manifest) must be the bytes released; croissant.json,
    which alone holds the Parquet files' checksums, must be there if the release had one."""
    problems = []
    for relative, digest in sorted(released.items()):
        if relative in named:
            continue
        path = inside_package(published.root, relative)
        if not path.is_file():
            if relative == CROISSANT:
                problems.append(Problem(CROISSANT, "croissant", "croissant.json is missing: "
                                        "the release had one"))
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(Problem(relative, "checksum", "sha256 is not the one recorded when "
                                    "the release was published"))
    return problems


def _intact(entry: dict, relative: str, data: bytes, released: dict[str, str]) -> list[Problem]:
    digest = hashlib.sha256(data).hexdigest()
    stated = str(entry.get("hash", "")).removeprefix("sha256:")
    problems = []
    if relative in released and digest != released[relative]:
        problems.append(Problem(relative, "checksum", "sha256 is not the one recorded when the "
                                "release was published", value=digest))
    elif stated and digest != stated:
        problems.append(Problem(relative, "checksum", "sha256 does not match datapackage.json",
                                value=digest))
    if "bytes" in entry and entry["bytes"] != len(data):
        problems.append(Problem(relative, "byte-count", f"file has {len(data)} bytes, "
                                f"datapackage.json says {entry['bytes']}"))
    return problems


def _read(entry: dict, relative: str, data: bytes, problems: list[Problem]) -> _Table | None:
    names = [str(f.get("name")) for f in entry["schema"].get("fields", []) if isinstance(f, dict)]
    try:
        table = pa_csv.read_csv(pa.BufferReader(data), parse_options=pa_csv.ParseOptions(
            newlines_in_values=True), convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        problems.append(Problem(relative, "csv-syntax", str(exc).splitlines()[0]))
        return None
    if table.column_names != names:
        problems.append(Problem(relative, "missing-column", "the header is not the columns "
                                "the descriptor names", line=1,
                                value=",".join(table.column_names)))
        return None
    if "rows" in entry and entry["rows"] != table.num_rows:
        problems.append(Problem(relative, "row-count", f"{table.num_rows} rows, "
                                f"datapackage.json says {entry['rows']}"))
    cells = pd.DataFrame({n: table.column(n).to_pandas(types_mapper=pd.ArrowDtype)
                          .astype(pd.StringDtype()) for n in names})
    return _Table(relative, entry["schema"], cells)


def _located(table: _Table, mask: pd.Series, field: str, rule: str, message: str
             ) -> list[Problem]:
    rows = table.cells.index[mask.fillna(False).to_numpy(dtype=bool)]
    return [Problem(table.relative, rule, message, line=int(i) + 2, field=field,
                    value=str(table.cells.at[i, field])) for i in rows]


def _field_problems(table: _Table) -> list[Problem]:
    found = []
    for spec in table.schema.get("fields", []):
        name, text = spec["name"], table.cells[spec["name"]]
        constraints = spec.get("constraints") or {}
        given = text != ""
        column_type = TYPES.get(spec.get("type", "string"), TYPES["string"])
        values, bad = column_type.parse_text(text)  # "" is an empty cell
        found += _located(table, bad & given, name, "type",
                          f"is not a valid {column_type.name}")
        if constraints.get("required"):
            found += _located(table, ~given, name, "required", "is required")
        if "enum" in constraints:
            found += _located(table, given & ~text.isin(constraints["enum"]), name, "codelist",
                              "is not in the field's codelist")
        if "pattern" in constraints:
            matches = text.str.fullmatch(constraints["pattern"]).fillna(False).astype(bool)
            found += _located(table, given & ~matches, name, "pattern",
                              "does not match the field's pattern")
        for bound, rule, outside in (("minimum", "minimum", values.lt),
                                     ("maximum", "maximum", values.gt)):
            if bound in constraints and column_type.name in ("integer", "number"):
                found += _located(table, outside(constraints[bound]).fillna(False), name, rule,
                                  f"is outside the field's {bound}")
        if constraints.get("unique"):
            found += _located(table, given & text.duplicated(), name, "unique",
                              "repeats a value the field holds once")
    return found


def _key_problems(table: _Table, tables: dict[str, _Table]) -> list[Problem]:
    key = table.schema.get("primaryKey")
    key = key[0] if isinstance(key, list) and key else key
    found = []
    if isinstance(key, str) and key in table.cells:
        found += _located(table, table.cells[key].duplicated(), key, "duplicate-id",
                          "repeats a primary key")
    for fk in table.schema.get("foreignKeys", []):
        fields, reference = fk.get("fields"), fk.get("reference", {})
        field = fields[0] if isinstance(fields, list) else fields
        target = tables.get(reference.get("resource"))
        column = reference.get("fields")
        column = column[0] if isinstance(column, list) else column
        if target is None or column not in target.cells or field not in table.cells:
            continue
        values = table.cells[field]
        found += _located(table, (values != "") & ~values.isin(target.cells[column]), field,
                          "foreign-key", f"no {reference.get('resource')} row has {column} "
                          "equal to this value")
    return found
