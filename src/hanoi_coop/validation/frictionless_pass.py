"""The model's custom checks (EDTF, NFC) as a Frictionless check, so Frictionless applies them
too. The same functions back the Pandera checks (``checks.py``): one rule, two engines."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import frictionless
from frictionless import errors

from hanoi_coop.layout import PARQUET_SUFFIX
from hanoi_coop.metadata import RESOURCES
from hanoi_coop.validation.custom_checks import CHECKS


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


def validate_with_frictionless(descriptor_path: str) -> frictionless.Report:
    package = frictionless.Package(descriptor_path)
    return package.validate(checklist=frictionless.Checklist(checks=[ModelChecks()]))
