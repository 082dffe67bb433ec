"""The atlas's maps, built from a territory pack: commune choropleth, territories, locator.

Each builder takes the pack and simple values and returns a :class:`folium.Map`; given
``m``, it draws on that map instead of a new one (e.g. projects over a choropleth, see
:func:`carnet.maps.projects.add_projects`). The point and zone layers are drawn as
``carnet/data/couches.toml`` says (``[<id>.map]``: kind, label, colour, tooltip,
clustering), dispatched on the layer's kind. The Streamlit page wrappers, cached on ids,
are in :mod:`carnet.ui.cartes`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import folium
import geopandas as gpd

from carnet.fiches import (
    commune_map_frame,
    layer_attribution,
    merged_into,
    merged_members,
    merged_name,
    merged_of_key,
    short_producer,
)
from carnet.layers import layer_registry
from carnet.maps.base import geo_attribution  # re-exported: carnet.maps.carnets, projects
from carnet.maps.layers import add_layer_control, add_outlines, add_points, add_polygons
from carnet.maps.thematic import choropleth

EPCI = "epci"
EPCI_LABEL = "Contours des EPCI"
SELECTED_LABEL = "Commune choisie"
SELECTED_COLOR = "#D55E00"  # Okabe-Ito vermilion: stands out of the blue-green palette
#: Layer kinds in drawing order: zones under points.
KINDS = ("zones", "points")


def map_layers() -> dict[str, dict]:
    """The layers of ``couches.toml`` drawn on maps (id → its ``map`` table), zones first."""
    reg = {lid: spec["map"] for lid, spec in layer_registry().items() if "map" in spec}
    return {lid: spec for kind in KINDS for lid, spec in reg.items() if spec["kind"] == kind}


def overlays() -> dict[str, str]:
    """Optional layers of the territory map: id → French label (EPCI outlines first)."""
    return {EPCI: EPCI_LABEL, **{lid: spec["label"] for lid, spec in map_layers().items()}}


# ------------------------------------------------------------------------- layers


def _epci_outlines(pack, tid: str | None) -> gpd.GeoDataFrame:
    e = pack.geometry("epci", "territoire" if tid else "departement").merge(
        pack.table("epci")[["code", "nom", "territoire"]], on="code")
    return e[e["territoire"] == tid] if tid else e


def outline_selected(m: folium.Map, pack, gdf: gpd.GeoDataFrame) -> folium.Map:
    """Outline the chosen commune (vermilion, thick; not interactive, so clicks reach the communes)."""
    return add_outlines(m, gdf, label=SELECTED_LABEL, attribution=geo_attribution(pack),
                        color=SELECTED_COLOR, weight=4)


def _add_zones(m, lay, lid, spec, *, cluster):
    return add_polygons(m, lay, label=spec["label"], attribution=layer_attribution(lid),
                        color=spec["color"])


def _add_points(m, lay, lid, spec, *, cluster):
    above = spec.get("cluster_above")
    return add_points(m, lay, label=f"{spec['label']} ({len(lay)})",
                      attribution=layer_attribution(lid), tooltip_fields=spec.get("tooltip"),
                      color=spec["color"], cluster=cluster and above is not None and len(lay) > above)


#: How each kind of layer is drawn: ``(m, layer frame, id, map spec, cluster=) -> m``.
DRAW: dict[str, Callable] = {"zones": _add_zones, "points": _add_points}


def add_layer(m: folium.Map, pack, lid: str, *, communes: Sequence[str] | None = None,
              cluster: bool = True) -> folium.Map:
    """Draw layer ``lid`` of the pack on ``m`` as ``couches.toml`` says (nothing if absent).

    Parameters
    ----------
    m : folium.Map
        The map.
    pack : carnet.pack.Pack
        The pack holding the layer.
    lid : str
        A layer of ``couches.toml`` with a ``map`` table.
    communes : sequence of str, optional
        Keep only the points in these communes (zones are drawn whole).
    cluster : bool
        Allow clustering (beyond the layer's ``cluster_above`` points).
    """
    spec = map_layers().get(lid)
    if spec is None or lid not in pack.layer_ids:
        return m
    lay = pack.layer(lid)
    if communes is not None and spec["kind"] == "points":
        lay = lay[lay["commune"].isin(set(communes))]
    return DRAW[spec["kind"]](m, lay, lid, spec, cluster=cluster)


# --------------------------------------------------------------------------- maps


def _indicator_choropleth(pack, gdf, iid, scheme, k, *, m, **kwargs) -> folium.Map:
    ind = pack.indicator(iid)
    return choropleth(gdf, "valeur", label=ind.label, unit=ind.unit,
                      source=short_producer(ind.source), vintage=ind.vintage, scheme=scheme, k=k,
                      decimals=ind.decimals, m=m, **kwargs)


def commune_map(pack, tid: str | None, iid: str, scheme: str = "quantiles",
                overlays: Sequence[str] = (EPCI,), selected: str | None = None, *,
                contributions: Sequence[dict] = (), m: folium.Map | None = None) -> folium.Map:
    """Choropleth of an indicator over the communes of a territory (or the whole pack).

    Parameters
    ----------
    pack : carnet.pack.Pack
        The pack.
    tid : str or None
        A territory of the pack, or None for all its communes.
    iid : str
        The indicator mapped.
    scheme : str
        Classification scheme (a key of :data:`carnet.maps.SCHEMES`), 5 classes.
    overlays : sequence of str
        Keys of :func:`overlays`, drawn in this order.
    selected : str, optional
        Code of a commune to outline (the one clicked or chosen), if it is on the map.
    contributions : sequence of dict, optional
        Approved workshop contributions drawn on top, one layer per category
        (:func:`carnet.maps.contributions.add_contributions`).
    m : folium.Map, optional
        Map to draw on (a new one otherwise).
    """
    ind = pack.indicator(iid)
    gdf = commune_map_frame(pack, tid, iid)
    m = _indicator_choropleth(pack, gdf, iid, scheme, 5, m=m, tooltip_fields={"epci_nom": "EPCI"},
                              layer_name=f"Communes — {ind.label}")
    codes = set(gdf["code"])
    for lid in overlays:
        if lid == EPCI:
            add_outlines(m, _epci_outlines(pack, tid), label=EPCI_LABEL,
                         attribution=geo_attribution(pack), weight=2.2)
        else:
            add_layer(m, pack, lid, communes=codes)
    outline = [selected]
    new = merged_of_key(pack, selected)
    if new is not None:  # a merged commune (59006@2025): its polygon, or its former communes'
        outline = [new] if new in codes else merged_members(pack, new)
    elif selected and selected not in codes:  # a former commune: the merged one that carries iid
        outline = [merged_into(pack, selected, iid) or selected]
    if codes.intersection(outline):
        outline_selected(m, pack, gdf[gdf["code"].isin(outline)])
    if contributions:
        from carnet.maps.contributions import add_contributions

        add_contributions(contributions, m=m)
    return add_layer_control(m, collapsed=False)


def territories_map(pack, iid: str, *, m: folium.Map | None = None) -> folium.Map:
    """The pack's territories coloured by an aggregable indicator; clicks return the id."""
    g = pack.geometry("territoire", "departement").merge(
        pack.table("territoire")[["code", "nom"]], on="code")
    g["valeur"] = g["code"].map(pack.values("territoire")[iid]).astype(float)
    k = min(4, int(g["valeur"].notna().sum()))
    m = _indicator_choropleth(
        pack, g, iid, "quantiles", max(k, 1), m=m,
        layer_name=pack.config.perimetre.get("libelle_pluriel", "Territoires"),
        legend_position="bottomleft")
    add_outlines(m, _epci_outlines(pack, None), label=EPCI_LABEL, attribution=geo_attribution(pack),
                 color="#555555", weight=0.8, dash="3 3")
    return add_layer_control(m, collapsed=True)


def locator_map(pack, code: str, iid: str = "pop_2022", *,
                m: folium.Map | None = None) -> folium.Map:
    """A commune within its territory: communes coloured by ``iid``, the commune outlined,
    its points drawn (every one: no clustering within one commune).

    ``code`` may be a merged commune's fiche key (``59006@2025``): its former communes'
    polygons are outlined as one, and their points drawn."""
    new = merged_of_key(pack, code)
    members = merged_members(pack, new) if new else [code]
    tid = pack.territoire_of(members[0])
    ind = pack.indicator(iid)
    gdf = commune_map_frame(pack, tid, iid)
    m = _indicator_choropleth(pack, gdf, iid, "quantiles", 5, m=m,
                              tooltip_fields={"epci_nom": "EPCI"},
                              layer_name=f"Communes — {ind.label}", legend_position="bottomleft")
    add_outlines(m, _epci_outlines(pack, tid), label=EPCI_LABEL, attribution=geo_attribution(pack),
                 color="#777777", weight=1.2)
    own = pack.geometry("commune", "territoire").merge(pack.table("commune")[["code", "nom"]],
                                                       on="code")
    own = own[own["code"].isin(members)]  # its own polygon, even where a merged commune carries the data
    if new is not None:
        own = own.dissolve().assign(code=new, nom=merged_name(pack, new))
    outline_selected(m, pack, own)
    x0, y0, x1, y1 = own.total_bounds
    pad = 0.06
    m.fit_bounds([[y0 - pad, x0 - pad], [y1 + pad, x1 + pad]])
    for lid, spec in map_layers().items():
        if (spec["kind"] == "points" and lid in pack.layer_ids
                and pack.layer(lid)["commune"].isin(members).any()):
            add_layer(m, pack, lid, communes=members, cluster=False)
    return add_layer_control(m, collapsed=True)
