"""Stage 3a, provenance: check every curated quote against its source and locate it.

A quote must occur in its source (under the normalisation of ``quotes.py``) inside one content
segment. Only a contradiction's reading may cite a photo caption: captions are page furniture,
so no fact rests on them alone, but a caption that contradicts the body is worth recording.
"""

from __future__ import annotations

import hashlib

from hanoi_coop.errors import Problem
from hanoi_coop.ingest.curation import QuoteClaim
from hanoi_coop.ingest.sources import Source
from hanoi_coop.metadata import RESOURCES
from hanoi_coop.metadata.codelists import CONTENT_SEGMENT_KINDS
from hanoi_coop.quotes import find_quote


def _problem(claim: QuoteClaim, rule: str, message: str, value: object = None) -> Problem:
    return Problem(claim.file, rule, message, record=claim.record_id, line=claim.line,
                   field="quote" if rule != "unknown-source" else "source",
                   value=None if value is None else str(value))


def evidence_id(table: str, record_id: str, source_id: str, field: str | None,
                quote: str) -> str:
    """The quote's id: its table and row, then the first 10 hex digits of the sha256 of its
    source, column and words. The same quote keeps its id when a row's other quotes are added,
    removed or reordered (a position would renumber them, and a diff would show a removal and
    an addition where nothing changed)."""
    digest = hashlib.sha256(f"{source_id}\n{field or ''}\n{quote}".encode()).hexdigest()
    return f"ev:{table.replace('_', '-')}:{record_id}:{digest[:10]}"


def locate_claims(claims: list[QuoteClaim], sources: dict[str, Source],
                  ) -> tuple[list[dict], list[Problem]]:
    """Evidence rows for the claims whose quotes are found, and a problem for each that is not."""
    normalised = {sid: s.normalised for sid, s in sources.items()}
    rows, problems = [], []
    for claim in claims:
        source = sources.get(claim.source_id or "")
        if source is None:
            problems.append(_problem(claim, "unknown-source",
                                     f"no source with id {claim.source_id!r}", claim.source_id))
            continue
        if not isinstance(claim.quote, str) or not claim.quote.strip():
            problems.append(_problem(claim, "missing-quote", "the quote is empty"))
            continue
        allowed = set(CONTENT_SEGMENT_KINDS)
        if RESOURCES[claim.table].caption_evidence:
            allowed.add("caption")
        spans = find_quote(claim.quote, source.text, normalised[source.source_id])
        placed = []
        for start, end in spans:
            segment = source.segment_at(start)
            if segment is not None and segment.kind in allowed and end <= segment.char_end:
                placed.append((start, end, segment))
        if not placed:
            where = "in the article content" if spans else "in the source text"
            problems.append(_problem(
                claim, "quote-not-in-source",
                f"quote not found {where} of {source.source_id}", claim.quote))
            continue
        start, end, segment = placed[0]
        rows.append({
            "evidence_id": evidence_id(claim.table, claim.record_id, source.source_id,
                                       claim.field, source.text[start:end]),
            "table_name": claim.table,
            "record_id": claim.record_id,
            "field": claim.field,
            "source_id": source.source_id,
            "quote": source.text[start:end],  # the exact source span the offsets name
            "char_start": start,
            "char_end": end,
            "line_no": segment.line_no,
            "segment_kind": segment.kind,
        })
    return rows, problems
