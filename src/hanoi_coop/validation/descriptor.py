"""Stage 5c, the descriptors: datapackage.json and croissant.json must say what the model says.

The data files are checked against the model; so is the metadata users and other tools read
(titles, descriptions, licence, each table's fields, types, constraints and keys). The
descriptors the build would write for these very files (their hashes, sizes and row counts,
which other checks compare with the files, and the package's own version) are compared with
the published ones, and each difference is a problem at its JSON path.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from hanoi_coop.errors import Problem
from hanoi_coop.layout import CROISSANT, DESCRIPTOR, csv_path, parquet_path
from hanoi_coop.metadata import RESOURCES
from hanoi_coop.package.croissant import croissant
from hanoi_coop.package.write import Written, package_descriptor, resource_descriptor

# Each file's facts are the descriptor's record of that file, checked against the file itself
# (checksum, row-count); the version is the package's own.
_FACTS = ("bytes", "hash", "rows")
SHOWN = 10  # differences listed one by one; the rest are counted


class _Absent:
    """A key one side does not have (``None`` is a value a descriptor may hold)."""

    def __repr__(self) -> str:
        return "absent"


_ABSENT = _Absent()


def _expected_resources(published: dict[str, dict]) -> dict[str, dict]:
    """The model's descriptor of each table's CSV and Parquet resource that the published
    descriptor has (a missing one is its own problem), with the published facts."""
    expected = {}
    for name, resource in RESOURCES.items():
        for parquet, path in ((False, csv_path(name)), (True, parquet_path(name))):
            entry = resource_descriptor(resource, path, Written(0, ""), 0, parquet)
            actual = published.get(entry["name"])
            if actual is None:
                continue
            for fact in _FACTS:
                if fact in entry:
                    entry[fact] = actual.get(fact, _ABSENT)
            expected[entry["name"]] = entry
    return expected


def _differences(path: str, actual: Any, expected: Any) -> list[tuple[str, Any, Any]]:
    """(JSON path, published value, the model's value) wherever the two differ."""
    if isinstance(actual, dict) and isinstance(expected, dict):
        found = []
        for key in [*expected, *(k for k in actual if k not in expected)]:
            found += _differences(f"{path}.{key}" if path else str(key),
                                  actual.get(key, _ABSENT), expected.get(key, _ABSENT))
        return found
    if (isinstance(actual, list) and isinstance(expected, list)
            and len(actual) == len(expected)):
        return [d for i, (a, e) in enumerate(zip(actual, expected, strict=True))
                for d in _differences(f"{path}[{i}]", a, e)]
    same = actual == expected and type(actual) is type(expected)
    return [] if same else [(path, actual, expected)]


def descriptor_problems(descriptor: dict, sources: pd.DataFrame | None) -> list[Problem]:
    """Where ``descriptor`` differs from what the model writes for the same files (``sources``:
    the package's sources table, which its ``sources`` list names; None when unreadable)."""
    entries = [r for r in descriptor.get("resources", []) if isinstance(r, dict)]
    published = {str(r.get("name")): r for r in entries}
    resources = _expected_resources(published)
    actual = {**descriptor, "resources": published}
    expected = {**package_descriptor(list(resources.values()),
                                     pd.DataFrame() if sources is None else sources, ""),
                "version": descriptor.get("version", _ABSENT), "resources": resources}
    if sources is None:  # the sources table is reported unreadable on its own
        actual.pop("sources", None)
        expected.pop("sources", None)
    names = [str(r.get("name")) for r in entries]
    found = [(f"resources.{name}", "named twice", "once")
             for name in sorted({n for n in names if names.count(n) > 1})]
    found += _differences("", actual, expected)
    return _mismatches(DESCRIPTOR, found)


class _Published(dict):
    """A file's published sha256 by path (one the document lacks: absent)."""

    def __missing__(self, path: str) -> object:
        return _ABSENT


def croissant_mismatches(document: dict, version: object) -> list[Problem]:
    """Where croissant.json differs from what the model writes for the same files (their
    sha256 as it records them) at the package's ``version`` (its own, when the package's is
    not given: that is the release's check)."""
    if not isinstance(version, str):
        version = str(document.get("version"))
    files = document.get("distribution")
    sha256 = _Published({str(item.get("contentUrl")): item.get("sha256")
                         for item in files if isinstance(item, dict)}
                        if isinstance(files, list) else {})
    return _mismatches(CROISSANT, _differences("", document, croissant(version, sha256)))


def _mismatches(file: str, found: list[tuple[str, Any, Any]]) -> list[Problem]:
    problems = [Problem(file, "descriptor-mismatch",
                        f"is {_shown(value)}; the model says {_shown(model)}", field=path)
                for path, value, model in found[:SHOWN]]
    if len(found) > SHOWN:
        problems.append(Problem(file, "descriptor-mismatch",
                                f"and {len(found) - SHOWN} more differences from the model"))
    return problems


def _shown(value: Any, width: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= width else text[:width - 1] + "…"
