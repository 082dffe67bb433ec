"""Issue #9, section 3 (no dead end) on the pages, with AppTest on the real Nord pack."""

from __future__ import annotations

import pytest

from tests.app.conftest import no_exception, texts
from tests.app.tables import html_tables
from tests.support import open_tab

pytestmark = pytest.mark.integration


@pytest.fixture
def plan(app, tmp_path, monkeypatch):
    """The app on a fresh registry (the founding document's 10 seed projects, no amounts)."""
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    return app


def _metrics(at) -> dict[str, str]:
    """The dashboard's figures (its tab opened first: the Plan d'actions tabs are lazy)."""
    open_tab(at, "Tableau de bord")
    return {m.label: m.value for m in at.metric}


def test_dashboard_says_non_renseigne_when_nothing_is_entered(plan):
    plan.switch_page("pages/plan_actions.py").run()
    no_exception(plan)
    m = _metrics(plan)
    assert m["Projets (filtre)"] == "10"
    assert m["Coût total"] == "non renseigné" and m["Participation du Département"] == "non renseigné"
    assert m["Engagés"] == "non renseigné"  # no status entered: not « 0 soit 0,0 % »
    assert "0,0" not in " ".join(m.values())
    table = open_tab(plan, "Tableau").dataframe[0].value
    assert "None" not in table.astype(str).to_numpy().ravel().tolist()
    assert set(table["Coût total"]) == {"non renseigné"} and set(table["Années"]) == {"non renseigné"}
    assert list(table.columns) == ["N°", "Titre", "Commune", "Statut", "Coût total", "Participation CD",
                                   "Années"]  # fits 1024 px; the others one choice away


def test_sidebar_territory_filters_the_plan_and_filters_are_in_the_url(plan):
    plan.query_params["territoire"] = "douaisis"  # no project there
    plan.switch_page("pages/plan_actions.py").run()
    no_exception(plan)
    assert _metrics(plan)["Projets (filtre)"] == "0"
    assert plan.query_params["territoires"] == "douaisis"
    plan.sidebar.selectbox(key="w_territoire").set_value("cambresis").run()
    assert _metrics(plan)["Projets (filtre)"] == "10"
    assert plan.query_params["territoires"] == "cambresis"
    plan.sidebar.multiselect(key="pf_categories").set_value(["innovant"]).run()
    plan.sidebar.text_input(key="pf_q").set_value("Cambrai").run()
    assert plan.query_params["categories"] == "innovant" and plan.query_params["recherche"] == "Cambrai"
    assert _metrics(plan)["Projets (filtre)"] == "1"  # École supérieure d'Arts de Cambrai


def test_plan_without_a_territory_says_every_territory(plan):
    """No territory in the URL: the sidebar read « Flandre maritime » while the dashboard
    counted the 10 Cambrésis projects; it now reads what the page shows."""
    plan.switch_page("pages/plan_actions.py").run()
    no_exception(plan)
    box = plan.sidebar.selectbox(key="w_territoire")
    assert box.value == "tous" and box.options[0] == "Tous les territoires"
    assert _metrics(plan)["Projets (filtre)"] == "10"
    box.set_value("douaisis").run()
    assert _metrics(plan)["Projets (filtre)"] == "0"
    plan.sidebar.selectbox(key="w_territoire").set_value("tous").run()  # back to every contract
    assert _metrics(plan)["Projets (filtre)"] == "10" and "territoires" not in plan.query_params
    assert plan.sidebar.multiselect(key="pf_territoires").value == []
    plan.switch_page("pages/territoire.py").run()  # the atlas shows one territory: the first
    no_exception(plan)
    assert plan.sidebar.selectbox(key="w_territoire").value == "flandre-maritime"


@pytest.mark.parametrize("name", ["territoires", "contrats"])  # contrats: links made before the rename
def test_filters_restored_from_a_link(plan, name):
    plan.query_params.update({name: "cambresis", "categories": "grand_projet", "annees": "2000-2040",
                              "illustratifs": "non"})
    plan.switch_page("pages/plan_actions.py").run()
    no_exception(plan)
    assert plan.sidebar.multiselect(key="pf_territoires").value == ["cambresis"]
    assert plan.query_params["territoires"] == "cambresis" and "contrats" not in plan.query_params
    assert plan.sidebar.multiselect(key="pf_categories").value == ["grand_projet"]
    assert plan.sidebar.toggle(key="pf_ill").value is False
    assert _metrics(plan)["Projets (filtre)"] == "3"


def test_unknown_commune_is_said(app):
    app.query_params["commune"] = "99999"
    app.switch_page("pages/commune.py").run()
    no_exception(app)
    assert any("Commune inconnue : « 99999 »" in e.value for e in app.error)


def test_locator_map_follows_the_url_indicator(app):
    app.query_params.update({"commune": "59122", "indicateur": "taux_chomage_2022"})
    app.switch_page("pages/commune.py").run()
    no_exception(app)
    assert "colorées selon « Taux de chômage des 15-64 ans 2022 »" in texts(app)


def test_comparer_epci_after_removing_every_territory(app):
    app.switch_page("pages/comparer.py").run()
    app.multiselect(key="w_unites_territoire").set_value([]).run()
    assert "Choisissez au moins une unité" in texts(app)
    app.radio(key="w_niveau").set_value("epci").run()
    no_exception(app)
    assert len(app.multiselect(key="w_unites_epci").value) >= 1  # not an empty selector
    assert html_tables(app, "carnet-compare")  # and the table is there


def test_indicators_by_theme_then_latest_year(app):
    app.switch_page("pages/territoire.py").run()
    options = app.selectbox(key="w_indicateur").options
    chom = [o for o in options if "Taux de chômage" in o]
    assert chom == [f"Économie et emploi — Taux de chômage des 15-64 ans {y}" for y in (2022, 2021, 2018)]
    assert options.index(chom[0]) == options.index(chom[1]) - 1
