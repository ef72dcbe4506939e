"""The attacker's corpus: inputs built to make a reader see other bytes than validate checked,
to run as code, to exhaust the machine or to forge output. Each asserts the exit code, the
located message, no traceback, and that the input was left as it was (validate only reads).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import stat
import zipfile
from pathlib import Path

import pytest

from hanoi_coop.package import access as opening
from hanoi_coop.package.access import extracted_as
from hanoi_coop.publish.release import released_versions

from .conftest import ROOT
from .conftest import cli_output as _cli
from .corruption import csv_file, read_rows

RELEASE = released_versions(ROOT)[-1]  # the newest, checked by the current model


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _validate_zip(capsys, archive: Path, scratch: Path) -> tuple[int, str]:
    before = _digest(archive)
    code, output = _cli(capsys, "validate", str(archive))
    assert _digest(archive) == before and list(scratch.iterdir()) == []
    return code, output


def _bad_meetings() -> bytes:
    """meetings.csv of the release with an event type outside the codelist."""
    rows = read_rows(ROOT / "releases" / RELEASE, "meetings")
    rows[1][rows[0].index("event_type")] = "FIGHT"
    return ("\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\n").encode()


def _release_zip(tmp_path: Path, extra: dict[str, bytes] | None = None,
                 link: str | None = None) -> Path:
    """The published release zip, copied with more members appended."""
    source = ROOT / "releases" / RELEASE / f"hanoi-coop-{RELEASE}.zip"
    archive = tmp_path / "release.zip"
    archive.write_bytes(source.read_bytes())
    with zipfile.ZipFile(archive, "a") as zipped:
        for name, data in (extra or {}).items():
            zipped.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zipped.writestr(info, "/etc/passwd")
    return archive


def test_the_release_zip_as_published_is_valid(capsys, tmp_path: Path, scratch_tmp: Path):
    code, output = _validate_zip(capsys, _release_zip(tmp_path), scratch_tmp)
    assert code == 0, output


@pytest.mark.parametrize(("name", "rule"), [
    ("data/./csv/meetings.csv", "zip-entry-name"),      # unzip and extractall write it over
    ("data//csv/meetings.csv", "zip-entry-name"),       # the checked data/csv/meetings.csv
    ("./data/csv/meetings.csv", "zip-entry-name"),
    ("data/csv/./meetings.csv", "zip-entry-name"),
    ("Data/CSV/meetings.csv", "zip-duplicate-entry"),   # one file on macOS and Windows
    ("data/csv/MEETINGS.csv", "zip-duplicate-entry"),
    ("data\\csv\\meetings.csv", "zip-path-escape"),     # a folder path on Windows
])
def test_a_member_other_readers_write_over_a_checked_file(capsys, tmp_path: Path,
                                                          scratch_tmp: Path, name, rule):
    archive = _release_zip(tmp_path, {name: _bad_meetings()})
    code, output = _validate_zip(capsys, archive, scratch_tmp)
    assert code == 1 and f"[{rule}]" in output and "meetings.csv" in output, output
    assert output.startswith("invalid:")


def test_names_are_compared_as_extractors_write_them():
    assert extracted_as("data/./csv//meetings.csv") == extracted_as("data/csv/meetings.csv")
    assert extracted_as("Caf\u00e9.csv") == extracted_as("Cafe\u0301.csv")  # NFC and NFD
    assert extracted_as("a/b.csv") != extracted_as("a/c.csv")


def test_a_symbolic_link_member(capsys, tmp_path: Path, scratch_tmp: Path):
    archive = _release_zip(tmp_path, link="data/csv/notes.csv")
    code, output = _validate_zip(capsys, archive, scratch_tmp)
    assert code == 1 and "[zip-entry-name]" in output and "symbolic link" in output


def test_an_entry_hidden_before_the_archive(capsys, tmp_path: Path, scratch_tmp: Path):
    """Bytes before the first entry (a second meetings.csv with its own local header): a
    streaming reader meets it first; the directory does not list it."""
    hidden = tmp_path / "hidden.zip"
    with zipfile.ZipFile(hidden, "w") as zipped:
        zipped.writestr("data/csv/meetings.csv", _bad_meetings())
    archive = _release_zip(tmp_path)
    archive.write_bytes(hidden.read_bytes()[:-22] + archive.read_bytes())  # no second EOCD
    code, output = _validate_zip(capsys, archive, scratch_tmp)
    assert code == 1 and "[zip-hidden-entry]" in output, output


def test_an_entry_hidden_between_entries(capsys, tmp_path: Path, scratch_tmp: Path):
    archive = _release_zip(tmp_path)
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zipped:
        second = sorted(i.header_offset for i in zipped.infolist())[1]
    hidden = b"PK\x03\x04" + b"\0" * 60
    data[second:second] = hidden
    # shift the directory's offsets so that zipfile and unzip still list every entry
    with zipfile.ZipFile(archive) as zipped:
        start = zipped.start_dir
    directory = bytes(data[start + len(hidden):])
    fixed = bytearray(directory)
    at = 0
    while fixed[at:at + 4] == b"PK\x01\x02":
        offset = int.from_bytes(fixed[at + 42:at + 46], "little")
        if offset >= second:
            fixed[at + 42:at + 46] = (offset + len(hidden)).to_bytes(4, "little")
        at += 46 + sum(int.from_bytes(fixed[at + k:at + k + 2], "little") for k in (28, 30, 32))
    eocd = fixed.rindex(b"PK\x05\x06")
    fixed[eocd + 16:eocd + 20] = (start + len(hidden)).to_bytes(4, "little")
    archive.write_bytes(bytes(data[:start + len(hidden)]) + bytes(fixed))
    with zipfile.ZipFile(archive) as zipped:  # every entry still reads
        assert zipped.testzip() is None
    code, output = _validate_zip(capsys, archive, scratch_tmp)
    assert code == 1 and "[zip-hidden-entry]" in output, output


def test_an_entry_whose_unicode_path_names_a_checked_file(capsys, tmp_path: Path,
                                                         scratch_tmp: Path):
    """Info-ZIP's Unicode Path extra field gives an entry a second name, which unzip writes
    to (Python's zipfile ignores it): notes.txt would land on meetings.csv."""
    import struct
    import zlib

    archive = _release_zip(tmp_path)
    target = b"data/csv/meetings.csv"
    with zipfile.ZipFile(archive, "a") as zipped:
        info = zipfile.ZipInfo("data/csv/notes.txt", date_time=(1980, 1, 1, 0, 0, 0))
        info.extra = struct.pack("<HHBI", 0x7075, 5 + len(target), 1,
                                 zlib.crc32(b"data/csv/notes.txt")) + target
        zipped.writestr(info, _bad_meetings())
    code, output = _validate_zip(capsys, archive, scratch_tmp)
    assert code == 1 and "[zip-entry-name]" in output and "second name" in output, output


def _deflated(data: bytes) -> bytes:
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def test_an_entry_hidden_inside_another_entrys_data(capsys, tmp_path: Path, scratch_tmp: Path):
    """The directory gives the last entry's compressed size as its deflate stream plus a whole
    second meetings.csv; its own header gives the true size. zipfile and unzip read the
    first meetings.csv; a streaming reader (Java's ZipInputStream) reads on into the second."""
    import struct
    import zlib

    with zipfile.ZipFile(_release_zip(tmp_path)) as source:
        members = [(i.filename, source.read(i)) for i in source.infolist()]

    def local(name: bytes, data: bytes, packed: bytes, size: int) -> bytes:
        return struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21,
                           zlib.crc32(data), size, len(data), len(name), 0) + name
    bad = _bad_meetings()
    hidden = local(b"data/csv/meetings.csv", bad, _deflated(bad), len(_deflated(bad))) + (
        _deflated(bad))
    body = central = b""
    for number, (name, data) in enumerate(members):
        packed = _deflated(data)
        payload = packed + (hidden if number == len(members) - 1 else b"")
        offset = len(body)
        body += local(name.encode(), data, packed, len(packed)) + payload
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21,
                               zlib.crc32(data), len(payload), len(data), len(name), 0, 0, 0,
                               0, 0o100644 << 16, offset) + name.encode()
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(central), len(body), 0)
    archive = tmp_path / "hidden-inside.zip"
    archive.write_bytes(body + central + end)
    with zipfile.ZipFile(archive) as zipped:
        assert zipped.testzip() is None  # every entry reads, to zipfile
    code, output = _validate_zip(capsys, archive, scratch_tmp)
    assert code == 1 and "[zip-hidden-entry]" in output, output


def test_a_streamed_zip_with_data_descriptors_is_read(capsys, tmp_path: Path,
                                                      scratch_tmp: Path):
    """Sizes after the data (a zip written to a stream) are legitimate: valid."""
    import io

    class Stream(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, chunk) -> int:
            self.data += chunk
            return len(chunk)

    stream = Stream()
    with zipfile.ZipFile(_release_zip(tmp_path)) as source, zipfile.ZipFile(
            stream, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info))
    archive = tmp_path / "streamed.zip"
    archive.write_bytes(bytes(stream.data))
    with zipfile.ZipFile(archive) as zipped:
        assert all(i.flag_bits & 0x08 for i in zipped.infolist())
    code, output = _validate_zip(capsys, archive, scratch_tmp)
    assert code == 0, output


@pytest.mark.parametrize("name", ["data/csv/meetings.csv.", "data/csv/meetings.csv ",
                                  "data/csv./meetings.csv", "c:data/csv/meetings.csv",
                                  "data/csv/meetings.csv:stream"])
def test_names_windows_writes_over_a_checked_file(capsys, tmp_path: Path, scratch_tmp: Path,
                                                 name):
    archive = _release_zip(tmp_path, {name: _bad_meetings()})
    code, output = _validate_zip(capsys, archive, scratch_tmp)
    assert code == 1 and "[zip-entry-name]" in output, output


@pytest.mark.parametrize("control", ["\x1b[2J", "\x07", "\nFAKE LINE: valid", "\u202e"])
def test_member_names_with_control_characters_are_shown_escaped(capsys, tmp_path: Path,
                                                               scratch_tmp: Path, control):
    archive = _release_zip(tmp_path, {f"data/csv/x{control}.csv": b"a\n"})
    code, output = _validate_zip(capsys, archive, scratch_tmp)
    assert code == 1 and "[zip-entry-name]" in output
    assert control not in output and "\nFAKE LINE" not in output


@pytest.mark.parametrize("control", ["\x1b]0;pwned\x07", "\nFAKE LINE: valid"])
def test_control_characters_in_an_unreadable_message_are_escaped(capsys, tmp_path: Path,
                                                                 control):
    """A path from the command line or an archive in an 'unreadable' message (exit 2)."""
    code, output = _cli(capsys, "validate", str(tmp_path / f"x{control}.zip"))
    assert code == 2 and "no such file" in output
    assert control not in output and "\nFAKE LINE" not in output


def test_many_small_members_are_a_bomb_too(capsys, tmp_path: Path, scratch_tmp: Path):
    """Each member is under the per-member ratio's 1 MiB floor; together they unpack to
    hundreds of times the archive (1,500 of them unpacked 1.57 GB)."""
    size = opening.RATIO_FLOOR
    descriptor = {"name": "bomb", "resources": [
        {"name": f"t{i}", "path": f"data/t{i}.csv"} for i in range(40)]}
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("datapackage.json", json.dumps(descriptor))
        for i in range(40):
            zipped.writestr(f"data/t{i}.csv", b"\0" * size)
    code, output = _validate_zip(capsys, archive, scratch_tmp)
    assert code == 2 and "zip bomb" in output and f"over the limit of {opening.MAX_RATIO}:1" in (
        output)


def test_a_checked_file_is_what_every_reader_extracts(tmp_path: Path):
    """The valid release zip: Python's extractall writes exactly the files validate reads."""
    archive = _release_zip(tmp_path)
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path / "out")
        names = [i.filename for i in zipped.infolist()]
    assert all(extracted_as(n) == n.lower() for n in names)
    assert csv_file(tmp_path / "out", "meetings").is_file()


# --- what a file says of itself --------------------------------------------------------------
def test_parquet_metadata_that_lies_about_the_table(capsys, tmp_path: Path):
    """A meetings.parquet whose values are right but whose own metadata (which the README tells
    users to read) lies: a codelist, a description, the primary key, a nullability."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .corruption import copy_package, refresh_checksums

    package = copy_package(tmp_path / "package")
    path = package / "data" / "parquet" / "meetings.parquet"
    table = pq.read_table(path)
    fields = []
    for f in table.schema:
        metadata = dict(f.metadata)
        if f.name == "event_type":
            metadata[b"codelist"] = b'["MEET"]'
        if f.name == "title":
            metadata[b"description"] = b"Whatever the file says."
        fields.append(pa.field(f.name, f.type, nullable=f.nullable if f.name != "meeting_id"
                               else True, metadata=metadata))
    schema = pa.schema(fields, metadata={**table.schema.metadata, b"primary_key": b"title"})
    pq.write_table(table.cast(schema), path)
    refresh_checksums(package)
    code, output = _cli(capsys, "validate", str(package))
    assert code == 1, output
    lines = [line for line in output.splitlines() if "[parquet-metadata]" in line]
    assert len(lines) == 4, output
    assert any("field event_type" in line and 'codelist: ["MEET"]' in line for line in lines)
    assert any("field title" in line and "description: Whatever" in line for line in lines)
    assert any("field meeting_id" in line and "nullable: True" in line for line in lines)
    assert any("primary_key: title" in line for line in lines)
    assert all(line.strip().startswith("data/parquet/meetings.parquet") for line in lines)


# --- free text that acts instead of showing, or that readers take as missing ----------------
FREE_TEXT = {
    "NUL": "Ambassador\x00He Wei", "terminal escape": "He Wei\x1b[2J", "RLO": "\u202eieW eH",
    "line separator": "He\u2028Wei", "paragraph separator": "He\u2029Wei", "BOM": "\ufeffHe",
    "DEL": "He\x7fWei", "C1 control": "He\x9bWei", "bell": "He\x07Wei",
    "tab formula": '\t=HYPERLINK("http://127.0.0.1")', "fullwidth equals": "\uff1d1+1",
    "fullwidth at": "\uff20SUM(A1)", "fullwidth plus": "\uff0bcmd", "fullwidth minus": "\uff0d2+3",
    "n/a": "n/a", "#N/A": "#N/A", "<NA>": "<NA>", "#NA": "#NA", "1.#IND": "1.#IND",
    "-1.#QNAN": "-1.#QNAN", "#N/A N/A": "#N/A N/A",
    "left-to-right mark": "He\u200eWei", "Arabic letter mark": "He\u061cWei",
    "zero-width space": "He\u200bWei", "word joiner": "He\u2060Wei",
    "soft hyphen": "He\u00adWei", "interlinear annotation": "He\ufff9Wei",
    "small equals": "\ufe661+1", "small plus": "\ufe62cmd", "minus sign": "\u22122+3",
    "space before equals": " =1+1", "ideographic space before equals": "\u3000=1+1",
}


def test_free_text_that_acts_or_reads_as_missing_is_refused_by_validate(capsys, tmp_path: Path):
    """Every kind at once, each in its own project title: one validation, and each cell
    located by its line and field, its value shown escaped."""
    from .corruption import copy_package, read_rows, write_rows

    package = copy_package(tmp_path / "package")
    rows = read_rows(package, "projects")
    column = rows[0].index("title")
    assert len(rows) - 1 >= len(FREE_TEXT)
    lines = {}
    for row, kind in enumerate(sorted(FREE_TEXT), start=1):
        rows[row][column] = FREE_TEXT[kind]
        lines[kind] = row + 1
    write_rows(package, "projects", rows)
    code, output = _cli(capsys, "validate", str(package))
    assert code == 1, output
    for kind, line in lines.items():
        assert any(f"data/csv/projects.csv:{line}," in o and "field title" in o
                   and "[pattern]" in o for o in output.splitlines()), (kind, output)
    assert all(c.isprintable() or c == "\n" for c in output), "a raw control character"


def test_pandas_missing_tokens_are_all_refused():
    from pandas._libs.parsers import STR_NA_VALUES

    from hanoi_coop.metadata.fields import MISSING_VALUE_TOKENS

    assert set(STR_NA_VALUES) - {""} <= set(MISSING_VALUE_TOKENS)


@pytest.mark.parametrize("kind", ["NUL", "RLO", "tab formula", "n/a", "terminal escape"])
def test_free_text_that_acts_or_reads_as_missing_fails_the_build(workspace: Path, kind: str):
    from hanoi_coop.build import build
    from hanoi_coop.errors import InputError

    from .conftest import replace_in

    quoted = json.dumps(FREE_TEXT[kind])  # a YAML double-quoted string, escapes included
    replace_in(workspace / "curated" / "meetings.yaml",
               "  title: Chairman Vu Dai Thang meets Chinese Ambassador He Wei\n",
               f"  title: {quoted}\n")
    with pytest.raises(InputError) as caught:
        build(workspace)
    problems = [p for p in caught.value.problems if p.field == "title"]
    assert [(p.file, p.record) for p in problems] == [("curated/meetings.yaml",
                                                       "mtg-thang-he-wei")], caught.value
    assert problems[0].line == 8 and all(c.isprintable() for c in str(problems[0]))


def test_a_descriptor_with_a_key_written_twice(capsys, tmp_path: Path):
    """Python keeps the last value, other readers the first: which one was checked?"""
    from .corruption import copy_package

    package = copy_package(tmp_path / "package")
    path = package / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"name": "hanoi-coop",', '"name": "hanoi-coop", '
                                 '"name": "other",', 1), encoding="utf-8")
    code, output = _cli(capsys, "validate", str(package))
    assert code == 2 and "'name' is written twice" in output


# --- a hostile portal: the loader's deadline and byte counts --------------------------------
class _Hostile:
    """A loopback server that serves a real release's manifest and answers the table file
    as ``mode`` says: a byte at a time ('drip'), more bytes than published ('flood', without
    a length), or a length over the published one ('announce'). Bounded: it stops by itself."""

    def __init__(self, mode: str) -> None:
        import http.server
        import threading

        self.mode, self.requests, self.sent = mode, [], 0
        manifest = (ROOT / "releases" / "1.0.0" / "manifest.json").read_bytes()
        hostile = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 (the stdlib's name)
                hostile.requests.append(self.path)
                if self.path.endswith("manifest.json"):
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(manifest)))
                    self.end_headers()
                    self.wfile.write(manifest)
                    return
                with contextlib.suppress(OSError):  # the loader hung up, as it should
                    self.respond()

            def respond(self) -> None:
                if hostile.mode == "header drip":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    hostile.answer(self.wfile)
                    return
                if hostile.mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere.parquet")
                    self.end_headers()
                    return
                self.send_response(200)
                if hostile.mode == "announce":
                    self.send_header("Content-Length", str(10**9))
                if hostile.mode == "gzip":
                    self.send_header("Content-Encoding", "gzip")
                self.end_headers()
                hostile.answer(self.wfile)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, out) -> None:
        import time

        if self.mode in ("drip", "header drip"):
            for _ in range(40):  # 12 s at most
                out.write(b"x")
                out.flush()
                self.sent += 1
                time.sleep(0.3)
        elif self.mode in ("flood", "announce", "gzip"):
            for _ in range(200):  # 13 MB at most
                out.write(b"\0" * 65536)
                self.sent += 65536

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(("mode", "words"), [
    ("drip", "was not complete after 1.5 s"),
    ("header drip", "was not complete after 1.5 s"),
    ("gzip", "was sent gzip-encoded"),
    ("redirect", "answered 302"),
    ("flood", "sent more than the"),
    ("announce", "announces 1000000000 bytes"),
])
def test_a_hostile_portal_ends_in_a_download_error_at_once(tmp_path: Path, monkeypatch, mode,
                                                          words):
    import time

    import hanoi_coop
    from hanoi_coop.loader import CACHE_ENV, PORTAL_ENV, TIMEOUT_ENV, DownloadError

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(TIMEOUT_ENV, "1.5")
    hostile = _Hostile(mode)
    with hostile as url:
        monkeypatch.setenv(PORTAL_ENV, url)
        started = time.monotonic()
        with pytest.raises(DownloadError, match=words) as caught:
            hanoi_coop.load("persons", version="1.0.0")
        elapsed = time.monotonic() - started
    assert "persons.parquet" in str(caught.value) and str(tmp_path / "cache") in str(
        caught.value)
    assert elapsed < 10  # not the server's 12 s, let alone forever
    tables = [r for r in hostile.requests if r.endswith("persons.parquet")]
    assert len(tables) == 1  # refused once, not downloaded again
    assert not list((tmp_path / "cache" / "1.0.0" / "data").rglob("*.parquet"))


# --- located errors where the README promises them, never a traceback -----------------------
def test_a_curated_value_nested_900_levels_deep(workspace: Path):
    problem = _the_title_problem(workspace, "[" * 900 + "]" * 900)
    assert "nested deeper than" in problem.message


def _edit_resource(package: Path, table: str, edit) -> None:
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    edit(next(r for r in descriptor["resources"] if r["name"] == table))
    path.write_text(json.dumps(descriptor), encoding="utf-8")


@pytest.mark.parametrize(("damage", "words"), [
    ("string schema", "its schema is not an object"),
    ("field without a name", "fields each have a name"),
    ("field named twice", "names a field twice"),
    ("key not a field", "primary key 'nowhere' is not one of its fields"),
    ("duplicate keys", "the primary key person_id repeats (xu-jian)"),
])
def test_diff_of_a_package_it_cannot_match_is_exit_2_saying_why(capsys, tmp_path: Path, damage,
                                                                 words):
    from .corruption import copy_package, read_rows, write_rows

    package = copy_package(tmp_path / "package")
    if damage == "string schema":
        _edit_resource(package, "persons", lambda r: r.update(schema="persons.schema.json"))
    elif damage == "field without a name":
        _edit_resource(package, "persons", lambda r: r["schema"]["fields"][1].pop("name"))
    elif damage == "field named twice":
        _edit_resource(package, "persons", lambda r: r["schema"]["fields"].append(
            r["schema"]["fields"][0]))
    elif damage == "key not a field":
        _edit_resource(package, "persons", lambda r: r["schema"].update(primaryKey=["nowhere"]))
    else:
        rows = read_rows(package, "persons")
        xu = next(r for r in rows if r[0] == "xu-jian")
        write_rows(package, "persons", rows + [xu])
    code, output = _cli(capsys, "diff", str(package), str(ROOT), "--root", str(ROOT))
    assert code == 2 and words in output, output


def test_download_to_a_file_that_is_there(capsys, tmp_path: Path, monkeypatch):
    from hanoi_coop.loader import PORTAL_ENV

    monkeypatch.setenv(PORTAL_ENV, "http://127.0.0.1:9")
    there = tmp_path / "there.txt"
    there.write_text("mine\n")
    code, output = _cli(capsys, "download", RELEASE, "--to", str(there))
    assert code == 2 and "a file is there, not a folder" in output
    assert there.read_text() == "mine\n"


def test_a_lone_surrogate_is_a_located_problem_not_a_traceback(workspace: Path):
    assert "surrogate" in _the_title_problem(workspace, '"Chairman \\ud800"').message


def _the_title_problem(workspace: Path, title: str):
    """The one problem of a build whose first meeting's title (line 8) is ``title``."""
    from hanoi_coop.build import build
    from hanoi_coop.errors import InputError

    from .conftest import replace_in

    replace_in(workspace / "curated" / "meetings.yaml",
               "  title: Chairman Vu Dai Thang meets Chinese Ambassador He Wei\n",
               f"  title: {title}\n")
    with pytest.raises(InputError) as caught:
        build(workspace)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.rule) == ("curated/meetings.yaml", 8, "yaml")
    return problem


def _rewrite_parquet(package: Path, table: str, edit) -> None:
    import pyarrow.parquet as pq

    from .corruption import refresh_checksums

    path = package / "data" / "parquet" / f"{table}.parquet"
    pq.write_table(edit(pq.read_table(path)), path, compression="zstd")
    refresh_checksums(package)


def test_a_parquet_file_that_unpacks_to_far_more_than_its_table(capsys, tmp_path: Path):
    """One cell of 100 MB of zstd-packed text: a 10 KB file (1.5 GB took 6 GB of memory and
    ran for minutes). Its footer declares the size; it is not read."""
    import pyarrow as pa

    from .corruption import copy_package

    package = copy_package(tmp_path / "package")

    def bomb(table):
        column = table.schema.get_field_index("clue_text")
        values = table.column(column).to_pylist()
        values[0] = "x" * 100_000_000
        return table.set_column(column, table.schema.field(column), pa.array(values))

    _rewrite_parquet(package, "year_clues", bomb)
    assert (package / "data" / "parquet" / "year_clues.parquet").stat().st_size < 100_000
    code, output = _cli(capsys, "validate", str(package))
    assert code == 1 and "data/parquet/year_clues.parquet: [parquet-unreadable] declares" in (
        output) and "decompression bomb" in output, output


def test_parquet_metadata_that_writes_a_key_twice(capsys, tmp_path: Path):
    """pyarrow's mappings keep the first value; DuckDB and the file's bytes show both."""
    import pyarrow as pa

    from .corruption import copy_package

    package = copy_package(tmp_path / "package")

    def doubled(table):
        fields = []
        for f in table.schema:
            pairs = list(f.metadata.items())
            if f.name == "title":
                pairs.append((b"description", b"EVIL"))
            fields.append(pa.field(f.name, f.type, f.nullable, pa.KeyValueMetadata(pairs)))
        table_pairs = [*table.schema.metadata.items(), (b"title", b"EVIL TABLE")]
        return table.cast(pa.schema(fields, metadata=pa.KeyValueMetadata(table_pairs)))

    _rewrite_parquet(package, "meetings", doubled)
    code, output = _cli(capsys, "validate", str(package))
    assert code == 1, output
    assert "meetings.parquet, field title: [parquet-metadata] the file's metadata writes a " \
        "key twice" in output, output


def test_a_package_without_its_croissant_json(capsys, tmp_path: Path):
    """croissant.json alone holds the Parquet files' checksums (the descriptor cannot):
    a package from 2.9.0 on without it is invalid, not silently unchecked."""
    from .corruption import copy_package

    package = copy_package(tmp_path / "package")
    (package / "croissant.json").unlink()
    code, output = _cli(capsys, "validate", str(package))
    assert code == 1 and "croissant.json is missing" in output, output
