"""Stage 3d, name coverage: every person, organization, place and project that an article's
content names is linked, in that paragraph, to the rows the sentence connects it with, or
excused with a reason.

A name is what a table's ``Resource.named_as`` column holds ("Chongqing", "CRRC Dalian"). Its
mention on a line is linked when a quote of the same source spans it and the quote's row
refers to the named row: directly, through the rows it refers to (a participant's
organization and that organization's parent and place), or through the link-table rows that
refer to it (a meeting's participants). Otherwise ``curated/coverage_exclusions.yaml`` must
excuse it (mention, verbatim context, reason), or the build fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from hanoi_coop.assemble.coverage import Excused
from hanoi_coop.errors import Problem
from hanoi_coop.ingest.sources import Source
from hanoi_coop.layout import EXCLUSIONS, article_path
from hanoi_coop.metadata import EVIDENCE, RESOURCES

Node = tuple[str, str]  # (table, primary key)


@dataclass
class NameCoverage:
    source_id: str
    names: int = 0
    linked: int = 0
    excused: int = 0
    unlinked: list[tuple[int, str]] = field(default_factory=list)  # (line, name)


def _references(frames: dict[str, pd.DataFrame]) -> dict[Node, set[Node]]:
    """Each row and the rows its foreign keys name."""
    edges: dict[Node, set[Node]] = {}
    for name, resource in RESOURCES.items():
        frame = frames[name]
        keys = frame[resource.primary_key].astype(object)
        for fk in resource.foreign_keys:
            if fk.resource == name and fk.fields == resource.primary_key:
                continue
            for key, value in zip(keys, frame[fk.fields].astype(object), strict=True):
                if isinstance(key, str) and isinstance(value, str):
                    edges.setdefault((name, key), set()).add((fk.resource, value))
    return edges


def _reach(start: Iterable[Node], edges: dict[Node, set[Node]]) -> set[Node]:
    seen: set[Node] = set()
    todo = list(start)
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += edges.get(node, ())
    return seen


def linked_rows(frames: dict[str, pd.DataFrame]) -> dict[Node, set[Node]]:
    """Every row a quote's row connects: itself, what it refers to (transitively), and what
    the link-table rows that refer to it refer to (a meeting's participants)."""
    edges = _references(frames)
    children: dict[Node, set[Node]] = {}
    for node, targets in edges.items():
        if RESOURCES[node[0]].id_from:  # link tables (participants, parties, sectors)
            for target in targets:
                children.setdefault(target, set()).add(node)
    return {node: _reach({node, *children.get(node, ())}, edges)
            for node in set(edges) | set(children)}


def known_names(frames: dict[str, pd.DataFrame]) -> dict[str, set[Node]]:
    names: dict[str, set[Node]] = {}
    for name, resource in RESOURCES.items():
        if resource.named_as is None:
            continue
        frame = frames[name]
        for key, text in zip(frame[resource.primary_key].astype(object),
                             frame[resource.named_as].astype(object), strict=True):
            if isinstance(key, str) and isinstance(text, str):
                names.setdefault(text, set()).add((name, key))
    return names


def _quotes(frames: dict[str, pd.DataFrame]) -> dict[str, list[tuple[int, int, Node]]]:
    evidence = frames[EVIDENCE]
    found: dict[str, list[tuple[int, int, Node]]] = {}
    for source, start, end, table, record in zip(
            evidence["source_id"], evidence["char_start"], evidence["char_end"],
            evidence["table_name"], evidence["record_id"], strict=True):
        if pd.notna(start) and pd.notna(end):
            found.setdefault(str(source), []).append((int(start), int(end),
                                                      (str(table), str(record))))
    return found


def _mentions(source: Source, pattern: re.Pattern[str]) -> dict[tuple[int, str], list[int]]:
    """(line, name) -> offsets of each occurrence in the source's content."""
    found: dict[tuple[int, str], list[int]] = {}
    for segment in source.content_segments():
        text = source.text[segment.char_start:segment.char_end]
        for match in pattern.finditer(text):
            found.setdefault((segment.line_no, match.group()), []).append(
                segment.char_start + match.start())
    return found


def name_coverage(sources: dict[str, Source], frames: dict[str, pd.DataFrame],
                  excused: Excused) -> tuple[list[NameCoverage], list[Problem]]:
    names = known_names(frames)
    if not names:
        return [], []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(
        re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)")
    links = linked_rows(frames)
    quotes = _quotes(frames)
    report, problems = [], []
    for source_id, source in sources.items():
        item = NameCoverage(source_id)
        for (line, name), offsets in sorted(_mentions(source, pattern).items()):
            item.names += 1
            if any(s <= o and o + len(name) <= e and names[name] & links.get(row, {row})
                   for o in offsets for s, e, row in quotes.get(source_id, [])):
                item.linked += 1
            elif any(s <= o and o + len(name) <= e and text == name
                     for o in offsets for s, e, text in excused.get(source_id, [])):
                item.excused += 1
            else:
                item.unlinked.append((line, name))
        report.append(item)
        problems += [Problem(
            article_path(source_id), "name-coverage", "name neither linked by a "
            f"quote of a row that refers to it nor listed in {EXCLUSIONS}",
            line=line, value=name) for line, name in item.unlinked]
    return report, problems


def format_name_report(report: list[NameCoverage]) -> str:
    lines = ["Coverage of names in article content (each name once per line):"]
    for item in report:
        lines.append(f"  {item.source_id}: {item.names} names, {item.linked} linked, "
                     f"{item.excused} excused, {len(item.unlinked)} unlinked")
    return "\n".join(lines)
