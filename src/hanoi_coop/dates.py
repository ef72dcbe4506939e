"""Dates that keep what the text knows and no more (EDTF via the ``edtf`` package)."""

from __future__ import annotations

import functools
import time

import edtf

from hanoi_coop.metadata.fields import DATE_PARTS

_SEASON_CODES = {str(code) for code in range(21, 42)}


class DateError(ValueError):
    pass


@functools.lru_cache(maxsize=4096)  # the parser is slow and dates repeat across rows
def parse(value: str) -> edtf.parser.parser_classes.EDTFObject:
    try:
        return edtf.parse_edtf(value)
    except Exception as exc:  # the edtf parser raises several exception types
        raise DateError(f"not a valid EDTF date: {value!r}") from exc


def _iso(struct: time.struct_time) -> str:
    return f"{struct.tm_year:04d}-{struct.tm_mon:02d}-{struct.tm_mday:02d}"


def precision(value: str) -> str:
    """day, month, quarter, year, interval or unknown, from the EDTF string's form."""
    if "/" in value:
        return "interval"
    core = value.rstrip("?~%")
    parts = core.split("-")
    if len(parts) == 3:
        return "day"
    if len(parts) == 2:
        return "quarter" if parts[1] in _SEASON_CODES else "month"
    return "year" if parts[0].isdigit() else "unknown"


def bounds(value: str) -> tuple[str | None, str | None]:
    """Earliest and latest ISO dates; (None, None) when the year is unknown."""
    parsed = parse(value)
    if "XXXX" in value:
        return None, None
    return _iso(parsed.lower_strict()), _iso(parsed.upper_strict())


def date_columns(prefix: str, spec: dict | None) -> dict[str, str | None]:
    """The seven published date columns from a curated ``{text, edtf, year_basis, year_note}``."""
    spec = spec or {}
    value = spec.get("edtf")
    earliest, latest = bounds(value) if value else (None, None)
    # A phrase with no date in it ("is currently visiting") is a date of unknown precision.
    dated = value is not None or spec.get("text") is not None
    values = {
        "text": spec.get("text"),
        "edtf": value,
        "earliest": earliest,
        "latest": latest,
        "precision": precision(value) if value else ("unknown" if dated else None),
        "year_basis": spec.get("year_basis") or (
            None if not dated else "stated" if value and "XXXX" not in value else "unknown"),
        "year_note": spec.get("year_note"),
    }
    return {f"{prefix}_{part}": values[part] for part in DATE_PARTS}
