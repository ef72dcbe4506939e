"""The build: sources -> curated records -> evidence -> tables -> validation -> publish.

Outputs are written to a temporary folder and moved into place only when every check passed,
so a failing build leaves the previous data/, schemas/ and datapackage.json untouched.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from hanoi_coop.assemble.authorities import link_authorities
from hanoi_coop.assemble.coverage import SourceCoverage, coverage, excused_spans, format_report
from hanoi_coop.assemble.derivation import derived_frames
from hanoi_coop.assemble.evidence import locate_claims
from hanoi_coop.assemble.name_coverage import NameCoverage, format_name_report, name_coverage
from hanoi_coop.errors import Finding, InputError, Problem
from hanoi_coop.ingest.curation import Curated, load_curated
from hanoi_coop.ingest.inputs import read_inputs
from hanoi_coop.ingest.sources import load_sources, source_rows
from hanoi_coop.layout import (
    CROISSANT,
    CURATED,
    DATA,
    DESCRIPTOR,
    EXCLUSIONS,
    SCHEMAS,
    SOURCES_FILE,
    SOURCES_FOLDER,
    article_path,
)
from hanoi_coop.metadata import EVIDENCE, RESOURCES, SEGMENTS, SOURCES
from hanoi_coop.package.schemas import typed_frame
from hanoi_coop.package.write import schema_files, write_package
from hanoi_coop.validation.validate import frame_findings, written_problems
from hanoi_coop.version import package_version

PUBLISHED = (DATA, SCHEMAS, DESCRIPTOR, CROISSANT)
LOCK_FILE = ".hanoi-coop.lock"
PUBLISH_JOURNAL = ".publish-journal.json"


@dataclass
class Assembled:
    frames: dict[str, pd.DataFrame]
    curated: Curated
    coverage: list[SourceCoverage]
    names: list[NameCoverage] = field(default_factory=list)


def _curated_locator(curated: Curated, frames: dict[str, pd.DataFrame]):
    evidence_origin: dict[tuple[str, str], tuple[str, int]] = {}
    for claim in curated.claims:
        evidence_origin.setdefault((claim.table, claim.record_id), (claim.file, claim.line))

    def locate(finding: Finding) -> Problem:
        resource = RESOURCES[finding.table]
        frame = frames[finding.table]
        record = None
        if 0 <= finding.row < len(frame):
            record = str(frame.at[finding.row, resource.primary_key])
        file, line = SOURCES_FILE, None
        origin = curated.origins.get((finding.table, record or ""))
        if origin is not None:
            file = origin.file
            line = origin.field_lines.get(finding.field or "", origin.line)
        elif finding.table == EVIDENCE and record is not None:
            row = frame.iloc[finding.row]
            file, line = evidence_origin.get((row["table_name"], row["record_id"]), (file, None))
        return Problem(file, finding.rule, finding.message, record=record, line=line,
                       field=finding.field,
                       value=None if finding.value is None else str(finding.value))
    return locate


def assemble(root: Path) -> Assembled:
    """Read the inputs under ``root`` and return validated frames, or raise InputError."""
    inputs = read_inputs(root)  # each file read once, checked against its schema first
    sources = load_sources(root / SOURCES_FOLDER, inputs[SOURCES_FILE])
    curated = load_curated(root / CURATED, inputs)
    link_problems = link_authorities(curated)
    if link_problems:
        raise InputError(link_problems)
    evidence_rows, problems = locate_claims(curated.claims, sources)
    if problems:  # coverage would only echo the quotes that were not found
        raise InputError(problems)
    # From here every stage runs on complete evidence, so each reports all it finds and the
    # build stops once, with the numbers, the rows' rules and the names together.
    excused, problems = excused_spans(inputs[EXCLUSIONS], sources)
    if problems:  # a broken exclusion would only come back as the mention it fails to excuse
        raise InputError(problems)
    report = coverage(sources, evidence_rows, excused)
    for item in report:
        for m in item.uncovered:
            problems.append(Problem(
                article_path(m.source_id), "coverage", "number or date neither "
                f"cited by a quote nor listed in {EXCLUSIONS}",
                line=m.line_no, value=m.text))
    source_table, segment_table = source_rows(sources)
    for row in segment_table:
        row[RESOURCES[SEGMENTS].primary_key] = RESOURCES[SEGMENTS].row_id(row)
    rows = {**curated.rows, SOURCES: source_table, SEGMENTS: segment_table,
            EVIDENCE: evidence_rows}
    frames = derived_frames({name: typed_frame(resource, rows.get(name, []))
                             for name, resource in RESOURCES.items()})
    locate = _curated_locator(curated, frames)
    problems += [locate(f) for f in frame_findings(frames)]
    names, name_problems = name_coverage(sources, frames, excused)
    problems += name_problems
    if problems:
        raise InputError(problems)
    return Assembled(frames, curated, report, names)


@contextmanager
def exclusive(root: Path) -> Iterator[None]:
    """One build or release at a time in ``root``: a second one waits for the first."""
    with (root / LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _roll_forward(staging: Path, root: Path) -> None:
    """Move every staged output into place; safe to run again after any interruption."""
    replaced = staging / ".replaced"
    replaced.mkdir(exist_ok=True)
    for name in PUBLISHED:
        if not (staging / name).exists():
            continue  # moved on an earlier run
        if (root / name).exists() or (root / name).is_symlink():
            _remove(replaced / name)
            os.replace(root / name, replaced / name)
        os.replace(staging / name, root / name)
    shutil.rmtree(staging)


def _publish(staging: Path, root: Path) -> None:
    """All or nothing: the journal names the complete, validated staging folder before the
    first rename, so an interrupted publish is finished by the next run (``recover``)."""
    journal = root / PUBLISH_JOURNAL
    partial = journal.with_suffix(".tmp")
    partial.write_text(json.dumps({"staging": staging.name}), encoding="utf-8")
    os.replace(partial, journal)
    _roll_forward(staging, root)
    journal.unlink()


def recover(root: Path) -> str | None:
    """Finish a publish that was interrupted and clear abandoned staging folders; call it
    holding the lock. Returns what was done, if anything."""
    done = None
    journal = root / PUBLISH_JOURNAL
    if journal.exists():
        staging = root / json.loads(journal.read_text(encoding="utf-8"))["staging"]
        if staging.exists():
            _roll_forward(staging, root)
            done = f"finished an interrupted publish from {staging.name}"
        journal.unlink()
    for abandoned in [*root.glob(".build-*"), *root.glob(".previous-*")]:
        shutil.rmtree(abandoned, ignore_errors=True)
    return done


def stage(root: Path, staging: Path, version: str | None = None) -> Assembled:
    """Build from the inputs into ``staging``: the frames are checked once (``assemble``),
    written, and the written files proven to read back to exactly those frames."""
    assembled = assemble(root)
    version = version or package_version()
    schemas = schema_files()  # the model's, made once: written, then compared with the files
    write_package(assembled.frames, staging, version, schemas)
    problems = written_problems(staging, assembled.frames, version, schemas)
    if problems:
        raise InputError(problems)
    return assembled


def build(root: Path) -> Assembled:
    """Build, validate and publish the package under ``root``; raise InputError on bad input."""
    with exclusive(root):
        recover(root)
        staging = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
        try:
            assembled = stage(root, staging)
            _publish(staging, root)
        finally:
            if not (root / PUBLISH_JOURNAL).exists():
                shutil.rmtree(staging, ignore_errors=True)
    return assembled


def summary(assembled: Assembled) -> str:
    lines = ["Tables:"]
    lines += [f"  {name}: {len(frame)} rows" for name, frame in assembled.frames.items()]
    return "\n".join([*lines, format_report(assembled.coverage),
                      format_name_report(assembled.names)])
