"""Real-browser check of the sheet/layer choice in the import (issue #8, section 1).

An editor uploads a GeoPackage holding two layers of projects: the page says which layer
it previewed, lists both, offers no import until one is chosen, then imports the chosen
layer only.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import CHROMIUM, CHROMIUM_ARGS, sources_dir, streamlit_app

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
    from carnet.projets.roles import hash_password

    if not is_installed():
        pytest.skip("bibliothèques cartographiques absentes : python -m carnet.maps.assets install")
    tmp = tmp_path_factory.mktemp("import-couches")
    home = tmp / "home"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(
        f'[carnet.users.marie]\npassword_hash = "{hash_password("editeur-demo")}"\n'
        'role = "editor"\n', encoding="utf-8")
    env = {**os.environ, "HOME": str(home), "CARNET_CACHE": str(built_cache),
           "CARNET_DATABASE_URL": f"sqlite:///{tmp / 'projets.sqlite'}"}
    with streamlit_app(env, ROOT) as url:
        yield url, tmp


def test_editor_chooses_the_layer_to_import(app):
    from playwright.sync_api import sync_playwright

    from carnet.projets import db
    from carnet.projets.repository import ProjetRepository

    url, tmp = app
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{url}/plan_actions")
        page.wait_for_selector("h1:has-text(\"Plan d'actions\")", timeout=60_000)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Compte : non connecté (lecteur)").click()
        sidebar.get_by_label("Identifiant").fill("marie")
        sidebar.get_by_label("Mot de passe").fill("editeur-demo")
        sidebar.get_by_role("button", name="Se connecter").click()
        sidebar.get_by_text("Compte : marie").wait_for(timeout=30_000)

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
