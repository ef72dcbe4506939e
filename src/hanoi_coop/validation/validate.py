"""Stage 5, validation: Pandera on every frame, the cross-table rules, and Frictionless on files.

Used twice: by the build on the frames it made (errors located in the curated files), and by
``hanoi-coop validate`` on any published copy (errors located in the data files).
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
from hanoi_coop.layout import parquet_path
from hanoi_coop.memo import ContentMemo
from hanoi_coop.metadata import EVIDENCE, RESOURCES, SOURCES
from hanoi_coop.package_open import (
    Published,
    Unreadable,
    open_package,
)
from hanoi_coop.package_read import read_package
from hanoi_coop.schemas import pandera_schema, typed_frame
from hanoi_coop.validation.descriptor import croissant_mismatches, descriptor_problems
from hanoi_coop.validation.rules import check_rules

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
                   changed: Collection[str] | None = None) -> list[Finding]:
    """Everything wrong with typed frames: column checks (of the ``changed`` tables only, when
    the others are known to pass them), then every cross-table rule."""
    return pandera_findings(frames, changed) + check_rules(frames)


# Frictionless's problems resource by resource, by what each report depends on: a build or a
# check in which one file changed runs the row-by-row pass on that file (and on those whose
# foreign keys read it), not on the whole package again.
_FRICTIONLESS_SEEN: ContentMemo[tuple[Problem, ...]] = ContentMemo(512)


def frictionless_problems(descriptor_path: Path,
                          tables: Collection[str] | None = None) -> list[Problem]:
    """Frictionless's report on a package (or on some tables of it), one problem per error."""
    # Imported here: Frictionless is slow to import and only this optional pass needs it.
    from hanoi_coop.validation.frictionless_pass import (
        descriptor_key,
        resource_keys,
        selected,
        validate_resources,
    )

    root = descriptor_path.parent
    descriptor = selected(json.loads(descriptor_path.read_text(encoding="utf-8")), tables)
    checked = ("descriptor", descriptor_key(descriptor))
    keys = resource_keys(descriptor, root)
    found = {key: _FRICTIONLESS_SEEN[key] for key in keys if key in _FRICTIONLESS_SEEN}
    missing = [i for i, key in enumerate(keys) if key not in found]
    if missing or checked not in _FRICTIONLESS_SEEN:
        reports = validate_resources(descriptor, root, missing)
        if not isinstance(reports, list):  # the descriptor itself is invalid: no row is read
            return _report_problems(reports, descriptor_path)
        _FRICTIONLESS_SEEN.put(checked, ())
        for i, report in zip(missing, reports, strict=True):
            found[keys[i]] = tuple(_report_problems(report, descriptor_path))
            _FRICTIONLESS_SEEN.put(keys[i], found[keys[i]])
    return [problem for key in keys for problem in found[key]]


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

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"valid": self.valid, "rows": self.rows,
                "errors": [p.to_dict() for p in self.problems]}


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


def _unproven(frames: dict[str, pd.DataFrame],
              proven: dict[str, pd.DataFrame] | None) -> list[str] | None:
    """The tables that differ from frames already proven to pass every frame check (None:
    nothing is proven, check all)."""
    if proven is None:
        return None
    return [name for name, frame in frames.items()
            if name not in proven or not frame.equals(proven[name])]


def validate_package(path: Path, with_frictionless: bool = True,
                     texts: Path | None = None, frictionless_csv_only: bool = False,
                     proven: dict[str, pd.DataFrame] | None = None) -> Report:
    """Validate a published copy; raise ``Unreadable`` when it cannot be read.

    ``frictionless_csv_only`` runs Frictionless on the CSV files alone: the Parquet files are
    already proven equal to them cell for cell (and of the right Arrow schema), so Frictionless
    reading them row by row again adds time, not a check.

    ``proven``: frames that passed Pandera and the cross-table rules (the build's own). A table
    read back equal to its proven frame, dtypes included, would give the same findings, so
    only the others are checked again, and the rules only if any table differs.
    """
    with open_package(path) as published:
        if published.problems:  # e.g. an archive that escapes its folder: read nothing
            return Report(list(published.problems))
        read_package(published)
        frames = _frames(published)
        unproven = _unproven(frames, proven)
        checked = frame_findings(frames, unproven) if unproven != [] else []
        findings = published.findings + _without_duplicates(checked, published.findings)
        published.problems += descriptor_problems(
            published.descriptor, frames[SOURCES] if SOURCES in published.csv else None)
        if published.croissant is not None:
            published.problems += croissant_mismatches(
                published.croissant, published.descriptor.get("version"))
        if texts is not None:
            findings += provenance_against_texts(frames, texts)
        locate = published_locator(published, frames)
        problems = (list(published.problems) + [locate(f) for f in findings]
                    + published.mismatches)
        if with_frictionless:
            seen = {(p.file, p.line) for p in problems}
            tables = list(RESOURCES) if frictionless_csv_only else None
            problems += [p for p in frictionless_problems(published.root / "datapackage.json",
                                                          tables)
                         if (p.file, p.line) not in seen]
        return Report(problems, {name: len(frame) for name, frame in frames.items()})
