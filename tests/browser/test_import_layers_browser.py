"""Real-browser check of the sheet/layer choice in the import (issue #8, section 1).

An editor uploads a GeoPackage holding two layers of projects: the page says which layer
it previewed, lists both, offers no import until one is chosen, then imports the chosen
layer only.
"""

from __future__ import annotations

from tests.browser.conftest import ROOT
from tests.support import BROWSER_APP, chromium, open_signed_in

CORPUS = ROOT / "tests" / "data" / "projets"

pytestmark = BROWSER_APP



def test_editor_chooses_the_layer_to_import(editor_app):
    from carnet import db
    from carnet.projets.repository import ProjetRepository

    url, tmp = editor_app
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        open_signed_in(page, url)

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
    assert errors == []
    repo = ProjetRepository(db.get_engine(f"sqlite:///{tmp / 'projets.sqlite'}"))
    df = repo.dataframe("nord")
    imported = df[df["titre"].isin(["Maison", "Béguinage", "Voie verte"])]
    assert sorted(imported["titre"]) == ["Béguinage", "Voie verte"]
    db.dispose_all()
