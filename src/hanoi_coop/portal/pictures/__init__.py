"""Stage 7b, pictures for the portal: a timeline of meetings and targets that shows each date's
uncertainty, a map of the places and the network of who met whom.

Plain SVG written into the portal's page at start: nothing is fetched from elsewhere (no map
tiles, no scripts), so the pictures work offline and the same data give the same page. Each
mark carries a class and a ``data-id`` so a test (or a user's browser tools) can count them;
every text from the package is escaped where it is written.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd

from hanoi_coop.portal.pictures.network import network
from hanoi_coop.portal.pictures.places_map import places_map
from hanoi_coop.portal.pictures.svg import country_colours, legend
from hanoi_coop.portal.pictures.timeline import Dated, dated_rows, timeline

__all__ = ["STYLE", "Dated", "pictures_page", "timeline"]

STYLE = """<style>
svg { background: #fff; border: 1px solid #ddd; margin-bottom: .5em; font: 11px sans-serif; }
.grid { stroke: #e3e3e3; } .axis { fill: #666; } .label { fill: #222; }
svg .label { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.within { fill: #555; font-style: italic; } .leader { stroke: #999; stroke-width: .8; }
.mark.stated { fill: #1f5f8b; } .mark.uncertain { fill: #fff; stroke: #1f5f8b;
  stroke-dasharray: 3 2; } .unknown { fill: #a33; font-style: italic; }
.sea { fill: #eef4f8; } .land { fill: #f4f2ee; stroke: #c9c4bb; stroke-width: .6; }
.country { fill-opacity: .22; stroke: #555; stroke-width: .8; }
.place circle, .node circle { stroke: #fff; stroke-width: 1.5; } .met { stroke: #9db7cc; }
.legend .swatch { display: inline-block; width: .9em; height: .9em; margin: 0 .3em 0 1em;
  vertical-align: -.1em; border: 1px solid #555; }
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


def _countries(frames: dict[str, pd.DataFrame]) -> tuple[dict[str, str], dict[str, str]]:
    """The package's countries with a colour each, and their names."""
    places = frames.get("places")
    if places is None:
        return {}, {}
    countries = places[places["place_type"] == "country"]
    return (country_colours(sorted(countries["place_id"])),
            dict(zip(countries["place_id"], countries["name"], strict=True)))


def pictures_page(frames: dict[str, pd.DataFrame]) -> str:
    """The pictures of one release as an HTML fragment: every text from the package in it is
    escaped where it is written, and the fragment reaches the page as a value, never as
    template source (see ``portal_plugin``)."""
    colours, country_names = _countries(frames)
    key = legend(colours, country_names) if colours else ""
    meetings = _drawn(frames, ("meetings",), lambda m: timeline(
        dated_rows(m, "meeting_id", "title", "date"), "Meetings by date"))
    targets = _drawn(frames, ("targets",), lambda t: timeline(
        dated_rows(t, "target_id", "summary", "deadline"), "Targets by deadline"))
    sections = [
        "<h2>Timeline</h2><p>A solid bar is a date the source states; an open, dashed bar a "
        "year the package infers (EDTF '?') or an approximate date; a date whose year the "
        "source does not give is listed as unknown, not placed.</p>",
        "<h3>Meetings</h3>", meetings, "<h3>Targets (deadlines)</h3>", targets,
        "<h2>Map</h2><p>Dots are places with GeoNames coordinates (<code>place_links</code>: "
        "the coordinates come from that dataset, not from the articles); a country of the "
        "package is its shaded outline. Colours: the place's country "
        "(<code>places.country_id</code>).</p>", key,
        _drawn(frames, ("place_links", "places"), lambda links, places: places_map(
            links, places, colours)),
        "<h2>Who met whom</h2><p>A line joins two organizations whose people took part in the "
        "same meeting (<code>meeting_participants</code>); the more meetings, the thicker the "
        "line. Colours: the organization's country (<code>organizations.country_id</code>). "
        "Hover a line for its meetings, or open the table below.</p>", key,
        _drawn(frames, ("meeting_participants", "organizations"),
               lambda participants, organizations: network(participants, organizations,
                                                           colours)),
    ]
    return "\n".join(sections)
