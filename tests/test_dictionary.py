"""The data dictionary: one walk of the model, written as Markdown into the package (and so into
every release's bundle) and shown as HTML by the portal. Read back with a Markdown parser, as a
reader's tools would read it."""

from __future__ import annotations

import dataclasses
import re

from markdown_it import MarkdownIt

from hanoi_coop.metadata import RESOURCES
from hanoi_coop.metadata import dictionary as dictionary_module
from hanoi_coop.metadata.dictionary import dictionary_markdown
from hanoi_coop.metadata.problems import RULES

from .conftest import ROOT


def _tables(markdown: str) -> dict[str, list[list[str]]]:
    """Each Markdown table's body rows (cell texts), under the heading before it."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    found: dict[str, list[list[str]]] = {}
    heading, row, in_body, in_heading = "", [], False, False
    for token in tokens:
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "inline" and in_heading:
            heading, in_heading = token.content, False
        elif token.type == "tbody_open":
            in_body = True
            found[heading] = []
        elif token.type == "tbody_close":
            in_body = False
        elif in_body and token.type == "tr_open":
            row = []
        elif in_body and token.type == "inline":
            row.append("".join(child.content for child in token.children or []
                               if child.type in ("text", "code_inline")))
        elif in_body and token.type == "tr_close":
            found[heading].append(row)
    return found


def test_the_packaged_dictionary_names_every_table_column_code_and_rule():
    written = (ROOT / "schemas" / "dictionary.md").read_text(encoding="utf-8")
    assert written == dictionary_markdown()
    tables = _tables(written)
    for name, resource in RESOURCES.items():
        rows = tables[name]
        assert [r[0] for r in rows] == [f.name for f in resource.fields]
        for field, row in zip(resource.fields, rows, strict=True):
            assert row[1] == field.type and row[3] == " ".join(field.description.split())
            assert all(str(code).lower() if isinstance(code, bool) else str(code) in row[4]
                       for code in field.enum or [])
        assert "primary key" in rows[[f.name for f in resource.fields].index(
            resource.primary_key)][4]
    assert [r[0] for r in tables["Rules"]] == list(RULES)


def test_a_description_with_pipes_line_breaks_and_markup_keeps_its_row_and_its_words(
        monkeypatch):
    """From the other side: text that would end a row, split a cell or become a link or HTML
    is shown as the words it is."""
    hostile = "a | b\n| c `d` *e* [f](javascript:x) <script>g</script> \\| h"
    real = dictionary_module.tables()
    places = next(t for t in real if t.name == "places")
    columns = tuple(dataclasses.replace(c, meaning=hostile) if c.name == "name" else c
                    for c in places.columns)
    monkeypatch.setattr(dictionary_module, "tables",
                        lambda: [dataclasses.replace(places, columns=columns)])
    def read_back() -> list[tuple[str, str]]:
        return [(r[0], r[3]) for r in _tables(dictionary_markdown())["places"]]

    expected = [(c.name, " ".join(c.meaning.split())) for c in columns]
    assert read_back() == expected
    markdown = dictionary_markdown()
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<script>" not in html and 'href="javascript' not in html
    # The escaping is what holds the row: the same text unescaped splits it.
    monkeypatch.setattr(dictionary_module, "_md", lambda text: text)
    assert read_back() != expected


def test_the_portal_page_and_the_packaged_file_say_the_same():
    """Both name every table and column of the model with its meaning, and every rule, read
    off the model itself and off the released file, not off the walk that wrote them."""
    from html import unescape

    from hanoi_coop.portal.dictionary import dictionary_page
    from hanoi_coop.publish.release import released_versions

    page = " ".join(unescape(re.sub(r"<[^>]+>", " ", dictionary_page())).split())
    newest = released_versions(ROOT)[-1]
    released = _tables((ROOT / "releases" / newest / "schemas" / "dictionary.md").read_text(
        encoding="utf-8"))
    for name, resource in RESOURCES.items():
        assert f"{name}: {resource.title}" in page
        assert [(r[0], r[3]) for r in released[name]] == [
            (f.name, " ".join(f.description.split())) for f in resource.fields]
        for field in resource.fields:
            assert " ".join(field.description.split()) in page
    assert all(rule in page for rule in RULES)


def test_a_table_description_or_code_that_looks_like_markup_stays_the_words_it_is(monkeypatch):
    """From the other side: a description opening a code fence, entities, list and heading
    starts, and codes with line breaks and backticks, each shown as written, and every table
    after them still a table."""
    real = dictionary_module.tables()
    description = "~~~ see below AT&amp;T &copy; 1. - x"
    starts = ["1. item", "- item", "# heading", "> quote", "+ plus", "```"]
    code = "a\nb x``y |z"
    hostile = [dataclasses.replace(real[0], description=description)]
    hostile += [dataclasses.replace(t, description=start) for t, start in zip(
        real[1:], starts, strict=False)]
    first = real[len(hostile)]
    columns = (dataclasses.replace(first.columns[0], notes=(((code, True),),)),
               *first.columns[1:])
    hostile += [dataclasses.replace(first, columns=columns), *real[len(hostile) + 1:]]
    monkeypatch.setattr(dictionary_module, "tables", lambda: hostile)
    markdown = dictionary_markdown()
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    assert sum(t.type == "table_open" for t in tokens) == len(real) + 1  # + the rules
    paragraphs = [t.children for t in tokens if t.type == "inline"]
    shown = ["".join(c.content for c in children or [] if c.type in ("text", "code_inline"))
             for children in paragraphs]
    assert description in shown and all(start in shown for start in starts)
    assert _tables(markdown)[first.name][0][4] == "a b x``y |z"
