"""Point and polygon layers, and the facility variables derived from them.

Layers are declared in ``carnet/data/couches.toml``; each names a builder of
:data:`BUILDERS`. Every point is attached to the commune that contains it
(point in polygon); a point outside the département's communes is kept only if
its source gives a commune code of the département, and such cases are reported.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from carnet.errors import lookup
from carnet.geometry import METRIC_CRS
from carnet.sources import get_source

LAYERS_FILE = Path(__file__).parent / "data" / "couches.toml"
GEOD = Geod(ellps="WGS84")  # distances "à vol d'oiseau": geodesic, not on the Lambert-93 plane
# Stations compared geodesically with each commune centre: the nearest on the Lambert-93 plane
# and the next ones (plane and geodesic rankings can differ by a few metres at most).
NEAREST_CANDIDATES = 8


@cache
def layer_registry() -> dict[str, dict]:
    """Every declared layer, by id."""
    return tomllib.loads(LAYERS_FILE.read_text(encoding="utf-8"))


def _attach_commune(points: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, code_col=None):
    """Add column ``commune`` (INSEE code) by point in polygon; report the rest."""
    joined = gpd.sjoin(points, communes[["code", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    commune = joined["code"].astype("string")
    report = {"total": int(len(points)), "hors_communes": 0}
    if code_col is not None and code_col in points.columns:
        declared = points[code_col].astype("string")
        fallback = commune.isna() & declared.isin(set(communes["code"]))
        report["hors_communes"] = int(fallback.sum())
        commune = commune.mask(fallback, declared)
    out = points.copy()
    out["commune"] = commune
    out = out[out["commune"].notna()].reset_index(drop=True)
    report["retenus"] = int(len(out))
    return out, report


def build_points(spec, communes, sources_dir, params):
    """Generic point layer from a table with coordinates."""
    src = get_source(spec["source"])
    df = src.read(sources_dir, params)
    code_col = src.options.get("code")
    df = df[df["lat"].notna() & df["lon"].notna()]
    pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=4326)
    pts, report = _attach_commune(pts, communes, code_col)
    out = gpd.GeoDataFrame(
        {"nom": pts[spec["name"]].astype("string").str.strip(), "commune": pts["commune"]},
        geometry=pts.geometry, crs=4326,
    )
    for col, label in spec.get("fields", {}).items():
        out[label] = pts[col].astype("string")
    return out, report


def build_colleges(spec, communes, sources_dir, params):
    """Collèges: IPS 2022 (public/private, pupils, IPS) located via the 2021 layers."""
    ips = get_source(spec["source"]).read(sources_dir, params)
    codes = set(communes["code"])
    code_col = get_source(spec["source"]).options["code"]
    ips = ips[ips[code_col].isin(codes)].copy()
    loc = get_source(spec["locations"]).read(sources_dir, params)
    loc = loc[loc["Nature"].astype("string").str.strip() == "COLLEGE"]
    loc = loc.drop_duplicates("Code etablissement").set_index("Code etablissement")
    uai = ips["UAI"].str.strip()
    geom = uai.map(loc.geometry)
    rep = uai.map(loc["Classement REP"]).astype("string").str.strip()
    centres = communes.set_index("code")["centre"]
    located = geom.notna()
    geom = geom.where(located, ips[code_col].map(centres))
    out = gpd.GeoDataFrame(
        {
            "nom": ips["Nom de l'établissment"].str.strip().str.title(),
            "commune": ips[code_col],
            "UAI": uai,
            "Secteur": ips["Secteur"].str.strip(),
            "Effectifs": pd.to_numeric(ips["Effectifs"], errors="coerce"),
            "IPS": pd.to_numeric(ips["IPS"], errors="coerce"),
            "Éducation prioritaire": rep.fillna("non renseigné").replace({"NON": "non"}),
            "Localisation": np.where(located, "établissement", "centre de la commune"),
        },
        geometry=gpd.GeoSeries(list(geom), crs=4326).values, crs=4326,
    ).reset_index(drop=True)
    report = {"total": int(len(ips)), "retenus": int(len(out)),
              "localises_au_centre": int((~located).sum())}
    return out, report


def build_polygons(spec, communes, sources_dir, params):
    """Polygon layer clipped to the département's bounding box neighbourhood."""
    gdf = get_source(spec["source"]).read(sources_dir, params)
    gdf = gdf[gdf.geometry.notna()]
    dep = shapely.union_all(communes.geometry.values)
    keep = gdf.intersects(dep.buffer(0.05))
    gdf = gdf[keep]
    out = gpd.GeoDataFrame({"nom": gdf[spec["name"]].astype("string")},
                           geometry=gdf.geometry.values, crs=4326).reset_index(drop=True)
    return out, {"total": int(keep.size), "retenus": int(len(out))}


BUILDERS = {"points": build_points, "colleges": build_colleges, "polygons": build_polygons}


def build_layer(layer_id, communes, sources_dir=None, params=None):
    """Build layer ``layer_id`` for the given communes; returns (GeoDataFrame, report)."""
    spec = lookup(layer_registry(), layer_id, "Couche")
    builder = lookup(BUILDERS, spec["builder"], "Constructeur de couche")
    return builder(spec, communes, sources_dir, params or {})


# --- derived variables ---------------------------------------------------------------


def _count(layer: gpd.GeoDataFrame, codes: pd.Index, mask=None) -> pd.Series:
    sel = layer if mask is None else layer[mask]
    return sel.groupby("commune").size().reindex(codes, fill_value=0).astype(float)


def rep_colleges(sources_dir=None, params=None, communes: gpd.GeoDataFrame | None = None
                 ) -> gpd.GeoDataFrame:
    """Collèges classed REP or REP+ in the 2021 layer of the académie de Lille.

    The indicator ``colleges_rep`` counts these (the layer its definition names), not the
    collèges of the IPS 2022 file that the 2021 layer locates (one REP collège of 2021 has
    no IPS 2022 row). Each is attached to its commune by point in polygon, or by the
    commune code the source gives (field ``CP``) when the point falls outside.
    """
    spec = layer_registry()["colleges"]
    src = get_source(spec["locations"])
    loc = src.read(sources_dir, params)
    nature = loc["Nature"].astype("string").str.strip()
    rep = loc["Classement REP"].astype("string").str.strip()
    loc = loc[(nature == "COLLEGE") & rep.isin(["REP", "REP+"])]
    loc = loc.drop_duplicates("Code etablissement")
    out = gpd.GeoDataFrame({"UAI": loc["Code etablissement"].astype("string"),
                            "rep": rep[loc.index], "code_source": loc[src.options["code"]]},
                           geometry=loc.geometry.values, crs=4326)
    if communes is None:
        return out
    out, _ = _attach_commune(out, communes, "code_source")
    return out


def nearest_geodesic_km(centres: gpd.GeoSeries, stations: gpd.GeoSeries) -> np.ndarray:
    """Geodesic distance (WGS84 ellipsoid, km) from each centre to the nearest station.

    Candidates are the stations nearest on the Lambert-93 plane; the geodesic distance to
    each is computed with :data:`GEOD` and the smallest kept.
    """
    c_m = centres.to_crs(METRIC_CRS)
    s_m = stations.to_crs(METRIC_CRS)
    k = min(NEAREST_CANDIDATES, len(stations))
    sx, sy = s_m.x.to_numpy(), s_m.y.to_numpy()
    cx, cy = c_m.x.to_numpy(), c_m.y.to_numpy()
    d2 = (cx[:, None] - sx[None, :]) ** 2 + (cy[:, None] - sy[None, :]) ** 2
    cand = np.argpartition(d2, k - 1, axis=1)[:, :k]
    lon_c = np.repeat(centres.x.to_numpy()[:, None], k, axis=1)
    lat_c = np.repeat(centres.y.to_numpy()[:, None], k, axis=1)
    lon_s, lat_s = stations.x.to_numpy()[cand], stations.y.to_numpy()[cand]
    _, _, dist = GEOD.inv(lon_c.ravel(), lat_c.ravel(), lon_s.ravel(), lat_s.ravel())
    return dist.reshape(cand.shape).min(axis=1) / 1000.0


def derived_variables(communes: gpd.GeoDataFrame, layers: dict, all_stations=None,
                      rep_2021: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Facility variables per commune, from the built layers.

    Parameters
    ----------
    communes : GeoDataFrame
        With ``code``, ``geometry`` (WGS84) and ``centre`` (Point, WGS84).
    layers : dict of GeoDataFrame
        Built layers by id.
    all_stations : GeoDataFrame, optional
        Every station of the source (also outside the département), for distances.
    rep_2021 : GeoDataFrame, optional
        REP/REP+ collèges of the 2021 layer with their ``commune`` (:func:`rep_colleges`);
        without it, the REP count is left out.
    """
    codes = pd.Index(communes["code"], name="code")
    metric = communes.to_crs(METRIC_CRS)
    out = pd.DataFrame(index=codes)
    out["surface_km2"] = metric.area.values / 1e6
    if "pnr" in layers:
        pnr = shapely.union_all(layers["pnr"].to_crs(METRIC_CRS).geometry.values)
        inter = shapely.intersection(metric.geometry.values, pnr)
        out["pnr_km2"] = shapely.area(inter) / 1e6
    for lid in ("monuments", "musees", "gares"):
        if lid in layers:
            out[f"{lid}_n"] = _count(layers[lid], codes)
    if "colleges" in layers:
        c = layers["colleges"]
        out["colleges_n"] = _count(c, codes)
        ok = c["IPS"].notna() & c["Effectifs"].notna()
        out["colleges_eff"] = c[ok].groupby("commune")["Effectifs"].sum().reindex(codes, fill_value=0)
        prod = (c["IPS"] * c["Effectifs"])[ok].groupby(c["commune"][ok]).sum()
        out["colleges_ips_x_eff"] = prod.reindex(codes, fill_value=0)
    if rep_2021 is not None:
        out["colleges_rep_n"] = _count(rep_2021, codes)
    stations = all_stations if all_stations is not None else layers.get("gares")
    if stations is not None and len(stations):
        centres = gpd.GeoSeries(communes["centre"].values, crs=4326)
        out["gare_distance_km"] = nearest_geodesic_km(centres, stations.geometry)
    return out.astype(float)


def all_stations(sources_dir=None, params=None) -> gpd.GeoDataFrame:
    """Every station of the SNCF file (for nearest-station distances across borders)."""
    spec = layer_registry()["gares"]
    df = get_source(spec["source"]).read(sources_dir, params)
    df = df[df["lat"].notna() & df["lon"].notna()]
    return gpd.GeoDataFrame({"nom": df["Nom"]}, geometry=gpd.points_from_xy(df["lon"], df["lat"]),
                            crs=4326)
