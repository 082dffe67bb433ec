"""Real browser: hostile contributions stay text from the participant's form to the queue,
the published list, the map's tooltips and popups; no dialog ever fires.

An editor opens an atelier on the Moderation page (signed in through the sidebar); a
participant (another browser context, no account) clicks the map, sends
``<img src=x onerror=alert(1)>`` (pseudonym ``**gras**``) and ``{{ 7*7 }}``; the editor
sees both literally in the queue and approves them; the participant's map then shows them
literally in the markers' tooltip and popup. Any ``alert`` would open a dialog: the test
records dialogs on every page and requires none. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import (
    BROWSER_APP,
    chromium,
    require_map_assets,
    server_env,
    sidebar_login,
    streamlit_app,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
IMG = "<img src=x onerror=alert(1)>"
JINJA = "{{ 7*7 }}"
MAP = "iframe[title='streamlit_folium.st_folium']"

pytestmark = BROWSER_APP


@pytest.fixture(scope="module")
def app(built_cache, tmp_path_factory):
    require_map_assets()
    tmp = tmp_path_factory.mktemp("ateliers_app")
    with streamlit_app(server_env(built_cache, tmp), ROOT) as url:
        yield url


def _idle(page) -> None:
    page.wait_for_timeout(500)
    for _ in range(120):
        if not page.locator("[data-testid='stStatusWidget']").count():
            break
        page.wait_for_timeout(500)
    page.wait_for_timeout(500)


def _watch(page, dialogs: list) -> None:
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))


def _send(page, texte: str, categorie: str, x: float, pseudo: str = "") -> None:
    leaflet = page.frame_locator(MAP).locator(".leaflet-container")
    leaflet.wait_for(timeout=60_000)
    box = leaflet.bounding_box()
    leaflet.click(position={"x": box["width"] * x, "y": box["height"] * 0.5})
    page.get_by_text("Lieu choisi").wait_for(timeout=30_000)
    page.get_by_text(categorie, exact=True).click()
    page.get_by_label(re.compile("Votre contribution")).fill(texte)
    page.get_by_label("Pseudonyme (facultatif)").fill(pseudo)
    _idle(page)
    page.get_by_role("button", name="Envoyer").click()
    page.get_by_text("Merci").wait_for(timeout=30_000)
    _idle(page)


def test_hostile_contributions_never_execute(app):
    ARTIFACTS.mkdir(exist_ok=True)
    dialogs: list[str] = []
    with chromium() as browser:
        ed = browser.new_page(viewport={"width": 1920, "height": 1080})
        _watch(ed, dialogs)
        ed.goto(f"{app}/moderation?territoire=cambresis")
        ed.wait_for_selector('h1:has-text("Ateliers")', timeout=90_000)
        sidebar_login(ed, "marie", "editeur-demo")
        _idle(ed)  # the login's rerun over before the form is used (a click mid-run is dropped)
        ed.get_by_text("Ouvrir un atelier").click()
        ed.get_by_label("Titre").fill("Atelier <b>mobilités</b>")
        _idle(ed)
        ed.get_by_role("button", name="Ouvrir l'atelier").click()
        flash = ed.get_by_text(re.compile("ouvert : code"))
        flash.wait_for(timeout=60_000)
        code = re.search(r"code (\w+)", flash.inner_text()).group(1)

        p = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
        _watch(p, dialogs)
        p.goto(f"{app}/atelier?atelier={code}")
        p.wait_for_selector('h1:has-text("Atelier <b>mobilités</b>")', timeout=90_000)
        _send(p, IMG, "Problème", 0.45, pseudo="**gras**")
        _send(p, JINJA, "Question", 0.55)
        p.screenshot(path=str(ARTIFACTS / "atelier_participant_1024.png"))

        ed.reload()
        ed.get_by_text("File d'attente (2)").wait_for(timeout=90_000)
        ed.locator(".carnet-queue").nth(1).wait_for(timeout=60_000)
        _idle(ed)
        queue = ed.locator(".carnet-queue td").all_inner_texts()
        assert IMG in queue and JINJA in queue and "**gras**" in queue
        assert ed.locator(".carnet-queue img, .carnet-queue b").count() == 0
        ed.screenshot(path=str(ARTIFACTS / "atelier_moderation_1920.png"))
        for n in (1, 0):
            ed.get_by_role("button", name="Approuver").first.click()
            ed.get_by_text(f"File d'attente ({n})").wait_for(timeout=60_000)
            _idle(ed)
        published = ed.locator(".carnet-published td").all_inner_texts()
        assert IMG in published and JINJA in published

        p.reload()
        p.wait_for_selector('h1:has-text("Atelier")', timeout=90_000)
        frame = p.frame_locator(MAP)
        markers = frame.locator("path.leaflet-interactive[fill='#c0392b'], "
                                "path.leaflet-interactive[fill='#7b4fa0']")
        markers.first.wait_for(timeout=60_000)
        _idle(p)
        assert markers.count() == 2
        seen = []
        for i in range(2):
            markers.nth(i).hover(force=True)
            p.wait_for_timeout(600)
            seen += frame.locator(".leaflet-tooltip").all_inner_texts()
            markers.nth(i).click(force=True)
            p.wait_for_timeout(600)
            seen += frame.locator(".leaflet-popup-content").all_inner_texts()
        text = "\n".join(seen)
        assert IMG in text and JINJA in text and "49" not in text
        assert frame.locator("img[src='x']").count() == 0
        p.screenshot(path=str(ARTIFACTS / "atelier_public_1024.png"))
    assert dialogs == []
