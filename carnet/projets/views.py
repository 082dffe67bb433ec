"""Filtering, dashboard figures, fiche and map of projects (no Streamlit here)."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium.plugins import FastMarkerCluster
from folium.template import Template

from carnet import formatting
from carnet.formatting import fmt_datetime, fmt_number
from carnet.projets.constants import (
    CATEGORIES,
    MODES,
    NATURES,
    ORIENTATION_COLORS,
    ORIENTATION_SHORT,
    ORIENTATIONS,
    STATUT_STYLES,
    STATUTS,
    STATUTS_ENGAGES,
)
from carnet.projets.territory import TerritoryContext
from carnet.text import fold

NON_RENSEIGNE = "Non renseigné"
GREY = "#6f6f6f"


def enrich(df: pd.DataFrame, ctx: TerritoryContext | None) -> pd.DataFrame:
    """Add commune name, EPCI and contract name columns from the territory pack."""
    out = df.copy()
    if ctx is None or out.empty:
        for col in ("commune_nom", "epci", "epci_nom", "contrat_nom"):
            out[col] = pd.Series(dtype="object", index=out.index)
        return out
    com = pd.DataFrame.from_dict(ctx.by_code, orient="index")
    out["commune_nom"] = out["commune"].map(com.get("nom", pd.Series(dtype=object)))
    out["epci"] = out["commune"].map(com.get("epci", pd.Series(dtype=object)))
    out["epci_nom"] = out["commune"].map(com.get("epci_nom", pd.Series(dtype=object)))
    out["contrat_nom"] = out["contrat"].map(ctx.contrats)
    return out


@dataclass
class Filters:
    """Filter of the projects table and map (empty lists mean "all")."""

    contrats: list[str] = field(default_factory=list)
    epcis: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    orientations: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    statuts: list[str] = field(default_factory=list)
    maitre_ouvrage: str = ""
    annee_min: int | None = None
    annee_max: int | None = None
    budget_min: float | None = None
    budget_max: float | None = None
    texte: str = ""
    illustratifs: bool = True


def _fold(s: pd.Series) -> pd.Series:
    """:func:`carnet.text.fold` of every value (blank gives ``""``)."""
    return s.fillna("").astype(str).map(fold)


def apply_filters(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Return the rows of ``df`` matching the filter (vectorised).

    Parameters
    ----------
    df : pandas.DataFrame
        Projects (``enrich``-ed for the EPCI filter).
    f : Filters

    Returns
    -------
    pandas.DataFrame
    """
    mask = pd.Series(True, index=df.index)
    for col, values in (("contrat", f.contrats), ("epci", f.epcis), ("commune", f.communes),
                        ("orientation", f.orientations), ("categorie", f.categories),
                        ("statut", f.statuts)):
        if values and col in df:
            wanted = [None if v == NON_RENSEIGNE else v for v in values]
            m = df[col].isin([v for v in wanted if v is not None])
            if None in wanted:
                m |= df[col].isna()
            mask &= m
    if f.maitre_ouvrage:
        mask &= _fold(df["maitre_ouvrage"]).str.contains(
            _fold(pd.Series([f.maitre_ouvrage])).iloc[0], regex=False)
    if f.annee_min is not None:
        mask &= df["annee_fin"].fillna(df["annee_debut"]).fillna(9999) >= f.annee_min
    if f.annee_max is not None:
        mask &= df["annee_debut"].fillna(df["annee_fin"]).fillna(0) <= f.annee_max
    if f.budget_min is not None:
        mask &= df["cout_total"].fillna(-1) >= f.budget_min
    if f.budget_max is not None:
        mask &= df["cout_total"].fillna(np.inf) <= f.budget_max
    if f.texte.strip():
        hay = _fold(df["titre"]) + " " + _fold(df["description"]) + " " + _fold(
            df.get("commune_nom", df["commune"])) + " " + _fold(df["maitre_ouvrage"]) + " " + (
            _fold(df["partenaires"]))
        for word in _fold(pd.Series([f.texte])).iloc[0].split():
            mask &= hay.str.contains(word, regex=False)
    if not f.illustratifs:
        mask &= ~df["illustratif"].astype(bool)
    return df[mask.fillna(False).astype(bool)]


def _group(df: pd.DataFrame, col: str, labels: dict[str, str]) -> pd.DataFrame:
    keys = df[col].fillna(NON_RENSEIGNE)
    known_sum = lambda s: s.sum(min_count=1)  # noqa: E731 — unknown budgets stay unknown, never 0
    g = df.assign(_k=keys).groupby("_k", sort=False).agg(
        projets=("id", "size"), cout_total=("cout_total", known_sum),
        participation_cd=("participation_cd", known_sum))
    order = [*labels, NON_RENSEIGNE]
    g = g.reindex([k for k in order if k in g.index])
    g.index = [labels.get(k, k) for k in g.index]
    g.index.name = {"statut": "Statut", "orientation": "Orientation",
                    "categorie": "Catégorie"}[col]
    return g.rename(columns={"projets": "Projets", "cout_total": "Coût total (€)",
                             "participation_cd": "Participation du Département (€)"})


def _known_sum(s: pd.Series) -> float | None:
    """Sum of the known values; None when none is known (never a made-up 0)."""
    total = s.sum(min_count=1) if len(s) else np.nan
    return None if pd.isna(total) else float(total)


def dashboard(df: pd.DataFrame) -> dict:
    """Counts and budgets by status, orientation and catégorie, and the engaged share.

    Returns
    -------
    dict
        ``total``, ``engages``, ``part_engagee`` (engaged / all projects of the filter,
        0–1; None when none has a status), ``statut_renseigne`` (projects with a status),
        ``cout_total`` and ``participation_cd`` (sums of the known amounts, None when
        none is known), ``cout_renseigne`` and ``participation_renseignee`` (how many
        projects have the amount), ``illustratifs``, ``a_localiser`` and the three tables
        ``par_statut``, ``par_orientation``, ``par_categorie``.
    """
    total = int(len(df))
    engages = int(df["statut"].isin(STATUTS_ENGAGES).sum())
    known_status = int(df["statut"].notna().sum())
    return {
        "total": total,
        "engages": engages,
        "statut_renseigne": known_status,
        "part_engagee": engages / total if known_status else None,
        "cout_total": _known_sum(df["cout_total"]),
        "cout_renseigne": int(df["cout_total"].notna().sum()),
        "participation_cd": _known_sum(df["participation_cd"]),
        "participation_renseignee": int(df["participation_cd"].notna().sum()),
        "illustratifs": int(df["illustratif"].sum()),
        "a_localiser": int(df["lon"].isna().sum()),
        "par_statut": _group(df, "statut", STATUTS),
        "par_orientation": _group(df, "orientation", ORIENTATION_SHORT),
        "par_categorie": _group(df, "categorie", CATEGORIES),
    }


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA


def fmt_euros(v, missing: str = NON_RENSEIGNE.lower()) -> str:
    """The exact amount (:func:`carnet.formatting.fmt_euros`); blank is ``non renseigné``."""
    return formatting.fmt_euros(v, missing)


def fmt_meuros(v, missing: str = NON_RENSEIGNE.lower()) -> str:
    """A headline amount (:func:`carnet.formatting.fmt_meuros`); blank is ``non renseigné``."""
    return formatting.fmt_meuros(v, missing)


def fmt_coordinates(lon, lat) -> str:
    """``50,17217° N, 3,23456° E`` (French decimal comma; W / S for negative values)."""
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "O"
    return f"{fmt_number(abs(lat), 5)}° {ns}, {fmt_number(abs(lon), 5)}° {ew}"


def fiche(p: dict, ctx: TerritoryContext | None = None) -> list[tuple[str, str]]:
    """Label/value pairs of a project's fiche (plain text; the page must not render HTML)."""
    from carnet.projets.validation import is_blank

    p = {k: (None if is_blank(v) else v) for k, v in p.items()}
    commune = p.get("commune")
    if commune and ctx is not None and commune in ctx.by_code:
        commune = f"{ctx.by_code[commune].get('nom')} ({commune})"
    loc = (fmt_coordinates(p["lon"], p["lat"]) if p.get("lon") is not None and p.get("lat") is not None
           else "À localiser")
    years = "–".join(str(int(y)) for y in (p.get("annee_debut"), p.get("annee_fin")) if y) or "—"

    def lab(vocab, key):
        return vocab.get(p.get(key), NON_RENSEIGNE) if p.get(key) else NON_RENSEIGNE

    rows = [
        ("Titre", p.get("titre")), ("Description", p.get("description")),
        ("Contrat de territoire", ctx.contrats.get(p.get("contrat"), p.get("contrat"))
         if ctx else p.get("contrat")),
        ("Commune", commune), ("Localisation", loc),
        ("Orientation", lab(ORIENTATIONS, "orientation")), ("Enjeu", p.get("enjeu")),
        ("Catégorie", lab(CATEGORIES, "categorie")), ("Nature", lab(NATURES, "nature")),
        ("Mode", lab(MODES, "mode")), ("Statut", lab(STATUTS, "statut")),
        ("Maître d'ouvrage", p.get("maitre_ouvrage")), ("Partenaires", p.get("partenaires")),
        ("Coût total", fmt_euros(p.get("cout_total"))),
        ("Participation du Département", fmt_euros(p.get("participation_cd"))),
        ("Années", years), ("Source", p.get("source")), ("Identifiant", p.get("ref")),
        ("Illustratif", "Oui (projet fictif)" if p.get("illustratif") else "Non"),
        ("Version", str(p.get("version"))),
        ("Dernière modification",
         f"{fmt_datetime(p.get('updated_at'), naive_utc=True)} par {p.get('updated_by') or 'inconnu'}"),
    ]
    return [(k, "—" if v in (None, "") else str(v)) for k, v in rows]


# ---------------------------------------------------------------------------- map

#: Leaflet pane of the project markers: above the context polygons and outlines
#: (carnet.maps panes 410–430), below Leaflet's marker pane (cluster icons, 600).
PANE_PROJETS = ("carnet-projets", 450)
#: Geometry producer and vintage, shown in the map's attribution control.
GEO_ATTRIBUTION = "IGN Admin Express, INSEE COG"
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
    """

    communes: gpd.GeoDataFrame
    territoires: gpd.GeoDataFrame
    communes_detail: gpd.GeoDataFrame | None = None
    labels: pd.DataFrame | None = None

    @classmethod
    def from_pack(cls, pack) -> MapContext:
        """Build the context from a territory pack's simplified geometries."""
        names = pack.table("commune")[["code", "nom", "territoire"]]
        communes = pack.geometry("commune", "departement").merge(names, on="code")
        detail = pack.geometry("commune", "territoire").merge(names, on="code")
        territoires = pack.geometry("territoire", "departement").merge(
            pack.table("territoire")[["code", "nom"]], on="code")
        return cls(communes=communes, territoires=territoires, communes_detail=detail,
                   labels=_labels_frame(pack.table("commune")))

    @classmethod
    def from_communes(cls, communes: gpd.GeoDataFrame) -> MapContext:
        """Build the context from communes alone (territories dissolved from them).

        Parameters
        ----------
        communes : geopandas.GeoDataFrame
            ``code``, ``nom``, ``territoire`` and optionally ``territoire_nom``.
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
                   territoires=territoires, labels=_labels_frame(communes))

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
            rows.append([round(float(lat), 5), round(float(lon), 5), html.escape(str(nom)),
                         minzoom, size, len(str(nom))])
        self.data_json = _safe_json(rows)


_CALLBACK = """
function (row) {
    var s = styles[row[2]];
    var m = L.circleMarker(new L.LatLng(row[0], row[1]), {
        radius: s[1], color: s[0], weight: 2.5, dashArray: s[2], pane: pane,
        fillColor: s[0], fillOpacity: s[3]});
    m.bindTooltip(row[3], {className: "carnet-tooltip"});
    return m;
}
"""


def _safe_json(obj) -> str:
    """JSON that is safe inside a <script> element (like Jinja's ``tojson``).

    Braces are escaped too: folium compiles a rendered script again as a Jinja
    template, so ``{{ … }}`` in a project title must never reach it as is.
    """
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027").replace("{", "\\u007b").replace("}", "\\u007d"))


class _ScriptText(Element):
    """Script text added to the page as is.

    branca wraps each rendered ``script`` macro in ``Element(text)``, which compiles
    the text as a Jinja template: with 10,000 projects that second pass over ~2 MB took
    most of the map's build time. The text is already final (and its data escaped).
    """

    def __init__(self, text: str):
        super().__init__("")
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class ProjectCluster(FastMarkerCluster):
    """FastMarkerCluster with pre-serialised compact data (a style palette + rows).

    Rows are ``[lat, lon, style index, escaped tooltip]``; styles are
    ``[colour, radius, dash, fill opacity]``. Skips folium's per-row validation, which
    dominated the redraw time with 10,000 points. Everything sits in the ``script``
    macro: streamlit-folium renders only that macro of each element.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function(){
                var map = {{ this._parent.get_name() }};
                var pane = {{ this.pane_json }};
                if (!map.getPane(pane)) { map.createPane(pane).style.zIndex = "{{ this.pane_z }}"; }
                var styles = {{ this.styles_json }};
                var callback = {{ this.callback_js }};
                var data = {{ this.data_json }};
                var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
                for (var i = 0; i < data.length; i++) {
                    callback(data[i]).addTo(cluster);
                }
                cluster.addTo(map);
                return cluster;
            })();
        {% endmacro %}"""
    )

    def __init__(self, rows: list[list], name: str = "Projets", options: dict | None = None):
        super().__init__([], name=name, options=options)
        palette: dict[tuple, int] = {}
        data = []
        for lat, lon, color, radius, dash, opacity, tip in rows:
            idx = palette.setdefault((color, radius, dash, opacity), len(palette))
            data.append([lat, lon, idx, tip])
        self.styles_json = _safe_json([list(k) for k in palette])
        self.data_json = _safe_json(data)
        self.callback_js = _CALLBACK.strip()
        self.pane_json = _safe_json(PANE_PROJETS[0])
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


def map_points(df: pd.DataFrame) -> list[list]:
    """Rows for the map: lat, lon, colour, radius, dash, opacity, escaped tooltip HTML."""
    located = df[df["lon"].notna() & df["lat"].notna()]
    if located.empty:
        return []
    colors = located["orientation"].map(ORIENTATION_COLORS).fillna(GREY).tolist()
    default = (6, "3,2", 0.35)  # status not given: visible, but not "engaged"-solid
    styles = [STATUT_STYLES.get(s, default) for s in located["statut"]]
    statuts = located["statut"].map(STATUTS).fillna(NON_RENSEIGNE).tolist()
    names = located.get("commune_nom", located["commune"]).fillna("").astype(str).tolist()
    esc = html.escape
    rows = []
    for lat, lon, col, st, titre, statut, commune, illustratif in zip(
            located["lat"].tolist(), located["lon"].tolist(), colors, styles,
            located["titre"].astype(str).tolist(), statuts, names,
            located["illustratif"].tolist(), strict=True):
        tip = (f"<b>{esc(titre)}</b><br>{esc(statut)}" + (f" · {esc(commune)}" if commune else "")
               + (" · <i>illustratif</i>" if illustratif else ""))
        rows.append([round(lat, 5), round(lon, 5), col, st[0], st[1], st[2], tip])
    return rows


def points_bounds(rows: list[list]) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of map rows, widened to :data:`FIT_MIN_SPAN`."""
    lats = [r[0] for r in rows]
    lons = [r[1] for r in rows]
    out = []
    for lo, hi, span in ((min(lats), max(lats), FIT_MIN_SPAN[0]),
                         (min(lons), max(lons), FIT_MIN_SPAN[1])):
        pad = max(0.0, (span - (hi - lo)) / 2)
        out.append((round(lo - pad, 5), round(hi + pad, 5)))
    (s, n), (w, e) = out
    return [[s, w], [n, e]]


def legend_html() -> str:
    """Legend of the projects map (static French text, ``carnet-legend`` classes)."""
    dot = ("<i style='width:12px;height:12px;border-radius:6px;border:2px solid {c};"
           "background:{c}'></i>")
    rows = "".join(f"<div class='lg-r'>{dot.format(c=ORIENTATION_COLORS[k])}{html.escape(v)}"
                   "</div>" for k, v in ORIENTATION_SHORT.items())
    rows += f"<div class='lg-r'>{dot.format(c=GREY)}Orientation non renseignée</div>"
    full = ("<i style='width:12px;height:12px;border-radius:6px;border:2px solid #555;"
            "background:#555'></i>")
    dashed = ("<i style='width:12px;height:12px;border-radius:6px;border:2px dashed #555;"
              "background:rgba(85,85,85,.15)'></i>")
    rows += (f"<div class='lg-r' style='margin-top:4px'>{full}Engagé, en cours, réalisé</div>"
             f"<div class='lg-r'>{dashed}Idée, étude, abandonné, non renseigné</div>"
             "<div class='lg-s'>Chiffre : projets regroupés (cliquer pour zoomer)</div>")
    return f"<div class='lg-t'>Projets</div>{rows}"


def _add_context(m: folium.Map, context: MapContext, contrats, tiles: bool) -> None:
    """Communes (light polygons, names on hover) and contract-territory outlines."""
    from carnet import maps

    communes = context.communes_of(contrats)
    if not communes.empty:
        maps.add_polygons(m, communes, label="Communes", attribution=GEO_ATTRIBUTION,
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
        maps.add_outlines(m, others, label="Territoires de contrat", attribution=GEO_ATTRIBUTION,
                          color="#6e6e6e", weight=1.6)
    if contrats and chosen.any():
        maps.add_outlines(m, context.territoires[chosen], label="Territoire(s) filtré(s)",
                          attribution=GEO_ATTRIBUTION, color="#0072B2", weight=3)
    labels = context.labels_of(contrats)
    if not labels.empty:
        CommuneLabels(labels).add_to(m)


def projects_map(df: pd.DataFrame, context: MapContext | None = None, *,
                 contrats: list[str] | tuple[str, ...] = (), tiles: bool = False,
                 cluster: bool = True, height: int | str = "100%",
                 base_url: str | None = None) -> folium.Map:
    """Map of projects over an offline background: colour by orientation, style by status.

    Parameters
    ----------
    df : pandas.DataFrame
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
        Map height (folium format).
    base_url : str, optional
        Where the browser finds the vendored Leaflet files (see ``carnet.maps.assets``).

    Returns
    -------
    folium.Map
        Fitted to the located projects, else to the filtered territories (or the
        département); legend bottom right above the attribution, scale bottom left.
    """
    from carnet.maps.base import NORD_BOUNDS, base_map
    from carnet.maps.elements import Legend

    kwargs = {"base_url": base_url} if base_url else {}
    m = base_map(tiles="OpenStreetMap" if tiles else None, height=height, **kwargs)
    if context is not None:
        _add_context(m, context, list(contrats), tiles)
    rows = map_points(df)
    if rows:
        # No disableClusteringAtZoom: projects placed at the same commune centre stay a
        # cluster that spiderfies at the maximum zoom, so each tooltip can be reached.
        options = {"chunkedLoading": True, "maxClusterRadius": 45, "showCoverageOnHover": False,
                   "spiderfyOnMaxZoom": True}
        if not cluster:
            options["disableClusteringAtZoom"] = 0
        ProjectCluster(rows, name="Projets", options=options).add_to(m)
        bounds = points_bounds(rows)
    elif context is not None:
        bounds = context.bounds(list(contrats))
    else:
        bounds = [list(NORD_BOUNDS[0]), list(NORD_BOUNDS[1])]
    m.fit_bounds(bounds, padding_top_left=FIT_PADDING_TOP_LEFT,
                 padding_bottom_right=FIT_PADDING_BOTTOM_RIGHT, max_zoom=FIT_MAX_ZOOM)
    Legend(legend_html(), position="bottomright").add_to(m)
    return m
