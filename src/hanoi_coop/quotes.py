"""Find a curated quote in its source text.

Normalisation (the only liberty a quote may take with its source): every run of white space
counts as one space, and typographic quote marks count as their ASCII forms (’ ‘ → ', “ ” → ").
Everything else (letters, dashes, digits, case) must match exactly. Offsets are reported in the
original text, in Unicode code points.
"""

from __future__ import annotations

import re

_QUOTE_MARKS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the offset in ``text`` (shared:
    callers never change it)."""
    out: list[str] = []
    origin: list[int] = []
    for match in re.finditer(r"\s+|\S+", text):
        if match.group().isspace():
            out.append(" ")
            origin.append(match.start())
        else:
            chunk = match.group().translate(_QUOTE_MARKS)
            out.append(chunk)
            origin.extend(range(match.start(), match.end()))
    return "".join(out), origin


def normalise_quote(quote: str) -> str:
    return _SPACE.sub(" ", quote.strip()).translate(_QUOTE_MARKS)


def find_quote(quote: str, text: str, normalised: tuple[str, list[int]] | None = None,
               ) -> list[tuple[int, int]]:
    """Every (start, end) span of ``text`` where ``quote`` occurs after normalisation."""
    needle = normalise_quote(quote)
    if not needle:
        return []
    haystack, origin = normalised or normalise(text)
    spans = []
    start = haystack.find(needle)
    while start != -1:
        end_index = start + len(needle) - 1
        spans.append((origin[start], origin[end_index] + 1))
        start = haystack.find(needle, start + 1)
    return spans
