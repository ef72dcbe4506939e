"""Checks no Table Schema constraint can express, written once and named in the metadata model.

Pandera registers each as a check method (so the generated YAML names it); the package's own
validator applies the same functions to the published files.
"""

from __future__ import annotations

from collections.abc import Callable

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


def _register() -> None:
    for name, (function, _) in CHECKS.items():
        def element_check(value: object, _function: Callable[[str], bool] = function) -> bool:
            return value is None or _function(str(value))

        element_check.__name__ = f"is_{name}"
        extensions.register_check_method(statistics=[], check_type="element_wise")(
            element_check)


_register()
