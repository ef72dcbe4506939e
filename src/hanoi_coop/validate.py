"""Stage 5, validation: Pandera on every frame, the cross-table rules, and Frictionless on files.

Findings are located for the user: during a build, by the curated file and line the row came
from; for a published package, by the data file and the line a user sees in it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import frictionless
import pandas as pd
import pandera.pandas as pa

from hanoi_coop.errors import Problem
from hanoi_coop.metadata import RESOURCES
from hanoi_coop.rules import Finding, check_rules
from hanoi_coop.schemas import all_pandera_schemas

Locator = Callable[[Finding], Problem]


def pandera_findings(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    found = []
    for name, schema in all_pandera_schemas().items():
        try:
            schema.validate(frames[name], lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
            for case in cases.itertuples(index=False):
                row = -1 if pd.isna(case.index) else int(case.index)
                column = None if pd.isna(case.column) else str(case.column)
                found.append(Finding(name, row, column, f"pandera:{case.check}",
                                     f"fails {case.check}", case.failure_case))
    return found


def frame_findings(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """Everything wrong with typed frames: column checks, then cross-table rules."""
    found = pandera_findings(frames)
    return found + check_rules(frames)


def frictionless_problems(descriptor_path: Path) -> list[Problem]:
    """Frictionless's own report on a package folder, one problem per error."""
    report = frictionless.Package(str(descriptor_path)).validate()
    problems = []
    for task in report.tasks:
        resource = RESOURCES.get(task.name.removesuffix("-parquet"))
        for error in task.errors:
            line = getattr(error, "row_number", None)
            row = getattr(error, "row_number", None)
            problems.append(Problem(
                task.place or task.name, f"frictionless:{error.type}", error.message,
                record=None if row is None or resource is None else f"row {row - 1}",
                line=line, field=getattr(error, "field_name", None),
                value=getattr(error, "cell", None)))
    for error in report.errors:
        problems.append(Problem(str(descriptor_path), f"frictionless:{error.type}",
                                error.message))
    return problems


def file_locator(frames: dict[str, pd.DataFrame], parquet: bool = False) -> Locator:
    """Locate a finding in a published file: CSV line (header is line 1) or Parquet row."""
    def locate(finding: Finding) -> Problem:
        resource = RESOURCES[finding.table]
        frame = frames[finding.table]
        path = f"data/parquet/{finding.table}.parquet" if parquet else \
            f"data/csv/{finding.table}.csv"
        record = None
        if 0 <= finding.row < len(frame):
            record = str(frame.at[finding.row, resource.primary_key])
        return Problem(path, finding.rule, finding.message, record=record,
                       line=None if parquet or finding.row < 0 else finding.row + 2,
                       field=finding.field,
                       value=None if finding.value is None else str(finding.value))
    return locate
