"""Domain helpers behind the pages (carnet.fiches), on the real Nord pack."""

from __future__ import annotations

import pytest

from carnet import fiches

pytestmark = pytest.mark.integration
NBSP = "\u202f"


def test_key_figures_compare_with_departement_and_others(nord):
    figs = {f.id: f for f in fiches.key_figures(nord, "territoire", "cambresis")}
    pop = figs["pop_2022"]
    assert pop.text == f"158{NBSP}302{NBSP}hab."
    assert pop.reference == f"2{NBSP}616{NBSP}909{NBSP}hab."
    assert pop.others == f"125{NBSP}780 – 1{NBSP}292{NBSP}958{NBSP}hab."  # other six territories
    assert pop.source_short == "INSEE · RP 2022"


def test_non_aggregable_above_commune(nord):
    assert fiches.fmt_ind(nord, "revenu_median_2021", 20000.0, "territoire") == "non agrégeable"
    assert fiches.fmt_ind(nord, "revenu_median_2021", 20520.0) == f"20{NBSP}520{NBSP}€/UC"


def test_ranking_and_search(nord):
    rank = fiches.ranking(nord, "cambresis", "pop_2022")
    assert rank.iloc[0]["nom"] == "Cambrai" and rank.iloc[0]["rang"] == 1
    assert len(rank) == 116
    assert fiches.search_communes(nord, "59350").iloc[0]["nom"] == "Lille"
    assert fiches.search_communes(nord, "le cateau").iloc[0]["code"] == "59136"  # accents, hyphens
    assert fiches.search_communes(nord, "   ").empty


def test_commune_choices(nord):
    opts, chosen = fiches.commune_choices(nord, "", "cambresis", None)
    assert chosen == "59122" and len(opts) == 116
    opts, chosen = fiches.commune_choices(nord, "", "cambresis", "59350")  # elsewhere: kept
    assert chosen == "59350" and next(iter(opts)) == "59350"
    opts, chosen = fiches.commune_choices(nord, "zzz", "cambresis", None)
    assert chosen is None and not opts


def test_compare_export_and_sources(nord):
    df = fiches.compare_export(nord, "epci", ["200068500"], ["pop_2022", "taux_chomage_2022"])
    assert list(df.columns) == ["Code", "Nom", "Population 2022 (hab.)",
                                "Taux de chômage des 15-64 ans 2022 (%)"]
    assert df.iloc[-1]["Population 2022 (hab.)"] == 2616909
    src = fiches.export_sources(nord, ["pop_2022"])
    assert src.iloc[0]["Millésime"] == "RP 2022"


def test_facilities_and_mergers(nord):
    fac = fiches.commune_facilities(nord, "59350")
    assert len(fac["Musées de France"]) == 3
    merged = fiches.mergers_table(nord).iloc[0]
    assert merged["Commune nouvelle"] == "L'Orée de Mormal (59006)" and merged["Publiée depuis"] == "2025"
    assert merged["Communes d'origine (COG de référence)"] == "Amfroipret (59006), Bermeries (59070)"
    assert len(fiches.territory_epcis(nord)) == 17


def test_latest_vintage_fallback(nord):
    assert fiches.latest_vintage(nord, "pop_2022") == "pop_2022"
    assert fiches.latest_vintage(nord, "population") == "pop_2022"  # latest of the famille
    assert fiches.latest_vintage(nord, "evolution_population") == "evol_pop_2016_2022"
    assert fiches.latest_vintage(nord, "inconnu_2022") is None


def test_sources_page_french_build_date_and_counts_with_vintage(app):
    import re

    from tests.app.conftest import no_exception, texts

    app.switch_page("pages/sources.py").run()
    no_exception(app)
    t = texts(app)
    assert "648 communes (COG 2024 ; 647 depuis 2025)" in t
    assert "convertis des tuiles" in t and "Admin Express, COG 2025" in t
    built = re.search(r"Carnet construit le (.+)\.", t).group(1)
    assert re.fullmatch(r"(1er|\d{1,2}) [a-zéû]+ 20\d\d à \d{1,2} h \d\d", built), built


def test_territory_caption_counts_with_vintage(app):
    from tests.app.conftest import no_exception

    app.query_params["territoire"] = "cambresis"
    app.switch_page("pages/territoire.py").run()
    no_exception(app)
    caption = next(str(c.value) for c in app.caption if "communes" in str(c.value))
    assert "116 communes (COG 2024)" in caption and "EPCI (COG 2024) :" in caption


def test_maps_show_the_merged_commune_and_outline_it_for_a_former_commune(nord, built_cache):
    from carnet.ui import cartes

    def html(iid, selected):
        m = cartes.commune_map.__wrapped__("nord", str(built_cache), "sambre-avesnois", iid, "quantiles",
                                           (), selected=selected)
        return m.get_root().render()

    merged = html("pop_2022", "59070")  # Bermeries picked; the 2025 census publishes L'Orée de Mormal
    assert "Orée de Mormal" in merged and "Bermeries" not in merged
    assert cartes.SELECTED_LABEL in merged
    old = html("pop_2018", "59070")  # the 2018 census still publishes Bermeries
    assert "Bermeries" in old and "Orée de Mormal" not in old and cartes.SELECTED_LABEL in old
    loc = cartes.locator_map.__wrapped__("nord", str(built_cache), "59070")  # its own outline, bounds
    assert cartes.SELECTED_LABEL in loc.get_root().render()
