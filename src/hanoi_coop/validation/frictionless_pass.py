"""The model's custom checks (EDTF, NFC) as a Frictionless check, so Frictionless applies them
too. The same functions back the Pandera checks (``checks.py``): one rule, two engines."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from pathlib import Path

import attrs
import frictionless
from frictionless import errors

from hanoi_coop.custom_checks import CHECKS
from hanoi_coop.layout import PARQUET_SUFFIX
from hanoi_coop.metadata import RESOURCES


@attrs.define(kw_only=True, repr=False)
class ModelChecks(frictionless.Check):
    """Apply each field's named model checks to every row of a package resource."""

    type = "hanoi-coop-model-checks"
    Errors = [errors.ConstraintError]

    def validate_row(self, row: frictionless.Row) -> Iterable[frictionless.Error]:
        resource = RESOURCES.get(self.resource.name.removesuffix(PARQUET_SUFFIX))
        if resource is None:
            return
        for field in resource.fields:
            for name in field.checks:
                value = row.get(field.name)
                function, message = CHECKS[name]
                if value is not None and not function(str(value)):
                    yield errors.ConstraintError.from_row(
                        row, note=f"{message} (check {name})", field_name=field.name)


def with_references(tables: Collection[str]) -> set[str]:
    """The tables and every table their foreign keys reach, directly or not."""
    found, todo = set(), list(tables)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += [fk.resource for fk in RESOURCES[name].foreign_keys]
    return found


def validate_with_frictionless(descriptor_path: str,
                               tables: Collection[str] | None = None) -> frictionless.Report:
    """Frictionless on the whole package, or on the CSV files of ``tables`` and of the tables
    their foreign keys need (what a check of a few tables costs, not of all)."""
    if tables is None:
        package = frictionless.Package(descriptor_path)
    else:
        path = Path(descriptor_path)
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        needed = with_references(tables)
        descriptor["resources"] = [r for r in descriptor["resources"]
                                   if r["name"] in needed and r.get("format") == "csv"]
        package = frictionless.Package(descriptor, basepath=str(path.parent))
    return package.validate(checklist=frictionless.Checklist(checks=[ModelChecks()]))
