"""The app on another pack: CARNET_PACK=somme (territories = the four arrondissements)."""

from __future__ import annotations

import pytest

from tests.app.conftest import no_exception, texts
from tests.app.inert import displayed

pytestmark = pytest.mark.integration

PAGES = ["pages/accueil.py", "pages/territoire.py", "pages/commune.py", "pages/comparer.py",
         "pages/sources.py"]


@pytest.mark.parametrize("page", PAGES)
def test_somme_pages_render_with_the_packs_word(somme_app, page):
    somme_app.run()
    no_exception(somme_app)
    somme_app.switch_page(page).run()
    no_exception(somme_app)
    out = texts(somme_app)
    assert "territoire de contrat" not in out.lower(), page  # the Nord's word never leaks
    assert somme_app.sidebar.selectbox(key="w_territoire").label == "Arrondissement"


def test_somme_territory_page(somme_app):
    somme_app.query_params["territoire"] = "amiens"
    somme_app.switch_page("pages/territoire.py").run()
    no_exception(somme_app)
    assert somme_app.title[0].value == "Arrondissement d'Amiens"
    out = texts(somme_app)
    assert "Arrondissement du Département de la Somme" in out
    assert "des 3 autres arrondissements" in out
    assert "Autres arrondissements\u00a0: " in out  # no break before the colon
    assert [h.value for h in somme_app.subheader][:2] == ["Chiffres clés", "En bref"]
    brief = next(m.value for m in somme_app.markdown if "compte" in m.value and "Source :" in m.value)
    assert brief.count("*Source :") == 3
    brief = displayed(brief)  # escaped by carnet.text.md: read as the reader sees it
    assert "L'arrondissement d'Amiens compte 304\u202f331 habitants en 2021" in brief
    assert "au 2e rang des 4 arrondissements" in brief and "Filosofi 2019" in brief


def test_somme_accueil_and_commune(somme_app):
    somme_app.run()
    assert "4 arrondissements" in texts(somme_app)
    somme_app.query_params["commune"] = "80021"  # Amiens
    somme_app.switch_page("pages/commune.py").run()
    no_exception(somme_app)
    out = texts(somme_app)
    assert "Arrondissement : **Arrondissement d'Amiens**" in out
    assert out.count("Arrondissement :") == 1  # not shown twice when territories are arrondissements
    # The fiche at the pack's latest vintages (no 2022 census in the Somme pack).
    table = next(m.value for m in somme_app.markdown if "carnet-profile" in m.value)
    assert "<th>Arrondissement</th>" in table and "Population 2021" in table
    assert '<span class="nw">133\u202f625</span>' in table  # Amiens, RP 2021
    assert "Taux de chômage des 15-64 ans 2021" in table and "INSEE · Filosofi 2019" in table
    assert table.count("<tr>") == 10  # header + 9 indicators
