"""Read a published copy of the package (folder, datapackage.json or release zip) into typed
frames, checking the files themselves on the way: checksums, encoding, line ends, headers, rows.

Each problem names the file, the line a user sees in it (CSV) or the row (Parquet), the field,
the rule and the value.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from hanoi_coop.errors import Problem
from hanoi_coop.metadata import RESOURCES, Field, Resource
from hanoi_coop.outputs import PARQUET_SUFFIX
from hanoi_coop.rules import Finding
from hanoi_coop.schemas import PANDAS_DTYPES, arrow_schema

BOM = b"\xef\xbb\xbf"
_INTEGER = r"^-?\d+$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"


class Unreadable(Exception):
    """The input cannot be read as a package at all (exit code 2)."""


@dataclass
class Table:
    """One table read from a published file, with the file line of every row."""

    frame: pd.DataFrame
    lines: list[int] | None  # None: row i is on line i + 2 (no cell spans lines)
    path: str

    def line(self, row: int) -> int | None:
        if self.lines is None:
            return row + 2 if 0 <= row < len(self.frame) else None
        return self.lines[row] if 0 <= row < len(self.lines) else None


@dataclass
class Published:
    root: Path
    descriptor: dict
    csv: dict[str, Table] = field(default_factory=dict)
    parquet: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # cell type errors, located later
    cleanup: Path | None = None

    def close(self) -> None:
        if self.cleanup is not None:
            shutil.rmtree(self.cleanup, ignore_errors=True)


# --- opening --------------------------------------------------------------------------------
def _safe_extract(archive: Path, target: Path) -> list[Problem]:
    problems = []
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            name = PurePosixPath(info.filename)
            if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
                problems.append(Problem(archive.name, "zip-path-escape",
                                        "archive entry escapes the package folder",
                                        value=info.filename))
        if problems:
            return problems
        zipped.extractall(target)
    return []


def open_package(path: Path) -> Published:
    """Open a package; raise Unreadable when there is nothing to validate."""
    if not path.exists():
        raise Unreadable(f"{path}: no such file or folder")
    cleanup = None
    problems: list[Problem] = []
    if path.is_file() and path.suffix == ".zip":
        if not zipfile.is_zipfile(path):
            raise Unreadable(f"{path}: not a zip archive")
        cleanup = Path(tempfile.mkdtemp(prefix="hanoi-coop-validate-"))
        problems = _safe_extract(path, cleanup)
        if problems:
            shutil.rmtree(cleanup)
            return Published(path.parent, {}, problems=problems)
        found = sorted(cleanup.rglob("datapackage.json"), key=lambda p: len(p.parts))
        if not found:
            shutil.rmtree(cleanup)
            raise Unreadable(f"{path}: the archive holds no datapackage.json")
        descriptor_path = found[0]
    elif path.is_dir():
        descriptor_path = path / "datapackage.json"
    else:
        descriptor_path = path
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        if cleanup:
            shutil.rmtree(cleanup)
        raise Unreadable(f"{descriptor_path}: cannot be read as JSON: {exc}") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise Unreadable(f"{descriptor_path}: not a Data Package descriptor (no resources)")
    return Published(descriptor_path.parent, descriptor, cleanup=cleanup)


# --- CSV ---------------------------------------------------------------------------------------
def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _check_bytes(entry: dict, relative: str, raw: bytes) -> list[Problem]:
    problems = []
    expected = str(entry.get("hash", "")).removeprefix("sha256:")
    if expected and hashlib.sha256(raw).hexdigest() != expected:
        problems.append(Problem(relative, "checksum", "sha256 does not match datapackage.json",
                                value=hashlib.sha256(raw).hexdigest()))
    if "bytes" in entry and entry["bytes"] != len(raw):
        problems.append(Problem(relative, "byte-count",
                                f"file has {len(raw)} bytes, datapackage.json says "
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


def _read_fast(resource: Resource, text: str) -> pd.DataFrame | None:
    """Arrow's multithreaded reader for a well-formed file; None sends it to the careful one."""
    names = list(resource.field_names)
    try:
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.column_names != names:
        return None
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)


def read_csv(resource: Resource, text: str, relative: str,
             ) -> tuple[pd.DataFrame | None, list[int] | None, list[Problem]]:
    """The table as text cells, the line of each row (None: row + 2), structural problems."""
    fast = _read_fast(resource, text)
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
                                    line=reader.line_num))
            continue
        rows.append(row)
        lines.append(reader.line_num)
    return pd.DataFrame(rows, columns=header, dtype=object), lines, problems


def typed_from_text(resource: Resource, cells: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """Text cells in the package dtypes; a cell that does not parse is a 'type' finding."""
    frame = pd.DataFrame(index=cells.index)
    found: list[Finding] = []
    for f in resource.fields:
        column, bad = _parse_column(cells[f.name].astype(pd.StringDtype()), f)
        frame[f.name] = column
        found += [Finding(resource.name, int(i), f.name, "type", f"is not a valid {f.type}",
                          cells.at[i, f.name]) for i in cells.index[bad]]
    return frame, found


def _parse_column(text: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    empty = text == ""
    if field.type == "string":
        return text.mask(empty), empty & False
    if field.type == "integer":
        ok = text.str.match(_INTEGER).astype(bool)
        values = pd.to_numeric(text.where(ok & ~empty), errors="coerce")
        return values.astype(PANDAS_DTYPES["integer"]), ~ok & ~empty
    if field.type == "number":
        values = pd.to_numeric(text.where(~empty), errors="coerce")
        return values.astype(PANDAS_DTYPES["number"]), values.isna() & ~empty
    if field.type == "boolean":
        ok = text.isin(["true", "false"]).astype(bool)
        values = text.map({"true": True, "false": False}).astype(PANDAS_DTYPES["boolean"])
        return values.where(ok, pd.NA), ~ok & ~empty
    values = pd.to_datetime(text.where(text.str.match(_DATE).astype(bool)),
                            format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    return values, values.isna() & ~empty


# --- Parquet -----------------------------------------------------------------------------------
def read_parquet(resource: Resource, path: Path, relative: str,
                 ) -> tuple[pd.DataFrame | None, list[Problem]]:
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        return None, [Problem(relative, "parquet-unreadable", str(exc).splitlines()[0])]
    expected = arrow_schema(resource)
    got = [(f.name, str(f.type)) for f in table.schema]
    want = [(f.name, str(f.type)) for f in expected]
    if got != want:
        diff = [f"{n}: {t}" for n, t in got if (n, t) not in want]
        return None, [Problem(relative, "parquet-schema",
                              "Parquet schema differs from the Table Schema",
                              field=", ".join(d.split(":")[0] for d in diff) or None,
                              value="; ".join(diff) or ",".join(n for n, _ in got))]
    frame = table.to_pandas()
    for f in resource.fields:
        if f.type == "date":
            frame[f.name] = pd.to_datetime(frame[f.name]).astype("datetime64[ns]")
        else:
            frame[f.name] = frame[f.name].astype(PANDAS_DTYPES[f.type])
    return frame, []


def compare_formats(resource: Resource, csv_frame: pd.DataFrame, parquet_frame: pd.DataFrame,
                    relative: str) -> list[Problem]:
    """Problems where the Parquet file's content differs from the CSV file's."""
    if len(csv_frame) != len(parquet_frame):
        return [Problem(relative, "format-mismatch",
                        f"{len(parquet_frame)} rows in Parquet, {len(csv_frame)} in CSV")]
    problems = []
    a = csv_frame.reset_index(drop=True)
    b = parquet_frame.reset_index(drop=True)
    for name in resource.field_names:
        same = (a[name] == b[name]).fillna(False) | (a[name].isna() & b[name].isna())
        for i in a.index[~same.to_numpy(dtype=bool)]:
            problems.append(Problem(relative, "format-mismatch",
                                    "Parquet value differs from the CSV file",
                                    record=f"{a.at[i, resource.primary_key]} (row {i})",
                                    field=name, value=str(b.at[i, name])))
    return problems


# --- whole package -------------------------------------------------------------------------
def _entries(descriptor: dict) -> dict[str, dict]:
    return {str(r.get("name")): r for r in descriptor["resources"] if isinstance(r, dict)}


def read_package(published: Published) -> Published:
    """Read every table's CSV and Parquet file, collecting file-level problems."""
    entries = _entries(published.descriptor)
    for name, resource in RESOURCES.items():
        for parquet in (False, True):
            entry = entries.get(name + (PARQUET_SUFFIX if parquet else ""))
            if entry is None:
                published.problems.append(Problem(
                    "datapackage.json", "missing-resource",
                    f"no {'Parquet' if parquet else 'CSV'} resource for table {name}"))
                continue
            _read_entry(published, resource, entry, parquet)
    return published


def _read_entry(published: Published, resource: Resource, entry: dict, parquet: bool) -> None:
    relative = str(entry.get("path"))
    path = published.root / relative
    if ".." in PurePosixPath(relative).parts or not path.is_file():
        published.problems.append(Problem(relative, "missing-file",
                                          "the file datapackage.json names is not there"))
        return
    raw = path.read_bytes()
    published.problems += _check_bytes(entry, relative, raw)
    if parquet:
        frame, problems = read_parquet(resource, path, relative)
        published.problems += problems
        if frame is not None:
            published.parquet[resource.name] = frame
        return
    text, problems = _decode(raw, relative)
    published.problems += problems
    if text is None:
        return
    cells, lines, problems = read_csv(resource, text, relative)
    published.problems += problems
    if cells is None:
        return
    frame, found = typed_from_text(resource, cells)
    published.findings += found
    published.csv[resource.name] = Table(frame, lines, relative)
    if "rows" in entry and entry["rows"] != len(frame) and not problems:
        published.problems.append(Problem(relative, "row-count",
                                          f"{len(frame)} rows, datapackage.json says "
                                          f"{entry['rows']}"))
