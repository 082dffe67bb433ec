"""Commune choropleth: classification, colours, legend, compact folium layer."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
from branca.utilities import color_brewer

from carnet.formatting import MISSING, fmt_number, fmt_value
from carnet.maps.assets import DEFAULT_BASE_URL, use_local_assets
from carnet.maps.base import Tiles, base_map
from carnet.maps.elements import Legend, PolygonLayer, ensure_style, esc
from carnet.maps.encoding import encode_polygonal

MISSING_LABEL = MISSING

# ---------------------------------------------------------------- classification


def _natural_breaks(values: np.ndarray, k: int) -> mapclassify.classifiers.MapClassifier:
    """Jenks natural breaks (1-D k-means), made deterministic.

    mapclassify's ``NaturalBreaks`` seeds k-means from numpy's global random
    state; the state is saved, seeded and restored so the same data always give
    the same classes. (``FisherJenks`` is exact but takes ~0.5 s on 648 values
    without numba, too slow for an interactive map.)
    """
    state = np.random.get_state()
    try:
        np.random.seed(20240601)
        return mapclassify.NaturalBreaks(values, k=k, initial=10)
    finally:
        np.random.set_state(state)


@dataclass(frozen=True)
class Scheme:
    """A classification scheme: its French labels and mapclassify factory.

    ``label`` names it in a picker (``Quantiles (effectifs égaux)``), ``legend`` in the map's
    legend (``Classes : quantiles, 5 classes``).
    """

    label: str
    legend: str
    classify: Callable[[np.ndarray, int], mapclassify.classifiers.MapClassifier]


SCHEMES: dict[str, Scheme] = {
    "quantiles": Scheme("Quantiles (effectifs égaux)", "quantiles",
                        lambda y, k: mapclassify.Quantiles(y, k=k)),
    "natural_breaks": Scheme("Seuils naturels (Jenks)", "seuils naturels (Jenks)", _natural_breaks),
    "equal_interval": Scheme("Intervalles égaux", "intervalles égaux",
                             lambda y, k: mapclassify.EqualInterval(y, k=k)),
}


def scheme_labels() -> dict[str, str]:
    """Scheme id → French label, for a picker (in :data:`SCHEMES` order)."""
    return {k: s.label for k, s in SCHEMES.items()}


@dataclass(frozen=True)
class Classification:
    """Result of :func:`classify`.

    Attributes
    ----------
    scheme : str
        Registry key of the scheme used.
    bins : ndarray
        Upper bound of each class (inclusive), ascending.
    lower : float
        Minimum of the classified values (lower bound of the first class).
    classes : ndarray of int
        Class of each input value, ``-1`` where the value is missing.
    counts : ndarray of int
        Number of values per class.
    """

    scheme: str
    bins: np.ndarray
    lower: float
    classes: np.ndarray
    counts: np.ndarray

    @property
    def k(self) -> int:
        """Number of classes actually formed (may be below the requested k)."""
        return len(self.bins)

    @property
    def n_missing(self) -> int:
        """Number of missing values."""
        return int((self.classes < 0).sum())


def classify(values, scheme: str = "quantiles", k: int = 5) -> Classification:
    """Classify values with a scheme of :data:`SCHEMES`.

    Parameters
    ----------
    values : array-like of float
        NaN / None / ±inf are "missing" (class ``-1``), never classified.
    scheme : str
        A key of :data:`SCHEMES`.
    k : int
        Requested number of classes (1–9). Fewer are formed when the data
        have fewer distinct values.

    Returns
    -------
    Classification

    Raises
    ------
    ValueError
        Unknown scheme (the message lists the valid ones) or bad ``k``.
    """
    if scheme not in SCHEMES:
        raise ValueError(
            f"méthode de discrétisation inconnue : {scheme!r} "
            f"(valeurs possibles : {', '.join(SCHEMES)})"
        )
    if not 1 <= int(k) <= 9:
        raise ValueError(f"nombre de classes hors limites : {k} (entre 1 et 9)")
    y = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    valid = np.isfinite(y)
    classes = np.full(len(y), -1, dtype=int)
    yv = y[valid]
    if len(yv) == 0:
        return Classification(scheme, np.array([]), np.nan, classes, np.array([], dtype=int))
    n_unique = len(np.unique(yv))
    if n_unique == 1 or int(k) == 1:
        bins = np.array([yv.max()])
        yb = np.zeros(len(yv), dtype=int)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = SCHEMES[scheme].classify(yv, min(int(k), n_unique))
        bins = np.asarray(result.bins, dtype=float)
        yb = np.asarray(result.yb, dtype=int)
        # Drop empty classes (quantiles on tied data) and renumber.
        used = np.unique(yb)
        if len(used) < len(bins):
            remap = np.full(len(bins), -1)
            remap[used] = np.arange(len(used))
            bins, yb = bins[used], remap[yb]
    classes[valid] = yb
    counts = np.bincount(yb, minlength=len(bins))
    return Classification(scheme, bins, float(yv.min()), classes, counts)


def palette(k: int, name: str = "YlGnBu") -> list[str]:
    """Sequential ColorBrewer palette of ``k`` colours (colour-blind safe).

    Parameters
    ----------
    k : int
        Number of classes (1–9).
    name : str
        ColorBrewer sequential scheme (default ``YlGnBu``, colour-blind safe
        and readable in grey scale).
    """
    if k >= 3:
        return list(color_brewer(name, n=k))
    three = list(color_brewer(name, n=3))
    return [three[1]] if k == 1 else [three[0], three[2]]


# -------------------------------------------------------------------- formatting


def auto_decimals(values) -> int:
    """Decimals for display: 0 for large or integer values, else 1 or 2."""
    y = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    y = y[np.isfinite(y)]
    if len(y) == 0:
        return 0
    if np.allclose(y, np.round(y)):
        return 0
    span = float(np.max(np.abs(y)))
    return 0 if span >= 1000 else 1 if span >= 1 else 2


def format_value(x, unit: str = "", decimals: int = 0) -> str:
    """French text of a value with its unit: ``1 234,5 €``, ``12,3 %``."""
    if x is None or not np.isfinite(float(x)):
        return MISSING_LABEL
    return fmt_value(float(x), unit, decimals)


def class_labels(c: Classification, decimals: int) -> list[str]:
    """French labels of the classes, e.g. ``1 234 – 5 678``."""
    if c.k == 0:
        return []
    labels = []
    lows = [c.lower, *c.bins[:-1]]
    for lo, hi in zip(lows, c.bins, strict=True):
        a, b = fmt_number(lo, decimals), fmt_number(hi, decimals)
        labels.append(a if a == b else f"{a} – {b}")
    return labels


def legend_html(
    c: Classification,
    colors: Sequence[str],
    *,
    label: str,
    unit: str,
    source: str,
    vintage: str | int,
    decimals: int,
) -> str:
    """Legend HTML (every text escaped): title with unit, classes, missing, source."""
    title = esc(label) + (f" ({esc(unit)})" if unit else "")
    rows = [f'<div class="lg-t">{title}</div>']
    for text, color, n in zip(class_labels(c, decimals), colors, c.counts, strict=True):
        rows.append(
            f'<div class="lg-r"><i style="background:{esc(color)}"></i>{esc(text)}'
            f'<span class="lg-n">({fmt_number(n, 0)})</span></div>'
        )
    if c.n_missing:
        rows.append(
            f'<div class="lg-r lg-na"><i></i>{MISSING_LABEL}'
            f'<span class="lg-n">({fmt_number(c.n_missing, 0)})</span></div>'
        )
    scheme = SCHEMES[c.scheme].legend
    rows.append(
        f'<div class="lg-s">Source : {esc(source)}, {esc(vintage)}<br>'
        f"Classes : {esc(scheme)}, {c.k} classes</div>"
    )
    return "".join(rows)


# -------------------------------------------------------------------------- data


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326 (a GeoDataFrame without CRS is assumed WGS84)."""
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        return gdf.to_crs(4326)
    return gdf


def bounds_of(gdf: gpd.GeoDataFrame) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of a WGS84 frame, or None if empty."""
    if gdf.empty:
        return None
    minx, miny, maxx, maxy = gdf.total_bounds
    if not np.all(np.isfinite([minx, miny, maxx, maxy])):
        return None
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def field_text(series: pd.Series, decimals: int | None = None) -> list[str]:
    """Escaped display text of a column (numbers in French format)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        d = auto_decimals(series) if decimals is None else decimals
        return [esc(format_value(x, "", d)) for x in series.astype(float)]
    words = {True: "oui", False: "non"}
    return [esc(words.get(x, x) if isinstance(x, bool) else x) for x in series]


def tooltip_spec(tooltip_fields) -> list[tuple[str, str]]:
    if tooltip_fields is None:
        return []
    if isinstance(tooltip_fields, str):
        tooltip_fields = [tooltip_fields]
    if isinstance(tooltip_fields, Mapping):
        return [(str(col), str(lbl)) for col, lbl in tooltip_fields.items()]
    return [(str(col), str(col)) for col in tooltip_fields]


# --------------------------------------------------------------------- choropleth

BASE_STYLE = {"color": "#ffffff", "weight": 0.6, "opacity": 0.9, "fillOpacity": 0.85}
HIGHLIGHT_STYLE = {"color": "#1a1a1a", "weight": 2.2, "opacity": 1, "fillOpacity": 0.95}


def choropleth(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    label: str,
    unit: str,
    source: str,
    vintage: str | int,
    scheme: str = "quantiles",
    k: int = 5,
    m: folium.Map | None = None,
    tooltip_fields: Sequence[str] | Mapping[str, str] | None = None,
    highlight: bool = True,
    code_field: str = "code",
    name_field: str = "nom",
    decimals: int | None = None,
    palette_name: str = "YlGnBu",
    precision: int = 5,
    layer_name: str | None = None,
    tiles: Tiles = None,
    fit_bounds: bool = True,
    legend: bool = True,
    legend_position: str = "bottomright",
    base_url: str | None = None,
) -> folium.Map:
    """Draw a classified choropleth of ``gdf[column]`` (like ``gdf.explore``).

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons (any CRS; reprojected to WGS84), with ``code_field`` and
        ``name_field`` columns. Simplify the geometry beforehand (e.g.
        :func:`carnet.geometry.simplify_coverage`) for lighter pages.
    column : str
        Numeric column to map. NaN = not published (statistical secrecy):
        drawn hatched grey and listed as "non publié" in the legend.
    label, unit, source, vintage : str
        Indicator name, unit (``"%"``, ``"€"``, ``"hab."``, ``""``), producer
        and vintage, shown in the legend and the attribution.
    scheme : str
        A key of :data:`SCHEMES`: ``"quantiles"``, ``"natural_breaks"`` or
        ``"equal_interval"``.
    k : int
        Number of classes (1–9).
    m : folium.Map, optional
        Map to draw on; a new :func:`carnet.maps.base.base_map` otherwise.
    tooltip_fields : list of str or dict, optional
        Extra columns in the tooltip (dict: column -> French label).
    highlight : bool
        Outline the commune under the mouse.
    code_field, name_field : str
        Columns with the INSEE code (returned on click) and the name.
    decimals : int, optional
        Decimals of values (default: chosen from the data).
    palette_name : str
        ColorBrewer sequential scheme.
    precision : int
        Coordinate decimals sent to the browser (5 ≈ 1 m, 4 ≈ 10 m).
    layer_name : str, optional
        Name in the layer control (default: ``label``).
    tiles : {"OpenStreetMap", None}
        Basemap when a new map is created.
    fit_bounds : bool
        Fit the view to the polygons.
    legend : bool
        Add the legend control.
    legend_position : str
        Its corner (``"bottomleft"`` suits the whole Nord, whose south-west
        corner is empty).
    base_url : str, optional
        URL of the vendored assets (default: the map's, else ``/app/static/vendor``).

    Returns
    -------
    folium.Map
        ``m`` or the new map, with the layer (and legend) added.

    Raises
    ------
    ValueError
        Unknown scheme, missing column or non-numeric values.
    """
    for col in (column, code_field, name_field):
        if col not in gdf.columns:
            raise ValueError(f"colonne absente : {col!r}")
    values = pd.to_numeric(gdf[column], errors="coerce")
    non_numeric = values.isna() & gdf[column].notna()
    if non_numeric.any():
        bad = gdf[column][non_numeric].iloc[0]
        raise ValueError(f"valeur non numérique dans {column!r} : {bad!r}")
    values = values.astype(float).where(np.isfinite(values.astype(float)))
    cls = classify(values.to_numpy(), scheme, k)
    colors = palette(cls.k, palette_name) if cls.k else []
    d = auto_decimals(values) if decimals is None else decimals

    frame = to_wgs84(gdf)
    extra = tooltip_spec(tooltip_fields)
    keys = ["code", "nom", "c", "v"] + [f"x{i}" for i in range(len(extra))]
    columns = [
        [esc(x) for x in frame[code_field]],
        [esc(x) for x in frame[name_field]],
        cls.classes.tolist(),
        [esc(format_value(x, unit, d)) for x in values],
        *(field_text(frame[col]) for col, _ in extra),
    ]
    rings = encode_polygonal(frame.geometry.values, precision)
    # Features without geometry cannot be drawn (they still count in the legend).
    rows = [[*vals, geom] for *vals, geom in zip(*columns, rings, strict=True) if geom]
    data = {"p": precision, "k": keys, "r": rows}

    if m is None:
        m = base_map(tiles=tiles, bounds=bounds_of(frame), base_url=base_url or DEFAULT_BASE_URL)
    ensure_style(m)
    tooltip = {
        "title": "nom",
        "rows": [[esc(label), "v"]] + [[esc(lbl), f"x{i}"] for i, (_, lbl) in enumerate(extra)],
    }
    PolygonLayer(
        data,
        name=layer_name or label,
        base_style=BASE_STYLE,
        palette=colors,
        highlight_style=HIGHLIGHT_STYLE if highlight else None,
        tooltip=tooltip,
        click_keys=["code", "nom"],
        attribution=f"{source}, {vintage}",
    ).add_to(m)
    if legend:
        Legend(
            legend_html(
                cls, colors, label=label, unit=unit, source=source, vintage=vintage, decimals=d
            ),
            position=legend_position,
        ).add_to(m)
    if fit_bounds and (b := bounds_of(frame)) is not None:
        m.fit_bounds(b, padding=(8, 8))
    use_local_assets(m, base_url=base_url)
    return m
