"""The build: sources -> curated records -> evidence -> tables -> validation -> publish.

Outputs are written to a temporary folder and moved into place only when every check passed,
so a failing build leaves the previous data/, schemas/ and datapackage.json untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hanoi_coop.coverage import SourceCoverage, coverage, format_report
from hanoi_coop.curation import Curated, load_curated
from hanoi_coop.errors import InputError, Problem
from hanoi_coop.evidence import locate_claims
from hanoi_coop.inputs import check_inputs
from hanoi_coop.metadata import RESOURCES
from hanoi_coop.outputs import write_package
from hanoi_coop.rules import Finding
from hanoi_coop.schemas import typed_frame
from hanoi_coop.sources import load_sources, source_rows
from hanoi_coop.validate import frame_findings, validate_package

PUBLISHED = ("data", "schemas", "datapackage.json")


@dataclass
class Assembled:
    frames: dict[str, pd.DataFrame]
    curated: Curated
    coverage: list[SourceCoverage]


def _curated_locator(curated: Curated, frames: dict[str, pd.DataFrame]):
    evidence_origin = {}
    for claim in curated.claims:
        evidence_origin.setdefault((claim.table, claim.record_id), (claim.file, claim.line))

    def locate(finding: Finding) -> Problem:
        resource = RESOURCES[finding.table]
        frame = frames[finding.table]
        record = None
        if 0 <= finding.row < len(frame):
            record = str(frame.at[finding.row, resource.primary_key])
        file, line = "sources/sources.yaml", None
        origin = curated.origins.get((finding.table, record or ""))
        if origin is not None:
            file = origin.file
            line = origin.field_lines.get(finding.field or "", origin.line)
        elif finding.table == "evidence" and record is not None:
            row = frame.iloc[finding.row]
            file, line = evidence_origin.get((row["table_name"], row["record_id"]), (file, None))
        return Problem(file, finding.rule, finding.message, record=record, line=line,
                       field=finding.field,
                       value=None if finding.value is None else str(finding.value))
    return locate


def assemble(root: Path) -> Assembled:
    """Read the inputs under ``root`` and return validated frames, or raise InputError."""
    check_inputs(root)  # every input file against its schema, before anything reads it
    sources = load_sources(root / "sources")
    curated = load_curated(root / "curated")
    evidence_rows, problems = locate_claims(curated.claims, sources)
    if problems:  # coverage would only echo the quotes that were not found
        raise InputError(problems)
    report, coverage_problems = coverage(sources, evidence_rows,
                                         root / "curated" / "coverage_exclusions.yaml")
    problems += coverage_problems
    for item in report:
        for m in item.uncovered:
            problems.append(Problem(
                f"sources/articles/{m.source_id}.txt", "coverage", "number or date neither "
                "cited by a quote nor listed in curated/coverage_exclusions.yaml",
                line=m.line_no, value=m.text))
    if problems:
        raise InputError(problems)
    source_table, segment_table = source_rows(sources)
    for row in segment_table:
        row["segment_id"] = f"{row['source_id']}:{row['line_no']}"
    rows = dict(curated.rows, sources=source_table, source_segments=segment_table,
                evidence=evidence_rows)
    frames = {name: typed_frame(resource, rows.get(name, []))
              for name, resource in RESOURCES.items()}
    locate = _curated_locator(curated, frames)
    findings = frame_findings(frames)
    if findings:
        raise InputError([locate(f) for f in findings])
    return Assembled(frames, curated, report)


def _swap_into_place(staging: Path, root: Path) -> None:
    """Replace the published outputs with the staged ones, keeping the old until all moved."""
    backup = Path(tempfile.mkdtemp(prefix=".previous-", dir=root))
    moved: list[str] = []
    try:
        for name in PUBLISHED:
            if (root / name).exists():
                os.replace(root / name, backup / name)
            moved.append(name)
            os.replace(staging / name, root / name)
    except OSError:
        for name in moved:  # put the previous outputs back
            if (backup / name).exists():
                if (root / name).is_dir():
                    shutil.rmtree(root / name)
                os.replace(backup / name, root / name)
        raise
    shutil.rmtree(backup)


def build(root: Path) -> Assembled:
    """Build, validate and publish the package under ``root``; raise InputError on bad input."""
    assembled = assemble(root)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        write_package(assembled.frames, staging)
        # The written files get the same validation a user runs on a downloaded copy.
        report = validate_package(staging, texts=root / "sources" / "articles")
        if not report.valid:
            raise InputError(report.problems)
        _swap_into_place(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return assembled


def summary(assembled: Assembled) -> str:
    lines = ["Tables:"]
    lines += [f"  {name}: {len(frame)} rows" for name, frame in assembled.frames.items()]
    return "\n".join(lines) + "\n" + format_report(assembled.coverage)
