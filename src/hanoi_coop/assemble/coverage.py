"""Stage 3b, coverage: every number and date in each article's content is cited or excused.

A mention is a run of digits, a number word or a month name in a content segment (title,
standfirst, body, subheading). It is covered when some evidence quote of the same source spans
it, or excused when ``curated/coverage_exclusions.yaml`` names it with a reason and a verbatim
context that contains it.
"""

from __future__ import annotations

from dataclasses import dataclass

from hanoi_coop.errors import Problem
from hanoi_coop.ingest.records import Record
from hanoi_coop.ingest.sources import Mention, Source, mentions
from hanoi_coop.quotes import find_quote, normalise


@dataclass
class SourceCoverage:
    source_id: str
    mentions: int
    cited: int
    excused: int
    uncovered: list[Mention]

    @property
    def percent(self) -> float:
        return 100.0 if not self.mentions else 100.0 * (self.cited + self.excused) / self.mentions


Excused = dict[str, list[tuple[int, int, str]]]  # source_id -> (start, end, mention)


def excused_spans(exclusions: list[Record], sources: dict[str, Source]
                  ) -> tuple[Excused, list[Problem]]:
    """Where each exclusion's mention stands in its article, and problems with the file."""
    spans: Excused = {}
    problems = []
    for record in exclusions:
        values = record.values
        source = sources.get(values.get("source_id", ""))
        if source is None:
            problems.append(record.problem("unknown-source", "no such source", "source_id",
                                           values.get("source_id")))
            continue
        if not values.get("reason"):
            problems.append(record.problem("missing-reason", "an exclusion needs a reason",
                                           "reason"))
        found = find_quote(str(values.get("context", "")), source.text, source.normalised)
        if not found:
            problems.append(record.problem("quote-not-in-source",
                                           "context not found in the source", "context",
                                           values.get("context")))
            continue
        start, end = found[0]
        spans.setdefault(source.source_id, []).append((start, end, str(values["mention"])))
    return spans, problems


def coverage(sources: dict[str, Source], evidence_rows: list[dict], excused: Excused,
             ) -> list[SourceCoverage]:
    cited: dict[str, list[tuple[int, int]]] = {}
    for row in evidence_rows:
        cited.setdefault(row["source_id"], []).append((row["char_start"], row["char_end"]))
    report = []
    for source_id, source in sources.items():
        found = mentions(source)
        n_cited = n_excused = 0
        uncovered = []
        for m in found:
            if any(s <= m.start and m.end <= e for s, e in cited.get(source_id, [])):
                n_cited += 1
            elif any(s <= m.start and m.end <= e and normalise(text)[0].lower() == m.text.lower()
                     for s, e, text in excused.get(source_id, [])):
                n_excused += 1
            else:
                uncovered.append(m)
        report.append(SourceCoverage(source_id, len(found), n_cited, n_excused, uncovered))
    return report


def format_report(report: list[SourceCoverage]) -> str:
    lines = ["Coverage of numbers and dates in article content:"]
    for item in report:
        lines.append(f"  {item.source_id}: {item.mentions} mentions, {item.cited} cited, "
                     f"{item.excused} excused, {len(item.uncovered)} uncovered "
                     f"-> {item.percent:.1f}%")
        for m in item.uncovered:
            lines.append(f"    uncovered: line {m.line_no}: {m.text!r}")
    return "\n".join(lines)
