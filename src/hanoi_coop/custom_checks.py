"""Checks no Table Schema constraint can express, written once and named in the metadata model.

Pandera registers each as a check method (so the generated YAML names it); Frictionless runs
the same functions through ``frictionless_checks.ModelChecks``. Pandera applies them to whole
columns, each distinct value once (an EDTF parse is slow; values repeat a lot).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.extensions as extensions

from hanoi_coop import dates, names


def _is_edtf(value: str) -> bool:
    try:
        dates.parse(value)
    except dates.DateError:
        return False
    return True


CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "edtf": (_is_edtf, "is not a valid EDTF date"),
    "nfc": (names.is_nfc, "is not in Unicode NFC"),
}


def column_check(function: Callable[[str], bool], column: pd.Series) -> pd.Series:
    """``function`` of every value of ``column`` (True for missing), each distinct value once."""
    present = column.dropna()
    verdict = {value: function(str(value)) for value in present.unique()}
    return column.map(verdict).fillna(True).astype(bool)


def _register() -> None:
    for name, (function, _) in CHECKS.items():
        def vectorised(column: pd.Series, _function: Callable[[str], bool] = function,
                       ) -> pd.Series:
            return column_check(_function, column)

        vectorised.__name__ = f"is_{name}"
        extensions.register_check_method(statistics=[], check_type="vectorized")(vectorised)


_register()
