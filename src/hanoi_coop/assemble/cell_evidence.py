"""Stage 3c, cell evidence: the quote that states each value-bearing cell.

A row's quotes support the row; the model says which of its columns are words from the article
(``StatedBy``: a name, a title, a number or a date as printed) and which cells those words state
(the number, its unit, the date's bounds, the codes they name). Each such cell gets the first
quote of the row (or of the rows its ``via`` references name) that holds its words, so a user
goes from any cell to its sentence in one join. A code the row's quotes name directly (a
party's role) gets the first quote holding one of the code's phrases.

The build makes the table from these rules and validation makes it again and compares: a cell
whose words stand in no quote is a finding, located at the curated record and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from hanoi_coop.errors import Finding
from hanoi_coop.metadata import CELL_EVIDENCE, EVIDENCE, RESOURCES, Resource
from hanoi_coop.metadata.resources import NamedBy, StatedBy, has_whole_words
from hanoi_coop.quotes import normalise_quote


# A cell's id: "cell:", its table, row and column joined by ":" (dashes for underscores).
def _id_prefix(table: str) -> str:
    return f"cell:{table.replace('_', '-')}:"


def _id_suffix(field: str) -> str:
    return f":{field.replace('_', '-')}"


class _Quotes:
    """The evidence's quotes by (table, record) in evidence order, and whether words stand in
    a quote, worked out once per distinct pair for the call (rows repeat both)."""

    def __init__(self, evidence: pd.DataFrame) -> None:
        self._by_row: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for evidence_id, table, record, quote in zip(
                evidence["evidence_id"].tolist(), evidence["table_name"].tolist(),
                evidence["record_id"].tolist(), evidence["quote"].tolist(), strict=True):
            if isinstance(quote, str):
                self._by_row.setdefault((str(table), str(record)), []).append(
                    (str(evidence_id), quote))
        self._folded: dict[str, str] = {}
        self._verdicts: dict[tuple[str, str], bool] = {}

    def of(self, table: str, record: str) -> list[tuple[str, str]]:
        """(evidence_id, quote) of the row's quotes, in evidence order."""
        return self._by_row.get((table, record), [])

    def folded(self, quote: str) -> str:
        if quote not in self._folded:
            self._folded[quote] = normalise_quote(quote)
        return self._folded[quote]

    def holds(self, quote: str, words: str) -> bool:
        """Every part of ``words`` (split at an ellipsis) stands in ``quote`` as whole words
        (a given name "Tu" is not in "Tuan")."""
        key = (quote, words)
        if key not in self._verdicts:
            parts = normalise_quote(words).replace("...", "…").split("…")
            folded = self.folded(quote)
            self._verdicts[key] = all(p.strip() and has_whole_words(folded, p.strip())
                                      for p in parts)
        return self._verdicts[key]


def _columns(frame: pd.DataFrame, names: Iterable[str]) -> dict[str, list]:
    """The named columns as Python lists (missing cells as None)."""
    return {n: [None if missing else v for v, missing in zip(
        frame[n].tolist(), frame[n].isna().tolist(), strict=True)]
        for n in dict.fromkeys(names)}


def _targets(resource: Resource, via: tuple[str, ...]) -> list[tuple[str, str]]:
    """(reference column, table) whose rows' quotes a row may borrow, its own first."""
    return [(resource.primary_key, resource.name),
            *((v, next(fk.resource for fk in resource.foreign_keys if fk.fields == v))
              for v in via)]


def _first(quotes: _Quotes, targets: list[tuple[str, str]], values: dict[str, list], i: int,
           test: Callable[[str], str | None]) -> tuple[str, str] | None:
    """(evidence_id, words) of the first candidate quote that ``test`` finds words in."""
    for column, table in targets:
        key = values[column][i]
        if key is None:
            continue
        for evidence_id, quote in quotes.of(table, str(key)):
            words = test(quote)
            if words is not None:
                return evidence_id, words
    return None


Hit = tuple[int, str, str]  # (row position, evidence_id, words) of a cell's quote


class _Cells:
    """The table's columns, filled a column of one table at a time (a row per cell)."""

    def __init__(self) -> None:
        self.columns: tuple[list, ...] = tuple([] for _ in RESOURCES[CELL_EVIDENCE].fields)

    def add(self, resource: Resource, values: dict[str, list], cells: Iterable[str],
            hits: list[Hit]) -> None:
        """A row for each of ``cells`` that holds a value in a row ``hits`` found a quote
        for."""
        keys = values[resource.primary_key]
        for cell in cells:
            cell_values = values[cell]
            held = [(str(keys[i]), evidence_id, words) for i, evidence_id, words in hits
                    if cell_values[i] is not None]
            prefix, suffix = _id_prefix(resource.name), _id_suffix(cell)
            cell_ids, tables, records, fields, evidence_ids, words = self.columns
            cell_ids.extend([prefix + record + suffix for record, _, _ in held])
            tables.extend([resource.name] * len(held))
            records.extend([record for record, _, _ in held])
            fields.extend([cell] * len(held))
            evidence_ids.extend([evidence_id for _, evidence_id, _ in held])
            words.extend([w for _, _, w in held])

    def frame(self) -> pd.DataFrame:
        target = RESOURCES[CELL_EVIDENCE]
        frame = pd.DataFrame({f.name: f.column_type.cast_list(column)
                              for f, column in zip(target.fields, self.columns, strict=True)})
        return frame.sort_values(target.primary_key, kind="stable").reset_index(drop=True)


def _rows(frame: pd.DataFrame, key: str) -> list[int]:
    """Positions of the rows to read: the first of each key (a repeated key is the key
    check's, not a second set of cells)."""
    first: dict = {}
    for i, k in enumerate(frame[key].tolist()):
        first.setdefault(k, i)
    return sorted(first.values())


def _stated(resource: Resource, frame: pd.DataFrame, statement: StatedBy, quotes: _Quotes,
            cells: _Cells) -> list[Finding]:
    targets = _targets(resource, statement.via)
    values = _columns(frame, [statement.words, *(c for c, _ in targets), *statement.cells])
    findings, hits = [], []
    for i in _rows(frame, resource.primary_key):
        words = values[statement.words][i]
        if words is None:
            continue
        text = str(words)

        def holding(quote: str, text: str = text) -> str | None:
            return text if quotes.holds(quote, text) else None

        found = _first(quotes, targets, values, i, holding)
        if found is None:
            via = "".join(f" or its {v} row's" for v in statement.via)
            findings.append(Finding(resource.name, int(frame.index[i]), statement.words,
                                    "cell-unquoted", "these words stand in none of the row's "
                                    f"quotes{via}: no quote states the cell", words))
            continue
        hits.append((i, *found))
    cells.add(resource, values, statement.cells, hits)
    return findings


def _named(resource: Resource, frame: pd.DataFrame, rule: NamedBy, quotes: _Quotes,
           cells: _Cells) -> None:
    """A code the row's quotes name: the first quote holding one of its phrases (none for a
    code no phrase names, the default)."""
    targets = _targets(resource, ())
    values = _columns(frame, [resource.primary_key, rule.field])
    hits: list[Hit] = []
    for i in _rows(frame, resource.primary_key):
        code = values[rule.field][i]
        phrases = rule.phrases.get(code, ()) if code is not None else ()

        def naming(quote: str, phrases: tuple[str, ...] = phrases) -> str | None:
            folded = quotes.folded(quote)
            return next((p for p in phrases if has_whole_words(folded, p)), None)

        found = _first(quotes, targets, values, i, naming) if phrases else None
        if found is not None:
            hits.append((i, *found))
    cells.add(resource, values, (rule.field,), hits)


def cell_evidence(frames: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, list[Finding]]:
    """The cell_evidence table the model gives for ``frames``, and a finding for each
    row whose words no quote holds."""
    quotes, cells = _Quotes(frames[EVIDENCE]), _Cells()
    findings: list[Finding] = []
    for name, resource in RESOURCES.items():
        for statement in resource.cell_statements:
            findings += _stated(resource, frames[name], statement, quotes, cells)
        for rule in resource.named_by:
            if rule.words is None:
                _named(resource, frames[name], rule, quotes, cells)
    return cells.frame(), findings
