"""The portal's pictures say no more than the dates do: an unknown year is not placed, an
inferred one is drawn open."""

from __future__ import annotations

import html
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


# --- the map, the network and their labels ------------------------------------------------------
def _newest_frames():
    from hanoi_coop.package.read import read_frames
    from hanoi_coop.publish.release import released_versions

    from .conftest import ROOT

    return read_frames(ROOT / "releases" / released_versions(ROOT)[-1])


def _ids(page: str, pattern: str) -> list[str]:
    return re.findall(pattern, page)


def test_every_place_is_on_the_map_once_or_listed_with_its_reason():
    """A dot for coordinates, a line under its parent's dot for a place inside it, an outline
    for a country, else a list entry quoting the link's note: each place exactly once."""
    from hanoi_coop.portal.pictures import pictures_page

    frames = _newest_frames()
    page = pictures_page(frames)
    dots = _ids(page, r'<g class="place" data-id="([^"]+)"')
    inside = _ids(page, r'class="within" data-id="([^"]+)"')
    countries = _ids(page, r'<path class="country" data-id="([^"]+)"')
    unplaced = _ids(page, r'<li class="unplaced" data-id="([^"]+)"')
    shown = dots + inside + countries + unplaced
    assert sorted(shown) == sorted(frames["places"]["place_id"])  # all, none twice
    links = frames["place_links"].set_index("place_id")
    assert set(dots) == set(links.index[links["latitude"].notna()])
    assert set(countries) == {"china", "japan", "south-korea", "vietnam"}
    assert {"thuong-tin-commune", "zhongguancun-science-park"} <= set(inside)
    assert "Its quote names Lao Cai only as where tourism routes begin" in page  # the reason
    assert "Natural Earth 5.1.1" in page


def test_labels_are_whole_and_placed_clear_of_each_other_and_of_the_marks(monkeypatch):
    """Two places a few pixels apart (Hanoi and Haiphong) get labels that neither overlap
    each other nor cover a dot; a timeline label keeps every word of its title."""
    from hanoi_coop.portal.pictures import svg as svg_module
    from hanoi_coop.portal.pictures.svg import Box, Label, around, place_labels

    labels = [Label("hanoi", 100, 100, ("Hanoi", "· Thuong Tin Commune")),
              Label("haiphong", 112, 101, ("Haiphong",)), Label("x", 106, 96, ("X",))]
    marks = [around(lbl.x, lbl.y, 5) for lbl in labels]
    spots = place_labels(labels, marks, Box(0, 0, 400, 300))
    boxes = [s.box for s in spots]
    assert all(a.overlap(b) == 0 for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert all(box.overlap(mark) == 0 for box in boxes for mark in marks)
    # From the other side: a placer that may only put a label right of its dot lays
    # Hanoi's label over Haiphong's dot, and the same check says so.
    monkeypatch.setattr(svg_module, "_SIDES", ((1, 0),))
    monkeypatch.setattr(svg_module, "_DISTANCES", (8,))
    naive = [s.box for s in place_labels(labels, marks, Box(0, 0, 400, 300))]
    assert any(box.overlap(mark) for box in naive for mark in marks)

    rows = [Dated("long", "Hanoi People's Committee Chairman Tran Sy Thanh receives the "
                  "delegation of the Chongqing municipal government", "2025-10-24",
                  date(2025, 10, 24), date(2025, 10, 24), False)]
    drawn = html.unescape(re.sub(r"<[^>]+>", " ", timeline(rows, "t").split("</title>", 1)[1]))
    assert " ".join(drawn.split()).startswith(
        "2025 2026 Hanoi People's Committee Chairman Tran Sy Thanh receives the delegation "
        "of the Chongqing municipal government (2025-10-24)")


def test_the_network_is_the_same_drawing_each_time_coloured_by_country_with_its_table():
    from hanoi_coop.portal.pictures import pictures_page
    from hanoi_coop.portal.pictures.network import met

    frames = _newest_frames()
    first, second = pictures_page(frames), pictures_page(frames)
    assert first == second
    pairs = met(frames["meeting_participants"])
    assert set(_ids(first, r'<line class="met" data-id="([^"]+)"')) == {
        f"{a}|{b}" for a, b in pairs}
    organizations = frames["organizations"].set_index("organization_id")
    nodes = dict(re.findall(r'<g class="node" data-id="([^"]+)"><circle [^>]*fill:(#\w+)',
                            first))
    by_country: dict[str, set[str]] = {}
    for node, colour in nodes.items():
        by_country.setdefault(str(organizations.at[node, "country_id"]), set()).add(colour)
    assert all(len(colours) == 1 for colours in by_country.values())  # one colour a country
    assert len({next(iter(c)) for c in by_country.values()}) == len(by_country)
    table = first.split("The pairs as a table", 1)[1]
    assert all(meeting in table for meetings in pairs.values() for meeting in meetings)
