"""The build end to end: outputs, reproducibility, and failures that name file and record."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hanoi_coop.build import PUBLISHED, build
from hanoi_coop.errors import InputError
from hanoi_coop.package.write import schema_files

from .conftest import ROOT, copy_outputs, replace_in


def _digests(root: Path) -> dict[str, str]:
    files = [root / "datapackage.json"]
    for folder in ("data", "schemas"):
        files += sorted(p for p in (root / folder).rglob("*") if p.is_file())
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_rebuild_is_byte_identical(built: Path):
    first = _digests(built)
    build(built)
    assert _digests(built) == first


def test_committed_outputs_are_not_stale(built: Path):
    """data/, schemas/ and datapackage.json in the repository are what the build makes."""
    assert _digests(ROOT) == _digests(built)


def test_generated_schema_files_match_the_metadata_model():
    for relative, data in schema_files().items():
        path = ROOT / "schemas" / relative
        assert path.exists(), f"schemas/{relative} missing: run make build"
        assert path.read_bytes() == data, f"schemas/{relative} is stale: run make build"


def test_frictionless_validate_passes_from_the_repository_root():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "datapackage.json"],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


def _build_fails(root: Path) -> list[str]:
    before = {name: (root / name).exists() for name in PUBLISHED}
    with pytest.raises(InputError) as caught:
        build(root)
    assert {name: (root / name).exists() for name in PUBLISHED} == before
    return [str(p) for p in caught.value.problems]


# Damage to the inputs: (file, old text, new text, words the problem line must contain).
BUILD_FAILURES = {
    "one character of a quote": (
        "curated/targets.yaml",
        "Hanoi plans to build 15 urban rail lines or sections by 2045\"",
        "Hanoi plans to build 16 urban rail lines or sections by 2045\"",
        ["curated/targets.yaml:", "tgt-hanoi-urban-rail-2045-lines", "quote-not-in-source"]),
    "a dangling foreign key": (
        "curated/positions.yaml", "  person_id: he-wei\n", "  person_id: he-wei-typo\n",
        ["curated/positions.yaml:", "pos-he-wei-ambassador", "foreign-key", "person_id"]),
    "a fact quoted from a photo caption": (
        "curated/positions.yaml", 'quote: "CRRC Dalian General Director Gao Zhongde"',
        'quote: "CRRC Dalian President Cao Zhongde"',
        ["pos-gao-zhongde-general-director", "article content"]),
    "an edited source text": (
        "sources/articles/src-japan-priority-projects.txt", "at least 11%", "at least 12%",
        ["sources/sources.yaml", "checksum"]),
}


@pytest.mark.parametrize("kind", sorted(BUILD_FAILURES))
def test_damaged_input_fails_the_build_naming_file_and_record(kind: str, workspace: Path):
    file, old, new, words = BUILD_FAILURES[kind]
    replace_in(workspace / file, old, new)
    messages = _build_fails(workspace)
    assert any(all(w in m for w in words) for m in messages), messages


def test_a_failing_build_leaves_previous_outputs_byte_identical(workspace: Path, built: Path):
    copy_outputs(built, workspace)
    before = _digests(workspace)
    replace_in(workspace / "curated" / "figures.yaml", "  value: 33\n", "  value: thirty\n")
    messages = _build_fails(workspace)
    assert any("curated/figures.yaml" in m and "field value" in m for m in messages), messages
    assert _digests(workspace) == before


def test_an_uncovered_number_fails_the_coverage_gate(workspace: Path):
    replace_in(workspace / "curated" / "coverage_exclusions.yaml",
               "- source_id: src-china-urban-planning-metro\n  mention: five\n",
               "- source_id: src-china-urban-planning-metro\n  mention: fifteen\n")
    messages = _build_fails(workspace)
    assert any("src-china-urban-planning-metro.txt:13" in m and "[coverage]" in m
               and "'five'" in m for m in messages), messages


def test_readme_generated_blocks_are_current():
    from hanoi_coop.docs import BLOCKS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for start, end, render in BLOCKS:
        assert f"{start}\n{render(ROOT)}\n{end}" in readme, f"{start}: run make build"


def test_the_readmes_layout_names_every_module_of_the_library():
    """The layout section is how a newcomer finds a module: one it does not name is lost."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):].split("\n## ", 1)[0]
    library = ROOT / "src" / "hanoi_coop"
    modules = {p.name for p in library.glob("*.py") if p.name != "__init__.py"}
    packages = {f"{p.name}/" for p in library.iterdir() if (p / "__init__.py").is_file()}
    named = set(re.findall(r"[a-z_]+\.py|[a-z_]+/", layout))
    assert modules | packages <= named, sorted((modules | packages) - named)


def test_a_build_failing_after_writing_its_files_publishes_nothing(workspace: Path,
                                                                   built: Path, monkeypatch):
    """The files are written to a staging folder; failing their validation leaves the
    previous outputs in place, byte for byte, and no staging folder behind."""
    from hanoi_coop import build as build_module
    from hanoi_coop.errors import Problem

    copy_outputs(built, workspace)
    before = _digests(workspace)
    replace_in(workspace / "curated" / "projects.yaml",
               "summary: Road in Van Diem that Dong Ninh Bridge would connect.",
               "summary: Road in Van Diem that the Dong Ninh Bridge would connect.")
    monkeypatch.setattr(build_module, "written_problems", lambda *a, **k: [
        Problem("data/csv/projects.csv", "checksum", "simulated damage in staging")])
    messages = _build_fails(workspace)
    assert messages == ["data/csv/projects.csv: [checksum] simulated damage in staging"]
    assert _digests(workspace) == before
    assert not list(workspace.glob(".build-*")) and not list(workspace.glob(".previous-*"))


def test_a_writer_that_changes_a_value_is_caught_by_the_check_of_the_written_files(
        workspace: Path, monkeypatch):
    """The frames are checked once, before they are written; a cell the writer got wrong
    does not read back to the checked frame, and nothing is published."""
    from hanoi_coop import build as build_module
    from hanoi_coop.package.write import write_package

    def damaging_writer(frames, folder, version, schemas=None):
        frames = dict(frames)
        meetings = frames["meetings"].copy()
        meetings.loc[0, "event_type"] = "MEET"  # not in the PLOVER codelist
        frames["meetings"] = meetings
        return write_package(frames, folder, version, schemas)

    monkeypatch.setattr(build_module, "write_package", damaging_writer)
    messages = _build_fails(workspace)
    assert "data/csv/meetings.csv: [round-trip] the written file does not read back to the " \
        "table the build checked" in messages, messages
    assert not (workspace / "data").exists()


FILES = {"schema": "places.schema.json", "dictionary": "dictionary.md"}


@pytest.mark.parametrize("damage", ["schema", "dictionary", "version"])
def test_a_written_schema_or_version_that_is_not_the_models_is_caught(
        workspace: Path, monkeypatch, damage: str):
    """The read-back proof covers what is not a table: a schema file the writer got wrong,
    and a descriptor stating another version than the build's; nothing is published."""
    from hanoi_coop import build as build_module
    from hanoi_coop.package.write import write_package

    def damaging_writer(frames, folder, version, schemas=None):
        descriptor = write_package(frames, folder, "0.0.1" if damage == "version" else version,
                                   schemas)
        if damage in ("schema", "dictionary"):
            path = folder / "schemas" / FILES[damage]
            path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
        return descriptor

    monkeypatch.setattr(build_module, "write_package", damaging_writer)
    messages = _build_fails(workspace)
    expected = (f"schemas/{FILES[damage]}: [round-trip]" if damage in FILES
                else "datapackage.json, field version: [descriptor-mismatch]")
    assert any(m.startswith(expected) for m in messages), messages
    assert not (workspace / "data").exists()
