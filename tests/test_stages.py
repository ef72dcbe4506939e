"""Unit tests of single stages, on inputs written for the test: curation, coverage and diff."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hanoi_coop.assemble.coverage import coverage, excused_spans
from hanoi_coop.errors import InputError
from hanoi_coop.ingest.curation import load_curated
from hanoi_coop.ingest.records import load_records
from hanoi_coop.ingest.sources import Segment, Source, mentions
from hanoi_coop.metadata.inputs import CURATED_FILES
from hanoi_coop.publish.diff import Snapshot, diff, format_diff
from hanoi_coop.publish.release import required_bump


# --- curation --------------------------------------------------------------------------------
def _curated(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "curated"
    folder.mkdir()
    for spec in CURATED_FILES.values():
        (folder / f"{spec.stem}.yaml").write_text(files.get(spec.stem, ""), encoding="utf-8")
    return folder


MEETING = """\
- meeting_id: mtg-one
  source_id: src-a
  title: Two mayors meet
  event_type: CONSULT
  contexts: diplomatic
  date: {text: October 24, edtf: 2025-10-24, year_basis: inferred, year_note: Past April.}
  evidence:
    - quote: "met on October 24"
  participants:
    - {person_id: ana, organization_id: city-a, side: actor, quote: "Mayor Ana"}
"""


def test_a_date_mapping_becomes_its_seven_columns(tmp_path: Path):
    curated = load_curated(_curated(tmp_path, meetings=MEETING))
    [row] = curated.rows["meetings"]
    assert (row["date_text"], row["date_edtf"], row["date_earliest"], row["date_latest"],
            row["date_precision"], row["date_year_basis"], row["date_year_note"]) == (
        "October 24", "2025-10-24", "2025-10-24", "2025-10-24", "day", "inferred",
        "Past April.")


def test_nested_participants_become_link_rows_with_their_own_quote(tmp_path: Path):
    curated = load_curated(_curated(tmp_path, meetings=MEETING))
    [participant] = curated.rows["meeting_participants"]
    assert participant["participant_id"] == "mtg-one:ana"
    assert participant["meeting_id"] == "mtg-one" and participant["source_id"] == "src-a"
    claims = {(c.table, c.record_id, c.quote) for c in curated.claims}
    assert ("meeting_participants", "mtg-one:ana", "Mayor Ana") in claims
    assert ("meetings", "mtg-one", "met on October 24") in claims


def test_a_position_without_its_own_date_takes_its_meetings(tmp_path: Path):
    position = ("- position_id: pos-ana-mayor\n  person_id: ana\n  organization_id: city-a\n"
                "  role: Mayor\n  label: Mayor\n  source_id: src-a\n  meeting_id: mtg-one\n"
                "  evidence:\n    - quote: Mayor Ana\n")
    curated = load_curated(_curated(tmp_path, meetings=MEETING, positions=position))
    [row] = curated.rows["positions"]
    assert (row["as_of_edtf"], row["as_of_year_basis"]) == ("2025-10-24", "inferred")


def test_names_are_derived_not_curated(tmp_path: Path):
    person = ("- person_id: ana\n  name: Ána Lê\n  given_name: Ána\n  family_name: Lê\n"
              "  name_order: family-last\n  evidence:\n    - {source: src-a, quote: Ana}\n")
    curated = load_curated(_curated(tmp_path, persons=person))
    [row] = curated.rows["persons"]
    assert row["search_key"] == "ana le" and row["sort_name"] == "Lê, Ána"


def test_a_value_of_the_wrong_type_is_a_located_problem(tmp_path: Path):
    figure = ("- figure_id: fig-x\n  source_id: src-a\n  metric: staff\n  value: many\n"
              "  evidence:\n    - quote: many staff\n")
    with pytest.raises(InputError) as caught:
        load_curated(_curated(tmp_path, figures=figure))
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.record, problem.field, problem.rule) == (
        "curated/figures.yaml", 4, "fig-x", "value", "type")


# --- coverage --------------------------------------------------------------------------------
TEXT = "Title with 2025\nBody: 15 lines by 2045, about one-third done.\nPhoto: 3 trains\n"


def _source() -> Source:
    lines = TEXT.split("\n")
    starts = [sum(len(x) + 1 for x in lines[:i]) for i in range(3)]
    segments = [Segment(1, "title", starts[0], starts[0] + len(lines[0])),
                Segment(2, "body", starts[1], starts[1] + len(lines[1])),
                Segment(3, "caption", starts[2], starts[2] + len(lines[2]))]
    return Source("src-a", TEXT, {}, segments)


def test_mentions_are_numbers_number_words_and_months_in_content_only():
    found = [(m.text, m.line_no) for m in mentions(_source())]
    assert found == [("2025", 1), ("15", 2), ("2045", 2), ("one-third", 2)]  # not the caption


def test_a_mention_is_cited_excused_or_uncovered(tmp_path: Path):
    source = _source()
    quote = "15 lines by 2045"
    start = TEXT.index(quote)
    exclusions = tmp_path / "exclusions.yaml"
    exclusions.write_text("- source_id: src-a\n  mention: '2025'\n  context: Title with 2025\n"
                          "  reason: The title repeats the body.\n")
    evidence = [{"source_id": "src-a", "char_start": start, "char_end": start + len(quote)}]
    excused, problems = excused_spans(load_records(exclusions, "exclusions.yaml"),
                                      {"src-a": source})
    [report] = coverage({"src-a": source}, evidence, excused)
    assert problems == []
    assert (report.mentions, report.cited, report.excused) == (4, 2, 1)
    assert [m.text for m in report.uncovered] == ["one-third"]


def test_an_exclusion_whose_context_is_not_in_the_source(tmp_path: Path):
    exclusions = tmp_path / "exclusions.yaml"
    exclusions.write_text("- source_id: src-a\n  mention: '2025'\n  context: Not in it 2025\n"
                          "  reason: Because.\n")
    _, problems = excused_spans(load_records(exclusions, "exclusions.yaml"), {"src-a": _source()})
    assert [(p.rule, p.field, p.line) for p in problems] == [
        ("quote-not-in-source", "context", 3)]


# --- diff ------------------------------------------------------------------------------------
def _snapshot(rows: list[tuple[str, str]], columns=("place_id", "name")) -> Snapshot:
    frame = pd.DataFrame([r[:len(columns)] for r in rows], columns=list(columns), dtype=object)
    return Snapshot({"places": dict.fromkeys(columns, "string")}, {"places": "place_id"},
                    {"places": frame})


def test_diff_by_primary_key_added_removed_changed():
    old = _snapshot([("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")])
    new = _snapshot([("a", "Alpha"), ("b", "Beta 2"), ("d", "Delta")])
    change = diff(old, new).tables["places"]
    assert (change.added, change.removed, change.changed) == (["d"], ["c"], {"b": ["name"]})
    assert required_bump(diff(old, new)) == "major"  # an id was removed


def test_diff_bumps():
    old = _snapshot([("a", "Alpha")])
    assert required_bump(diff(old, _snapshot([("a", "Alpha")]))) is None
    assert required_bump(diff(old, _snapshot([("a", "Alpha 2")]))) == "patch"
    assert required_bump(diff(old, _snapshot([("a", "Alpha"), ("b", "B")]))) == "minor"
    wider = _snapshot([("a", "Alpha", "x")], columns=("place_id", "name", "kind"))
    assert diff(old, wider).tables["places"].columns_added == ["kind"]
    assert required_bump(diff(old, wider)) == "minor"
    assert required_bump(diff(wider, old)) == "major"


def test_diff_text_lists_each_change():
    old = _snapshot([("a", "Alpha"), ("b", "Beta")])
    new = _snapshot([("a", "Alpha 2"), ("c", "C")])
    assert format_diff(diff(old, new)) == (
        "places: 1 added, 1 removed, 1 changed\n  + c\n  - b\n  ~ a: name 'Alpha' -> 'Alpha 2'")


def test_diff_text_shortens_long_values_and_says_empty():
    old = _snapshot([("a", "x" * 200), ("b", "Beta")])
    new = _snapshot([("a", "y" * 200), ("b", "")])
    text = format_diff(diff(old, new))
    assert f"  ~ a: name '{'x' * 80}…' -> '{'y' * 80}…'" in text
    assert "  ~ b: name 'Beta' -> empty" in text


# --- codes named by words ---------------------------------------------------------------------
@pytest.mark.parametrize(("title", "role"), [
    ("Standing Vice Chairman of the municipal People’s Committee", "Standing Vice Chairman"),
    ("Deputy Chairman of the Hanoi People's Council", "Vice Chairman"),
    ("Vice Chairman of the Hanoi People's Council", "Vice Chairman"),
    ("Chairman of the Hanoi People’s Committee", "Chairman"),
    ("Party General Secretary", "General Secretary"),
    ("General Secretary and President of China", "General Secretary and President"),
    ("Secretary of Phu Tho Province Party Committee", "Secretary"),
    ("Spokesperson", None),
])
def test_a_title_names_the_role_of_its_longest_phrase(title, role):
    from hanoi_coop.metadata import RESOURCES

    [named_by] = RESOURCES["positions"].named_by
    assert named_by.code_for(title) == role


def test_naming_words_may_skip_with_an_ellipsis_but_not_invent():
    from hanoi_coop.validation.rules import _quoted

    quotes = ("Hanoi and Chongqing agreed in principle on signing a cooperation agreement",)
    assert _quoted("agreed ... on signing a cooperation agreement", quotes)
    assert _quoted("agreed … on signing", quotes)
    assert not _quoted("agreed ... on ratifying", quotes)
    assert not _quoted("...", quotes)


# --- validation: every answer follows the frames and the model in front of it --------------------
def test_pandera_findings_follow_the_frame_not_an_earlier_check_of_its_table(built: Path):
    """The same table checked again after one cell, its row numbers or one dtype changed is
    checked anew."""
    from hanoi_coop.package.access import open_package
    from hanoi_coop.package.read import read_package
    from hanoi_coop.validation.validate import _frames, pandera_findings

    with open_package(built) as published:
        read_package(published)
        frames = _frames(published)
    assert pandera_findings(frames, ["meetings"]) == []
    damaged = frames["meetings"].copy()
    damaged.loc[2, "event_type"] = "MEET"
    found = pandera_findings({**frames, "meetings": damaged}, ["meetings"])
    assert [(f.row, f.field, f.rule, f.value) for f in found] == [
        (2, "event_type", "codelist", "MEET")]
    moved = damaged.set_axis(damaged.index + 10)  # the same cells at other row numbers
    assert [f.row for f in pandera_findings({**frames, "meetings": moved}, ["meetings"])] == [12]
    retyped = frames["evidence"].astype({"char_start": "float64"})  # same numbers
    assert {(f.field, f.rule) for f in pandera_findings({**frames, "evidence": retyped},
                                                         ["evidence"])} == {
        ("char_start", "type")}
    assert pandera_findings(frames, ["meetings", "evidence"]) == []


def test_a_text_column_of_another_dtype_is_a_type_finding(built: Path):
    """Text held as objects with a number among them, or in Python's string storage, fails
    the dtype check; the package's own text columns pass it whole."""
    from hanoi_coop.package.access import open_package
    from hanoi_coop.package.read import read_package
    from hanoi_coop.validation.validate import _frames, pandera_findings

    with open_package(built) as published:
        read_package(published)
        frames = _frames(published)
    assert pandera_findings(frames, ["meetings"]) == []
    as_objects = frames["meetings"].astype({"title": object})
    as_objects.loc[2, "title"] = 5
    found = pandera_findings({**frames, "meetings": as_objects}, ["meetings"])
    assert (2, "type") in [(f.row, f.rule) for f in found if f.field == "title"]
    python = frames["meetings"].astype({"title": pd.StringDtype("python")})
    found = pandera_findings({**frames, "meetings": python}, ["meetings"])
    assert {(f.field, f.rule) for f in found} == {("title", "type")}


def test_a_derived_table_follows_the_tables_it_is_made_from(built: Path):
    """Derived again after a joined table changed, it holds the change; what a caller does to
    a derived frame is not what the next caller gets."""
    from hanoi_coop.assemble.derivation import derive
    from hanoi_coop.metadata import RESOURCES
    from hanoi_coop.package.access import open_package
    from hanoi_coop.package.read import read_package
    from hanoi_coop.validation.validate import _frames

    with open_package(built) as published:
        read_package(published)
        frames = _frames(published)
    officials = RESOURCES["officials"]
    first = derive(officials, frames)
    first.loc[0, "name"] = "Changed By The Caller"
    again = derive(officials, frames)
    pd.testing.assert_frame_equal(again, frames["officials"])
    persons = frames["persons"].copy()
    person = again.at[0, "person_id"]
    persons.loc[persons["person_id"] == person, "name"] = "Renamed Person"
    renamed = derive(officials, {**frames, "persons": persons})
    assert renamed.loc[renamed["person_id"] == person, "name"].unique().tolist() == [
        "Renamed Person"]
    # A derived table whose other declarations hold dicts (a code named by words) is derived
    # too: the model's tables need not be hashable.
    import dataclasses

    naming = dataclasses.replace(officials, named_by=RESOURCES["positions"].named_by)
    pd.testing.assert_frame_equal(derive(naming, frames), frames["officials"])


def test_a_typed_frame_follows_its_rows_and_its_declaration(monkeypatch):
    """Typed frames are remembered by the table's fields and rows: a changed value, a value
    of another Python type, or another column type is typed anew, and what a caller does to
    its frame is not what the next caller gets."""
    import dataclasses

    from hanoi_coop.metadata import FIELDS, RESOURCES
    from hanoi_coop.package.schemas import typed_frame

    resource = RESOURCES["figures"]
    rows = [{f.name: None for f in resource.fields} | {"figure_id": f"fig-{i}", "value": i}
            for i in (2, 1)]
    first = typed_frame(resource, rows)
    assert first["figure_id"].tolist() == ["fig-1", "fig-2"]  # sorted by key
    first.loc[0, "value"] = 99.0
    assert typed_frame(resource, rows)["value"].tolist() == [1.0, 2.0]
    changed = [rows[0], rows[1] | {"value": 7}]
    assert typed_frame(resource, changed)["value"].tolist() == [7.0, 2.0]
    monkeypatch.setitem(FIELDS, "value", dataclasses.replace(FIELDS["value"], type="string"))
    assert typed_frame(resource, rows)["value"].tolist() == ["1", "2"]
    assert typed_frame(resource, [rows[0], rows[1] | {"value": 1.0}])["value"].tolist() == [
        "1.0", "2"]


def test_the_rules_remembered_findings_follow_the_model(built: Path, monkeypatch):
    """The same frames under another declaration are checked anew: a reference pointed at
    another table's key is a foreign-key finding on every row, and a field of another type is
    a derived finding, not the remembered none."""
    import dataclasses

    from hanoi_coop.metadata import FIELDS, RESOURCES
    from hanoi_coop.package.access import open_package
    from hanoi_coop.package.read import read_package
    from hanoi_coop.validation.rules import check_rules
    from hanoi_coop.validation.validate import _frames

    with open_package(built) as published:
        read_package(published)
        frames = _frames(published)
    assert check_rules(frames) == []
    positions = RESOURCES["positions"]
    to_person = next(fk for fk in positions.foreign_keys if fk.resource == "persons")
    elsewhere = dataclasses.replace(to_person, resource="organizations",
                                    reference="organization_id")
    monkeypatch.setitem(RESOURCES, "positions", dataclasses.replace(
        positions, foreign_keys=tuple(elsewhere if fk is to_person else fk
                                      for fk in positions.foreign_keys)))
    found = {(f.table, f.row, f.rule) for f in check_rules(frames)}
    assert {("positions", row, "foreign-key") for row in range(len(frames["positions"]))} <= found
    monkeypatch.undo()
    assert check_rules(frames) == []
    # A field's declaration (in the model's field registry, not in any table's): the derived
    # officials are cast to its type, so a date read as text is not what the files hold.
    monkeypatch.setitem(FIELDS, "as_of_earliest",
                        dataclasses.replace(FIELDS["as_of_earliest"], type="string"))
    assert ("officials", "as_of_earliest", "derived") in {
        (f.table, f.field, f.rule) for f in check_rules(frames)}


@pytest.mark.parametrize(("words", "comparator"), [
    ("over 32 million people", "gt"), ("a roughly 70-kilometer corridor", "approx"),
    ("the central government", "eq"),  # "over" and "around" only as whole words
    ("roundabout 5 lines", "eq"), ("more than 120 years", "gt"), ("at least 11%", "gte"),
])
def test_a_hedge_names_its_comparator_as_whole_words(words, comparator):
    from hanoi_coop.metadata import RESOURCES

    rule = next(r for r in RESOURCES["figures"].named_by if r.field == "comparator")
    assert rule.code_for(words) == comparator


def test_an_organization_whose_parent_is_no_row_does_not_break_the_naming_rule(built: Path):
    """Found by the property test: a parent id that names no organization."""
    from hanoi_coop.package.access import open_package
    from hanoi_coop.package.read import read_package
    from hanoi_coop.validation.rules import quotes_name_their_referents
    from hanoi_coop.validation.validate import _frames

    with open_package(built) as published:
        read_package(published)
        frames = _frames(published)
    organizations = frames["organizations"].copy()
    organizations.loc[0, "parent_organization_id"] = "no-such-organization"
    assert quotes_name_their_referents({**frames, "organizations": organizations}) == []


@pytest.mark.parametrize(("type_name", "values"), [
    ("string", ["a", None, "", float("nan")]), ("integer", [1, None, -3]),
    ("number", [1.5, None, float("nan"), 2]), ("boolean", [True, None, False]),
])
def test_a_small_column_is_cast_as_a_large_one_is(monkeypatch, type_name, values):
    """The list path for small columns and astype for large ones give the same column."""
    import hanoi_coop.metadata.types as types

    column = pd.Series(values, dtype=object, name="c")
    small = types.TYPES[type_name].cast(column)
    monkeypatch.setattr(types, "_SMALL", -1)
    large = types.TYPES[type_name].cast(column)
    pd.testing.assert_series_equal(small, large)


@pytest.mark.parametrize(("type_name", "values"), [
    ("string", ["a", None, "", "x,\"y\"", "Hà Nội"]), ("integer", [1, None, -3, 10**15]),
    ("number", [1 / 3, None, 2.0, 1e16]), ("boolean", [True, None, False]),
    ("date", ["2025-12-17", None, "1999-01-02"]),
])
def test_every_type_writes_the_same_cells_and_arrow_values_at_any_size(monkeypatch, type_name,
                                                                        values):
    """CSV cells per value (small columns) and per column (large ones) agree for every type,
    and the Arrow array is the one a list of Python values gives (the Parquet bytes of a
    build must not depend on the table's size)."""
    import pyarrow as pa

    import hanoi_coop.metadata.types as types

    kind = types.TYPES[type_name]
    column = kind.cast(pd.Series(values, dtype=object, name="c"))
    small = kind.text_cells(column)
    monkeypatch.setattr(types, "_SMALL", -1)
    assert kind.text_cells(column) == small
    assert small[1] == ""  # missing: an empty cell
    python = [None if types.is_missing(v) else v for v in column.astype(object)]
    if type_name == "date":
        python = [None if v is None else pd.Timestamp(v).date() for v in python]
    assert kind.arrow_array(column).equals(pa.array(python, type=kind.arrow_type))


def test_a_csv_file_written_in_batches_is_the_file_written_whole(monkeypatch, built: Path):
    """Rows are written a batch at a time (memory stays bounded at 10^7 rows); batches of 7
    rows give the bytes of the built file, header once, no row lost or repeated."""
    import hanoi_coop.package.write as package_write
    from hanoi_coop.layout import csv_path
    from hanoi_coop.metadata import RESOURCES
    from hanoi_coop.package.read import read_frames

    frames = read_frames(built)
    monkeypatch.setattr(package_write, "_CSV_BATCH_ROWS", 7)
    for table in ("evidence", "persons", "meetings"):
        batches = list(package_write._csv_batches(RESOURCES[table], frames[table]))
        assert len(batches) == 1 + -(-len(frames[table]) // 7)
        assert b"".join(batches) == (built / csv_path(table)).read_bytes()


def test_a_small_column_is_written_as_a_large_one_is(monkeypatch):
    """CSV cells per value (small columns) and per column (dates in large ones) agree, and a
    missing value is an empty cell in both."""
    import hanoi_coop.metadata.types as types

    days = pd.Series(pd.to_datetime(["2025-12-17", None, "1999-01-02"]), name="d")
    date = types.TYPES["date"]
    small = date.text_cells(days)
    monkeypatch.setattr(types, "_SMALL", -1)
    assert small == date.text_cells(days) == ["2025-12-17", "", "1999-01-02"]
    numbers = pd.Series([1 / 3, None, 2.0], dtype="Float64")
    assert types.TYPES["number"].text_cells(numbers) == ["0.3333333333333333", "", "2.0"]


def test_a_file_changed_in_one_cell_is_parsed_again(built: Path, tmp_path: Path):
    """The parse remembered by content: the same table with one cell changed (same length,
    same descriptor path) is read as it now is, not as it was, in CSV and in Parquet; and a
    reader that changes its frame does not change what the next read gives."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from hanoi_coop.package.access import open_package
    from hanoi_coop.package.read import read_package

    from .corruption import copy_package, set_cell

    package = copy_package(tmp_path / "package")
    parquet = package / "data" / "parquet" / "meetings.parquet"
    with open_package(package) as published:
        first = read_package(published)
        before = first.csv["meetings"].frame.loc[0, "event_type"]
        first.csv["meetings"].frame.loc[0, "title"] = "changed by a reader"
    with open_package(package) as published:
        assert read_package(published).csv["meetings"].frame.loc[0, "title"] != (
            "changed by a reader")
    other = "AGREE" if before != "AGREE" else "CONSULT"
    set_cell(package, "meetings", 0, "event_type", other)
    table = pq.read_table(parquet)
    column = table.schema.get_field_index("event_type")
    events = table.column(column).to_pylist()
    events[0] = other
    pq.write_table(table.set_column(column, table.schema.field(column),
                                    pa.array(events, pa.string())), parquet)
    with open_package(package) as published:
        again = read_package(published)
    assert again.csv["meetings"].frame.loc[0, "event_type"] == other
    # Both files changed alike: a Parquet parse remembered from before would disagree.
    assert [p for p in again.problems if p.rule == "format-mismatch"] == []


# --- curated YAML: libyaml for plain files, the Python loader for the rest -----------------------
def test_libyaml_and_the_python_loader_read_every_input_file_alike():
    """The fast loader gives the data, lines and duplicate keys the Python loader gives, for
    every curated and source file and for a mapping with a key written twice."""
    from hanoi_coop.ingest.records import _FastLineLoader, _LineLoader, _parse_with
    from hanoi_coop.metadata.inputs import input_files

    root = Path(__file__).resolve().parents[1]
    texts = {spec.path: (root / spec.path).read_text(encoding="utf-8") for spec in input_files()}
    texts["twice.yaml"] = "- id: a\n  name: One\n  name: Two\n"
    for name, text in texts.items():
        assert _parse_with(_FastLineLoader, name, text) == _parse_with(_LineLoader, name, text)
    assert _parse_with(_FastLineLoader, "twice.yaml", texts["twice.yaml"])[1][0].line == 3


# --- reading: a file's facts from one pass in chunks are the facts of its whole bytes ------------
@pytest.mark.parametrize("data", [b"", b"\n", b"a,b\n1,2\n", b"\xef\xbb\xbfa\n", b"\xef\xbb",
                                  b"a\r\nb\r\n", b"a\nb", b"a\nb\r", b"\xef\xbb\xbf"])
def test_file_facts_in_chunks_are_the_facts_of_the_whole_bytes(monkeypatch, data):
    import hashlib
    import io

    from hanoi_coop.package import read as package_read

    whole = package_read.FileFacts(
        hashlib.sha256(data).hexdigest(), len(data), data.count(b"\n"),
        data.startswith(b"\xef\xbb\xbf"), b"\r" in data, data.endswith(b"\n"))
    for chunk in (1, 2, 3, 5, 1 << 24):
        monkeypatch.setattr(package_read, "_CHUNK", chunk)
        assert package_read.file_facts(io.BytesIO(data)) == whole, chunk




def test_large_tables_compare_a_column_at_a_time(built: Path, monkeypatch):
    """With "small" set at 10 rows, the valid package still validates: every table over 10
    rows is compared with its CSV file a column at a time, with no false mismatch."""
    from hanoi_coop.package import read as package_read
    from hanoi_coop.validation.validate import validate_package

    monkeypatch.setattr(package_read, "WHOLE_ROWS", 10)
    read = []
    original = package_read.read_parquet
    monkeypatch.setattr(package_read, "read_parquet",
                        lambda *a: read.append(original(*a)) or read[-1])
    assert validate_package(built, with_frictionless=False).problems == []
    assert {columns.whole is None for columns, _ in read} == {True, False}


class _ChangedWhileRead:
    """A file handle whose file a writer rewrites (same inode) right after the first read."""

    def __init__(self, handle, path: Path, new: bytes) -> None:
        self.handle, self.path, self.new, self.done = handle, path, new, False

    def read(self, *size):
        data = self.handle.read(*size)
        if data and not self.done:
            self.path.write_bytes(self.new)
            self.done = True
        return data

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()


def test_the_bytes_hashed_are_the_bytes_parsed(built: Path, monkeypatch, tmp_path: Path):
    """A writer changes a file while validate reads it: the checksum and the values come from
    one read of the same bytes, so the table read is the one whose checksum was checked (it
    was hashed in one read and parsed in a second: the checksum passed on the old bytes and
    the values came from the new)."""
    from hanoi_coop.package.access import open_package
    from hanoi_coop.package.read import read_package

    from .corruption import copy_published, csv_file, refresh_checksums

    package = copy_published(built, tmp_path / "package")
    target = csv_file(package, "persons")
    # bytes no other test reads, so that nothing remembered answers for them
    target.write_bytes(target.read_bytes().replace(b"Xu Jian", b"Xu Jian" + bytes(
        str(tmp_path)[-6:], "ascii").replace(b"/", b"")))
    refresh_checksums(package)
    old = target.read_bytes()
    new = old.replace(b"Xu Jian", b"Xu Jiam")
    assert new != old
    real_open = Path.open

    def opened(path: Path, *args, **kwargs):
        handle = real_open(path, *args, **kwargs)
        return _ChangedWhileRead(handle, path, new) if path == target else handle

    monkeypatch.setattr(Path, "open", opened)
    with open_package(package) as published:
        read_package(published)
    names = " ".join(published.csv["persons"].frame["name"])
    checksum = [p for p in published.problems if p.rule == "checksum"]
    assert ("Xu Jian" in names and not checksum) or ("Xu Jiam" in names and checksum)


def test_what_the_rules_derive_lives_and_dies_with_one_call(built: Path):
    """The rules share what they derive from the frames (each table's quotes by row) for one
    call only: the frames cannot change under it, and a second call on other frames derives
    anew (a quote removed between calls is missing in the second, not remembered)."""
    import pytest

    from hanoi_coop.package.access import open_package
    from hanoi_coop.package.read import read_package
    from hanoi_coop.validation.rules import RuleInput, check_rules
    from hanoi_coop.validation.validate import _frames

    with open_package(built) as published:
        read_package(published)
        frames = _frames(published)
    shared = RuleInput(frames)
    for change in (lambda: shared.__setitem__("evidence", frames["evidence"].iloc[:0]),
                   lambda: shared.update(evidence=frames["evidence"].iloc[:0]),
                   lambda: shared.pop("evidence"), lambda: shared.__delitem__("evidence")):
        with pytest.raises(TypeError, match="fixed during it"):
            change()
    assert check_rules(frames) == []
    fewer = dict(frames, evidence=frames["evidence"].iloc[1:].reset_index(drop=True))
    assert check_rules(fewer) != []
    assert check_rules(frames) == []
