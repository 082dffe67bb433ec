"""The map of a workshop's contributions: markers coloured by category, with their legend.

:func:`add_contributions` draws approved contributions on any map (one layer per category of
``categories_contribution.toml``, coloured as the registry says, listed in the point legend
with their count); each marker has a tooltip (category, pseudonym, the text's beginning) and
a popup (the whole text). Every string is HTML-escaped here (:func:`carnet.maps.elements.esc`:
Leaflet inserts tooltip and popup content with ``innerHTML``) and reaches the page inside
:func:`carnet.maps.encoding.script_json`, so a contribution such as
``<img src=x onerror=alert(1)>`` or ``{{ 7*7 }}`` shows as written. :func:`contributions_map`
draws them over the territoire's communes, on an offline background. No Streamlit here: the
page side is :mod:`carnet.ui.ateliers`.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from carnet.ateliers.categories import categories
from carnet.formatting import fmt_int
from carnet.maps.assets import use_local_assets
from carnet.maps.base import base_map
from carnet.maps.elements import (
    PANE_POINTS,
    ScriptData,
    add_point_legend,
    ensure_style,
    esc,
    pane_options,
)

#: Characters of a contribution's text in its tooltip (the popup has it whole).
TOOLTIP_CHARS = 140
LAYER_LABEL = "Contributions"
SOURCE = "Contributions des ateliers, après modération"

_CSS = """
<style>
.leaflet-tooltip.carnet-contribution { white-space: normal; width: max-content; max-width: 300px; }
.carnet-contribution-popup .leaflet-popup-content { white-space: pre-wrap; min-width: 180px;
  overflow-wrap: break-word; font-size: 13px; line-height: 1.4; margin: 10px 12px; }
.carnet-contribution-popup .cc-t { font-weight: 600; white-space: normal; }
.carnet-contribution-popup .cc-p { color: #555; white-space: normal; margin-top: 4px; }
</style>
"""


class ContributionStyle(MacroElement):
    """CSS of the contribution tooltips and popups (wrapped text), once per map."""

    _template = Template("{% macro header(this, kwargs) %}" + _CSS + "{% endmacro %}")

    def __init__(self):
        super().__init__()
        self._name = "CarnetContributionStyle"


class ContributionLayer(ScriptData, Layer):
    """Circle markers with an escaped tooltip and popup each.

    Parameters
    ----------
    rows : list of [lon, lat, tooltip_html, popup_html]
        HTML already escaped (see :func:`marker_rows`).
    name : str
        Layer name in the layer control (escaped here).
    color : str
        Fill colour (``#rrggbb``).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var d = {{ this.data_json }}, o = {{ this.options_json }};
  o.marker.pane = window.CarnetMaps.pane({{ this.map_name }}, o.pane, o.paneZ);
  var group = L.featureGroup([]);
  group.options.attribution = o.attribution;
  d.forEach(function (r) {
    var mk = L.circleMarker([r[1], r[0]], o.marker);
    mk.bindTooltip(r[2], {className: "carnet-tooltip carnet-contribution"});
    mk.bindPopup(r[3], {maxWidth: 320, className: "carnet-contribution-popup"});
    group.addLayer(mk);
  });
  return group;
})();
{% endmacro %}
"""
    )

    def __init__(self, rows: list, *, name: str, color: str, attribution: str = SOURCE,
                 show: bool = True):
        super().__init__(name=esc(name), overlay=True, control=True, show=show)
        self._name = "CarnetContributions"
        self.data = rows
        self.options_dict = {
            "marker": {"radius": 7, "color": "#ffffff", "weight": 1.5, "fillColor": color,
                       "fillOpacity": 0.95, "bubblingMouseEvents": False},
            "attribution": esc(attribution), **pane_options(PANE_POINTS)}


def _short(text: str, limit: int = TOOLTIP_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def marker_rows(rows: Sequence[dict], libelle: str) -> list[list]:
    """``[lon, lat, tooltip, popup]`` of each contribution, every string escaped."""
    out = []
    for r in rows:
        pseudo = str(r.get("pseudonyme") or "").strip()
        by = f" — {esc(pseudo)}" if pseudo else ""
        tooltip = f"<b>{esc(libelle)}</b>{by}<br>{esc(_short(r['texte']))}"
        popup = (f'<div class="cc-t">{esc(libelle)}</div>{esc(str(r["texte"]))}'
                 + (f'<div class="cc-p">{esc(pseudo)}</div>' if pseudo else ""))
        out.append([round(float(r["lon"]), 6), round(float(r["lat"]), 6), tooltip, popup])
    return out


def add_contributions(rows: Sequence[dict], *, m: folium.Map | None = None,
                      label: str = LAYER_LABEL) -> folium.Map:
    """Draw contributions on ``m`` (a new offline map otherwise), one layer per category.

    Parameters
    ----------
    rows : sequence of dict
        Contributions with ``categorie`` (code), ``texte``, ``pseudonyme``, ``lon``, ``lat``
        (:meth:`carnet.ateliers.repository.AtelierRepository.approved`); raw strings.
    m : folium.Map, optional
        Map to draw on.
    label : str
        Prefix of the layers' names (« Contributions : Idée »).

    Returns
    -------
    folium.Map
        ``m``, with the layers, their point legend and the contributions' CSS.
    """
    if m is None:
        m = base_map()
    ensure_style(m)
    if not any(isinstance(c, ContributionStyle) for c in m._children.values()):
        m.add_child(ContributionStyle(), name="carnet_contribution_style")
    for code, cat in categories().items():
        mine = [r for r in rows if r.get("categorie") == code]
        if not mine:
            continue
        layer = ContributionLayer(marker_rows(mine, cat.libelle),
                                  name=f"{label} : {cat.libelle}", color=cat.couleur).add_to(m)
        add_point_legend(m, layer, f"{cat.libelle} ({fmt_int(len(mine))})", cat.couleur)
    use_local_assets(m)
    return m


def contributions_map(pack, tid: str, rows: Sequence[dict], *, m: folium.Map | None = None
                      ) -> folium.Map:
    """The territoire ``tid``'s communes with its contributions on top.

    Parameters
    ----------
    pack : carnet.pack.Pack
    tid : str
        A territoire of the pack.
    rows : sequence of dict
        As for :func:`add_contributions`.
    m : folium.Map, optional
        Map to draw on (a new one otherwise).
    """
    from carnet.maps.base import geo_attribution
    from carnet.maps.layers import add_layer_control, add_outlines

    pack.config.territoire(tid)
    c = pack.communes
    mine = c[c["territoire"] == tid][["code", "nom", "geometry"]]
    x0, y0, x1, y1 = (float(v) for v in mine.total_bounds)
    if m is None:
        m = base_map(bounds=[[y0, x0], [y1, x1]])
    credit = geo_attribution(pack)
    add_outlines(m, mine, label="Communes", attribution=credit, color="#8a8a8a", weight=0.7)
    add_outlines(m, mine.dissolve()[["geometry"]].assign(nom=""), label="Limite du territoire",
                 attribution=credit, name_field=None, color="#303030", weight=2.4)
    add_contributions(rows, m=m)
    pad = 0.02
    m.fit_bounds([[y0 - pad, x0 - pad], [y1 + pad, x1 + pad]])
    return add_layer_control(m, collapsed=True)
