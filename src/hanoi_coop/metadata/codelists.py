"""Closed and open codelists, each named after the standard it comes from, and the codebook
(codebook.yaml): the words that name each code.

Every enum constraint in the package is one of these lists, so the Table Schemas, the Pandera
schemas and the portal facets all read the same values.
"""

from pathlib import Path
from typing import Any

import yaml

# OC4IDS 0.9 projectStatus (closed).
OC4IDS_PROJECT_STATUS = [
    "identification", "preparation", "implementation", "completion",
    "maintenance", "decommissioning", "decommissioned", "cancelled",
]
# OC4IDS 0.9 projectType (closed).
OC4IDS_PROJECT_TYPE = [
    "construction", "rehabilitation", "replacement", "expansion", "decommissioning",
]
# OC4IDS 0.9 projectSector (open): the codes this package uses, parents listed too.
OC4IDS_PROJECT_SECTOR = [
    "transport", "transport.rail", "transport.road", "transport.urban", "transport.water",
    "waterAndWaste", "education", "communications", "governance", "economy", "energy",
    "naturalResources", "naturalResources.floodProtection", "cultureSportsAndRecreation",
]
# OC4IDS 0.9 partyRole (open): the codes this package uses.
OC4IDS_PARTY_ROLE = [
    "buyer", "procuringEntity", "supplier", "funder", "publicAuthority",
    "administrativeEntity", "interestedParty",
]
# Project convention (not OC4IDS): what kind of item a "project" row is.
PROJECT_KIND = ["infrastructure", "plan", "law", "agreement", "programme", "policy"]

# PLOVER event types, modes and contexts used here.
PLOVER_EVENT_TYPE = ["CONSULT", "AGREE", "SUPPORT", "COOPERATE", "AID"]
PLOVER_MODE = ["visit", "multilateral", "third-party", "phone"]
PLOVER_CONTEXT = [
    "diplomatic", "economic", "environment", "technology", "executive", "legislative",
    "cultural", "infrastructure",
]
# PLOVER: when one side hosts, the visitor is actor and the host recipient.
PARTICIPANT_SIDE = ["actor", "recipient"]

# Popolo organization classification, project convention.
ORGANIZATION_CLASSIFICATION = [
    "government", "legislature", "party", "embassy", "ministry", "agency", "company",
    "delegation", "university", "state",
]
PLACE_TYPE = [
    "country", "city", "province", "locality", "commune", "region", "corridor", "river",
    "area", "site",
]

# A year clue: a dated event or figure the article speaks of in the past (its period is over
# when the article's undated events happen) or in the future (not over yet), named by the
# words of its quote.
CLUE_TENSE = ["past", "future"]

# Dates: the precision word for an EDTF value.
DATE_PRECISION = ["day", "month", "quarter", "year", "interval", "unknown"]
# How the year of a date was decided.
YEAR_BASIS = ["stated", "inferred", "unknown"]

# Name order (standards.md: store parts explicitly with a flag).
NAME_ORDER = ["family_first", "given_first"]

# Targets: comparator of the stated quantity (Climate Watch / standards.md).
COMPARATOR = ["eq", "gt", "gte", "lt", "lte", "approx"]
# Net Zero Tracker status ladder, extended with the project's "achieved".
TARGET_STATUS = [
    "achieved", "in_law", "in_policy_document", "declaration_pledge", "proposed",
]
# OC4IDS Metric units (UN/CEFACT Rec 20 codes) and ISO 4217 currency codes.
UNIT_CODE = ["KMT", "KMH", "ANN", "C62", "P1", "USD", "CNY"]

# Where in a source a span lies; only content kinds may carry evidence for facts.
SEGMENT_KIND = [
    "title", "standfirst", "body", "subheading", "caption", "menu", "related_news",
]
CONTENT_SEGMENT_KINDS = ["title", "standfirst", "body", "subheading"]

# What kind of event a meetings row is.
MEETING_KIND = ["meeting", "visit", "signing", "joint_statement", "fair"]
# Whether an event had taken place, was under way or was still ahead when the article
# reported it.
EVENT_STATUS = ["held", "ongoing", "scheduled"]
# Contradictions kept with both readings.
CONTRADICTION_KIND = ["name_spelling", "title", "organization_name", "name_order"]


# --- the codebook: the words that name each code (codebook.yaml, data a curator edits) ----------
CODEBOOK_FILE = Path(__file__).with_name("codebook.yaml")
Phrases = dict[Any, tuple[str, ...]]


class CodebookError(ValueError):
    """The codebook file is not a codebook: names the file, vocabulary and code."""


def _unique_keys(loader: Any, node: Any, deep: bool = False) -> dict:
    """A mapping whose keys are each written once (a second `visit:` would silently replace
    the first, and every phrase of it)."""
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise CodebookError(f"line {key_node.start_mark.line + 1}: {key!r} is written twice")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader when PyYAML has it (30 ms less at every start), refusing keys
    written twice."""


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_keys)


def _phrases(where: str, items: object) -> tuple[str, ...]:
    """A code's phrases, each item a phrase or a non-empty list of one phrase's inflections;
    a phrase is text with single spaces (it could never match otherwise)."""
    if not isinstance(items, list) or not items:
        raise CodebookError(f"{where}: a list of phrases is required")
    flat = []
    for item in items:
        if isinstance(item, list) and not item:
            raise CodebookError(f"{where}: an empty list of inflections")
        for phrase in item if isinstance(item, list) else [item]:
            if not isinstance(phrase, str) or " ".join(phrase.split()) != phrase or not phrase:
                raise CodebookError(f"{where}: {phrase!r} is not a phrase (text, single "
                                    "spaces, none at the edges)")
            flat.append(phrase)
    return tuple(dict.fromkeys(flat))


def _vocabulary(name: str, codes: object, label: str) -> Phrases:
    if not isinstance(codes, dict) or not codes:
        raise CodebookError(f"{label}, {name}: a mapping of codes is required")
    allowed = VOCABULARY_CODES[name]
    book: Phrases = {}
    owner: dict[str, object] = {}
    for code, items in codes.items():
        where = f"{label}, {name}.{code}"
        if (allowed is None and not isinstance(code, str)) or (
                allowed is not None and code not in allowed):
            listed = "text" if allowed is None else ", ".join(map(str, allowed))
            raise CodebookError(f"{where}: not a code of its column ({listed})")
        book[code] = _phrases(where, items)
        for phrase in book[code]:
            if phrase in owner and name not in SUPPORTING:
                raise CodebookError(f"{where}: {phrase!r} already names {owner[phrase]!r}: "
                                    "a phrase names one code")
            owner[phrase] = code
    return book


def load_codebook(path: Path = CODEBOOK_FILE) -> dict[str, Phrases]:
    """Every vocabulary of the codebook, each code with its phrases (inflections expanded)
    and checked against the codes its column allows; CodebookError, naming the file, for
    anything else (unreadable, not YAML, a key written twice, ...)."""
    label = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except CodebookError as exc:
        raise CodebookError(f"{label}, {exc}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CodebookError(f"{label}: not a readable YAML codebook: "
                            f"{' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise CodebookError(f"{label}: a mapping of vocabularies is required")
    missing = sorted(set(VOCABULARY_CODES) - set(data))
    unknown = sorted(map(str, set(data) - set(VOCABULARY_CODES)))
    if missing or unknown:
        raise CodebookError(f"{label}: vocabularies missing {missing}, unknown {unknown}")
    return {name: _vocabulary(name, codes, label) for name, codes in data.items()}


# Vocabularies whose phrases support every code that lists them (a project's sectors: "metro"
# is rail and urban); in every other one the longest phrase names one code.
SUPPORTING = {"sectors"}

# Each vocabulary and the codes its column allows (None: an open list, the role titles).
VOCABULARY_CODES: dict[str, list | None] = {
    "clue_tense": CLUE_TENSE, "target_status": TARGET_STATUS,
    "status": OC4IDS_PROJECT_STATUS, "role_titles": None,
    "sectors": OC4IDS_PROJECT_SECTOR, "party_roles": OC4IDS_PARTY_ROLE,
    "meeting_kind": MEETING_KIND, "plover_event": PLOVER_EVENT_TYPE,
    "event_status": EVENT_STATUS, "comparator": COMPARATOR, "estimated": [True, False],
}

# The model's vocabularies, read once when the model is imported (the model is data too;
# a changed codebook is a changed model, as a changed field would be).
_BOOK = load_codebook()
CLUE_TENSE_PHRASES = _BOOK["clue_tense"]
TARGET_STATUS_PHRASES = _BOOK["target_status"]
STATUS_PHRASES = _BOOK["status"]
ROLE_TITLES = _BOOK["role_titles"]
SECTOR_PHRASES = _BOOK["sectors"]
PARTY_ROLE_PHRASES = _BOOK["party_roles"]
MEETING_KIND_PHRASES = _BOOK["meeting_kind"]
PLOVER_EVENT_PHRASES = _BOOK["plover_event"]
EVENT_STATUS_PHRASES = _BOOK["event_status"]
COMPARATOR_PHRASES = _BOOK["comparator"]
ESTIMATE_PHRASES = _BOOK["estimated"]
