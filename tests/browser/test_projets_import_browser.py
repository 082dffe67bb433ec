"""Real-browser acceptance of the import, as a new editor would do it.

An editor signs in, uploads a real-world-style CSV (Windows-1252, ``;``, decimal commas,
Lambert-93 coordinates) whose report flags two rows, uploads the corrected file, imports
it, sees the projects on the map and in the table at once, and exports them as GeoPackage.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.support import BROWSER_APP, chromium, open_signed_in

pytestmark = BROWSER_APP

HEADER = "Référence;Intitulé;Code INSEE;X (Lambert 93);Y (Lambert 93);Statut;Coût total;Maître d'ouvrage"
ROWS = [  # Lambert-93 coordinates of the communes' centres
    "P-001;Rénovation de la médiathèque;59122;716841,7;7008665,8;engagé;1 250 000,50;Ville de Cambrai",
    "P-002;Voie verte de l'Escaut;59122;716841,7;7008665,8;en cours;3 400 000;CA de Cambrai",
    "P-003;Maison de santé pluriprofessionnelle;59139;729239,0;7001044,0;à l'étude;2 100 000;Caudry",
    "P-004;Requalification d'une friche;59999;721465,3;7005797,3;idée;850 000;EPF",
    "P-005;Béguinage en éco-quartier;59136;727581,3;6998808,7;terminé peut-être;1 900 000;Bailleur",
    "P-006;Espace multi-services rural;59571;735651,1;7009677,5;idée;420 000;Commune",
]


def write_cp1252(path: Path, rows) -> Path:
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252"))
    return path



def test_editor_imports_fixes_sees_and_exports(editor_app):
    import geopandas as gpd
    url, tmp = editor_app
    bad = write_cp1252(tmp / "projets_cambresis.csv", ROWS)
    fixed = write_cp1252(tmp / "projets_cambresis_corrige.csv",
                         [r.replace(";59999;", ";59122;").replace("terminé peut-être", "réalisé")
                          for r in ROWS])
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1400}, accept_downloads=True)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        open_signed_in(page, url)

        page.get_by_role("tab", name="Import / export", exact=True).click()
        page.locator('input[type="file"]').set_input_files(str(bad))
        page.get_by_text("2 ligne(s) rejetée(s) sur 6").wait_for(timeout=30_000)
        assert page.get_by_text("Windows-1252").count() >= 1
        assert page.get_by_text("Lambert-93 (EPSG:2154) détectées sur 6 ligne(s)").count() >= 1
        # all or nothing by default; importing only the valid rows is an explicit choice
        page.get_by_role("button", name="Importer les 4 lignes valides").wait_for(timeout=30_000)
        assert page.get_by_role("button", name="Importer 4 projet(s)").count() == 0
        page.screenshot(path=str(ARTIFACTS / "import-1-rapport.png"), full_page=True)

        page.locator('input[type="file"]').set_input_files(str(fixed))
        page.get_by_role("button", name="Importer 6 projet(s)").click()
        page.get_by_text("6 projet(s) importé(s) depuis projets_cambresis_corrige.csv").wait_for(
            timeout=30_000)
        page.get_by_role("tab", name="Carte", exact=True).click()
        page.get_by_text("11 projet(s) sur la carte").wait_for(timeout=30_000)  # 5 seed + 6 new
        page.wait_for_timeout(3000)
        page.screenshot(path=str(ARTIFACTS / "import-2-carte.png"))
        page.get_by_role("tab", name="Import / export", exact=True).click()
        with page.expect_download() as dl:
            page.get_by_role("button", name="Exporter en GPKG").click()
        out = tmp / "export.gpkg"
        dl.value.save_as(out)
    assert errors == []
    g = gpd.read_file(out).set_index("ref")
    assert g.crs.to_epsg() == 4326
    assert {"P-001", "P-004", "P-005", "P-006"} <= set(g.index)
    assert g.loc["P-001", "cout_total"] == 1250000.5  # decimal comma
    assert g.loc["P-005", "statut"] == "Réalisé"
    p = g.loc["P-006"].geometry  # Lambert-93 → WGS84
    assert p.x == pytest.approx(3.4986, abs=1e-4) and p.y == pytest.approx(50.1842, abs=1e-4)
