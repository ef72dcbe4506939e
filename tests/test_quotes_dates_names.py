"""Unit tests of the small pure functions the build rests on."""

import pytest

from hanoi_coop import dates, names
from hanoi_coop.quotes import find_quote


def test_quote_matches_across_whitespace_and_typographic_marks():
    text = "Hanoi’s  urban\nplanning “matters”."
    spans = find_quote("Hanoi's urban planning \"matters\"", text)
    assert spans == [(0, len(text) - 1)]
    assert text[spans[0][0]:spans[0][1]] == "Hanoi’s  urban\nplanning “matters”"


def test_quote_does_not_forgive_other_differences():
    text = "Lao Cai–Hanoi–Haiphong"
    assert find_quote("Lao Cai-Hanoi-Haiphong", text) == []  # dashes are not normalised
    assert find_quote("lao cai–Hanoi", text) == []  # nor is case


@pytest.mark.parametrize(("value", "earliest", "latest", "precision"), [
    ("2026-02-05?", "2026-02-05", "2026-02-05", "day"),
    ("XXXX-08-22", None, None, "day"),
    ("2026-33", "2026-01-01", "2026-03-31", "quarter"),
    ("2024-11", "2024-11-01", "2024-11-30", "month"),
    ("2045", "2045-01-01", "2045-12-31", "year"),
    ("2021/2030", "2021-01-01", "2030-12-31", "interval"),
    ("XXXX", None, None, "unknown"),
])
def test_edtf_bounds_keep_what_the_text_knows(value, earliest, latest, precision):
    assert dates.bounds(value) == (earliest, latest)
    assert dates.precision(value) == precision


def test_invalid_edtf_is_rejected():
    with pytest.raises(dates.DateError):
        dates.bounds("2026-13-45")


def test_search_key_maps_d_stroke_and_strips_diacritics():
    assert names.search_key("Vũ Đại Thắng") == "vu dai thang"
    assert names.search_key("Nguyễn Duy Ngọc") == "nguyen duy ngoc"


def test_nfc_detection():
    assert names.is_nfc("Thắng")
    assert not names.is_nfc("Tha\u0306\u0301ng")


# --- the one rule for years the text does not print --------------------------------------------
def _clue(tense: str, earliest: str, latest: str):
    import datetime as dt

    from hanoi_coop.dates import Clue

    return Clue(tense, dt.date.fromisoformat(earliest), dt.date.fromisoformat(latest))


@pytest.mark.parametrize(("month", "day", "clues", "expected"), [
    # China: "revenue ... in 2025" reported as past: the first year after it, uncertain.
    (2, 5, [("past", "2025-01-01", "2025-12-31")], ("2026-02-05?", "inferred")),
    # Chongqing: April 2025 past and a fair in April 2026 ahead: only 2025 fits, certain.
    (10, 24, [("past", "2025-04-01", "2025-04-30"), ("future", "2026-04-01", "2026-04-30")],
     ("2025-10-24", "inferred")),
    # Japan: construction in January 2026 ahead: the last year before it, uncertain.
    (12, 17, [("future", "2026-01-01", "2026-01-31")], ("2025-12-17?", "inferred")),
    # Capital Region: a pilot in the first quarter of 2026 ahead: January 15 may be in 2026.
    (1, 15, [("future", "2026-01-01", "2026-03-31")], ("2026-01-15?", "inferred")),
    # No clue in the article (the Beijing-Tokyo-Seoul trip): the year stays unknown.
    (8, 22, [], ("XXXX-08-22", "unknown")),
    # A month without a day ("in late August") is placed the same way.
    (8, None, [("future", "2026-04-01", "2026-04-30")], ("2025-08?", "inferred")),
    # "is currently visiting": the article's own time, a year only.
    (None, None, [("past", "2025-01-01", "2025-12-31")], ("2026?", "inferred")),
    # 29 February only in a leap year.
    (2, 29, [("past", "2025-01-01", "2025-12-31")], ("2028-02-29?", "inferred")),
])
def test_a_yearless_date_takes_the_year_its_articles_clues_give(month, day, clues, expected):
    from hanoi_coop.dates import infer_year

    assert infer_year(month, day, [_clue(*c) for c in clues]) == expected


def test_clues_that_leave_no_year_are_an_error():
    from hanoi_coop.dates import DateError, infer_year

    with pytest.raises(DateError):
        infer_year(6, 1, [_clue("past", "2026-01-01", "2026-12-31"),
                          _clue("future", "2025-01-01", "2025-12-31")])


@pytest.mark.parametrize(("text", "edtf", "expected"), [
    ("February 5", "2026-02-05?", (2, 5)), ("in late August", "XXXX-08", (8, None)),
    ("In April 2025", "2025-04", None),  # the year is printed
    ("next year", "XXXX", (None, None)), ("is currently visiting", "2026?", (None, None)),
    ("is currently visiting", None, None),
    ("in the first quarter of 2026", "2026-33", None),
])
def test_which_dates_the_rule_applies_to(text, edtf, expected):
    from hanoi_coop.dates import yearless

    assert yearless(text, edtf) == expected
