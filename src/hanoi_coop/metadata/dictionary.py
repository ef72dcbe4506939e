"""The data dictionary, read off the model: every table, column, type, requiredness, meaning,
key, reference and code with the words that name it, and every rule. One walk of the model,
two renderings: Markdown for each release's bundle (``schemas/dictionary.md``) and HTML for the
portal's ``/dictionary``, so the two cannot disagree.

A note is a tuple of segments, each ``(text, is_code)``; a renderer escapes each segment for
its own format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hanoi_coop.metadata import RESOURCES, Resource
from hanoi_coop.metadata.problems import RULES

Segments = tuple[tuple[str, bool], ...]
STAGES = {"input": "build (curated and source files)", "file": "validate (published files)",
          "table": "build and validate"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    meaning: str
    notes: tuple[Segments, ...]


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]


def _code(value: object) -> tuple[str, bool]:
    return (str(value).lower() if isinstance(value, bool) else str(value), True)


def _words_notes(resource: Resource) -> dict[str, Segments]:
    """For each coded column: where its words are read, each code with its phrases, and the
    code of words that name none."""
    found = {}
    for rule in resource.named_by:
        parts: list[tuple[str, bool]] = [("named by ", False)]
        parts += [(rule.words, True)] if rule.words else [("the row's quotes", False)]
        for i, (code, phrases) in enumerate(rule.phrases.items()):
            parts += [(": " if i == 0 else "; ", False), _code(code),
                      (" ← " + ", ".join(f"“{p}”" for p in phrases), False)]
        parts.append(("; no phrase: ", False))
        parts.append(("no code", False) if rule.default is None else _code(rule.default))
        found[rule.field] = tuple(parts)
    return found


def _column_notes(resource: Resource, field_name: str, enum: Sequence[object] | None,
                  words: dict[str, Segments]) -> tuple[Segments, ...]:
    references = {fk.fields: f"{fk.resource}.{fk.reference}" for fk in resource.foreign_keys}
    notes: list[Segments] = []
    if field_name == resource.primary_key:
        notes.append((("primary key", False),))
    if field_name in references:
        notes.append((("→ ", False), (references[field_name], True)))
    if enum:
        codes: list[tuple[str, bool]] = [("codes: ", False)]
        for i, code in enumerate(enum):
            codes += ([(", ", False)] if i else []) + [_code(code)]
        notes.append(tuple(codes))
    if field_name in words:
        notes.append(words[field_name])
    return tuple(notes)


def tables() -> list[Table]:
    """Every table of today's model, in the package's order."""
    found = []
    for name, resource in RESOURCES.items():
        words = _words_notes(resource)
        columns = tuple(Column(f.name, f.type, f.required, f.description,
                               _column_notes(resource, f.name, f.enum, words))
                        for f in resource.fields)
        found.append(Table(name, resource.title, resource.description, columns))
    return found


def rules() -> list[tuple[str, str, str, str]]:
    """Every rule: name, title, what it means, where it is checked."""
    return [(r.name, r.title, r.description, STAGES.get(r.stage, r.stage))
            for r in RULES.values()]


# --- Markdown ----------------------------------------------------------------------------------
# Characters CommonMark may read as markup anywhere in a line; each is shown, not obeyed, once
# escaped with a backslash (any ASCII punctuation may be).
_MARKUP = frozenset("\\`*_[]<>#|~&!")


def _md(text: str) -> str:
    """Text in a Markdown paragraph or table cell, shown as written: one line (a line break
    would end the row), markup characters escaped, and a start that would open a list, a
    heading, a quote or a code fence made plain."""
    text = "".join("\\" + c if c in _MARKUP else c for c in re.sub(r"\s+", " ", text))
    text = re.sub(r"^( ?)([-+=])", r"\1\\\2", text)
    return re.sub(r"^( ?)(\d+)([.)])", r"\1\2\\\3", text)


def _md_code(text: str) -> str:
    """A code span of ``text`` on one line: fenced by one backtick more than the longest run
    in it, and a pipe escaped even there (GitHub's tables split on it)."""
    text = re.sub(r"\s+", " ", text).replace("|", "\\|")
    fence = "`" * (1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    pad = " " if "`" in text else ""
    return fence + pad + text + pad + fence


def render(segments: Segments, plain: Callable[[str], str], code: Callable[[str], str]) -> str:
    return "".join(code(text) if is_code else plain(text) for text, is_code in segments)


def dictionary_markdown() -> str:
    """The dictionary as one Markdown file, for the package and each release's bundle (its
    version is the package's: datapackage.json beside it says which)."""
    out = ["# Data dictionary of hanoi-coop", "",
           "Generated from the package's metadata model by the build: the same words as "
           "datapackage.json and the portal's /dictionary page.", "", "## Tables", ""]
    out += [f"- [{t.name}](#{t.name}): {_md(t.title)}" for t in tables()]
    for table in tables():
        out += ["", f"## {table.name}", "", _md(table.description), "",
                "| column | type | required | meaning | key, reference, codes |",
                "|---|---|---|---|---|"]
        for c in table.columns:
            notes = "<br>".join(render(n, _md, _md_code) for n in c.notes)
            out.append(f"| {_md_code(c.name)} | {c.type} | {'yes' if c.required else ''} | "
                       f"{_md(c.meaning)} | {notes} |")
    out += ["", "## Rules", "", "What the build and validation check; a problem names the rule, "
            "the file, the row and the field.", "",
            "| rule | title | what it means | where |", "|---|---|---|---|"]
    out += [f"| {_md_code(n)} | {_md(t)} | {_md(d)} | {_md(s)} |" for n, t, d, s in rules()]
    return "\n".join(out) + "\n"
