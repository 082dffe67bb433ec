"""Real-browser acceptance: the app works offline, draws the commune map, and its URLs reopen views.

Playwright aborts every request that does not go to the local server, so a map that
still needed a CDN (Leaflet, fonts, tiles) would fail here. Needs Debian's chromium
(``apt-get install -y chromium``), the offline map assets
(``python -m carnet.maps.assets install``) and the real sources ($CARNET_SOURCES).
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT
from tests.support import CHROMIUM, require_map_assets, streamlit_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent"),
]


@pytest.fixture(scope="module")
def server(built_cache):
    require_map_assets()
    with streamlit_app({**os.environ, "CARNET_CACHE": str(built_cache)}, ROOT) as url:
        yield url


#: The commune map of the Territoire page: the fast component (the default) or, with a
#: point layer or ``CARNET_FAST_MAP=0``, streamlit-folium's iframe.
MAP_IFRAME = "iframe[title*='carnet_fastmap'], iframe[title*='streamlit_folium']"


def _map_frame(page):
    """The Leaflet iframe of the page's commune map, once its commune paths are drawn.

    The commune map is the first map iframe in the page: the Territoire page's carnet
    sections draw their own (heritage) map below it, whose 70 point markers are paths
    too and may be painted first, so the frame is taken by its place, not by who paints first.
    """
    page.wait_for_selector(MAP_IFRAME, timeout=60_000)
    for _ in range(120):
        handle = page.locator(MAP_IFRAME).first.element_handle()
        frame = handle.content_frame() if handle else None
        if frame is not None and frame.locator("path.leaflet-interactive").count() > 50:
            return frame
        time.sleep(0.5)
    raise AssertionError("aucun polygone de commune dessiné dans la carte")


LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Streamlit's own client, on a deep link (``/territoire?…``), probes ``/territoire/_stcore/health``
# and ``/territoire/_stcore/host-config`` before it finds the server at the root: two 404s
# logged as console errors by Chromium. They are the only console errors tolerated, and only
# these exact URLs (any other 404 or error fails the test).
STREAMLIT_DEEP_LINK_PROBES = ("/_stcore/health", "/_stcore/host-config")


class OfflinePage:
    """A page whose requests leave 127.0.0.1 never (aborted), with its console errors."""

    def __init__(self, browser, width: int = 1440, height: int = 1000):
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _console(self, msg) -> None:
        if msg.type != "error":
            return
        where = urlparse(msg.location.get("url") or "")
        page_path = where.path.rsplit("/_stcore/", 1)[0]
        probe = (where.path.endswith(STREAMLIT_DEEP_LINK_PROBES) and page_path not in ("", "/")
                 and "404" in msg.text)
        if not probe:
            self.errors.append(f"{msg.text} ({msg.location.get('url')})")

    def new_page(self):
        """Another tab of the same (offline) context, with the same console watch."""
        page = self.context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        return page


def _hover_tooltip(frame) -> str:
    """Hover the map until a commune tooltip shows; its text."""
    box = frame.locator(".leaflet-container").bounding_box()
    tooltip = frame.locator(".leaflet-tooltip")
    for dx, dy in ((0.5, 0.5), (0.4, 0.45), (0.6, 0.55), (0.45, 0.6), (0.55, 0.4)):
        frame.locator(".leaflet-container").hover(
            position={"x": box["width"] * dx, "y": box["height"] * dy})
        try:
            tooltip.first.wait_for(state="visible", timeout=3_000)
            return tooltip.first.inner_text()
        except Exception:  # noqa: BLE001 - a hole between polygons: try elsewhere
            continue
    raise AssertionError("aucune infobulle au survol de la carte")


def _widgets(page) -> dict[str, str]:
    """The territory, indicator and class widgets as the user sees them."""
    def combo(label: str) -> str:
        return page.locator(f"input[role='combobox'][aria-label='{label}']").input_value()

    checked = page.locator("[data-testid='stRadio'] label[data-selected='true']").first.inner_text()
    return {"territoire": combo("Territoire de contrat"), "indicateur": combo("Indicateur"),
            "classes": checked.strip()}


def _wait_quiet(page, timeout: float = 30) -> None:
    """Wait until Streamlit has finished the current run (no 'Running' status widget)."""
    end = time.time() + timeout
    time.sleep(0.5)
    while time.time() < end and page.locator("[data-testid='stStatusWidget']").count():
        time.sleep(0.2)



def test_offline_territory_map_draws_communes_and_tooltips(server, browser):
    off = OfflinePage(browser)
    page = off.page
    # A permalink opened first after the server start (the legacy pages/ trap).
    page.goto(f"{server}/territoire?territoire=cambresis&indicateur=taux_chomage_2022")
    page.wait_for_selector("h1:has-text('Cambrésis')", timeout=60_000)
    frame = _map_frame(page)
    assert frame.locator("path.leaflet-interactive").count() >= 116  # Cambrésis communes (+ EPCI)
    page.locator(MAP_IFRAME).first.scroll_into_view_if_needed()
    time.sleep(1)
    text = _hover_tooltip(frame)
    assert "Taux de chômage" in text and "%" in text
    assert "Taux de chômage" in frame.locator(".carnet-legend").inner_text()
    _wait_quiet(page)
    page.screenshot(path=str(ARTIFACTS / "territoire-cambresis.png"))
    assert off.blocked == [], off.blocked  # nothing even tried to leave the machine
    assert off.errors == [], off.errors
    off.context.close()


def test_offline_copied_url_reopens_same_view(server, browser):
    off = OfflinePage(browser)
    page = off.page
    page.goto(f"{server}/territoire?territoire=cambresis")
    page.wait_for_selector("h1:has-text('Cambrésis')", timeout=60_000)
    _map_frame(page)
    # The user picks an indicator and a classification…
    combo = page.locator("input[role='combobox'][aria-label='Indicateur']")
    combo.click()
    combo.fill("Densité")
    page.locator("[role='option']", has_text="Densité de population 2022").first.click()
    page.wait_for_url("**indicateur=densite_2022**", timeout=30_000)
    _wait_quiet(page)
    page.locator("[data-testid='stRadio'] label", has_text="Seuils naturels").click()
    page.wait_for_url("**classes=natural_breaks**", timeout=30_000)
    _wait_quiet(page)
    seen = _widgets(page)
    assert seen == {"territoire": "Cambrésis", "indicateur": "Population — Densité de population 2022",
                    "classes": "Seuils naturels (Jenks)"}
    copied = page.url
    assert "territoire=cambresis" in copied
    # …copies the address and opens it in a new tab (a new Streamlit session).
    other = off.new_page()
    other.goto(copied)
    other.wait_for_selector("h1:has-text('Cambrésis')", timeout=60_000)
    frame = _map_frame(other)
    _wait_quiet(other)
    assert _widgets(other) == seen
    assert "Densité de population" in frame.locator(".carnet-legend").inner_text()
    assert off.blocked == [], off.blocked
    assert off.errors == [], off.errors
    off.context.close()
