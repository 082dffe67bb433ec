"""The commune choropleth of a pack spanning a region, with its level of detail chosen by zoom.

A region holds ~3 800 communes: drawn at once, the map is heavy to paint and unreadable at
the region's zoom. :func:`region_map` draws, below ``commune_zoom``, the EPCI coloured by the
indicator's value *of the EPCI* (a ratio of sums over its communes, computed at pack time,
never a mean of commune rates), and from ``commune_zoom`` on, the communes; the territories
(départements) are outlined at every zoom. Each level has its own classes and legend, shown
with it. An indicator without EPCI value (a median: not aggregable) is drawn on the communes
at every zoom. Both levels use the pack's coarse geometry (``departement`` detail): the page
is one self-contained HTML (measured in ``benchmarks/bench_region.py``).
"""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

from carnet.fiches import commune_map_frame, short_producer
from carnet.maps.elements import Legend, PolygonLayer, script_json
from carnet.maps.layers import add_layer_control, add_outlines
from carnet.maps.thematic import choropleth

#: Zoom from which the communes replace the EPCI (a département fills the map at about 9).
COMMUNE_ZOOM = 9
DETAIL = "departement"


class ZoomSwitch(MacroElement):
    """Show one set of layers and legends below a zoom, another from it on.

    Parameters
    ----------
    low, high : (list, list)
        Layers (:class:`PolygonLayer`) and legends (:class:`Legend`) shown below ``zoom``,
        and from ``zoom`` on.
    zoom : int
        The zoom where the switch happens.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }}, z0 = {{ this.zoom_json }};
  var low = [[{{ this.names(this.low[0]) }}], [{{ this.names(this.low[1]) }}]];
  var high = [[{{ this.names(this.high[0]) }}], [{{ this.names(this.high[1]) }}]];
  function show(level, on) {
    level[0].forEach(function (l) {
      if (on && !map.hasLayer(l)) { map.addLayer(l); }
      else if (!on && map.hasLayer(l)) { map.removeLayer(l); }
    });
    level[1].forEach(function (c) { if (on && !c._map) { c.addTo(map); } else if (!on) { c.remove(); } });
  }
  function sync() {
    var fine = map.getZoom() >= z0;
    show(fine ? low : high, false);
    show(fine ? high : low, true);
    map.getContainer().setAttribute("data-carnet-level", fine ? "commune" : "epci");
  }
  map.on("zoomend", sync);
  sync();
})();
{% endmacro %}
"""
    )

    def __init__(self, low, high, zoom: int):
        super().__init__()
        self._name = "CarnetZoomSwitch"
        self.low, self.high, self.zoom = low, high, int(zoom)

    @staticmethod
    def names(elements) -> str:
        """The JS variables of ``elements``, comma-separated."""
        return ", ".join(e.get_name() for e in elements)

    @property
    def zoom_json(self) -> str:
        return script_json(self.zoom)


def _added(m: folium.Map, before: set[str]) -> tuple[list, list]:
    """The polygon layers and legends added to ``m`` since its children were ``before``."""
    new = [c for k, c in m._children.items() if k not in before]
    return ([c for c in new if isinstance(c, PolygonLayer)], [c for c in new if isinstance(c, Legend)])


def region_map(pack, iid: str, scheme: str = "quantiles", *, commune_zoom: int = COMMUNE_ZOOM,
               m: folium.Map | None = None) -> folium.Map:
    """The pack's communes coloured by ``iid``, the EPCI in their place below ``commune_zoom``.

    Parameters
    ----------
    pack : carnet.pack.Pack
        A built pack (any: a region pack is what it is for).
    iid : str
        The indicator mapped.
    scheme : str
        Classification scheme (a key of :data:`carnet.maps.SCHEMES`), 5 classes per level.
    commune_zoom : int
        Zoom from which the communes are drawn instead of the EPCI.
    m : folium.Map, optional
        Map to draw on (a new one otherwise).

    Returns
    -------
    folium.Map
        The map; its container's ``data-carnet-level`` says which level is drawn.
    """
    from carnet.maps.base import geo_attribution

    ind = pack.indicator(iid)

    def draw(gdf, level_name, m, fit):
        return choropleth(gdf, "valeur", label=ind.label, unit=ind.unit, source=short_producer(ind.source),
                          vintage=ind.vintage, scheme=scheme, k=5, decimals=ind.decimals, m=m,
                          tooltip_fields={"epci_nom": "EPCI"} if "epci_nom" in gdf else None,
                          layer_name=f"{level_name} — {ind.label}", fit_bounds=fit,
                          legend_position="bottomleft")

    communes = commune_map_frame(pack, None, iid, detail=DETAIL)
    low = high = None
    if ind.aggregable:
        epci = pack.geometry("epci", DETAIL).merge(pack.table("epci")[["code", "nom"]], on="code")
        epci["valeur"] = epci["code"].map(pack.values("epci")[iid]).astype(float)
        m = draw(epci, "EPCI", m, True)
        low = _added(m, set())
        before = set(m._children)
        m = draw(communes, "Communes", m, False)
        high = _added(m, before)
        for layer in (*low[0], *high[0]):
            layer.control = False  # the zoom shows one level or the other
        for layer in high[0]:
            layer.lazy = True  # the communes: decoded when first zoomed to
    else:
        m = draw(communes, "Communes", m, True)
    terr = pack.geometry("territoire", DETAIL).merge(pack.table("territoire")[["code", "nom"]], on="code")
    add_outlines(m, terr, label=pack.config.perimetre.get("libelle_pluriel", "Territoires"),
                 attribution=geo_attribution(pack), color="#333333", weight=1.6)
    if low is not None:
        ZoomSwitch(low, high, commune_zoom).add_to(m)
    return add_layer_control(m, collapsed=True)
