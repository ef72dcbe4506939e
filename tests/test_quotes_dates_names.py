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
