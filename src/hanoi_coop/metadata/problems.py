"""The catalogue of problems the build and ``validate`` report: every rule name a user can read
in an error, with a title and what it means. The README's error table is generated from it,
and a test proves that every rule the code can report is listed here.

Frictionless's own errors keep Frictionless's names, prefixed ``frictionless:``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    title: str
    description: str
    stage: str  # where it is reported: "input" (build), "file" (validate), "table" (both)


_INPUT, _FILE, _TABLE = "input", "file", "table"

RULES: dict[str, Rule] = {r.name: r for r in [
    # curated and source files, checked before anything is built
    Rule("yaml", "Not readable YAML", "The file cannot be parsed, or uses an anchor or alias "
         "(values must be written out).", _INPUT),
    Rule("duplicate-key", "Key written twice", "One mapping names the same key twice; a "
         "reader sees the first value, YAML keeps the last.", _INPUT),
    Rule("missing-file", "File not there", "An input file, an article text, or a data file the "
         "descriptor names is missing.", _INPUT),
    Rule("too-large", "File too large", "An input file far larger than any curated file.",
         _INPUT),
    Rule("schema", "Not of the file's schema", "A value the input file's JSON Schema does not "
         "allow, for a reason no other rule names.", _INPUT),
    Rule("unknown-field", "Unknown field", "A key the file's schema does not have (a typo, or "
         "a column the build derives).", _INPUT),
    Rule("missing-quote", "No evidence", "A record without a quote from its source.", _INPUT),
    Rule("unknown-source", "Unknown source", "A quote cites a source that is not in "
         "sources/sources.yaml.", _INPUT),
    Rule("quote-not-in-source", "Quote not in the source", "The quote is not the article's "
         "text (in its content, or at its offsets).", _TABLE),
    Rule("missing-reason", "Exclusion without a reason", "An uncited number or date is "
         "excused without saying why.", _INPUT),
    Rule("source-origin", "Address or date not shown to be the article's", "An article's "
         "address does not carry its title's words (the title is how an address is matched "
         "to the copy), or its publication date is not a calendar date the note quotes as a "
         "copy of the page prints it.", _INPUT),
    Rule("authority", "Place link wrong or missing", "A place link names an ISO 3166 code "
         "or GeoNames id the dataset does not have, or a GeoNames entry in another country "
         "than its ISO code; or a place has no link row (codes, or why there are none).",
         _INPUT),
    Rule("segments", "Line without a segment kind", "A non-empty line of an article outside "
         "the body is not listed as title, caption, menu or another kind.", _INPUT),
    Rule("coverage", "Number or date not covered", "A number or date in an article's content "
         "is neither cited by a quote nor excused.", _INPUT),
    Rule("name-coverage", "Name not linked", "A person, organization, place or project named "
         "in an article's content is neither linked by a quote of a row that refers to it nor "
         "excused.", _INPUT),
    # values, in curated records and in published tables
    Rule("type", "Wrong type", "A value that is not of the field's type (text, whole number, "
         "number, true/false, ISO date, mapping or list).", _TABLE),
    Rule("required", "Missing value", "A required value is missing or empty.", _TABLE),
    Rule("codelist", "Not in the codelist", "A code outside the field's codelist.", _TABLE),
    Rule("pattern", "Does not match the pattern", "An identifier, digest or free text of the "
         "wrong form (free text may not look like a formula, with the tab, carriage-return and "
         "fullwidth starts spreadsheets also run, nor be a token pandas reads as missing, nor "
         "hold a control character, a line or paragraph separator or a bidi control).",
         _TABLE),
    Rule("minimum", "Below the minimum", "A number below the field's minimum.", _TABLE),
    Rule("maximum", "Above the maximum", "A number above the field's maximum.", _TABLE),
    Rule("nfc", "Not Unicode NFC", "Text not in Unicode normal form C.", _TABLE),
    Rule("edtf", "Not an EDTF date", "A date string the EDTF parser does not accept.", _TABLE),
    Rule("unique", "Not unique", "A value that must be unique repeats.", _TABLE),
    Rule("duplicate-id", "Duplicate id", "A primary key repeats (reported on each repeat).",
         _TABLE),
    Rule("missing-column", "Column missing", "A column of the schema is not in the table.",
         _TABLE),
    Rule("extra-column", "Column not in the schema", "A column the schema does not have.",
         _TABLE),
    # across rows and tables
    Rule("foreign-key", "Dangling reference", "A reference to a row that does not exist.",
         _TABLE),
    Rule("participant-position", "Position of someone else", "A participant's position is "
         "held by another person.", _TABLE),
    Rule("date-order", "Dates in the wrong order", "A latest date before its earliest date.",
         _TABLE),
    Rule("date-derived", "Date bounds disagree with EDTF", "Earliest, latest or precision "
         "are not what the EDTF string gives.", _TABLE),
    Rule("deadline-before-stated", "Deadline before the statement", "A target's deadline ends "
         "before the target was stated.", _TABLE),
    Rule("search-key", "Wrong search key", "The search key is not the ASCII key of the name.",
         _TABLE),
    Rule("no-evidence", "Row without evidence", "No quote in the evidence table supports the "
         "row.", _TABLE),
    Rule("evidence-target", "Evidence for nothing", "A quote claims to support a row that does "
         "not exist.", _TABLE),
    Rule("quote-offsets", "Offsets do not fit the quote", "char_end - char_start is not the "
         "length of the quote.", _TABLE),
    Rule("code-not-named", "Code the words do not name", "A coded value (a role, a status, a "
         "party role, a comparator, a meeting kind) that is not the one the row's own words "
         "name, by the model's phrases.", _TABLE),
    Rule("words-not-quoted", "Naming words not quoted", "The words that name a code (a "
         "title, a status phrase, an event phrase, a value phrase) stand in none of the row's "
         "evidence quotes.", _TABLE),
    Rule("fragment-not-quoted", "Note quotes words the article does not", "Words a note "
         "puts in double quotes (a place link's note) stand in none of the quotes of the row "
         "it is about.", _TABLE),
    Rule("quote-not-naming", "Quote does not name the row's referent", "None of the row's "
         "quotes prints a person's or place's own name, or names the person it is about (full "
         "name, family name or given name), or, for "
         "a project party, the organization (its name, its place's, or the name of someone "
         "who holds office in it), or, for a place, the parent place it is given; a meeting's "
         "places are named in the meeting's quotes.", _TABLE),
    Rule("restated-figure", "Restated figure differs", "A figure that restates another in a "
         "second unit or currency has another metric or source than the figure it restates.",
         _TABLE),
    Rule("side-not-host", "PLOVER side not the text's", "In a visit, the participant whose "
         "organization lies in the meeting's place is the host (recipient) and everyone else "
         "an actor; with no visit everyone is an actor.", _TABLE),
    Rule("entailed", "Reference of the wrong kind", "A row whose value entails the kind of "
         "row it refers to (an ambassador's office is an embassy) refers to another kind.",
         _TABLE),
    Rule("year-inference", "Year not the one the clues give", "A date printed without a year "
         "whose EDTF year, '?' or year basis is not what the article's year clues give "
         "(README, Dates).", _TABLE),
    Rule("party-not-recorded", "A party the words name is missing", "A row's quotes name "
         "a role in its work (who drafts, revises, plans, supplies or funds it) but no link "
         "row records a party in that role.", _TABLE),
    Rule("value-not-stated", "A value its words do not state", "A number is not one the "
         "row's words for it print (\"about 600 kilometers\" is 600), or a date does not hold "
         "a year its words print.", _TABLE),
    Rule("parent-cycle", "Parents that lead back", "Following a row's parents (a place's "
         "parent place, an organization's parent) leads back to the row itself.", _TABLE),
    Rule("evidence-id", "Quote id not its own", "An evidence id is not the one its table, "
         "row, source, column and quote give (ids follow the quote, not its position).",
         _TABLE),
    Rule("cell-unquoted", "A cell no quote states", "The words a row gives for a value "
         "(a name, a title, a number, a date as printed) stand in none of the row's quotes "
         "(nor of the rows the model lets it borrow from): no quote states the cell.", _TABLE),
    Rule("cell-evidence", "Cell evidence is not the model's", "A cell_evidence row names "
         "another quote, other words or a cell that holds no value, or a value-bearing cell "
         "has no row: the table differs from what the rows' words and quotes give.", _TABLE),
    Rule("derived", "Derived row differs", "A row of a derived table (officials) is not what "
         "the tables it is derived from give.", _TABLE),
    Rule("source-text-changed", "Article changed", "The article text given with --texts is not "
         "the one the package was built from.", _TABLE),
    # published files
    Rule("checksum", "Checksum differs", "A file's sha256 is not the one recorded for it.",
         _FILE),
    Rule("byte-count", "Size differs", "A file's size is not the one the descriptor records.",
         _FILE),
    Rule("row-count", "Row count differs", "A table's row count is not the descriptor's.",
         _FILE),
    Rule("encoding", "Not UTF-8", "Bytes that are not UTF-8.", _FILE),
    Rule("byte-order-mark", "Byte-order mark", "The file starts with a UTF-8 byte-order mark.",
         _FILE),
    Rule("line-ending", "CR line ends", "CR or CRLF line ends (LF expected).", _FILE),
    Rule("truncated", "Truncated file", "The file does not end with a line end.", _FILE),
    Rule("empty-file", "Empty file", "A CSV file without a header row.", _FILE),
    Rule("column-order", "Columns out of order", "The header's columns are not in the "
         "schema's order.", _FILE),
    Rule("csv-syntax", "Broken CSV", "A CSV syntax error (an unclosed quote, a stray "
         "character).", _FILE),
    Rule("row-length", "Row of the wrong length", "A row with more or fewer cells than the "
         "header.", _FILE),
    Rule("parquet-unreadable", "Parquet file unreadable", "The Parquet file cannot be read.",
         _FILE),
    Rule("round-trip", "Written file reads otherwise", "A file the build wrote does not "
         "read back to the table it checked (a value the format cannot hold as it is): "
         "nothing is published.", _FILE),
    Rule("parquet-metadata", "Parquet describes itself otherwise", "A Parquet file's own "
         "metadata (a table's title, description or primary key; a column's title, "
         "description, codelist or nullability) differs from the model's.", _FILE),
    Rule("parquet-schema", "Parquet schema differs", "The Parquet file's Arrow schema is not "
         "the Table Schema's.", _FILE),
    Rule("format-mismatch", "CSV and Parquet disagree", "A value differs between a table's "
         "CSV and Parquet files.", _FILE),
    Rule("croissant", "Croissant metadata wrong", "croissant.json cannot be read, names a file "
         "outside the package or not there, or leaves out a file datapackage.json names (its "
         "sha256 is checked as a checksum).", _FILE),
    Rule("missing-resource", "Table missing from the descriptor", "datapackage.json lists no "
         "CSV or Parquet resource for a table.", _FILE),
    Rule("descriptor-mismatch", "Descriptor differs from the model", "datapackage.json or "
         "croissant.json says something of the package or of a table (a title, licence, "
         "field, type, constraint or key) that the model does not, or names a resource twice "
         "or one the model does not have; the field is the JSON path.", _FILE),
    Rule("zip-path-escape", "Archive entry escapes", "A zip entry with an absolute path or "
         "'..' (nothing is unpacked).", _FILE),
    Rule("zip-duplicate-entry", "Archive entry twice", "Two zip entries that an extractor "
         "writes to one path: the same name, or names equal once '.' and empty parts are "
         "dropped, case is folded and Unicode is normalised (nothing is unpacked).", _FILE),
    Rule("zip-entry-name", "Archive entry not a plain path", "A zip entry whose name has '.' or "
         "empty parts or control characters, or that is a symbolic link: extractors write it "
         "elsewhere than its name says (nothing is unpacked).", _FILE),
    Rule("zip-hidden-entry", "Archive entry hidden", "The zip's directory and its entries' own "
         "headers disagree (bytes before, between or after the entries, or another name), so "
         "streaming readers see other files (nothing is unpacked).", _FILE),
]}

FRICTIONLESS_PREFIX = "frictionless:"


def is_known(rule: str) -> bool:
    return rule in RULES or rule.startswith(FRICTIONLESS_PREFIX)
