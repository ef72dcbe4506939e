"""The model's custom checks (EDTF, NFC) as a Frictionless check, so Frictionless applies them
too. The same functions back the Pandera checks (``checks.py``): one rule, two engines."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

import attrs
import frictionless
from frictionless import errors

from hanoi_coop.layout import PARQUET_SUFFIX
from hanoi_coop.metadata import RESOURCES, Resource
from hanoi_coop.package.model_checks import CHECKS


def _model_table(resource_name: str) -> Resource | None:
    """The model's table a resource (CSV or Parquet) holds, if any."""
    return RESOURCES.get(resource_name.removesuffix(PARQUET_SUFFIX))


@attrs.define(kw_only=True, repr=False)
class ModelChecks(frictionless.Check):
    """Apply each field's named model checks to every row of a package resource."""

    type = "hanoi-coop-model-checks"
    Errors = [errors.ConstraintError]

    def validate_row(self, row: frictionless.Row) -> Iterable[frictionless.Error]:
        resource = _model_table(self.resource.name)
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


def selected(descriptor: dict, tables: Collection[str] | None) -> dict:
    """What Frictionless is run on: the whole package, or the CSV resources of ``tables`` and
    of the tables their foreign keys need (what a check of a few tables costs, not of all)."""
    if tables is None:
        return descriptor
    needed = with_references(tables)
    return {**descriptor, "resources": [
        r for r in descriptor["resources"]
        if isinstance(r, dict) and r.get("name") in needed and r.get("format") == "csv"]}


def validate_resources(descriptor: dict, root: Path
                       ) -> frictionless.Report | list[frictionless.Report]:
    """Frictionless on every resource of the package: the package's report when its
    descriptor is invalid (nothing else is read), else one report per resource. Each resource
    reads the rows its foreign keys need from the others, as in a whole run."""
    try:  # a descriptor Frictionless refuses to open is its report too, not a crash
        package = frictionless.Package(descriptor, basepath=str(root))
        package.to_descriptor(validate=True)  # what Package.validate checks first
    except frictionless.FrictionlessException as exception:
        return frictionless.Report.from_validation(errors=exception.to_errors())
    checklist = frictionless.Checklist(checks=[ModelChecks()])
    return [resource.validate(checklist=checklist) for resource in package.resources]
