"""The curated input, described by the same model as the tables it feeds.

Each curated file feeds one table (and, through nested lists, its link tables). The JSON Schema
of every input file is generated here from the tables' fields and codelists; the build checks
every file against it before reading anything else, and editors can use the shipped copies in
``curated/schemas/`` for completion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hanoi_coop.layout import CURATED, EXCLUSIONS, SOURCES_FILE
from hanoi_coop.metadata import codelists as cl
from hanoi_coop.metadata.fields import (
    DATE_FAMILIES,
    DATE_PARTS,
    FIELDS,
    ID_PATTERN,
    SHA256_PATTERN,
)
from hanoi_coop.metadata.resources import RESOURCES

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class Nested:
    """A list inside a curated record that becomes rows of a link table."""

    key: str  # the list's key in the record
    table: str
    scalar: str | None = None  # items are plain values of this column (not mappings)
    quoted: bool = True  # every item carries its own quote


@dataclass(frozen=True)
class CopyDate:
    """Where a row leaves the ``prefix`` date out, it takes the ``from_prefix`` date of the row
    its ``via`` reference names."""

    prefix: str
    via: str
    from_prefix: str


@dataclass(frozen=True)
class CuratedFile:
    """One curated YAML file: the table it feeds and the link tables nested in it."""

    stem: str
    table: str
    nested: tuple[Nested, ...] = ()
    copy_date: CopyDate | None = None

    @property
    def quoted(self) -> bool:
        """Its records cite the articles (an evidence list each); a file of links to external
        authorities cites none."""
        return RESOURCES[self.table].authority_links is None

    @property
    def path(self) -> str:
        return f"{CURATED}/{self.stem}.yaml"


_AT_MEETING = "meeting_id"
CURATED_FILES: dict[str, CuratedFile] = {c.stem: c for c in (
    CuratedFile("year_clues", "year_clues"),
    CuratedFile("places", "places"),
    CuratedFile("place_links", "place_links"),
    CuratedFile("organizations", "organizations"),
    CuratedFile("persons", "persons"),
    CuratedFile("meetings", "meetings", (Nested("participants", "meeting_participants"),
                                         Nested("places", "meeting_places", scalar="place_id",
                                                quoted=False))),
    CuratedFile("positions", "positions", copy_date=CopyDate("as_of", _AT_MEETING, "date")),
    CuratedFile("projects", "projects", (Nested("sectors", "project_sectors", scalar="sector",
                                                quoted=False),
                                         Nested("places", "project_places", scalar="place_id",
                                                quoted=False),
                                         Nested("parties", "project_parties"))),
    CuratedFile("targets", "targets", copy_date=CopyDate("stated", _AT_MEETING, "date")),
    CuratedFile("figures", "figures"),
    CuratedFile("contradictions", "contradictions"),
)}
EVIDENCE_KEY = "evidence"  # a record's list of {quote, source?, field?}
MORE_QUOTES_KEY = "more_quotes"  # a nested item's further quotes beside its one ``quote``
EXCLUSIONS_FILE = EXCLUSIONS

# Date families a curator writes as one mapping {text, edtf, year_basis, year_note}; the build
# expands each into seven columns.
DATE_GROUPS = tuple(DATE_FAMILIES)
CURATED_DATE_PARTS = ("text", "edtf", "year_basis", "year_note")
# Columns the build derives from other columns; a curator never writes them.
DERIVED_COLUMNS = ("search_key", "sort_name", "country_id", "country_basis")



def date_groups(table: str) -> list[str]:
    """The date families of a table (prefixes whose seven columns it has)."""
    names = RESOURCES[table].field_names
    return [g for g in DATE_GROUPS if f"{g}_edtf" in names]


def date_columns(prefix: str) -> list[str]:
    return [f"{prefix}_{part}" for part in DATE_PARTS]


def _column_schema(name: str) -> dict:
    f = FIELDS[name]
    schema: dict = {"type": [f.column_type.json_type, "null"], "description": f.description}
    if f.enum is not None:
        schema["enum"] = [*f.enum, None]
    return schema


def _date_group_schema(prefix: str) -> dict:
    return {
        "type": "object",
        "description": f"A date as the text gives it; expands into the {prefix}_* columns.",
        "properties": {part: _column_schema(f"{prefix}_{part}") for part in CURATED_DATE_PARTS},
        "additionalProperties": False,
    }


def _evidence_schema() -> dict:
    return {
        "type": "array", "minItems": 1,
        "description": "Verbatim quotes from the source that support this record.",
        "items": {
            "type": "object", "required": ["quote"], "additionalProperties": False,
            "properties": {
                "quote": {"type": "string", "minLength": 1,
                          "description": "The exact words of the source."},
                "source": {"type": "string", "pattern": ID_PATTERN,
                           "description": "Source of the quote, where the record has none."},
                "field": {"type": "string", "description": "The column the quote supports."},
            },
        },
    }


def _curated_columns(table: str, parent_key: str | None = None) -> list[str]:
    """The columns a curator writes for ``table``: not derived, not a date part, not the id a
    link table builds from its other columns, not the key copied from the parent."""
    resource = RESOURCES[table]
    skipped = set(DERIVED_COLUMNS) | {parent_key}
    if resource.authority_links is not None:
        skipped |= set(resource.authority_links.read_from_datasets)
    for group in date_groups(table):
        skipped |= set(date_columns(group))
    if resource.id_from or parent_key:
        skipped.add(resource.primary_key)
    return [name for name in resource.field_names if name not in skipped]


def _row_schema(table: str, parent_key: str | None = None) -> dict:
    resource = RESOURCES[table]
    properties = {name: _column_schema(name) for name in _curated_columns(table, parent_key)}
    properties.update({g: _date_group_schema(g) for g in date_groups(table)})
    required = [resource.primary_key] if resource.primary_key in properties else []
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False}


def _nested_schema(nested: Nested, parent_key: str) -> dict:
    if nested.scalar is not None:
        return {"type": "array", "items": _column_schema(nested.scalar) | {
            "type": FIELDS[nested.scalar].column_type.json_type}}
    item = _row_schema(nested.table, parent_key)
    if nested.quoted:
        item["properties"]["quote"] = {"type": "string", "minLength": 1,
                                       "description": "The exact words of the source."}
        item["properties"][MORE_QUOTES_KEY] = {
            "type": "array", "items": {"type": "string", "minLength": 1},
            "description": "Further exact words of the same source, e.g. the sentence that "
                           "names whom the quote's pronoun stands for."}
        item["required"] = [*item["required"], "quote"]
    return {"type": "array", "items": item}


def curated_file_schema(curated: CuratedFile) -> dict:
    """JSON Schema of one curated file: a list of records of its table."""
    resource = RESOURCES[curated.table]
    record = _row_schema(curated.table)
    if curated.quoted:
        record["properties"][EVIDENCE_KEY] = _evidence_schema()
        record["required"] = [*record["required"], EVIDENCE_KEY]
    for nested in curated.nested:
        record["properties"][nested.key] = _nested_schema(nested, resource.primary_key)
    return {"$schema": JSON_SCHEMA_DIALECT, "title": curated.path,
            "description": f"Curated records of the {curated.table} table: "
                           f"{resource.description}",
            "type": "array", "items": record}


# A news article is a few hundred lines; a line number past this is a typo (or an attempt to
# make the build count to a billion).
MAX_LINE_NUMBER = 100_000
_LINE = {"type": "integer", "minimum": 1, "maximum": MAX_LINE_NUMBER}


def _line_list() -> dict:
    return {"type": "array", "items": {"oneOf": [
        _LINE, {"type": "array", "prefixItems": [_LINE] * 2, "minItems": 2, "maxItems": 2},
    ]}}


def _text(description: str, **extra: object) -> dict:
    return {"type": "string", "minLength": 1, "description": description, **extra}


def sources_file_schema() -> dict:
    """JSON Schema of sources/sources.yaml: each article's origin metadata and segments."""
    furniture = {kind: _line_list() for kind in cl.SEGMENT_KIND if kind != "body"}
    body = {"type": "array", "prefixItems": [_LINE] * 2,
            "minItems": 2, "maxItems": 2,
            "description": "First and last line of the article body."}
    return _list_of_records(
        SOURCES_FILE, "The source articles: the project's copies and their origin metadata.",
        ["source_id", "origin_file", "sha256", "title", "publisher_basis",
         "publication_date_note", "url_basis", "language", "segments"],
        {
            "source_id": _text(FIELDS["source_id"].description, pattern=ID_PATTERN),
            "origin_file": _text(FIELDS["origin_file"].description),
            "sha256": _text(FIELDS["sha256"].description, pattern=SHA256_PATTERN),
            "title": _text(FIELDS["title"].description),
            "publisher": {"type": ["string", "null"]},
            "publisher_basis": _text(FIELDS["publisher_basis"].description),
            "publication_date": {"type": ["string", "null"], "format": "date",
                                 "pattern": r"^\d{4}-\d{2}-\d{2}$",
                                 "description": FIELDS["publication_date"].description},
            "publication_date_note": _text(FIELDS["publication_date_note"].description),
            "url": {"type": ["string", "null"], "pattern": FIELDS["url"].pattern,
                    "description": FIELDS["url"].description},
            "url_basis": _text(FIELDS["url_basis"].description),
            "language": _text(FIELDS["language"].description),
            "segments": {"type": "object", "required": ["body"], "additionalProperties": False,
                         "properties": {"body": body, **furniture}},
        })


def _list_of_records(title: str, description: str, required: list[str],
                     properties: dict) -> dict:
    """A file that is a list of records with exactly these properties."""
    return {"$schema": JSON_SCHEMA_DIALECT, "title": title, "description": description,
            "type": "array",
            "items": {"type": "object", "additionalProperties": False, "required": required,
                      "properties": properties}}


def exclusions_file_schema() -> dict:
    """JSON Schema of curated/coverage_exclusions.yaml."""
    return _list_of_records(
        EXCLUSIONS_FILE, "Numbers and dates in article content that no record cites, with why.",
        ["source_id", "mention", "context", "reason"],
        {
            "source_id": _text("The source the mention is in.", pattern=ID_PATTERN),
            "mention": {"type": ["string", "integer", "number"],
                        "description": "The number or date word, as printed."},
            "context": _text("A verbatim snippet of the source containing the mention."),
            "reason": _text("Why no record cites it."),
        })


@dataclass(frozen=True)
class InputFile:
    path: str
    schema: dict = field(repr=False)


def input_files() -> list[InputFile]:
    """Every input file of the build with its schema, in the order they are read."""
    return ([InputFile(SOURCES_FILE, sources_file_schema())]
            + [InputFile(c.path, curated_file_schema(c)) for c in CURATED_FILES.values()]
            + [InputFile(EXCLUSIONS_FILE, exclusions_file_schema())])
