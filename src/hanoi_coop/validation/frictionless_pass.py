"""The model's custom checks (EDTF, NFC) as a Frictionless check, so Frictionless applies them
too. The same functions back the Pandera checks (``checks.py``): one rule, two engines."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable
from pathlib import Path

import attrs
import frictionless
from frictionless import errors

from hanoi_coop.custom_checks import CHECKS
from hanoi_coop.layout import PARQUET_SUFFIX
from hanoi_coop.metadata import RESOURCES, Resource
from hanoi_coop.package_open import inside_package, safe_relative


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


def _file_digest(root: Path, relative: object) -> str:
    """The sha256 of a file the descriptor names (checked as ``open_package`` checks it:
    nothing outside the package is read); empty when there is none."""
    if not isinstance(relative, str):
        return ""
    path = inside_package(root, str(safe_relative(relative)))
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _read_by(entry: object, resources: list) -> list:
    """The resource descriptor and those its foreign keys read rows from."""
    schema = entry.get("schema") if isinstance(entry, dict) else None
    keys = schema.get("foreignKeys", []) if isinstance(schema, dict) else []
    targets = {fk["reference"].get("resource") for fk in keys if isinstance(fk, dict)
               and isinstance(fk.get("reference"), dict)} if isinstance(keys, list) else set()
    return [entry, *(r for r in resources if isinstance(r, dict) and r.get("name") in targets
                     and r is not entry)]


def descriptor_key(descriptor: dict) -> str:
    """A digest of the descriptor, which Frictionless checks as a whole before any row."""
    return hashlib.sha256(json.dumps(descriptor, sort_keys=True, default=str).encode()
                          ).hexdigest()


def _model_checks(entry: object) -> str:
    """The checks ``ModelChecks`` applies to a resource's fields, as text."""
    resource = _model_table(str(entry.get("name")) if isinstance(entry, dict) else "")
    return "" if resource is None else repr([(f.name, f.checks) for f in resource.fields])


def resource_keys(descriptor: dict, root: Path) -> list[str]:
    """For each resource, a digest of everything its rows' report depends on: its own
    descriptor and those of the resources its foreign keys read, the bytes of their files
    (and of a schema or dialect given as a file), and the model's checks of its fields
    (``ModelChecks``). The package's other properties are the descriptor's check
    (``descriptor_key``)."""
    resources = descriptor["resources"]
    keys = []
    for entry in resources:
        digest = hashlib.sha256(_model_checks(entry).encode())
        for read in _read_by(entry, resources):
            digest.update(json.dumps(read, sort_keys=True, default=str).encode())
            if isinstance(read, dict):
                for part in ("path", "schema", "dialect"):
                    digest.update(_file_digest(root, read.get(part)).encode())
        keys.append(digest.hexdigest())
    return keys


def validate_resources(descriptor: dict, root: Path, positions: Collection[int]
                       ) -> frictionless.Report | list[frictionless.Report]:
    """Frictionless on the resources at ``positions`` of the package: the package's report
    when its descriptor is invalid (nothing else is read), else one report per resource.
    Each resource reads the rows its foreign keys need from the others, as in a whole run."""
    try:  # a descriptor Frictionless refuses to open is its report too, not a crash
        package = frictionless.Package(descriptor, basepath=str(root))
        package.to_descriptor(validate=True)  # what Package.validate checks first
    except frictionless.FrictionlessException as exception:
        return frictionless.Report.from_validation(errors=exception.to_errors())
    checklist = frictionless.Checklist(checks=[ModelChecks()])
    return [package.resources[i].validate(checklist=checklist) for i in positions]
