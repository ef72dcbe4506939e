"""croissant.json as dataset search and ML tooling read it: valid to mlcroissant, every table
loaded through it as our CSV files hold it, and refused by ``validate`` when it lies."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest

from hanoi_coop.metadata import RESOURCES
from hanoi_coop.validation.validate import validate_package

from .conftest import ROOT
from .corruption import copy_package, read_rows

TOOLS_PYTHON = ROOT / ".venv-tools" / "bin" / "python"
READER = Path(__file__).with_name("croissant_reader.py")


def _load(jsonld: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(TOOLS_PYTHON), str(READER), str(jsonld)], capture_output=True,
                          text=True, cwd=jsonld.parent, timeout=300)


def test_every_table_loads_through_mlcroissant_as_the_csv_holds_it():
    done = _load(ROOT / "croissant.json")
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout)
    assert list(loaded) == list(RESOURCES)
    for name, resource in RESOURCES.items():
        header, first, *rest = read_rows(ROOT, name)
        assert loaded[name]["rows"] == len(rest) + 1, name
        assert list(loaded[name]["fields"]) == list(resource.field_names)
        given = loaded[name]["first"][resource.primary_key]
        assert given == first[header.index(resource.primary_key)], name
    meetings = loaded["meetings"]["fields"]
    assert meetings["event_type"][0] == RESOURCES["meetings"].field("event_type").description
    assert "Date" in meetings["date_earliest"][1] and "Text" in meetings["title"][1]


def test_a_croissant_file_naming_a_column_the_csv_lacks_does_not_load(tmp_path: Path):
    """The other side: mlcroissant itself refuses a record set whose source is not there."""
    package = copy_package(tmp_path / "package")
    path = package / "croissant.json"
    path.write_text(path.read_text(encoding="utf-8").replace(
        '"column": "event_type"', '"column": "no_such_column"'), encoding="utf-8")
    done = _load(path)
    assert done.returncode != 0 and "no_such_column" in done.stderr


def _edit_croissant(package: Path, edit) -> None:
    path = package / "croissant.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_text(json.dumps(document), encoding="utf-8")


def _problems(package: Path) -> list:
    return validate_package(package, with_frictionless=False).problems


def test_a_file_whose_bytes_are_not_what_croissant_json_records_is_named(tmp_path: Path):
    package = copy_package(tmp_path / "package")
    assert _problems(package) == []
    _edit_croissant(package, lambda d: d["distribution"][0].update(sha256="0" * 64))
    wrong = [p for p in _problems(package) if p.rule == "checksum"]
    assert [(p.file, p.message) for p in wrong] == [
        ("data/csv/sources.csv", "sha256 does not match croissant.json")]


def _list_also(document: dict, url: str) -> None:
    document["distribution"].append({**document["distribution"][0], "contentUrl": url})


@pytest.mark.parametrize(("edit", "field", "words"), [
    (lambda d: _list_also(d, "../outside.csv"),
     "distribution.contentUrl", "climbs out of the package"),
    (lambda d: _list_also(d, "/etc/passwd"),
     "distribution.contentUrl", "is absolute"),
    (lambda d: _list_also(d, "data/csv/gone.csv"),
     "distribution.contentUrl", "not in the package"),
    (lambda d: d["distribution"].pop(), "distribution", "lists no distribution"),
    (lambda d: d.pop("distribution"), None, "cannot be read"),
])
def test_a_croissant_file_that_lies_is_refused(tmp_path: Path, edit, field, words):
    package = copy_package(tmp_path / "package")
    (tmp_path / "outside.csv").write_text("secret\n", encoding="utf-8")
    _edit_croissant(package, edit)
    problems = [p for p in _problems(package) if p.rule == "croissant"]
    assert len(problems) == 1, problems
    assert (problems[0].file, problems[0].field) == ("croissant.json", field)
    assert words in problems[0].message


def test_croissant_lists_every_file_with_the_checksum_of_its_bytes():
    import hashlib

    document = json.loads((ROOT / "croissant.json").read_text(encoding="utf-8"))
    assert document["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    for item in document["distribution"]:
        data = (ROOT / item["contentUrl"]).read_bytes()
        assert item["sha256"] == hashlib.sha256(data).hexdigest()
    with (ROOT / "data" / "csv" / "meetings.csv").open(encoding="utf-8") as f:
        assert next(csv.reader(f)) == [
            field["name"] for field in next(r for r in document["recordSet"]
                                            if r["name"] == "meetings")["field"]]
