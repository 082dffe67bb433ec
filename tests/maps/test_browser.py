"""The rendered map in a real headless Chromium, offline, served like the app.

Skipped when Debian's chromium, Playwright or the installed assets are missing.
"""

from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import geopandas as gpd
import pytest
import shapely

from carnet.maps import add_layer_control, add_points, choropleth
from carnet.maps.assets import STATIC_DIR, is_installed
from tests.maps.conftest import XSS_NAME
from tests.support import CHROMIUM, launch_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent"),
    pytest.mark.skipif(not is_installed(), reason="assets non installés (make assets)"),
]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D102
        pass


@pytest.fixture
def served(tmp_path, communes):
    """Serve the map at /map.html and the real static/ at /app/static (like Streamlit)."""
    playwright = pytest.importorskip("playwright.sync_api")
    (tmp_path / "app").mkdir()
    shutil.copytree(STATIC_DIR / "vendor", tmp_path / "app" / "static" / "vendor")
    m = choropleth(
        communes, "valeur", label="Population", unit="hab.", source="INSEE", vintage=2022
    )
    pts = gpd.GeoDataFrame({"nom": [XSS_NAME]}, geometry=[shapely.Point(3.02, 50.62)], crs=4326)
    add_points(m, pts, label="Points", attribution="test", cluster=True)
    add_layer_control(m)
    (tmp_path / "map.html").write_text(m.get_root().render(), encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield playwright, f"http://127.0.0.1:{server.server_address[1]}/map.html"
    finally:
        server.shutdown()
        server.server_close()


def test_map_renders_offline_and_safely(served):
    playwright, url = served
    with playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 700})
            outside, dialogs, errors = [], [], []
            page.on(
                "request",
                lambda r: None if r.url.startswith("http://127.0.0.1") else outside.append(r.url),
            )
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.wait_for_function(
                "document.querySelectorAll('path.leaflet-interactive').length >= 6"
            )
            assert errors == []
            assert outside == []
            # missing value drawn with the hatch pattern, listed in the legend
            assert page.locator("#carnet-na-hatch").count() == 1
            fills = page.eval_on_selector_all(
                "path.leaflet-interactive", "els => els.map(e => e.getAttribute('fill'))"
            )
            assert sum("carnet-na-hatch" in f for f in fills) == 1
            legend = page.inner_text(".carnet-legend:not(.carnet-point-legend)")
            assert page.inner_text(".carnet-point-legend") == "Points"  # #9: the points' legend
            assert "non publié" in legend and "INSEE, 2022" in legend and "(hab.)" in legend
            assert page.locator(".leaflet-control-layers").count() == 1
            # hovering the hostile commune shows its name as text, not as an element
            center = page.evaluate(
                """() => {
                  let pt = null;
                  const m = Object.values(window).find(v => v instanceof L.Map);
                  m.eachLayer(l => {
                    if (l.feature && l.feature.properties.code === "59002" && l.getBounds) {
                      pt = m.latLngToContainerPoint(l.getBounds().getCenter());
                    }
                  });
                  return [pt.x, pt.y];
                }"""
            )
            page.mouse.move(center[0], center[1])
            tooltip = page.locator(".leaflet-tooltip")
            tooltip.wait_for()
            assert XSS_NAME in tooltip.inner_text()
            assert page.locator(".leaflet-tooltip img").count() == 0
            page.wait_for_timeout(200)
            assert dialogs == []
            # the click payload (st_folium's last_active_drawing) carries the code
            clicked = page.evaluate(
                """() => {
                  let out = null;
                  const m = Object.values(window).find(v => v instanceof L.Map);
                  m.eachLayer(l => {
                    if (l.feature && l.feature.properties.code === "59000" && l.getBounds) {
                      out = l.toGeoJSON();
                    }
                  });
                  return out;
                }"""
            )
            assert clicked == {
                "type": "Feature",
                "properties": {"code": "59000", "nom": "Commune 0"},
                "geometry": None,
            }
        finally:
            browser.close()
