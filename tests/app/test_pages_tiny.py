"""Every atlas page on the tiny pack of :mod:`tests.fixtures` (fast tier, no sources).

Expected figures are computed by hand from the table in ``tests/fixtures.py``.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.app.conftest import NBSP, PAGES, no_exception, render_page, texts
from tests.app.tables import html_tables
from tests.support import shown


@pytest.mark.parametrize("page", PAGES)
def test_page_renders(tiny_app, page):
    render_page(tiny_app, page)


def test_accueil_shows_departement_figures(tiny_app):
    tiny_app.run()
    no_exception(tiny_app)
    out = texts(tiny_app)
    assert f"13{NBSP}000 hab." in out  # 6 000 + 7 000
    assert f"12,5{NBSP}%" in out  # 750 unemployed / 6 000 active
    assert "INSEE · RP 2022" in out


def test_territoire_page_figures_and_url(tiny_app):
    tiny_app.switch_page("pages/territoire.py").run()
    tiny_app.sidebar.selectbox(key="w_territoire").set_value("val").run()
    no_exception(tiny_app)
    assert tiny_app.title[0].value == "Val d'Aubette"
    out = texts(tiny_app)
    assert f"7{NBSP}000 hab." in out
    assert "116,7 hab./km²" in out  # 7 000 / 60 km² (a card: ordinary space before the unit)
    # 300 / 3 000 against 750 / 6 000; the reference names the département in full (the
    # card's HTML escapes the apostrophe)
    assert f"10,0{NBSP}%Département de l'Aisne\u00a0: 12,5{NBSP}%" in html.unescape(out)
    assert tiny_app.query_params["territoire"] == "val"


def test_commune_page_follows_territory_and_shows_secret(tiny_app):
    tiny_app.query_params["commune"] = "02005"
    tiny_app.switch_page("pages/commune.py").run()
    no_exception(tiny_app)
    assert tiny_app.header[0].value == "Épinville (02005)"
    assert tiny_app.query_params["territoire"] == "val"  # the territory follows the commune

    tiny_app.text_input(key="recherche_commune").input("castelmont").run()
    no_exception(tiny_app)
    assert tiny_app.header[0].value == "Castelmont (02003)"
    table = next(m.value for m in tiny_app.markdown if "carnet-profile" in m.value)
    income = next(r for r in table.split("<tr>") if "Revenu disponible médian 2021" in r)
    assert "non publié" in income and "non agrégeable" in income
    pop = next(r for r in table.split("<tr>") if ">Population 2022<" in r)
    cells = re.findall(r'<td class="num">(.*?)</td>', pop)
    # Commune, EPCI (Castelmont alone), Territoire (Pays du Plateau), Département
    assert [re.sub(r"<[^>]+>", "", c) for c in cells] == [
        f"2{NBSP}000 hab.", f"2{NBSP}000 hab.", f"6{NBSP}000 hab.", f"13{NBSP}000 hab."]


def test_comparer_territories_then_epci(tiny_app):
    tiny_app.query_params.update({"territoire": "plateau"})
    tiny_app.switch_page("pages/comparer.py").run()
    no_exception(tiny_app)
    (table,) = html_tables(tiny_app, "carnet-compare")
    assert list(table["Nom"])[-1] == "Aisne (département)"
    assert f"6{NBSP}000 hab." in set(table["Population 2022"])
    tiny_app.radio(key="w_niveau").set_value("epci").run()
    no_exception(tiny_app)
    (table,) = html_tables(tiny_app, "carnet-compare")
    assert set(table["SIREN"]) >= {"200000001", "200000002"}


def test_sources_page_lists_the_pack_sources(tiny_app):
    tiny_app.switch_page("pages/sources.py").run()
    no_exception(tiny_app)
    table = next(m.value for m in tiny_app.markdown if m.value.startswith("| Source | Producteur |"))
    seen = shown(table)  # the table is escaped Markdown (carnet.text.md)
    assert "<code>insee-comparateur-2025-nord</code>" in seen
    assert "<code>insee-comparateur-2021</code>" in seen
    indicators = tiny_app.dataframe[0].value
    assert "Non agrégeable : commune seulement" in set(indicators["Agrégation"])
