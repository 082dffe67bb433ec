"""Territory context: the communes a project may sit in, their centres and outline.

Built from the lead's territory pack (``carnet.pack.load_pack``) or, in tests, from a
tiny GeoDataFrame with the same columns (``code``, ``nom``, ``epci``, ``epci_nom``,
``territoire``, ``territoire_nom``, ``centre_lon``, ``centre_lat``, ``geometry``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Transformer

from carnet.geometry import METRIC_CRS
from carnet.projets.errors import ProjetError

#: Tolerance around the territory outline (degrees, ≈ 300 m): outlines are simplified.
AREA_TOLERANCE_DEG = 0.003
#: Lambert-93 bounds of metropolitan France (x, y), with margin.
L93_BOUNDS = (-400_000.0, 6_000_000.0, 1_400_000.0, 7_200_000.0)

_TO_WGS84: dict[str, Transformer] = {}


def transformer_to_wgs84(crs: str) -> Transformer:
    """Return a cached transformer from ``crs`` to EPSG:4326 (lon, lat order)."""
    if crs not in _TO_WGS84:
        _TO_WGS84[crs] = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return _TO_WGS84[crs]


def guess_crs(x: float, y: float) -> str | None:
    """Guess whether a coordinate pair is WGS84 (lon, lat) or Lambert-93.

    Parameters
    ----------
    x, y : float
        Easting/longitude and northing/latitude.

    Returns
    -------
    str or None
        ``"EPSG:4326"``, ``"EPSG:2154"`` or None if neither fits.
    """
    if -180 <= x <= 180 and -90 <= y <= 90:
        return "EPSG:4326"
    xmin, ymin, xmax, ymax = L93_BOUNDS
    if xmin <= x <= xmax and ymin <= y <= ymax:
        return METRIC_CRS
    return None


def to_wgs84(x: float, y: float, crs: str | None = None) -> tuple[float, float]:
    """Convert a coordinate pair to WGS84 (lon, lat).

    Parameters
    ----------
    x, y : float
        Coordinates in ``crs``.
    crs : str, optional
        ``"EPSG:4326"`` or ``"EPSG:2154"``; guessed from the values when None.

    Returns
    -------
    tuple of float
        ``(lon, lat)`` rounded to 6 decimals (≈ 0.1 m).

    Raises
    ------
    ProjetError
        If the values fit neither system.
    """
    crs = crs or guess_crs(x, y)
    if crs is None:
        raise ProjetError(
            f"Coordonnées ({x}, {y}) non reconnues : ni WGS84 (longitude, latitude) "
            "ni Lambert-93 (EPSG:2154, en mètres)."
        )
    if crs.upper() in ("EPSG:4326", "WGS84"):
        lon, lat = float(x), float(y)
    else:
        lon, lat = transformer_to_wgs84(crs).transform(float(x), float(y))
    return round(lon, 6), round(lat, 6)


@dataclass
class TerritoryContext:
    """Communes of one territory pack, for validation and placement.

    Parameters
    ----------
    pack_id : str
        Pack id (e.g. ``"nord"``).
    communes : geopandas.GeoDataFrame
        One row per commune, EPSG:4326, pack columns.
    territoires : dict, optional
        Contract-territory id → name: the pack's territories; read from the communes'
        ``territoire`` / ``territoire_nom`` columns when not given.
    pack : carnet.pack.Pack, optional
        The loaded pack, for the simplified geometries of the map background.
    former_communes : dict, optional
        Former commune code → ``{"nom", "commune"}`` (the current commune it joined),
        so that an import naming it lands on the right commune.
    """

    pack_id: str
    communes: gpd.GeoDataFrame
    territoires: dict[str, str] = field(default_factory=dict)
    pack: object | None = field(default=None, repr=False, compare=False)
    former_communes: dict[str, dict] = field(default_factory=dict, repr=False)

    @classmethod
    def from_pack(cls, pack) -> TerritoryContext:
        """Build the context from a loaded territory pack."""
        territoires = {t.id: t.nom for t in getattr(pack, "territoires", [])}
        former = dict(getattr(pack, "meta", {}).get("diagnostics", {}).get("anciennes_communes")
                      or {})
        return cls(pack_id=pack.id, communes=pack.communes, territoires=territoires,
                   pack=pack, former_communes=former)

    def __post_init__(self) -> None:
        if not self.territoires and "territoire" in self.communes.columns:
            names = (self.communes["territoire_nom"] if "territoire_nom" in self.communes
                     else self.communes["territoire"])
            pairs = zip(self.communes["territoire"], names, strict=True)
            self.territoires = {str(t): str(n) for t, n in pairs if t is not None and t == t}

    @classmethod
    def load(cls, pack_id: str) -> TerritoryContext:
        """Load the pack ``pack_id`` (raises the pack's French error if not built)."""
        from carnet.pack import load_pack

        return cls.from_pack(load_pack(pack_id))

    @cached_property
    def by_code(self) -> dict[str, dict]:
        """Commune code → attributes (nom, epci, territoire, centre)."""
        cols = [c for c in ("nom", "epci", "epci_nom", "territoire", "territoire_nom",
                            "centre_lon", "centre_lat") if c in self.communes.columns]
        df = self.communes[["code", *cols]].copy()
        df["code"] = df["code"].astype(str)
        return df.set_index("code").to_dict("index")

    @cached_property
    def by_code_frame(self) -> pd.DataFrame:
        """:attr:`by_code` as a frame indexed by commune code (string), built once."""
        return pd.DataFrame.from_dict(self.by_code, orient="index")

    @cached_property
    def map_context(self):
        """Offline map background (:class:`carnet.maps.projects.MapContext`), built once."""
        from carnet.maps.projects import MapContext

        if self.pack is not None:
            return MapContext.from_pack(self.pack)
        return MapContext.from_communes(self.communes)

    @cached_property
    def _areas(self) -> dict[str | None, object]:
        gdf = self.communes
        if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        areas: dict[str | None, object] = {}
        whole = shapely.union_all(shapely.make_valid(gdf.geometry.values))
        areas[None] = shapely.buffer(whole, AREA_TOLERANCE_DEG)
        if "territoire" in gdf.columns:
            for tid, part in gdf.groupby("territoire"):
                geom = shapely.union_all(shapely.make_valid(part.geometry.values))
                areas[str(tid)] = shapely.buffer(geom, AREA_TOLERANCE_DEG)
        for geom in areas.values():
            shapely.prepare(geom)
        return areas

    def area(self, territoire: str | None = None):
        """Outline (buffered, prepared) of the contract territory or the whole pack."""
        return self._areas.get(territoire, self._areas[None])

    def contains(self, lon, lat, territoire: str | None = None):
        """Vectorised point-in-territory test.

        Parameters
        ----------
        lon, lat : float or array-like
        territoire : str, optional
            Contract territory; the whole pack when None.

        Returns
        -------
        bool or numpy.ndarray
        """
        return shapely.contains_xy(self.area(territoire), lon, lat)

    def commune_centre(self, code: str) -> tuple[float, float] | None:
        """Return ``(lon, lat)`` of the commune's centre, or None if unknown."""
        row = self.by_code.get(str(code))
        if row is None or row.get("centre_lon") is None:
            return None
        return float(row["centre_lon"]), float(row["centre_lat"])

    def commune_at(self, lon: float, lat: float) -> str | None:
        """Return the code of the commune containing the point, or None."""
        gdf = self.communes
        idx = gdf.sindex.query(shapely.Point(lon, lat), predicate="intersects")
        return str(gdf.iloc[idx[0]]["code"]) if len(idx) else None
