"""Geometry helpers: coverage union and coverage-preserving simplification.

Communes form a polygonal coverage (no gaps, no overlaps). Outlines of EPCI,
territories and the département are dissolved with :func:`shapely.coverage_union_all`
(no slivers), and display geometry is simplified with :func:`shapely.coverage_simplify`
so that shared borders stay shared.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

#: The metric CRS: Lambert-93 (EPSG:2154), metres, the official projection of metropolitan
#: France. Areas, distances, simplification tolerances and Lambert-93 project coordinates.
METRIC_EPSG = 2154
METRIC_CRS = f"EPSG:{METRIC_EPSG}"

#: Display detail levels: simplification tolerance in metres (Lambert-93).
DETAIL_TOLERANCE_M = {"departement": 250.0, "territoire": 60.0}


def dissolve(gdf: gpd.GeoDataFrame, by: str) -> gpd.GeoDataFrame:
    """Dissolve a polygon coverage by column ``by`` with coverage union."""
    groups = gdf.groupby(by, sort=True).geometry
    geoms = {k: shapely.coverage_union_all(g.values) for k, g in groups}
    return gpd.GeoDataFrame({by: list(geoms)}, geometry=list(geoms.values()), crs=gdf.crs)


def simplify_coverage(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify a polygon coverage in metres, keeping shared borders shared.

    The result is in the input CRS; the work is done in Lambert-93.
    """
    metric = gdf.to_crs(METRIC_CRS)
    simple = shapely.coverage_simplify(metric.geometry.values, tolerance_m)
    out = gdf.copy()
    out["geometry"] = gpd.GeoSeries(simple, crs=METRIC_CRS).to_crs(gdf.crs).values
    return out


def coverage_report(gdf: gpd.GeoDataFrame) -> dict:
    """Check a coverage: validity (no overlaps) and gaps against its union.

    Returns a dict with ``valid`` (bool), ``overlap_edges`` (int) and
    ``area_gap_ratio`` (area of union vs sum of areas, relative).
    """
    metric = gdf.to_crs(METRIC_CRS).geometry.values
    edges = shapely.coverage_invalid_edges(metric)
    n_bad = int(np.sum(~shapely.is_empty(edges)))
    union = shapely.coverage_union_all(metric)
    total = float(np.sum(shapely.area(metric)))
    return {
        "valid": bool(shapely.coverage_is_valid(metric)),
        "overlap_edges": n_bad,
        "area_gap_ratio": abs(union.area - total) / total if total else 0.0,
    }


def representative_points(gdf: gpd.GeoDataFrame) -> pd.Series:
    """A point guaranteed inside each polygon."""
    return pd.Series(shapely.point_on_surface(gdf.geometry.values), index=gdf.index)
