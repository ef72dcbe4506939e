"""Who met whom: organizations joined when their people took part in the same meeting, laid
out by networkx's force-directed layout (fixed seed, so the same data draw the same picture),
coloured by country, and listed as a table so that no meaning hides in a hover."""

from __future__ import annotations

import html
from collections.abc import Iterator
from itertools import combinations

import pandas as pd

from hanoi_coop.portal.pictures.svg import NO_COUNTRY, WIDTH, Box, Label, country_of, svg
from hanoi_coop.portal.pictures.svg import labels_svg as placed

HEIGHT = 640
INSET = 150  # pixels kept free at the sides for labels
SEED = 20260  # the layout's seed: any fixed number; changing it redraws the same graph


def _pairs(participants: pd.DataFrame) -> Iterator[tuple[str, str, str]]:
    for meeting, group in participants.groupby("meeting_id", sort=True):
        organizations = sorted({o for o in group["organization_id"] if isinstance(o, str)})
        for a, b in combinations(organizations, 2):
            yield a, b, str(meeting)


def met(participants: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """Each pair of organizations (sorted) and the meetings both took part in."""
    meetings: dict[tuple[str, str], list[str]] = {}
    for a, b, meeting in _pairs(participants):
        meetings.setdefault((a, b), []).append(meeting)
    return dict(sorted(meetings.items()))


def _layout(pairs: dict[tuple[str, str], list[str]]) -> dict[str, tuple[float, float]]:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted({n for pair in pairs for n in pair}))
    graph.add_weighted_edges_from((a, b, len(m)) for (a, b), m in pairs.items())
    # ForceAtlas2 with strong gravity keeps the separate groups near each other (a spring
    # layout flings them to the corners); node sizes keep the dots apart.
    spread = nx.forceatlas2_layout(graph, seed=SEED, max_iter=400, strong_gravity=True,
                                   gravity=0.05, scaling_ratio=4.0,
                                   node_size={n: 1.0 for n in graph}, weight="weight")
    xs = [float(p[0]) for p in spread.values()]
    ys = [float(p[1]) for p in spread.values()]

    def fit(value: float, low: float, high: float, start: float, size: float) -> float:
        return start + (value - low) / ((high - low) or 1) * size

    return {n: (fit(float(p[0]), min(xs), max(xs), INSET, WIDTH - 2 * INSET),
                fit(float(p[1]), min(ys), max(ys), 40, HEIGHT - 80))
            for n, p in spread.items()}


def network(participants: pd.DataFrame, organizations: pd.DataFrame,
            colours: dict[str, str]) -> str:
    """The graph as SVG and the pairs as a table."""
    names = dict(zip(organizations["organization_id"], organizations["name"], strict=True))
    country = country_of(organizations, "organization_id")
    pairs = met(participants)
    if not pairs:
        return "<p>No two organizations took part in the same meeting.</p>"
    at = _layout(pairs)
    body = []
    for (a, b), meetings in pairs.items():
        (x0, y0), (x1, y1) = at[a], at[b]
        body.append(f'<line class="met" data-id="{html.escape(a)}|{html.escape(b)}" '
                    f'x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
                    f'stroke-width="{1 + len(meetings)}"><title>'
                    f"{html.escape(', '.join(meetings))}</title></line>")
    labels = []
    for node, (x, y) in sorted(at.items()):
        colour = colours.get(country.get(node, ""), NO_COUNTRY)
        body.append(f'<g class="node" data-id="{html.escape(node)}"><circle cx="{x:.1f}" '
                    f'cy="{y:.1f}" r="6" style="fill:{colour}"/></g>')
        labels.append(Label(node, x, y, (names.get(node, node),)))
    body += placed(labels, 7, Box(4, 4, WIDTH - 4, HEIGHT - 4))
    return svg(WIDTH, HEIGHT, body, "Who met whom") + _table(pairs, names)


def _table(pairs: dict[tuple[str, str], list[str]], names: dict[str, str]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(names.get(a, a))}</td><td>{html.escape(names.get(b, b))}</td>"
        f"<td>{len(m)}</td><td>{html.escape(', '.join(m))}</td></tr>"
        for (a, b), m in pairs.items())
    return ("<details><summary>The pairs as a table</summary><table class=\"rows-and-columns\">"
            "<thead><tr><th>organization</th><th>organization</th><th>meetings</th>"
            f"<th>meeting_id</th></tr></thead><tbody>{rows}</tbody></table></details>")
