"""The atlas's maps, assembled from :mod:`carnet.maps` and cached on simple keys.

Each builder takes only ids (pack, cache folder, territory, indicator, scheme,
layers) so ``st.cache_data`` can key on them; the map itself is drawn by
:func:`carnet.ui.assets.show_map`.
"""

from __future__ import annotations

import folium
import streamlit as st

from carnet import maps
from carnet.fiches import commune_map_frame, layer_attribution, merged_into, short_producer
from carnet.ui.data import _load

# Optional layers offered on the territory map (id → French label).
OVERLAYS = {
    "epci": "Contours des EPCI",
    "pnr": "Parcs naturels régionaux",
    "monuments": "Monuments historiques",
    "musees": "Musées de France",
    "gares": "Gares de voyageurs",
    "colleges": "Collèges",
}
# Colour-blind-safe point colours (Okabe-Ito), distinct from the blue-green palette.
POINT_STYLE = {
    "monuments": {"color": "#D55E00", "fields": {"Protection": "Protection"}},
    "musees": {"color": "#CC79A7", "fields": {"Adresse": "Adresse"}},
    "gares": {"color": "#000000", "fields": {"Segment": "Segment"}},
    "colleges": {"color": "#E69F00",
                 "fields": {"Secteur": "Secteur", "IPS": "IPS",
                            "Éducation prioritaire": "Éducation prioritaire"}},
}
GEO_ATTRIBUTION = "IGN Admin Express 2018, INSEE COG 2024"
SELECTED_LABEL = "Commune choisie"
SELECTED_COLOR = "#D55E00"  # Okabe-Ito vermilion: stands out of the blue-green palette


def _communes_frame(p, tid: str | None, iid: str):
    # A merged commune has its own polygon where the indicator's source publishes it.
    return commune_map_frame(p, tid, iid)


def _epci_outlines(p, tid: str | None):
    e = p.geometry("epci", "territoire" if tid else "departement").merge(
        p.table("epci")[["code", "nom", "territoire"]], on="code")
    return e[e["territoire"] == tid] if tid else e


def _outline_selected(m: folium.Map, gdf) -> None:
    """Outline the chosen commune (vermilion, thick; not interactive, so clicks reach the communes)."""
    maps.add_outlines(m, gdf, label=SELECTED_LABEL, attribution=GEO_ATTRIBUTION, color=SELECTED_COLOR,
                      weight=4)


@st.cache_data(show_spinner="Préparation de la carte…", max_entries=64)
def commune_map(pack_id: str, cache_dir: str, tid: str | None, iid: str, scheme: str,
                overlays: tuple[str, ...] = ("epci",), selected: str | None = None) -> folium.Map:
    """Choropleth of an indicator over the communes of a territory (or the whole pack).

    ``selected``: code of a commune to outline (the one clicked or chosen), if it is on the map.
    """
    p = _load(pack_id, cache_dir)
    ind = p.indicator(iid)
    gdf = _communes_frame(p, tid, iid)
    m = maps.choropleth(
        gdf, "valeur", label=ind.label, unit=ind.unit, source=short_producer(ind.source),
        vintage=ind.vintage, scheme=scheme, k=5, decimals=ind.decimals,
        tooltip_fields={"epci_nom": "EPCI"}, layer_name=f"Communes — {ind.label}",
    )
    codes = set(gdf["code"])
    for lid in overlays:
        if lid == "epci":
            maps.add_outlines(m, _epci_outlines(p, tid), label=OVERLAYS["epci"],
                              attribution=GEO_ATTRIBUTION, weight=2.2)
        elif lid == "pnr" and lid in p.layer_ids:
            maps.add_polygons(m, p.layer("pnr"), label=OVERLAYS["pnr"], attribution=layer_attribution("pnr"))
        elif lid in POINT_STYLE and lid in p.layer_ids:
            lay = p.layer(lid)
            lay = lay[lay["commune"].isin(codes)]
            style = POINT_STYLE[lid]
            maps.add_points(m, lay, label=f"{OVERLAYS[lid]} ({len(lay)})", attribution=layer_attribution(lid),
                            tooltip_fields=style["fields"], color=style["color"],
                            cluster=lid == "monuments" and len(lay) > 150)
    if selected and selected not in codes:  # a former commune: outline the merged one that carries iid
        selected = merged_into(p, selected, iid) or selected
    if selected in codes:
        _outline_selected(m, gdf[gdf["code"] == selected])
    maps.add_layer_control(m, collapsed=False)
    return m


@st.cache_data(show_spinner="Préparation de la carte…", max_entries=16)
def territories_map(pack_id: str, cache_dir: str, iid: str) -> folium.Map:
    """The contract territories coloured by an aggregable indicator; clicks return the id."""
    p = _load(pack_id, cache_dir)
    ind = p.indicator(iid)
    g = p.geometry("territoire", "departement").merge(p.table("territoire")[["code", "nom"]], on="code")
    g["valeur"] = g["code"].map(p.values("territoire")[iid]).astype(float)
    k = min(4, int(g["valeur"].notna().sum()))
    m = maps.choropleth(
        g, "valeur", label=ind.label, unit=ind.unit, source=short_producer(ind.source),
        vintage=ind.vintage, scheme="quantiles", k=max(k, 1), decimals=ind.decimals,
        layer_name=p.config.perimetre.get("libelle_pluriel", "Territoires"), legend_position="bottomleft",
    )
    maps.add_outlines(m, _epci_outlines(p, None), label=OVERLAYS["epci"], attribution=GEO_ATTRIBUTION,
                      color="#555555", weight=0.8, dash="3 3")
    maps.add_layer_control(m, collapsed=True)
    return m


@st.cache_data(show_spinner=False, max_entries=64)
def locator_map(pack_id: str, cache_dir: str, code: str, iid: str = "pop_2022") -> folium.Map:
    """A commune within its territory: communes coloured by ``iid``, the commune outlined."""
    p = _load(pack_id, cache_dir)
    tid = p.territoire_of(code)
    ind = p.indicator(iid)
    gdf = _communes_frame(p, tid, iid)
    m = maps.choropleth(
        gdf, "valeur", label=ind.label, unit=ind.unit, source=short_producer(ind.source),
        vintage=ind.vintage, scheme="quantiles", k=5, decimals=ind.decimals,
        tooltip_fields={"epci_nom": "EPCI"}, layer_name=f"Communes — {ind.label}",
        legend_position="bottomleft",
    )
    maps.add_outlines(m, _epci_outlines(p, tid), label=OVERLAYS["epci"], attribution=GEO_ATTRIBUTION,
                      color="#777777", weight=1.2)
    own = p.geometry("commune", "territoire").merge(p.table("commune")[["code", "nom"]], on="code")
    own = own[own["code"] == code]  # its own polygon, even where a merged commune carries the data
    _outline_selected(m, own)
    x0, y0, x1, y1 = own.total_bounds
    pad = 0.06
    m.fit_bounds([[y0 - pad, x0 - pad], [y1 + pad, x1 + pad]])
    for lid in ("monuments", "musees", "gares", "colleges"):
        if lid in p.layer_ids:
            lay = p.layer(lid)
            lay = lay[lay["commune"] == code]
            if len(lay):
                style = POINT_STYLE[lid]
                maps.add_points(m, lay, label=f"{OVERLAYS[lid]} ({len(lay)})",
                                attribution=layer_attribution(lid), tooltip_fields=style["fields"],
                                color=style["color"])
    maps.add_layer_control(m, collapsed=True)
    return m
