"""Real-browser smoke test: the app starts, the commune map draws and shows tooltips.

Needs Debian's chromium (``apt-get install -y chromium``), the offline map assets
(``python -m carnet.maps.assets install``) and the real sources ($CARNET_SOURCES).
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(built_cache):
    from carnet.maps.assets import is_installed

    if not is_installed():
        pytest.skip("bibliothèques cartographiques absentes : python -m carnet.maps.assets install")
    port = _free_port()
    env = {**os.environ, "CARNET_CACHE": str(built_cache)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("le serveur Streamlit n'a pas démarré")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _map_frame(page):
    """The Leaflet iframe of streamlit-folium, once its commune paths are drawn."""
    page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=60_000)
    for _ in range(120):
        for frame in page.frames:
            if frame.locator("path.leaflet-interactive").count() > 50:
                return frame
        time.sleep(0.5)
    raise AssertionError("aucun polygone de commune dessiné dans la carte")


def test_territory_map_draws_communes_and_tooltips(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        # A permalink opened first after the server start (the legacy pages/ trap).
        page.goto(f"{server}/territoire?territoire=cambresis&indicateur=taux_chomage_2022")
        page.wait_for_selector("h1:has-text('Cambrésis')", timeout=60_000)
        frame = _map_frame(page)
        paths = frame.locator("path.leaflet-interactive")
        assert paths.count() >= 116  # the Cambrésis communes (plus EPCI outlines)
        page.locator("iframe[title*='streamlit_folium']").first.scroll_into_view_if_needed()
        time.sleep(1)
        box = frame.locator(".leaflet-container").bounding_box()
        tooltip = frame.locator(".leaflet-tooltip")
        for dx, dy in ((0.5, 0.5), (0.4, 0.45), (0.6, 0.55), (0.45, 0.6)):
            frame.locator(".leaflet-container").hover(
                position={"x": box["width"] * dx, "y": box["height"] * dy})
            try:
                tooltip.first.wait_for(state="visible", timeout=3_000)
                break
            except Exception:  # noqa: BLE001 - a hole between polygons: try elsewhere
                continue
        text = tooltip.first.inner_text()
        assert "Taux de chômage" in text and "%" in text
        page.screenshot(path=str(ARTIFACTS / "territoire-cambresis.png"))
        assert frame.locator(".leaflet-control-layers").count() == 1
        browser.close()
