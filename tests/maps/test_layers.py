"""Overlay layers: outlines, polygons, points, clusters, layer control."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from carnet.maps import (
    add_layer_control,
    add_outlines,
    add_points,
    add_polygons,
    base_map,
    external_links,
)
from carnet.maps.elements import PointLayer, PolygonLayer
from tests.maps.conftest import script_and_link_urls


@pytest.fixture
def points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"nom": ["Gare de Lille-Flandres", "Musée", "Sans lieu"], "visiteurs": [1200.0, 5.5, 1]},
        geometry=[shapely.Point(3.0707, 50.6366), shapely.Point(3.06, 50.63), None],
        crs=4326,
    )


def _layers(m, cls):
    return [c for c in m._children.values() if isinstance(c, cls)]


def test_outlines_are_lines_and_not_interactive(communes):
    m = add_outlines(base_map(), communes, label="EPCI", attribution="IGN 2025")
    (layer,) = _layers(m, PolygonLayer)
    style = layer.options_dict["base"]
    assert style["fill"] is False
    assert layer.options_dict["interactive"] is False
    assert layer.options_dict["palette"] is None
    assert layer.options_dict["attribution"] == "IGN 2025"
    assert layer.layer_name == "EPCI"


def test_overlays_sit_in_panes_above_the_choropleth(communes, points):
    m = add_outlines(base_map(), communes, label="EPCI", attribution="a")
    add_polygons(m, communes, label="PNR", attribution="b")
    add_points(m, points, label="Gares", attribution="c")
    outlines, zones = _layers(m, PolygonLayer)
    (pts,) = _layers(m, PointLayer)
    z = [layer.options_dict["paneZ"] for layer in (zones, outlines, pts)]
    assert z == sorted(z) and z[0] > 400  # overlayPane (choropleth) is 400
    assert outlines.options_dict["pane"] == "carnet-contours"
    html = m.get_root().render()
    assert "window.CarnetMaps.pane(" in html and "map.createPane(name)" in html


def test_polygons_repair_invalid_geometry():
    bowtie = shapely.Polygon([(3, 50), (3.1, 50.1), (3.1, 50), (3, 50.1), (3, 50)])
    assert not bowtie.is_valid
    gdf = gpd.GeoDataFrame({"nom": ["PNR"]}, geometry=[bowtie], crs=4326)
    m = add_polygons(base_map(), gdf, label="Parcs", attribution="INPN", interactive=True)
    (layer,) = _layers(m, PolygonLayer)
    row = layer.data["r"][0]
    assert row[0] == "PNR"
    assert len(row[-1]) == 2  # two triangles after make_valid
    assert layer.options_dict["tooltip"]["title"] == "nom"


def test_points_rows_and_tooltip(points):
    m = add_points(
        base_map(), points, label="Gares", attribution="SNCF", tooltip_fields={"visiteurs": "Vis."}
    )
    (layer,) = _layers(m, PointLayer)
    rows = layer.data["r"]
    assert len(rows) == 2  # the point without location is skipped
    assert rows[0] == [3.0707, 50.6366, "Gare de Lille-Flandres", "1\u202f200"]
    assert layer.data["k"] == ["nom", "x0"]
    assert layer.options_dict["cluster"] is None
    assert layer.default_js == []  # no plugin needed without clustering


def test_points_must_be_points(communes):
    with pytest.raises(ValueError, match="ponctuelles"):
        add_points(base_map(), communes, label="x", attribution="y")


def test_cluster_uses_local_markercluster_and_max_zoom(points):
    m = base_map()
    del m.options["maxZoom"]
    add_points(m, points, label="Monuments", attribution="Mérimée", cluster=True)
    assert m.options["maxZoom"] == 16
    (layer,) = _layers(m, PointLayer)
    assert layer.options_dict["cluster"]["disableClusteringAtZoom"] <= m.options["maxZoom"]
    html = m.get_root().render()
    urls = script_and_link_urls(html)
    assert "/app/static/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js" in urls
    assert "/app/static/vendor/leaflet.markercluster-1.5.3/MarkerCluster.Default.css" in urls
    assert external_links(m) == []
    assert "L.markerClusterGroup(o.cluster)" in html


def test_layer_control_lists_every_layer(communes, points):
    m = base_map(tiles="OpenStreetMap")
    add_outlines(m, communes, label="EPCI", attribution="a")
    add_polygons(m, communes, label="Parcs", attribution="b", show=False)
    add_points(m, points, label="Gares", attribution="c")
    add_layer_control(m)
    add_layer_control(m)  # idempotent
    html = m.get_root().render()
    assert html.count("L.control.layers") == 1
    for name in ("EPCI", "Parcs", "Gares", "Fond OpenStreetMap"):
        assert f'"{name}"' in html
    # hidden on opening: created and listed, but not added to the map
    epci, parcs = _layers(m, PolygonLayer)
    assert f"{epci.get_name()}.addTo(" in html
    assert f"{parcs.get_name()}.addTo(" not in html
