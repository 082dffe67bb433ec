"""Issue #9 on the maps: one tab stop, a short attribution, a legend for the point layers.

The additions are proved additive: the HTML of a map is the HTML without them plus inserted
lines only (nothing else changed where nothing was meant to).
"""

from __future__ import annotations

import difflib
import json
import re

import geopandas as gpd
import shapely

from carnet.maps import add_layer_control, add_points, choropleth


def _map(communes, points: bool = True):
    m = choropleth(communes, "valeur", label="Population", unit="hab.", source="INSEE", vintage=2022)
    if points:
        pts = gpd.GeoDataFrame({"nom": ["Gare <b>A</b>", "Gare B"]},
                               geometry=[shapely.Point(3.02, 50.62), shapely.Point(3.1, 50.6)], crs=4326)
        add_points(m, pts, label="Gares <i>(2)</i>", attribution="SNCF", color="#000000")
        add_points(m, pts, label="Collèges", attribution="MEN", color="#E69F00")
    add_layer_control(m)
    return m


def _html(m) -> list[str]:
    return re.sub(r"_[0-9a-f]{32}", "_ID", m.get_root().render()).splitlines()


def test_access_and_point_legend_only_add_lines(communes):
    full = _html(_map(communes))
    m = _map(communes)
    for key in ("carnet_map_access", "carnet_point_legend"):
        assert key in m._children
        del m._children[key]
    bare = _html(m)  # the same map without the #9 additions, rendered once
    ops = {tag for tag, *_ in difflib.SequenceMatcher(None, bare, full, autojunk=False).get_opcodes()}
    assert ops == {"equal", "insert"}  # no line of the map changed or disappeared


def test_keyboard_and_attribution_behaviour_is_in_every_map(communes):
    out = "\n".join(_html(_map(communes, points=False)))
    assert 'el.setAttribute("tabindex", "-1")' in out  # commune polygons leave the tab order
    assert 'e.key === "Enter"' in out and 'e.key === "Escape"' in out  # walk the communes
    assert 'aria-label", "Carte interactive.' in out
    assert 'class="carnet-attr-btn" aria-expanded="false"' in out  # « Sources » toggle
    assert "carnet-point-legend" not in out  # no points: no point legend, no extra CSS
    assert "lg-pt {" not in out


def test_point_legend_lists_layers_escaped_in_order(communes):
    m = _map(communes)
    out = "\n".join(_html(m))
    assert out.count("carnet-point-legend") == 1  # one legend for both layers
    entries = json.loads(re.search(r"var entries = (.*);", out).group(1))
    assert entries == [["Gares &lt;i&gt;(2)&lt;/i&gt;", "#000000"], ["Collèges", "#E69F00"]]
    # The legend's script comes after both point layers (it reads their variables).
    legend_at = out.index("var entries =")
    assert all(legend_at > mt.start() for mt in re.finditer(r"L\.featureGroup\(\[\]\)", out))
