"""The corpus of bad inputs: each kind of damage is rejected with its own exact error.

Curated-record damage fails the build naming the curated file, line, record and field;
published-file damage fails ``validate`` naming the data file, line (or Parquet row), field
and rule. The package's own data is the valid baseline.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hanoi_coop.build import build
from hanoi_coop.errors import InputError, Problem
from hanoi_coop.package.access import Unreadable
from hanoi_coop.validation.validate import validate_package

from .conftest import replace_in
from .corruption import (
    copy_package,
    csv_file,
    edit_bytes,
    read_rows,
    refresh_checksums,
    set_cell,
    write_rows,
)


def _only(problems: list[Problem], rule: str) -> Problem:
    matching = [p for p in problems if p.rule == rule]
    assert matching, f"no {rule!r} problem in {[str(p) for p in problems]}"
    return matching[0]


# --- curated records: the build names file, line, record and field ----------------------------
CURATED_CASES = {
    # kind: (file, old text, new text, rule, record, field)
    "missing quote": ("persons.yaml",
                      '    - {source: src-hanoi-chongqing-cooperation, quote: "Vice Mayor Xu '
                      'Jian said"}\n', "    - {source: src-hanoi-chongqing-cooperation}\n",
                      "required", "xu-jian", "evidence[0].quote"),
    "quote not in source": ("figures.yaml", "employs more than 10,000 staff",
                            "employs more than 10,001 staff", "quote-not-in-source",
                            "fig-crrc-dalian-staff", "quote"),
    "unknown source id": ("figures.yaml", "- figure_id: fig-crrc-dalian-staff\n  source_id: "
                          "src-china-urban-planning-metro",
                          "- figure_id: fig-crrc-dalian-staff\n  source_id: src-nowhere",
                          "unknown-source", "fig-crrc-dalian-staff", "source"),
    "duplicate id": ("figures.yaml", "figure_id: fig-crrc-dalian-staff",
                     "figure_id: fig-crrc-dalian-countries", "duplicate-id",
                     "fig-crrc-dalian-countries", "figure_id"),
    "dangling reference": ("meetings.yaml", "  place_id: chongqing\n",
                           "  place_id: chungking\n", "foreign-key",
                           "mtg-chongqing-international-fair", "place_id"),
    "invalid EDTF": ("targets.yaml", "deadline: {text: by 2035, edtf: \"2035\"}",
                     "deadline: {text: by 2035, edtf: \"2035-13\"}", "edtf",
                     "tgt-hanoi-metro-2035-lines", "deadline"),
    "end before start": ("targets.yaml", "edtf: 2021/2030}", "edtf: 2030/2021}", "date-order",
                         "tgt-hung-yen-red-river-bridges", "deadline_latest"),
    "value outside a codelist": ("meetings.yaml",
                                 "  meeting_kind: joint_statement\n  event_type: AGREE\n",
                                 "  meeting_kind: joint_statement\n  event_type: MEET\n",
                                 "codelist",
                                 "mtg-to-lam-xi-jinping-joint-statement", "event_type"),
    "text not in NFC": ("persons.yaml", "  name: Xu Jian\n", "  name: Xu Jia\u0301n\n", "nfc",
                        "xu-jian", "name"),
    "wrong type": ("figures.yaml", "  value: 33\n", "  value: thirty-three\n", "type",
                   "fig-crrc-dalian-countries", "value"),
    "empty required field": ("organizations.yaml", "  name: BRG\n", "  name: ''\n", "required",
                             "brg", "name"),
}


@pytest.mark.parametrize("kind", sorted(CURATED_CASES))
def test_bad_curated_record_fails_the_build_with_its_location(kind: str, workspace: Path):
    file, old, new, rule, record, field = CURATED_CASES[kind]
    replace_in(workspace / "curated" / file, old, new)
    with pytest.raises(InputError) as caught:
        build(workspace)
    problem = _only(caught.value.problems, rule)
    assert problem.file == f"curated/{file}"
    assert problem.record == record
    assert problem.line is not None and problem.line > 0
    assert problem.field == field, str(problem)
    assert not (workspace / "data").exists()


# --- published files: validate names file, line, field, rule ----------------------------------
def _problems(root: Path, fast: bool = True) -> list[Problem]:
    return validate_package(root, with_frictionless=not fast).problems


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "package")


def test_the_valid_package_passes(package: Path):
    assert _problems(package, fast=False) == []


def test_truncated_csv(package: Path):
    edit_bytes(package, "persons", lambda b: b[:-15])
    problem = _only(_problems(package), "truncated")
    assert problem.file == "data/csv/persons.csv" and problem.line == 16


@pytest.mark.parametrize(("kind", "mutate", "rule", "field"), [
    ("missing column", lambda h: h.remove("title"), "missing-column", "title"),
    ("extra column", lambda h: h.append("extra"), "extra-column", "extra"),
    ("reordered columns", lambda h: h.reverse(), "column-order", None),
])
def test_header_damage(package: Path, kind, mutate, rule, field):
    rows = read_rows(package, "meetings")
    header = list(rows[0])
    mutate(header)
    width = len(header)
    write_rows(package, "meetings", [header] + [r[:width] + [""] * (width - len(r))
                                                for r in rows[1:]])
    problem = _only(_problems(package), rule)
    assert (problem.file, problem.line, problem.field) == ("data/csv/meetings.csv", 1, field)


def _edit_descriptor(package: Path, edit) -> None:
    import json

    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    edit(descriptor)
    path.write_text(json.dumps(descriptor, indent=4, sort_keys=True), encoding="utf-8")


def _resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def _field(descriptor: dict, table: str, name: str) -> dict:
    return next(f for f in _resource(descriptor, table)["schema"]["fields"] if f["name"] == name)


@pytest.mark.parametrize(("edit", "path"), [
    (lambda d: d.update(licenses="CC-BY-4.0"), "licenses"),
    (lambda d: d.update(title="Another title"), "title"),
    (lambda d: _field(d, "persons", "name").update(type="integer"),
     "resources.persons.schema.fields[1].type"),
    (lambda d: _field(d, "meetings-parquet", "event_type")["constraints"].pop("enum"),
     "resources.meetings-parquet.schema.fields[5].constraints.enum"),
    (lambda d: _resource(d, "positions")["schema"].pop("foreignKeys"),
     "resources.positions.schema.foreignKeys"),
    (lambda d: d["resources"].append({**_resource(d, "persons"), "name": "people"}),
     "resources.people"),
    (lambda d: d["resources"].append(_resource(d, "persons")), "resources.persons"),
], ids=["licence", "title", "field type", "codelist", "foreign keys", "extra resource",
        "a resource twice"])
def test_a_descriptor_that_says_what_the_model_does_not(package: Path, edit, path):
    """The data may be right while the metadata users read is not: datapackage.json must say
    what the model says (its files' hashes, sizes and rows are checked against the files)."""
    _edit_descriptor(package, edit)
    problems = [p for p in _problems(package) if p.rule == "descriptor-mismatch"]
    assert [(p.file, p.field) for p in problems] == [("datapackage.json", path)], problems


def test_a_descriptor_written_out_again_says_the_same(package: Path):
    """Other indentation and key order, the same content: valid. A changed hash is the
    file's checksum problem, not the model's."""
    _edit_descriptor(package, lambda d: None)
    assert _problems(package) == []
    _edit_descriptor(package, lambda d: _resource(d, "persons").update(hash="sha256:" + "0" * 64))
    assert {p.rule for p in _problems(package)} == {"checksum"}


def _edit_croissant(package: Path, edit) -> None:
    import json

    path = package / "croissant.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_text(json.dumps(document, indent=1, sort_keys=True), encoding="utf-8")


@pytest.mark.parametrize(("edit", "path"), [
    (lambda d: d.update(license="https://example.org/all-rights-reserved"), "license"),
    (lambda d: d["recordSet"][0]["field"][0].update(dataType="sc:Integer"),
     "recordSet[0].field[0].dataType"),
    (lambda d: d["recordSet"][0]["field"][0]["source"]["extract"].update(column="sha256"),
     "recordSet[0].field[0].source.extract.column"),
    (lambda d: d.update(version="9.9.9"), "version"),
], ids=["licence", "data type", "column", "version"])
def test_croissant_metadata_that_says_what_the_model_does_not(package: Path, edit, path):
    """croissant.json is read by ML tools without datapackage.json: it too must say what the
    model says (the sha256 it records is checked against each file)."""
    _edit_croissant(package, edit)
    problems = [p for p in _problems(package) if p.rule == "descriptor-mismatch"]
    assert [(p.file, p.field) for p in problems][:1] == [("croissant.json", path)], problems
    if path != "version":  # the version also stands in citeAs
        assert len(problems) == 1


def test_croissant_metadata_written_out_again_says_the_same(package: Path):
    _edit_croissant(package, lambda d: None)
    assert _problems(package) == []
    _edit_croissant(package, lambda d: d["distribution"][0].update(sha256="0" * 64))
    assert {p.rule for p in _problems(package)} == {"checksum"}


def test_byte_order_mark(package: Path):
    edit_bytes(package, "places", lambda b: b"\xef\xbb\xbf" + b)
    problem = _only(_problems(package), "byte-order-mark")
    assert (problem.file, problem.line) == ("data/csv/places.csv", 1)


def test_crlf_line_ends(package: Path):
    edit_bytes(package, "places", lambda b: b.replace(b"\n", b"\r\n"))
    problem = _only(_problems(package), "line-ending")
    assert (problem.file, problem.line) == ("data/csv/places.csv", 1)


# A stray byte, an encoded surrogate (CESU-8) and an overlong "/": Python's decoder refuses
# all three, and so must the fast reader that reads well-formed files from their bytes.
@pytest.mark.parametrize("bad", [b"\xff", b"\xed\xa0\x80", b"\xc0\xaf"])
def test_bytes_that_are_not_utf8(package: Path, bad: bytes):
    edit_bytes(package, "places", lambda b: b.replace(b"Ba Vi", b"Ba V" + bad, 1))
    problem = _only(_problems(package), "encoding")
    line = next(i for i, r in enumerate(read_rows(copy_package(package.parent / "ref"),
                                                  "places"), 1) if "Ba Vi" in r)
    assert (problem.file, problem.line) == ("data/csv/places.csv", line)


def test_duplicate_primary_key(package: Path):
    rows = read_rows(package, "persons")
    write_rows(package, "persons", rows + [rows[1]])
    problem = _only(_problems(package), "duplicate-id")
    assert (problem.file, problem.line, problem.field) == (
        "data/csv/persons.csv", len(rows) + 1, "person_id")


@pytest.mark.parametrize(("table", "column", "value", "rule"), [
    ("meetings", "title", "=HYPERLINK(\"http://x\")", "pattern"),  # formula injection
    ("meetings", "summary", "@SUM(A1)", "pattern"),
    ("persons", "name", "NA", "pattern"),  # "NA" where text is expected
    ("projects", "summary", "null", "pattern"),
    ("meetings", "event_type", "MEET", "codelist"),
    ("meetings", "meeting_id", "Bad ID", "pattern"),
    ("meetings", "date_edtf", "2026-13-45", "edtf"),
    ("persons", "name", "Xu Jia\u0301n", "nfc"),
    ("persons", "name", "", "required"),
    ("figures", "value", "abc", "type"),
    ("evidence", "char_start", "99999999999999999999", "type"),  # beyond 64 bits: not wrapped
    ("evidence", "char_start", "-5", "minimum"),
])
def test_bad_cell(package: Path, table, column, value, rule):
    line = set_cell(package, table, 3, column, value)
    problem = _only(_problems(package), rule)
    assert (problem.file, problem.line, problem.field) == (f"data/csv/{table}.csv", line, column)
    assert problem.record is not None


@pytest.mark.parametrize(("table", "column", "value", "rule"), [
    ("positions", "person_id", "nobody", "foreign-key"),
    ("meetings", "date_earliest", "1999-01-01", "date-derived"),
    ("meetings", "date_precision", "", "date-derived"),  # missing where the EDTF gives one
    ("evidence", "char_end", "99999", "quote-offsets"),
    ("persons", "search_key", "someone else", "search-key"),
    ("place_links", "link_note", 'The article calls it "the gateway".', "fragment-not-quoted"),
])
def test_bad_cross_table_value(package: Path, table, column, value, rule):
    rows = read_rows(package, table)
    row = next(i for i, r in enumerate(rows[1:]) if r[rows[0].index(column)])
    line = set_cell(package, table, row, column, value)
    problem = _only(_problems(package), rule)
    assert (problem.file, problem.line, problem.field) == (f"data/csv/{table}.csv", line, column)


def test_participant_in_a_position_they_do_not_hold(package: Path):
    rows = read_rows(package, "meeting_participants")
    col = rows[0].index("position_id")
    row = next(i for i, r in enumerate(rows[1:]) if r[col] == "pos-he-wei-ambassador")
    other = next(r[col] for r in rows[1:] if r[col] and r[col] != "pos-he-wei-ambassador")
    line = set_cell(package, "meeting_participants", row, "position_id", other)
    problem = _only(_problems(package), "participant-position")
    assert (problem.line, problem.field) == (line, "position_id")


def test_deadline_before_it_was_stated(package: Path):
    rows = read_rows(package, "targets")
    row = next(i for i, r in enumerate(rows[1:]) if r[0] == "tgt-hanoi-metro-2035-lines")
    for column, value in (("deadline_edtf", "2020"), ("deadline_earliest", "2020-01-01"),
                          ("deadline_latest", "2020-12-31")):
        line = set_cell(package, "targets", row, column, value)
    problem = _only(_problems(package), "deadline-before-stated")
    assert (problem.file, problem.line) == ("data/csv/targets.csv", line)


def test_evidence_for_a_row_that_does_not_exist(package: Path):
    line = set_cell(package, "evidence", 0, "record_id", "no-such-row")
    problem = _only(_problems(package), "evidence-target")
    assert problem.line == line


def test_evidence_that_names_the_row_of_another_table(package: Path):
    """A quote's record id must exist in the table it names, not in any table: an id of
    persons cited as a meeting is no meeting's evidence."""
    person = read_rows(package, "persons")[1][0]
    evidence = read_rows(package, "evidence")
    row = next(i for i, r in enumerate(evidence[1:]) if r[evidence[0].index("table_name")]
               == "meetings")
    line = set_cell(package, "evidence", row, "record_id", person)
    problem = _only(_problems(package), "evidence-target")
    assert (problem.line, problem.value) == (line, person)


def test_a_row_whose_quotes_are_all_gone_has_no_evidence(package: Path):
    """Every quote of one person removed: that person's row is reported, at its line."""
    persons = read_rows(package, "persons")
    person = persons[2][0]
    evidence = read_rows(package, "evidence")
    table, record = evidence[0].index("table_name"), evidence[0].index("record_id")
    write_rows(package, "evidence", [r for r in evidence
                                     if not (r[table] == "persons" and r[record] == person)])
    problems = [p for p in _problems(package) if p.rule == "no-evidence"]
    assert [(p.file, p.line, p.record) for p in problems] == [("data/csv/persons.csv", 3, person)]


def test_parquet_schema_that_differs_from_the_table_schema(package: Path):
    path = package / "data" / "parquet" / "figures.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("value")
    table = table.set_column(index, pa.field("value", pa.string()),
                             table.column("value").cast(pa.string()))
    pq.write_table(table, path)
    problem = _only(_problems(package), "parquet-schema")
    assert (problem.file, problem.field) == ("data/parquet/figures.parquet", "value")


@pytest.mark.parametrize("read", ["whole", "a column at a time"])
def test_parquet_data_that_does_not_read(package: Path, monkeypatch, read):
    """A footer that reads over a column whose pages do not: a located problem, whether the
    table is read whole (small) or a column at a time (large), and the other tables read."""
    if read != "whole":
        monkeypatch.setattr("hanoi_coop.package.read.WHOLE_ROWS", 0)
    path = package / "data" / "parquet" / "meetings.parquet"
    data = bytearray(path.read_bytes())
    chunk = pq.ParquetFile(path).metadata.row_group(0).column(5)  # event_type
    start = chunk.data_page_offset
    data[start:start + chunk.total_compressed_size] = b"\xab" * chunk.total_compressed_size
    path.write_bytes(bytes(data))
    refresh_checksums(package)
    problems = _problems(package)
    problem = _only(problems, "parquet-unreadable")
    assert problem.file == "data/parquet/meetings.parquet"
    assert {p.rule for p in problems} == {"parquet-unreadable"}


def test_csv_and_parquet_that_disagree(package: Path):
    path = package / "data" / "parquet" / "persons.parquet"
    table = pq.read_table(path)
    names = table.column("name").to_pylist()
    names[2] = names[2] + " Jr"
    table = table.set_column(table.schema.get_field_index("name"), table.schema.field("name"),
                             pa.array(names, pa.string()))
    pq.write_table(table, path)
    problem = _only(_problems(package), "format-mismatch")
    assert (problem.file, problem.field) == ("data/parquet/persons.parquet", "name")
    assert problem.record.endswith("(row 2)")


def test_csv_and_parquet_that_disagree_on_a_date(package: Path):
    """Compared as Arrow columns: a day off in a date32 column is found, at its row."""
    path = package / "data" / "parquet" / "meetings.parquet"
    table = pq.read_table(path)
    days = table.column("date_latest").to_pylist()
    row = next(i for i, d in enumerate(days) if d is not None)
    days[row] = days[row] + dt.timedelta(days=1)
    index = table.schema.get_field_index("date_latest")
    pq.write_table(table.set_column(index, table.schema.field(index),
                                    pa.array(days, pa.date32())), path)
    problem = _only(_problems(package), "format-mismatch")
    assert (problem.field, problem.record.endswith(f"(row {row})")) == ("date_latest", True)


def test_parquet_written_in_many_row_groups_still_agrees(package: Path):
    """The same values in one-row groups (many Arrow chunks) are the same table: no false
    mismatch from how the file was cut."""
    path = package / "data" / "parquet" / "persons.parquet"
    pq.write_table(pq.read_table(path), path, row_group_size=1)
    refresh_checksums(package)
    assert _problems(package) == []


def test_checksum_that_does_not_match(package: Path):
    set_cell(package, "persons", 0, "sort_name", "Changed, Quietly", rehash=False)
    problem = _only(_problems(package), "checksum")
    assert problem.file == "data/csv/persons.csv"


def test_missing_data_file(package: Path):
    csv_file(package, "figures").unlink()
    problem = _only(_problems(package), "missing-file")
    assert problem.file == "data/csv/figures.csv"


def test_release_zip_with_a_path_that_escapes_its_folder(package: Path, tmp_path: Path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(package / "datapackage.json", "hanoi-coop/datapackage.json")
        zipped.writestr("hanoi-coop/../../escaped.txt", "x")
    problem = _only(_problems(archive), "zip-path-escape")
    assert problem.value == "hanoi-coop/../../escaped.txt"
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_a_valid_release_zip_passes(package: Path, tmp_path: Path):
    archive = tmp_path / "ok.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(package.rglob("*")):
            if path.is_file():
                zipped.write(path, f"hanoi-coop-1.0.0/{path.relative_to(package)}")
    assert _problems(archive) == []


@pytest.mark.parametrize("damage", ["missing", "not json", "not a zip"])
def test_unreadable_input(tmp_path: Path, damage):
    if damage == "missing":
        target = tmp_path / "nothing-here"
    elif damage == "not json":
        target = tmp_path / "datapackage.json"
        target.write_text("{not json")
    else:
        target = tmp_path / "release.zip"
        target.write_bytes(b"PK but not really")
    with pytest.raises(Unreadable):
        validate_package(target)


# --- both engines agree ---------------------------------------------------------------------
AGREEMENT_CASES = [
    ("meetings", "title", "=cmd|' /C calc'!A0"),
    ("persons", "name", "null"),
    ("meetings", "event_type", "MEET"),
    ("meetings", "meeting_id", "Bad ID"),
    ("meetings", "date_edtf", "2026-13-45"),
    ("persons", "name", "Xu Jia\u0301n"),
    ("persons", "name", ""),
    ("figures", "value", "abc"),
    ("positions", "person_id", "nobody"),
    ("evidence", "char_start", "-5"),
]


@pytest.mark.parametrize(("table", "column", "value"), AGREEMENT_CASES)
def test_frictionless_and_pandera_report_the_same_rows(package: Path, table, column, value):
    line = set_cell(package, table, 3, column, value)
    ours = [p for p in _problems(package, fast=True) if p.file == f"data/csv/{table}.csv"]
    from hanoi_coop.validation.validate import frictionless_problems

    theirs = [p for p in frictionless_problems(package / "datapackage.json", [table])
              if p.file == f"data/csv/{table}.csv"]
    assert {p.line for p in ours} == {p.line for p in theirs} == {line}


def test_duplicate_key_reported_on_the_same_row_by_both(package: Path):
    rows = read_rows(package, "persons")
    write_rows(package, "persons", rows + [rows[1]])
    from hanoi_coop.validation.validate import frictionless_problems

    ours = {p.line for p in _problems(package)
            if p.file == "data/csv/persons.csv" and "row-count" not in p.rule}
    theirs = {p.line for p in frictionless_problems(package / "datapackage.json", ["persons"])
              if p.file == "data/csv/persons.csv" and "row-count" not in p.rule}
    assert ours == theirs == {len(rows) + 1}


# --- a derived table must be what its sources give --------------------------------------------
@pytest.mark.parametrize(("column", "value"), [
    ("organization_name", "Some Other Committee"), ("country_id", "japan"),
    ("role", "Mayor"), ("name", "Someone Else")])
def test_an_officials_cell_that_is_not_derived(package: Path, column, value):
    line = set_cell(package, "officials", 0, column, value)
    problem = _only(_problems(package), "derived")
    assert (problem.file, problem.line, problem.field) == ("data/csv/officials.csv", line,
                                                           column)


def test_an_officials_row_added_or_missing(package: Path):
    rows = read_rows(package, "officials")
    write_rows(package, "officials", [rows[0], *rows[2:]])  # one office left out
    problem = _only(_problems(package), "derived")
    assert problem.value == rows[1][0] and "missing" in problem.message


def test_frictionless_checks_a_table_again_when_a_table_its_keys_name_changes(package: Path):
    """Frictionless's report is kept resource by resource: positions' file is the same bytes,
    but the person its first row names is gone, so positions is checked again."""
    from hanoi_coop.validation.validate import frictionless_problems

    descriptor = package / "datapackage.json"
    assert frictionless_problems(descriptor, ["positions"]) == []
    person = read_rows(package, "positions")[1][read_rows(package, "positions")[0].index(
        "person_id")]
    persons = read_rows(package, "persons")
    write_rows(package, "persons", [r for r in persons if r[0] != person])
    problems = frictionless_problems(descriptor, ["positions"])
    assert ("data/csv/positions.csv", "frictionless:foreign-key", 2) in {
        (p.file, p.rule, p.line) for p in problems}


def test_frictionless_checks_a_table_again_when_its_model_checks_change(package: Path,
                                                                       monkeypatch):
    """The model's own checks run inside Frictionless too: the same descriptor and files
    under a field that must now be an EDTF date are checked anew, not remembered valid."""
    import dataclasses

    from hanoi_coop.metadata import FIELDS
    from hanoi_coop.validation.validate import frictionless_problems

    descriptor = package / "datapackage.json"
    assert frictionless_problems(descriptor, ["persons"]) == []
    monkeypatch.setitem(FIELDS, "name", dataclasses.replace(FIELDS["name"], checks=("edtf",)))
    problems = frictionless_problems(descriptor, ["persons"])
    assert "frictionless:constraint-error" in {p.rule for p in problems
                                               if p.file == "data/csv/persons.csv"}


def test_frictionless_checks_the_descriptor_again_when_no_file_changed(package: Path):
    """Every file's report is remembered, but a descriptor whose own properties turned
    invalid is Frictionless's problem with the descriptor, not the remembered valid reports."""
    import json

    from hanoi_coop.validation.validate import frictionless_problems

    path = package / "datapackage.json"
    assert frictionless_problems(path, ["persons"]) == []
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["licenses"] = "CC-BY-4.0"  # a list of licences in the standard
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    problems = frictionless_problems(path, ["persons"])
    assert [(p.file, p.rule) for p in problems] == [(str(path), "frictionless:package-error")]
    assert "licenses" in problems[0].message


def test_frictionless_is_run_again_when_one_file_changes_under_the_same_descriptor(
        package: Path):
    """Frictionless's report is kept by the bytes it read: the same descriptor over a file
    that changed is a new run, not the remembered (valid) report."""
    from hanoi_coop.validation.validate import frictionless_problems

    descriptor = (package / "datapackage.json").read_bytes()
    assert frictionless_problems(package / "datapackage.json", ["persons"]) == []
    line = set_cell(package, "persons", 3, "name", "", rehash=False)
    assert (package / "datapackage.json").read_bytes() == descriptor
    problems = frictionless_problems(package / "datapackage.json", ["persons"])
    assert line in {p.line for p in problems if p.file == "data/csv/persons.csv"}
