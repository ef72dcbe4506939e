"""What every picture shares: escaped SVG text, the palette of countries, and labels placed
where they overlap neither each other nor the marks they name.

Text widths are estimated (no font metrics on the server) a little wider than a browser draws
11 px sans-serif; the browser test measures the real boxes and fails on any overlap.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

WIDTH = 960
CHAR = 6.6  # estimated pixels per character of an 11 px sans-serif label
LINE = 13  # pixels per line of a label
ASCENT = 9  # from a line's top to its baseline

# Okabe–Ito colours, told apart with any colour vision; one per country of the package, the
# same in the map and the network.
PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
NO_COUNTRY = "#8c8c8c"


def text(x: float, y: float, words: str, css: str = "", anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" class="{css}" text-anchor="{anchor}">'
            f"{html.escape(words)}</text>")


def svg(width: float, height: float, body: Iterable[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{html.escape(title)}">'
            f"<title>{html.escape(title)}</title>{''.join(body)}</svg>")


def country_colours(countries: Sequence[str]) -> dict[str, str]:
    """A colour per country id, in the order given (the package's countries, sorted)."""
    return {country: PALETTE[i % len(PALETTE)] for i, country in enumerate(countries)}


def country_of(frame: pd.DataFrame, key: str) -> dict[str, str]:
    """Each row's ``country_id`` where it has one (releases before 2.16.0 have none)."""
    if "country_id" not in frame:
        return {}
    return {k: c for k, c in zip(frame[key], frame["country_id"], strict=True)
            if isinstance(c, str)}


def legend(colours: dict[str, str], names: dict[str, str]) -> str:
    """The colour key as HTML, so that a reader need not hover to learn it."""
    items = [(names.get(c, c), colour) for c, colour in colours.items()]
    items.append(("no country in the package", NO_COUNTRY))
    return '<p class="legend">' + " ".join(
        f'<span class="swatch" style="background:{colour}"></span>{html.escape(name)}'
        for name, colour in items) + "</p>"


# --- label placement ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box, pad: float = 2) -> float:
        """The area the two boxes share once each is grown by ``pad``; 0 when apart."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0) + 2 * pad
        h = min(self.y1, other.y1) - max(self.y0, other.y0) + 2 * pad
        return w * h if w > 0 and h > 0 else 0.0

    def inside(self, bounds: Box) -> bool:
        return (self.x0 >= bounds.x0 and self.y0 >= bounds.y0 and self.x1 <= bounds.x1
                and self.y1 <= bounds.y1)


def around(x: float, y: float, radius: float) -> Box:
    return Box(x - radius, y - radius, x + radius, y + radius)


@dataclass(frozen=True)
class Label:
    key: str
    x: float  # the mark the label names
    y: float
    lines: tuple[str, ...]
    line_ids: tuple[str, ...] = ()  # a data-id for each line after the first, if it names a row


@dataclass(frozen=True)
class Placed:
    label: Label
    x: float  # the text's x, with its anchor
    y: float  # the first line's baseline
    anchor: str
    box: Box


# Where to try a label, relative to its mark: right, left, above, below, then the corners, each
# at growing distances.
_SIDES = ((1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (1, 1), (-1, -1), (-1, 1))
_DISTANCES = (8, 20, 36, 56)


def _candidate(label: Label, side: tuple[int, int], distance: float) -> Placed:
    width = max(len(line) for line in label.lines) * CHAR
    height = len(label.lines) * LINE
    dx, dy = side
    anchor = {1: "start", -1: "end", 0: "middle"}[dx]
    x = label.x + dx * distance
    x0 = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
    top = label.y - height / 2 + dy * (distance + height / 2 - (4 if dx else 0))
    return Placed(label, x, top + ASCENT, anchor, Box(x0, top, x0 + width, top + height))


def place_labels(labels: Sequence[Label], marks: Sequence[Box], bounds: Box) -> list[Placed]:
    """Each label at the first spot, nearest first, that stays inside ``bounds`` and clear of
    every mark and every label placed before it; where none is clear, at the least crowded."""
    placed: list[Placed] = []
    for label in labels:
        taken = list(marks) + [p.box for p in placed]
        best: tuple[float, Placed] | None = None
        for distance in _DISTANCES:
            for side in _SIDES:
                spot = _candidate(label, side, distance)
                crowding = sum(spot.box.overlap(box) for box in taken) + (
                    0 if spot.box.inside(bounds) else 1e6)
                if best is None or crowding < best[0]:
                    best = (crowding, spot)
                if crowding == 0:
                    break
            if best and best[0] == 0:
                break
        assert best is not None
        placed.append(best[1])
    return placed


def label_text(spot: Placed, css: str, key_attribute: str = "") -> str:
    """A placed label as one ``<text>``, a ``<tspan>`` a line, and its leader line when it
    stands away from its mark."""
    ids = ("", *(f' class="within" data-id="{html.escape(i)}"' for i in spot.label.line_ids))
    lines = "".join(
        f'<tspan x="{spot.x:.1f}" dy="{0 if i == 0 else LINE}"{ids[i] if i < len(ids) else ""}>'
        f"{html.escape(line)}</tspan>" for i, line in enumerate(spot.label.lines))
    far = abs(spot.box.x0 - spot.label.x) > 30 and abs(spot.box.x1 - spot.label.x) > 30 or (
        min(abs(spot.box.y0 - spot.label.y), abs(spot.box.y1 - spot.label.y)) > 30)
    leader = ""
    if far:
        cx = min(max(spot.label.x, spot.box.x0), spot.box.x1)
        cy = min(max(spot.label.y, spot.box.y0), spot.box.y1)
        leader = (f'<line class="leader" x1="{spot.label.x:.1f}" y1="{spot.label.y:.1f}" '
                  f'x2="{cx:.1f}" y2="{cy:.1f}"/>')
    return (leader + f'<text class="{css}" x="{spot.x:.1f}" y="{spot.y:.1f}" '
            f'text-anchor="{spot.anchor}"{key_attribute}>{lines}</text>')


def labels_svg(labels: Sequence[Label], mark_radius: float, bounds: Box) -> list[str]:
    """The labels of marks of ``mark_radius`` at their own points, placed clear of every
    mark and of each other (the order given is the order of choice)."""
    marks = [around(label.x, label.y, mark_radius) for label in labels]
    return [label_text(spot, "label", f' data-for="{html.escape(spot.label.key)}"')
            for spot in place_labels(labels, marks, bounds)]
