"""Choropleth map object and its rendered HTML."""

from __future__ import annotations

import json
import re

import folium
import numpy as np
import pytest

from carnet.maps import add_layer_control, base_map, choropleth, external_links
from carnet.maps.elements import Legend, PolygonLayer
from tests.maps.conftest import script_and_link_urls


def _render(m: folium.Map) -> str:
    return m.get_root().render()


def _layer(m: folium.Map) -> PolygonLayer:
    return next(c for c in m._children.values() if isinstance(c, PolygonLayer))


def _features(layer: PolygonLayer) -> list[dict]:
    keys = layer.data["k"]
    return [dict(zip(keys, row[: len(keys)], strict=True)) for row in layer.data["r"]]


@pytest.fixture
def chmap(communes):
    m = choropleth(
        communes,
        "valeur",
        label="Population",
        unit="hab.",
        source="INSEE, recensement",
        vintage=2022,
        k=3,
        tooltip_fields={"taux": "Taux"},
    )
    return add_layer_control(m)


def test_returns_a_map_and_accepts_m(communes):
    m = base_map()
    out = choropleth(communes, "valeur", label="x", unit="", source="s", vintage=1, m=m)
    assert out is m
    assert isinstance(out, folium.Map)


def test_no_external_script_or_stylesheet(chmap):
    html = _render(chmap)
    urls = script_and_link_urls(html)
    assert urls, "Leaflet must be loaded"
    assert all(u.startswith("/app/static/vendor/") for u in urls), urls
    assert not re.search(r"https?://[^\"' ]+\.(js|css)\b", html)
    assert external_links(chmap) == []
    for banned in ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers"):
        assert banned not in html.lower()


def test_tiles_optional(communes):
    offline = _render(choropleth(communes, "valeur", label="x", unit="", source="s", vintage=1))
    assert "tile.openstreetmap.org" not in offline
    assert "L.tileLayer" not in offline
    osm = choropleth(
        communes, "valeur", label="x", unit="", source="s", vintage=1, tiles="OpenStreetMap"
    )
    html = _render(osm)
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert all(u.startswith("/app/") for u in script_and_link_urls(html))
    with pytest.raises(ValueError, match="fond de carte"):
        base_map(tiles="Stamen")


def test_explicit_max_zoom(chmap):
    assert chmap.options["maxZoom"] == 16
    assert '"maxZoom": 16' in _render(chmap)


def test_base_url_rewiring(communes):
    m = choropleth(communes, "valeur", label="x", unit="", source="s", vintage=1)
    from carnet.maps.assets import use_local_assets

    use_local_assets(m, base_url="/atlas/app/static/vendor")
    urls = script_and_link_urls(_render(m))
    assert urls and all(u.startswith("/atlas/app/static/vendor/") for u in urls)


def test_classes_and_colours_in_properties(chmap):
    layer = _layer(chmap)
    feats = _features(layer)
    by_code = {f["code"]: f for f in feats}
    # values 10, 80, 250, 1234.5, 5000.25 in 3 quantile classes; 59003 missing.
    assert by_code["59003"]["c"] == -1
    assert by_code["59001"]["c"] == 0
    assert by_code["59004"]["c"] == 2
    assert layer.options_dict["palette"] == ["#edf8b1", "#7fcdbb", "#2c7fb8"]
    # style computed in JS from the class: no per-feature style dicts
    assert '"style"' not in json.dumps(layer.data)
    assert "fillColor" not in json.dumps(layer.data)


def test_tooltip_values_in_french_format(chmap):
    feats = {f["code"]: f for f in _features(_layer(chmap))}
    assert feats["59000"]["v"] == "1\u202f234\u202fhab."  # auto decimals: 0 (max ≥ 1000)
    assert feats["59003"]["v"] == "non publié"
    assert feats["59000"]["x0"] == "12,3"
    tooltip = _layer(chmap).options_dict["tooltip"]
    assert tooltip["title"] == "nom"
    assert tooltip["rows"] == [["Population", "v"], ["Taux", "x0"]]


def test_percent_unit(communes):
    m = choropleth(communes, "taux", label="Taux", unit="%", source="s", vintage=1, decimals=1)
    feats = {f["code"]: f for f in _features(_layer(m))}
    assert feats["59000"]["v"] == "12,3\u202f%"


def test_legend_content(chmap):
    legend = next(c for c in chmap._children.values() if isinstance(c, Legend))
    text = legend.html_content
    assert "Population (hab.)" in text
    assert "INSEE, recensement" in text and "2022" in text
    assert "non publié" in text
    assert "quantiles" in text and "3 classes" in text
    html = _render(chmap)
    assert "non publi" in html and "INSEE, recensement" in html


def test_legend_position(communes):
    m = choropleth(
        communes, "valeur", label="x", unit="", source="s", vintage=1, legend_position="bottomleft"
    )
    assert 'L.control({position: "bottomleft"})' in _render(m)


def test_legend_without_missing_values(communes):
    communes = communes.assign(valeur=communes["valeur"].fillna(1.0))
    m = choropleth(communes, "valeur", label="x", unit="", source="s", vintage=1)
    legend = next(c for c in m._children.values() if isinstance(c, Legend))
    assert "non publié" not in legend.html_content


def test_layers_and_click_payload(chmap):
    html = _render(chmap)
    assert "L.control.layers" in html
    assert '"Population" :' in html
    layer = _layer(chmap)
    assert layer.options_dict["click"] == ["code", "nom"]
    assert "l.toGeoJSON = function" in html  # last_active_drawing carries the code


def test_reprojects_metric_crs(communes):
    m = choropleth(communes.to_crs(2154), "valeur", label="x", unit="", source="s", vintage=1)
    from carnet.maps.encoding import decode_ring

    ring = _layer(m).data["r"][0][-1][0][0]
    lon, lat = decode_ring(ring)[0]
    assert 2.9 < lon < 3.2 and 50.5 < lat < 50.8


def test_bad_inputs(communes):
    with pytest.raises(ValueError, match="colonne absente"):
        choropleth(communes, "absente", label="x", unit="", source="s", vintage=1)
    bad = communes.assign(valeur=["1", "deux", "3", "4", "5", "6"])
    with pytest.raises(ValueError, match="non numérique"):
        choropleth(bad, "valeur", label="x", unit="", source="s", vintage=1)
    with pytest.raises(ValueError, match="quantiles"):
        choropleth(communes, "valeur", label="x", unit="", source="s", vintage=1, scheme="x")


def test_all_missing_values(communes):
    m = choropleth(
        communes.assign(valeur=np.nan), "valeur", label="x", unit="", source="s", vintage=1
    )
    assert {f["c"] for f in _features(_layer(m))} == {-1}
    assert "non publié" in _render(m)


def test_fit_bounds(chmap):
    html = _render(chmap)
    match = re.search(r"fitBounds\(\s*(\[\[.*?\]\])", html, flags=re.S)
    (south, west), (north, east) = json.loads(match.group(1))
    assert (south, west) == pytest.approx((50.6, 3.0))
    assert (north, east) == pytest.approx((50.7, 3.15))


def test_missing_geometry_and_bool_fields(communes):
    communes = communes.copy()
    communes["rural"] = [True, False, True, False, True, False]
    communes.loc[5, "geometry"] = None
    m = choropleth(
        communes, "valeur", label="x", unit="", source="s", vintage=1, tooltip_fields=["rural"]
    )
    feats = _features(_layer(m))
    assert [f["code"] for f in feats] == ["59000", "59001", "59002", "59003", "59004"]
    assert feats[0]["x0"] == "oui" and feats[1]["x0"] == "non"
