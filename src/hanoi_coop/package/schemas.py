"""Generate every schema from the one metadata model: Table Schema, Pandera, Arrow, pandas."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
from pandera.engines import pandas_engine

from hanoi_coop.metadata import Field, Resource
from hanoi_coop.package.model_checks import PATTERN_CHECKS  # (and registers the Pandera checks)

MISSING_VALUES = [""]



# --- Frictionless Table Schema -----------------------------------------------------------------
def _field_descriptor(field: Field) -> dict:
    constraints: dict = {}
    if field.required:
        constraints["required"] = True
    if field.unique:
        constraints["unique"] = True
    if field.enum is not None:
        constraints["enum"] = list(field.enum)
    if field.pattern is not None:
        constraints["pattern"] = field.pattern
    if field.minimum is not None:
        constraints["minimum"] = field.minimum
    if field.maximum is not None:
        constraints["maximum"] = field.maximum
    descriptor = {"name": field.name, "title": field.label, "type": field.type,
                  "description": field.description, **field.column_type.table_schema}
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def table_schema(resource: Resource, fk_suffix: str = "") -> dict:
    """The Frictionless Table Schema of one table; ``fk_suffix`` names the format's resources."""
    schema: dict = {
        "fields": [_field_descriptor(f) for f in resource.fields],
        "missingValues": MISSING_VALUES,
        "primaryKey": [resource.primary_key],
    }
    if resource.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": [fk.fields],
             "reference": {"resource": fk.resource + fk_suffix, "fields": [fk.reference]}}
            for fk in resource.foreign_keys
        ]
    return schema


# --- Pandera -----------------------------------------------------------------------------------
def _pandera_checks(field: Field) -> list[pa.Check]:
    found = []
    if field.enum is not None:
        found.append(pa.Check.isin(list(field.enum)))
    if field.pattern in PATTERN_CHECKS:
        found.append(getattr(pa.Check, f"is_{PATTERN_CHECKS[field.pattern][0]}")())
    elif field.pattern is not None:
        found.append(pa.Check.str_matches(field.pattern))
    if field.minimum is not None:
        found.append(pa.Check.ge(field.minimum))
    if field.maximum is not None:
        found.append(pa.Check.le(field.maximum))
    found += [getattr(pa.Check, f"is_{name}")() for name in field.checks]
    return found


class WholeColumnString(pandas_engine.STRING):
    """Pandera's text dtype (the same name in every exported schema), whose check of a column
    already of that dtype answers for the whole column. Pandera's own answers cell by cell
    and then formats the (empty) failure cases and their repr for every text column that
    passes: a third of its time on this package's tables. Any other dtype is Pandera's check,
    cell by cell as before (text held as objects)."""

    def check(self, pandera_dtype: Any, data_container: Any = None) -> Any:
        try:
            exact = pandas_engine.Engine.dtype(pandera_dtype).type == self.type
        except TypeError:
            exact = False
        return True if exact else super().check(pandera_dtype, data_container)


def _pandera_dtype(field: Field) -> Any:
    dtype = field.column_type.pandas_dtype
    if isinstance(dtype, pd.StringDtype):
        return WholeColumnString(storage=dtype.storage)  # type: ignore[call-arg]  # a Pandera dataclass
    return dtype


def pandera_schema(resource: Resource) -> pa.DataFrameSchema:
    """The Pandera schema of one table, for frames typed by ``typed_frame``."""
    columns = {
        f.name: pa.Column(_pandera_dtype(f), checks=_pandera_checks(f),
                          nullable=not f.required,
                          unique=f.unique and f.name != resource.primary_key,
                          description=f.description, title=f.label)
        for f in resource.fields
    }
    # The primary key: like Frictionless, report each repeat after its first occurrence.
    return pa.DataFrameSchema(columns, name=resource.name, strict=True, ordered=True,
                              unique=[resource.primary_key], report_duplicates="exclude_first",
                              description=resource.description)


# --- Arrow and pandas ------------------------------------------------------------------------
def _field_metadata(field: Field) -> dict[str, str]:
    """What pyarrow, DuckDB and polars users see of a column: its title, description and,
    for a code, its codelist (JSON)."""
    metadata = {"title": field.label, "description": field.description}
    if field.enum:
        metadata["codelist"] = json.dumps(list(field.enum), ensure_ascii=False)
    return metadata


def arrow_schema(resource: Resource) -> pa_arrow.Schema:
    """The table's Arrow schema, documented from the model (field and table metadata)."""
    return pa_arrow.schema(
        [pa_arrow.field(f.name, f.column_type.arrow_type, nullable=not f.required,
                        metadata=_field_metadata(f)) for f in resource.fields],
        metadata={"title": resource.title, "description": resource.description,
                  "primary_key": resource.primary_key})


def arrow_table(resource: Resource, frame: pd.DataFrame) -> pa_arrow.Table:
    """A typed frame as the Arrow table its Parquet file holds."""
    arrays = [f.column_type.arrow_array(frame[f.name]) for f in resource.fields]
    return pa_arrow.Table.from_arrays(arrays, schema=arrow_schema(resource))


def typed_frame(resource: Resource, rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame in the package's dtypes, sorted by primary key."""
    frame = pd.DataFrame({f.name: f.column_type.cast_list([row.get(f.name) for row in rows])
                          for f in resource.fields})
    return frame.sort_values(resource.primary_key, kind="stable").reset_index(drop=True)


def cast_column(column: pd.Series, field: Field) -> pd.Series:
    """One column in its package dtype (raises ValueError/TypeError on a bad value)."""
    return field.column_type.cast(column)
