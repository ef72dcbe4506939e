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


# --- what words state: numbers and years ------------------------------------------------------
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20,
                 "one-third": 1 / 3, "half": 0.5, "dozen": 12}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?|"
                     + "|".join(sorted(map(re.escape, _WORD_NUMBERS), key=len, reverse=True))
                     + r")(?![\w])(?:\s+(thousand|million|billion|trillion)\b)?", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|21\d\d)(?!\d)")


def numbers_stated(words: str) -> list[float]:
    """Every number the words state, scaled by a following "million", "billion", …
    ("US$55.4 billion" → 5.54e10, "six bridges" → 6, "one-third" → 1/3)."""
    found = []
    for match in _NUMBER.finditer(words):
        token, scale = match.group(1).lower(), match.group(2)
        base = _WORD_NUMBERS[token] if token in _WORD_NUMBERS else float(token.replace(",", ""))
        found.append(base * (_SCALES[scale.lower()] if scale else 1))
    return found


def years_stated(words: str) -> set[str]:
    """The four-digit years the words print."""
    return set(_YEAR.findall(words))
