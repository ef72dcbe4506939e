"""Errors that name the file, the row or record, and the field, so a user can act on them."""

from __future__ import annotations

from dataclasses import dataclass


def printable(text: str) -> str:
    """Text safe to print on a terminal: line breaks and escape codes from a file are shown
    escaped, never acted on (letters of every script stay as they are)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located precisely."""

    file: str
    rule: str
    message: str
    record: str | None = None  # record id, or "row N" in a published file
    line: int | None = None  # the line a user sees in the file
    field: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = printable(self.file) + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.record:
            parts.append(f"record {printable(self.record)}")
        if self.field:
            parts.append(f"field {printable(self.field)}")
        text = ", ".join(parts) + f": [{self.rule}] {printable(self.message)}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        return text

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Finding:
    """A problem in a table, by row position: located later, in the file a user reads (the
    curated record for the build, the CSV line or Parquet row for validate)."""

    table: str
    row: int  # 0-based position in the table, sorted by primary key
    field: str | None
    rule: str
    message: str
    value: object = None


class InputError(Exception):
    """Bad input: carries every problem found, each with its location."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
