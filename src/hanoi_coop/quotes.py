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
_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SMALL = {**{w: n for n, w in enumerate(_UNITS)}, **_TENS, "a": 1, "dozen": 12}
_DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
                 "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6,
           "billion": 1e9, "bn": 1e9, "trillion": 1e12, "tn": 1e12}
_WORD = "|".join(sorted(_SMALL, key=len, reverse=True))
_TEN = "|".join(_TENS)
_NUMBER = re.compile(
    r"(?P<sign>(?<![\w\d.,])[-−])?"
    r"(?:(?P<digits>(?<![\d.,])\d+(?:,\d{3})*(?:\.\d+)?)"
    r"|(?P<fraction>\b(?:" + _WORD + r")[- ](?:" + "|".join(_DENOMINATORS) + r")\b)"
    r"|(?P<half>\bhalf\b)"
    r"|(?P<compound>\b(?:" + _TEN + r")[- ](?:" + "|".join(_UNITS[1:10]) + r")\b)"
    r"|(?P<word>\b(?:" + _WORD + r")\b))"
    r"(?:\s*(?P<suffix>bn|mn|tn|m|k)\b|(?:\s+a)?\s+(?P<scale>hundred|thousand|million|"
    r"billion|trillion)\b)?", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:1[89]|2[01])\d\d)(?:\s*[-–]\s*(\d{2}|\d{4}))?(?!\d)")


def _base(match: re.Match) -> float | None:
    if match.group("digits"):
        return float(match.group("digits").replace(",", ""))
    if match.group("half"):
        return 0.5
    if match.group("fraction"):
        count, denominator = re.split(r"[- ]", match.group("fraction").lower())
        return _SMALL[count] / _DENOMINATORS[denominator]
    if match.group("compound"):
        tens, unit = re.split(r"[- ]", match.group("compound").lower())
        return _TENS[tens] + _UNITS.index(unit)
    word = match.group("word").lower()
    return None if word == "a" else float(_SMALL[word])  # "a" counts only before a scale


def numbers_stated(words: str) -> list[float]:
    """Every number the words state, as printed: digits with their separators and a scale
    ("US$55.4 billion" 5.54e10, "1.5bn" 1.5e9, "2,000km" 2000), words ("twenty-five" 25,
    "a dozen" 12), fractions ("two-thirds", "a third", "half a million") and a sign ("-5")."""
    found = []
    for match in _NUMBER.finditer(words):
        scale = (match.group("suffix") or match.group("scale") or "").lower()
        base = _base(match)
        if base is None and scale:
            base = 1.0  # "a million"
        if base is None:
            continue
        value = base * _SCALES.get(scale, 1)
        found.append(-value if match.group("sign") else value)
    return found


def years_stated(words: str) -> set[str]:
    """The four-digit years the words print, a range's both ends included ("2021–30")."""
    years = set()
    for start, end in _YEAR.findall(words):
        years.add(start)
        if end:
            years.add(end if len(end) == 4 else start[:2] + end)
    return years
