"""Stage 1, a new article: copy it, record its checksum, propose its segments from the shape
of its lines, and list what the build will ask to be cited (``hanoi-coop add-source``).

The proposal is a start for a human to check, never a fact: it is written to
``sources/sources.yaml`` where the build reads it like any other entry.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from hanoi_coop.errors import InputError
from hanoi_coop.ingest.sources import Source, load_sources
from hanoi_coop.layout import SOURCES_FILE, SOURCES_FOLDER, article_path
from hanoi_coop.metadata.fields import ID_PATTERN

SENTENCE_END = (".", "!", "?", "”", '"', "’")
PARAGRAPH_WORDS = 12  # a line this long that ends a sentence is prose
PHOTO_CREDIT = re.compile(r"\bPhotos?\s*:", re.IGNORECASE)
# Where a photo's people stand, said only in captions: "(right)", "(second from left)".
CAPTION_CUE = re.compile(r"\((?:(?:second|third|\d+(?:st|nd|rd|th)) from )?(?:right|left|"
                         r"centre|center|middle|front|back)\)", re.IGNORECASE)
DATELINE = re.compile(r"^([A-Z][A-Z.&' ]{2,}?)\s+—\s")
RELATED_MARKER = re.compile(r"^(?:Related news|Related articles|Read more)\s*:?$", re.IGNORECASE)


class IntakeError(ValueError):
    """An article that cannot be added as it is; the message says why."""


@dataclass
class Proposal:
    title: str
    publisher: str | None
    publisher_basis: str
    segments: dict[str, list]


def _is_caption(line: str) -> bool:
    return bool(PHOTO_CREDIT.search(line) or CAPTION_CUE.search(line))


def _is_paragraph(line: str) -> bool:
    return (len(line.split()) >= PARAGRAPH_WORDS and line.rstrip().endswith(SENTENCE_END)
            and not _is_caption(line))


def _furniture_inside(line: str) -> str:
    """A short line inside the body: a photo caption or credit, else a subheading."""
    if _is_caption(line) or line.rstrip().endswith("."):
        return "caption"
    return "subheading"


def _body(filled: list[tuple[int, str]]) -> tuple[int, int, int, int | None]:
    """(standfirst, first body line, last body line, related-news marker or None)."""
    paragraphs = [n for n, line in filled if _is_paragraph(line)]
    if len(paragraphs) < 2:
        raise IntakeError("no article body found: fewer than two lines of prose")
    marker = next((n for n, line in filled if n > paragraphs[1] and RELATED_MARKER.match(line)),
                  None)
    last = max(n for n in paragraphs if marker is None or n < marker)
    return paragraphs[0], paragraphs[1], last, marker


def _is_menu(n: int, frame: tuple[int, int, int, int], marker: int | None) -> bool:
    """Lines before the body other than title and standfirst, and lines after it up to the
    related-news marker, are menus."""
    title_line, standfirst, first, last = frame
    if n < first:
        return n not in (title_line, standfirst)
    return n > last and (marker is None or n <= marker)


def propose(text: str) -> Proposal:
    """Title, standfirst, body, captions, subheadings, menus and related-news lists told apart
    by the shape of their lines."""
    filled = [(n, line.strip()) for n, line in enumerate(text.split("\n"), start=1)
              if line.strip()]
    standfirst, first, last, marker = _body(filled)
    before = [(n, line) for n, line in filled if n < standfirst]
    if not before:
        raise IntakeError("no title line before the standfirst")
    title_line, title = before[-1]
    segments: dict[str, list] = {"title": [title_line], "standfirst": [standfirst],
                                 "body": [first, last]}
    for n, line in filled:
        if first <= n <= last and not _is_paragraph(line):
            kind = _furniture_inside(line)
        elif _is_menu(n, (title_line, standfirst, first, last), marker):
            kind = "menu"
        else:
            continue
        segments.setdefault(kind, []).append(n)
    if marker is not None and marker < filled[-1][0]:
        segments["related_news"] = [[marker + 1, filled[-1][0]]]
    body_text = next((line for n, line in filled if n == first), "")
    dateline = DATELINE.match(body_text)
    if dateline:
        publisher = dateline.group(1).title()
        basis = f'stated: the body opens with the dateline "{dateline.group(1)} —"'
    else:
        publisher, basis = None, "not stated in the text: fill in from the page, with its basis"
    return Proposal(title, publisher, basis, segments)


def _entry(source_id: str, origin: str, digest: str, proposal: Proposal) -> str:
    """The sources.yaml entry, in the file's style (JSON strings are YAML strings)."""
    segments = ", ".join(f"{kind}: {json.dumps(lines)}"
                         for kind, lines in proposal.segments.items())
    lines = [
        f"- source_id: {source_id}",
        f"  origin_file: {json.dumps(origin, ensure_ascii=False)}",
        f"  sha256: {digest}",
        f"  title: {json.dumps(proposal.title, ensure_ascii=False)}",
        f"  publisher: {json.dumps(proposal.publisher, ensure_ascii=False)}",
        f"  publisher_basis: {json.dumps(proposal.publisher_basis, ensure_ascii=False)}",
        "  publication_date_note: \"Not checked yet: proposed by add-source from the text.\"",
        "  url_basis: \"Not checked yet: add-source copies the text, not its address.\"",
        "  language: en",
        f"  segments: {{{segments}}}",
    ]
    return "\n".join(lines) + "\n"


def _refusal(root: Path, file: Path, source_id: str) -> str | None:
    if not re.fullmatch(ID_PATTERN, source_id):
        return f"{source_id!r} is not an id (lowercase words joined by hyphens)"
    if (root / article_path(source_id)).exists():
        return f"{source_id} exists already: a source is never replaced"
    if not file.is_file():
        return f"{file}: no such file"
    try:
        file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"{file}: bytes that are not UTF-8 at offset {exc.start}"
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    yaml_text = (root / SOURCES_FILE).read_text(encoding="utf-8")
    if digest in yaml_text:
        return f"{file} is already a source (sha256 {digest})"
    return None


def add_source(root: Path, file: Path, source_id: str) -> Source:
    """Copy ``file`` into the project as source ``source_id`` with a proposed entry; raise
    IntakeError (nothing written) when it cannot be added, InputError when the entry the
    proposal makes does not load."""
    refusal = _refusal(root, file, source_id)
    if refusal:
        raise IntakeError(refusal)
    data = file.read_bytes()
    proposal = propose(data.decode("utf-8"))
    folder = root / SOURCES_FOLDER
    target = root / article_path(source_id)
    listing = root / SOURCES_FILE
    before = listing.read_text(encoding="utf-8")
    shutil.copyfile(file, target)
    entry = _entry(source_id, file.name, hashlib.sha256(data).hexdigest(), proposal)
    listing.write_text(before.rstrip("\n") + "\n\n" + entry, encoding="utf-8")
    try:
        return load_sources(folder)[source_id]
    except InputError:
        listing.write_text(before, encoding="utf-8")  # leave the project as it was
        target.unlink()
        raise
