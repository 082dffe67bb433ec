"""Overlay layers: territory outlines, reference polygons, points; layer control."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import numpy as np
import shapely

from carnet.maps.assets import use_local_assets
from carnet.maps.base import MAX_ZOOM
from carnet.maps.elements import (
    PANE_OUTLINES,
    PANE_POINTS,
    PANE_ZONES,
    PointLayer,
    PolygonLayer,
    add_point_legend,
    ensure_style,
    esc,
)
from carnet.maps.encoding import encode_polygonal
from carnet.maps.thematic import field_text, to_wgs84, tooltip_spec

CLUSTER_OPTIONS = {
    "maxClusterRadius": 45,
    "disableClusteringAtZoom": 13,
    "showCoverageOnHover": False,
    "spiderfyOnMaxZoom": False,
    "chunkedLoading": True,
}


def _polygonal(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Valid polygonal geometries (invalid ones repaired, other parts dropped)."""
    geoms = shapely.make_valid(gdf.geometry.values)
    out = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            out.append(None)
        elif geom.geom_type in ("Polygon", "MultiPolygon"):
            out.append(geom)
        else:  # GeometryCollection from make_valid: keep the polygons
            parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
            out.append(shapely.multipolygons(parts) if parts else None)
    return np.asarray(out, dtype=object)


def _properties(frame, name_field, tooltip_fields):
    """Property keys, escaped value columns and tooltip spec shared by polygon and point layers.

    Keys are ``nom`` (the escaped ``name_field``, empty strings without one) then ``x0``,
    ``x1``… for the extra tooltip fields; the tooltip shows ``nom`` as title and one
    ``label : value`` row per extra field.
    """
    extra = tooltip_spec(tooltip_fields)
    keys = ["nom"] + [f"x{i}" for i in range(len(extra))]
    names = [esc(x) for x in frame[name_field]] if name_field else [""] * len(frame)
    columns = [names, *(field_text(frame[col]) for col, _ in extra)]
    tooltip = {"title": "nom", "rows": [[esc(lbl), f"x{i}"] for i, (_, lbl) in enumerate(extra)]}
    return keys, columns, tooltip


def _polygon_data(gdf, name_field, tooltip_fields, precision):
    frame = to_wgs84(gdf)
    keys, columns, tooltip = _properties(frame, name_field, tooltip_fields)
    rings = encode_polygonal(_polygonal(frame), precision)
    rows = [[*vals, geom] for *vals, geom in zip(*columns, rings, strict=True) if geom]
    return {"p": precision, "k": keys, "r": rows}, tooltip


def _add_polygon_layer(m, gdf, *, label, attribution, name_field, tooltip_fields, style,
                       interactive, pane, show, precision) -> folium.Map:
    """Encode ``gdf`` and add it to ``m`` as one :class:`PolygonLayer` (outlines and zones).

    The tooltip is attached only when ``interactive`` and there is a ``name_field``.
    """
    data, tooltip = _polygon_data(gdf, name_field, tooltip_fields, precision)
    ensure_style(m)
    PolygonLayer(
        data,
        name=label,
        base_style=style,
        tooltip=tooltip if interactive and name_field else None,
        attribution=attribution,
        interactive=interactive,
        pane=pane,
        show=show,
    ).add_to(m)
    return m


def add_outlines(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    label: str,
    attribution: str,
    name_field: str | None = "nom",
    color: str = "#303030",
    weight: float = 1.8,
    dash: str | None = None,
    interactive: bool = False,
    show: bool = True,
    precision: int = 5,
) -> folium.Map:
    """Add territory outlines (EPCI, contract territories...): lines only.

    Parameters
    ----------
    m : folium.Map
        The map.
    gdf : GeoDataFrame
        Polygons, any CRS.
    label : str
        Name in the layer control.
    attribution : str
        Producer and vintage, shown in the attribution control.
    name_field : str, optional
        Column with the territory name (tooltip when ``interactive``).
    color, weight, dash : line style (``dash``: SVG dash array, e.g. ``"4 3"``).
    interactive : bool
        Tooltip on the outline; off by default so that clicks reach the
        communes underneath.
    show : bool
        Visible on opening.
    precision : int
        Coordinate decimals.

    Returns
    -------
    folium.Map
        ``m``.
    """
    style = {"color": color, "weight": weight, "opacity": 0.95, "fill": False}
    if dash:
        style["dashArray"] = dash
    return _add_polygon_layer(m, gdf, label=label, attribution=attribution, name_field=name_field,
                              tooltip_fields=None, style=style, interactive=interactive,
                              pane=PANE_OUTLINES, show=show, precision=precision)


def add_polygons(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    label: str,
    attribution: str,
    name_field: str | None = "nom",
    tooltip_fields: Sequence[str] | Mapping[str, str] | None = None,
    color: str = "#2e7d32",
    fill_opacity: float = 0.12,
    interactive: bool = False,
    show: bool = True,
    precision: int = 5,
) -> folium.Map:
    """Add reference polygons (e.g. parcs naturels régionaux): light fill, outline.

    Invalid source geometries are repaired (``shapely.make_valid``). Not
    interactive by default, so that they do not catch the clicks meant for the
    communes; with ``interactive=True`` they show a tooltip with their name.
    See :func:`add_outlines` for the other parameters.
    """
    style = {
        "color": color,
        "weight": 1.6,
        "opacity": 0.9,
        "dashArray": "5 3",
        "fillColor": color,
        "fillOpacity": fill_opacity,
    }
    return _add_polygon_layer(m, gdf, label=label, attribution=attribution, name_field=name_field,
                              tooltip_fields=tooltip_fields, style=style, interactive=interactive,
                              pane=PANE_ZONES, show=show, precision=precision)


def add_points(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    label: str,
    attribution: str,
    name_field: str = "nom",
    tooltip_fields: Sequence[str] | Mapping[str, str] | None = None,
    color: str = "#b2182b",
    radius: float = 4.5,
    cluster: bool = False,
    show: bool = True,
    precision: int = 5,
    legend: bool = True,
) -> folium.Map:
    """Add a point layer (monuments, musées, gares, collèges) as circle markers.

    Parameters
    ----------
    m : folium.Map
        The map.
    gdf : GeoDataFrame
        Points, any CRS; rows without a location are skipped.
    label : str
        Name in the layer control.
    attribution : str
        Producer and vintage, shown in the attribution control.
    name_field : str
        Column with the point's name (tooltip title).
    tooltip_fields : list of str or dict, optional
        Extra columns in the tooltip (dict: column -> French label).
    color, radius :
        Marker fill colour and radius (px).
    cluster : bool
        Group nearby points (Leaflet.markercluster; clustering stops at zoom
        ``CLUSTER_OPTIONS["disableClusteringAtZoom"]``). Sets the map's
        ``maxZoom`` if missing, which markercluster requires.
    show : bool
        Visible on opening.
    precision : int
        Coordinate decimals.
    legend : bool
        List the layer (dot of its colour, ``label``) in the map's point legend.

    Returns
    -------
    folium.Map
        ``m``.
    """
    frame = to_wgs84(gdf)
    geoms = frame.geometry.values
    if len(geoms) and not all(
        g is None or g.is_empty or g.geom_type in ("Point", "MultiPoint") for g in geoms
    ):
        raise ValueError("add_points attend des géométries ponctuelles")
    pts = shapely.centroid(geoms)
    x = shapely.get_x(pts)
    y = shapely.get_y(pts)
    ok = np.isfinite(x) & np.isfinite(y)
    keys, columns, tooltip = _properties(frame, name_field, tooltip_fields)
    rows = [
        [round(float(xi), precision), round(float(yi), precision), *vals]
        for xi, yi, keep, *vals in zip(x, y, ok, *columns, strict=True)
        if keep
    ]
    data = {"k": keys, "r": rows}
    marker = {
        "radius": radius,
        "color": "#ffffff",
        "weight": 1,
        "fillColor": color,
        "fillOpacity": 0.9,
    }
    if cluster and "maxZoom" not in m.options and "max_zoom" not in m.options:
        m.options["maxZoom"] = MAX_ZOOM
    ensure_style(m)
    layer = PointLayer(
        data,
        name=label,
        marker_style=marker,
        tooltip=tooltip,
        cluster=dict(CLUSTER_OPTIONS) if cluster else None,
        attribution=attribution,
        pane=PANE_POINTS,
        show=show,
    ).add_to(m)
    if legend:
        add_point_legend(m, layer, label, color)
    use_local_assets(m)
    return m


def add_layer_control(m: folium.Map, *, collapsed: bool = False) -> folium.Map:
    """Add the layer control (call it after the last layer); idempotent."""
    for child in m._children.values():
        if isinstance(child, folium.LayerControl):
            return m
    folium.LayerControl(position="topright", collapsed=collapsed).add_to(m)
    return m
