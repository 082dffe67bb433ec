"""Strings from data never reach the page as markup or as template code."""

from __future__ import annotations

import re

import geopandas as gpd
import shapely

from carnet.maps import add_layer_control, add_outlines, add_points, add_polygons, choropleth
from carnet.maps.elements import esc
from tests.maps.conftest import XSS_NAME

SCRIPT_BREAK = "</script><script>alert(2)</script>"
JINJA = "{{ 7 * 191 }}{% if true %}X{% endif %}"


def _hostile_map(communes):
    communes = communes.copy()
    communes.loc[0, "nom"] = SCRIPT_BREAK
    communes.loc[1, "nom"] = JINJA
    m = choropleth(
        communes,
        "valeur",
        label="<b>Indicateur</b>",
        unit="<i>u</i>",
        source="<script>alert(3)</script>",
        vintage="<svg onload=alert(4)>",
        tooltip_fields={"nom": "<u>Nom</u>"},
    )
    pts = gpd.GeoDataFrame(
        {"nom": [XSS_NAME, JINJA], "commune": [SCRIPT_BREAK, "ok"]},
        geometry=[shapely.Point(3.01, 50.61), shapely.Point(3.02, 50.62)],
        crs=4326,
    )
    add_points(m, pts, label=XSS_NAME, attribution=XSS_NAME, tooltip_fields=["commune"])
    add_points(m, pts, label="Cluster " + JINJA, attribution="a", cluster=True)
    add_outlines(m, communes, label=JINJA, attribution=SCRIPT_BREAK, interactive=True)
    add_polygons(m, communes, label=XSS_NAME, attribution="x", interactive=True)
    return add_layer_control(m)


def _without_escaped_text(html: str) -> str:
    """``html`` minus the escaped (inert) forms of the hostile strings."""
    for lt, gt in (("&lt;", "&gt;"), ("\\u0026lt;", "\\u0026gt;")):
        for s in (XSS_NAME, SCRIPT_BREAK, "<script>alert(3)</script>", "<svg onload=alert(4)>"):
            html = html.replace(s.replace("<", lt).replace(">", gt), "")
    return html


def test_xss_name_not_in_rendered_html(communes):
    html = _hostile_map(communes).get_root().render()
    assert XSS_NAME not in html
    assert "<img" not in html
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html  # shown as text
    rest = _without_escaped_text(html)
    assert "onerror" not in rest
    assert "alert(" not in rest


def test_script_break_and_markup_escaped(communes):
    html = _hostile_map(communes).get_root().render()
    assert SCRIPT_BREAK not in html
    assert "<script>alert" not in html
    assert "<svg" not in html
    assert "<b>Indicateur</b>" not in html
    assert "<u>Nom</u>" not in html and "<i>u</i>" not in html
    # only the page's own script elements: two local libraries, header switches, map script
    tags = re.findall(r"<script[^>]*>", html)
    assert sorted(tags) == [
        '<script src="/app/static/vendor/leaflet-1.9.4/leaflet.js">',
        '<script src="/app/static/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js">',
        "<script>",
        "<script>",
    ]
    assert html.count("</script>") == 4


def test_jinja_from_data_is_not_evaluated(communes):
    html = _hostile_map(communes).get_root().render()
    assert str(7 * 191) not in html
    assert "{{" not in html and "{%" not in html


def test_esc():
    assert esc(XSS_NAME) == "&lt;img src=x onerror=alert(1)&gt;"
    assert esc("\"'&") == "&quot;&#x27;&amp;"
    assert esc("{{x}}") == "&#123;&#123;x&#125;&#125;"
    assert esc(None) == "" and esc(float("nan")) == ""
    assert esc(12.5) == "12.5"
