"""Stage 1, sources: the project's copies of the articles, their origin metadata and segments."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from hanoi_coop.errors import InputError, Problem
from hanoi_coop.ingest.records import Record, load_records
from hanoi_coop.layout import SOURCES_FILE, article_path
from hanoi_coop.metadata.codelists import CONTENT_SEGMENT_KINDS, SEGMENT_KIND
from hanoi_coop.names import search_key
from hanoi_coop.quotes import normalise


@dataclass(frozen=True)
class Segment:
    line_no: int
    kind: str
    char_start: int
    char_end: int


@dataclass
class Source:
    """One article: its metadata row, its text and which spans are content."""

    source_id: str
    text: str
    metadata: dict
    segments: list[Segment]
    # The text as quotes are searched in it, with each character's offset: made once, when
    # the article is loaded, for all its quotes and exclusions.
    normalised: tuple[str, list[int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.normalised = normalise(self.text)

    @property
    def body_start(self) -> int:
        return min(s.char_start for s in self.segments if s.kind == "body")

    @property
    def body_end(self) -> int:
        return max(s.char_end for s in self.segments if s.kind == "body")

    def segment_at(self, offset: int) -> Segment | None:
        for segment in self.segments:
            if segment.char_start <= offset < segment.char_end:
                return segment
        return None

    def content_segments(self) -> list[Segment]:
        return [s for s in self.segments if s.kind in CONTENT_SEGMENT_KINDS]


def _line_numbers(spec: list, last_line: int) -> set[int]:
    """Line numbers from a list of numbers and [first, last] ranges, within the text."""
    numbers: set[int] = set()
    for item in spec:
        if isinstance(item, list):
            numbers.update(range(item[0], min(item[1], last_line) + 1))
        else:
            numbers.add(item)
    return numbers


def _segments(record: Record, text: str) -> tuple[list[Segment], list[Problem]]:
    spec = dict(record.values.get("segments") or {})
    body_first, body_last = spec.pop("body")
    problems = [record.problem("codelist", f"unknown segment kind {kind!r}", "segments", kind)
                for kind in spec if kind not in SEGMENT_KIND]
    kind_of_line: dict[int, str] = {}
    for kind, lines in spec.items():
        kind_of_line.update(dict.fromkeys(_line_numbers(lines, text.count("\n") + 1),
                                          str(kind)))
    segments, offset = [], 0
    for line_no, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            kind = kind_of_line.get(line_no)
            if kind is None and body_first <= line_no <= body_last:
                kind = "body"
            if kind is None:
                problems.append(record.problem(
                    "segments", f"line {line_no} of the text has no segment kind", "segments"))
            else:
                segments.append(Segment(line_no, kind, offset, offset + len(line)))
        offset += len(line) + 1
    return segments, problems


def title_slug(title: str) -> str:
    """The title as news sites put it in their addresses: its words in lowercase ASCII
    (diacritics dropped, "Hà Nội" → "ha-noi") joined by '-'."""
    return "-".join(re.findall(r"[a-z0-9]+", search_key(title)))


def _printed(date: dt.date, note: str) -> bool:
    """Whether ``note`` prints ``date``'s year, month and day, in that order or reversed."""
    day, month = rf"0?{date.day}", rf"0?{date.month}"
    return any(re.search(rf"(?<!\d){a}\D{{1,3}}{b}\D{{1,3}}{c}(?!\d)", note)
               for a, b, c in ((date.year, month, day), (day, month, date.year)))


def address_problem(title: str, url: str) -> str | None:
    """Why ``url`` is not shown to be the page of the article titled ``title``, or None."""
    slug = title_slug(title)
    if not slug:
        return "the title has no Latin words to match an address by: leave it empty"
    if slug not in urlsplit(url).path.lower():
        return f"the address does not carry the article's title ({slug!r}): it is not this " \
               "article's page"
    return None


def date_problem(published: str, note: str) -> str | None:
    """Why ``published`` is not a date the note quotes as a copy of the page prints it."""
    try:
        date = dt.date.fromisoformat(published)
    except ValueError:
        return "not a calendar date"
    if not _printed(date, note):
        return "the note does not quote this date as a copy of the page prints it"
    return None


def origin_problems(record: Record) -> list[Problem]:
    """An address or publication date found outside the text must show how it was found: the
    address carries the article's title (that is how it was matched), and the note quotes
    the date as the page prints it. (A guess made from the title would carry it too: the
    basis column says where each was found; the rule catches another article's address.)"""
    values, problems = record.values, []
    url = values.get("url")
    found = address_problem(values["title"], url) if url else None
    if found:
        problems.append(record.problem("source-origin", found, "url", url))
    published = values.get("publication_date")
    found = date_problem(published, values.get("publication_date_note") or "") \
        if published else None
    if found:
        problems.append(record.problem("source-origin", found, "publication_date", published))
    return problems


def _load_one(record: Record, folder: Path) -> tuple[Source | None, list[Problem]]:
    source_id = record.values["source_id"]
    path = folder.parent / article_path(source_id)  # folder: the sources folder
    if not path.exists():
        return None, [record.problem("missing-file", f"no text at {path}", "source_id")]
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != record.values["sha256"]:
        return None, [record.problem("checksum", f"{path.name} has sha256 {digest}: the copy "
                                     "changed", "sha256", record.values["sha256"])]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [record.problem("encoding", f"{path.name}: bytes that are not UTF-8 at "
                                     f"offset {exc.start}", "sha256")]
    segments, problems = _segments(record, text)
    problems += origin_problems(record)
    return Source(source_id, text, record.values, segments), problems


def load_sources(folder: Path, records: list[Record] | None = None) -> dict[str, Source]:
    """Every source in ``folder/sources.yaml`` (its ``records``, when already read), text
    checked against its recorded sha256; InputError with every problem of every source."""
    if records is None:
        records = load_records(folder.parent / SOURCES_FILE, SOURCES_FILE)
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    for record in records:
        source, found = _load_one(record, folder)
        problems += found
        if source is None:
            continue
        if source.source_id in sources:
            problems.append(record.problem("duplicate-id", "source_id used twice", "source_id",
                                           source.source_id))
        sources[source.source_id] = source
    if problems:
        raise InputError(problems)
    return sources


def source_rows(sources: dict[str, Source]) -> tuple[list[dict], list[dict]]:
    """Rows of the sources and source_segments tables."""
    source_table, segment_table = [], []
    for source in sources.values():
        meta = source.metadata
        source_table.append({
            "source_id": source.source_id,
            "title": meta["title"],
            "publisher": meta.get("publisher"),
            "publisher_basis": meta["publisher_basis"],
            "publication_date": meta.get("publication_date"),
            "publication_date_note": meta["publication_date_note"],
            "url": meta.get("url"),
            "url_basis": meta["url_basis"],
            "language": meta["language"],
            "sha256": meta["sha256"],
            "text_chars": len(source.text),
            "body_start": source.body_start,
            "body_end": source.body_end,
            "origin_file": meta["origin_file"],
        })
        segment_table += [{
            "source_id": source.source_id, "line_no": s.line_no, "segment_kind": s.kind,
            "char_start": s.char_start, "char_end": s.char_end,
        } for s in source.segments]
    return source_table, segment_table


# --- what an article mentions: numbers and dates, which coverage asks to be cited -----------
_NUMBER_WORDS = (
    "one-third|double-digit|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    "twenty|hundred|thousand|million|billion|trillion|first|second|third|fourth|fifth|half|"
    "dozen|decade"
)
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December")
MENTION = re.compile(rf"\d+(?:[.,]\d+)*|\b(?:{_NUMBER_WORDS}|{_MONTHS})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    source_id: str
    text: str
    start: int
    end: int
    line_no: int


def mentions(source: Source) -> list[Mention]:
    found = []
    for segment in source.content_segments():
        text = source.text[segment.char_start:segment.char_end]
        for match in MENTION.finditer(text):
            found.append(Mention(source.source_id, match.group(),
                                 segment.char_start + match.start(),
                                 segment.char_start + match.end(), segment.line_no))
    return found
