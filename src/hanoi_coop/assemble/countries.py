"""Stage 3c, countries: the country each place and organization lies in (``CountryOf``).

The articles' own words come first: the parent places the quotes name, up to a country. Where
they name none (a province of the Capital Region; the article never says "Vietnam"), the
place's ISO 3166 code, which the curator linked from pycountry (place_links), gives it, and the
basis column says so with the code. Where neither does, the country stays empty and the basis
says why. Made by the build; validation makes the columns again and compares.
"""

from __future__ import annotations

import pandas as pd

from hanoi_coop.metadata import RESOURCES
from hanoi_coop.metadata.resources import CountryOf
from hanoi_coop.metadata.types import is_missing

PLACES, PLACE_LINKS = "places", "place_links"
Found = tuple[str | None, str]  # (country, basis)


def _present(frame: pd.DataFrame, key: str, column: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in zip(frame[key].tolist(), frame[column].tolist(),
                                           strict=True)
            if not is_missing(k) and not is_missing(v)}


class _PlaceCountries:
    """Each place's country and its basis, from the places and their ISO 3166 links."""

    def __init__(self, frames: dict[str, pd.DataFrame]) -> None:
        places, links = frames[PLACES], frames[PLACE_LINKS]
        self.kind = _present(places, "place_id", "place_type")
        self.parent = _present(places, "place_id", "parent_place_id")
        self.iso = _present(links, "place_id", "iso_3166_code")
        self.by_code = {self.iso[p]: p for p, kind in self.kind.items()
                        if kind == "country" and p in self.iso}

    def of(self, place: str) -> Found:
        chain: list[str] = []
        current: str | None = place
        while current is not None and current not in chain:  # a cycle in the parents ends
            chain.append(current)
            if self.kind.get(current) == "country":
                return current, ("the place is a country" if current == place else
                                 f"parent places named in the quotes: {' > '.join(chain)}")
            current = self.parent.get(current)
        for step in chain:
            code = self.iso.get(step, "")
            if self.by_code.get(code[:2]):
                return self.by_code[code[:2]], (
                    f"ISO 3166 code {code} of {step} (pycountry), not the articles: they name "
                    "no country above it")
        return None, "the articles put it in no country, and no ISO 3166 code places it"


def _organization_place(frame: pd.DataFrame, rule: CountryOf, key: str
                        ) -> dict[str, tuple[str, str | None]]:
    """Each row's place: its own, or the first up its parents (and whose it is)."""
    place = _present(frame, key, rule.place)
    parent = _present(frame, key, rule.parent) if rule.parent else {}
    found: dict[str, tuple[str, str | None]] = {}
    for row in map(str, frame[key].dropna().tolist()):
        current: str | None = row
        seen: list[str] = []
        while current is not None and current not in seen and current not in place:
            seen.append(current)
            current = parent.get(current)
        if current is not None and current in place:
            found[row] = (place[current], None if current == row else current)
    return found


def _country_rows(frame: pd.DataFrame, rule: CountryOf, key: str,
                  countries: _PlaceCountries) -> list[Found]:
    located = _organization_place(frame, rule, key)
    rows: list[Found] = []
    for row in frame[key].tolist():
        where = located.get(str(row)) if not is_missing(row) else None
        if where is None:
            rows.append((None, "no place: the articles put it in no country"))
            continue
        country, basis = countries.of(where[0])
        through = f"its place {where[0]}" if where[1] is None else (
            f"its parent {where[1]}'s place {where[0]}")
        rows.append((country, basis if rule.parent is None else f"through {through}: {basis}"))
    return rows


def with_countries(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``frames`` with every ``CountryOf`` column made again from places and place_links."""
    countries = _PlaceCountries(frames)
    made = dict(frames)
    for name, resource in RESOURCES.items():
        rule = resource.country_of
        if rule is None:
            continue
        frame = frames[name].copy()
        found = _country_rows(frame, rule, resource.primary_key, countries)
        for column, values in ((rule.column, [c for c, _ in found]),
                               (rule.basis, [b for _, b in found])):
            frame[column] = resource.field(column).column_type.cast(
                pd.Series(values, index=frame.index, dtype=object))
        made[name] = frame
    return made
