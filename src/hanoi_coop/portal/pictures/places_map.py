"""The map: every place of the package, drawn where the data can say where it is and listed,
with the reason, where it cannot.

- A place with GeoNames coordinates (``place_links``) is a dot in its country's colour.
- A place whose parents (``places.parent_place_id``) lead to such a place is named under that
  dot ("in Beijing"), not given coordinates of its own.
- A country is its Natural Earth outline, found by its ISO 3166 code.
- Everything else (provinces without coordinates, corridors, rivers, regions) is listed below
  the map with the link's own note: a point would claim a location the sources do not give.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd

from hanoi_coop.portal.pictures.outlines import country_outlines, source_note
from hanoi_coop.portal.pictures.svg import NO_COUNTRY, WIDTH, Box, Label, country_of, svg, text
from hanoi_coop.portal.pictures.svg import labels_svg as placed

PAD_DEGREES = 4.0  # around the outermost dots
MARGIN = 34  # pixels for the graticule's labels


@dataclass(frozen=True)
class View:
    """An equirectangular view, longitudes squashed by the cosine of the middle latitude."""

    west: float
    south: float
    east: float
    north: float

    @property
    def squash(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def scale(self) -> float:  # pixels per degree of latitude
        return (WIDTH - 2 * MARGIN) / ((self.east - self.west) * self.squash)

    @property
    def height(self) -> float:
        return (self.north - self.south) * self.scale + 2 * MARGIN

    def at(self, lat: float, lon: float) -> tuple[float, float]:
        return (MARGIN + (lon - self.west) * self.squash * self.scale,
                MARGIN + (self.north - lat) * self.scale)


def _view(points: list[tuple[float, float]]) -> View:
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return View(math.floor(min(lons) - PAD_DEGREES), math.floor(min(lats) - PAD_DEGREES),
                math.ceil(max(lons) + PAD_DEGREES), math.ceil(max(lats) + PAD_DEGREES))


def _path(view: View, rings: tuple[tuple[tuple[float, float], ...], ...]) -> str:
    return "".join("M" + "L".join("{:.1f},{:.1f}".format(*view.at(lat, lon)) for lon, lat in ring)
                   + "Z" for ring in rings)


def _graticule(view: View) -> list[str]:
    body = []
    for lon in range(math.ceil(view.west / 5) * 5, int(view.east) + 1, 5):
        (x, y0), (_, y1) = view.at(view.north, lon), view.at(view.south, lon)
        body += [f'<line class="grid" x1="{x:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y1:.1f}"/>',
                 text(x, y1 + 14, f"{lon}°E", "axis", "middle")]
    for lat in range(math.ceil(view.south / 5) * 5, int(view.north) + 1, 5):
        (x0, y), (x1, _) = view.at(lat, view.west), view.at(lat, view.east)
        body += [f'<line class="grid" x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}"/>',
                 text(x0 - 4, y + 4, f"{lat}°N", "axis", "end")]
    return body


def _anchors(places: pd.DataFrame, coordinates: dict[str, tuple[float, float]]) -> dict[str, str]:
    """Each place without coordinates whose parents lead to one with them: that one."""
    parent = {p: q for p, q in zip(places["place_id"], places["parent_place_id"], strict=True)
              if isinstance(q, str)}
    found = {}
    for place in places["place_id"]:
        seen, step = {place}, parent.get(place)
        while step and step not in coordinates and step not in seen:
            seen.add(step)
            step = parent.get(step)
        if place not in coordinates and step in coordinates:
            found[place] = step
    return found


def _country_codes(links: pd.DataFrame, places: pd.DataFrame) -> dict[str, str]:
    countries = set(places.loc[places["place_type"] == "country", "place_id"])
    return {p: code for p, code in zip(links["place_id"], links["iso_3166_code"], strict=True)
            if p in countries and isinstance(code, str)}


def places_map(links: pd.DataFrame, places: pd.DataFrame, colours: dict[str, str]) -> str:
    """The map and, under it, the places it cannot draw, each with its link's note."""
    names = dict(zip(places["place_id"], places["name"], strict=True))
    country = country_of(places, "place_id")
    coordinates = {r.place_id: (float(r.latitude), float(r.longitude))
                   for r in links.itertuples(index=False)
                   if not pd.isna(r.latitude) and not pd.isna(r.longitude)}
    if not coordinates:
        return svg(WIDTH, 60, [text(10, 30, "No place has coordinates.", "unknown")], "Places")
    view = _view(list(coordinates.values()))
    codes = _country_codes(links, places)
    by_code = {code: place for place, code in codes.items()}
    body = [f'<rect class="sea" x="{MARGIN}" y="{MARGIN}" width="{WIDTH - 2 * MARGIN:.1f}" '
            f'height="{view.height - 2 * MARGIN:.1f}"/>']
    drawn_countries = set()
    for outline in country_outlines((view.west, view.south, view.east, view.north),
                                    0.6 / view.scale * 2):
        place = by_code.get(outline.iso_code)
        if place:
            drawn_countries.add(place)
            body.append(f'<path class="country" data-id="{html.escape(place)}" '
                        f'style="fill:{colours.get(place, NO_COUNTRY)}" '
                        f'd="{_path(view, outline.rings)}"><title>{html.escape(names[place])}'
                        "</title></path>")
        else:
            body.append(f'<path class="land" d="{_path(view, outline.rings)}">'
                        f"<title>{html.escape(outline.name)} (not in the package)</title></path>")
    body += _graticule(view)
    within: dict[str, list[str]] = {}
    for place, anchor in sorted(_anchors(places, coordinates).items()):
        within.setdefault(anchor, []).append(place)
    dots, labels = [], []
    for place, (lat, lon) in sorted(coordinates.items()):
        x, y = view.at(lat, lon)
        colour = colours.get(country.get(place, ""), NO_COUNTRY)
        dots.append(f'<g class="place" data-id="{html.escape(place)}"><circle cx="{x:.1f}" '
                    f'cy="{y:.1f}" r="4.5" style="fill:{colour}"/></g>')
        inside = within.get(place, [])
        labels.append(Label(place, x, y, (names.get(place, place),
                                          *(f"· {names.get(p, p)}" for p in inside)),
                            tuple(inside)))
    body += dots + placed(sorted(labels, key=lambda lbl: -len(lbl.lines)), 5,
                          Box(MARGIN, MARGIN, WIDTH - MARGIN, view.height - MARGIN))
    shown = set(coordinates) | drawn_countries | {p for ps in within.values() for p in ps}
    title = "Places: dots from GeoNames coordinates, outlines from Natural Earth"
    return (svg(WIDTH, view.height, body, title)
            + f"<p class=\"note\">Outlines: {html.escape(source_note())}. A name after a dot's "
            "own (“· …”) is a place inside it by the package's parent links; it has no "
            "coordinates of its own.</p>" + _unplaced(places, links, shown))


def _unplaced(places: pd.DataFrame, links: pd.DataFrame, shown: set[str]) -> str:
    notes = dict(zip(links["place_id"], links["link_note"], strict=True))
    rows = [(p, n, t) for p, n, t in zip(places["place_id"], places["name"],
                                          places["place_type"], strict=True) if p not in shown]
    if not rows:
        return ""
    items = "".join(
        f'<li class="unplaced" data-id="{html.escape(p)}"><b>{html.escape(n)}</b> '
        f"({html.escape(t)}): {html.escape(str(notes.get(p) or 'no link recorded'))}</li>"
        for p, n, t in sorted(rows, key=lambda r: (r[2], r[1])))
    return (f"<p>Not on the map ({len(rows)} of {len(places)} places): the package has no "
            f"coordinates for them and none of their parents has any.</p><ul>{items}</ul>")
