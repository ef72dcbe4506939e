"""The column types, each described once: how a value is held in pandas, Arrow and SQLite, how
a curated YAML value becomes a cell, and how a cell is written to CSV and read back.

Adding a type means adding one ``ColumnType`` here; the build, the CSV and Parquet writers and
readers, the SQLite export, the curated-input schema and the Table Schema all use these.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_INTEGER = r"^-?\d+$"
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_SMALL = 10_000  # rows up to which a column is cast from a Python list
_DATE = r"^\d{4}-\d{2}-\d{2}$"


@dataclass(frozen=True)
class ColumnType:
    """One Table Schema type and everything the package does with it."""

    name: str
    pandas_dtype: Any
    arrow_type: pa.DataType
    sqlite_type: str
    json_type: str  # in curated YAML (JSON Schema)
    # A curated YAML scalar as a cell value; raises ValueError with what was expected.
    from_yaml: Callable[[Any], Any]
    # One present value as CSV text.
    format_value: Callable[[Any], str]
    # CSV text of non-empty cells -> (values in the package dtype, mask of cells that do not
    # parse); empty cells are missing.
    parse_text: Callable[[pd.Series], tuple[pd.Series, pd.Series]]
    # One present value as SQLite stores it.
    to_sqlite: Callable[[Any], Any]
    table_schema: dict = field(default_factory=dict)  # extra Table Schema field properties
    # The same text for a whole column, where one vectorised call beats a call per value
    # (None: per value; floats keep Python's repr, which no vectorised formatter promises).
    format_column: Callable[[pd.Series], pd.Series] | None = None
    croissant_type: str = "sc:Text"  # the schema.org data type Croissant readers cast to

    def cast(self, column: pd.Series) -> pd.Series:
        """A column of Python values in the package dtype (raises on a bad value)."""
        if self.name != DATE and len(column) <= _SMALL:
            return pd.Series(self.cast_list(column.tolist()), index=column.index,
                             name=column.name)
        column = column.astype(object).where(column.notna(), None)
        if self.name == DATE:
            return pd.to_datetime(column, format="%Y-%m-%d").astype(self.pandas_dtype)
        return column.astype(self.pandas_dtype)

    def cast_list(self, values: list) -> Any:
        """Python values as an array in the package dtype: one array from a list, several
        times faster than a Series and astype for the small columns the build makes (astype
        is the faster one for millions of values, see ``cast``)."""
        if self.name == DATE or len(values) > _SMALL:
            return self.cast(pd.Series(values, dtype=object)).array
        return pd.array([None if is_missing(v) else v for v in values], dtype=self.pandas_dtype)

    def text_cells(self, column: pd.Series) -> list[str]:
        """The column as the CSV cells carry it: missing values as empty cells."""
        if self.format_column is not None and len(column) > _SMALL:
            text = self.format_column(column)
            return text.where(column.notna(), "").astype(object).tolist()
        # Per value from a list: pandas' per-column overhead dominates small tables.
        fmt = self.format_value
        return ["" if is_missing(v) else fmt(v) for v in column.tolist()]

    def arrow_chunks(self, column: pd.Series) -> pa.Array | pa.ChunkedArray:
        """The column in Arrow, of ``arrow_type``, converted by Arrow (no Python value per
        cell), in the chunks pandas holds it in (no copy of the data to make one)."""
        if self.name == DATE:
            days = column if column.dtype.kind == "M" else pd.to_datetime(column)
            return pa.array(days, from_pandas=True).cast(self.arrow_type)
        return pa.array(column, type=self.arrow_type, from_pandas=True)

    def arrow_array(self, column: pd.Series) -> pa.Array:
        """The column as one Arrow array of ``arrow_type`` (one chunk, so the Parquet bytes do
        not depend on how it was built)."""
        array = self.arrow_chunks(column)
        return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array

    def from_arrow(self, column: pd.Series) -> pd.Series:
        """A column as pyarrow's ``to_pandas`` gives it, in the package dtype."""
        if self.name == DATE:
            return pd.to_datetime(column).astype(self.pandas_dtype)
        return column.astype(self.pandas_dtype)


def is_missing(value: Any) -> bool:
    """None, NA, NaT or NaN: a missing cell, however pandas holds it."""
    return (value is None or value is pd.NA or value is pd.NaT
            or (isinstance(value, float) and math.isnan(value)))


STRING, INTEGER, NUMBER, BOOLEAN, DATE = "string", "integer", "number", "boolean", "date"


def _text_from_yaml(value: Any) -> str:
    if isinstance(value, bool | dict | list):
        raise ValueError("expected text")
    return str(value)


def _integer_from_yaml(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("expected a whole number")
    return value


def _number_from_yaml(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected a number")
    if not math.isfinite(value):
        raise ValueError("expected a finite number (not .inf or .nan)")
    return float(value)


def _boolean_from_yaml(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _iso_day(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _parse_string(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    return text.replace("", pd.NA), pd.Series(False, index=text.index)


def _parse_integer(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    # Arrow's regex and cast, not pandas' (ten times faster on a large column). A whole number
    # beyond 64 bits is no valid cell: it is reported, never wrapped round.
    cells = pa.array(text, type=pa.string(), from_pandas=True)
    whole = pc.fill_null(pc.match_substring_regex(cells, _INTEGER), False)
    try:
        values = pc.cast(pc.if_else(whole, cells, None), pa.int64())
    except pa.ArrowInvalid:
        fits = [v is not None and _INT64_MIN <= int(v) <= _INT64_MAX
                for v in pc.if_else(whole, cells, None).to_pylist()]
        whole = pa.array(fits, type=pa.bool_())
        values = pc.cast(pc.if_else(whole, cells, None), pa.int64())
    bad = pc.and_(pc.invert(whole), pc.not_equal(cells, ""))
    return (pd.Series(values.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get).array,
                      index=text.index),
            pd.Series(bad.to_numpy(zero_copy_only=False), index=text.index))


def _parse_number(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    empty = text == ""
    values = pd.to_numeric(text.where(~empty), errors="coerce")
    return values.astype(pd.Float64Dtype()), values.isna() & ~empty


def _parse_boolean(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    empty = text == ""
    ok = text.isin(["true", "false"]).astype(bool)
    values = text.map({"true": True, "false": False}).astype(pd.BooleanDtype())
    return values.where(ok, pd.NA), ~ok & ~empty


def _parse_date(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    empty = text == ""
    values = pd.to_datetime(text.where(text.str.match(_DATE).astype(bool)),
                            format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    return values, values.isna() & ~empty


TYPES: dict[str, ColumnType] = {t.name: t for t in [
    ColumnType(STRING, pd.StringDtype(), pa.string(), "TEXT", "string", _text_from_yaml,
               str, _parse_string, str, format_column=lambda c: c.astype(pd.StringDtype())),
    ColumnType(INTEGER, pd.Int64Dtype(), pa.int64(), "INTEGER", "integer", _integer_from_yaml,
               str, _parse_integer, int, croissant_type="sc:Integer",
               format_column=lambda c: c.astype(pd.Int64Dtype()).astype(pd.StringDtype())),
    # repr keeps every digit of a float and is the same on every platform.
    ColumnType(NUMBER, pd.Float64Dtype(), pa.float64(), "REAL", "number", _number_from_yaml,
               lambda v: repr(float(v)), _parse_number, float, croissant_type="sc:Float"),
    ColumnType(BOOLEAN, pd.BooleanDtype(), pa.bool_(), "INTEGER", "boolean", _boolean_from_yaml,
               lambda v: "true" if v else "false", _parse_boolean, lambda v: int(bool(v)),
               table_schema={"trueValues": ["true"], "falseValues": ["false"]},
               croissant_type="sc:Boolean",
               format_column=lambda c: c.map({True: "true", False: "false"})),
    # Dates are curated as EDTF text; the ISO bound columns are derived by the build.
    ColumnType(DATE, "datetime64[ns]", pa.date32(), "TEXT", "string", str,
               _iso_day, _parse_date, _iso_day,
               # ISO only: "any" would invent a day for "2021"
               table_schema={"format": "default"},
               format_column=lambda c: pd.to_datetime(c).dt.strftime("%Y-%m-%d"),
               croissant_type="sc:Date"),
]}


def column_type(name: str) -> ColumnType:
    try:
        return TYPES[name]
    except KeyError:
        raise ValueError(f"unknown column type {name!r} (known: {', '.join(TYPES)})") from None
