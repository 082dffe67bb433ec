"""Real-browser checks of issue #9 (no dead end, projector and keyboard), as a user would do.

One Streamlit server on a temporary registry (the seed's 10 projects) with an editor account;
headless chromium at 1024×768 (a common projector) and 1280 px. Needs Debian's chromium, the
offline map assets and $CARNET_SOURCES. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT
from tests.support import BROWSER_APP, require_map_assets, server_env, sidebar_login, streamlit_app

MAP_FRAME = "iframe[title*='carnet_projets'], iframe[title*='streamlit_folium']"
#: The Territoire page's commune map: the fast component by default (folium with point layers).
TERRITOIRE_MAP = "iframe[title*='carnet_fastmap'], iframe[title*='streamlit_folium']"

pytestmark = BROWSER_APP


@pytest.fixture(scope="module")
def server(built_cache, tmp_path_factory):
    """(base URL, registry path) of an app with an editor account ``marie``."""
    require_map_assets()
    tmp = tmp_path_factory.mktemp("ux")
    db = tmp / "projets.sqlite"
    env = server_env(built_cache, tmp)
    with streamlit_app(env, ROOT) as url:
        yield url, db


def _open(browser, url: str, width: int = 1024, height: int = 768):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    return page, errors


def _sign_in(page) -> None:
    sidebar_login(page, "marie", "editeur-demo", unfold="if-folded")


def _fr(text: str) -> float:
    return float(text.replace(",", "."))


def test_map_click_places_the_edited_project(server, browser):
    """Edit a seed project in Cambrai, click the map, save: the point is the click.

    Before #9 the click was dropped whenever « Localisation » stayed on « Commune (centre) »
    (the default): the project went back to the centre of Cambrai.
    """
    url, db = server
    page, errors = _open(browser, f"{url}/plan_actions", 1280, 1400)
    _sign_in(page)
    page.get_by_role("tab", name="Tableau", exact=True).click()
    page.get_by_label("Fiche du projet").click()
    page.keyboard.type("Collège à Cambrai")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Modifier").click()
    page.get_by_role("tab", name="Saisie", exact=True).click()
    page.get_by_text("Modifier le projet n°").wait_for(timeout=30_000)

    page.get_by_role("tab", name="Carte", exact=True).click()
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    page.wait_for_timeout(3000)  # the polygons are drawn after the container
    box = page.locator(MAP_FRAME).first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5)

    page.get_by_role("tab", name="Saisie", exact=True).click()
    caption = page.get_by_text("Point cliqué sur la carte")
    caption.wait_for(timeout=30_000)
    m = re.search(r"([\d,]+)° N, ([\d,]+)° E", caption.inner_text())
    lat, lon = _fr(m.group(1)), _fr(m.group(2))
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("enregistré (version 2)").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "ux-clic-carte.png"))
    page.close()

    with sqlite3.connect(db) as con:
        stored = con.execute("SELECT lon, lat, commune FROM projet WHERE titre LIKE 'Collège à Cambrai%'"
                             ).fetchone()
    assert stored[0] == pytest.approx(lon, abs=1e-5) and stored[1] == pytest.approx(lat, abs=1e-5)
    assert (round(stored[0], 5), round(stored[1], 5)) != (3.24131, 50.17217)  # not Cambrai's centre
    assert errors == []


def test_new_project_needs_a_categorie(server, browser):
    """No silent « Maîtrise d'ouvrage départementale »: the catégorie starts empty and is required."""
    url, db = server
    page, errors = _open(browser, f"{url}/plan_actions", 1280, 1400)
    _sign_in(page)
    page.get_by_role("tab", name="Saisie", exact=True).click()
    page.get_by_text("Nouveau projet").wait_for(timeout=30_000)
    form = page.locator('[data-testid="stForm"]')
    assert "Maîtrise d'ouvrage départementale" not in form.inner_text()
    page.get_by_label("Titre *").fill("Projet sans catégorie")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("choisissez sa catégorie").wait_for(timeout=30_000)
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM projet WHERE titre = 'Projet sans catégorie'"
                           ).fetchone()[0] == 0
    page.close()
    assert errors == []


_FOCUS_IN_MAP = """() => {
  const a = document.activeElement;
  if (!a || a.tagName !== 'IFRAME') { return null; }
  let f = a.contentDocument && a.contentDocument.activeElement;
  if (f && f.tagName === 'IFRAME') { f = f.contentDocument.activeElement; }
  return f ? f.tagName + '.' + (f.getAttribute('class') || '') : 'iframe';
}"""


def test_map_is_one_tab_stop_and_projector_layout(server, browser):
    """Territoire at 1024×768: the sidebar starts folded, the map takes a handful of tab stops
    (not one per commune), its attribution is one short line, nothing scrolls sideways."""
    url, _ = server
    page, errors = _open(browser, f"{url}/territoire?territoire=cambresis&carte=epci,gares")
    frame = page.frame_locator(TERRITOIRE_MAP).first
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    page.wait_for_timeout(3000)
    in_map = []
    for _ in range(90):
        page.keyboard.press("Tab")
        where = page.evaluate(_FOCUS_IN_MAP)
        if where is not None:
            in_map.append(where)
        elif in_map:
            break  # left the map
    assert in_map, "the map was never reached with Tab"
    assert not any(w.startswith("path") for w in in_map)  # communes are not tab stops
    assert len(in_map) <= 10, in_map  # container, zoom ±, layer boxes, « Sources »

    attribution = frame.locator(".leaflet-control-attribution")
    closed = attribution.bounding_box()
    assert closed["height"] < 30 and closed["width"] < 120  # « Sources », the list folded
    attribution.get_by_role("button", name="Sources").click()
    opened = attribution.bounding_box()
    assert opened["width"] > closed["width"] and "INSEE" in attribution.inner_text()
    assert frame.locator(".carnet-point-legend").inner_text().startswith("Gares de voyageurs")

    assert page.locator('[data-testid="stExpandSidebarButton"]').is_visible()  # sidebar folded
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1024
    page.screenshot(path=str(ARTIFACTS / "ux-territoire-1024.png"))
    page.close()
    assert errors == []


def test_keyboard_selects_a_commune_on_the_map(server, browser):
    """At 1280 px (sidebar open, nav links named by their text): Entrée on the focused map walks
    the communes; Entrée on one selects it."""
    url, _ = server
    page, errors = _open(browser, f"{url}/territoire?territoire=cambresis", 1280, 1000)
    frame = page.frame_locator(TERRITOIRE_MAP).first
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    page.wait_for_timeout(3000)
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.get_by_role("link", name="Accueil", exact=True).count() == 1  # not « home Accueil »
    assert page.locator('[data-testid="stSidebarCollapseButton"]').count() == 1  # 1280 px: open
    frame.locator(".leaflet-container").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.get_by_text("Commune sélectionnée").wait_for(timeout=30_000)
    page.close()
    assert errors == []


@pytest.mark.parametrize("width", [1024, 1280])
def test_comparer_table_fits_the_projector(server, browser, width):
    """Comparer at 1024 and 1280 px (sidebar open at 1280): seven territories and six
    indicators fit the width, headers wrapped, no sideways scrolling of the table."""
    url, _ = server
    page, errors = _open(browser, f"{url}/comparer", width=width)
    table = page.locator(".carnet-compare")
    table.wait_for(timeout=60_000)
    assert table.locator("tbody tr").count() == 8  # seven territories and the département
    widths = table.evaluate("d => [d.scrollWidth, d.clientWidth]")
    assert widths[0] <= widths[1], widths
    box = table.bounding_box()
    assert box["x"] + box["width"] <= width
    page.screenshot(path=str(ARTIFACTS / f"ux-comparer-{width}.png"))
    page.close()
    assert errors == []


_CENTRE_OF = """code => {
  const k = Object.keys(window).find(k => k.startsWith('map_') && window[k] && window[k].eachLayer);
  const m = window.__carnetFast ? window.__carnetFast.map : window[k]; let out = null;
  const codeOf = l => l._carnetCode || (l.feature && l.feature.properties && l.feature.properties.code);
  m.eachLayer(l => { if (!out && l.getBounds && codeOf(l) === code) {
    m.fitBounds(l.getBounds(), {animate: false});
    const p = m.latLngToContainerPoint(l.getBounds().getCenter()); out = [p.x, p.y]; } });
  return out;
}"""


def test_click_on_the_merged_commune_opens_its_own_fiche(server, browser):
    """Sambre-Avesnois, a 2025-geography indicator: the polygon of L'Orée de Mormal (code 59006,
    Amfroipret's before the merger) selects the merged commune and opens its fiche, not
    Amfroipret's."""
    url, _ = server
    page, errors = _open(browser, f"{url}/territoire?territoire=sambre-avesnois&indicateur=pop_2022",
                         1280, 1000)
    iframe = page.locator(TERRITOIRE_MAP).first
    iframe.element_handle().content_frame().wait_for_selector(".leaflet-container", timeout=60_000)
    iframe.scroll_into_view_if_needed()
    page.wait_for_timeout(3000)
    frame = iframe.element_handle().content_frame()
    frame.evaluate(_CENTRE_OF, "59006")
    page.wait_for_timeout(1000)
    x, y = frame.evaluate(_CENTRE_OF, "59006")
    box = iframe.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    selected = page.get_by_text("Commune sélectionnée")
    selected.wait_for(timeout=30_000)
    assert "L'Orée de Mormal (59006)" in selected.inner_text()
    page.get_by_role("link", name="Ouvrir la fiche de L'Orée de Mormal").click()
    page.get_by_role("heading", name="L'Orée de Mormal (59006)").wait_for(timeout=30_000)
    assert "commune=59006%402025" in page.url
    assert page.get_by_role("link", name="Fiche de l'ancienne commune Amfroipret (59006)").count() == 1
    page.screenshot(path=str(ARTIFACTS / "ux-commune-nouvelle-1280.png"))
    page.close()
    assert errors == []
