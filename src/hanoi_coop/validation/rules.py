"""Stage 5a, rules across rows and tables, vectorised: keys as joins, no row loops over data.

Each rule returns findings (table, row index, field, rule, message, value); ``validate.py``
turns them into located problems. Pandera covers one column at a time; these cover the rest.
"""

from __future__ import annotations

import contextlib
import gc
import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hanoi_coop import dates
from hanoi_coop.assemble.cell_evidence import cell_evidence
from hanoi_coop.assemble.countries import with_countries
from hanoi_coop.assemble.derivation import derive
from hanoi_coop.assemble.evidence import evidence_id
from hanoi_coop.errors import Finding
from hanoi_coop.ingest.sources import address_problem, date_problem
from hanoi_coop.metadata import (
    CELL_EVIDENCE,
    CLUE_DATE,
    EVIDENCE,
    RESOURCES,
    SOURCES,
    YEAR_CLUES,
)
from hanoi_coop.metadata.inputs import DATE_GROUPS
from hanoi_coop.metadata.resources import has_whole_words
from hanoi_coop.metadata.types import is_missing
from hanoi_coop.names import search_key
from hanoi_coop.quotes import normalise_quote, numbers_stated, years_stated


def _findings(table: str, mask: pd.Series | np.ndarray | list[bool], frame: pd.DataFrame,
              field: str | None, rule: str, message: str) -> list[Finding]:
    if isinstance(mask, pd.Series):
        mask = mask.fillna(False).to_numpy(dtype=bool)
    rows = frame.index[np.asarray(mask, dtype=bool)]
    return [Finding(table, int(i), field, rule, message,
                    None if field is None else frame.at[i, field]) for i in rows]


def isin(values: pd.Series, allowed: pd.Series) -> pd.Series:
    """``values.isin(allowed)`` as one Arrow hash join (pandas' isin on Arrow strings loops
    over the allowed values in Python, which is slow for a large key set)."""
    if values.dtype.kind in "iufb":
        return values.isin(allowed)
    value_set = pc.drop_null(pc.unique(pa.array(allowed, from_pandas=True)))
    found = pc.is_in(pa.array(values, from_pandas=True), value_set=value_set)
    return pd.Series(pc.fill_null(found, False).to_numpy(zero_copy_only=False),
                     index=values.index)


def same_codes(*columns: pd.Series) -> list[np.ndarray]:
    """Each column's values as codes into the distinct values of them all (-1: missing):
    one factorisation (a hash pass in Arrow for text) instead of a hash table per pair."""
    codes, _ = pd.factorize(pd.concat([c.reset_index(drop=True) for c in columns],
                                      ignore_index=True))
    ends = np.cumsum([len(c) for c in columns])
    return np.split(codes, ends[:-1])


def present(codes: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Whether each code (from ``same_codes``) is one of ``among`` (missing: never)."""
    flags = np.zeros(1 + max(codes.max(initial=0), among.max(initial=0)), dtype=bool)
    flags[among[among >= 0]] = True
    return (codes >= 0) & flags[np.maximum(codes, 0)]


class RuleInput(dict):
    """The frames of one ``check_rules`` call, with what several rules derive from them
    (each table's quotes by row, the evidence rows that cite it) worked out when first asked
    and let go with the call: made from these frames under the model as it is during the
    call, never kept for another one. (Made for every table up front instead, 3 x 10^5
    evidence rows took 2.4-3.2 s against 1.75 s: most tables' quotes are never asked for.)"""

    def __init__(self, frames: dict[str, pd.DataFrame]) -> None:
        super().__init__(frames)
        self.shared: dict[tuple, Any] = {}

    def _fixed(self, *args: object, **kwargs: object) -> None:
        # What the rules derived is only true of the frames they derived it from.
        raise TypeError("the frames of one check_rules call are fixed during it")

    __setitem__ = __delitem__ = __ior__ = _fixed  # type: ignore[assignment]
    update = pop = popitem = setdefault = clear = _fixed  # type: ignore[assignment]

    def once(self, key: tuple, make: Callable[[], Any]) -> Any:
        """``make()``, worked out once for the call."""
        if key not in self.shared:
            self.shared[key] = make()
        return self.shared[key]


def _once(frames: dict[str, pd.DataFrame], key: tuple, make: Callable[[], Any]) -> Any:
    """``make()``, remembered for the call when the frames are a ``RuleInput`` (a rule called
    on its own, as the tests do, works it out each time)."""
    if not isinstance(frames, RuleInput):
        return make()
    return frames.once(key, make)


Declared = tuple[str, pd.DataFrame, Any]  # table, its frame, one declaration of the model


def _declared(frames: dict[str, pd.DataFrame], kind: str) -> Iterator[Declared]:
    """(table, frame, declaration) for each declaration of ``kind`` the model makes (a tuple
    of them, or one, or None)."""
    for name, resource in RESOURCES.items():
        declared = getattr(resource, kind)
        for declaration in declared if isinstance(declared, tuple) else [declared]:
            if declaration is not None:
                yield name, frames[name], declaration


def foreign_keys(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """Each reference names a row. The references to one key column are coded together with
    it (eleven name sources.source_id, seven places.place_id); findings in the model's order."""
    declared = list(_declared(frames, "foreign_keys"))
    by_target: dict[tuple[str, str], list[int]] = {}
    for number, (_, _, fk) in enumerate(declared):
        by_target.setdefault((fk.resource, fk.reference), []).append(number)
    missing: dict[int, np.ndarray] = {}
    for (table, column), numbers in by_target.items():
        keys, *codes = same_codes(frames[table][column],
                                  *(declared[n][1][declared[n][2].fields] for n in numbers))
        for number, these in zip(numbers, codes, strict=True):
            missing[number] = (these >= 0) & ~present(these, keys)
    found = []
    for number, (name, frame, fk) in enumerate(declared):
        found += _findings(name, missing[number], frame, fk.fields, "foreign-key",
                           f"no {fk.resource} row has {fk.reference} equal to this value")
    return found


def _theirs(frames: dict[str, pd.DataFrame], frame: pd.DataFrame, via: str, table: str,
            column: str) -> pd.Series:
    """For each row, ``column`` of the ``table`` row that its ``via`` reference names (a
    repeated id counts once: the key check reports it)."""
    key = RESOURCES[table].primary_key
    return frame[via].map(frames[table].drop_duplicates(key).set_index(key)[column])


def same_as(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """A row and the row its reference names agree where the model says they must."""
    found = []
    for name, frame, rule in _declared(frames, "same_as"):
        theirs = _theirs(frames, frame, rule.via, rule.table, rule.field)
        mask = frame[rule.via].notna() & (theirs.isna() | (theirs != frame[rule.field]))
        found += _findings(name, mask, frame, rule.via, rule.rule, rule.message)
    return found


def entailed(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """Where a row has the model's value, the row it refers to has the entailed one."""
    found = []
    for name, frame, rule in _declared(frames, "entails"):
        theirs = _theirs(frames, frame, rule.via, rule.table, rule.column).astype(object)
        mask = (frame[rule.field] == rule.value).fillna(False).astype(bool) & (
            theirs != rule.expected)
        found += _findings(name, mask, frame, rule.via, "entailed",
                           f"a {rule.field} of {rule.value!r} belongs to a {rule.table} row "
                           f"whose {rule.column} is {rule.expected!r}")
    return found


def _reference(table: str, column: str) -> str:
    """The table a reference column of ``table`` names."""
    return next(fk.resource for fk in RESOURCES[table].foreign_keys if fk.fields == column)


def _text_by(keys: pd.Series, values: pd.Series) -> dict[str, str]:
    """Text values by their row's key (rows whose key or value is missing are left out)."""
    return {k: v for k, v in zip(keys.astype(object), values.astype(object), strict=True)
            if isinstance(k, str) and isinstance(v, str)}


def _ancestors(frames: dict[str, pd.DataFrame], table: str) -> dict[str, set[str]]:
    """Each row of ``table`` and every row above it through its own parent reference (itself,
    its parent, its parent's parent...; a cycle ends the walk)."""
    resource = RESOURCES[table]
    parent = next((fk.fields for fk in resource.foreign_keys
                   if fk.resource == table and fk.fields != resource.primary_key), None)
    keys = frames[table][resource.primary_key].astype(object)
    parents = dict(zip(keys, frames[table][parent].astype(object), strict=True)) if parent \
        else {}
    above: dict[str, set[str]] = {}
    for key in keys:
        chain, current = set(), key
        while isinstance(current, str) and current not in chain:
            chain.add(current)
            current = parents.get(current)
        if isinstance(key, str):
            above[key] = chain
    return above


def sides_by_host(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """In a visit the host (whose organization lies in the meeting's place) is the recipient
    and everyone else an actor; with no visit, everyone is an actor (PLOVER)."""
    found = []
    for name, frame, rule in _declared(frames, "side_by_host"):
        meetings_table = _reference(name, rule.meeting)
        organizations = _reference(name, rule.organization)
        places = _reference(organizations, rule.place)
        meeting_key = frames[meetings_table][RESOURCES[meetings_table].primary_key]
        mode_of = _text_by(meeting_key, frames[meetings_table][rule.mode])
        place_of = _text_by(meeting_key, frames[meetings_table][rule.place])
        home_of = _text_by(frames[organizations][RESOURCES[organizations].primary_key],
                           frames[organizations][rule.place])
        within = _ancestors(frames, places)
        expected = []
        for meeting, organization in zip(frame[rule.meeting].astype(object),
                                         frame[rule.organization].astype(object), strict=True):
            there = place_of.get(meeting) if mode_of.get(meeting) == rule.visit else None
            home = home_of.get(organization)
            hosts = there is not None and home is not None and there in within.get(home, set())
            expected.append(rule.host if hosts else rule.guest)
        given = frame[rule.field].astype(object)
        mask = given.notna() & (given != pd.Series(expected, index=frame.index, dtype=object))
        found += _findings(name, mask, frame, rule.field, "side-not-host",
                           f"in a visit the participant whose organization lies in the "
                           f"meeting's place is the {rule.host}; everyone else is an "
                           f"{rule.guest}")
    return found


def date_bounds(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """earliest <= latest, and both agree with the EDTF string and its precision."""
    found = []
    for name in RESOURCES:
        frame = frames[name]
        for prefix in DATE_GROUPS:
            edtf_col = f"{prefix}_edtf"
            if edtf_col not in frame:
                continue
            earliest, latest = frame[f"{prefix}_earliest"], frame[f"{prefix}_latest"]
            found += _findings(name, earliest > latest, frame, f"{prefix}_latest",
                               "date-order", "latest date is before earliest date")
            found += _derived_dates(name, frame, prefix)
    return found


def _clues_by_source(frames: dict[str, pd.DataFrame]) -> dict[str, tuple[dates.Clue, ...]]:
    """Each article's distinct year clues (the rule reads them as a set: a clue repeated, as in
    a replicated benchmark package, changes nothing and would cost a pass per date)."""
    clues = frames[YEAR_CLUES]
    found: dict[str, set[dates.Clue]] = {}
    for source, tense, earliest, latest in zip(
            clues["source_id"], clues["tense"], clues[f"{CLUE_DATE}_earliest"],
            clues[f"{CLUE_DATE}_latest"], strict=True):
        if isinstance(source, str) and isinstance(tense, str) and pd.notna(earliest) \
                and pd.notna(latest):
            found.setdefault(source, set()).add(
                dates.Clue(tense, pd.Timestamp(earliest).date(), pd.Timestamp(latest).date()))
    return {source: tuple(sorted(these, key=lambda c: (c.earliest, c.latest, c.tense)))
            for source, these in found.items()}


Inferred = dict[tuple, tuple[str, str] | dates.DateError]


def _inferred(when: dates.Yearless, clues: tuple[dates.Clue, ...],
              done: Inferred) -> tuple[str, str]:
    """``dates.infer_year``, once per date and set of clues within one check (``done``):
    rows repeat the same few."""
    key = (*when, clues)
    if key not in done:
        try:
            done[key] = dates.infer_year(*when, list(clues))
        except dates.DateError as exc:
            done[key] = exc
    answer = done[key]
    if isinstance(answer, dates.DateError):
        raise answer
    return answer


def _year_finding(name: str, i: int, prefix: str, given: tuple[object, object],
                  clues: tuple[dates.Clue, ...], when: dates.Yearless,
                  done: Inferred) -> Finding | None:
    try:
        want = _inferred(when, clues, done)
    except dates.DateError as exc:
        return Finding(name, i, f"{prefix}_edtf", "year-inference", str(exc), given[0])
    if tuple(v if isinstance(v, str) else None for v in given) == want:
        return None
    return Finding(name, i, f"{prefix}_edtf", "year-inference",
                   f"the article's {len(clues)} year clue(s) give {want[0]!r} "
                   f"({want[1]}), not {given[0]!r} ({given[1]})", given[0])


def years_from_clues(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """Every date printed without a year has the year, '?' and basis that the one rule gives
    from its article's year clues (``dates.infer_year``)."""
    by_source = _clues_by_source(frames)
    found = []
    done: Inferred = {}
    for name, resource in RESOURCES.items():
        if name == YEAR_CLUES or resource.derived or "source_id" not in resource.field_names:
            continue  # a derived table's dates are its base table's, checked there
        frame = frames[name]
        for prefix in DATE_GROUPS:
            if f"{prefix}_edtf" not in frame:
                continue
            columns = [frame[f"{prefix}_{p}"].astype(object)
                       for p in ("text", "edtf", "year_basis")]
            for i, source, text, edtf, basis in zip(frame.index, frame["source_id"], *columns,
                                                   strict=True):
                when = dates.yearless(text if isinstance(text, str) else None,
                                      edtf if isinstance(edtf, str) else None)
                if when is None:
                    continue
                finding = _year_finding(name, int(i), prefix, (edtf, basis),
                                        by_source.get(source, ()), when, done)
                if finding:
                    found.append(finding)
    return found


def _derive(value: str) -> tuple[str | None, str | None, str | None]:
    try:
        return (*dates.bounds(value), dates.precision(value))
    except dates.DateError:
        return None, None, None  # reported by the EDTF check of the column


def _derived_dates(name: str, frame: pd.DataFrame, prefix: str) -> list[Finding]:
    """The bounds and precision must be what the EDTF string gives (parsed once per value;
    compared in one pass over the rows, which pandas' per-call cost would triple here)."""
    edtf = frame[f"{prefix}_edtf"].astype(object).tolist()
    derived = {v: _derive(v) for v in set(edtf) if isinstance(v, str)}
    found = []
    for position, suffix in enumerate(("earliest", "latest", "precision")):
        column = f"{prefix}_{suffix}"
        got = frame[column]
        if got.dtype.kind == "M":
            got = got.dt.strftime("%Y-%m-%d")
        for i, value, given in zip(frame.index, edtf, got.astype(object).tolist(),
                                   strict=True):
            want = derived.get(value)
            if want is None or want[2] is None:
                continue  # no EDTF, or one the EDTF check of the column reports
            same = want[position] is None if is_missing(given) else given == want[position]
            if not same:
                found.append(Finding(name, int(i), column, "date-derived",
                                     f"does not match {prefix}_edtf {value!r} (expected "
                                     f"{want[position]!r})", given))
    return found


def _row_quotes(frames: dict[str, pd.DataFrame], name: str) -> pd.Series:
    """Each row's evidence quotes (a tuple in evidence row order, empty when it has none), by
    row. Rows with the same quotes share one tuple, and each distinct quote is one string."""
    return _once(frames, ("quotes", name), lambda: _quotes_by_row(frames, name))


def _evidence_codes(frames: dict[str, pd.DataFrame]) -> tuple[Any, ...]:
    """The evidence's quotes once as numbers (no Python string per row): each row's quote as
    a code into the distinct quotes, and the evidence's row positions by table."""
    evidence = frames[EVIDENCE]
    quote_codes, quotes = pd.factorize(evidence["quote"])
    by_table = evidence.groupby("table_name", sort=False, observed=True).indices
    return quote_codes, quotes.tolist(), by_table


def _citations(frames: dict[str, pd.DataFrame], name: str,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The evidence rows that cite table ``name`` (positions), each row's id and each of
    those rows' record id, as codes into the same distinct values (-1: missing): one
    factorisation of the two together, in Arrow, per table (a hash table of every record id
    of 10^7 evidence rows took seconds to build and would not fit the processor's caches)."""
    def make() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        by_table = _once(frames, ("evidence codes",), lambda: _evidence_codes(frames))[2]
        rows = by_table.get(name, np.empty(0, dtype=np.intp))
        ids, cited = same_codes(frames[name][RESOURCES[name].primary_key],
                                frames[EVIDENCE]["record_id"].iloc[rows])
        return rows, ids, cited
    return _once(frames, ("citations", name), make)


def _quotes_by_row(frames: dict[str, pd.DataFrame], name: str) -> pd.Series:
    quote_codes, quotes, _ = _once(frames, ("evidence codes",), lambda: _evidence_codes(frames))
    rows, wanted, cited = _citations(frames, name)
    said = quote_codes[rows]
    cited = cited[said >= 0]  # a missing quote is no quote (Pandera reports it)
    said = said[said >= 0]
    order = np.argsort(cited, kind="stable")  # grouped by record, in evidence order within
    cited, said = cited[order], said[order].tolist()
    starts = np.searchsorted(cited, wanted, "left").tolist()
    ends = np.searchsorted(cited, wanted, "right").tolist()
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    values = [shared.setdefault(these, these) for these in
              (tuple(quotes[q] for q in said[start:end]) if code >= 0 else ()
               for code, start, end in zip(wanted.tolist(), starts, ends, strict=True))]
    return pd.Series(values, index=frames[name].index, dtype=object)


def _per_distinct(quotes: pd.Series, make: Callable[[tuple[str, ...]], Any]) -> pd.Series:
    """``make`` of each row's quotes, worked out once per distinct tuple of them."""
    made = {these: make(these) for these in set(quotes)}
    return pd.Series([made[these] for these in quotes], index=quotes.index, dtype=object)


def _row_folded(frames: dict[str, pd.DataFrame], name: str) -> pd.Series:
    """``_row_quotes`` under the quote normalisation, each distinct quote normalised once."""
    def fold() -> pd.Series:
        quotes = _row_quotes(frames, name)
        folded = {q: normalise_quote(q) for these in set(quotes) for q in these}
        return _per_distinct(quotes, lambda these: tuple(folded[q] for q in these))
    return _once(frames, ("folded", name), fold)


def _row_joined(frames: dict[str, pd.DataFrame], name: str) -> pd.Series:
    """Each row's quotes as one text, " | " between them ("" for none)."""
    return _once(frames, ("joined", name),
                 lambda: _per_distinct(_row_quotes(frames, name), " | ".join))


def _naming_words(frames: dict[str, pd.DataFrame], name: str, rule: Any) -> pd.Series:
    """The words that name the rule's code in each row: its words column, or, with none, its
    quotes joined (a phrase may stand in any of them)."""
    if rule.words is not None:
        return frames[name][rule.words].astype(object)
    return _row_joined(frames, name).replace("", None)


def codes_named_by_words(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """A code is the one the row's own words name (a title names its role; a hedge names a
    comparator); words that name no code name the rule's default."""
    found = []
    for name, frame, rule in _declared(frames, "named_by"):
        words = _naming_words(frames, name, rule).tolist()
        codes = {w: rule.code_for(w) for w in set(words) if isinstance(w, str)}
        mask = [not is_missing(g) and codes.get(w) != g
                for w, g in zip(words, frame[rule.field].astype(object).tolist(), strict=True)]
        found += _findings(name, mask, frame, rule.field, "code-not-named",
                           f"the {rule.source} does not name this {rule.field} (it names "
                           "the code of the longest phrase of the model it contains)")
    return found


def codes_supported_by_words(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """Each code of a link row is one the quotes of the row it belongs to support (a project's
    sectors by the project's quotes)."""
    found = []
    for name, frame, rule in _declared(frames, "supported_by"):
        parent = _reference(name, rule.via)
        texts = _row_joined(frames, parent)
        by_text = {text: rule.supported(text) for text in set(texts)}  # texts repeat
        supported = dict(zip(frames[parent][RESOURCES[parent].primary_key].astype(object),
                             texts.map(by_text), strict=True))
        mask = pd.Series([isinstance(code, str) and code not in supported.get(ref, set())
                          for ref, code in zip(frame[rule.via].astype(object),
                                               frame[rule.field].astype(object), strict=True)],
                         index=frame.index)
        found += _findings(name, mask, frame, rule.field, "code-not-named",
                           f"no quote of the {parent} row names this {rule.field} (the "
                           "model's phrases, whole words)")
    return found


def _named_codes(text: str, phrases: Mapping[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(code, its first phrase that stands in ``text``) for each code the text names."""
    found = []
    for code, options in phrases.items():
        phrase = next((p for p in options if has_whole_words(text, p)), None)
        if phrase is not None:
            found.append((code, phrase))
    return found


def parties_the_words_name(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """A role the quotes of a row name (a project "is drafting", "supplies") has a link row
    in that role: the party the article says does the work is recorded."""
    found = []
    for name, frame, rule in _declared(frames, "named_parties"):
        parent = _reference(name, rule.via)
        key = RESOURCES[parent].primary_key
        present = set(zip(frame[rule.via].astype(object), frame[rule.field].astype(object),
                          strict=True))
        texts = _row_joined(frames, parent)
        named = {text: _named_codes(text, rule.phrases) for text in set(texts)}  # repeats
        for i, record, text in zip(frames[parent].index, frames[parent][key].astype(object),
                                   texts, strict=True):
            for code, phrase in named[text]:
                if (record, code) not in present:
                    found.append(Finding(parent, int(i), key, "party-not-recorded",
                                         f"its quotes say {phrase!r} (a {code}) but no "
                                         f"{name} row names that party", record))
    return found


_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")


def _quoted(words: str, folded: tuple[str, ...]) -> bool:
    """Every part of ``words`` (split at an ellipsis) is in one of the ``folded`` quotes
    (quotes already normalised), under the quote normalisation."""
    parts = [normalise_quote(p) for p in _ELLIPSIS.split(words) if p.strip()]
    return bool(parts) and any(all(p in q for p in parts) for q in folded)


def _verdicts(pairs: list[tuple[Any, Any]], test: Callable[[Any, Any], bool]) -> list[bool]:
    """``test`` of each pair, worked out once per distinct pair (rows repeat words, names and
    quotes; at worst every pair is new and this is one call per row)."""
    known: dict[tuple[Any, Any], bool] = {}
    verdicts = []
    for pair in pairs:
        if pair not in known:
            known[pair] = test(*pair)
        verdicts.append(known[pair])
    return verdicts


def named_words_quoted(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """The words that name a code are the source's: they stand in one of the row's quotes.
    Without this, a curator could write any phrase beside a code and the code would pass."""
    found = []
    checked = set()
    for name, frame, rule in _declared(frames, "named_by"):
        if rule.words is None or (name, rule.words) in checked:
            continue  # quotes are their own words; one column naming two codes: one check
        checked.add((name, rule.words))
        pairs = list(zip(frame[rule.words].astype(object), _row_folded(frames, name),
                         strict=True))
        mask = _verdicts(pairs, lambda w, q: isinstance(w, str) and not _quoted(w, q))
        found += _findings(name, mask, frame, rule.words, "words-not-quoted",
                           "these words are in none of the row's evidence quotes")
    return found


_IN_QUOTES = re.compile(r'["“]([^"“”]+)["”]')


def _fragments_quoted(text: object, folded: tuple[str, ...]) -> bool:
    return not isinstance(text, str) or all(_quoted(fragment, folded)
                                             for fragment in _IN_QUOTES.findall(text))


def fragments_quoted(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """What a note puts in double quotes stands in one of the quotes of the row it is about:
    a note may say what the article says only in the article's words."""
    found = []
    for name, frame, rule in _declared(frames, "quoted_fragments"):
        owner = _reference(name, rule.via)
        by_key = dict(zip(frames[owner][RESOURCES[owner].primary_key].astype(object),
                          _row_folded(frames, owner), strict=True))
        pairs = [(text, by_key.get(ref, ()))
                 for text, ref in zip(frame[rule.field].astype(object),
                                      frame[rule.via].astype(object), strict=True)]
        mask = [not ok for ok in _verdicts(pairs, _fragments_quoted)]
        found += _findings(name, mask, frame, rule.field, "fragment-not-quoted",
                           f"words in double quotes stand in none of the {owner} row's quotes")
    return found


def _names_in(folded: tuple[str, ...], names: tuple[str, ...]) -> bool:
    """One of the (normalised) ``names`` stands as whole words in one of the ``folded``
    quotes."""
    return any(has_whole_words(q, n) for n in names for q in folded)


def _own_names(frame: pd.DataFrame, key: str, columns: tuple[str, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for k, *values in zip(frame[key].astype(object),
                          *(frame[c].astype(object) for c in columns), strict=True):
        if isinstance(k, str):
            found.setdefault(k, []).extend(str(v) for v in values if isinstance(v, str))
    return found


def _descendants(frames: dict[str, pd.DataFrame], table: str) -> dict[str, set[str]]:
    """Each row of ``table`` and the rows under it (``_ancestors`` turned around; a parent
    that is no row is kept, with what lies under it)."""
    under: dict[str, set[str]] = {}
    for key, chain in _ancestors(frames, table).items():
        for above in chain:
            under.setdefault(above, set()).add(key)
    return under


def _referent_names(frames: dict[str, pd.DataFrame], rule: Any) -> dict[str, list[str]]:
    """The names that name each ``rule.table`` row in a quote (``QuoteNames``)."""
    resource = RESOURCES[rule.table]
    names = _own_names(frames[rule.table], resource.primary_key, rule.names)
    if rule.speakers is None:
        return names
    for fk in resource.foreign_keys:  # what it refers to, by that row's name (its place)
        target = RESOURCES[fk.resource]
        if target.named_as and fk.resource != rule.table:
            theirs = _own_names(frames[fk.resource], target.primary_key, (target.named_as,))
            for key, ref in zip(frames[rule.table][resource.primary_key].astype(object),
                                frames[rule.table][fk.fields].astype(object), strict=True):
                if isinstance(key, str) and isinstance(ref, str):
                    names.setdefault(key, []).extend(theirs.get(ref, []))
    holders_table, holder = rule.speakers
    people = _own_names(frames[holder.table], RESOURCES[holder.table].primary_key, holder.names)
    holders = frames[holders_table]
    held: dict[str, set[str]] = {}
    for person, org in zip(holders[holder.via].astype(object),
                           holders[rule.via].astype(object), strict=True):
        if isinstance(person, str) and isinstance(org, str):
            held.setdefault(org, set()).add(person)
    for key, under in _descendants(frames, rule.table).items():
        for org in under:
            for person in held.get(org, ()):
                names.setdefault(key, []).extend(people.get(person, []))
    return names


def quotes_name_their_referents(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """A row's quotes name the person (or other row) it is about, not only its context."""
    found = []
    for name, frame, rule in _declared(frames, "quote_names"):
        raw = _referent_names(frames, rule)
        fold = {n: normalise_quote(n) for n in {n for these in raw.values() for n in these}}
        names = {key: tuple(dict.fromkeys(fold[n] for n in these)) for key, these in raw.items()}
        if rule.quotes_of is None:
            folded = _row_folded(frames, name)
        else:  # the quotes of the row the reference names
            owner = _reference(name, rule.quotes_of)
            by_key = dict(zip(frames[owner][RESOURCES[owner].primary_key].astype(object),
                              _row_folded(frames, owner), strict=True))
            folded = pd.Series([by_key.get(k, ()) for k in frame[rule.quotes_of].astype(object)],
                               index=frame.index, dtype=object)
        pairs = [(names.get(v) if isinstance(v, str) else None, q)
                 for v, q in zip(frame[rule.via].astype(object), folded, strict=True)]
        mask = _verdicts(pairs, lambda n, q: n is not None and not _names_in(q, n))
        found += _findings(name, mask, frame, rule.via, "quote-not-naming",
                           f"none of the row's quotes names this {rule.table} row "
                           f"({', '.join(rule.names)})")
    return found


def dates_in_order(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """A later date family does not end before the earlier one begins."""
    found = []
    for name, frame, rule in _declared(frames, "dates_in_order"):
        mask = frame[f"{rule.later}_latest"] < frame[f"{rule.earlier}_earliest"]
        found += _findings(name, mask, frame, f"{rule.later}_latest", rule.rule, rule.message)
    return found


def search_keys(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    found = []
    for name, resource in RESOURCES.items():
        if not {"name", "search_key"} <= set(resource.field_names):
            continue
        frame = frames[name]
        names = frame["name"].dropna().unique()
        expected = frame["name"].map(dict(zip(names, map(search_key, names), strict=True)))
        found += _findings(name, frame["search_key"] != expected, frame, "search_key",
                           "search-key", "is not the ASCII search key of name")
    return found


def evidence_links(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """Every row that needs evidence has a quote, and every quote's row exists: per table,
    ids and cited records as codes into the same values (``_citations``)."""
    evidence = frames[EVIDENCE]
    known = np.zeros(len(evidence), dtype=bool)  # a quote whose table is none stays unknown
    found = []
    for name in [n for n, r in RESOURCES.items() if r.needs_evidence]:
        rows, ids, cited = _citations(frames, name)
        known[rows] = present(cited, ids)
        found += _findings(name, ~present(ids, cited), frames[name],
                           RESOURCES[name].primary_key, "no-evidence",
                           "no quote in the evidence table supports this row")
    found += _findings(EVIDENCE, ~known, evidence, "record_id", "evidence-target",
                       "the row this quote claims to support does not exist")
    return found


def quote_offsets(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    evidence = frames[EVIDENCE]
    span = evidence["char_end"] - evidence["char_start"]
    mask = (span <= 0) | (evidence["quote"].str.len() != span)
    return _findings(EVIDENCE, mask, evidence, "char_end", "quote-offsets",
                     "char_end - char_start is not the length of the quote")


def _as_derived(name: str, frame: pd.DataFrame, derived: pd.DataFrame, base: str,
                rule: str) -> list[Finding]:
    """Where ``frame`` differs from the ``derived`` table the model makes from ``base``."""
    resource = RESOURCES[name]
    if derived.equals(frame.reset_index(drop=True)):
        return []  # the common case; cell by cell only to say where they differ
    key = resource.primary_key
    expected = derived.drop_duplicates(key).set_index(key)
    ids = frame[key]
    known = isin(ids, expected.index.to_series())
    found = _findings(name, ~known, frame, key, rule, f"no {base} row derives this row")
    missing = sorted(set(expected.index) - set(ids.dropna()))
    found += [Finding(name, -1, key, rule, f"the row derived from {base} {m!r} is missing", m)
              for m in missing]
    for column in resource.field_names:
        if column == key:
            continue
        want = ids.map(expected[column].astype(object)).astype(object)
        got = frame[column].astype(object)
        same = (got == want).fillna(False).astype(bool) | (got.isna() & want.isna())
        found += _findings(name, known & ~same, frame, column, rule,
                           f"is not what {base} and its references give")
    return found


def derived_tables(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """A derived table holds exactly what the model derives from the other tables."""
    found = []
    for name, resource in RESOURCES.items():
        if resource.derived is not None:
            found += _as_derived(name, frames[name], derive(resource, frames),
                                 resource.derived.base, "derived")
    return found


def countries_derived(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """The country of each place and organization is what its places and links give."""
    made = with_countries({name: frames[name] for name in frames})
    found = []
    for name, resource in RESOURCES.items():
        if resource.country_of is not None:
            found += _as_derived(name, frames[name].reset_index(drop=True), made[name],
                                 "its place, the parent places and their ISO codes", "derived")
    return found


def parents_without_cycles(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """A row's parents (a reference to its own table) end: no place lies inside itself."""
    found = []
    for name, resource in RESOURCES.items():
        key = resource.primary_key
        for fk in resource.foreign_keys:
            if fk.resource != name or not fk.fields.startswith("parent_"):
                continue  # a parent reference (Popolo parent_id), not a country's
            frame = frames[name]
            parent = _text_by(frame[key], frame[fk.fields])
            for i, row in zip(frame.index, frame[key].astype(object), strict=True):
                seen, current = set(), parent.get(str(row))
                while current is not None and current not in seen and current != str(row):
                    seen.add(current)
                    current = parent.get(current)
                if current == str(row):
                    found.append(Finding(name, int(i), fk.fields, "parent-cycle",
                                         "following the parents leads back to this row",
                                         parent.get(str(row))))
    return found


def _folded(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", search_key(name))


def authorities_name_the_row(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """An ISO 3166 or GeoNames entry is the row's place: the place's name (folded: no
    diacritics, spaces or hyphens) begins the entry's name as one of the datasets gives it
    ("Hưng Yên", "Beijing Shi"), so a code of another place ("CN-CQ" for Hung Yen) is found."""
    found = []
    for name, frame, links in _declared(frames, "authority_links"):
        key = RESOURCES[name].primary_key
        target = _reference(name, key)
        names = _text_by(frames[target][RESOURCES[target].primary_key], frames[target]["name"])
        for i, row, iso, geo, code in zip(
                frame.index, frame[key].astype(object), frame[links.iso_name].astype(object),
                frame[links.geonames_name].astype(object), frame[links.iso_code].astype(object),
                strict=True):
            entries = [_folded(e) for e in (iso, geo) if isinstance(e, str)]
            place = _folded(names.get(str(row), ""))
            if entries and place and not any(e.startswith(place) for e in entries):
                found.append(Finding(name, int(i), links.iso_code, "authority",
                                     f"the entries' names ({iso!r}, {geo!r}) are not the "
                                     f"place's ({names.get(str(row))!r})", code))
    return found


def evidence_ids_from_quotes(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """Each quote's id is the one its table, row, source, column and words give: an id cannot
    be renumbered, reused for another quote or left behind by an edited one."""
    evidence = frames[EVIDENCE]
    columns = [evidence[c].astype(object).tolist() for c in
               ("table_name", "record_id", "source_id", "field", "quote")]
    mask = [all(isinstance(v, str) for v in (t, r, s, q)) and given != evidence_id(
        t, r, s, f if isinstance(f, str) else None, q)
        for given, t, r, s, f, q in zip(evidence["evidence_id"].astype(object), *columns,
                                        strict=True)]
    return _findings(EVIDENCE, mask, evidence, "evidence_id", "evidence-id",
                     "is not the id its table, row, source, column and quote give")


def sources_origin(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """A published article's address carries its title and its publication date is quoted
    in its note, as the build requires of sources.yaml."""
    sources = frames[SOURCES]
    found = []
    for i, title, url, date, note in zip(
            sources.index, sources["title"].astype(object), sources["url"].astype(object),
            sources["publication_date"].astype(object),
            sources["publication_date_note"].astype(object), strict=True):
        if isinstance(url, str) and isinstance(title, str):
            message = address_problem(title, url)
            if message:
                found.append(Finding(SOURCES, int(i), "url", "source-origin", message, url))
        if not is_missing(date):
            text = date.isoformat() if hasattr(date, "isoformat") else str(date)
            message = date_problem(text[:10], note if isinstance(note, str) else "")
            if message:
                found.append(Finding(SOURCES, int(i), "publication_date", "source-origin",
                                     message, text[:10]))
    return found


def values_read_from_words(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """A number a row's words state is the number they print ("about 600 kilometers" is 600,
    "US$55.4 billion" 5.54e10), and a date states the years its words print: a cell cannot
    name a quote that does not say its value."""
    found = []
    for name, resource in RESOURCES.items():
        frame = frames[name]
        for statement in resource.cell_statements:
            words = frame[statement.words].astype(object)
            for cell in statement.cells:
                kind = resource.field(cell).column_type.name
                if kind in ("number", "integer"):
                    found += _numbers_not_stated(name, frame, words, cell)
                elif cell.endswith("_edtf"):
                    found += _years_not_stated(name, frame, words, cell)
    return found


def _numbers_not_stated(name: str, frame: pd.DataFrame, words: pd.Series, cell: str
                        ) -> list[Finding]:
    values = frame[cell].astype(object)
    mask = [isinstance(w, str) and not is_missing(v) and not any(
        math.isclose(float(v), n, rel_tol=1e-9) for n in numbers_stated(w))
        for w, v in zip(words, values, strict=True)]
    return _findings(name, mask, frame, cell, "value-not-stated",
                     "the words that state this cell print no such number")


def _years_not_stated(name: str, frame: pd.DataFrame, words: pd.Series, cell: str
                      ) -> list[Finding]:
    values = frame[cell].astype(object)
    mask = [isinstance(w, str) and isinstance(v, str) and not all(
        y in v for y in years_stated(w)) for w, v in zip(words, values, strict=True)]
    return _findings(name, mask, frame, cell, "value-not-stated",
                     "the words that state this date print a year it does not hold")


def cells_quoted(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """Every value-bearing cell's words stand in a quote of its row, and cell_evidence names
    exactly that quote for each such cell (made again and compared)."""
    expected, found = cell_evidence(frames)
    return found + _as_derived(CELL_EVIDENCE, frames[CELL_EVIDENCE], expected,
                               "the rows' words and quotes", "cell-evidence")


ALL_RULES = [foreign_keys, same_as, entailed, sides_by_host, date_bounds, dates_in_order,
             codes_named_by_words, codes_supported_by_words, parties_the_words_name,
             named_words_quoted,
             quotes_name_their_referents, fragments_quoted,
             years_from_clues,
             search_keys, evidence_links, quote_offsets, derived_tables, countries_derived,
             values_read_from_words, sources_origin, authorities_name_the_row,
             parents_without_cycles, evidence_ids_from_quotes,
             cells_quoted]


def check_rules(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    found: list[Finding] = []
    shared = RuleInput(frames)
    with without_cycle_collection():
        for rule in ALL_RULES:
            found += rule(shared)
    return found


@contextlib.contextmanager
def without_cycle_collection() -> Iterator[None]:
    """The rules make millions of tuples, lists and dicts, none in a reference cycle; Python's
    cycle collector would walk every live one again each time its counters fill, which made
    the rules grow faster than the rows (121 s at 10^7 rows, 8.6 s at 10^6). Reference
    counting still frees them; the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
