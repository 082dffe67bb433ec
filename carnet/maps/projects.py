"""The projects map: projects drawn on any map (a choropleth, an exported page) or on their own.

:func:`add_projects` draws projects on a given map (colour by orientation, style by
status, clustered, with their legend); :func:`projects_map` draws them over an offline
background of the pack's communes and territories (:class:`MapContext`). No Streamlit here:
the page is :func:`carnet.ui.projets.show_projects_map`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium.plugins import FastMarkerCluster
from folium.template import Template

from carnet.maps.atlas import geo_attribution
from carnet.maps.base import FRANCE_BOUNDS, base_map
from carnet.maps.elements import Legend, esc
from carnet.maps.encoding import script_json
from carnet.maps.layers import add_outlines, add_polygons
from carnet.projets.constants import (
    NON_RENSEIGNE,
    STATUT_STYLES,
    STATUTS,
)
from carnet.projets.orientations import orientations, pack_of

GREY = "#6f6f6f"

#: Leaflet pane of the project markers: above the context polygons and outlines
#: (carnet.maps panes 410–430), below Leaflet's marker pane (cluster icons, 600).
PANE_PROJETS = ("carnet-projets", 450)
#: Layer name of the territories' outlines when the pack does not name them.
TERRITORIES_LABEL = "Territoires de contrat"
#: Closest zoom reached when fitting the view to a few projects (keeps some context).
FIT_MAX_ZOOM = 12
#: Smallest extent of the fitted view (degrees of latitude, longitude; ≈ 20 × 20 km), so
#: that a handful of projects in one town still shows the neighbouring communes.
FIT_MIN_SPAN = (0.18, 0.28)
#: Pixels kept free around the fitted view: zoom buttons top left, the legend's column
#: bottom right (about 240 px wide), so that no project starts hidden under a control.
FIT_PADDING_TOP_LEFT = (56, 24)
FIT_PADDING_BOTTOM_RIGHT = (250, 24)


@dataclass(frozen=True, eq=False)
class MapContext:
    """Offline background of the projects map: communes and contract territories.

    Parameters
    ----------
    communes : geopandas.GeoDataFrame
        ``code``, ``nom``, ``territoire``, geometry (WGS84), light detail for the
        whole département.
    territoires : geopandas.GeoDataFrame
        ``code`` (contract id), ``nom``, geometry (WGS84).
    communes_detail : geopandas.GeoDataFrame, optional
        Same as ``communes`` with the finer outlines drawn when a few territories are
        filtered; ``communes`` is used when None.
    labels : pandas.DataFrame, optional
        Commune name labels: ``nom``, ``territoire``, ``population``, ``lon``, ``lat``.
    attribution : str
        Credit of the geometries in the map's attribution control (the pack's sources).
    territories_label : str
        Layer name of the territories' outlines (the pack's ``perimetre.libelle_pluriel``).
    """

    communes: gpd.GeoDataFrame
    territoires: gpd.GeoDataFrame
    communes_detail: gpd.GeoDataFrame | None = None
    labels: pd.DataFrame | None = None
    attribution: str = ""
    territories_label: str = TERRITORIES_LABEL

    @classmethod
    def from_pack(cls, pack) -> MapContext:
        """Build the context from a territory pack's simplified geometries."""
        names = pack.table("commune")[["code", "nom", "territoire"]]
        communes = pack.geometry("commune", "departement").merge(names, on="code")
        detail = pack.geometry("commune", "territoire").merge(names, on="code")
        territoires = pack.geometry("territoire", "departement").merge(
            pack.table("territoire")[["code", "nom"]], on="code")
        return cls(communes=communes, territoires=territoires, communes_detail=detail,
                   labels=_labels_frame(pack.table("commune")), attribution=geo_attribution(pack),
                   territories_label=pack.config.perimetre.get("libelle_pluriel",
                                                               TERRITORIES_LABEL))

    @classmethod
    def from_communes(cls, communes: gpd.GeoDataFrame, attribution: str = "") -> MapContext:
        """Build the context from communes alone (territories dissolved from them).

        Parameters
        ----------
        communes : geopandas.GeoDataFrame
            ``code``, ``nom``, ``territoire`` and optionally ``territoire_nom``.
        attribution : str
            Credit of their geometries.
        """
        com = communes.to_crs(4326) if communes.crs and communes.crs.to_epsg() != 4326 else communes
        com = com[["code", "nom", "territoire", *(
            ["territoire_nom"] if "territoire_nom" in com else []), "geometry"]]
        rows = []
        for tid, part in com.groupby("territoire"):
            nom = part["territoire_nom"].iloc[0] if "territoire_nom" in part else tid
            rows.append({"code": tid, "nom": nom,
                         "geometry": shapely.union_all(shapely.make_valid(part.geometry.values))})
        territoires = gpd.GeoDataFrame(rows, geometry="geometry", crs=com.crs or "EPSG:4326")
        return cls(communes=com.drop(columns="territoire_nom", errors="ignore"),
                   territoires=territoires, labels=_labels_frame(communes),
                   attribution=attribution)

    def communes_of(self, contrats: list[str] | tuple[str, ...] = ()) -> gpd.GeoDataFrame:
        """Communes of the given contract territories (all, at light detail, if none)."""
        if not contrats:
            return self.communes
        src = self.communes if self.communes_detail is None else self.communes_detail
        return src[src["territoire"].isin(list(contrats))]

    def labels_of(self, contrats: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
        """Labels of the given contract territories' communes (all if none)."""
        if self.labels is None:
            return pd.DataFrame(columns=["nom", "territoire", "population", "lon", "lat"])
        return self.labels[self.labels["territoire"].isin(list(contrats))] if contrats else (
            self.labels)

    def bounds(self, contrats: list[str] | tuple[str, ...] = ()) -> list[list[float]]:
        """``[[south, west], [north, east]]`` of the given territories (or of all)."""
        t = self.territoires
        if contrats:
            t = t[t["code"].isin(list(contrats))]
        if t.empty:
            t = self.territoires
        x0, y0, x1, y1 = (round(float(v), 5) for v in t.total_bounds)
        return [[y0, x0], [y1, x1]]


def _labels_frame(table: pd.DataFrame) -> pd.DataFrame | None:
    """Commune labels from a communes table with centres (None without centres)."""
    if not {"centre_lon", "centre_lat", "nom"} <= set(table.columns):
        return None
    pop = table["population"] if "population" in table else pd.Series(0, index=table.index)
    out = pd.DataFrame({"nom": table["nom"].astype(str), "territoire": table.get("territoire"),
                        "population": pd.to_numeric(pop, errors="coerce").fillna(0),
                        "lon": table["centre_lon"], "lat": table["centre_lat"]})
    return out.dropna(subset=["lon", "lat"]).sort_values("population", ascending=False)


#: Commune labels: (minimal population, zoom from which the label shows, size class).
LABEL_RULES = ((30_000, 0, "l"), (10_000, 9.5, "m"), (3_000, 10.5, "m"), (1_000, 11.5, "s"),
               (0, 12.5, "s"))

_LABEL_CSS = """
<style>
.carnet-label { width: 0; height: 0; }
.carnet-label span { position: absolute; transform: translate(-50%, 7px); white-space: nowrap;
  color: #3a3a3a; font-size: 11.5px; line-height: 1; pointer-events: none;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }
.carnet-label-l span { font-size: 13.5px; font-weight: 600; color: #222; }
.carnet-label-m span { font-size: 12.5px; }
</style>
"""


class CommuneLabels(MacroElement):
    """Commune names at their centres, shown from a zoom that depends on population.

    Parameters
    ----------
    labels : pandas.DataFrame
        ``nom``, ``population``, ``lon``, ``lat`` (names are escaped here).
    """

    _template = Template(
        "{% macro header(this, kwargs) %}" + _LABEL_CSS + "{% endmacro %}"
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var map = {{ this._parent.get_name() }}, pane = "carnet-labels";
  if (!map.getPane(pane)) {
    var el = map.createPane(pane); el.style.zIndex = "440"; el.style.pointerEvents = "none";
  }
  var group = L.layerGroup().addTo(map);
  var sizes = {l: [7.6, 16], m: [7, 15], s: [6.4, 14]};  // px per character, line height
  var items = {{ this.data_json }}.map(function (r) {
    return {row: r, marker: L.marker([r[0], r[1]], {pane: pane, interactive: false,
      keyboard: false, icon: L.divIcon({className: "carnet-label carnet-label-" + r[4],
                                        html: "<span>" + r[2] + "</span>", iconSize: null})})};
  });
  // Rows come largest commune first: a label is skipped where it would overlap one
  // already placed (box estimated from the name's length, no DOM measurement).
  function update() {
    var z = map.getZoom(), placed = [];
    for (var i = 0; i < items.length; i++) {
      var r = items[i].row, show = z >= r[3];
      if (show) {
        var p = map.project([r[0], r[1]], z), sz = sizes[r[4]];
        var w = (r[5] * sz[0]) / 2 + 3, box = [p.x - w, p.y + 5, p.x + w, p.y + 9 + sz[1]];
        for (var j = 0; j < placed.length && show; j++) {
          var q = placed[j];
          show = box[2] < q[0] || box[0] > q[2] || box[3] < q[1] || box[1] > q[3];
        }
        if (show) { placed.push(box); }
      }
      if (show) { group.addLayer(items[i].marker); } else { group.removeLayer(items[i].marker); }
    }
  }
  map.on("zoomend", update);
  update();
  return group;
})();
{% endmacro %}
"""
    )

    def __init__(self, labels: pd.DataFrame):
        super().__init__()
        self._name = "CommuneLabels"
        rows = []
        for nom, pop, lon, lat in zip(labels["nom"], labels["population"], labels["lon"],
                                      labels["lat"], strict=True):
            minzoom, size = next((z, c) for p, z, c in LABEL_RULES if pop >= p)
            rows.append([round(float(lat), 5), round(float(lon), 5), esc(nom),
                         minzoom, size, len(str(nom))])
        self.data_json = script_json(rows)


# Builds one marker from a coded row (see :func:`map_points`). Its tooltip is bound on the
# first hover or click (see ProjectCluster: one listener on the cluster, not a tooltip per
# marker) and made from the dictionaries with text nodes only: no data string is ever
# parsed as HTML.
_CALLBACK = """
function (r) {
    var s = d.s[r[2]], col = d.o[r[3]];
    var m = L.circleMarker(new L.LatLng(r[0], r[1]), {
        radius: s[0], color: col, weight: 2.5, dashArray: s[1], pane: pane,
        fillColor: col, fillOpacity: s[2]});
    m.carnetRow = r;
    return m;
}
"""

_TOOLTIP = """
function (r) {
    var el = document.createElement("div");
    function add(tag, text) {
        var e = tag ? document.createElement(tag) : document.createTextNode(text);
        if (tag && text) { e.textContent = text; }
        el.appendChild(e);
    }
    var commune = d.c[r[5] || 0], moa = d.m[r[6] || 0], y0 = r[7] || 0, y1 = r[8] || 0;
    add("b", d.t[r[4]].map(function (k) { return d.w[k]; }).join(" "));
    add("br");
    add(null, d.l[r[2]] + (commune ? " \u00b7 " + commune : ""));
    if (r[9]) { add(null, " \u00b7 "); add("i", "illustratif"); }
    var years = y0 && y1 && y0 !== y1 ? y0 + "\u2013" + y1 : String(y0 || y1 || "");
    if (moa || years) {
        add("br");
        add(null, moa + (moa && years ? " \u00b7 " : "") + years);
    }
    return el;
}
"""


class _ScriptText(Element):
    """Script text added to the page as is.

    branca wraps each rendered ``script`` macro in ``Element(text)``, which compiles
    the text as a Jinja template: with 10,000 projects that second pass over the data
    took most of the map's build time. The text is already final (its data script-safe).
    """

    def __init__(self, text: str):
        super().__init__("")
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class ProjectCluster(FastMarkerCluster):
    """FastMarkerCluster drawing coded project rows (see :func:`map_points`).

    The payload (rows of numbers and the dictionaries they index) is serialised once,
    script-safe; markers and their tooltips are built in the browser. Skips folium's
    per-row validation, which dominated the redraw time with 10,000 points. Everything
    sits in the ``script`` macro: streamlit-folium renders only that macro of each element.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function(){
                var map = {{ this._parent.get_name() }};
                var pane = {{ this.pane_json }};
                if (!map.getPane(pane)) { map.createPane(pane).style.zIndex = "{{ this.pane_z }}"; }
                var d = {{ this.data_json }};
                var tip = {{ this.tooltip_js }};
                var callback = {{ this.callback_js }};
                var markers = new Array(d.r.length);
                for (var i = 0; i < d.r.length; i++) { markers[i] = callback(d.r[i]); }
                var cluster = L.markerClusterGroup({{ this.options_json }});
                cluster.on("mouseover click", function (e) {
                    var l = e.layer;
                    if (!l || !l.carnetRow || l.getTooltip()) { return; }
                    l.bindTooltip(function () { return tip(l.carnetRow); },
                                  {className: "carnet-tooltip"});
                    l.openTooltip(e.latlng);
                });
                cluster.addLayers(markers);
                cluster.addTo(map);
                return cluster;
            })();
        {% endmacro %}"""
    )

    def __init__(self, payload: dict, name: str = "Projets", options: dict | None = None):
        super().__init__([], name=name, options=options)
        self.data_json = script_json(payload)
        self.callback_js = _CALLBACK.strip()
        self.tooltip_js = _TOOLTIP.strip()
        self.pane_json = script_json(PANE_PROJETS[0])
        self.options_json = script_json(self.options)
        self.pane_z = int(PANE_PROJETS[1])
        self.data = []

    def render(self, **kwargs):
        """As ``JSCSSMixin.render`` + ``MacroElement.render``, without the second pass."""
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_ScriptText(script(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


#: Marker style of a project whose status is not given: visible, not "engaged"-solid.
DEFAULT_STYLE = (6, "3,2", 0.35)
#: Fields of a coded row, in order (``illustratif`` 1 or 0; trailing zeros are left out).
ROW_FIELDS = ("lat", "lon", "statut", "orientation", "titre", "commune", "maitre_ouvrage",
              "annee_debut", "annee_fin", "illustratif")


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Dictionary codes of text values, in order of appearance (missing or blank → code 0,
    the empty string); the text is kept as it is."""
    text = values.astype("string").fillna("")
    text = text.where(text.str.strip() != "", "")
    codes, uniques = pd.factorize(pd.concat([pd.Series([""], dtype="string"), text],
                                            ignore_index=True))
    return codes[1:], [str(u) for u in uniques]


def _word_codes(texts: list[str]) -> tuple[list[list[int]], list[str]]:
    """Each text as codes of its words (split on single spaces: ``" ".join`` gives it back)."""
    words: dict[str, int] = {}
    return [[words.setdefault(w, len(words)) for w in t.split(" ")] for t in texts], list(words)


def _lookup(values: pd.Series, keys: list) -> np.ndarray:
    """Index of each value in ``keys`` (0, the « not given » entry, for any other value)."""
    return values.map({k: i for i, k in enumerate(keys) if k is not None}).fillna(0).astype(
        int).to_numpy()


def _year(values: pd.Series) -> np.ndarray:
    """Years as int, 0 when not given."""
    return pd.to_numeric(values, errors="coerce").fillna(0).astype(int).to_numpy()


def map_points(df: pd.DataFrame) -> dict:
    """The located projects coded for the browser: rows of numbers and their dictionaries.

    Parameters
    ----------
    df : pandas.DataFrame
        Projects, ``enrich``-ed for commune names; rows without a location are left out.

    Returns
    -------
    dict
        ``r``: one row per located project, the numbers of :data:`ROW_FIELDS` — lat, lon
        (5 decimals), then codes into ``l``/``s`` (status label; marker radius, dash,
        fill opacity), ``o`` (orientation colour), ``t`` (title, itself a list of codes
        into the words ``w``), ``c`` (commune name), ``m`` (maître d'ouvrage), the start
        and end years (0: not given) and 1 for an illustrative project; trailing zeros
        are left out. Code 0 of ``c`` and ``m`` is the empty string, of ``l``/``s`` the
        status « non renseigné », of ``o`` grey. Strings are raw text: the browser only
        ever writes them as text nodes.
    """
    located = df[df["lon"].notna() & df["lat"].notna()]
    statut_keys = [None, *STATUTS]
    ori = orientations(pack_of(df))
    head = {"l": [NON_RENSEIGNE, *STATUTS.values()],
            "s": [list(DEFAULT_STYLE), *(list(STATUT_STYLES.get(k, DEFAULT_STYLE))
                                        for k in statut_keys[1:])],
            "o": [GREY, *ori.colors.values()]}
    if located.empty:
        return {**head, "t": [], "w": [], "c": [""], "m": [""], "r": []}
    blank = pd.Series(None, index=located.index, dtype="object")
    titles, t_dict = _codes(located["titre"])
    t_words, words = _word_codes(t_dict)
    communes, c_dict = _codes(located.get("commune_nom", located["commune"]))
    moas, m_dict = _codes(located.get("maitre_ouvrage", blank))
    illustratif = located.get("illustratif", blank).fillna(False).astype(bool).astype(int)
    columns = [np.round(located["lat"].to_numpy(float), 5).tolist(),
               np.round(located["lon"].to_numpy(float), 5).tolist(),
               *(np.asarray(c).tolist() for c in (
                   _lookup(located["statut"], statut_keys),
                   _lookup(located["orientation"], [None, *ori.colors]), titles, communes,
                   moas, _year(located.get("annee_debut", blank)),
                   _year(located.get("annee_fin", blank)), illustratif.to_numpy()))]
    rows = []
    for row in zip(*columns, strict=True):
        row = list(row)
        while len(row) > 5 and row[-1] == 0:
            row.pop()
        rows.append(row)
    return {**head, "t": t_words, "w": words, "c": c_dict, "m": m_dict, "r": rows}


#: The projects payload as written in a map's script (one line: script_json escapes newlines).
_PAYLOAD_LINE = re.compile(r'^\s*var d = (\{"l":.*\});$', re.MULTILINE)


def payloads(html: str) -> list[dict]:
    """The projects payloads (:func:`map_points`) of a rendered map's HTML or script.

    For tests and benchmarks, with :func:`decode_points`.
    """
    return [json.loads(m) for m in _PAYLOAD_LINE.findall(html)]


def decode_points(payload: dict) -> list[dict]:
    """Python mirror of the browser's decoding of :func:`map_points`: one dict per marker.

    Keys: ``lat``, ``lon``, ``color``, ``radius``, ``dash``, ``opacity`` (the marker) and
    ``tooltip``, the tooltip's lines as the browser writes them (text, no markup).
    """
    out = []
    for r in payload["r"]:
        r = list(r) + [0] * (len(ROW_FIELDS) - len(r))
        (lat, lon, st, ori, title, commune, moa, y0, y1, illustratif) = r
        radius, dash, opacity = payload["s"][st]
        com, mo = payload["c"][commune], payload["m"][moa]
        years = f"{y0}\u2013{y1}" if y0 and y1 and y0 != y1 else str(y0 or y1 or "")
        lines = [" ".join(payload["w"][k] for k in payload["t"][title]),
                 payload["l"][st] + (f" \u00b7 {com}" if com else "")
                 + (" \u00b7 illustratif" if illustratif else "")]
        if mo or years:
            lines.append(mo + (" \u00b7 " if mo and years else "") + years)
        out.append({"lat": lat, "lon": lon, "color": payload["o"][ori], "radius": radius,
                    "dash": dash, "opacity": opacity, "tooltip": lines})
    return out


def points_bounds(rows: list[list]) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of coded rows (lat, lon first), widened to
    :data:`FIT_MIN_SPAN`."""
    lats = [r[0] for r in rows]
    lons = [r[1] for r in rows]
    out = []
    for lo, hi, span in ((min(lats), max(lats), FIT_MIN_SPAN[0]),
                         (min(lons), max(lons), FIT_MIN_SPAN[1])):
        pad = max(0.0, (span - (hi - lo)) / 2)
        out.append((round(lo - pad, 5), round(hi + pad, 5)))
    (s, n), (w, e) = out
    return [[s, w], [n, e]]


def legend_html(pack_id: str | None = None) -> str:
    """Legend of the projects map (static French text, ``carnet-legend`` classes).

    The orientations are the pack's (:func:`carnet.projets.orientations.orientations`);
    a pack without any shows one grey « Projet » row.
    """
    dot = ("<i style='width:12px;height:12px;border-radius:6px;border:2px solid {c};"
           "background:{c}'></i>")
    ori = orientations(pack_id)
    rows = "".join(f"<div class='lg-r'>{dot.format(c=esc(o.couleur))}{esc(o.libelle_court)}"
                   "</div>" for o in ori)
    rows += (f"<div class='lg-r'>{dot.format(c=GREY)}Orientation non renseignée</div>" if ori
             else f"<div class='lg-r'>{dot.format(c=GREY)}Projet</div>")
    full = ("<i style='width:12px;height:12px;border-radius:6px;border:2px solid #555;"
            "background:#555'></i>")
    dashed = ("<i style='width:12px;height:12px;border-radius:6px;border:2px dashed #555;"
              "background:rgba(85,85,85,.15)'></i>")
    blocked = ("<i style='width:12px;height:12px;border-radius:6px;border:2px dashed #555;"
               "background:rgba(85,85,85,.45)'></i>")
    rows += (f"<div class='lg-r' style='margin-top:4px'>{full}Engagé, en cours, réalisé</div>"
             f"<div class='lg-r'>{blocked}Bloqué</div>"
             f"<div class='lg-r'>{dashed}Idée, étude, abandonné, non renseigné</div>"
             "<div class='lg-s'>Chiffre : projets regroupés (cliquer pour zoomer)</div>")
    return f"<div class='lg-t'>Projets</div>{rows}"


def _add_context(m: folium.Map, context: MapContext, contrats, tiles: bool) -> None:
    """Communes (light polygons, names on hover) and contract-territory outlines."""
    communes = context.communes_of(contrats)
    if not communes.empty:
        add_polygons(m, communes, label="Communes", attribution=context.attribution,
                     color="#9a9a9a", interactive=True)
        layer = list(m._children.values())[-1]
        # Basemap look without tiles: white land, thin grey limits (add_polygons' default
        # is a dashed zone outline); transparent over OpenStreetMap tiles.
        layer.options_dict["base"] = {
            "color": "#a9a9a9", "weight": 0.8, "opacity": 1, "fillColor": "#ffffff",
            "fillOpacity": 0.0 if tiles else 0.85}
        layer.options_dict["highlight"] = {"weight": 2, "color": "#555555"}
    chosen = context.territoires["code"].isin(list(contrats))
    others = context.territoires[~chosen] if contrats else context.territoires
    if not others.empty:
        add_outlines(m, others, label=context.territories_label,
                     attribution=context.attribution, color="#6e6e6e", weight=1.6)
    if contrats and chosen.any():
        add_outlines(m, context.territoires[chosen], label="Territoire(s) filtré(s)",
                     attribution=context.attribution, color="#0072B2", weight=3)
    labels = context.labels_of(contrats)
    if not labels.empty:
        CommuneLabels(labels).add_to(m)


def add_projects(m: folium.Map, projects: pd.DataFrame, *, name: str = "Projets",
                 cluster: bool = True, legend: bool = True, fit: bool = False,
                 fallback_bounds: list[list[float]] | None = None) -> folium.Map:
    """Draw projects on ``m``: colour by orientation, style by status, clustered.

    Parameters
    ----------
    m : folium.Map
        Any map (e.g. a commune choropleth of :mod:`carnet.maps.atlas`).
    projects : pandas.DataFrame
        Projects (filtered), ``enrich``-ed for commune names in tooltips; rows without a
        location are left out.
    name : str
        Name of the layer in the layer control.
    cluster : bool
        Cluster markers (Leaflet.markercluster) — keep True beyond a few hundred points.
    legend : bool
        Add the projects legend (bottom right).
    fit : bool
        Fit the view to the located projects (widened to :data:`FIT_MIN_SPAN`), or to
        ``fallback_bounds`` when none is located.

    Returns
    -------
    folium.Map
        ``m``.
    """
    payload = map_points(projects)
    rows = payload["r"]
    bounds = fallback_bounds
    if rows:
        # No disableClusteringAtZoom: projects placed at the same commune centre stay a
        # cluster that spiderfies at the maximum zoom, so each tooltip can be reached.
        options = {"chunkedLoading": True, "maxClusterRadius": 45, "showCoverageOnHover": False,
                   "spiderfyOnMaxZoom": True}
        if not cluster:
            options["disableClusteringAtZoom"] = 0
        ProjectCluster(payload, name=name, options=options).add_to(m)
        bounds = points_bounds(rows)
    if fit and bounds is not None:
        m.fit_bounds(bounds, padding_top_left=FIT_PADDING_TOP_LEFT,
                     padding_bottom_right=FIT_PADDING_BOTTOM_RIGHT, max_zoom=FIT_MAX_ZOOM)
    if legend:
        Legend(legend_html(pack_of(projects)), position="bottomright").add_to(m)
    return m


def projects_map(projects: pd.DataFrame, context: MapContext | None = None, *,
                 contrats: list[str] | tuple[str, ...] = (), tiles: bool = False,
                 cluster: bool = True, height: int | str = "100%",
                 base_url: str | None = None, m: folium.Map | None = None) -> folium.Map:
    """Map of projects over an offline background: colour by orientation, style by status.

    Parameters
    ----------
    projects : pandas.DataFrame
        Projects (filtered), ``enrich``-ed for commune names in tooltips.
    context : MapContext, optional
        Communes and contract territories drawn under the projects (no tiles needed).
    contrats : sequence of str
        Contract territories of the filter: their communes are drawn (all communes
        otherwise) and their outline is highlighted.
    tiles : bool
        Add the OpenStreetMap basemap (needs Internet); off by default, like the atlas.
    cluster : bool
        Cluster markers (Leaflet.markercluster) — keep True beyond a few hundred points.
    height : int or str
        Map height (folium format), for a new map.
    base_url : str, optional
        Where the browser finds the vendored Leaflet files (see ``carnet.maps.assets``).
    m : folium.Map, optional
        Map to draw on (a new :func:`carnet.maps.base.base_map` otherwise).

    Returns
    -------
    folium.Map
        Fitted to the located projects, else to the filtered territories (or all of
        them; metropolitan France without a context); legend bottom right above the
        attribution, scale bottom left.
    """
    if context is not None:
        fallback = context.bounds(list(contrats))
    else:
        fallback = [list(FRANCE_BOUNDS[0]), list(FRANCE_BOUNDS[1])]
    if m is None:
        kwargs = {"base_url": base_url} if base_url else {}
        m = base_map(tiles="OpenStreetMap" if tiles else None, bounds=fallback, height=height,
                     **kwargs)
    if context is not None:
        _add_context(m, context, list(contrats), tiles)
    return add_projects(m, projects, cluster=cluster, fit=True, fallback_bounds=fallback)
