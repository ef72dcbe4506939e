"""Stage 5, validation: Pandera on every frame, the cross-table rules, and Frictionless on files.

The build checks the frames it made once (``frame_findings``, errors located in the curated
files) and proves the files it wrote read back to them (``written_problems``);
``hanoi-coop validate`` checks any published copy (errors located in the data files).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from hanoi_coop.errors import Finding, Problem
from hanoi_coop.layout import DESCRIPTOR, SCHEMAS, csv_path, parquet_path
from hanoi_coop.metadata import EVIDENCE, RESOURCES, SOURCES
from hanoi_coop.package.access import (
    Published,
    Unreadable,
    open_package,
)
from hanoi_coop.package.read import read_package
from hanoi_coop.package.schemas import pandera_schema, typed_frame
from hanoi_coop.package.write import schema_files
from hanoi_coop.validation.contract import contract_problems, own_contract
from hanoi_coop.validation.descriptor import croissant_mismatches, descriptor_problems
from hanoi_coop.validation.rules import check_rules
from hanoi_coop.version import package_version

Locator = Callable[[Finding], Problem]

# Pandera check names as the rule names users read (the same names the build reports).
RULE_NAMES = {
    "multiple_fields_uniqueness": "duplicate-id", "field_uniqueness": "unique",
    "not_nullable": "required", "isin": "codelist", "str_matches": "pattern",
    "greater_than_or_equal_to": "minimum", "less_than_or_equal_to": "maximum",
    "is_edtf": "edtf", "is_nfc": "nfc", "is_safe_text": "pattern", "dtype": "type",
    "column_in_dataframe": "missing-column", "column_in_schema": "extra-column",
}


# --- engines -------------------------------------------------------------------------------------
def _pandera_table(name: str, schema: pa.DataFrameSchema,
                   frame: pd.DataFrame) -> tuple[Finding, ...]:
    found = []
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        for case in exc.failure_cases.itertuples(index=False):
            row = -1 if pd.isna(case.index) else int(case.index)
            column = None if pd.isna(case.column) else str(case.column)
            check = str(case.check)
            rule = RULE_NAMES.get(check.split("(")[0], check.split("(")[0])
            found.append(Finding(name, row, column, rule, f"fails {check}", case.failure_case))
    return tuple(found)


def pandera_findings(frames: dict[str, pd.DataFrame],
                     tables: Collection[str] | None = None) -> list[Finding]:
    """Pandera's column checks on every frame, or on ``tables`` only."""
    found: list[Finding] = []
    for name, resource in RESOURCES.items():
        if name not in frames or (tables is not None and name not in tables):
            continue
        # The schema as the model says now: nothing of an earlier answer is kept.
        found += _pandera_table(name, pandera_schema(resource), frames[name])
    return found


def frame_findings(frames: dict[str, pd.DataFrame],
                   tables: Collection[str] | None = None) -> list[Finding]:
    """Everything wrong with typed frames: column checks (of ``tables`` only, when given),
    then every cross-table rule."""
    return pandera_findings(frames, tables) + check_rules(frames)


def frictionless_problems(descriptor_path: Path,
                          tables: Collection[str] | None = None) -> list[Problem]:
    """Frictionless's report on a package (or on some tables of it), one problem per error."""
    # Imported here: Frictionless is slow to import and only this optional pass needs it.
    from hanoi_coop.validation.frictionless_pass import selected, validate_resources

    descriptor = selected(json.loads(descriptor_path.read_text(encoding="utf-8")), tables)
    reports = validate_resources(descriptor, descriptor_path.parent)
    if not isinstance(reports, list):  # the descriptor itself is invalid: no row is read
        return _report_problems(reports, descriptor_path)
    return [problem for report in reports for problem in _report_problems(report, descriptor_path)]


def _report_problems(report: Any, descriptor_path: Path) -> list[Problem]:
    problems = []
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            cell = getattr(error, "cell", None)
            problems.append(Problem(
                task.place or task.name, f"frictionless:{error.type}", error.note or error.title,
                line=row if task.place.endswith(".csv") else None,
                record=f"row {row - 2}" if row and not task.place.endswith(".csv") else None,
                field=getattr(error, "field_name", None),
                value=None if cell is None else str(cell)))
    problems += [Problem(str(descriptor_path), f"frictionless:{e.type}", e.message)
                 for e in report.errors]
    return problems


# --- a published package -------------------------------------------------------------------
@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # said, never counted against it

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"valid": self.valid, "rows": self.rows,
                "errors": [p.to_dict() for p in self.problems], "notices": self.notices}


def published_locator(published: Published, frames: dict[str, pd.DataFrame]) -> Locator:
    def locate(finding: Finding) -> Problem:
        resource = RESOURCES[finding.table]
        frame = frames[finding.table]
        record = line = None
        if 0 <= finding.row < len(frame):
            record = str(frame.at[finding.row, resource.primary_key])
        table = published.csv.get(finding.table)
        if table is not None:
            path = table.path
            line = table.line(finding.row)
        else:
            path = parquet_path(finding.table)
            record = f"{record} (row {finding.row})"
        return Problem(path, finding.rule, finding.message, record=record, line=line,
                       field=finding.field,
                       value=None if finding.value is None else str(finding.value))
    return locate


def _frames(published: Published) -> dict[str, pd.DataFrame]:
    frames = {}
    for name, resource in RESOURCES.items():
        if name in published.csv:
            frames[name] = published.csv[name].frame
        elif name in published.parquet:
            frames[name] = published.parquet[name]
        else:
            frames[name] = typed_frame(resource, [])
    return frames


def _without_duplicates(findings: list[Finding], earlier: list[Finding]) -> list[Finding]:
    """Drop 'not nullable' findings for cells already reported as unparseable."""
    bad_cells = {(f.table, f.row, f.field) for f in earlier}
    return [f for f in findings
            if not (f.rule == "required" and (f.table, f.row, f.field) in bad_cells)]


def _article_texts(frames: dict[str, pd.DataFrame], texts: Path) -> dict[str, tuple[str, bool]]:
    """Each source's article text and whether its sha256 is the one ``sources`` records.

    A folder that is not there, or lacks an article, raises Unreadable (exit 2): the check
    the user asked for cannot be made.
    """
    if not texts.is_dir():
        raise Unreadable(f"{texts}: no such folder of article texts")
    sources = frames[SOURCES].drop_duplicates("source_id").set_index("source_id")
    found = {}
    missing = []
    for source_id in sources.index:
        path = texts / f"{source_id}.txt"
        if not path.is_file():
            missing.append(path.name)
            continue
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        found[source_id] = (raw.decode("utf-8", errors="replace"),
                            digest == sources.at[source_id, "sha256"])
    if missing:
        raise Unreadable(f"{texts}: missing article text(s): {', '.join(missing)}")
    return found


def provenance_against_texts(frames: dict[str, pd.DataFrame], texts: Path) -> list[Finding]:
    """Every quote must be its article's text at its offsets, and every article the one whose
    checksum ``sources`` records."""
    articles = _article_texts(frames, texts)
    found = [Finding(SOURCES, int(i), "sha256", "source-text-changed",
                     f"{texts / (sid + '.txt')} is not the text this package was built from",
                     sid)
             for i, sid in frames[SOURCES]["source_id"].items()
             if sid in articles and not articles[sid][1]]
    evidence = frames[EVIDENCE]
    for i, sid, start, end, quote in zip(evidence.index, evidence["source_id"],
                                         evidence["char_start"], evidence["char_end"],
                                         evidence["quote"], strict=True):
        text = articles.get(sid, ("", False))[0]
        if pd.isna(start) or pd.isna(end) or text[int(start):int(end)] != quote:
            found.append(Finding(EVIDENCE, int(i), "quote", "quote-not-in-source",
                                 "the article text at these offsets is not the quote", quote))
    return found


def _read(published: Published) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """Read every file once, collecting what is wrong with the files themselves (checksums,
    encoding, structure, Parquet schema and metadata, CSV and Parquet agreeing) and with both
    descriptors against the model; returns the frames and the cells that did not parse."""
    read_package(published)
    frames = _frames(published)
    published.problems += descriptor_problems(
        published.descriptor, frames[SOURCES] if SOURCES in published.csv else None)
    if published.croissant is not None:
        published.problems += croissant_mismatches(
            published.croissant, published.descriptor.get("version"))
    return frames, published.findings


def _located(published: Published, frames: dict[str, pd.DataFrame],
             findings: list[Finding]) -> list[Problem]:
    locate = published_locator(published, frames)
    return list(published.problems) + [locate(f) for f in findings] + published.mismatches


def validate_package(path: Path, with_frictionless: bool = True,
                     texts: Path | None = None) -> Report:
    """Validate a published copy: open it, read each file once, check the frames (columns,
    cross-table rules), the descriptors and, with ``texts``, every quote against its article;
    raise ``Unreadable`` when it cannot be read."""
    with open_package(path) as published:
        if published.problems:  # e.g. an archive that escapes its folder: read nothing
            return Report(list(published.problems))
        released = own_contract(published)
        if released is not None and published.descriptor.get("version") != package_version():
            return _against_own_contract(published, released)
        frames, unparsed = _read(published)
        findings = unparsed + _without_duplicates(frame_findings(frames), unparsed)
        if texts is not None:
            findings += provenance_against_texts(frames, texts)
        problems = _located(published, frames, findings)
        if with_frictionless:
            seen = {(p.file, p.line) for p in problems}
            problems += [p for p in frictionless_problems(published.root / DESCRIPTOR)
                         if (p.file, p.line) not in seen]
        return Report(problems, {name: len(frame) for name, frame in frames.items()})


def _against_own_contract(published: Published, released: dict[str, str]) -> Report:
    """An earlier release: intact and keeping its own descriptor's promises; what today's
    model would say of its descriptor is a notice."""
    problems, rows = contract_problems(published, released)
    version = published.descriptor.get("version")
    differences = descriptor_problems(published.descriptor, None)
    notice = (f"release {version} is checked against its own contract (the datapackage.json "
              f"it was released with) and the files the registry recorded for it")
    if differences:
        notice += (f"; today's model ({package_version()}) would report "
                   f"{len(differences)} difference(s) in its descriptor, which do not count "
                   "against it")
    return Report(problems, rows, [notice])


def written_problems(path: Path, frames: dict[str, pd.DataFrame], version: str,
                     schemas: dict[str, bytes] | None = None) -> list[Problem]:
    """What a build proves of the package it wrote from ``frames`` (already checked): every
    file reads back, whole and consistent, to exactly those frames (values and dtypes), the
    descriptor states ``version`` and the schema files are the model's. The frames are not
    checked a second time. ``schemas`` are the model's schema files, if already made."""
    with open_package(path) as published:
        read, unparsed = _read(published)
        problems = _located(published, read, unparsed)
        if published.descriptor.get("version") != version:
            problems.append(Problem(DESCRIPTOR, "descriptor-mismatch", "the written descriptor "
                                    f"does not state version {version}", field="version"))
        for relative, data in (schemas or schema_files()).items():
            written = path / SCHEMAS / relative
            if not written.is_file() or written.read_bytes() != data:
                problems.append(Problem(f"{SCHEMAS}/{relative}", "round-trip", "the written "
                                        "schema is not the model's"))
        for name, frame in frames.items():
            table = published.csv.get(name)
            if table is None or not table.frame.equals(frame):
                problems.append(Problem(csv_path(name), "round-trip", "the written file does "
                                        "not read back to the table the build checked"))
        return problems
