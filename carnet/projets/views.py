"""Filtering, dashboard figures, fiche and map of projects (no Streamlit here)."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

import folium
import numpy as np
import pandas as pd
from branca.element import Element
from folium.plugins import FastMarkerCluster
from folium.template import Template

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

NON_RENSEIGNE = "Non renseigné"
GREY = "#8c8c8c"
NORD_CENTER = (50.45, 3.25)


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
    return (s.fillna("").astype(str).str.normalize("NFKD")
            .str.encode("ascii", "ignore").str.decode("ascii").str.lower())


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
    g = df.assign(_k=keys).groupby("_k", sort=False).agg(
        projets=("id", "size"), cout_total=("cout_total", "sum"),
        participation_cd=("participation_cd", "sum"))
    order = [*labels, NON_RENSEIGNE]
    g = g.reindex([k for k in order if k in g.index])
    g.index = [labels.get(k, k) for k in g.index]
    g.index.name = {"statut": "Statut", "orientation": "Orientation",
                    "categorie": "Catégorie"}[col]
    return g.rename(columns={"projets": "Projets", "cout_total": "Coût total (€)",
                             "participation_cd": "Participation du Département (€)"})


def dashboard(df: pd.DataFrame) -> dict:
    """Counts and budgets by status, orientation and catégorie, and the engaged share.

    Returns
    -------
    dict
        ``total``, ``engages``, ``part_engagee`` (0–1 or None), ``cout_total``,
        ``participation_cd``, ``illustratifs``, ``a_localiser`` and the three tables
        ``par_statut``, ``par_orientation``, ``par_categorie``.
    """
    total = int(len(df))
    engages = int(df["statut"].isin(STATUTS_ENGAGES).sum())
    return {
        "total": total,
        "engages": engages,
        "part_engagee": engages / total if total else None,
        "cout_total": float(df["cout_total"].sum()),
        "participation_cd": float(df["participation_cd"].sum()),
        "illustratifs": int(df["illustratif"].sum()),
        "a_localiser": int(df["lon"].isna().sum()),
        "par_statut": _group(df, "statut", STATUTS),
        "par_orientation": _group(df, "orientation", ORIENTATION_SHORT),
        "par_categorie": _group(df, "categorie", CATEGORIES),
    }


def _money(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "—"
    return f"{v:,.0f} €".replace(",", "\u202f")


def fiche(p: dict, ctx: TerritoryContext | None = None) -> list[tuple[str, str]]:
    """Label/value pairs of a project's fiche (plain text; the page must not render HTML)."""
    from carnet.projets.validation import is_blank

    p = {k: (None if is_blank(v) else v) for k, v in p.items()}
    commune = p.get("commune")
    if commune and ctx is not None and commune in ctx.by_code:
        commune = f"{ctx.by_code[commune].get('nom')} ({commune})"
    loc = (f"{p['lat']:.5f} N, {p['lon']:.5f} E" if p.get("lon") is not None
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
        ("Coût total", _money(p.get("cout_total"))),
        ("Participation du Département", _money(p.get("participation_cd"))),
        ("Années", years), ("Source", p.get("source")), ("Identifiant", p.get("ref")),
        ("Illustratif", "Oui (projet fictif)" if p.get("illustratif") else "Non"),
        ("Version", str(p.get("version"))),
        ("Dernière modification", f"{p.get('updated_at')} par {p.get('updated_by')}"),
    ]
    return [(k, "—" if v in (None, "") else str(v)) for k, v in rows]


_CALLBACK = """
function (row) {
    var s = styles[row[2]];
    var m = L.circleMarker(new L.LatLng(row[0], row[1]), {
        radius: s[1], color: s[0], weight: 2, dashArray: s[2],
        fillColor: s[0], fillOpacity: s[3]});
    m.bindTooltip(row[3]);
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


class ProjectCluster(FastMarkerCluster):
    """FastMarkerCluster with pre-serialised compact data (a style palette + rows).

    Rows are ``[lat, lon, style index, escaped tooltip]``; styles are
    ``[colour, radius, dash, fill opacity]``. Skips folium's per-row validation, which
    dominated the redraw time with 10,000 points.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function(){
                var styles = {{ this.styles_json }};
                var callback = {{ this.callback_js }};
                var data = {{ this.data_json }};
                var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
                for (var i = 0; i < data.length; i++) {
                    callback(data[i]).addTo(cluster);
                }
                cluster.addTo({{ this._parent.get_name() }});
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
        self.data = []


def map_points(df: pd.DataFrame) -> list[list]:
    """Rows for the map: lat, lon, colour, radius, dash, opacity, escaped tooltip HTML."""
    located = df[df["lon"].notna() & df["lat"].notna()]
    if located.empty:
        return []
    colors = located["orientation"].map(ORIENTATION_COLORS).fillna(GREY)
    default = (5, "1,3", 0.3)
    styles = [STATUT_STYLES.get(s, default) for s in located["statut"]]
    statut = located["statut"].map(STATUTS).fillna(NON_RENSEIGNE)
    names = located.get("commune_nom", located["commune"]).fillna("").astype(str)
    esc = lambda s: s.astype(str).map(html.escape)  # noqa: E731
    tips = ("<b>" + esc(located["titre"]) + "</b><br>" + esc(statut)
            + names.map(lambda c: " · " + html.escape(c) if c else "")
            + located["illustratif"].map(lambda i: " · <i>illustratif</i>" if i else ""))
    return [
        [round(float(lat), 5), round(float(lon), 5), col, st[0], st[1], st[2], tip]
        for lat, lon, col, st, tip in zip(located["lat"], located["lon"], colors, styles,
                                          tips, strict=True)
    ]


def _legend() -> str:
    items = "".join(
        f'<div><span style="display:inline-block;width:10px;height:10px;border-radius:5px;'
        f'background:{ORIENTATION_COLORS[k]};margin-right:4px"></span>{html.escape(v)}</div>'
        for k, v in ORIENTATION_SHORT.items())
    items += (f'<div><span style="display:inline-block;width:10px;height:10px;'
              f'border-radius:5px;background:{GREY};margin-right:4px"></span>'
              "Orientation non renseignée</div>")
    items += ("<div style='margin-top:4px'>Plein : engagé, en cours, réalisé · "
              "pointillé : idée, étude, abandonné</div>")
    return ("<div style='position:absolute;bottom:20px;left:10px;z-index:1000;background:"
            "white;padding:6px 8px;font:12px sans-serif;border:1px solid #999'>"
            f"<b>Projets</b>{items}</div>")


def projects_map(df: pd.DataFrame, m: folium.Map | None = None,
                 cluster: bool = True) -> folium.Map:
    """Map of projects: colour by orientation, style by status, fast clustering.

    Parameters
    ----------
    df : pandas.DataFrame
        Projects (filtered), ``enrich``-ed for commune names in tooltips.
    m : folium.Map, optional
        Map to draw on (the app's map with local Leaflet assets); a new one otherwise.
    cluster : bool
        Cluster markers (FastMarkerCluster) — keep True beyond a few hundred points.

    Returns
    -------
    folium.Map
    """
    if m is None:
        m = folium.Map(location=NORD_CENTER, zoom_start=9, tiles="OpenStreetMap",
                       control_scale=True)
    rows = map_points(df)
    if rows:
        options = {"disableClusteringAtZoom": 13, "chunkedLoading": True}
        if not cluster:
            options["disableClusteringAtZoom"] = 0
        ProjectCluster(rows, name="Projets", options=options).add_to(m)
        lats = [r[0] for r in rows]
        lons = [r[1] for r in rows]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], max_zoom=13)
    m.get_root().html.add_child(Element(_legend()))
    return m
