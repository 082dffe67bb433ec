"""Real-browser check of the sheet/layer choice in the import (issue #8, section 1).

An editor uploads a GeoPackage holding two layers of projects: the page says which layer
it previewed, lists both, offers no import until one is chosen, then imports the chosen
layer only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import (
    CHROMIUM,
    accounts_home,
    app_env,
    launch_chromium,
    sidebar_login,
    sources_dir,
    streamlit_app,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "projets"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent"),
    pytest.mark.skipif(sources_dir() is None, reason="CARNET_SOURCES non défini"),
]


@pytest.fixture(scope="module")
def app(built_cache, tmp_path_factory):
    from carnet.maps.assets import is_installed
    if not is_installed():
        pytest.skip("bibliothèques cartographiques absentes : python -m carnet.maps.assets install")
    tmp = tmp_path_factory.mktemp("import-couches")
    home = accounts_home(tmp / "home", {"marie": ("editeur-demo", "editor")})
    env = app_env(built_cache, f"sqlite:///{tmp / 'projets.sqlite'}", home)
    with streamlit_app(env, ROOT) as url:
        yield url, tmp


def test_editor_chooses_the_layer_to_import(app):
    from playwright.sync_api import sync_playwright

    from carnet.projets import db
    from carnet.projets.repository import ProjetRepository

    url, tmp = app
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{url}/plan_actions")
        page.wait_for_selector("h1:has-text(\"Plan d'actions\")", timeout=60_000)
        sidebar_login(page, "marie", "editeur-demo")

        page.get_by_role("tab", name="Import / export", exact=True).click()
        page.locator('input[type="file"]').set_input_files(str(CORPUS / "deux_couches.gpkg"))
        page.get_by_text("Le fichier contient 2 couches de données").wait_for(timeout=30_000)
        assert page.get_by_text("Couche « projets_2025 » lue (1 entité(s)).").count() == 1
        assert page.get_by_role("button", name="Importer").count() == 0
        box = page.get_by_test_id("stSelectbox").filter(has_text="Couche à importer")
        box.click()
        page.get_by_role("option", name="projets_2026").first.click()
        page.get_by_text("2 entité(s) valide(s) sur 2, prêtes à importer.").wait_for(
            timeout=30_000)
        page.get_by_role("button", name="Importer 2 projet(s)").click()
        page.get_by_text("2 projet(s) importé(s) depuis deux_couches.gpkg").wait_for(
            timeout=30_000)
        browser.close()
    assert errors == []
    repo = ProjetRepository(db.get_engine(f"sqlite:///{tmp / 'projets.sqlite'}"))
    df = repo.dataframe("nord")
    imported = df[df["titre"].isin(["Maison", "Béguinage", "Voie verte"])]
    assert sorted(imported["titre"]) == ["Béguinage", "Voie verte"]
    db.dispose_all()
