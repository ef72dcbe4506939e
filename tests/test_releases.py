"""Every published release validates with today's tool against its own contract, and a
corrupted copy of one is caught and located.

A release published under an earlier model is checked against the datapackage.json it was
released with (when that file is, byte for byte, the released one) and the files the registry
recorded for it; today's model only adds a notice.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hanoi_coop import cli
from hanoi_coop.publish.release import released_versions
from hanoi_coop.validation.validate import validate_package

from .conftest import ROOT
from .corruption import read_rows, refresh_checksums, write_rows

RELEASES = released_versions(ROOT)
EARLIER = RELEASES[:-1]


@pytest.mark.parametrize("version", RELEASES)
def test_every_published_release_is_valid_folder_and_zip(version: str):
    folder = ROOT / "releases" / version
    for path in (folder, folder / f"hanoi-coop-{version}.zip"):
        report = validate_package(path, with_frictionless=False)
        assert report.valid, (path, [str(p) for p in report.problems[:5]])
        if version in EARLIER:
            assert "checked against its own contract" in report.notices[0]


def _copy(version: str, tmp_path: Path) -> Path:
    target = tmp_path / version
    shutil.copytree(ROOT / "releases" / version, target,
                    ignore=shutil.ignore_patterns("*.zip", "*.sqlite"))
    return target


CORRUPTED = ["1.0.0", "2.10.0", EARLIER[-1]]


@pytest.mark.parametrize("version", CORRUPTED)
def test_a_changed_cell_is_caught_and_located(version: str, tmp_path: Path):
    """A code outside the release's own codelist: the file is not the released one, and the
    cell is named by its line and field."""
    package = _copy(version, tmp_path)
    rows = read_rows(package, "meetings")
    column = rows[0].index("event_type")
    rows[2][column] = "FIGHT"
    write_rows(package, "meetings", rows, rehash=False)
    problems = validate_package(package, with_frictionless=False).problems
    found = {(p.file, p.rule, p.line, p.field) for p in problems}
    assert ("data/csv/meetings.csv", "checksum", None, None) in found
    assert ("data/csv/meetings.csv", "codelist", 3, "event_type") in found


@pytest.mark.parametrize("version", CORRUPTED)
def test_a_removed_row_is_caught(version: str, tmp_path: Path):
    package = _copy(version, tmp_path)
    write_rows(package, "persons", read_rows(package, "persons")[:-1], rehash=False)
    rules = {(p.file, p.rule) for p in validate_package(package, with_frictionless=False)
             .problems}
    assert {("data/csv/persons.csv", "checksum"), ("data/csv/persons.csv", "row-count")} <= (
        rules)


@pytest.mark.parametrize("version", CORRUPTED)
def test_a_descriptor_rewritten_to_match_its_damage_is_not_its_contract(version: str,
                                                                       tmp_path: Path):
    """Hashes brought in line with a changed file, or a codelist widened to let a code in:
    the descriptor is no longer the released one, so it gets no say and today's model
    judges the package (it was the attacker's way past a self-described contract)."""
    package = _copy(version, tmp_path)
    rows = read_rows(package, "meetings")
    rows[2][rows[0].index("event_type")] = "FIGHT"
    write_rows(package, "meetings", rows, rehash=False)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for entry in descriptor["resources"]:
        for f in entry["schema"]["fields"]:
            if f["name"] == "event_type" and "enum" in f.get("constraints", {}):
                f["constraints"]["enum"].append("FIGHT")
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    refresh_checksums(package)
    report = validate_package(package, with_frictionless=False)
    assert not report.valid and not report.notices
    assert "descriptor-mismatch" in {p.rule for p in report.problems}


def test_the_command_says_how_an_earlier_release_was_checked(capsys):
    version = EARLIER[0]
    assert cli.main(["validate", str(ROOT / "releases" / version)]) == 0
    output = capsys.readouterr().out
    assert output.startswith("valid: ") and f"notice: release {version} is checked against " \
        "its own contract" in output


@pytest.mark.parametrize("damage", ["forged croissant.json", "missing croissant.json",
                                    "rewritten schema"])
def test_every_file_the_release_had_is_the_bytes_released(damage: str, tmp_path: Path):
    """Not only the files the descriptor names: croissant.json (the Parquet files'
    checksums) and the schemas are the release's too."""
    package = _copy("2.10.0", tmp_path)
    if damage == "forged croissant.json":
        path = package / "croissant.json"
        path.write_text(path.read_text(encoding="utf-8").replace("hanoi-coop", "forged", 1),
                        encoding="utf-8")
        expected = ("croissant.json", "checksum")
    elif damage == "missing croissant.json":
        (package / "croissant.json").unlink()
        expected = ("croissant.json", "croissant")
    else:
        path = package / "schemas" / "places.schema.json"
        path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
        expected = ("schemas/places.schema.json", "checksum")
    problems = validate_package(package, with_frictionless=False).problems
    assert expected in {(p.file, p.rule) for p in problems}


def test_a_contract_is_the_released_descriptor_itself(capsys, tmp_path: Path):
    """A second descriptor file beside the genuine one, pointing a table at other data, was
    taken as the contract while the genuine one's hash was checked: only a package's own
    datapackage.json is read, and its hash is of the very bytes parsed."""
    package = _copy("2.10.0", tmp_path)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    (package / "evil.json").write_text(json.dumps({**descriptor, "resources": []}),
                                       encoding="utf-8")
    assert cli.main(["validate", str(package / "evil.json")]) == 2
    assert "name the package's datapackage.json" in capsys.readouterr().err
