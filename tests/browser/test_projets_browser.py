"""Real-browser test of the Plan d'actions page: hostile titles stay text, the map draws.

A temporary SQLite registry holds two projects in Cambrai titled
``<img src=x onerror=alert(1)>`` and ``{{ 7*7 }}`` (plus the seed projects the app adds);
the app runs on it in a Streamlit server, and headless chromium checks the table, the
fiche and the map tooltips, then the illustrative-data banner after ``demo-projets``.
Needs Debian's chromium, the offline map assets and $CARNET_SOURCES. Screenshots go to
``test-artifacts/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT
from tests.support import BROWSER_APP, chromium, require_map_assets, streamlit_app

XSS = "<img src=x onerror=alert(1)>"
TEMPLATE = "{{ 7*7 }}"
FAST_FRAME = "iframe[title*='carnet_projets']"
MAP_FRAME = f"{FAST_FRAME}, iframe[title*='streamlit_folium']"

pytestmark = BROWSER_APP


@pytest.fixture(scope="module")
def registry(built_cache, tmp_path_factory):
    """Database URL of a registry with the two hostile titles, and the server's env."""
    require_map_assets()
    url = f"sqlite:///{tmp_path_factory.mktemp('registre') / 'projets.sqlite'}"
    env = {**os.environ, "CARNET_CACHE": str(built_cache), "CARNET_DATABASE_URL": url}
    script = (
        "from carnet.db import get_engine\n"
        "from carnet.projets.repository import ProjetRepository\n"
        "from carnet.projets.territory import TerritoryContext\n"
        "import os, sys\n"
        "repo = ProjetRepository(get_engine(os.environ['CARNET_DATABASE_URL']),"
        " TerritoryContext.load('nord'))\n"
        "for titre, statut, orientation in ((sys.argv[1], 'engage', 'cohesion'),"
        " (sys.argv[2], 'idee', 'environnement')):\n"
        "    repo.create({'titre': titre, 'commune': '59122', 'territoire': 'cambresis',"
        " 'categorie': 'mod', 'statut': statut, 'orientation': orientation}, user='test')\n"
    )
    subprocess.run([sys.executable, "-c", script, XSS, TEMPLATE], cwd=ROOT, env=env, check=True)
    return url, env


@pytest.fixture(scope="module")
def server(registry):
    _, env = registry
    with streamlit_app(env, ROOT) as url:
        yield url


@pytest.fixture
def page(server):
    """A chromium page recording dialogs (dismissed) and uncaught JS errors."""
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        pg = browser.new_page(viewport={"width": 1440, "height": 1000})
        pg.dialogs, pg.errors = [], []
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.goto(f"{server}/plan_actions")
        pg.wait_for_selector("h1:has-text(\"Plan d'actions\")", timeout=60_000)
        yield pg


def _map_frame(page):
    """The Leaflet frame once the project clusters or markers are drawn."""
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    for _ in range(120):
        for frame in page.frames:
            if frame.locator(".marker-cluster, .leaflet-carnet-projets-pane path").count():
                return frame
        time.sleep(0.5)
    raise AssertionError("aucun projet dessiné sur la carte")


def _no_injected_img(page) -> None:
    for frame in page.frames:
        assert frame.locator('img[src="x"]').count() == 0, frame.url


def _tooltips(page, frame) -> list[str]:
    """Spiderfy the Cambrai cluster (projects at the same point) and hover each marker."""
    page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
    for _ in range(4):  # a cluster click zooms in, or spiderfies at the maximum zoom
        cluster = frame.locator(".marker-cluster").filter(has_text="5")
        if not cluster.count():
            break
        cluster.first.click()
        time.sleep(1.5)
    texts = []
    markers = frame.locator(".leaflet-carnet-projets-pane path.leaflet-interactive")
    for i in range(markers.count()):
        try:
            markers.nth(i).hover(timeout=3_000)
            tip = frame.locator(".leaflet-tooltip").last
            tip.wait_for(state="visible", timeout=3_000)
            texts.append(tip.inner_text())
        except Exception:  # noqa: BLE001 - a marker under another one: try the next
            continue
    return texts


def test_hostile_titles_stay_text_in_map_table_and_fiche(page):
    frame = _map_frame(page)
    assert frame.locator(".carnet-label").count() > 0  # offline background: commune names
    assert frame.locator(".carnet-legend").count() == 1
    tips = _tooltips(page, frame)
    page.screenshot(path=str(ARTIFACTS / "plan-actions-carte.png"))
    assert any(XSS in t for t in tips), tips
    tpl = [t for t in tips if TEMPLATE in t]
    assert tpl and all("49" not in t for t in tpl), tips
    _no_injected_img(page)

    page.get_by_role("tab", name="Tableau", exact=True).click()
    grid = page.get_by_role("tabpanel", name="Tableau").get_by_test_id("stDataFrame")
    grid.locator("[role=gridcell]").first.wait_for(state="attached", timeout=30_000)  # a11y copy
    cells = grid.locator("[role=gridcell]").all_inner_texts()
    assert XSS in cells and TEMPLATE in cells and "49" not in cells
    page.screenshot(path=str(ARTIFACTS / "plan-actions-tableau.png"))

    for title, name in ((XSS, "xss"), (TEMPLATE, "template")):
        box = page.get_by_test_id("stSelectbox").filter(has_text="Fiche du projet")
        box.click()
        page.keyboard.type(title)
        page.get_by_role("option", name=title).first.click()
        table = page.locator(".carnet-fiche")  # escaped HTML (carnet.ui.plain.table)
        table.filter(has_text=title).wait_for(timeout=30_000)
        row = table.locator("tr").filter(has_text="Titre").first.inner_text()
        assert title in row and "49" not in row
        page.screenshot(path=str(ARTIFACTS / f"plan-actions-fiche-{name}.png"))
    _no_injected_img(page)
    assert page.dialogs == [], page.dialogs
    assert page.errors == [], page.errors


def test_placeholders_are_french(page):
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stMultiSelect").first.wait_for(timeout=30_000)
    # the fiche picker sits in the "Tableau" tab, made only once the tab is open
    page.get_by_role("tab", name="Tableau", exact=True).click()
    page.get_by_test_id("stSelectbox").filter(has_text="Fiche du projet").wait_for(
        state="attached", timeout=30_000)
    # [placeholder, widget label]; the app-wide "Territoire de contrat" (app.py) excepted.
    # Widgets are re-rendered while the page settles: poll until the expected ones are there.
    expected = (["Tous (choisir pour filtrer)", "Statut"], ["Choisir…", "Fiche du projet"])
    for _ in range(60):
        holders = [h for h in page.locator("input[placeholder]").evaluate_all(
            "els => els.map(e => [e.getAttribute('placeholder'), (e.closest("
            "'[data-testid=stSelectbox],[data-testid=stMultiSelect]') || {}).innerText || ''])")
            if h[1] and not h[1].startswith("Territoire de contrat")]
        if all(e in holders for e in expected):
            break
        page.wait_for_timeout(500)
    assert ["Tous (choisir pour filtrer)", "Statut"] in holders, holders
    assert ["Choisir…", "Fiche du projet"] in holders, holders
    assert not any(h.startswith("Choose") for h, _ in holders), holders
    assert page.get_by_text("Choose an option").count() == 0
    assert page.get_by_text("Choose options").count() == 0


def test_illustrative_banner_follows_what_is_shown(registry, server, page):
    banner = page.get_by_text("illustratif(s) affiché(s)")
    _map_frame(page)
    assert banner.count() == 0  # no illustrative record yet
    _, env = registry
    subprocess.run([sys.executable, "-m", "carnet", "demo-projets", "--pack", "nord",
                    "--territoire", "cambresis", "--n", "280"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    page.reload()
    page.get_by_text("280 projet(s) illustratif(s) affiché(s)").wait_for(timeout=60_000)
    _map_frame(page)
    time.sleep(1)
    page.screenshot(path=str(ARTIFACTS / "plan-actions-illustratifs.png"))
    page.get_by_test_id("stSidebar").get_by_text("Inclure les projets illustratifs").click()
    page.get_by_text("illustratif(s) affiché(s)").wait_for(state="detached", timeout=30_000)
    assert page.errors == [], page.errors


def _state(page) -> dict:
    return page.frame_locator(FAST_FRAME).first.locator("body").evaluate(
        "() => ({renders: window.__carnetProjets.renders, updates: window.__carnetProjets.updates,"
        " drawn: window.__carnetProjets.map ? document.querySelectorAll("
        "'.marker-cluster, .leaflet-carnet-projets-pane path').length : 0})")


def test_filter_change_keeps_the_frame_and_a_page_come_back_asks_once(page):
    """#12 §2: a filter sends a mask to the same frame; a new frame asks for the registry.

    The Cambrésis is chosen first (the fixture's projects are there): from « Tous les
    territoires », a visit to Territoire sometimes leaves its first territory as the Plan
    d'actions filter (an open bug, see the #12 note of 4 December), which is not this test's
    subject."""
    page.goto(page.url.split("/plan_actions")[0] + "/plan_actions?territoire=cambresis")
    page.wait_for_selector("h1:has-text(\"Plan d'actions\")", timeout=60_000)
    _map_frame(page)
    banner = page.get_by_text("illustratif(s) affiché(s)")
    if banner.count():  # the illustrative test ran first: keep to the fixture's two projects
        page.get_by_test_id("stSidebar").get_by_text("Inclure les projets illustratifs").click()
        banner.wait_for(state="detached", timeout=30_000)
        _map_frame(page)
    frame_el = page.locator(FAST_FRAME).first.element_handle()
    before = _state(page)
    assert before["renders"] >= 1 and before["drawn"] > 0
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text="Statut")
    box.locator("input").focus()
    page.keyboard.type("Engag")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_text("1 projet(s) sur la carte").wait_for(timeout=30_000)  # the hostile engaged one
    for _ in range(60):
        after = _state(page)
        if after["updates"] > before["updates"] and after["drawn"] == 1:
            break
        page.wait_for_timeout(250)
    assert after["drawn"] == 1, after  # one marker: the engaged project of the registry fixture
    assert page.evaluate("([a, b]) => a === b",
                         [frame_el, page.locator(FAST_FRAME).first.element_handle()])

    page.get_by_role("link", name="Territoire").first.evaluate("e => e.click()")
    page.get_by_role("heading", name="Chiffres clés").first.wait_for(timeout=60_000)
    page.get_by_role("link", name="Plan d'actions").first.evaluate("e => e.click()")
    _map_frame(page)
    for _ in range(60):
        back = _state(page)
        if back["drawn"] == 1:
            break
        page.wait_for_timeout(250)
    assert back["drawn"] == 1 and back["renders"] == 2, back  # asked once, then drawn
    assert page.errors == [], page.errors
