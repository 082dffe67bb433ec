"""Every page renders, reacts to the territory and indicator, and round-trips its URL."""

from __future__ import annotations

import json
import re

import pytest

from tests.app.conftest import NBSP, PAGES, no_exception, render_page, texts
from tests.app.tables import html_tables

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("page", PAGES)
def test_page_renders(app, page):
    render_page(app, page)


def test_accueil_shows_departement_figures(app):
    app.run()
    no_exception(app)
    out = texts(app)
    assert "Département du Nord" in out
    assert f"2{NBSP}616{NBSP}909 hab." in out  # key-figure card: number, then the unit
    assert "INSEE · RP 2022" in out  # source and vintage beside the figure


def test_territory_picker_updates_carnet(app):
    app.switch_page("pages/territoire.py").run()
    app.sidebar.selectbox(key="w_territoire").set_value("cambresis").run()
    no_exception(app)
    assert app.title[0].value == "Cambrésis"
    out = texts(app)
    assert f"158{NBSP}302 hab." in out  # Cambrésis population 2022
    # the reference is the département, named in full (« Somme : » read as « sum »)
    assert f"Département du Nord\u00a0: 2{NBSP}616{NBSP}909 hab." in out
    assert f"Autres territoires de contrat\u00a0: 125{NBSP}780 – 1{NBSP}292{NBSP}958 hab." in out
    assert "Le Cambrésis compte 158" in out  # plain-language summary
    assert app.query_params["territoire"] == "cambresis"

    app.sidebar.selectbox(key="w_territoire").set_value("douaisis").run()
    assert app.title[0].value == "Douaisis"
    assert f"219{NBSP}148 hab." in texts(app)


def test_indicator_and_classes_update_view_and_url(app):
    app.switch_page("pages/territoire.py").run()
    app.sidebar.selectbox(key="w_territoire").set_value("cambresis").run()
    app.selectbox(key="w_indicateur").set_value("densite_2022").run()
    app.radio(key="w_classes").set_value("natural_breaks").run()
    no_exception(app)
    out = texts(app)
    assert "**Densité de population 2022** : les 25 premières communes" in out
    assert app.query_params["indicateur"] == "densite_2022"
    assert app.query_params["classes"] == "natural_breaks"


def test_non_aggregable_indicator_says_so(app):
    app.query_params.update({"territoire": "cambresis", "indicateur": "revenu_median_2021"})
    app.session_state["w_graphique"] = "Comparaison des territoires"  # the tab the user opens
    app.switch_page("pages/territoire.py").run()
    no_exception(app)
    assert "ne donnent « " in texts(app) and "qu'à l'échelle des communes" in texts(app)


def test_only_the_open_chart_tab_and_table_are_sent(app):
    """Lazy tabs: an indicator change sends the open tab's chart, not all three (issue #12 §1).
    The ranking, open by default, is plain HTML: no Vega chart on a first visit."""
    app.query_params.update({"territoire": "cambresis", "indicateur": "taux_chomage_2022"})
    app.switch_page("pages/territoire.py").run()
    no_exception(app)
    assert not app.get("vega_lite_chart")

    def rankings():
        return [h.value for h in app.html if 'class="carnet-rang"' in h.value]

    (ranking,) = rankings()
    assert 'aria-label="Taux de chômage' in ranking and ranking.count("<li") == 25

    def ranks():
        return [d.value for d in app.dataframe if "Rang" in d.value.columns]

    assert not ranks()  # « Toutes les communes » is sent when opened
    app.session_state["w_toutes_communes"] = True
    app.run()
    assert [len(r) for r in ranks()] == [116]  # the Cambrésis' communes
    app.session_state["w_graphique"] = "Évolution de la population"
    app.run()
    specs = [json.dumps(json.loads(c.proto.spec), ensure_ascii=False)
             for c in app.get("vega_lite_chart")]
    assert len(specs) == 1 and "Taux de chômage" not in specs[0] and not ranks() and not rankings()


def test_permalink_restores_view(app):
    app.query_params.update({"territoire": "sambre-avesnois", "indicateur": "taux_vacance_2022",
                             "classes": "equal_interval", "carte": "epci,gares"})
    app.switch_page("pages/territoire.py").run()
    no_exception(app)
    assert app.title[0].value == "Sambre-Avesnois"
    assert app.sidebar.selectbox(key="w_territoire").value == "sambre-avesnois"
    assert app.selectbox(key="w_indicateur").value == "taux_vacance_2022"
    assert app.radio(key="w_classes").value == "equal_interval"
    assert app.multiselect(key="w_carte").value == ["epci", "gares"]


def test_state_survives_page_switch(app):
    app.switch_page("pages/territoire.py").run()
    app.sidebar.selectbox(key="w_territoire").set_value("cambresis").run()
    app.switch_page("pages/commune.py").run()  # Streamlit clears the URL on a page switch
    no_exception(app)
    assert app.query_params["territoire"] == "cambresis"
    assert app.header[0].value == "Cambrai (59122)"  # most populous commune of the territory


def test_commune_permalink_and_search(app):
    app.query_params["commune"] = "59350"
    app.switch_page("pages/commune.py").run()
    no_exception(app)
    assert app.header[0].value == "Lille (59350)"
    assert app.query_params["territoire"] == "metropole-lilloise"  # the territory follows
    table = next(m.value for m in app.markdown if "carnet-profile" in m.value)
    rows = {r.split("<td", 2)[1]: r for r in table.split("<tr>")[1:] if "<td" in r}
    pop = next(r for k, r in rows.items() if ">Population 2022<" in k)
    cells = re.findall(r'<td class="num">(.*?)</td>', pop)
    nums = [re.sub(r"<[^>]+>", "", c) for c in cells]  # Commune, EPCI, Territoire, Département
    assert nums == [f"238{NBSP}695 hab.", f"1{NBSP}194{NBSP}040 hab.", f"1{NBSP}292{NBSP}958 hab.",
                    f"2{NBSP}616{NBSP}909 hab."]
    income = next(r for k, r in rows.items() if "Revenu disponible médian 2021" in k)
    assert income.count("non agrégeable") == 3 and f"20{NBSP}520" in income
    assert "INSEE · Filosofi 2021" in income  # the source under the indicator name

    app.text_input(key="recherche_commune").input("amfroipret").run()
    no_exception(app)
    assert app.header[0].value == "Amfroipret (59006)"
    assert any("fusionné en L'Orée de Mormal (59006)" in w.value for w in app.warning)  # merger note
    assert app.query_params["commune"] == "59006"
    assert app.query_params["territoire"] == "sambre-avesnois"


def test_merged_commune_fiche_and_its_former_communes(app):
    """L'Orée de Mormal (59006@2025) has its own fiche, linked both ways with Amfroipret's."""
    app.query_params["commune"] = "59006@2025"
    app.switch_page("pages/commune.py").run()
    no_exception(app)
    assert app.header[0].value == "L'Orée de Mormal (59006)"
    assert app.query_params["territoire"] == "sambre-avesnois"
    assert any("issue de la fusion de Amfroipret (59006) et Bermeries (59070)" in w.value
               for w in app.warning)
    links = {e.proto.label: e.proto.page for e in app.get("page_link")}
    assert "Fiche de l'ancienne commune Bermeries (59070)" in links
    table = next(m.value for m in app.markdown if "carnet-profile" in m.value)
    assert "<th>Commune nouvelle</th>" not in table
    assert '<td class="num"><span class="nw">609</span>' in table  # its 2022 population
    app.query_params["commune"] = "59006"
    app.switch_page("pages/commune.py").run()
    assert app.header[0].value == "Amfroipret (59006)"
    assert "Fiche de la commune nouvelle L'Orée de Mormal" in {e.proto.label for e in app.get("page_link")}


def test_commune_search_without_result(app):
    app.switch_page("pages/commune.py").run()
    app.text_input(key="recherche_commune").input("zzzz").run()
    no_exception(app)
    assert any("Aucune commune" in w.value for w in app.warning)


def test_comparer_levels_and_url(app):
    app.query_params.update({"territoire": "cambresis"})
    app.switch_page("pages/comparer.py").run()
    no_exception(app)
    (table,) = html_tables(app, "carnet-compare")
    assert list(table["Nom"])[-1] == "Nord (département)"
    assert f"158{NBSP}302 hab." in set(table["Population 2022"])  # the unit may wrap, whole

    app.radio(key="w_niveau").set_value("epci").run()
    no_exception(app)
    (table,) = html_tables(app, "carnet-compare")
    assert list(table.columns[:2]) == ["Nom", "SIREN"]  # the name heads each row
    assert set(table["SIREN"]) >= {"200068500", "200030633", "245901038"}  # Cambrésis EPCI
    assert app.query_params["niveau"] == "epci"


def test_sources_page_lists_sources_and_mergers(app):
    app.switch_page("pages/sources.py").run()
    no_exception(app)
    frames = [d.value for d in app.dataframe]
    # Sources: a Markdown table that wraps (st.dataframe scrolled sideways).
    table = next(m.value for m in app.markdown if m.value.startswith("| Source | Producteur |"))
    assert "| Millésime | Licence |" in table and "Licence Ouverte 2\\.0" in table  # carnet.text.md
    assert "[site du producteur](http" in table
    assert "<code>insee\\-comparateur\\-2021</code>" in table
    indicators = frames[0]
    assert "Non agrégeable : commune seulement" in set(indicators["Agrégation"])
    mergers = frames[2]
    assert "Bermeries (59070)" in mergers.iloc[0, 2] and mergers.iloc[0, 0] == "L'Orée de Mormal (59006)"
    assert "EPCI" in texts(app)


@pytest.mark.parametrize("page, params", [
    ("pages/accueil.py", {}),
    ("pages/territoire.py", {"territoire": "cambresis"}),
    ("pages/commune.py", {"commune": "59122"}),
])
def test_each_atlas_map_offers_its_offline_html_file(app, page, params):
    for k, v in params.items():
        app.query_params[k] = v
    app.switch_page(page).run()
    no_exception(app)
    buttons = [b for b in app.get("download_button") if "HTML hors ligne" in b.proto.label]
    assert len(buttons) == 1, [b.proto.label for b in app.get("download_button")]
    assert buttons[0].proto.help.startswith("Un seul fichier, lisible sans réseau")
