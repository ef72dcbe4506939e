"""Every gate tried from the other side: curated input, source files, published folders, zips,
article texts, releases, builds and the loader. Each case asserts the exit code, the located
message, no traceback, and that nothing already built or published changed.

The portal's cases run against a real Datasette in ``test_portal_gates.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import hanoi_coop
import hanoi_coop.version
from hanoi_coop import build as build_module
from hanoi_coop import cli
from hanoi_coop.layout import REGISTRY
from hanoi_coop.metadata import RESOURCES
from hanoi_coop.package import access as published_module
from hanoi_coop.publish import release as release_module

from .conftest import ROOT, copy_releases, replace_in
from .conftest import cli_output as _cli
from .corruption import (
    copy_package,
    copy_published,
    csv_file,
    read_rows,
    refresh_checksums,
    set_cell,
)


def _hashes(root: Path) -> dict[str, str]:
    """sha256 of every published file under ``root`` (package, releases, changelog)."""
    found = {}
    for name in (*build_module.PUBLISHED, "releases", "CHANGELOG.md"):
        path = root / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            found[file.relative_to(root).as_posix()] = hashlib.sha256(
                file.read_bytes()).hexdigest()
    return found


@pytest.fixture
def published_workspace(workspace: Path) -> Path:
    """Inputs plus the repository's published package, as a checkout has them."""
    return copy_published(ROOT, workspace)


# --- curated and source input: located errors, nothing published changes ------------------
BILLION_LAUGHS = "".join(
    f"- &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n" if i else "- &l0 [lol]\n"
    for i in range(10))


@dataclass(frozen=True)
class AtOld:
    """The expected line: the line of the text the case replaces, plus ``offset``."""

    offset: int

INPUT_CASES = {
    # kind: (file, old text or None to replace the file, new text, rule, line, field)
    "key written twice": ("curated/meetings.yaml", "  event_type: CONSULT\n",
                          "  event_type: CONSULT\n  title: Second title\n", "duplicate-key",
                          AtOld(1), "title"),
    "key written twice in a flow mapping": (
        "curated/meetings.yaml", "side: actor, position_id: pos-vu-dai-thang-chairman",
        "side: actor, side: recipient, position_id: pos-vu-dai-thang-chairman",
        "duplicate-key", AtOld(0), "side"),
    "alias": ("curated/places.yaml", "  name: Ba Vi\n", "  name: *other\n", "yaml", None, None),
    "anchor": ("curated/places.yaml", "  name: Ba Vi\n", "  name: &other Ba Vi\n", "yaml", None,
               None),
    "alias expansion bomb": ("curated/figures.yaml", None, BILLION_LAUGHS, "yaml", 1, None),
    "exclusion without mention": ("curated/coverage_exclusions.yaml", "  mention: five\n", "",
                                  "required", 4, "mention"),
    "participant as plain text": (
        "curated/meetings.yaml", "    - {person_id: vu-dai-thang,",
        "    - vu-dai-thang\n    - {person_id: vu-dai-thang,", "type", AtOld(-1),
        "participants[0]"),
    "source without the basis of its address": (
        "sources/sources.yaml", "  url_basis: >-\n    found outside the text: a public copy "
        "of this page (searched by its title on\n    2026-12-04) whose title and opening "
        "sentences are this copy's word for word; the text\n    itself prints no address\n",
        "", "required", 10, "url_basis"),
    "address of another article": (
        "sources/sources.yaml", "-deal-in-transport-people-high-tech-and-culture.886091.html",
        "-deal.886091.html", "source-origin", AtOld(0), "url"),
    "address guessed from the site": (
        "sources/sources.yaml", "https://hanoitimes.vn/hanoi-speeds-up-priority-projects-"
        "with-japan.940235.html", "https://hanoitimes.vn/", "source-origin", AtOld(0), "url"),
    "publication date the note does not print": (
        "sources/sources.yaml", 'publication_date: "2023-09-09"',
        'publication_date: "2023-09-08"', "source-origin", AtOld(0), "publication_date"),
    "publication date not in the calendar": (
        "sources/sources.yaml", 'publication_date: "2023-09-09"',
        'publication_date: "2023-02-30"', "source-origin", AtOld(0), "publication_date"),
    "publication date that is not a date": (
        "sources/sources.yaml", 'publication_date: "2023-09-09"',
        'publication_date: "Sept. 9"', "pattern", AtOld(0), "publication_date"),
    "segment spec not a range": ("sources/sources.yaml", "    body: [3, 26]\n",
                                 "    body: 3\n", "type", AtOld(0), "segments.body"),
    "unknown segment kind": ("sources/sources.yaml", "    caption: [5, 19]\n",
                             "    captions: [5, 19]\n", "unknown-field", AtOld(0),
                             "segments.captions"),
    "sha256 that is not a digest": (
        "sources/sources.yaml",
        "  sha256: 51ed521f8130d4779e3ee4f308de56312fbc5c5c6cd74d9d5510b48428051c6b\n",
        "  sha256: 51ed521f\n", "pattern", 12, "sha256"),
    "source without segments": ("sources/sources.yaml", "  segments:\n    title: [1]\n"
                                "    standfirst: [2]\n    body: [3, 26]\n    caption: [5, 19]\n"
                                "    subheading: [17]\n", "", "required", 10, "segments"),
    "unclosed quote": ("curated/places.yaml", "  name: Ba Vi\n", "  name: \"Ba Vi\n", "yaml",
                       None, None),
    "not a list of records": ("curated/persons.yaml", None, "person_id: xu-jian\n", "type", 1,
                              None),
    "field no table has": ("curated/persons.yaml", "  name: Xu Jian\n",
                           "  name: Xu Jian\n  nickname: Xu\n", "unknown-field", None,
                           "nickname"),
    "date as plain text": ("curated/targets.yaml",
                           "deadline: {text: by 2035, edtf: \"2035\"}", "deadline: by 2035",
                           "type", None, "deadline"),
    "year as a number": ("curated/targets.yaml", "deadline: {text: by 2035, edtf: \"2035\"}",
                         "deadline: {text: by 2035, edtf: 2035}", "type", None,
                         "deadline.edtf"),
    "evidence as plain text": (
        "curated/persons.yaml",
        '    - {source: src-hanoi-chongqing-cooperation, quote: "Vice Mayor Xu Jian said"}\n',
        '    - "Vice Mayor Xu Jian said"\n', "type", None, "evidence[0]"),
    "no evidence": (
        "curated/persons.yaml",
        '  evidence:\n    - {source: src-hanoi-chongqing-cooperation, quote: "Vice Mayor Xu '
        'Jian said"}\n', "  evidence: []\n", "missing-quote", None, "evidence"),
    "yes for a text": ("curated/persons.yaml", "  name: Xu Jian\n", "  name: yes\n", "type",
                       None, "name"),
    "sector outside the codelist": ("curated/projects.yaml",
                                    "sectors: [transport, transport.rail, transport.urban]",
                                    "sectors: [transport, transport.railway]", "codelist", 14,
                                    "sectors[1]"),
    "line range of a billion": ("sources/sources.yaml", "    caption: [5, 19]\n",
                                "    caption: [5, 19, [20, 1000000000]]\n", "maximum", AtOld(0),
                                "segments.caption[2][1]"),
    "infinite number": ("curated/figures.yaml", "  value: 33\n", "  value: .inf\n", "type",
                        None, "value"),
    "not a number": ("curated/figures.yaml", "  value: 33\n", "  value: .nan\n", "type",
                     None, "value"),
    "role outside the vocabulary": ("curated/positions.yaml", "  role: Vice Mayor\n",
                                    "  role: Deputy Mayor\n", "codelist", None, "role"),
    "side outside the codelist": (
        "curated/meetings.yaml", "side: actor, position_id: pos-vu-dai-thang-chairman",
        "side: host, position_id: pos-vu-dai-thang-chairman", "codelist", AtOld(0),
        "participants[0].side"),
}


def _line_of(root: Path, file: str, old: str) -> int:
    text = (root / file).read_text(encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def _damage(root: Path, file: str, old: str | None, new: str) -> None:
    if old is None:
        (root / file).write_text(new, encoding="utf-8")
    else:
        replace_in(root / file, old, new)


@pytest.mark.parametrize("kind", sorted(INPUT_CASES))
def test_malformed_input_is_a_located_error(kind: str, published_workspace: Path, capsys,
                                            monkeypatch):
    file, old, new, rule, line, field = INPUT_CASES[kind]
    root = published_workspace
    if isinstance(line, AtOld):  # curated files grow: count from where the damage goes
        line = _line_of(root, file, old) + line.offset
    _damage(root, file, old, new)
    before = _hashes(root)
    raised = _recording_build(monkeypatch)
    code, output = _cli(capsys, "build", "--root", str(root))  # one build: output and problems
    assert code == 1
    problems = [p for p in raised[0].problems if p.rule == rule and p.file == file]
    assert problems, output
    if line is not None:
        assert problems[0].line == line, str(problems[0])
    assert problems[0].field == field, str(problems[0])
    assert f"{file}:" in output or f"{file}," in output
    assert _hashes(root) == before


def _recording_build(monkeypatch) -> list:
    """Make the CLI's build keep the InputError it raises, to inspect what it printed from."""
    from hanoi_coop.errors import InputError

    raised: list[InputError] = []
    real = build_module.build

    def recording(root: Path):
        try:
            return real(root)
        except InputError as exc:
            raised.append(exc)
            raise
    monkeypatch.setattr(build_module, "build", recording)
    return raised


def _first_problem(workspace: Path, file: str, old: str, new: str, rule: str):
    """Damage one curated file; the first problem of ``rule`` the build reports, in it."""
    replace_in(workspace / "curated" / file, old, new)
    problem = next(p for p in _problems_of_build(workspace) if p.rule == rule)
    assert problem.file == f"curated/{file}", str(problem)
    return problem


def _problems_of_build(root: Path) -> list:
    from hanoi_coop.errors import InputError

    with pytest.raises(InputError) as caught:
        build_module.build(root)
    return caught.value.problems


def test_yaml_error_names_the_line_the_quote_opens_on(workspace: Path):
    text = (workspace / "curated" / "places.yaml").read_text(encoding="utf-8")
    line = text[:text.index("  name: Ba Vi\n")].count("\n") + 1
    replace_in(workspace / "curated" / "places.yaml", "  name: Ba Vi\n", "  name: \"Ba Vi\n")
    problem = _problems_of_build(workspace)[0]
    assert (problem.rule, problem.line) == ("yaml", line)
    assert "quote on this line is not closed" in problem.message
    assert "noticed on line" in problem.message


def test_a_role_its_title_does_not_name(workspace: Path):
    """The title "Vice Chairman of ..." names Vice Chairman, not Chairman (the longest phrase
    decides, so "Chairman" inside it does not count)."""
    text = (workspace / "curated" / "positions.yaml").read_text(encoding="utf-8")
    old = "  role: Vice Chairman\n  label: Vice Chairman of the Hanoi People’s Committee\n"
    assert old in text
    replace_in(workspace / "curated" / "positions.yaml", old, old.replace(
        "role: Vice Chairman", "role: Chairman"))
    problem = next(p for p in _problems_of_build(workspace) if p.rule == "code-not-named")
    assert (problem.file, problem.record, problem.field) == (
        "curated/positions.yaml", "pos-nguyen-manh-quyen-vice-chairman", "role")


@pytest.mark.parametrize(("old", "new"), [
    ("  status: implementation\n  status_phrase: accelerating work on\n",
     "  status: preparation\n  status_phrase: accelerating work on\n"),  # names another phase
    ("  status: implementation\n  status_phrase: accelerating work on\n",
     "  status: implementation\n"),  # a status with no words for it
])
def test_a_status_its_words_do_not_name(workspace: Path, old, new):
    replace_in(workspace / "curated" / "projects.yaml", old, new)
    problem = next(p for p in _problems_of_build(workspace) if p.rule == "code-not-named")
    assert (problem.file, problem.field) == ("curated/projects.yaml", "status")


@pytest.mark.parametrize(("file", "old", "new", "field"), [
    # A phrase that names the phase, but the article never says it.
    ("curated/projects.yaml", "  status: implementation\n  status_phrase: accelerating work on\n",
     "  status: identification\n  status_phrase: plans to build\n", "status_phrase"),
    # A title that names the role, taken from a photo caption the quotes do not cover.
    ("curated/positions.yaml", "  role: Vice Mayor\n  label: Vice Mayor\n",
     "  role: Vice Mayor\n  label: Vice Mayor of Chongqing\n", "label"),
])
def test_naming_words_the_quotes_do_not_hold(workspace: Path, file, old, new, field):
    replace_in(workspace / file, old, new)
    problem = next(p for p in _problems_of_build(workspace) if p.rule == "words-not-quoted")
    assert (problem.file, problem.field) == (file, field)


def test_a_published_status_phrase_the_quotes_do_not_hold(package: Path, capsys):
    rows = read_rows(package, "projects")
    row = next(i for i, r in enumerate(rows[1:]) if r[0] == "north-south-railway")
    line = set_cell(package, "projects", row, "status_phrase", "passed")
    code, output = _cli(capsys, "validate", str(package))
    assert code == 1 and f"data/csv/projects.csv:{line}, record north-south-railway, field " \
        "status_phrase: [words-not-quoted]" in output


def test_a_published_role_its_title_does_not_name(package: Path, capsys):
    rows = read_rows(package, "positions")
    row = next(i for i, r in enumerate(rows[1:]) if r[0] == "pos-pham-qui-tien-deputy-chairman")
    line = set_cell(package, "positions", row, "role", "Chairman")
    code, output = _cli(capsys, "validate", str(package))
    assert code == 1
    assert f"data/csv/positions.csv:{line}, record pos-pham-qui-tien-deputy-chairman, field " \
           "role: [code-not-named]" in output


def test_alias_bomb_is_refused_before_it_expands(workspace: Path):
    (workspace / "curated" / "figures.yaml").write_text(BILLION_LAUGHS + "".join(
        f"- &m{i} [" + ", ".join([f"*m{i - 1}"] * 50) + "]\n" if i else "- &m0 [x]\n"
        for i in range(30)))
    problem = _problems_of_build(workspace)[0]
    assert problem.rule == "yaml" and "not allowed" in problem.message


@pytest.mark.parametrize("missing", ["curated/persons.yaml", "curated/coverage_exclusions.yaml",
                                     "sources/sources.yaml"])
def test_missing_input_file(missing: str, published_workspace: Path, capsys):
    (published_workspace / missing).unlink()
    before = _hashes(published_workspace)
    code, output = _cli(capsys, "build", "--root", str(published_workspace))
    assert code == 1 and f"{missing}: [missing-file]" in output
    assert _hashes(published_workspace) == before


def test_curated_file_that_is_not_utf8(workspace: Path):
    path = workspace / "curated" / "places.yaml"
    path.write_bytes(path.read_bytes().replace(b"Ba Vi", b"Ba V\xff", 1))
    problem = _problems_of_build(workspace)[0]
    assert (problem.file, problem.rule) == ("curated/places.yaml", "encoding")


def test_missing_and_changed_article_texts(workspace: Path):
    article = workspace / "sources" / "articles" / "src-japan-priority-projects.txt"
    article.write_text(article.read_text(encoding="utf-8") + "extra\n", encoding="utf-8")
    problem = _problems_of_build(workspace)[0]
    assert (problem.file, problem.rule, problem.field) == ("sources/sources.yaml", "checksum",
                                                           "sha256")
    article.unlink()
    problem = _problems_of_build(workspace)[0]
    assert (problem.rule, problem.field) == ("missing-file", "source_id")


def test_article_that_is_not_utf8_even_with_its_checksum_updated(workspace: Path):
    article = workspace / "sources" / "articles" / "src-japan-priority-projects.txt"
    damaged = article.read_bytes().replace(b"Sumitomo", b"Sumit\xffmo", 1)
    old = hashlib.sha256(article.read_bytes()).hexdigest()
    article.write_bytes(damaged)
    replace_in(workspace / "sources" / "sources.yaml", old, hashlib.sha256(damaged).hexdigest())
    problems = _problems_of_build(workspace)
    assert [(p.file, p.rule, p.record) for p in problems] == [
        ("sources/sources.yaml", "encoding", "src-japan-priority-projects")]


def test_every_problem_of_every_source_is_reported_at_once(workspace: Path):
    for source_id in ("src-japan-priority-projects", "src-hanoi-chongqing-cooperation"):
        (workspace / "sources" / "articles" / f"{source_id}.txt").unlink()
    problems = _problems_of_build(workspace)
    assert {p.record for p in problems if p.rule == "missing-file"} == {
        "src-japan-priority-projects", "src-hanoi-chongqing-cooperation"}


def test_shipped_input_schemas_are_the_models(tmp_path: Path):
    from hanoi_coop.ingest.inputs import input_schema_files

    for relative, data in input_schema_files().items():
        assert (ROOT / relative).read_bytes() == data, f"{relative} is stale: run make build"


# --- validate: paths outside the package, zips, texts ----------------------------------------
@pytest.fixture
def package(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "package")


def _set_path(package: Path, resource: str, path: object) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text())
    for entry in descriptor["resources"]:
        if entry["name"] == resource:
            entry["path"] = path
    (package / "datapackage.json").write_text(json.dumps(descriptor))


SECRET = "secret-value-outside-the-package"


@pytest.mark.parametrize(("kind", "path"), [
    ("absolute path", "OUTSIDE"),
    ("system file", "/etc/passwd"),
    ("process environment", "/proc/self/environ"),
    ("climbs out", "../outside.csv"),
    ("climbs out inside", "data/../../outside.csv"),
    ("home folder", "~/outside.csv"),
    ("URL", "http://127.0.0.1:9/persons.csv"),
    ("file URL", "file:///etc/passwd"),
    ("backslashes", "..\\outside.csv"),
    ("list of paths", ["data/csv/persons.csv", "/etc/passwd"]),
])
def test_resource_path_outside_the_package(package: Path, capsys, kind, path):
    outside = package.parent / "outside.csv"
    outside.write_text(f"person_id\n{SECRET}\n")
    _set_path(package, "persons", str(outside) if path == "OUTSIDE" else path)
    code, output = _cli(capsys, "validate", str(package))
    assert code == 2 and "unsafe path" in output
    assert SECRET not in output and "root:" not in output


def test_data_file_that_is_a_symlink_out_of_the_folder(package: Path, capsys):
    outside = package.parent / "outside.csv"
    outside.write_text(f"person_id\n{SECRET}\n")
    csv_file(package, "persons").unlink()
    csv_file(package, "persons").symlink_to(outside)
    code, output = _cli(capsys, "validate", str(package))
    assert code == 2 and "resolves outside the package" in output and SECRET not in output


def test_descriptor_that_is_a_symlink_out_of_the_folder(package: Path, capsys):
    elsewhere = package.parent / "elsewhere"
    elsewhere.mkdir()
    shutil.move(package / "datapackage.json", elsewhere / "datapackage.json")
    (package / "datapackage.json").symlink_to(elsewhere / "datapackage.json")
    code, output = _cli(capsys, "validate", str(package))
    assert code == 2 and "unsafe path" in output


def _zip(package: Path, archive: Path, prefix: str = "hanoi-coop-x/", extra=None) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(package.rglob("*")):
            if path.is_file():
                zipped.write(path, prefix + path.relative_to(package).as_posix())
        for name, data in (extra or {}).items():
            zipped.writestr(name, data)
    return archive


def test_zip_with_an_absolute_resource_path(package: Path, tmp_path: Path, capsys, scratch_tmp):
    _set_path(package, "persons", "/etc/passwd")
    code, output = _cli(capsys, "validate", str(_zip(package, tmp_path / "p.zip")))
    assert code == 2 and "unsafe path" in output and "root:" not in output
    assert list(scratch_tmp.iterdir()) == []


def test_zip_member_with_a_bad_crc_is_cleaned_up(package: Path, tmp_path: Path, capsys,
                                                  scratch_tmp):
    archive = _zip(package, tmp_path / "p.zip")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zipped:
        info = zipped.getinfo("hanoi-coop-x/data/csv/persons.csv")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 10] ^= 0xFF  # damage the compressed bytes of one member
    archive.write_bytes(bytes(data))
    code, output = _cli(capsys, "validate", str(archive))
    assert code == 2 and "damaged archive" in output
    assert list(scratch_tmp.iterdir()) == []


def test_zip_members_the_descriptor_does_not_name_are_not_unpacked(
        package: Path, tmp_path: Path, capsys, scratch_tmp, monkeypatch):
    archive = _zip(package, tmp_path / "p.zip",
                   extra={"hanoi-coop-x/unnamed.bin": b"\0" * 20_000_000,
                          "elsewhere/notes.txt": "x"})
    unpacked = []
    original = published_module._unpack_member
    monkeypatch.setattr(published_module, "_unpack_member",
                        lambda a, z, info, t, b: unpacked.append(info.filename) or original(
                            a, z, info, t, b))
    code, output = _cli(capsys, "validate", str(archive))
    assert code == 0, output
    assert not [n for n in unpacked if "unnamed" in n or "notes" in n]
    # the descriptor, croissant.json and the files the descriptor names
    assert len(unpacked) == 2 * len(RESOURCES) + 2 and "hanoi-coop-x/croissant.json" in unpacked
    assert list(scratch_tmp.iterdir()) == []


def test_zip_bomb_member_is_refused_before_unpacking(package: Path, tmp_path: Path, capsys,
                                                     scratch_tmp):
    csv_file(package, "persons").write_bytes(b"\0" * 50_000_000)
    refresh_checksums(package)
    code, output = _cli(capsys, "validate", str(_zip(package, tmp_path / "p.zip")))
    assert code == 2 and "zip bomb" in output
    assert list(scratch_tmp.iterdir()) == []


@pytest.mark.parametrize(("limit", "value", "words"), [
    ("MAX_MEMBER_BYTES", 10_000, "over the limit of 10000"),
    ("MAX_TOTAL_BYTES", 100_000, "more than 100000 bytes"),
    ("MAX_DESCRIPTOR_BYTES", 1_000, "over the limit of 1000"),
])
def test_zip_size_limits(package: Path, tmp_path: Path, capsys, scratch_tmp, monkeypatch,
                         limit, value, words):
    monkeypatch.setattr(published_module, limit, value)
    code, output = _cli(capsys, "validate", str(_zip(package, tmp_path / "p.zip")))
    assert code == 2 and words in output
    assert list(scratch_tmp.iterdir()) == []


def test_zip_with_two_descriptors_at_the_same_depth(package: Path, tmp_path: Path, capsys):
    archive = _zip(package, tmp_path / "p.zip",
                   extra={"other/datapackage.json": (package / "datapackage.json").read_text()})
    code, output = _cli(capsys, "validate", str(archive))
    assert code == 2 and "more than one datapackage.json" in output


def test_zip_with_two_entries_of_one_name(package: Path, tmp_path: Path, capsys, scratch_tmp):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate name
        archive = _zip(package, tmp_path / "p.zip",
                       extra={"hanoi-coop-x/data/csv/persons.csv": "person_id\nsomeone-else\n"})
    code, output = _cli(capsys, "validate", str(archive))
    assert code == 1 and "zip-duplicate-entry" in output and "data/csv/persons.csv" in output
    assert list(scratch_tmp.iterdir()) == []


def test_zip_with_the_descriptor_too_deep(package: Path, tmp_path: Path, capsys):
    code, output = _cli(capsys, "validate", str(_zip(package, tmp_path / "p.zip", "a/b/")))
    assert code == 2 and "holds no datapackage.json" in output


def test_zip_path_escape_by_a_member_name(package: Path, tmp_path: Path, capsys):
    archive = _zip(package, tmp_path / "p.zip", extra={"/abs/evil.csv": "x"})
    code, output = _cli(capsys, "validate", str(archive))
    assert code == 1 and "zip-path-escape" in output


def test_texts_folder_that_does_not_exist(package: Path, tmp_path: Path, capsys):
    code, output = _cli(capsys, "validate", str(package), "--texts", str(tmp_path / "none"))
    assert code == 2 and "no such folder of article texts" in output


def test_texts_folder_without_an_article(package: Path, tmp_path: Path, capsys):
    texts = tmp_path / "texts"
    shutil.copytree(ROOT / "sources" / "articles", texts)
    (texts / "src-japan-priority-projects.txt").unlink()
    code, output = _cli(capsys, "validate", str(package), "--texts", str(texts))
    assert code == 2 and "src-japan-priority-projects.txt" in output


def test_texts_with_a_modified_article(package: Path, tmp_path: Path, capsys):
    texts = tmp_path / "texts"
    shutil.copytree(ROOT / "sources" / "articles", texts)
    article = texts / "src-japan-priority-projects.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("Sumitomo", "Sumitomu"),
                       encoding="utf-8")
    code, output = _cli(capsys, "validate", str(package), "--texts", str(texts))
    assert code == 1
    assert "data/csv/sources.csv:" in output and "[source-text-changed]" in output
    assert "data/csv/evidence.csv:" in output and "[quote-not-in-source]" in output
    rows = read_rows(package, "evidence")
    quote = rows[0].index("quote")
    line = next(i for i, r in enumerate(rows, 1) if "Sumitomo" in r[quote])
    assert f"data/csv/evidence.csv:{line}," in output


def test_texts_that_match_pass(package: Path, capsys):
    code, output = _cli(capsys, "validate", str(package), "--texts",
                        str(ROOT / "sources" / "articles"))
    assert code == 0, output


# --- printing what a file holds --------------------------------------------------------------
def test_ids_with_line_breaks_and_escape_codes_are_printed_escaped(package: Path, capsys):
    set_cell(package, "persons", 0, "person_id", "evil\n\x1b[31mid")
    code, output = _cli(capsys, "validate", str(package))
    assert code == 1
    assert "\x1b" not in output and "evil\\n\\x1b[31mid" in output


def test_multi_line_record_is_reported_on_its_first_line(package: Path, capsys):
    set_cell(package, "meetings", 2, "summary", "first line\nsecond line")
    set_cell(package, "meetings", 2, "event_type", "MEET")
    code, output = _cli(capsys, "validate", str(package))
    assert code == 1 and "data/csv/meetings.csv:4," in output


@pytest.mark.parametrize("arguments", [
    ["diff", "1.0.0", "1.1.1", "--root", str(ROOT)],
    ["validate", str(ROOT), "--json"],
])
def test_broken_pipe_ends_quietly(arguments):
    import subprocess

    command = [sys.executable, "-m", "hanoi_coop.cli", *arguments]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          bufsize=0) as process:
        process.stdout.close()  # the reader leaves before the output comes, as `| head` may
        error = process.stderr.read().decode()
        process.wait(timeout=120)
    assert "Traceback" not in error and "BrokenPipe" not in error
    assert process.returncode == cli.EXIT_BROKEN_PIPE


# --- diff through each version's own descriptor ----------------------------------------------
def test_diff_counts_removed_ids_of_a_table_whose_columns_changed(package: Path):
    from hanoi_coop.publish.diff import diff, snapshot
    from hanoi_coop.publish.release import required_bump

    from .corruption import drop_column

    rows = drop_column(package, "persons", "sort_name", drop_last_rows=2)
    change = diff(snapshot(ROOT), snapshot(package))
    persons = change.tables["persons"]
    assert persons.columns_removed == ["sort_name"]
    assert persons.removed == [r[0] for r in rows[-2:]]
    assert required_bump(change) == "major"
    back = diff(snapshot(package), snapshot(ROOT))  # the old side read through its own header
    assert back.tables["persons"].added == [r[0] for r in rows[-2:]]


# --- releases ----------------------------------------------------------------------------------
@pytest.fixture
def checkout(published_workspace: Path, tmp_path: Path, monkeypatch) -> Path:
    """A checkout with its releases, registry and changelog, the registry in a scratch copy."""
    root = published_workspace
    copy_releases(root, "1.1.1")  # the newest, and one a test tries to rewrite
    shutil.copy(ROOT / "CHANGELOG.md", root / "CHANGELOG.md")
    (root / REGISTRY).parent.mkdir(parents=True)
    shutil.copy(ROOT / REGISTRY, root / REGISTRY)
    return root


def _next_patch(monkeypatch) -> str:
    latest = release_module.released_versions(ROOT)[-1]
    major, minor, patch = latest.split(".")
    version = f"{major}.{minor}.{int(patch) + 1}"
    monkeypatch.setattr(hanoi_coop.version, "__version__", version)
    return version


def _correct_one_summary(root: Path) -> None:
    replace_in(root / "curated" / "projects.yaml",
               "summary: Road in Van Diem that Dong Ninh Bridge would connect.",
               "summary: Road in Van Diem that the Dong Ninh Bridge would connect.")


def test_release_of_hand_edited_invalid_data_is_refused(checkout: Path, capsys, monkeypatch):
    version = _next_patch(monkeypatch)
    set_cell(checkout, "meetings", 0, "event_type", "BOGUS_CODE")
    before = _hashes(checkout) | {"registry": (checkout / REGISTRY).read_text()}
    code, output = _cli(capsys, "release", version, "--root", str(checkout))
    assert code == 1 and "not what a build of sources/ and curated/ makes" in output
    assert "data/csv/meetings.csv" in output and "datapackage.json" in output
    assert _hashes(checkout) | {"registry": (checkout / REGISTRY).read_text()} == before
    assert not list((checkout / "releases").glob(".*"))


@pytest.mark.parametrize("edit", ["croissant.json", "data/csv/extra.csv"])
def test_release_of_files_the_build_did_not_make_is_refused(checkout: Path, capsys,
                                                           monkeypatch, edit):
    """A hand-edited croissant.json, or a data file no build writes, is not released."""
    version = _next_patch(monkeypatch)
    if edit == "croissant.json":
        replace_in(checkout / edit, '"name": "hanoi-coop"', '"name": "hanoi-coop-edited"')
    else:
        (checkout / edit).write_text("id\nx\n", encoding="utf-8")
    before = _hashes(checkout) | {"registry": (checkout / REGISTRY).read_text()}
    code, output = _cli(capsys, "release", version, "--root", str(checkout))
    assert code == 1 and "not what a build of sources/ and curated/ makes" in output
    assert edit in output
    assert _hashes(checkout) | {"registry": (checkout / REGISTRY).read_text()} == before


def test_release_of_inputs_that_do_not_build_is_refused(checkout: Path, capsys, monkeypatch):
    version = _next_patch(monkeypatch)
    replace_in(checkout / "curated" / "places.yaml", "  place_type: river\n",
               "  place_type: stream\n")
    before = _hashes(checkout)
    code, output = _cli(capsys, "release", version, "--root", str(checkout))
    assert code == 1 and "does not build and validate" in output and "[codelist]" in output
    assert _hashes(checkout) == before


def test_release_with_a_stale_descriptor_version_is_refused(checkout: Path, capsys,
                                                            monkeypatch):
    version = _next_patch(monkeypatch)  # __version__ moved on, make build not run
    _correct_one_summary(checkout)
    code, output = _cli(capsys, "release", version, "--root", str(checkout))
    assert code == 1 and "Differs:" in output and "datapackage.json" in output


@pytest.mark.parametrize(("version", "words"), [
    ("v1.2", "not a SemVer version"), ("1.2", "not a SemVer version"),
    ("1.1.1", "is never rewritten"),
])
def test_release_numbers_that_are_refused(checkout: Path, capsys, monkeypatch, version, words):
    monkeypatch.setattr(hanoi_coop.version, "__version__", version)
    code, output = _cli(capsys, "release", version, "--root", str(checkout))
    assert code == 1 and words in output


def test_interrupted_release_is_finished_by_a_retry(checkout: Path, monkeypatch):
    version = _next_patch(monkeypatch)
    _correct_one_summary(checkout)
    build_module.build(checkout)

    def killed(root: Path, version: str) -> None:
        raise KeyboardInterrupt  # stopped right after the bundle was renamed into place

    finish = release_module._finish
    monkeypatch.setattr(release_module, "_finish", killed)
    with pytest.raises(KeyboardInterrupt):
        release_module.release(checkout, version)
    assert (checkout / "releases" / version).is_dir()
    assert version not in json.loads((checkout / REGISTRY).read_text())
    monkeypatch.setattr(release_module, "_finish", finish)
    release_module.release(checkout, version)  # the retry finishes the release
    assert version in json.loads((checkout / REGISTRY).read_text())
    assert f"## {version}" in (checkout / "CHANGELOG.md").read_text()
    assert not list((checkout / "releases").glob(".*"))


def test_release_stopped_before_its_commit_point_leaves_nothing(checkout: Path, monkeypatch):
    version = _next_patch(monkeypatch)
    _correct_one_summary(checkout)
    build_module.build(checkout)
    before = _hashes(checkout) | {"registry": (checkout / REGISTRY).read_text()}

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(release_module, "write_sqlite", killed)
    with pytest.raises(KeyboardInterrupt):
        release_module.release(checkout, version)
    assert _hashes(checkout) | {"registry": (checkout / REGISTRY).read_text()} == before
    assert not list((checkout / "releases").glob(".*"))


# --- builds: one at a time, all or nothing ------------------------------------------------
def test_interrupted_publish_is_finished_by_the_next_build(published_workspace: Path,
                                                           monkeypatch):
    root = published_workspace
    _correct_one_summary(root)
    calls = []
    original = os.replace

    def stop_after_two(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # the old data/ moved away, the new not yet in place
            raise KeyboardInterrupt
        return original(src, dst)

    monkeypatch.setattr(build_module.os, "replace", stop_after_two)
    with pytest.raises(KeyboardInterrupt):
        build_module.build(root)
    monkeypatch.undo()
    assert (root / build_module.PUBLISH_JOURNAL).exists()
    assert build_module.recover(root) is not None
    assert not (root / build_module.PUBLISH_JOURNAL).exists()
    assert "the Dong Ninh Bridge" in csv_file(root, "projects").read_text()
    assert [p for p in root.iterdir() if p.name.startswith(".build-")] == []
    from hanoi_coop.validation.validate import validate_package

    assert validate_package(root, with_frictionless=False).valid


def test_concurrent_builds_publish_one_consistent_package(published_workspace: Path):
    from concurrent.futures import ThreadPoolExecutor

    from hanoi_coop.validation.validate import validate_package

    root = published_workspace
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda _: build_module.build(root), range(2)))
    assert validate_package(root, with_frictionless=False).valid
    assert [p for p in root.iterdir() if p.name.startswith(".")] == [
        root / build_module.LOCK_FILE]


# --- the loader ---------------------------------------------------------------------------
@pytest.mark.parametrize(("table", "version", "error", "words"), [
    ("meetings", "9.9.9", KeyError, "no release '9.9.9'"),
    ("meetings", "../../etc", KeyError, "no release"),
    ("no_such_table", None, KeyError, "no_such_table"),
])
def test_loader_refuses_what_is_not_published(table, version, error, words):
    with pytest.raises(error, match=words):
        hanoi_coop.load(table, version=version)


def test_loader_refuses_a_cached_file_that_was_tampered_with(tmp_path: Path, monkeypatch):
    from hanoi_coop.loader import CACHE_ENV, PORTAL_ENV, DownloadError

    cached = tmp_path / "1.0.0" / "data" / "parquet" / "persons.parquet"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"tampered")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setenv(PORTAL_ENV, "http://127.0.0.1:9")  # nothing listens: no fresh copy
    with pytest.raises(DownloadError):
        hanoi_coop.load("persons", version="1.0.0")


# --- every code named by the article's words (issue: codings beyond the words) ---------------
@pytest.mark.parametrize(("file", "old", "new", "record", "field"), [
    # "between BRG and Sumitomo" names partners, not suppliers.
    ("projects.yaml", "{organization_id: brg, party_role: interestedParty,",
     "{organization_id: brg, party_role: supplier,", "north-hanoi-smart-city:brg:supplier",
     "party_role"),
    # "accounts for one-third" has no hedge: the value is exact.
    ("figures.yaml", "  comparator: eq\n  value: 0.3333333333333333\n",
     "  comparator: approx\n  value: 0.3333333333333333\n", "fig-chongqing-computer-share",
     "comparator"),
    # "more than 10,000 staff" is not "at least".
    ("figures.yaml", "  comparator: gt\n  value: 10000\n", "  comparator: gte\n  value: 10000\n",
     "fig-crrc-dalian-staff", "comparator"),
    # "about 600 kilometers" is not called an estimate.
    ("targets.yaml", '  value_phrase: "about 600 kilometers"\n  estimated: false\n',
     '  value_phrase: "about 600 kilometers"\n  estimated: true\n',
     "tgt-hanoi-urban-rail-2045-length", "estimated"),
    # a memorandum signed is an agreement, not support; a signing is not a meeting.
    ("meetings.yaml", "  event_type: AGREE\n  event_status: held\n  event_phrase: \"signed a",
     "  event_type: SUPPORT\n  event_status: held\n  event_phrase: \"signed a",
     "mtg-crrc-dalian-vietnam-railways-mou", "event_type"),
    ("meetings.yaml", "  meeting_kind: signing\n", "  meeting_kind: meeting\n",
     "mtg-crrc-dalian-vietnam-railways-mou", "meeting_kind"),
    # "has fulfilled all 24 development targets" is an achievement, not a pledge.
    ("targets.yaml", "  target_status: achieved\n", "  target_status: declaration_pledge\n",
     "tgt-hanoi-development-targets-fulfilled", "target_status"),
    # a hedge the curator left out: a comparator other than eq needs its words.
    ("figures.yaml", '  value_phrase: "over 32 million people"\n', "",
     "fig-chongqing-population", "comparator"),
])
def test_a_code_its_words_do_not_name(workspace: Path, file, old, new, record, field):
    replace_in(workspace / "curated" / file, old, new)
    problem = next(p for p in _problems_of_build(workspace) if p.rule == "code-not-named")
    assert (problem.file, problem.record, problem.field) == (f"curated/{file}", record, field)
    assert problem.line is not None


@pytest.mark.parametrize(("file", "old", "new", "field"), [
    ("figures.yaml", '"over 32 million people"', '"nearly 32 million people"', "value_phrase"),
    ("meetings.yaml", '  event_phrase: "issued a joint statement"\n',
     '  event_phrase: "signed a joint statement"\n', "event_phrase"),
])
def test_value_and_event_words_the_quotes_do_not_hold(workspace: Path, file, old, new, field):
    replace_in(workspace / "curated" / file, old, new)
    problem = next(p for p in _problems_of_build(workspace) if p.rule == "words-not-quoted")
    assert (problem.file, problem.field) == (f"curated/{file}", field)


def test_a_participant_quote_that_names_only_the_meeting(workspace: Path):
    """'a meeting between the two cities' vice mayors' names neither vice mayor."""
    replace_in(workspace / "curated" / "meetings.yaml", 'quote: "Vice Mayor Xu Jian said that '
               'Chongqing"}', 'quote: "a meeting between the two cities’ vice mayors"}')
    problem = next(p for p in _problems_of_build(workspace) if p.rule == "quote-not-naming")
    assert (problem.file, problem.record, problem.field) == (
        "curated/meetings.yaml", "mtg-quyen-xu-jian:xu-jian", "person_id")


def test_a_published_party_role_the_quote_does_not_name(package: Path, capsys):
    rows = read_rows(package, "project_parties")
    row = next(i for i, r in enumerate(rows[1:]) if r[0].startswith("lao-cai-hanoi"))
    line = set_cell(package, "project_parties", row, "party_role", "funder")
    code, output = _cli(capsys, "validate", str(package))
    assert code == 1 and f"data/csv/project_parties.csv:{line}" in output
    assert "field party_role: [code-not-named]" in output


# --- one rule for inferred years ------------------------------------------------------------
@pytest.mark.parametrize(("file", "old", "new", "record", "field"), [
    # A one-sided bound written as if it were certain.
    ("meetings.yaml", "    edtf: 2025-12-17?\n", "    edtf: 2025-12-17\n", "mtg-ngoc-ito-naoki",
     "date_edtf"),
    # The year left unknown although the article's clue gives one (the Capital Region case).
    ("meetings.yaml", "    edtf: 2026-01-15?\n    year_basis: inferred\n",
     "    edtf: XXXX-01-15\n", "mtg-capital-region-master-plan", "date_edtf"),
    # A year the clues do not allow.
    ("meetings.yaml", "    edtf: 2025-10-24\n", "    edtf: 2026-10-24\n", "mtg-quyen-xu-jian",
     "date_edtf"),
    # A clue removed: the date it decided is now unbounded.
    ("year_clues.yaml", "  tense: past\n  evidence:\n    - quote: \"reported revenue",
     "  tense: future\n  evidence:\n    - quote: \"reported revenue",
     "clue-china-crrc-revenue-2025", "tense"),
])
def test_a_year_the_one_rule_does_not_give(workspace: Path, file, old, new, record, field):
    replace_in(workspace / "curated" / file, old, new)
    problems = _problems_of_build(workspace)
    assert any((p.file, p.record, p.field) == (f"curated/{file}", record, field)
               and p.rule in ("year-inference", "code-not-named") for p in problems), \
        [str(p) for p in problems]


def test_a_clue_the_quote_calls_future_cannot_be_past(workspace: Path):
    replace_in(workspace / "curated" / "year_clues.yaml",
               "  tense: future\n  evidence:\n    - quote: \"the Chongqing International Fair",
               "  tense: past\n  evidence:\n    - quote: \"the Chongqing International Fair")
    problem = next(p for p in _problems_of_build(workspace) if p.rule == "code-not-named")
    assert (problem.record, problem.field) == ("clue-chongqing-fair-april-2026", "tense")


# --- normalised values stay normalised ------------------------------------------------------
def test_an_ambassador_whose_office_is_not_an_embassy(workspace: Path):
    replace_in(workspace / "curated" / "positions.yaml",
               "  person_id: ito-naoki\n  organization_id: japanese-embassy-vietnam",
               "  person_id: ito-naoki\n  organization_id: japanese-government")
    problem = next(p for p in _problems_of_build(workspace) if p.rule == "entailed")
    assert (problem.file, problem.record, problem.field) == (
        "curated/positions.yaml", "pos-ito-naoki-ambassador", "organization_id")


@pytest.mark.parametrize(("old", "new"), [
    ("  metric: regional_gdp\n  comparator: gt\n  value: 449000000000\n",
     "  metric: regional_gdp_usd\n  comparator: gt\n  value: 449000000000\n"),
    ("  restates_figure_id: fig-chongqing-gdp-cny\n",
     "  restates_figure_id: fig-chongqing-population\n"),
])
def test_a_restated_figure_must_be_the_same_quantity(workspace: Path, old, new):
    replace_in(workspace / "curated" / "figures.yaml", old, new)
    problem = next(p for p in _problems_of_build(workspace) if p.rule == "restated-figure")
    assert (problem.file, problem.record, problem.field) == (
        "curated/figures.yaml", "fig-chongqing-gdp-usd", "restates_figure_id")


def test_a_published_date_without_its_year_basis_is_located_not_a_crash(package: Path, capsys):
    """Found by the property test: an empty year basis beside a yearless date."""
    rows = read_rows(package, "meetings")
    row = next(i for i, r in enumerate(rows[1:]) if r[0] == "mtg-thang-he-wei")
    line = set_cell(package, "meetings", row, "date_year_basis", "")
    code, output = _cli(capsys, "validate", str(package))
    assert code == 1 and "Traceback" not in output
    assert f"data/csv/meetings.csv:{line}, record mtg-thang-he-wei, field date_edtf: " \
           "[year-inference]" in output


# --- name coverage: every name in a checked article linked or excused -------------------------
def test_a_name_no_row_links_fails_a_checked_article(workspace: Path):
    replace_in(workspace / "curated" / "positions.yaml",
               "Nguyen Manh Quyen, Hanoi is entering a crucial phase of urban transformation.\"",
               "Nguyen Manh Quyen\"")
    problems = [p for p in _problems_of_build(workspace) if p.rule == "name-coverage"]
    assert [(p.file, p.line, p.value) for p in problems] == [
        ("sources/articles/src-hanoi-chongqing-cooperation.txt", 4, "Hanoi")]


def test_an_exclusion_must_hold_the_name_it_excuses(workspace: Path):
    replace_in(workspace / "curated" / "coverage_exclusions.yaml",
               'context: "Hanoi has set long-term goals to reduce emissions',
               'context: "goals to reduce emissions')
    problems = [p for p in _problems_of_build(workspace) if p.rule == "name-coverage"]
    assert [(p.line, p.value) for p in problems] == [(7, "Hanoi")]


def test_a_quote_of_a_row_that_does_not_refer_to_the_name_does_not_link_it(workspace: Path):
    """The Hoa Lac project's quote spans 'Chongqing-based', but the project refers to no
    Chongqing row: only the meeting's quote (through its participants) links it."""
    replace_in(workspace / "curated" / "meetings.yaml",
               '    - quote: "The Hanoi official invited Chongqing-based enterprises to invest in '
               'the Hoa Lac Hi-Tech Park"\n', "")
    problems = [p for p in _problems_of_build(workspace) if p.rule == "name-coverage"]
    assert {(p.line, p.value) for p in problems} == {(10, "Hanoi"), (10, "Chongqing")}


_SUPPLIES = '"It currently supplies rolling stock for the Lao Cai-Hanoi-Haiphong railway"'


@pytest.mark.parametrize(("old", "new", "record"), [
    # "He proposed adding Trieu Duong Bridge": a pronoun names no party.
    ('quote: "He proposed adding Trieu Duong Bridge to link Hung Yen’s Provincial Road 427"}',
     'quote: "He proposed adding Trieu Duong Bridge"}',
     "trieu-duong-bridge:hung-yen-party-committee:interestedParty"),
    # "It currently supplies ...": without the sentence that says who "it" is.
    (f'{_SUPPLIES}, more_quotes: ["With more than 120 years of history, CRRC Dalian operates in '
     '33 countries and territories"]}', f"{_SUPPLIES}}}",
     "lao-cai-hanoi-haiphong-railway:crrc-dalian:supplier"),
])
def test_a_party_quote_that_does_not_name_the_party(workspace: Path, old, new, record):
    replace_in(workspace / "curated" / "projects.yaml", old, new)
    problem = next(p for p in _problems_of_build(workspace) if p.rule == "quote-not-naming")
    assert (problem.file, problem.record, problem.field) == (
        "curated/projects.yaml", record, "organization_id")


def test_a_further_quote_must_be_in_the_source_too(workspace: Path):
    replace_in(workspace / "curated" / "projects.yaml",
               'more_quotes: ["Hanoi, Chongqing target future cooperation deal"]',
               'more_quotes: ["Hanoi, Chongqing sign a cooperation deal"]')
    problem = next(p for p in _problems_of_build(workspace)
                   if p.rule == "quote-not-in-source")
    assert problem.file == "curated/projects.yaml" and "sign a cooperation deal" in problem.value


def test_a_place_whose_quotes_do_not_name_its_parent(workspace: Path):
    replace_in(workspace / "curated" / "places.yaml",
               "- place_id: chongqing\n  name: Chongqing\n  place_type: city\n"
               "  parent_place_id: china\n",
               "- place_id: chongqing\n  name: Chongqing\n  place_type: city\n"
               "  parent_place_id: japan\n")
    problem = next(p for p in _problems_of_build(workspace) if p.rule == "quote-not-naming")
    assert (problem.file, problem.record, problem.field) == (
        "curated/places.yaml", "chongqing", "parent_place_id")


@pytest.mark.parametrize(("old", "new", "record"), [
    # the hosts of a visit are recipients ...
    ("{organization_id: tokyo-authorities, side: recipient,",
     "{organization_id: tokyo-authorities, side: actor,",
     "mtg-tien-delegation-tokyo-authorities:tokyo-authorities"),
    # ... and the visitors actors
    ("{organization_id: hanoi-delegation-to-east-asia, side: actor, quote: \"On August 29",
     "{organization_id: hanoi-delegation-to-east-asia, side: recipient, quote: \"On August 29",
     "mtg-tien-delegation-seoul-council:hanoi-delegation-to-east-asia"),
    # with no visit nobody hosts
    ("{person_id: he-wei, organization_id: chinese-embassy-vietnam, side: actor,",
     "{person_id: he-wei, organization_id: chinese-embassy-vietnam, side: recipient,",
     "mtg-thang-he-wei:he-wei"),
])
def test_a_side_the_visit_does_not_give(workspace: Path, old, new, record):
    problem = _first_problem(workspace, "meetings.yaml", old, new, "side-not-host")
    assert (problem.record, problem.field) == (record, "side")


@pytest.mark.parametrize(("old", "new", "record"), [
    # the wastewater project's quotes name no road
    ("  sectors: [waterAndWaste]\n", "  sectors: [waterAndWaste, transport.road]\n",
     "yen-xa-wastewater-treatment:transport.road"),
    # a parent with no phrase of its own or of a child
    ("  sectors: [waterAndWaste]\n", "  sectors: [waterAndWaste, energy]\n",
     "yen-xa-wastewater-treatment:energy"),
])
def test_a_sector_the_project_quotes_do_not_name(workspace: Path, old, new, record):
    problem = _first_problem(workspace, "projects.yaml", old, new, "code-not-named")
    assert (problem.record, problem.field) == (record, "sector")


def test_a_parent_sector_is_named_by_its_childs_words():
    from hanoi_coop.metadata import RESOURCES

    rule = RESOURCES["project_sectors"].supported_by
    assert rule.supported("Urban Railway Line No. 2") >= {"transport", "transport.rail",
                                                          "transport.urban"}
    assert "transport.road" not in rule.supported("a railroad")  # whole words only


def test_a_meeting_place_its_meetings_quotes_do_not_name(workspace: Path):
    replace_in(workspace / "curated" / "meetings.yaml", "  places: [beijing, tokyo, seoul]\n",
               "  places: [beijing, tokyo, seoul, nanjing]\n")
    problem = next(p for p in _problems_of_build(workspace) if p.rule == "quote-not-naming")
    assert (problem.file, problem.record, problem.field) == (
        "curated/meetings.yaml", "mtg-tien-delegation-east-asia:nanjing", "place_id")


@pytest.mark.parametrize(("file", "old", "new", "record"), [
    # a spelling the article does not print
    ("persons.yaml", "  name: Xu Jian\n", "  name: Xu Jiang\n", "xu-jian"),
    ("places.yaml", "  name: Ba Vi\n", "  name: Ba Vi District\n", "ba-vi"),
])
def test_a_name_its_quotes_do_not_print(workspace: Path, file, old, new, record):
    replace_in(workspace / "curated" / file, old, new)
    problems = _problems_of_build(workspace)
    assert any((p.file, p.record, p.rule) == (f"curated/{file}", record, "quote-not-naming")
               for p in problems), [str(p) for p in problems]
