"""The portal's pictures say no more than the dates do: an unknown year is not placed, an
inferred one is drawn open."""

from __future__ import annotations

import re
from datetime import date

from hanoi_coop.portal.pictures import Dated, timeline


def test_an_unknown_year_is_listed_not_placed_and_an_inferred_one_is_drawn_open():
    rows = [Dated("stated", "Stated", "2025-04", date(2025, 4, 1), date(2025, 4, 30), False),
            Dated("inferred", "Inferred", "2026?", date(2026, 1, 1), date(2026, 12, 31), True),
            Dated("unknown", "Unknown", "XXXX-08", None, None, False),
            Dated("undated", "Undated", None, None, None, False)]
    svg = timeline(rows, "t")
    marks = dict(re.findall(r'<rect class="mark (\w+)" data-id="(\w+)"', svg))
    assert {v: k for k, v in marks.items()} == {"stated": "stated", "inferred": "uncertain"}
    assert 'class="unknown-year" data-id="unknown"' in svg and "year unknown" in svg
    assert 'class="undated" data-id="undated"' in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_a_release_without_place_links_still_has_its_pictures():
    """A portal over releases older than 2.11.0 starts: the map says why it is missing."""
    from hanoi_coop.package.read import read_frames
    from hanoi_coop.portal.pictures import pictures_page

    from .conftest import ROOT

    frames = read_frames(ROOT / "releases" / "2.10.0")
    page = pictures_page(frames)
    assert "no place_links or places table" in page and 'class="mark ' in page
