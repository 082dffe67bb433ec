"""Folium elements with compact payloads: polygon and point layers, legend, style.

These are plain folium ``MacroElement`` / ``Layer`` subclasses, so they work
in a standalone folium HTML page, in a ``LayerControl`` and in streamlit-folium
(which executes every element's ``script`` macro). Data reach the page as one
compact JSON literal per layer (see :mod:`carnet.maps.encoding`); every string
in it was HTML-escaped on the Python side, because Leaflet inserts tooltip
content with ``innerHTML``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template
from folium.utilities import get_obj_in_upper_tree

from carnet.maps.assets import local_url
from carnet.maps.encoding import DECODER_JS, script_json

# Panes above the choropleth (overlayPane, z-index 400), below Leaflet's markers.
PANE_ZONES = ("carnet-zones", 410)
PANE_OUTLINES = ("carnet-contours", 420)
PANE_POINTS = ("carnet-points", 430)
NA_FILL = "#c8c8c8"
NA_PATTERN_ID = "carnet-na-hatch"
BACKGROUND = "#f6f6f3"


_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def esc(value) -> str:
    """HTML-escape any value for a tooltip, popup, legend, layer name or attribution.

    Besides ``< > & " '``, braces become character references: folium renders
    some strings (layer names) into a script that branca parses again as a
    Jinja template, where ``{{ ... }}`` from data would be evaluated.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).translate(_BRACES)


# ----------------------------------------------------------------------- page style

_STYLE_CSS = f"""
<style>
.leaflet-container {{ background: {BACKGROUND}; font-family: "Source Sans Pro", "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; }}
.carnet-tooltip {{ font-size: 13px; line-height: 1.35; padding: 6px 9px; }}
.carnet-tooltip b {{ font-weight: 600; }}
.carnet-legend {{ background: rgba(255,255,255,.94); padding: 8px 10px 7px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.25); font-size: 12px; line-height: 1.45; color: #222;
  max-width: 260px; }}
.carnet-legend .lg-t {{ font-weight: 600; font-size: 13px; margin-bottom: 4px; }}
.carnet-legend .lg-r {{ display: flex; align-items: center; white-space: nowrap; }}
.carnet-legend .lg-r i {{ width: 18px; height: 12px; margin-right: 7px; flex: none;
  border: 1px solid rgba(0,0,0,.18); }}
.carnet-legend .lg-n {{ color: #666; margin-left: 4px; }}
.carnet-legend .lg-na i {{ background: repeating-linear-gradient(45deg, #8f8f8f 0 1.5px,
  #e3e3e3 1.5px 4.5px); }}
.carnet-legend .lg-s {{ margin-top: 5px; color: #555; font-size: 11px; white-space: normal; }}
.leaflet-control-layers {{ font-size: 12.5px; }}
</style>
"""


class MapStyle(MacroElement):
    """Page-level CSS (background without tiles, tooltip, legend) and JS helpers.

    Added once per map by :func:`ensure_style`.
    """

    _template = Template(
        "{% macro header(this, kwargs) %}" + _STYLE_CSS + "{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        + 'if (window.performance && performance.mark) { performance.mark("carnet-map-start"); }\n'
        + DECODER_JS
        + """
if (!window.CarnetMaps.pane) {
  window.CarnetMaps.pane = function (map, name, z) {
    if (!name) { return "overlayPane"; }
    if (!map.getPane(name)) { map.createPane(name).style.zIndex = String(z); }
    return name;
  };
}
if (!window.CarnetMaps.naFill) {
  window.CarnetMaps.naFill = function (map, layer) {
    var r = map.getRenderer(layer);
    if (!(window.L.SVG && r instanceof L.SVG) || !r._container) { return "__NA__"; }
    if (!document.getElementById("__PID__")) {
      var ns = "http://www.w3.org/2000/svg";
      var defs = document.createElementNS(ns, "defs");
      var p = document.createElementNS(ns, "pattern");
      p.setAttribute("id", "__PID__"); p.setAttribute("patternUnits", "userSpaceOnUse");
      p.setAttribute("width", "6"); p.setAttribute("height", "6");
      p.setAttribute("patternTransform", "rotate(45)");
      var bg = document.createElementNS(ns, "rect");
      bg.setAttribute("width", "6"); bg.setAttribute("height", "6");
      bg.setAttribute("fill", "#e3e3e3");
      var ln = document.createElementNS(ns, "rect");
      ln.setAttribute("width", "2"); ln.setAttribute("height", "6");
      ln.setAttribute("fill", "#8f8f8f");
      p.appendChild(bg); p.appendChild(ln); defs.appendChild(p);
      r._container.insertBefore(defs, r._container.firstChild);
    }
    return "url(#__PID__) __NA__";
  };
}
""".replace("__NA__", NA_FILL).replace("__PID__", NA_PATTERN_ID)
        + "{% endmacro %}"
    )

    def __init__(self):
        super().__init__()
        self._name = "CarnetMapStyle"


_ACCESS_CSS = """
<style>
.leaflet-control-attribution.carnet-attr { font-size: 0; line-height: 1.4; padding: 0; }
.carnet-attr:not(.carnet-attr-open) > :not(.carnet-attr-btn) { display: none; }
.carnet-attr .carnet-attr-btn { font: 600 11px/1.4 sans-serif; color: #333; background: none;
  border: 0; padding: 2px 6px; cursor: pointer; }
.carnet-attr.carnet-attr-open { font-size: 11px; padding: 0 6px 2px 0;
  max-width: min(420px, 70vw); white-space: normal; }
.carnet-attr .carnet-attr-btn:focus-visible, .leaflet-container:focus-visible {
  outline: 3px solid #0072B2; outline-offset: -3px; }
.leaflet-container path.leaflet-interactive:focus { outline: none; stroke: #000;
  stroke-width: 3px; stroke-opacity: 1; }
</style>
"""


class MapAccess(MacroElement):
    """Keyboard and projector behaviour of every atlas map.

    * One tab stop for the map: Leaflet's tooltips made each commune polygon focusable
      (about 120 tab stops before the charts); they get ``tabindex=-1``. On the focused
      map, arrows pan and +/- zoom (Leaflet); Entrée walks the communes one by one
      (arrows: next / previous, Entrée or Espace: select, Échap: back to the map).
    * The attribution is one short « ⓘ Sources » button that opens the full list (on a
      narrow projector map the list took six lines over the legend and scale bar).
    """

    _template = Template(
        "{% macro header(this, kwargs) %}" + _ACCESS_CSS + "{% endmacro %}"
        """
{% macro script(this, kwargs) %}
(function (map) {
  var box = map.getContainer();
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", "Carte interactive. Flèches : déplacer la carte ; + et − : zoom ; " +
    "Entrée : parcourir les éléments de la carte un à un (flèches, puis Entrée pour choisir, " +
    "Échap pour revenir).");
  map.on("layeradd", function (e) {
    var el = typeof e.layer.getElement === "function" && e.layer.getElement();
    if (el && el.tagName && el.tagName.toLowerCase() === "path") {
      el.setAttribute("tabindex", "-1");
      el._carnetLayer = e.layer;
    }
  });
  function items() {
    return Array.prototype.slice.call(box.querySelectorAll("path.leaflet-interactive[tabindex='-1']"));
  }
  box.addEventListener("keydown", function (e) {
    var t = e.target, list, i;
    if (t === box) {
      if (e.key !== "Enter") { return; }
      list = items();
      if (list.length) { list[0].focus(); }
    } else if (t._carnetLayer) {
      list = items(); i = list.indexOf(t);
      if (e.key === "ArrowRight" || e.key === "ArrowDown") { list[(i + 1) % list.length].focus(); }
      else if (e.key === "ArrowLeft" || e.key === "ArrowUp") {
        list[(i - 1 + list.length) % list.length].focus();
      }
      else if (e.key === "Home") { list[0].focus(); }
      else if (e.key === "End") { list[list.length - 1].focus(); }
      else if (e.key === "Escape") { box.focus(); }
      else if (e.key === "Enter" || e.key === " ") {
        var lyr = t._carnetLayer;
        var at = typeof lyr.getCenter === "function" ? lyr.getCenter() : lyr.getLatLng();
        lyr.fire("click", {latlng: at, containerPoint: map.latLngToContainerPoint(at)}, true);
      } else { return; }
    } else { return; }
    e.preventDefault(); e.stopPropagation();
  });
  var ac = map.attributionControl;
  if (ac) {
    var at = ac.getContainer();
    L.DomUtil.addClass(at, "carnet-attr");
    ac.setPrefix('<button type="button" class="carnet-attr-btn" aria-expanded="false" ' +
      'title="Sources des données de la carte">Sources</button> ' +
      '<a href="https://leafletjs.com">Leaflet</a>');
    var update = ac._update;
    ac._update = function () {
      update.apply(this, arguments);
      var b = at.querySelector(".carnet-attr-btn");
      if (b) { b.setAttribute("aria-expanded", String(L.DomUtil.hasClass(at, "carnet-attr-open"))); }
    };
    L.DomEvent.disableClickPropagation(at);
    at.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest(".carnet-attr-btn");
      if (!b) { return; }
      var open = !L.DomUtil.hasClass(at, "carnet-attr-open");
      (open ? L.DomUtil.addClass : L.DomUtil.removeClass)(at, "carnet-attr-open");
      b.setAttribute("aria-expanded", String(open));
    });
  }
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self):
        super().__init__()
        self._name = "CarnetMapAccess"


def map_css() -> str:
    """The atlas maps' CSS (background, tooltip, legend, keyboard focus) as a stylesheet,
    for maps drawn outside folium (:mod:`carnet.maps.fast`)."""
    return "".join(css.replace("<style>", "").replace("</style>", "")
                   for css in (_STYLE_CSS, _ACCESS_CSS))


def ensure_style(m: folium.Map) -> MapStyle:
    """Add :class:`MapStyle` and :class:`MapAccess` to ``m`` if not there yet; return the style."""
    for child in m._children.values():
        if isinstance(child, MapStyle):
            return child
    style = MapStyle()
    # Insert first so its script (the decoder) runs before any layer's, and the keyboard
    # hooks before any layer is added.
    m.add_child(style, name="carnet_map_style", index=0)
    m.add_child(MapAccess(), name="carnet_map_access", index=1)
    return style


# ------------------------------------------------------------------ data layers


def pane_options(pane: tuple[str, int] | None) -> dict:
    """``{"pane": name, "paneZ": z-index}`` of a layer's options (both None without a pane)."""
    return {"pane": pane[0] if pane else None, "paneZ": pane[1] if pane else None}


class ScriptData:
    """Mixin of the layers whose template reads ``data_json``, ``options_json`` and ``map_name``.

    Subclasses set ``self.data`` and ``self.options_dict``; ``map_name`` (the parent map's
    JS variable, used for its panes) is known at render time.
    """

    data: dict
    options_dict: dict
    map_name: str | None = None

    @property
    def data_json(self) -> str:
        """The layer data as script-safe compact JSON."""
        return script_json(self.data)

    @property
    def options_json(self) -> str:
        """The layer options as script-safe compact JSON."""
        return script_json(self.options_dict)

    def render(self, **kwargs):
        self.map_name = get_obj_in_upper_tree(self, folium.Map).get_name()
        super().render(**kwargs)


# ---------------------------------------------------------------------- polygons


class PolygonLayer(ScriptData, Layer):
    """A polygon layer from encoded rings, with a JS style read from properties.

    Parameters
    ----------
    data : dict
        ``{"p": precision, "k": [property keys], "r": [[values..., rings]]}``
        (see :func:`carnet.maps.encoding.encode_polygonal`); strings escaped.
    name : str
        Layer name in the layer control (escaped here).
    base_style : dict
        Leaflet path options common to every feature.
    palette : list of str, optional
        Fill colour by class: feature property ``c`` indexes it; ``c < 0`` or
        ``null`` means "no value" (hatched grey).
    highlight_style : dict, optional
        Style applied on mouse over (reset on mouse out).
    tooltip : dict, optional
        ``{"title": key, "rows": [[label, key], ...]}``: tooltip built from the
        feature's (already escaped) properties.
    click_keys : list of str, optional
        Properties returned by ``layer.toGeoJSON()`` for a clicked feature
        (streamlit-folium's ``last_active_drawing``); geometry is not sent back.
    attribution : str, optional
        Source shown in the map's attribution control (escaped here).
    interactive : bool
        Whether features react to the mouse (tooltips, clicks).
    pane : (str, int), optional
        Leaflet pane (name, z-index) to draw in, created if needed; default the
        overlay pane (z-index 400). Outlines and points sit in higher panes so
        that a hovered commune (``bringToFront``) never covers them.
    show, overlay, control : bool
        As for any folium layer.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var d = {{ this.data_json }}, o = {{ this.options_json }};
  var pane = window.CarnetMaps.pane({{ this.map_name }}, o.pane, o.paneZ);
  var layer = L.geoJson(null, {
    attribution: o.attribution, interactive: o.interactive, smoothFactor: o.smooth, pane: pane,
    style: function (f) {
      if (!o.palette) { return o.base; }
      var c = f.properties.c, s = Object.assign({}, o.base);
      s.fillColor = (c === null || c < 0) ? o.naFill : o.palette[c];
      return s;
    },
    onEachFeature: function (f, l) {
      var p = f.properties;
      if (o.tooltip) {
        var t = o.tooltip, h = "<b>" + p[t.title] + "</b>";
        for (var i = 0; i < t.rows.length; i++) {
          h += "<br>" + t.rows[i][0] + "\u00a0: " + p[t.rows[i][1]];
        }
        l.bindTooltip(h, {sticky: true, className: "carnet-tooltip"});
      }
      if (o.highlight) {
        l.on({
          mouseover: function (e) { e.target.setStyle(o.highlight); e.target.bringToFront(); },
          mouseout: function (e) { layer.resetStyle(e.target); }
        });
      }
      if (o.click) {
        l.toGeoJSON = function () {
          var q = {};
          for (var j = 0; j < o.click.length; j++) { q[o.click[j]] = p[o.click[j]]; }
          return {type: "Feature", properties: q, geometry: null};
        };
      }
    }
  });
  o.naFill = o.palette ? window.CarnetMaps.naFill({{ this.map_name }}, layer) : null;
  {%- if this.lazy %}
  {# Lazy: decoded and built when first shown (a level of detail, carnet.maps.region). #}
  layer.once("add", function () { layer.addData(window.CarnetMaps.features(d)); });
  {%- else %}
  layer.addData(window.CarnetMaps.features(d));
  {%- endif %}
  {# Performance marks read by benchmarks/bench_maps.py (a Jinja comment: not in the page). #}
  if (window.performance && performance.mark) {
    performance.mark("carnet-layer-data");
    requestAnimationFrame(function () {
      requestAnimationFrame(function () { performance.mark("carnet-layer-painted"); });
    });
  }
  return layer;
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        data: dict,
        *,
        name: str,
        base_style: dict,
        palette: Sequence[str] | None = None,
        highlight_style: dict | None = None,
        tooltip: dict | None = None,
        click_keys: Sequence[str] | None = None,
        attribution: str | None = None,
        interactive: bool = True,
        smooth_factor: float = 0.5,
        pane: tuple[str, int] | None = None,
        show: bool = True,
        overlay: bool = True,
        control: bool = True,
    ):
        super().__init__(name=esc(name), overlay=overlay, control=control, show=show)
        self._name = "CarnetPolygons"
        self.data = data
        self.options_dict = {
            "base": base_style,
            "palette": list(palette) if palette is not None else None,
            "highlight": highlight_style,
            "tooltip": tooltip,
            "click": list(click_keys) if click_keys else None,
            "attribution": esc(attribution) if attribution else None,
            "interactive": bool(interactive),
            "smooth": smooth_factor,
            **pane_options(pane),
        }
        self.map_name = None
        #: Decode and build the features when the layer is first added to the map, not at load
        #: (:mod:`carnet.maps.region`: the communes of a region, shown from a zoom on).
        self.lazy = False


# ------------------------------------------------------------------------ points


class PointLayer(ScriptData, JSCSSMixin, Layer):
    """Circle markers from ``[lon, lat, props...]`` rows, optionally clustered.

    Parameters
    ----------
    data : dict
        ``{"k": [property keys], "r": [[lon, lat, values...]]}``; strings escaped.
    name : str
        Layer name in the layer control (escaped here).
    marker_style : dict
        ``L.circleMarker`` options (radius, colours...).
    tooltip : dict, optional
        As for :class:`PolygonLayer`.
    cluster : dict, optional
        ``L.markerClusterGroup`` options; ``None`` draws every marker. Needs the
        map's ``maxZoom`` (set by :func:`carnet.maps.base.base_map`).
    attribution : str, optional
        Source shown in the attribution control (escaped here).
    pane : (str, int), optional
        As for :class:`PolygonLayer`.
    """

    # Served by the app (see carnet.maps.assets); re-pointed by use_local_assets.
    _cluster_js = [("markerclusterjs", local_url("markerclusterjs"))]
    _cluster_css = [
        ("markerclustercss", local_url("markerclustercss")),
        ("markerclusterdefaultcss", local_url("markerclusterdefaultcss")),
    ]

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var d = {{ this.data_json }}, o = {{ this.options_json }};
  o.marker.pane = window.CarnetMaps.pane({{ this.map_name }}, o.pane, o.paneZ);
  var group = o.cluster ? L.markerClusterGroup(o.cluster) : L.featureGroup([]);
  group.options.attribution = o.attribution;
  var markers = d.r.map(function (row) {
    var p = {};
    for (var j = 0; j < d.k.length; j++) { p[d.k[j]] = row[j + 2]; }
    var mk = L.circleMarker([row[1], row[0]], o.marker);
    mk.feature = {type: "Feature", properties: p,
                  geometry: {type: "Point", coordinates: [row[0], row[1]]}};
    if (o.tooltip) {
      var t = o.tooltip, h = "<b>" + p[t.title] + "</b>";
      for (var i = 0; i < t.rows.length; i++) {
        if (p[t.rows[i][1]] !== "") { h += "<br>" + t.rows[i][0] + "\u00a0: " + p[t.rows[i][1]]; }
      }
      mk.bindTooltip(h, {className: "carnet-tooltip"});
    }
    return mk;
  });
  if (o.cluster) { group.addLayers(markers); }
  else { markers.forEach(function (mk) { group.addLayer(mk); }); }
  return group;
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        data: dict,
        *,
        name: str,
        marker_style: dict,
        tooltip: dict | None = None,
        cluster: dict | None = None,
        attribution: str | None = None,
        pane: tuple[str, int] | None = None,
        show: bool = True,
        overlay: bool = True,
        control: bool = True,
    ):
        super().__init__(name=esc(name), overlay=overlay, control=control, show=show)
        self._name = "CarnetPoints"
        self.data = data
        self.options_dict = {
            "marker": marker_style,
            "tooltip": tooltip,
            "cluster": cluster,
            "attribution": esc(attribution) if attribution else None,
            **pane_options(pane),
        }
        self.map_name = None
        self.default_js = list(self._cluster_js) if cluster else []
        self.default_css = list(self._cluster_css) if cluster else []


# --------------------------------------------------------------------- controls


class ScaleBar(MacroElement):
    """Metric-only scale bar (folium's ``control_scale`` also shows miles)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
L.control.scale({metric: true, imperial: false, position: "bottomleft"})
  .addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self):
        super().__init__()
        self._name = "CarnetScaleBar"


# ------------------------------------------------------------------------ legend


class PointLegend(MacroElement):
    """Legend of the point layers (coloured dot and name), hidden with its layer.

    Kept as the map's last point element by :func:`add_point_legend`, so that its script
    runs after every point layer's. Its CSS is its own: maps without points are unchanged.
    """

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
.carnet-legend .lg-r i.lg-pt { width: 11px; height: 11px; border-radius: 50%; margin: 0 9px 0 3px;
  border: 1px solid #fff; box-shadow: 0 0 0 1px rgba(0,0,0,.35); flex: none; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function (map) {
  var entries = {{ this.entries_json }};
  var ctl = L.control({position: "bottomright"});
  ctl.onAdd = function () {
    var div = L.DomUtil.create("div", "carnet-legend carnet-point-legend");
    div.innerHTML = entries.map(function (e, i) {
      return '<div class="lg-r" data-i="' + i + '"><i class="lg-pt" style="background:' + e[1] +
        '"></i>' + e[0] + "</div>";
    }).join("");
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  ctl.addTo(map);
  var layers = [{{ this.layer_names | join(", ") }}];
  function sync() {
    var box = ctl.getContainer(), shown = 0;
    layers.forEach(function (lyr, i) {
      var on = map.hasLayer(lyr), row = box.querySelector('[data-i="' + i + '"]');
      if (row) { row.style.display = on ? "" : "none"; }
      shown += on ? 1 : 0;
    });
    box.style.display = shown ? "" : "none";
  }
  map.on("overlayadd overlayremove", sync);
  sync();
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self):
        super().__init__()
        self._name = "CarnetPointLegend"
        self.entries: list[tuple[str, str, str]] = []  # (escaped label, colour, layer name)

    @property
    def entries_json(self) -> str:
        return script_json([[label, color] for label, color, _ in self.entries])

    @property
    def layer_names(self) -> list[str]:
        return [name for _, _, name in self.entries]


def add_point_legend(m: folium.Map, layer, label: str, color: str) -> None:
    """Add ``layer`` (a point layer of ``m``) to the map's point legend, kept last."""
    legend = None
    for key, child in list(m._children.items()):
        if isinstance(child, PointLegend):
            legend = m._children.pop(key)
    if legend is None:
        legend = PointLegend()
    legend.entries.append((esc(label), esc(color), layer.get_name()))
    m.add_child(legend, name="carnet_point_legend")



class Legend(MacroElement):
    """A Leaflet control holding prebuilt (escaped) legend HTML.

    Parameters
    ----------
    html_content : str
        Legend HTML, every data string already escaped.
    position : str
        Leaflet control position.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: {{ this.position_json }}});
{{ this.get_name() }}.onAdd = function () {
  var div = L.DomUtil.create("div", "carnet-legend");
  div.innerHTML = {{ this.html_json }};
  L.DomEvent.disableClickPropagation(div);
  return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, html_content: str, position: str = "bottomright"):
        super().__init__()
        self._name = "CarnetLegend"
        self.html_content = html_content
        self.position = position

    @property
    def html_json(self) -> str:
        """The legend HTML as a script-safe JS string literal."""
        return script_json(self.html_content)

    @property
    def position_json(self) -> str:
        """The position as a JS string literal."""
        return script_json(self.position)
