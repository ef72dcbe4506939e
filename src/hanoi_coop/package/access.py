"""Open a published copy of the package (folder, datapackage.json or release zip) safely:
every file it names must lie inside it, and a zip unpacks only what its descriptor names,
within size limits, into a folder that is always removed.
"""

from __future__ import annotations

import json
import shutil
import stat
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO
from zlib import error as zlib_error

import pandas as pd

from hanoi_coop.errors import Finding, Problem, printable
from hanoi_coop.layout import CROISSANT, DESCRIPTOR


class Unreadable(Exception):
    """The input cannot be read as a package at all (exit code 2). Its message is safe to
    print: names from the input (a zip member's) show their control characters escaped."""

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))


@dataclass
class Table:
    """One table read from a published file, with the file line of every row."""

    frame: pd.DataFrame
    lines: list[int] | None  # None: row i is on line i + 2 (no cell spans lines)
    path: str
    size: int = 0  # the file's bytes

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
    # Where the Parquet file says otherwise than the CSV file: reported after the CSV's own
    # problems, which are usually the cause.
    mismatches: list[Problem] = field(default_factory=list)
    croissant: dict | None = None  # croissant.json, once read and found well-formed
    descriptor_bytes: bytes = b""  # the bytes the descriptor was parsed from
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


def inside_package(root: Path, relative: str) -> Path:
    """The file a relative path names, refused when a symlink takes it outside ``root``."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise Unreadable(f"unsafe path: {relative!r} resolves outside the package (a symbolic "
                         "link?); nothing was read")
    return target


def extracted_as(name: str) -> str:
    """The path common extractors (unzip, Python's ``extractall``, Frictionless) write an
    entry to: backslashes as folders, empty and '.' parts dropped, trailing dots and spaces
    dropped (Windows); compared without case and in NFC, as a case-insensitive or
    normalising file system would store it."""
    parts = [p.rstrip(". ") for p in name.replace("\\", "/").split("/")]
    return unicodedata.normalize("NFC", "/".join(p for p in parts if p)).casefold()


def _plain(name: str) -> bool:
    """A name every extractor writes where it says: parts that are not empty or '.', that
    do not end in a dot or space, no drive or stream colon, nothing unprintable."""
    parts = name.split("/")
    return all(p and p == p.rstrip(". ") for p in parts) and ":" not in name and all(
        c.isprintable() for c in name)


def _plain_name_problem(archive: Path, info: zipfile.ZipInfo) -> Problem | None:
    name = info.filename
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or "\\" in name:
        return Problem(archive.name, "zip-path-escape", "archive entry escapes the package "
                       "folder", value=name)
    if not _plain(name.removesuffix("/") if info.is_dir() else name):
        return Problem(archive.name, "zip-entry-name", "archive entry name is not a plain "
                       "path ('.' or empty parts, a trailing dot or space, a colon, control "
                       f"characters): extractors write it as {extracted_as(name)!r}",
                       value=name)
    second = _unicode_path(info.extra)
    if second is not None and second != name:
        return Problem(archive.name, "zip-entry-name", "archive entry carries a second name "
                       f"(its Unicode Path field, which unzip writes to): {second!r}",
                       value=name)
    if stat.S_ISLNK(info.external_attr >> 16):
        return Problem(archive.name, "zip-entry-name", "archive entry is a symbolic link: "
                       "extractors would create a link instead of a file", value=name)
    return None


_UNICODE_PATH = 0x7075  # Info-ZIP's extra field: a UTF-8 name that replaces the entry's


def _extra_fields(extra: bytes) -> dict[int, bytes]:
    fields: dict[int, bytes] = {}
    at = 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        fields.setdefault(kind, extra[at + 4:at + 4 + size])
        at += 4 + size
    return fields


def _unicode_path(extra: bytes) -> str | None:
    field = _extra_fields(extra).get(_UNICODE_PATH)
    return None if field is None else field[5:].decode("utf-8", "replace")


def _zip_problems(archive: Path, zipped: zipfile.ZipFile) -> list[Problem]:
    """Entries that two readers could see differently: a name that is not a plain path, a
    link, two entries that an extractor writes to one path, or entries hidden from the
    directory."""
    infos = zipped.infolist()
    problems = [p for p in (_plain_name_problem(archive, i) for i in infos) if p is not None]
    by_path: dict[str, list[str]] = {}
    for info in infos:
        by_path.setdefault(extracted_as(info.filename), []).append(info.filename)
    for names in sorted(by_path.values()):
        if len(names) > 1:
            problems.append(Problem(archive.name, "zip-duplicate-entry", "archive entries an "
                                    "extractor writes to one path: which one a tool reads is "
                                    "not defined", value=" | ".join(names)))
    return problems + _layout_problems(archive, infos, zipped.start_dir)


_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_DESCRIPTOR_SIZES = (12, 16, 20, 24)  # data descriptor, with or without signature, zip64


def _layout_problems(archive: Path, infos: list[zipfile.ZipInfo], directory: int,
                     ) -> list[Problem]:
    """The central directory (what zipfile and unzip list) and the local headers (what
    streaming readers follow) must describe the same entries: each local header names its
    entry, and the entries tile the file from its first byte to the directory, so nothing
    is hidden between, before or inside them."""
    problems = []
    position = 0
    with archive.open("rb") as handle:
        for info in sorted(infos, key=lambda i: i.header_offset):
            handle.seek(info.header_offset)
            header = handle.read(_LOCAL_HEADER.size)
            if len(header) < _LOCAL_HEADER.size:
                raise Unreadable(f"{archive}: damaged archive: entry {info.filename} lies past "
                                 "the end of the file")
            fields = _LOCAL_HEADER.unpack(header)
            name, extra = handle.read(fields[9]), handle.read(fields[10])
            named = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437",
                                              "replace")
            data = info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10]
            if name != named or not _adjacent(position, info.header_offset) or (
                    _unicode_path(extra) not in (None, info.filename)) or not _same_entry(
                    handle, info, fields, data):
                problems.append(_hidden(archive, info.filename))
            position = data + info.compress_size
    if not _adjacent(position, directory):
        problems.append(_hidden(archive, "(after the last entry)"))
    return problems


_FLAGS, _METHOD, _CRC, _COMPRESSED, _SIZE = 2, 3, 6, 7, 8  # in the local header
_LATER = 0x08  # sizes and CRC in a data descriptor after the data
_UNKNOWN = 0xFFFFFFFF  # a zip64 size, in its extra field


def _same_entry(handle: BinaryIO, info: zipfile.ZipInfo, fields: tuple, data: int) -> bool:
    """The local header says what the directory says (method, flags, CRC and sizes); an
    entry whose sizes follow its data must end exactly where the directory says, or a
    streaming reader, which finds the end by decompressing, reads on into hidden bytes."""
    if fields[_METHOD] != info.compress_type or (fields[_FLAGS] & _LATER) != (
            info.flag_bits & _LATER):
        return False
    if not fields[_FLAGS] & _LATER:
        return all(fields[i] in (want, _UNKNOWN) for i, want in (
            (_CRC, info.CRC), (_COMPRESSED, info.compress_size), (_SIZE, info.file_size)))
    if not _descriptor_agrees(handle, info, data + info.compress_size):
        return False
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return info.compress_type == zipfile.ZIP_STORED
    handle.seek(data)
    stream = zlib.decompressobj(-15)
    left = info.compress_size
    while left > 0 and not stream.eof:
        chunk = handle.read(min(left, _COPY_CHUNK))
        if not chunk:
            return False
        left -= len(chunk)
        stream.decompress(chunk, _COPY_CHUNK)  # the output is not kept
        while stream.unconsumed_tail and not stream.eof:
            stream.decompress(stream.unconsumed_tail, _COPY_CHUNK)
    return stream.eof and left == 0 and not stream.unused_data and not stream.unconsumed_tail


def _descriptor_agrees(handle: BinaryIO, info: zipfile.ZipInfo, at: int) -> bool:
    """The data descriptor after an entry's data (signature optional) says the directory's
    CRC and sizes."""
    handle.seek(at)
    found = handle.read(24)
    if found[:4] == b"PK\x07\x08":
        found = found[4:]
    small = len(found) >= 12 and struct.unpack_from("<III", found) == (
        info.CRC, info.compress_size, info.file_size)
    large = len(found) >= 20 and struct.unpack_from("<IQQ", found) == (
        info.CRC, info.compress_size, info.file_size)
    return small or large


def _adjacent(end: int, start: int) -> bool:
    """Whether ``start`` follows an entry ending at ``end`` (0: the file's start) with at
    most its data descriptor between."""
    return start - end in ((0, *_DESCRIPTOR_SIZES) if end else (0,))


def _hidden(archive: Path, where: str) -> Problem:
    return Problem(archive.name, "zip-hidden-entry", "the archive's directory and its "
                   "entries' own headers disagree (bytes before, between or after the "
                   "entries, or another name): streaming readers see other files", value=where)


def _zip_descriptor(archive: Path, zipped: zipfile.ZipFile) -> tuple[str, zipfile.ZipInfo]:
    """The folder prefix inside the archive and the descriptor's entry (root or one folder)."""
    found = [i for i in zipped.infolist()
             if PurePosixPath(i.filename).name == DESCRIPTOR
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


def _check_total_size(archive: Path, members: list[zipfile.ZipInfo]) -> None:
    """The whole of what would be unpacked, by the sizes the archive declares (each member's
    copy stops at its declared size): under the cap, and at most MAX_RATIO times the archive
    (many small members, each under the per-member ratio's floor, are a bomb too)."""
    total = sum(m.file_size for m in members)
    if total > MAX_TOTAL_BYTES:
        raise Unreadable(f"{archive}: the named files unpack to more than "
                         f"{MAX_TOTAL_BYTES} bytes; nothing was unpacked")
    size = archive.stat().st_size
    if total > RATIO_FLOOR and total > MAX_RATIO * size:
        raise Unreadable(f"{archive}: the named files unpack to {total} bytes from an archive "
                         f"of {size}, over the limit of {MAX_RATIO}:1 (a zip bomb?); nothing "
                         "was unpacked")


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


def _open_zip(archive: Path, folder: Path) -> tuple[Path, dict, bytes, list[Problem]]:
    """Unpack only the descriptor and the files it names into ``folder``, within the limits."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            problems = _zip_problems(archive, zipped)
            if problems:
                return folder, {}, b"", problems
            prefix, info = _zip_descriptor(archive, zipped)
            _check_member_size(archive, info, MAX_DESCRIPTOR_BYTES)
            root = folder / "package"
            _unpack_member(archive, zipped, info, root / DESCRIPTOR, MAX_DESCRIPTOR_BYTES)
            descriptor, data = _read_descriptor(root / DESCRIPTOR)
            members = {i.filename: i for i in zipped.infolist() if not i.is_dir()}
            croissant = members.get(prefix + CROISSANT)
            if croissant is not None:  # checked by read_package like the descriptor
                _check_member_size(archive, croissant, MAX_DESCRIPTOR_BYTES)
                _unpack_member(archive, zipped, croissant, root / CROISSANT,
                               MAX_DESCRIPTOR_BYTES)
            named = [members[prefix + p] for p in resource_paths(descriptor)
                     if prefix + p in members]
            for member in named:
                _check_member_size(archive, member, MAX_MEMBER_BYTES)
            _check_total_size(archive, named)
            budget = MAX_TOTAL_BYTES
            for member in named:
                relative = member.filename[len(prefix):]
                budget -= _unpack_member(archive, zipped, member, root / relative, budget)
            return root, descriptor, data, []
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            zlib_error) as exc:
        raise Unreadable(f"{archive}: damaged archive: {exc}") from None


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the key {key!r} is written twice in one object (readers keep "
                             "either value)")
        seen[key] = value
    return seen


def strict_json(text: str) -> object:
    """JSON as every reader reads it: a key written twice in one object is refused (Python
    keeps the last value, other readers the first), as is nesting deeper than Python can
    follow (ValueError)."""
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _read_descriptor(path: Path) -> tuple[dict, bytes]:
    """The descriptor and the very bytes it was parsed from (read once)."""
    try:
        if path.stat().st_size > MAX_DESCRIPTOR_BYTES:
            raise Unreadable(f"{path}: over {MAX_DESCRIPTOR_BYTES} bytes: not a descriptor")
        data = path.read_bytes()
        descriptor = strict_json(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise Unreadable(f"{path.name}: cannot be read as JSON: {exc}") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise Unreadable(f"{path.name}: not a Data Package descriptor (no resources)")
    return descriptor, data


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
            root, descriptor, data, problems = _open_zip(path, cleanup)
        except BaseException:
            shutil.rmtree(cleanup, ignore_errors=True)
            raise
        if problems:
            shutil.rmtree(cleanup, ignore_errors=True)
            return Published(path.parent, {}, problems=problems)
        return Published(root, descriptor, descriptor_bytes=data, cleanup=cleanup)
    if path.is_file() and path.name != DESCRIPTOR:
        raise Unreadable(f"{path}: name the package's {DESCRIPTOR} (or its folder or zip); "
                         "nothing was read")
    root = path if path.is_dir() else path.parent
    descriptor, data = _read_descriptor(inside_package(root, DESCRIPTOR))
    for relative in resource_paths(descriptor):
        inside_package(root, relative)
    return Published(root, descriptor, descriptor_bytes=data)
