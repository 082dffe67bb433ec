"""The app on a region pack: CARNET_PACK=hdf (Hauts-de-France, territories = its five
départements, ~3 800 communes), built from the real sources into a temporary cache."""

from __future__ import annotations

import pytest

from tests.app.conftest import APP, PAGES, no_exception, texts
from tests.app.inert import displayed
from tests.support import needs_sources

pytestmark = [pytest.mark.integration, needs_sources]


@pytest.fixture(scope="module")
def hdf_cache(tmp_path_factory):
    from tests.conftest import _build_into

    return _build_into(tmp_path_factory, "hdf")


@pytest.fixture
def hdf_app(hdf_cache, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CARNET_CACHE", str(hdf_cache))
    monkeypatch.setenv("CARNET_PACK", "hdf")
    return AppTest.from_file(APP, default_timeout=180)


@pytest.mark.parametrize("page", PAGES)
def test_hdf_pages_render(hdf_app, page):
    hdf_app.run()
    no_exception(hdf_app)
    hdf_app.switch_page(page).run()
    no_exception(hdf_app)
    assert hdf_app.title, page
    assert hdf_app.sidebar.selectbox(key="w_territoire").label == "Département"


def test_hdf_accueil_names_the_region(hdf_app):
    hdf_app.run()
    no_exception(hdf_app)
    out = texts(hdf_app)
    assert "Un atlas des **5 départements** de la Région Hauts-de-France" in out
    assert [h.value for h in hdf_app.subheader][:3] == [
        "La région en chiffres", "Les départements", "Les communes de la région"]
    assert "comparés à la région" in out and "au département" not in out
    assert "5\u202f995\u202f292" in out  # the region's population 2021: the sum over its communes


def test_hdf_territory_page_compares_to_the_region(hdf_app):
    hdf_app.query_params["territoire"] = "pas-de-calais"
    hdf_app.switch_page("pages/territoire.py").run()
    no_exception(hdf_app)
    assert hdf_app.title[0].value == "Pas-de-Calais"
    out = texts(hdf_app)
    assert "Département de la Région Hauts-de-France" in out
    assert "Chaque valeur est comparée à la région" in out
    assert "Région Hauts-de-France\u00a0: " in out  # the reference line of the key figures
    assert "du département" not in out.replace("Département de la Région", "")
    brief = displayed(next(m.value for m in hdf_app.markdown
                           if "compte" in m.value and "Source :" in m.value))
    assert ("Le Pas-de-Calais compte 1\u202f461\u202f441 habitants en 2021, soit 24,4\u202f% de la "
            "population des Hauts-de-France.") in brief
    assert "% par an pour la région)" in brief and "du taux de la région (14,8\u202f%)" in brief
    assert "au 3e rang des 5 départements" in brief


@pytest.mark.parametrize("page", ["pages/plan_actions.py", "pages/contrat.py", "pages/evaluation.py"])
def test_hdf_project_and_contract_pages_render(hdf_app, page, tmp_path, monkeypatch):
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    hdf_app.run()
    hdf_app.switch_page(page).run()
    no_exception(hdf_app)
    assert hdf_app.title, page
