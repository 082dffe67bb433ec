"""The fast commune map (the default; issue #12 §1) in a real browser, on the Nord pack.

The Territoire page of the Cambrésis: polygons drawn from the static geometry file, legend,
tooltip; an indicator change restyles the same Leaflet map (a marker left on the component
frame's window survives, ``__carnetFast.restyles`` grows, the geometry is not fetched again)
and recolours the polygons; a click selects the commune (URL updated). Screenshots go to
``test-artifacts/``.
"""

from __future__ import annotations

import pytest

from carnet.maps.atlas import SELECTED_COLOR
from tests.browser.conftest import ARTIFACTS, ROOT
from tests.support import BROWSER_APP, require_map_assets, server_env, streamlit_app

FAST_FRAME = "iframe[title*='carnet_fastmap']"
_FILLS = "() => Array.from(document.querySelectorAll('path.carnet-commune')).map(p => p.getAttribute('fill'))"

pytestmark = BROWSER_APP


@pytest.fixture(scope="module")
def fast_app(built_cache, tmp_path_factory):
    """Base URL of the app with the fast map switched on."""
    require_map_assets()
    env = {**server_env(built_cache, tmp_path_factory.mktemp("fast")), "CARNET_FAST_MAP": "1"}
    with streamlit_app(env, ROOT) as url:
        yield url


def test_indicator_change_restyles_without_remount_and_click_selects(fast_app, browser):
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    errors: list[str] = []
    geo_fetches: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: geo_fetches.append(r.url) if "/static/geo/nord-" in r.url else None)
    page.goto(f"{fast_app}/territoire?territoire=cambresis&indicateur=taux_chomage_2022")
    page.wait_for_selector("h1", timeout=60_000)
    iframe = page.locator(FAST_FRAME).first
    iframe.wait_for(timeout=60_000)
    frame = iframe.element_handle().content_frame()
    frame.wait_for_selector("path.carnet-commune", timeout=60_000)
    frame.wait_for_function("() => window.__carnetFast.painted >= 1", timeout=30_000)
    assert frame.locator("path.carnet-commune").count() == 116  # the Cambrésis's communes
    # Leaflet asked for once, at the frame's load (the address guessed from the frame's own
    # path is the one the render gives: no second load)
    assert frame.evaluate("""() => performance.getEntriesByType('resource')
        .filter(e => e.name.endsWith('/app/static/vendor/leaflet-1.9.4/leaflet.js')).length""") == 1
    assert "Taux de chômage" in frame.locator(".carnet-legend").inner_text()
    frame.evaluate("() => { window.__carnetTestMark = 'same-frame'; }")
    before = frame.evaluate(_FILLS)
    restyles = frame.evaluate("() => window.__carnetFast.restyles")
    outlines = frame.evaluate("""() => {
        const ps = document.querySelectorAll('.leaflet-carnet-contours-pane path');
        ps.forEach(p => { p.__carnetKept = true; });
        return ps.length; }""")
    assert outlines >= 1  # the Cambrésis's EPCI outlines

    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    tooltip = frame.locator(".carnet-tooltip")
    tooltip.wait_for(timeout=10_000)
    assert "Taux de chômage des 15-64 ans 2022" in tooltip.inner_text()
    assert "EPCI" in tooltip.inner_text()

    combo = page.locator("input[role='combobox'][aria-label='Indicateur']")
    combo.click()
    combo.fill("75 ans ou plus")
    page.locator("[role='option']", has_text="Part des 75 ans").first.click()
    page.wait_for_url("**indicateur=part_75plus**", timeout=30_000)
    frame.wait_for_function(f"() => window.__carnetFast.painted > {restyles}", timeout=30_000)
    assert frame.evaluate("() => window.__carnetTestMark") == "same-frame"  # not remounted
    after = frame.evaluate(_FILLS)
    assert len(after) == len(before) and after != before  # recoloured
    assert "Part des 75 ans" in frame.locator(".carnet-legend").inner_text()
    # same EPCI, same outlines: their SVG paths are kept, not rebuilt at each change
    assert frame.evaluate("""() => Array.from(document.querySelectorAll(
        '.leaflet-carnet-contours-pane path')).filter(p => p.__carnetKept).length""") == outlines
    assert len(geo_fetches) == 1, geo_fetches  # the geometry came once

    iframe.scroll_into_view_if_needed()  # the combobox scrolled the page
    box = iframe.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.screenshot(path=str(ARTIFACTS / "fastmap-territoire-1024.png"))
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.get_by_text("Commune sélectionnée").wait_for(timeout=30_000)
    page.wait_for_url("**commune=59*", timeout=30_000)
    # the clicked commune outlined on the same map (one outline pane: EPCI + selection)
    frame.wait_for_function(f"() => window.__carnetFast.painted > {restyles + 1}", timeout=30_000)
    assert frame.evaluate(f"""() => Array.from(document.querySelectorAll(
        '.leaflet-carnet-contours-pane path')).filter(p => p.getAttribute('stroke') === '{SELECTED_COLOR}'
        ).length""") >= 1
    assert frame.evaluate("() => window.__carnetTestMark") == "same-frame"
    page.close()
    assert errors == []
