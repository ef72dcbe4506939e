"""Dates that keep what the text knows and no more (EDTF via the ``edtf`` package)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time
from dataclasses import dataclass
from typing import Any

from hanoi_coop.metadata.fields import DATE_PARTS

_SEASON_CODES = {str(code) for code in range(21, 42)}


class DateError(ValueError):
    pass


# The edtf package's grammar tries every level of the standard for each value (6 ms a value);
# most of ours are level 0 or 1 (a date, an unknown digit, a qualifier), which its own
# level grammars read ten times faster. A value neither reads goes to the whole grammar, so
# the answer is always the package's (a property test holds the two together). The grammar
# is imported here, when a value needs it (0.1 s): the package's own dates have bounds
# without it (below), so most commands never load it.
def parse(value: str) -> Any:
    import edtf
    import pyparsing
    from edtf.parser import grammar as edtf_grammar

    for level in (edtf_grammar.level0Expression, edtf_grammar.level1Expression):
        try:
            return level.parse_string(value, parse_all=True)[0]
        except pyparsing.ParseBaseException:
            continue
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


# A plain date (a year, a month or a day, with at most a qualifier) needs no grammar for its
# bounds: most of the package's dates are such. The rule is the edtf package's level 0 (a
# day up to 29 in February, 30 or 31 by month), held to the package by a property test.
_PLAIN = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])(?:-(\d{2}))?)?[?~%]?")
_LAST_DAY = {2: 29, 4: 30, 6: 30, 9: 30, 11: 30}
# A day or month of an unknown year: the package reads any day up to 31 and no qualifier.
_UNKNOWN_YEAR = re.compile(r"XXXX(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


def _plain_bounds(value: str) -> tuple[str, str] | None:
    match = _PLAIN.fullmatch(value)
    if match is None:
        return None
    year, month, day = match.groups()
    if day is not None:
        if not 1 <= int(day) <= _LAST_DAY.get(int(month), 31):
            raise DateError(f"not a valid EDTF date: {value!r}")
        return f"{year}-{month}-{day}", f"{year}-{month}-{day}"
    if month is not None:
        last = calendar.monthrange(int(year), int(month))[1]
        return f"{year}-{month}-01", f"{year}-{month}-{last:02d}"
    return f"{year}-01-01", f"{year}-12-31"


# A quarter (EDTF's sub-year groupings 33-36) and an interval between two plain dates are the
# other forms the package uses; their bounds follow from their parts (the edtf package's
# rule, held to it by the same property test).
_QUARTER = re.compile(r"(\d{4})-(3[3-6])")
_QUARTER_MONTHS = {"33": ("01-01", "03-31"), "34": ("04-01", "06-30"),
                   "35": ("07-01", "09-30"), "36": ("10-01", "12-31")}


def _formed_bounds(value: str) -> tuple[str, str] | None:
    """Bounds of a plain date, a quarter or an interval of two plain dates; None otherwise."""
    start, slash, end = value.partition("/")
    if slash:
        first, last = _plain_bounds(start), _plain_bounds(end)
        return None if first is None or last is None else (first[0], last[1])
    quarter = _QUARTER.fullmatch(value)
    if quarter is not None:
        year, code = quarter.groups()
        return tuple(f"{year}-{day}" for day in _QUARTER_MONTHS[code])  # type: ignore[return-value]
    return _plain_bounds(value)


def is_edtf(value: str) -> bool:
    """A date the package can read and bound."""
    try:
        bounds(value)
    except DateError:
        return False
    return True


def bounds(value: str) -> tuple[str | None, str | None]:
    """Earliest and latest ISO dates; (None, None) when the year is unknown."""
    formed = _formed_bounds(value)
    if formed is not None:
        return formed
    if _UNKNOWN_YEAR.fullmatch(value):
        return None, None
    parsed = parse(value)
    if "XXXX" in value:
        return None, None
    try:
        return _iso(parsed.lower_strict()), _iso(parsed.upper_strict())
    except Exception as exc:  # the package parses some values it cannot bound ("0000-0X-01")
        raise DateError(f"not a date with bounds: {value!r}") from exc


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


# --- the one rule for years the text does not print -------------------------------------------
# A month and day, a month, or only the year, printed without a year: "February 5"
# (XXXX-02-05), "late August" (XXXX-08), "is currently visiting" (the article's own year).
_YEARLESS = re.compile(r"^(?:\d{4}|XXXX)(?:-(\d{2})(?:-(\d{2}))?)?\??$")
_PRINTED_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


@dataclass(frozen=True)
class Clue:
    """A period the article speaks of as over (``past``) or still ahead (``future``)."""

    tense: str
    earliest: dt.date
    latest: dt.date


Yearless = tuple[int | None, int | None]  # (month, day); (None, None): only a year


def yearless(text: str | None, edtf_value: str | None) -> Yearless | None:
    """(month or None, day or None) of a date whose words print no year; None for any other
    date (a printed year, a quarter, an interval, no EDTF at all)."""
    if not edtf_value or (text and _PRINTED_YEAR.search(text)):
        return None
    match = _YEARLESS.match(edtf_value)
    if not match:
        return None
    month, day = match.groups()
    return (int(month) if month else None), (int(day) if day else None)


def _span(year: int, month: int | None, day: int | None) -> tuple[dt.date, dt.date] | None:
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is not None:
            return dt.date(year, month, day), dt.date(year, month, day)
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1), dt.date(year, month, last)
    except ValueError:  # 29 February of a common year
        return None


def _allowed(year: int, month: int | None, day: int | None, clues: list[Clue]) -> bool:
    span = _span(year, month, day)
    if span is None:
        return False
    start, end = span
    return all(end > c.latest if c.tense == "past" else start <= c.latest for c in clues)


def infer_year(month: int | None, day: int | None, clues: list[Clue]) -> tuple[str, str]:
    """The EDTF and year basis the one rule gives a yearless date of an article with ``clues``.

    A past clue puts the date after the clue's period; a future clue puts it no later than the
    end of the clue's period. With no clue the year is unknown (XXXX). Bounded on both sides
    to one year: that year, inferred. Otherwise the year nearest the bounds (the first after
    a past clue, else the last before a future one), inferred and marked uncertain ('?').
    No year at all (clues that contradict each other) raises DateError.
    """
    tail = "" if month is None else f"-{month:02d}" + (f"-{day:02d}" if day is not None else "")
    if not clues:
        return f"XXXX{tail}", "unknown"
    years = [c.latest.year for c in clues]
    allowed = [y for y in range(min(years) - 1, max(years) + 6)  # 29 February: 4 years on
               if _allowed(y, month, day, clues)]
    if not allowed:
        raise DateError("the article's year clues allow no year for this date")
    has_past = any(c.tense == "past" for c in clues)
    has_future = any(c.tense == "future" for c in clues)
    if has_past and has_future and len(allowed) == 1:
        return f"{allowed[0]}{tail}", "inferred"
    year = allowed[0] if has_past else allowed[-1]
    return f"{year}{tail}?", "inferred"
