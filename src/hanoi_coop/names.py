"""Names: Unicode NFC, explicit parts and order, an ASCII search key."""

from __future__ import annotations

import re
import unicodedata

# NFD does not decompose these letters: map them explicitly.
_UNDECOMPOSABLE = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"})


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def search_key(name: str) -> str:
    """Lowercase ASCII without diacritics: 'Vũ Đại Thắng' -> 'vu dai thang'."""
    decomposed = unicodedata.normalize("NFD", name.translate(_UNDECOMPOSABLE))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_only = ascii_only.replace("–", "-").replace("—", "-").replace("’", "'")
    ascii_only = ascii_only.encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", ascii_only).strip().lower()


def sort_name(family: str | None, given: str, additional: str | None) -> str:
    """Family name first, then given and middle names: 'Nguyen, Ngoc Duy'."""
    rest = " ".join(part for part in (given, additional) if part)
    return f"{family}, {rest}" if family else rest
