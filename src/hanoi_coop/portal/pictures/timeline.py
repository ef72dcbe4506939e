"""The timeline of meetings and targets: a bar from each date's earliest to latest day, drawn
as sure as the date is, and a date whose year the source does not give listed, not placed."""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from hanoi_coop.portal.pictures.svg import LINE, WIDTH, svg, text

LABEL = 330  # pixels for the labels left of a timeline
WRAP = 48  # characters a label line holds in LABEL pixels
TOP = 24  # the year axis


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


def _label_lines(d: Dated) -> list[str]:
    """The whole label in lines of whole words, the date in brackets on the last; only a
    word longer than a line (an address) is broken, or it would run into the bars."""
    return textwrap.wrap(f"{d.label} ({d.edtf or 'no date'})", WRAP)


def timeline(rows: list[Dated], title: str) -> str:
    """Bars from earliest to latest on a year axis: a solid bar for a stated date, a dashed
    one for an inferred year or approximate date, and no bar, in a lane of its own, for a date
    whose year is unknown (the bar would claim a year the source does not give)."""
    first, last = _years(rows)
    span = max(last - first, 1)
    left, right = LABEL, WIDTH - 20
    labels = [_label_lines(d) for d in rows]
    height = TOP + 8 + sum(len(lines) * LINE + 6 for lines in labels)

    def x(day: date) -> float:
        fraction = (day.toordinal() - date(first, 1, 1).toordinal()) / (
            date(last, 1, 1).toordinal() - date(first, 1, 1).toordinal())
        return left + fraction * (right - left)

    body = []
    step = 1 if span <= 12 else 5
    for year in range(first, last + 1, step):
        gx = x(date(year, 1, 1))
        body.append(f'<line x1="{gx:.1f}" y1="{TOP}" x2="{gx:.1f}" y2="{height - 8}" '
                    'class="grid"/>')
        body.append(text(gx, 16, str(year), "axis", "middle"))
    top = TOP + 4
    for d, lines in zip(rows, labels, strict=True):
        y = top + len(lines) * LINE / 2  # the row's middle
        body.append(f'<text class="label" x="8" y="{top + 10:.1f}">' + "".join(
            f'<tspan x="8" dy="{0 if i == 0 else LINE}">{html.escape(line)}</tspan>'
            for i, line in enumerate(lines)) + "</text>")
        top += len(lines) * LINE + 6
        if d.earliest is None or d.latest is None:
            kind = "unknown-year" if d.edtf else "undated"
            body.append(f'<g class="{kind}" data-id="{html.escape(d.row_id)}">'
                        + text(left + 4, y + 4, "year unknown: not placed" if d.edtf
                               else "no date given", "unknown") + "</g>")
            continue
        x0, x1 = x(d.earliest), x(d.latest + timedelta(days=1))
        kind = "uncertain" if d.uncertain else "stated"
        body.append(f'<rect class="mark {kind}" data-id="{html.escape(d.row_id)}" '
                    f'x="{x0:.1f}" y="{y - 5:.1f}" width="{max(x1 - x0, 3):.1f}" height="10">'
                    f"<title>{html.escape(d.row_id)}: {html.escape(d.edtf or '')}</title>"
                    "</rect>")
    return svg(WIDTH, height, body, title)
