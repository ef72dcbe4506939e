"""Stage 7b, pictures for the portal: a timeline of meetings and targets that shows each date's
uncertainty, a map of the places with coordinates and the network of who met whom.

Plain SVG written into the portal's page at start: nothing is fetched from elsewhere (no map
tiles, no scripts), so the pictures work offline and the same data give the same page. Each
mark carries a class and a ``data-id`` so a test (or a user's browser tools) can count them.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import combinations

import pandas as pd

WIDTH = 960
ROW = 18  # pixels per timeline row
LABEL = 330  # pixels for the labels left of a timeline


def _text(x: float, y: float, words: str, css: str = "", anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" class="{css}" text-anchor="{anchor}">'
            f"{html.escape(words)}</text>")


def _svg(height: float, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-label="{html.escape(title)}">'
            f"<title>{html.escape(title)}</title>{''.join(body)}</svg>")


# --- timeline ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dated:
    row_id: str
    label: str
    edtf: str | None
    earliest: date | None
    latest: date | None
    uncertain: bool  # an inferred year ("?") or an approximate date


def dated_rows(frame: pd.DataFrame, key: str, label: str, prefix: str) -> list[Dated]:
    """Each row's date family as the timeline draws it; no bounds means an unknown year."""
    rows = []
    for row in frame.itertuples(index=False):
        values = row._asdict()
        given = values[f"{prefix}_edtf"]
        edtf = given if isinstance(given, str) else ""
        earliest, latest = values[f"{prefix}_earliest"], values[f"{prefix}_latest"]
        rows.append(Dated(
            values[key], str(values[label]), edtf or None,
            None if pd.isna(earliest) else pd.Timestamp(earliest).date(),
            None if pd.isna(latest) else pd.Timestamp(latest).date(),
            any(mark in edtf for mark in "?~%")))
    return sorted(rows, key=lambda d: (d.earliest is None, d.earliest or date.max, d.row_id))


def _years(rows: list[Dated]) -> tuple[int, int]:
    known = [d for d in rows if d.earliest and d.latest]
    if not known:
        return 2025, 2026
    return min(d.earliest.year for d in known if d.earliest), max(
        d.latest.year for d in known if d.latest) + 1


def timeline(rows: list[Dated], title: str) -> str:
    """Bars from earliest to latest on a year axis: a solid bar for a stated date, a dashed
    one for an inferred year or approximate date, and no bar, in a lane of its own, for a date
    whose year is unknown (the bar would claim a year the source does not give)."""
    first, last = _years(rows)
    span = max(last - first, 1)
    left, right = LABEL, WIDTH - 20

    def x(day: date) -> float:
        fraction = (day.toordinal() - date(first, 1, 1).toordinal()) / (
            date(last, 1, 1).toordinal() - date(first, 1, 1).toordinal())
        return left + fraction * (right - left)

    body = []
    step = 1 if span <= 12 else 5
    for year in range(first, last + 1, step):
        gx = x(date(year, 1, 1))
        body.append(f'<line x1="{gx:.1f}" y1="24" x2="{gx:.1f}" y2="{24 + ROW * len(rows)}" '
                    'class="grid"/>')
        body.append(_text(gx, 16, str(year), "axis", "middle"))
    for i, d in enumerate(rows):
        y = 24 + ROW * i + ROW / 2
        body.append(_text(8, y + 4, f"{d.label[:48]} ({d.edtf or 'no date'})", "label"))
        if d.earliest is None or d.latest is None:
            kind = "unknown-year" if d.edtf else "undated"
            body.append(f'<g class="{kind}" data-id="{html.escape(d.row_id)}">'
                        + _text(left + 4, y + 4, "year unknown: not placed" if d.edtf
                                else "no date given", "unknown") + "</g>")
            continue
        x0, x1 = x(d.earliest), x(d.latest + pd.Timedelta(days=1).to_pytimedelta())
        kind = "uncertain" if d.uncertain else "stated"
        body.append(f'<rect class="mark {kind}" data-id="{html.escape(d.row_id)}" '
                    f'x="{x0:.1f}" y="{y - 5:.1f}" width="{max(x1 - x0, 3):.1f}" height="10">'
                    f"<title>{html.escape(d.row_id)}: {html.escape(d.edtf or '')}</title>"
                    "</rect>")
    return _svg(40 + ROW * len(rows), body, title)


# --- map ---------------------------------------------------------------------------------------
def places_map(links: pd.DataFrame, places: pd.DataFrame) -> str:
    """The places with GeoNames coordinates on an equirectangular grid (no tiles)."""
    names = dict(zip(places["place_id"], places["name"], strict=True))
    points = [(row.place_id, names.get(row.place_id, row.place_id), float(row.latitude),
               float(row.longitude))
              for row in links.itertuples(index=False)
              if not pd.isna(row.latitude) and not pd.isna(row.longitude)]
    height = 520
    if not points:
        return _svg(60, [_text(10, 30, "No place has coordinates.", "unknown")], "Places")
    south = math.floor(min(p[2] for p in points) / 10) * 10 - 5
    north = math.ceil(max(p[2] for p in points) / 10) * 10 + 5
    west = math.floor(min(p[3] for p in points) / 10) * 10 - 5
    east = math.ceil(max(p[3] for p in points) / 10) * 10 + 5
    scale = min((WIDTH - 80) / (east - west), (height - 60) / (north - south))

    def at(lat: float, lon: float) -> tuple[float, float]:
        return 40 + (lon - west) * scale, 30 + (north - lat) * scale

    body = []
    for meridian in range(int(west), int(east) + 1, 10):
        x0, y0 = at(north, meridian)
        _, y1 = at(south, meridian)
        body += [f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x0:.1f}" y2="{y1:.1f}" class="grid"/>',
                 _text(x0, y1 + 14, f"{meridian}°E", "axis", "middle")]
    for parallel in range(int(south), int(north) + 1, 10):
        x0, y0 = at(parallel, west)
        x1, _ = at(parallel, east)
        body += [f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y0:.1f}" class="grid"/>',
                 _text(x0 - 4, y0 + 4, f"{parallel}°N", "axis", "end")]
    for place_id, name, lat, lon in sorted(points):
        px, py = at(lat, lon)
        body.append(f'<g class="place" data-id="{html.escape(place_id)}">'
                    f'<circle cx="{px:.1f}" cy="{py:.1f}" r="5"/>'
                    + _text(px + 8, py + 4, name, "label") + "</g>")
    return _svg(height + 20, body, "Places with coordinates (GeoNames, via place_links)")


# --- network -----------------------------------------------------------------------------------
def _pairs(participants: pd.DataFrame) -> Iterator[tuple[str, str, str]]:
    for meeting, group in participants.groupby("meeting_id", sort=True):
        organizations = sorted({o for o in group["organization_id"] if isinstance(o, str)})
        for a, b in combinations(organizations, 2):
            yield a, b, str(meeting)


def network(participants: pd.DataFrame, organizations: pd.DataFrame) -> str:
    """Organizations on a circle, a line between two that took part in the same meeting
    (thicker for more meetings)."""
    names = dict(zip(organizations["organization_id"], organizations["name"], strict=True))
    weights: dict[tuple[str, str], list[str]] = {}
    for a, b, meeting in _pairs(participants):
        weights.setdefault((a, b), []).append(meeting)
    nodes = sorted({n for pair in weights for n in pair})
    size = 620
    centre, radius = size / 2, size / 2 - 140
    at = {n: (WIDTH / 2 + radius * math.cos(2 * math.pi * i / max(len(nodes), 1)),
              centre + radius * math.sin(2 * math.pi * i / max(len(nodes), 1)))
          for i, n in enumerate(nodes)}
    body = []
    for (a, b), meetings in sorted(weights.items()):
        (x0, y0), (x1, y1) = at[a], at[b]
        body.append(f'<line class="met" data-id="{html.escape(a)}|{html.escape(b)}" '
                    f'x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
                    f'stroke-width="{1 + len(meetings)}"><title>'
                    f"{html.escape(', '.join(meetings))}</title></line>")
    for n in nodes:
        x, y = at[n]
        anchor = "start" if x >= WIDTH / 2 else "end"
        body.append(f'<g class="node" data-id="{html.escape(n)}"><circle cx="{x:.1f}" '
                    f'cy="{y:.1f}" r="6"/>'
                    + _text(x + (10 if anchor == "start" else -10), y + 4,
                            names.get(n, n)[:40], "label", anchor) + "</g>")
    return _svg(size, body, "Who met whom: organizations in the same meeting")


STYLE = """<style>
svg { background: #fff; border: 1px solid #ddd; margin-bottom: 1em; font: 11px sans-serif; }
.grid { stroke: #e3e3e3; } .axis { fill: #666; } .label { fill: #222; }
.mark.stated { fill: #1f5f8b; } .mark.uncertain { fill: #fff; stroke: #1f5f8b;
  stroke-dasharray: 3 2; } .unknown { fill: #a33; font-style: italic; }
.place circle, .node circle { fill: #1f5f8b; } .met { stroke: #8fb3cf; }
</style>"""


def _drawn(frames: dict[str, pd.DataFrame], tables: tuple[str, ...],
           draw: Callable[..., str]) -> str:
    """``draw`` of the tables, or a sentence naming those this release does not have in the
    shape today's tools read (an older release: 2.10.0 has no place_links)."""
    absent = [t for t in tables if t not in frames]
    if absent:
        return (f"<p>This release has no {' or '.join(html.escape(t) for t in absent)} "
                "table in the shape this picture reads.</p>")
    return draw(*(frames[t] for t in tables))


def pictures_page(frames: dict[str, pd.DataFrame]) -> str:
    """The pictures of one release as an HTML fragment: every text from the package in it is
    escaped where it is written, and the fragment reaches the page as a value, never as
    template source (see ``portal_plugin``)."""
    meetings = _drawn(frames, ("meetings",), lambda m: timeline(
        dated_rows(m, "meeting_id", "title", "date"), "Meetings by date"))
    targets = _drawn(frames, ("targets",), lambda t: timeline(
        dated_rows(t, "target_id", "summary", "deadline"), "Targets by deadline"))
    sections = [
        "<h2>Timeline</h2><p>A solid bar is a date the source states; an open, dashed bar a "
        "year the package infers (EDTF '?') or an approximate date; a date whose year the "
        "source does not give is listed as unknown, not placed.</p>",
        "<h3>Meetings</h3>", meetings, "<h3>Targets (deadlines)</h3>", targets,
        "<h2>Map</h2><p>Places with GeoNames coordinates (<code>place_links</code>; the "
        "coordinates come from that dataset, not from the articles).</p>",
        _drawn(frames, ("place_links", "places"), places_map),
        "<h2>Who met whom</h2><p>Organizations whose people took part in the same meeting "
        "(<code>meeting_participants</code>); hover a line for the meetings.</p>",
        _drawn(frames, ("meeting_participants", "organizations"), network),
    ]
    return "\n".join(sections)
