"""Read a published copy of the package into typed frames, checking the files themselves on
the way: checksums, encoding, line ends, headers, rows, the Parquet schema, and CSV and Parquet
agreeing.

Each problem names the file, the line a user sees in it (CSV) or the row (Parquet), the field,
the rule and the value.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from hanoi_coop.errors import Finding, Problem
from hanoi_coop.layout import CROISSANT, PARQUET_SUFFIX, parquet_path
from hanoi_coop.metadata import RESOURCES, Field, Resource
from hanoi_coop.package.access import (
    MAX_DESCRIPTOR_BYTES,
    Published,
    Table,
    Unreadable,
    inside_package,
    open_package,
    safe_relative,
    strict_json,
)
from hanoi_coop.package.schemas import arrow_schema

BOM = b"\xef\xbb\xbf"


# --- CSV ---------------------------------------------------------------------------------------
def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


@dataclass(frozen=True)
class FileFacts:
    """What one pass over a file's bytes says about it, without holding them."""

    digest: str
    size: int
    newlines: int
    starts_with_bom: bool
    has_carriage_return: bool
    ends_with_newline: bool


_CHUNK = 1 << 24


class _FactsOf:
    """The facts of bytes seen chunk by chunk, as they pass (never held)."""

    def __init__(self) -> None:
        self.digest, self.size, self.newlines = hashlib.sha256(), 0, 0
        self.first, self.last, self.carriage_return = b"", b"", False

    def update(self, chunk: bytes) -> bytes:
        if chunk:
            self.digest.update(chunk)
            self.first += chunk[:len(BOM) - len(self.first)]
            self.size, self.newlines = self.size + len(chunk), self.newlines + chunk.count(b"\n")
            self.last = chunk[-1:]
            self.carriage_return = self.carriage_return or b"\r" in chunk
        return chunk

    def facts(self) -> FileFacts:
        return FileFacts(self.digest.hexdigest(), self.size, self.newlines,
                         self.first.startswith(BOM), self.carriage_return, self.last == b"\n")


def file_facts(handle: BinaryIO) -> FileFacts:
    """The sha256, size and line-end facts of an open file, read 16 MB at a time (a CSV file
    of 10^7 rows is never whole in memory)."""
    seen = _FactsOf()
    while seen.update(handle.read(_CHUNK)):
        pass
    return seen.facts()


class _Witnessed(io.RawIOBase):
    """A file read once, its facts taken from exactly the bytes handed to the parser: a
    writer changing the file meanwhile cannot make the checksum pass on other bytes."""

    def __init__(self, handle: BinaryIO) -> None:
        super().__init__()
        self.handle, self.seen = handle, _FactsOf()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.seen.update(self.handle.read(len(buffer)))
        buffer[:len(chunk)] = chunk
        return len(chunk)

    def facts(self) -> FileFacts:
        """The facts of the whole file: what the parser left unread is read (and counted)."""
        while self.seen.update(self.handle.read(_CHUNK)):
            pass
        return self.seen.facts()


def facts_of(data: bytes) -> FileFacts:
    seen = _FactsOf()
    seen.update(data)
    return seen.facts()


def _check_bytes(entry: dict, relative: str, facts: FileFacts) -> list[Problem]:
    problems = []
    expected = str(entry.get("hash", "")).removeprefix("sha256:")
    if expected and facts.digest != expected:
        problems.append(Problem(relative, "checksum", "sha256 does not match datapackage.json",
                                value=facts.digest))
    if "bytes" in entry and entry["bytes"] != facts.size:
        problems.append(Problem(relative, "byte-count",
                                f"file has {facts.size} bytes, datapackage.json says "
                                f"{entry['bytes']}"))
    return problems


def _decode(raw: bytes, relative: str) -> tuple[str | None, list[Problem]]:
    problems = []
    if raw.startswith(BOM):
        problems.append(Problem(relative, "byte-order-mark",
                                "file starts with a UTF-8 byte-order mark", line=1))
        raw = raw[len(BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(relative, "encoding", "bytes that are not UTF-8",
                                line=_line_of(raw, exc.start),
                                value=repr(raw[exc.start:exc.start + 4])))
        return None, problems
    if "\r" in text:
        problems.append(Problem(relative, "line-ending", "CR or CRLF line end (LF expected)",
                                line=text[:text.index("\r")].count("\n") + 1))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text and not text.endswith("\n"):
        problems.append(Problem(relative, "truncated", "file does not end with a line end: "
                                "it may be cut short", line=text.count("\n") + 1))
    return text, problems


def _header_problem(resource: Resource, header: list[str], relative: str) -> Problem | None:
    expected = list(resource.field_names)
    if header == expected:
        return None
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if missing:
        return Problem(relative, "missing-column", "column(s) missing from the header", line=1,
                       field=", ".join(missing))
    if extra:
        return Problem(relative, "extra-column", "column(s) not in the schema", line=1,
                       field=", ".join(extra))
    return Problem(relative, "column-order", "columns are not in the schema's order", line=1,
                   value=",".join(header))


def _read_fast(resource: Resource, source: BinaryIO | pa.NativeFile) -> pd.DataFrame | None:
    """Arrow's multithreaded reader for a well-formed file (Arrow checks the UTF-8 itself);
    None sends it to the careful one."""
    names = list(resource.field_names)
    try:
        table = pa_csv.read_csv(
            source,
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                # large_string: pandas' own string layout, so no copy of the offsets follows
                column_types=dict.fromkeys(names, pa.large_string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.column_names != names:
        return None
    return table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype()}.get)


def read_csv(resource: Resource, text: str, relative: str,
             ) -> tuple[pd.DataFrame | None, list[int] | None, list[Problem]]:
    """The table as text cells, the line of each row (None: row + 2), structural problems."""
    fast = _read_fast(resource, pa.BufferReader(text.encode("utf-8")))
    if fast is not None and text.count("\n") == len(fast) + 1:
        return fast, None, []
    return _read_careful(resource, text, relative)


def _read_careful(resource: Resource, text: str, relative: str,
                  ) -> tuple[pd.DataFrame | None, list[int], list[Problem]]:
    """Row by row with the csv module: exact lines for multi-line cells and broken rows."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return None, [], [Problem(relative, "empty-file", "no header row", line=1)]
    header_problem = _header_problem(resource, header, relative)
    if header_problem:
        return None, [], [header_problem]
    rows, lines = [], []
    width = len(header)
    while True:
        first_line = reader.line_num + 1  # a quoted cell may span lines: report the first
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(relative, "csv-syntax", str(exc), line=reader.line_num))
            break
        if len(row) != width:
            problems.append(Problem(relative, "row-length",
                                    f"row has {len(row)} cells, the header {width}",
                                    line=first_line))
            continue
        rows.append(row)
        lines.append(first_line)
    return pd.DataFrame(rows, columns=header, dtype=object), lines, problems


def typed_from_text(resource: Resource, cells: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """Text cells in the package dtypes; a cell that does not parse is a 'type' finding."""
    columns = {}
    found: list[Finding] = []
    for f in resource.fields:
        column, bad = _parse_column(cells[f.name].astype(pd.StringDtype()), f)
        columns[f.name] = column
        found += [Finding(resource.name, int(i), f.name, "type", f"is not a valid {f.type}",
                          cells.at[i, f.name]) for i in cells.index[bad]]
    return pd.DataFrame(columns, index=cells.index), found


def _parse_column(text: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    return field.column_type.parse_text(text)


# --- Parquet -----------------------------------------------------------------------------------
class ParquetUnreadable(Exception):
    """A Parquet file whose footer read but whose data does not: its problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _unreadable(relative: str, exc: Exception) -> Problem:
    return Problem(relative, "parquet-unreadable", str(exc).splitlines()[0])


# A table up to this many rows is read whole at once; a larger one a column at a time, so that
# neither file's copy is whole in memory beside the CSV's frame.
WHOLE_ROWS = 10_000


@dataclass(frozen=True)
class ParquetColumns:
    """A Parquet file with the model's schema. A large table's data is read a column at a
    time when asked (never whole in memory beside its CSV frame); a small one's at once."""

    file: pq.ParquetFile
    relative: str
    whole: pa.Table | None = None

    @property
    def num_rows(self) -> int:
        return self.file.metadata.num_rows

    def column(self, name: str) -> pa.ChunkedArray:
        return self._read([name]).column(0)

    def table(self) -> pa.Table:
        return self._read(None)

    def _read(self, columns: list[str] | None) -> pa.Table:
        if self.whole is not None:
            return self.whole if columns is None else self.whole.select(columns)
        try:
            return self.file.read(columns=columns)
        except Exception as exc:  # pyarrow raises several types for damaged data
            raise ParquetUnreadable(_unreadable(self.relative, exc)) from exc


# What a Parquet file may unpack to, by the sizes its footer declares: a few times its CSV
# file's bytes (Arrow's columns are about as large as the text), and at least this much. A
# 10 KB file whose one cell holds 100 MB of zstd-packed text is not read (a bomb).
PARQUET_RATIO = 8
PARQUET_FLOOR = 64 * 1024**2


def _declared_size(metadata: pq.FileMetaData) -> int:
    groups = [metadata.row_group(i) for i in range(metadata.num_row_groups)]
    return sum(max(g.total_byte_size, sum(g.column(j).total_uncompressed_size
                                           for j in range(g.num_columns))) for g in groups)


def read_parquet(resource: Resource, data: bytes, relative: str, csv_bytes: int = 0,
                 ) -> tuple[ParquetColumns | None, list[Problem]]:
    """The Parquet file, if its footer reads, it unpacks to no more than its table's CSV
    file allows, and its schema is the model's."""
    try:
        file = pq.ParquetFile(pa.BufferReader(data))
        schema = file.schema_arrow
        declared = _declared_size(file.metadata)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        return None, [_unreadable(relative, exc)]
    limit = max(PARQUET_FLOOR, PARQUET_RATIO * csv_bytes)
    if declared > limit:
        return None, [Problem(relative, "parquet-unreadable", f"declares {declared} bytes of "
                              f"data, over {limit} ({PARQUET_RATIO} times its CSV file): not "
                              "read (a decompression bomb?)")]
    got = [(f.name, str(f.type)) for f in schema]
    want = [(f.name, str(f.type)) for f in arrow_schema(resource)]
    if got != want:
        diff = [f"{n}: {t}" for n, t in got if (n, t) not in want]
        return None, [Problem(relative, "parquet-schema",
                              "Parquet schema differs from the Table Schema",
                              field=", ".join(d.split(":")[0] for d in diff) or None,
                              value="; ".join(diff) or ",".join(n for n, _ in got))]
    described = metadata_problems(relative, schema, arrow_schema(resource))
    columns = ParquetColumns(file, relative)
    if columns.num_rows > WHOLE_ROWS:
        return columns, described
    try:
        return ParquetColumns(file, relative, columns.table()), described
    except ParquetUnreadable as exc:
        return None, [*described, exc.problem]


def _shown(value: bytes | None) -> str:
    text = "(none)" if value is None else value.decode("utf-8", "replace")
    return text if len(text) <= 120 else text[:117] + "..."


def _metadata_differences(got: dict | None, want: dict | None) -> list[str]:
    got, want = got or {}, want or {}
    return [f"{key.decode('utf-8', 'replace')}: {_shown(got.get(key))}"
            for key in sorted(set(got) | set(want)) if got.get(key) != want.get(key)]


def _repeated_keys(got: pa.Schema) -> list[str | None]:
    """The columns (None: the table) whose metadata writes a key twice: pyarrow's mappings
    show one value, DuckDB and the file's own bytes both."""
    def plain(f: pa.Field) -> pa.Field:
        return pa.field(f.name, f.type, f.nullable, f.metadata)

    columns = [f.name for f in got
               if pa.schema([f]).serialize() != pa.schema([plain(f)]).serialize()]
    rebuilt = pa.schema([plain(f) for f in got], metadata=got.metadata)
    table = not columns and got.serialize() != rebuilt.serialize()
    return [*columns, *([None] if table else [])]


def metadata_problems(relative: str, got: pa.Schema, want: pa.Schema) -> list[Problem]:
    """What the Parquet file says of itself (a table's title, description and primary key;
    a column's title, description, codelist and nullability) where the model says otherwise:
    readers of the file (pyarrow, DuckDB, polars) show these words, so they are checked."""
    problems = [Problem(relative, "parquet-metadata", "the file's metadata writes a key twice "
                        "(readers show either value)", field=column)
                for column in _repeated_keys(got)]
    problems += [Problem(relative, "parquet-metadata", "the file describes its table otherwise "
                         "than the model", value=difference)
                 for difference in _metadata_differences(got.metadata, want.metadata)]
    for have, should in zip(got, want, strict=True):
        if have.nullable != should.nullable:
            problems.append(Problem(relative, "parquet-metadata", "the file says the column "
                                    f"{'may' if have.nullable else 'may not'} be empty; the "
                                    "model says otherwise", field=have.name,
                                    value=f"nullable: {have.nullable}"))
        problems += [Problem(relative, "parquet-metadata", "the file describes the column "
                             "otherwise than the model", field=have.name, value=difference)
                     for difference in _metadata_differences(have.metadata, should.metadata)]
    return problems


def parquet_frame(resource: Resource, table: pa.Table) -> pd.DataFrame:
    """A Parquet file's Arrow table in the package dtypes."""
    frame = table.to_pandas()
    for f in resource.fields:
        frame[f.name] = f.column_type.from_arrow(frame[f.name])
    return frame


def _chunked(array: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def compare_formats(resource: Resource, csv_frame: pd.DataFrame, parquet: ParquetColumns,
                    relative: str) -> list[Problem]:
    """Problems where the Parquet file's content differs from the CSV file's: compared as
    Arrow columns (the CSV's column as the writer turns it into Arrow), and cell by cell in
    pandas only where they differ, to say where. Raises ParquetUnreadable."""
    if len(csv_frame) != parquet.num_rows:
        return [Problem(relative, "format-mismatch",
                        f"{parquet.num_rows} rows in Parquet, {len(csv_frame)} in CSV")]
    # A column at a time, of both: neither file's copy is whole in memory beside the frame.
    if all(parquet.column(f.name).equals(_chunked(f.column_type.arrow_chunks(csv_frame[f.name])))
           for f in resource.fields):
        return []
    problems = []
    a = csv_frame.reset_index(drop=True)
    b = parquet_frame(resource, parquet.table())
    for name in resource.field_names:
        same = (a[name] == b[name]).fillna(False) | (a[name].isna() & b[name].isna())
        for i in a.index[~same.to_numpy(dtype=bool)]:
            problems.append(Problem(relative, "format-mismatch",
                                    "Parquet value differs from the CSV file",
                                    record=f"{a.at[i, resource.primary_key]} (row {i})",
                                    field=name, value=str(b.at[i, name])))
    return problems


# --- whole package -------------------------------------------------------------------------
@dataclass(frozen=True)
class ParsedCsv:
    frame: pd.DataFrame | None
    lines: list[int] | None
    problems: list[Problem]
    findings: list[Finding]


def _parse(resource: Resource, handle: BinaryIO, relative: str,
           ) -> tuple[FileFacts, ParsedCsv]:
    """The file's facts and its table, both from one read of its bytes: Arrow's reader over
    the file as it is read; a file that is not well formed (or that Arrow refuses) is read
    once more, whole, and both its facts and its table come from that second read."""
    witnessed = _Witnessed(handle)
    cells = _read_fast(resource, witnessed)
    facts = witnessed.facts()
    lines: list[int] | None = None
    problems: list[Problem] = []
    if cells is None or facts.starts_with_bom or facts.has_carriage_return or (
            not facts.ends_with_newline) or facts.newlines != len(cells) + 1:
        handle.seek(0)
        data = handle.read()
        facts = facts_of(data)
        text, problems = _decode(data, relative)
        if text is None:
            return facts, ParsedCsv(None, None, problems, [])
        cells, lines, more = read_csv(resource, text, relative)
        problems += more
        if cells is None:
            return facts, ParsedCsv(None, lines, problems, [])
    frame, found = typed_from_text(resource, cells)
    return facts, ParsedCsv(frame, lines, problems, found)


def _entries(descriptor: dict) -> dict[str, dict]:
    return {str(r.get("name")): r for r in descriptor["resources"] if isinstance(r, dict)}


def read_frames(path: Path) -> dict[str, pd.DataFrame]:
    """Every table of the package at ``path`` as the CSV files hold it (for a package already
    validated: a release's database, the portal's pictures)."""
    with open_package(path) as published:
        return {name: table.frame for name, table in read_package(published).csv.items()}


def read_package(published: Published) -> Published:
    """Read every table's CSV and Parquet file, collecting file-level problems; each file is
    read and hashed once, for the descriptor's checks and croissant.json's. One table at a
    time: its Parquet file is compared with its CSV file and let go, so the package is held
    in memory once (a table with no readable CSV keeps its Parquet frame)."""
    digests: dict[Path, str] = {}
    first = len(published.problems)  # croissant.json's problems come before the files'
    entries = _entries(published.descriptor)
    for name, resource in RESOURCES.items():
        read = {}
        for parquet in (False, True):
            entry = entries.get(name + (PARQUET_SUFFIX if parquet else ""))
            if entry is None:
                published.problems.append(Problem(
                    "datapackage.json", "missing-resource",
                    f"no {'Parquet' if parquet else 'CSV'} resource for table {name}"))
                continue
            read[parquet] = _read_entry(published, resource, entry, parquet, digests)
        columns = read.get(True)
        if columns is None:
            continue
        try:
            if name in published.csv:
                published.mismatches += compare_formats(resource, published.csv[name].frame,
                                                        columns, parquet_path(name))
            else:
                published.parquet[name] = parquet_frame(resource, columns.table())
        except ParquetUnreadable as exc:
            published.problems.append(exc.problem)
    published.problems[first:first] = croissant_problems(published, digests)
    return published


def _read_entry(published: Published, resource: Resource, entry: dict, parquet: bool,
                digests: dict[Path, str]) -> ParquetColumns | None:
    """Read one file: a CSV file into ``published.csv``; a Parquet file is returned."""
    relative = str(safe_relative(entry.get("path")))
    path = inside_package(published.root, relative)
    if not path.is_file():
        published.problems.append(Problem(relative, "missing-file",
                                          "the file datapackage.json names is not there"))
        return None
    with path.open("rb") as handle:
        if parquet:
            data = handle.read()  # compressed: small beside its CSV file
            facts = facts_of(data)
            table = published.csv.get(resource.name)
            columns, problems = read_parquet(resource, data, relative,
                                             table.size if table is not None else 0)
        else:
            facts, parsed = _parse(resource, handle, relative)
    digests[path] = facts.digest
    published.problems += _check_bytes(entry, relative, facts)
    if parquet:
        published.problems += problems
        return columns
    published.problems += parsed.problems
    if parsed.frame is None:
        return None
    published.findings += parsed.findings
    published.csv[resource.name] = Table(parsed.frame, parsed.lines, relative, facts.size)
    if "rows" in entry and entry["rows"] != len(parsed.frame) and not parsed.problems:
        published.problems.append(Problem(relative, "row-count",
                                          f"{len(parsed.frame)} rows, datapackage.json says "
                                          f"{entry['rows']}"))
    return None


# --- croissant.json ------------------------------------------------------------------------------
def _croissant_problem(message: str, field: str | None = None,
                       value: str | None = None) -> Problem:
    return Problem(CROISSANT, "croissant", message, field=field, value=value)


def _distribution_problems(root: Path, item: object, digests: dict[Path, str]) -> list[Problem]:
    url = item.get("contentUrl") if isinstance(item, dict) else None
    try:
        target = inside_package(root, str(safe_relative(url)))
    except Unreadable as exc:
        return [_croissant_problem(str(exc), "distribution.contentUrl", str(url))]
    if not target.is_file():
        return [_croissant_problem("names a file that is not in the package",
                                   "distribution.contentUrl", str(url))]
    digest = digests.get(target) or hashlib.sha256(target.read_bytes()).hexdigest()
    if isinstance(item, dict) and item.get("sha256") != digest:
        return [Problem(str(url), "checksum", "sha256 does not match croissant.json",
                        value=digest)]
    return []


CROISSANT_SINCE = (2, 9, 0)


def _version_at_least(version: object, since: tuple[int, int, int]) -> bool:
    parts = str(version).split(".")
    return len(parts) == 3 and all(p.isdigit() for p in parts) and tuple(
        int(p) for p in parts) >= since


def croissant_problems(published: Published, digests: dict[Path, str] | None = None,
                       ) -> list[Problem]:
    """croissant.json (from 2.9.0; older releases have none): readable, every data file of the
    descriptor listed, each listed file inside the package with the sha256 it records
    (``digests``: those already worked out, by path)."""
    path = published.root / CROISSANT
    if not path.is_file():
        if _version_at_least(published.descriptor.get("version"), CROISSANT_SINCE):
            return [_croissant_problem("croissant.json is missing: a package from "
                                       f"{'.'.join(map(str, CROISSANT_SINCE))} on has one, and "
                                       "it alone holds the Parquet files' checksums")]
        return []
    try:
        if path.stat().st_size > MAX_DESCRIPTOR_BYTES:
            raise ValueError(f"over {MAX_DESCRIPTOR_BYTES} bytes")
        document = strict_json(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            raise ValueError("not a JSON object")
        files = document["distribution"]
        if not isinstance(files, list):
            raise ValueError("distribution is not a list")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as exc:
        return [_croissant_problem(f"cannot be read as Croissant JSON-LD: {exc}")]
    published.croissant = document
    problems = []
    for item in files:
        problems += _distribution_problems(published.root, item, digests or {})
    listed = {item.get("contentUrl") for item in files if isinstance(item, dict)}
    for entry in published.descriptor.get("resources", []):
        if isinstance(entry, dict) and entry.get("path") not in listed:
            problems.append(_croissant_problem("lists no distribution for a file "
                                               "datapackage.json names", "distribution",
                                               str(entry.get("path"))))
    return problems
