"""Property-based tests: random damage to valid rows is reported, and nothing crashes."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hanoi_coop.metadata import RESOURCES
from hanoi_coop.metadata.fields import EDTF_PATTERN, SAFE_TEXT_PATTERN
from hanoi_coop.package.access import open_package
from hanoi_coop.package.read import read_package
from hanoi_coop.validation.validate import frame_findings

ROOT = Path(__file__).resolve().parents[1]
TABLES = [n for n in RESOURCES if n not in ("evidence", "source_segments")]


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    with open_package(ROOT) as published:
        return {name: table.frame for name, table in read_package(published).csv.items()}


def _mutated(frames, table, row, column, value):
    copy = dict(frames)
    frame = frames[table].copy()
    frame[column] = frame[column].astype(object)
    frame.at[row, column] = value
    frame[column] = frame[column].astype(frames[table][column].dtype)
    copy[table] = frame
    return copy


def _reported(findings, table, row, column) -> bool:
    return any(f.table == table and f.row == row and (f.field in (column, None))
               for f in findings)


settings.register_profile("ci", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile("ci")


APPLIES = {
    "empty": lambda f, r: f.required,
    "outside-enum": lambda f, r: f.enum is not None,
    "bad-id": lambda f, r: f.name.endswith("_id") and f.type == "string",
    "formula": lambda f, r: f.pattern == SAFE_TEXT_PATTERN,
    "duplicate": lambda f, r: f.name == r.primary_key,
}


def _cases(frames) -> list:
    return [(kind, table, f) for kind, applies in sorted(APPLIES.items()) for table in TABLES
            if len(frames[table]) >= 2
            for f in RESOURCES[table].fields if applies(f, RESOURCES[table])]


def test_every_kind_of_damage_has_cases(frames):
    kinds = {kind for kind, _, _ in _cases(frames)}
    assert kinds == set(APPLIES)


@given(data=st.data())
def test_breaking_a_declared_rule_is_always_reported(frames, data):
    # Drawn from the (kind, table, field) cases that exist, so no example is wasted: a link
    # table with no free text never draws "formula".
    cases = _cases(frames)
    kind = data.draw(st.sampled_from(sorted({k for k, _, _ in cases})))
    _, table, field = data.draw(st.sampled_from([c for c in cases if c[0] == kind]))
    frame = frames[table]
    row = data.draw(st.integers(0, len(frame) - 1))
    if kind == "empty":
        value = None
    elif kind == "outside-enum":
        value = data.draw(st.text(min_size=1, max_size=12).filter(lambda v: v not in field.enum))
    elif kind == "bad-id":
        value = data.draw(st.sampled_from(["Has Space", "UPPER", "-lead", "trail-", "a::b"]))
    elif kind == "formula":
        value = data.draw(st.sampled_from("=+@-")) + data.draw(st.text(min_size=1).filter(
            lambda v: not v[0].isdigit()))
    else:
        value = frame.at[(row + 1) % len(frame), field.name]
    mutated = _mutated(frames, table, row, field.name, value)
    findings = frame_findings(mutated, [table])  # the other tables are the valid package's
    if kind == "duplicate":
        row = max(row, (row + 1) % len(frame))  # the repeat is reported, not the first
    assert _reported(findings, table, row, field.name), (kind, table, row, field.name, value)


@given(data=st.data())
def test_no_text_makes_the_validator_crash(frames, data):
    table = data.draw(st.sampled_from(TABLES))
    resource = RESOURCES[table]
    field = data.draw(st.sampled_from([f for f in resource.fields if f.type == "string"]))
    row = data.draw(st.integers(0, len(frames[table]) - 1))
    value = data.draw(st.one_of(st.none(), st.text(max_size=40)))
    mutated = _mutated(frames, table, row, field.name, value)
    findings = frame_findings(mutated, [table])  # must not raise
    if value and field.pattern == SAFE_TEXT_PATTERN and (
            not unicodedata.is_normalized("NFC", value)):
        assert _reported(findings, table, row, field.name)


# Free text as Pandera checks it (Arrow passes) and as the Table Schema's pattern says it
# (Python's re, as Frictionless and pandas run it): the same verdict on any text, including
# the tokens, formula starts and signed numbers it is about, with and without a final newline.
_EDGES = st.sampled_from(["NA", "N/A", "nan", "null", "None", "-5", "+1,000.5", "=1+1", "@x",
                          "-", "", "\n", " NA"])


@given(st.one_of(st.text(), _EDGES, st.tuples(_EDGES, st.sampled_from(["\n", "\n\n", " ", "x"]))
                 .map("".join)))
def test_the_free_text_check_says_what_its_pattern_says(value):
    from hanoi_coop.package.model_checks import PATTERN_CHECKS

    for pattern, (_, check) in PATTERN_CHECKS.items():
        verdict = check(pd.Series([value], dtype=pd.StringDtype())).tolist()
        assert verdict == [re.match(pattern, value) is not None], (pattern, value)


# Keys and references coded together (foreign keys, citations): a value is present exactly when
# pandas' isin finds it among the keys, whatever the values and missing cells.
_KEY_TEXT = st.one_of(st.none(), st.sampled_from(["a", "b", "c", "A", " a", "a "]))


@given(st.lists(_KEY_TEXT, max_size=8), st.lists(_KEY_TEXT, max_size=8))
def test_values_coded_with_their_keys_are_present_as_isin_says(keys, values):
    from hanoi_coop.validation.rules import present, same_codes

    key_column = pd.Series(keys, dtype=pd.StringDtype())
    value_column = pd.Series(values, dtype=pd.StringDtype())
    key_codes, value_codes = same_codes(key_column, value_column)
    expected = value_column.isin(key_column.dropna()) & value_column.notna()
    assert present(value_codes, key_codes).tolist() == expected.tolist()


@settings(max_examples=100)
@given(value=st.from_regex(EDTF_PATTERN, fullmatch=True))
@example(value="XXXX-02-30")
@example(value="XXXX-08-22")
@example(value="XXXX-13")
@example(value="XXXX?")
@example(value="2026-02-29")
@example(value="0000-0X-01")
@example(value="2021/2030")
@example(value="2030/2021")
@example(value="2021-02-29/2030-12")
@example(value="2021~/2030?")
@example(value="2026-33")
@example(value="2026-36")
@example(value="2026-37")
@example(value="2026-21")
@example(value="/2030")
@example(value="2021/..")
def test_dates_read_as_the_edtf_package_reads_them(value):
    """``dates`` reads a plain date without a grammar and others with the edtf package's
    level 0 and 1 grammars first: whether it is a date, and its bounds, are what the
    package's whole grammar gives; a value the package reads but cannot bound is no date
    (it raised ValueError from inside the package, a traceback in the build)."""
    import edtf

    from hanoi_coop import dates

    try:
        found = edtf.parse_edtf(value)
        expected = (None, None) if "XXXX" in value else tuple(
            f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
            for t in (found.lower_strict(), found.upper_strict()))
    except Exception:  # refused, or read but without bounds ("0000-0X-01")
        assert not dates.is_edtf(value)
        with pytest.raises(dates.DateError):
            dates.bounds(value)
        return
    assert dates.is_edtf(value)
    assert str(dates.parse(value)) == str(found)
    assert dates.bounds(value) == expected
