"""Real browser: the carnet's sections on the Cambrésis, at 1280 and 1920 px.

A hostile text saved in « Histoire et patrimoine » (an ``<img onerror>``, a
``javascript:`` link, an image, ``{{ 7*7 }}``) is shown as typed: the page holds no
``<img>`` nor ``<a>`` made from it, and no request leaves the loopback. Screenshots go to
``test-artifacts/`` (``carnet_1280.png``, ``carnet_1920.png``, ``carnet_edition_1280.png``).
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest

from carnet import db
from carnet.carnets.store import CarnetStore
from tests.support import (
    BROWSER_APP,
    chromium,
    require_map_assets,
    server_env,
    sidebar_login,
    streamlit_app,
)

pytestmark = BROWSER_APP

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = ("Beffroi <img src=x onerror=alert(1)> [lien](javascript:alert(1)) "
           "![p](http://203.0.113.9/p.png) {{ 7*7 }} **gras**. [source : culture-monuments-historiques]")


@pytest.fixture(scope="module")
def app_url(built_cache, tmp_path_factory):
    require_map_assets()
    tmp = tmp_path_factory.mktemp("carnet")
    env = server_env(built_cache, tmp)
    engine = db.get_engine(env["CARNET_DATABASE_URL"])
    CarnetStore(engine).save("nord", "cambresis", "histoire", HOSTILE, 0, "marie", "editor")
    db.dispose_all()
    with streamlit_app(env, ROOT) as url:
        yield url


def _wait(page, seconds: float = 60) -> None:
    end = time.time() + seconds
    time.sleep(0.5)
    while time.time() < end and page.locator("[data-testid='stStatusWidget']").count():
        time.sleep(0.2)
    page.wait_for_timeout(1500)


@pytest.mark.parametrize("width,height", [(1280, 900), (1920, 1080)])
def test_sections_in_a_real_browser(app_url, width, height):
    ARTIFACTS.mkdir(exist_ok=True)
    foreign: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})

        def route(r):
            if urlparse(r.request.url).hostname not in ("127.0.0.1", "localhost"):
                foreign.append(r.request.url)
                return r.abort()
            return r.continue_()

        page.route("**/*", route)
        page.goto(f"{app_url}/territoire?territoire=cambresis", timeout=120_000)
        heading = page.get_by_role("heading", name="Histoire, culture et environnement")
        heading.wait_for(timeout=120_000)
        _wait(page)
        heading.scroll_into_view_if_needed()
        shown = page.get_by_text("Beffroi <img src=x onerror=alert(1)>", exact=False)
        shown.wait_for(timeout=30_000)
        assert "{{ 7*7 }}" in shown.inner_text()
        assert page.locator("img[src='x']").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
        assert page.locator("img[src*='203.0.113.9']").count() == 0
        assert page.locator("strong", has_text="gras").count() == 1
        assert "55 immeubles protégés au titre des monuments historiques" in page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / f"carnet_{width}.png"))
        page.get_by_role("tab", name="Culture").click()
        page.get_by_text("le musée de la Dentelle dans le cadre de Caudry 4M",
                         exact=False).wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / f"carnet_culture_{width}.png"))
        page.get_by_role("tab", name="Environnement et paysage").click()
        page.get_by_text("Carte", exact=True).scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / f"carnet_carte_{width}.png"))
        if width == 1280:
            sidebar_login(page, "marie", "editeur-demo")
            _wait(page)
            page.get_by_role("tab", name="Histoire et patrimoine").click()
            page.get_by_text("Modifier le texte « Histoire et patrimoine »").click()
            page.wait_for_timeout(800)
            page.get_by_text("Modifier le texte « Histoire et patrimoine »").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "carnet_edition_1280.png"))
    assert foreign == []
