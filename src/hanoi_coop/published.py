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
from pathlib import Path, PurePosixPath, PureWindowsPath
from zlib import error as zlib_error

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from hanoi_coop.errors import Problem
from hanoi_coop.layout import PARQUET_SUFFIX
from hanoi_coop.metadata import RESOURCES, Field, Resource
from hanoi_coop.rules import Finding
from hanoi_coop.schemas import arrow_schema

BOM = b"\xef\xbb\xbf"


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
            self.cleanup = None

    def __enter__(self) -> Published:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- opening --------------------------------------------------------------------------------
# Limits on what a zip may unpack to: a release of this package is a few megabytes, and a
# 10^7-row synthetic package stays under the per-member cap. Deflate compresses real CSV about
# 5:1; a member compressed more than MAX_RATIO:1 is a bomb, not data.
MAX_MEMBER_BYTES = 4 * 1024**3
MAX_TOTAL_BYTES = 16 * 1024**3
MAX_RATIO = 200
RATIO_FLOOR = 1024**2  # small members may compress well (an empty CSV is all header)
MAX_DESCRIPTOR_BYTES = 16 * 1024**2
_COPY_CHUNK = 1024**2


def safe_relative(path: object) -> PurePosixPath:
    """A resource path as the package may use it: relative, inside the package, no URL.

    Raises Unreadable naming the path, before anything is opened.
    """
    if not isinstance(path, str) or not path:
        raise Unreadable(f"unsafe path: {path!r} is not a relative file path")
    pure = PurePosixPath(path)
    reason = None
    if pure.is_absolute() or path.startswith("~") or PureWindowsPath(path).drive:
        reason = "is absolute"
    elif ".." in pure.parts:
        reason = "climbs out of the package with '..'"
    elif "\\" in path or "://" in path or ":" in pure.parts[0]:
        reason = "is not a plain relative path (backslash, URL or drive)"
    elif any(ord(c) < 32 for c in path):
        reason = "holds control characters"
    if reason:
        raise Unreadable(f"unsafe path: {path!r} {reason}; nothing was read")
    return pure


def resource_paths(descriptor: dict) -> list[str]:
    """Every resource path of a descriptor, each checked by ``safe_relative``."""
    paths = []
    for entry in descriptor["resources"]:
        if not isinstance(entry, dict) or "path" not in entry:
            continue  # read_package reports the resource as missing
        paths.append(str(safe_relative(entry["path"])))
    return paths


def _inside(root: Path, relative: str) -> Path:
    """The file a relative path names, refused when a symlink takes it outside ``root``."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise Unreadable(f"unsafe path: {relative!r} resolves outside the package (a symbolic "
                         "link?); nothing was read")
    return target


def _zip_problems(archive: Path, infos: list[zipfile.ZipInfo]) -> list[Problem]:
    problems = []
    for info in infos:
        name = PurePosixPath(info.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
            problems.append(Problem(archive.name, "zip-path-escape",
                                    "archive entry escapes the package folder",
                                    value=info.filename))
    return problems


def _zip_descriptor(archive: Path, zipped: zipfile.ZipFile) -> tuple[str, zipfile.ZipInfo]:
    """The folder prefix inside the archive and the descriptor's entry (root or one folder)."""
    found = [i for i in zipped.infolist()
             if PurePosixPath(i.filename).name == "datapackage.json"
             and len(PurePosixPath(i.filename).parts) <= 2]
    if not found:
        raise Unreadable(f"{archive}: the archive holds no datapackage.json at its root or in "
                         "one top folder")
    depth = min(len(PurePosixPath(i.filename).parts) for i in found)
    shallowest = [i for i in found if len(PurePosixPath(i.filename).parts) == depth]
    if len(shallowest) > 1:
        raise Unreadable(f"{archive}: more than one datapackage.json: "
                         f"{', '.join(i.filename for i in shallowest)}")
    info = shallowest[0]
    prefix = str(PurePosixPath(info.filename).parent)
    return ("" if prefix == "." else prefix + "/"), info


def _check_member_size(archive: Path, info: zipfile.ZipInfo, cap: int) -> None:
    if info.file_size > cap:
        raise Unreadable(f"{archive}: member {info.filename} unpacks to {info.file_size} bytes, "
                         f"over the limit of {cap}; nothing was unpacked")
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise Unreadable(f"{archive}: member {info.filename} is compressed "
                         f"{info.file_size // max(info.compress_size, 1)}:1, over the limit of "
                         f"{MAX_RATIO}:1 (a zip bomb?); nothing was unpacked")


def _unpack_member(archive: Path, zipped: zipfile.ZipFile, info: zipfile.ZipInfo,
                   target: Path, budget: int) -> int:
    """Copy one member in chunks, never past its declared size or the budget; bytes written."""
    limit = min(info.file_size, budget)
    written = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipped.open(info) as source, target.open("wb") as sink:
        while chunk := source.read(_COPY_CHUNK):
            written += len(chunk)
            if written > limit:  # the header understated the size
                raise Unreadable(f"{archive}: member {info.filename} unpacks past its declared "
                                 "size or the archive's limit; nothing was kept")
            sink.write(chunk)
    return written


def _open_zip(archive: Path, folder: Path) -> tuple[Path, dict, list[Problem]]:
    """Unpack only the descriptor and the files it names into ``folder``, within the limits."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            problems = _zip_problems(archive, zipped.infolist())
            if problems:
                return folder, {}, problems
            prefix, info = _zip_descriptor(archive, zipped)
            _check_member_size(archive, info, MAX_DESCRIPTOR_BYTES)
            root = folder / "package"
            _unpack_member(archive, zipped, info, root / "datapackage.json",
                           MAX_DESCRIPTOR_BYTES)
            descriptor = _read_descriptor(root / "datapackage.json")
            members = {i.filename: i for i in zipped.infolist() if not i.is_dir()}
            named = [members[prefix + p] for p in resource_paths(descriptor)
                     if prefix + p in members]
            for member in named:
                _check_member_size(archive, member, MAX_MEMBER_BYTES)
            if sum(m.file_size for m in named) > MAX_TOTAL_BYTES:
                raise Unreadable(f"{archive}: the named files unpack to more than "
                                 f"{MAX_TOTAL_BYTES} bytes; nothing was unpacked")
            budget = MAX_TOTAL_BYTES
            for member in named:
                relative = member.filename[len(prefix):]
                budget -= _unpack_member(archive, zipped, member, root / relative, budget)
            return root, descriptor, []
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            zlib_error) as exc:
        raise Unreadable(f"{archive}: damaged archive: {exc}") from None


def _read_descriptor(path: Path) -> dict:
    try:
        if path.stat().st_size > MAX_DESCRIPTOR_BYTES:
            raise Unreadable(f"{path}: over {MAX_DESCRIPTOR_BYTES} bytes: not a descriptor")
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise Unreadable(f"{path.name}: cannot be read as JSON: {exc}") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise Unreadable(f"{path.name}: not a Data Package descriptor (no resources)")
    return descriptor


def open_package(path: Path) -> Published:
    """Open a package (folder, datapackage.json or zip); raise Unreadable when there is nothing
    safe to validate. Use it as a context manager: a zip's unpacked copy is always removed."""
    if not path.exists():
        raise Unreadable(f"{path}: no such file or folder")
    if path.is_file() and path.suffix == ".zip":
        if not zipfile.is_zipfile(path):
            raise Unreadable(f"{path}: not a zip archive")
        cleanup = Path(tempfile.mkdtemp(prefix="hanoi-coop-validate-"))
        try:
            root, descriptor, problems = _open_zip(path, cleanup)
        except BaseException:
            shutil.rmtree(cleanup, ignore_errors=True)
            raise
        if problems:
            shutil.rmtree(cleanup, ignore_errors=True)
            return Published(path.parent, {}, problems=problems)
        return Published(root, descriptor, cleanup=cleanup)
    root = path if path.is_dir() else path.parent
    descriptor_path = _inside(root, "datapackage.json") if path.is_dir() else path
    descriptor = _read_descriptor(descriptor_path)
    for relative in resource_paths(descriptor):
        _inside(root, relative)
    return Published(root, descriptor)


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
    frame = pd.DataFrame(index=cells.index)
    found: list[Finding] = []
    for f in resource.fields:
        column, bad = _parse_column(cells[f.name].astype(pd.StringDtype()), f)
        frame[f.name] = column
        found += [Finding(resource.name, int(i), f.name, "type", f"is not a valid {f.type}",
                          cells.at[i, f.name]) for i in cells.index[bad]]
    return frame, found


def _parse_column(text: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    return field.column_type.parse_text(text)


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
        frame[f.name] = f.column_type.from_arrow(frame[f.name])
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
    relative = str(safe_relative(entry.get("path")))
    path = _inside(published.root, relative)
    if not path.is_file():
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
