"""Closed and open codelists, each named after the standard it comes from.

Every enum constraint in the package is one of these lists, so the Table Schemas, the Pandera
schemas and the portal facets all read the same values.
"""

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
CLUE_TENSE_PHRASES: dict[str, tuple[str, ...]] = {
    "past": ("reported", "issued", "signed", "was"),
    "future": ("will", "scheduled for", "expected to", "plans to"),
}

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
# Target status named by the words of the target's quote (the longest phrase decides).
TARGET_STATUS_PHRASES: dict[str, tuple[str, ...]] = {
    "achieved": ("has fulfilled",),
    "in_law": ("resolution passed",),
    "in_policy_document": ("provincial plan", "has planned"),
    "declaration_pledge": ("will", "agreed to", "aiming for", "with a goal to", "plans to",
                           "expected to", "scheduled to"),
    "proposed": ("proposed",),
}
# OC4IDS Metric units (UN/CEFACT Rec 20 codes) and ISO 4217 currency codes.
UNIT_CODE = ["KMT", "KMH", "ANN", "C62", "P1", "USD", "CNY"]

# Where in a source a span lies; only content kinds may carry evidence for facts.
SEGMENT_KIND = [
    "title", "standfirst", "body", "subheading", "caption", "menu", "related_news",
]
CONTENT_SEGMENT_KINDS = ["title", "standfirst", "body", "subheading"]

# OC4IDS projectStatus named by words: a status is set only where the source's words (quoted
# in status_phrase) contain one of these phrases; the longest match decides.
STATUS_PHRASES: dict[str, tuple[str, ...]] = {
    "identification": ("plans to", "has planned", "planning of", "proposed", "study",
                       "on signing", "to pilot"),
    "preparation": ("drafting", "revising", "revisions to", "completing the necessary procedures",
                    "scheduled to kick off"),
    "implementation": ("being developed", "accelerating work on", "passed", "signed"),
}

# Popolo Membership.role, normalised: each role and the words of a title that name it. A title
# (label) names the role of the longest of these phrases it contains: "Deputy Chairman" and
# "Vice Chairman" are one office; "Standing Vice Chairman" is its own.
ROLE_TITLES: dict[str, tuple[str, ...]] = {
    "Chairman": ("Chairman",),
    "Vice Chairman": ("Vice Chairman", "Deputy Chairman"),
    "Standing Vice Chairman": ("Standing Vice Chairman",),
    "Secretary": ("Secretary",),
    "General Secretary": ("General Secretary",),
    "General Secretary and President": ("General Secretary and President",),
    "General Director": ("General Director",),
    "Ambassador": ("Ambassador",),
    "Minister": ("Minister",),
    "Vice Mayor": ("Vice Mayor",),
}

# OC4IDS projectSector named by words: each sector of a project is supported by a phrase of the
# project's quotes (whole words), a parent sector by its own phrases or its children's.
SECTOR_PHRASES: dict[str, tuple[str, ...]] = {
    "transport": ("transport", "mobility", "traffic", "low-emission"),
    "transport.rail": ("rail", "railway", "railways", "Railway", "Railways", "metro", "Metro",
                       "monorail", "rolling stock", "Line"),
    "transport.road": ("road", "roads", "Road", "Roads", "bridge", "bridges", "Bridge",
                       "expressway", "Expressway", "highway", "Highways", "river crossings",
                       "motorbikes"),
    "transport.urban": ("urban rail", "urban railways", "Urban Railway", "metro", "Metro",
                        "monorail", "public transport"),
    "transport.water": ("waterway", "waterways"),
    "waterAndWaste": ("wastewater", "water", "river system"),
    "education": ("University", "training", "education"),
    "communications": ("digital",),
    "governance": ("law", "Law", "resolution", "Resolution", "plan", "Plan", "planning",
                   "institutional"),
    "economy": ("Hi-Tech Park", "industrial", "economic", "industry", "investment"),
    "energy": ("energy",),
    "naturalResources": ("river system", "rehabilitation", "pollution", "environment",
                         "environmental"),
    "naturalResources.floodProtection": ("flood",),
    "cultureSportsAndRecreation": ("culture", "cultural", "tourism", "heritage"),
}

# OC4IDS partyRole named by words: the quote that ties an organization to a project names its
# role; words that name no narrower role make it an interestedParty (the vaguest code).
PARTY_ROLE_PHRASES: dict[str, tuple[str, ...]] = {
    "supplier": ("supplies", "supplier of", "contractor"),
    "funder": ("funded by", "loan for", "financed by"),
    "publicAuthority": ("plans to build", "has planned", "its 2021–2030 provincial plan",
                        "resolution passed", "drafting", "revising", "the ministry will"),
}

# What kind of event a meetings row is, named by its event_phrase; with PLOVER's event type
# read from the same words.
MEETING_KIND = ["meeting", "visit", "signing", "joint_statement", "fair"]
MEETING_KIND_PHRASES: dict[str, tuple[str, ...]] = {
    "meeting": ("meeting", "met", "exchange experience with"),
    "visit": ("visited", "visiting", "trip to"),
    "signing": ("signed",),
    "joint_statement": ("joint statement",),
    "fair": ("International Fair",),
}
PLOVER_EVENT_PHRASES: dict[str, tuple[str, ...]] = {
    "CONSULT": ("meeting", "met", "visited", "visiting", "trip to", "exchange experience with",
                "attend"),
    "AGREE": ("joint statement", "memorandum of understanding", "agreement"),
}

# Whether an event had taken place when the article reported it, named by the quotes' words:
# a date set for it ("scheduled for") is an event still ahead; no such words, one held.
EVENT_STATUS = ["held", "scheduled"]
EVENT_STATUS_PHRASES: dict[str, tuple[str, ...]] = {
    "scheduled": ("scheduled for", "will be held", "is to be held"),
}

# Comparators named by the words that state a value: a hedge names its comparator; a value
# stated with no hedge is exact (eq).
COMPARATOR_PHRASES: dict[str, tuple[str, ...]] = {
    "gt": ("more than", "over", "exceeding", "above"),
    "gte": ("at least",),
    "lt": ("below", "less than", "under"),
    "lte": ("up to", "at most"),
    "approx": ("about", "roughly", "around", "nearly", "approximately"),
}
# ``estimated`` is true only where the words call the value an estimate or an expectation.
ESTIMATE_PHRASES: dict[object, tuple[str, ...]] = {True: ("estimated", "expected")}

# Contradictions kept with both readings.
CONTRADICTION_KIND = ["name_spelling", "title", "organization_name", "name_order"]
