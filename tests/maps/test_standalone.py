"""A map as one self-contained HTML file (issue #11 §3): it opens with every request aborted.

The file is written to disk and opened from ``file://`` in Chromium with a route that
aborts every request: polygons must be drawn, the markers clustered, no request may fail
and nothing may reach the console. A hostile commune name stays text. The pure tests
check the file itself: no ``<script src>``, no stylesheet link, Leaflet's CSS images as
``data:`` URIs, the map left as it was for the app.
"""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import pytest
import shapely

from carnet.maps import add_layer_control, add_points, choropleth
from carnet.maps.assets import DEFAULT_BASE_URL, asset_links, is_installed
from carnet.maps.base import base_map
from carnet.maps.standalone import standalone_html
from tests.maps.conftest import XSS_NAME
from tests.support import CHROMIUM, launch_chromium

needs_assets = pytest.mark.skipif(not is_installed(), reason="assets non installés (make assets)")


@pytest.fixture
def hostile_map(communes):
    m = choropleth(communes, "valeur", label="Population", unit="hab.", source="INSEE",
                   vintage=2022)
    pts = gpd.GeoDataFrame({"nom": [XSS_NAME, "Gare"]},
                           geometry=[shapely.Point(3.02, 50.62), shapely.Point(3.07, 50.66)],
                           crs=4326)
    add_points(m, pts, label="Points", attribution="test", cluster=True)
    add_layer_control(m)
    return m


@needs_assets
def test_file_requests_nothing_and_leaves_the_map_as_it_was(hostile_map):
    before = asset_links(hostile_map)
    page = standalone_html(hostile_map, title="Population </title><script>alert(1)</script>")
    assert re.findall(r"<script[^>]*\bsrc=", page) == []
    assert re.findall(r"<link[^>]*stylesheet", page) == []
    assert "carnet-inline" not in page and "/app/static" not in page
    assert "L.map(" in page and "markerClusterGroup" in page  # Leaflet and the plugin inlined
    assert "url(data:image/png;base64," in page  # leaflet.css's layer-control icon
    assert "<title>Population &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert XSS_NAME not in page  # the hostile name is escaped as in the app
    assert asset_links(hostile_map) == before  # the app's map still loads the served files
    assert all(u.startswith(DEFAULT_BASE_URL) for u in before[0] + before[1])


@needs_assets
def test_tiles_are_left_out_of_the_file_and_said_so():
    m = base_map(tiles="OpenStreetMap")
    page = standalone_html(m, title="Carte")
    assert "tile.openstreetmap.org" not in page
    assert "<title>Carte (sans fond de carte en ligne)</title>" in page
    assert any(isinstance(c, folium.raster_layers.TileLayer) for c in m._children.values())


@pytest.mark.browser
@needs_assets
@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent")
def test_file_renders_with_every_request_aborted(hostile_map, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    path = tmp_path / "carte.html"
    path.write_text(standalone_html(hostile_map, title="Carte"), encoding="utf-8")
    requested, failed, console, dialogs = [], [], [], []
    with playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 768})
            page.route("**/*", lambda route: (requested.append(route.request.url),
                                              route.continue_() if route.request.url == path.as_uri()
                                              else route.abort()))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(path.as_uri())
            page.wait_for_selector(".leaflet-overlay-pane path", timeout=20_000)
            page.wait_for_timeout(500)
            polygons = page.locator(".leaflet-overlay-pane path").count()
            # the points (their own pane): a cluster icon, or circle markers once spread
            points = page.locator(".leaflet-container path").count() - polygons
            clusters = page.locator(".leaflet-container .marker-cluster").count()
            page.screenshot(path=str(tmp_path / "carte.png"))
        finally:
            browser.close()
    assert polygons == 6 and (points == 2 or clusters == 1), (polygons, points, clusters)
    assert requested == [path.as_uri()], requested  # the file itself, nothing else
    assert failed == [] and console == [] and dialogs == [], (failed, console, dialogs)
