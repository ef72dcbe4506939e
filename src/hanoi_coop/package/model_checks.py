"""Checks no Table Schema constraint can express, written once and named in the metadata model.

Pandera registers each as a check method (so the generated YAML names it); Frictionless runs
the same functions through ``validation.frictionless_pass.ModelChecks``. Pandera applies them
to whole columns, each distinct value once (an EDTF parse is slow; values repeat a lot).

Also here: the Pandera form of a Table Schema pattern that pandas could only run one value at
a time (``PATTERN_CHECKS``); Frictionless keeps the pattern itself.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.extensions as extensions
import pyarrow as pa
import pyarrow.compute as pc

from hanoi_coop import dates, names
from hanoi_coop.metadata.fields import (
    BLANKS_BEFORE,
    FORBIDDEN_CHARACTERS,
    FORMULA_STARTS,
    MISSING_VALUE_TOKENS,
    SAFE_TEXT_PATTERN,
    SIGNED_NUMBER_REST,
    character_ranges,
)

CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "edtf": (dates.is_edtf, "is not a valid EDTF date"),
    "nfc": (names.is_nfc, "is not in Unicode NFC"),
}


def column_check(function: Callable[[str], bool], column: pd.Series) -> pd.Series:
    """``function`` of every value of ``column`` (True for missing), each distinct value once."""
    present = column.dropna()
    verdict = {value: function(str(value)) for value in present.unique()}
    return column.map(verdict).fillna(True).astype(bool)


# --- a Table Schema pattern, as Pandera runs it ------------------------------------------------
# pandas runs a pattern over Arrow strings with RE2, which has no lookarounds; for one that has
# them it falls back to Python's re one value at a time (a fifth of Pandera's time at 10^6
# rows). These column functions are made from the same parts as their pattern and say the
# same, with Python's re semantics ("$" also matches before a final newline), in a few Arrow
# passes; the tests hold each to its pattern on any text.
_MISSING_TOKENS = pa.array(list(MISSING_VALUE_TOKENS))
_FORMULA = f"^[{BLANKS_BEFORE}]*[{FORMULA_STARTS}]"
_FORBIDDEN = "[" + character_ranges(FORBIDDEN_CHARACTERS, r"\x{{{:x}}}") + "]"  # RE2's form


def _safe_text(column: pd.Series) -> pd.Series:
    """``SAFE_TEXT_PATTERN``: not empty, not a missing-value token, no formula start unless
    a signed number, no character that acts instead of showing."""
    cells = pa.array(column, type=pa.string(), from_pandas=True)
    bare = pc.replace_substring_regex(cells, r"\n\z", "", max_replacements=1)
    token = pc.is_in(bare, value_set=_MISSING_TOKENS)
    formula = pc.and_(pc.match_substring_regex(cells, _FORMULA),
                      pc.invert(pc.match_substring_regex(
                          cells, rf"{_FORMULA}{SIGNED_NUMBER_REST}\n?\z")))
    bad = pc.or_(pc.or_(token, formula), pc.equal(pc.utf8_length(cells), 0))
    bad = pc.or_(bad, pc.match_substring_regex(cells, _FORBIDDEN))
    return pd.Series(pc.fill_null(pc.invert(bad), True).to_numpy(zero_copy_only=False),
                     index=column.index)


PATTERN_CHECKS: dict[str, tuple[str, Callable[[pd.Series], pd.Series]]] = {
    SAFE_TEXT_PATTERN: ("safe_text", _safe_text),
}


def _register() -> None:
    for name, (function, _) in CHECKS.items():
        def vectorised(column: pd.Series, _function: Callable[[str], bool] = function,
                       ) -> pd.Series:
            return column_check(_function, column)

        vectorised.__name__ = f"is_{name}"
        extensions.register_check_method(statistics=[], check_type="vectorized")(vectorised)
    for name, column_function in PATTERN_CHECKS.values():
        def whole(column: pd.Series,
                  _function: Callable[[pd.Series], pd.Series] = column_function) -> pd.Series:
            return _function(column)

        whole.__name__ = f"is_{name}"
        extensions.register_check_method(statistics=[], check_type="vectorized")(whole)


_register()
