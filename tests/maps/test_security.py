"""Strings from data never reach the page as markup or as template code."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
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


# ------------------------------------------------- every element type, both hostile names

TEMPLATE = "{{ 7*7 }}"
HOSTILE = [XSS_NAME, TEMPLATE]


def _projects_frame(title):
    import pandas as pd

    return pd.DataFrame({"titre": [title, "Autre"], "lon": [3.02, 3.03], "lat": [50.62, 50.63],
                         "orientation": ["1", None], "statut": ["engage", None],
                         "commune": ["59001", "59002"], "commune_nom": [title, "Lille"],
                         "illustratif": [False, True]})


def _choropleth_tooltip(communes, name):
    communes.loc[2, "nom"] = name
    return choropleth(communes, "valeur", label="Indicateur", unit="", source="s", vintage=1,
                      tooltip_fields={"nom": "Nom"})


def _choropleth_legend(communes, name):
    return choropleth(communes, "valeur", label=name, unit=name, source=name, vintage=name)


def _points(communes, name, cluster=False):
    pts = gpd.GeoDataFrame({"nom": [name, "b"], "champ": ["a", name]},
                           geometry=[shapely.Point(3.01, 50.61), shapely.Point(3.02, 50.62)],
                           crs=4326)
    m = choropleth(communes, "valeur", label="I", unit="", source="s", vintage=1)
    add_points(m, pts, label=name, attribution=name, tooltip_fields={"champ": name},
               cluster=cluster, color="#123456")
    return add_layer_control(m)


def _zones_and_outlines(communes, name):
    communes.loc[0, "nom"] = name
    m = choropleth(communes, "valeur", label="I", unit="", source="s", vintage=1)
    add_outlines(m, communes, label=name, attribution=name, interactive=True)
    add_polygons(m, communes, label=name, attribution=name, interactive=True)
    return add_layer_control(m)


def _commune_labels(communes, name):
    from carnet.maps.projects import MapContext, projects_map

    communes["nom"] = [name] * len(communes)
    communes["territoire"] = "t"
    communes["territoire_nom"] = name
    centres = shapely.centroid(communes.geometry.values)
    communes["centre_lon"], communes["centre_lat"] = shapely.get_x(centres), shapely.get_y(centres)
    communes["population"] = 50_000
    return projects_map(_projects_frame("p").iloc[:0], MapContext.from_communes(communes))


def _projects_cluster(communes, name):
    from carnet.maps.projects import add_projects

    return add_projects(choropleth(communes, "valeur", label="I", unit="", source="s",
                                   vintage=1), _projects_frame(name))


def _projects_legend(communes, name, monkeypatch):
    from carnet.maps import projects
    from carnet.projets.orientations import Orientation, Orientations

    hostile = Orientations((Orientation("1", 1, name, name, "#123456"),))
    monkeypatch.setattr(projects, "orientations", lambda pack_id=None: hostile)
    return projects.projects_map(_projects_frame("p"))


ELEMENTS = {
    "choropleth tooltip": _choropleth_tooltip,
    "choropleth legend and attribution": _choropleth_legend,
    "point layer, tooltip and legend": _points,
    "clustered point layer": lambda c, n: _points(c, n, cluster=True),
    "zones and outlines": _zones_and_outlines,
    "commune labels": _commune_labels,
    "projects cluster": _projects_cluster,
    "projects legend": _projects_legend,
}


def _projects_texts(html: str) -> tuple[str, set[str]]:
    """``html`` without its projects payloads, and the strings those carry.

    The payload is script-safe JSON of raw text (``carnet.maps.projects.map_points``), which
    the browser only writes with text nodes (tests/browser/test_projets_browser.py).
    """
    from carnet.maps.projects import payloads

    texts: set[str] = set()
    for p in payloads(html):
        texts |= {" ".join(p["w"][k] for k in t) for t in p["t"]} | set(p["c"]) | set(p["m"])
    return re.sub(r'^\s*var d = \{"l":.*\};$', "", html, flags=re.MULTILINE), texts


def _assert_inert(html: str, name: str) -> None:
    assert "<img" not in html and "{{" not in html and "{%" not in html
    html, texts = _projects_texts(html)
    if name == XSS_NAME:
        assert "src=x onerror=alert(1)" in html or name in texts  # shown, as text
        rest = _without_escaped_text(html)
        assert "onerror" not in rest and "alert(" not in rest
    else:
        assert "7*7" in html or name in texts  # shown, as text: not evaluated to 49
        assert "49" not in "".join(texts)


@pytest.mark.parametrize("name", HOSTILE, ids=["img-onerror", "jinja"])
@pytest.mark.parametrize("element", list(ELEMENTS))
def test_every_element_keeps_hostile_names_inert(communes, element, name, monkeypatch):
    build = ELEMENTS[element]
    args = (monkeypatch,) if element == "projects legend" else ()
    _assert_inert(build(communes.copy(), name, *args).get_root().render(), name)


@pytest.fixture
def hostile_pack(nord, request):
    """The Nord pack with hostile names: a commune, its EPCI, its territory, points, zones."""
    import dataclasses

    name = request.param
    p = dataclasses.replace(nord, _cache={})
    com = p.communes.copy()
    com.loc[com["code"] == "59122", ["nom", "epci_nom"]] = name
    p._cache["communes"] = com
    for level in ("territoire", "epci"):
        t = p.table(level).copy()
        t["nom"] = name
        p._cache[f"table_{level}"] = t
    for lid in p.layer_ids:
        lay = p.layer(lid).copy()
        lay["nom"] = name
        p._cache[f"layer_{lid}"] = lay
    return p, name


@pytest.mark.integration
@pytest.mark.parametrize("hostile_pack", HOSTILE, ids=["img-onerror", "jinja"], indirect=True)
def test_atlas_maps_keep_hostile_names_inert(hostile_pack):
    from carnet.maps import atlas
    from carnet.maps.projects import MapContext, projects_map

    p, name = hostile_pack
    overlays = tuple(atlas.overlays())
    maps = {
        "commune": atlas.commune_map(p, "cambresis", "pop_2022", overlays=overlays,
                                     selected="59122"),
        "territories": atlas.territories_map(p, "pop_2022"),
        "locator": atlas.locator_map(p, "59122"),
        "projects": projects_map(_projects_frame(name), MapContext.from_pack(p)),
    }
    for m in maps.values():
        _assert_inert(m.get_root().render(), name)
