"""Fiches, summary, check and export on the tiny pack of :mod:`tests.fixtures` (fast tier).

Every expected figure is computed by hand from the table in the docstring of
``tests/fixtures.py``, not by the code under test.
"""

from __future__ import annotations

import io
import math

import pandas as pd

from carnet import check, export, fiches, summary

NB = "\u202f"  # narrow no-break space: thousands separator and before units


def test_pack_loads_with_string_codes(tiny):
    codes = list(tiny.table("commune")["code"])
    assert codes == ["02001", "02002", "02003", "02004", "02005", "02006"]  # leading zero kept
    assert [t.id for t in tiny.territoires] == ["plateau", "val"]
    assert tiny.territoire_of("02005") == "val"


def test_sums_and_ratios_of_sums_by_level(tiny):
    terr, dep = tiny.values("territoire"), tiny.values("departement")
    assert terr.loc["plateau", "pop_2022"] == 1000 + 3000 + 2000
    assert terr.loc["val", "pop_2022"] == 500 + 4000 + 2500
    assert dep.loc["02", "pop_2022"] == 13000
    assert terr.loc["val", "pop_2018"] == 450 + 3900 + 2400  # the second vintage
    # ratio of sums: 450 unemployed / 3 000 active, not the mean of 10 %, 20 % and 10 %
    assert math.isclose(terr.loc["plateau", "taux_chomage_2022"], 15.0)
    assert math.isclose(dep.loc["02", "taux_chomage_2022"], 750 / 6000 * 100)
    assert math.isclose(terr.loc["val", "densite_2022"], 7000 / 60)
    assert math.isclose(tiny.values("epci").loc["200000001", "densite_2022"], 4000 / 30)


def test_secret_value_is_missing_never_zero(tiny):
    com = tiny.values("commune")
    assert math.isnan(com.loc["02003", "revenu_median_2021"])
    assert com.loc["02001", "revenu_median_2021"] == 21000
    assert tiny.values("territoire")["revenu_median_2021"].isna().all()  # a median never adds up
    assert fiches.fmt_ind(tiny, "revenu_median_2021", com.loc["02003", "revenu_median_2021"]) \
        == "non publié"


def test_key_figures_of_a_territory(tiny):
    figs = {f.id: f for f in fiches.key_figures(tiny, "territoire", "plateau")}
    assert list(figs) == ["pop_2022", "densite_2022", "taux_chomage_2022"]  # the pack's ones
    assert figs["pop_2022"].text == f"6{NB}000{NB}hab."
    assert figs["pop_2022"].reference == f"13{NB}000{NB}hab."
    assert figs["pop_2022"].others == f"7{NB}000 – 7{NB}000{NB}hab."  # the one other territory
    assert figs["densite_2022"].text == f"150,0{NB}hab./km²"
    assert figs["taux_chomage_2022"].text == f"15,0{NB}%"
    assert figs["taux_chomage_2022"].source_short == "INSEE · RP 2022"


def test_commune_profile_and_search(tiny):
    prof = fiches.commune_profile(tiny, "02003")
    row = prof.loc[prof.iloc[:, 1].astype(str).str.contains("Revenu disponible médian")].iloc[0]
    assert "non publié" in " ".join(map(str, row.values))
    found = fiches.search_communes(tiny, "epinville")  # accents folded
    assert list(found["code"]) == ["02005"]


def test_territory_summary_in_words(tiny):
    paras = {p.theme: p.text for p in summary.territory_summary(tiny, "plateau")}
    # 6 000 / 13 000 = 46,15… %
    assert paras["Population"].startswith(f"Le territoire Pays du Plateau compte 6{NB}000 habitants "
                                          f"en 2022, soit 46,2{NB}% de la population de l'Aisne.")
    assert f"atteint 15,0{NB}%" in paras["Chômage"]
    assert f"2,5 points au-dessus du taux départemental (12,5{NB}%)" in paras["Chômage"]
    assert "le plus élevé des 2 territoires de contrat" in paras["Chômage"]
    # published for Aubeville and Bellecourt (Castelmont secret); commune median 20 000 €
    assert "publié pour 2 communes sur 3" in paras["Revenus"]
    assert f"de 19{NB}000 € par unité de consommation (Bellecourt) à 21{NB}000 € (Aubeville)" \
        in paras["Revenus"]
    val = {p.theme: p.text for p in summary.territory_summary(tiny, "val")}
    assert "le plus bas des 2 territoires de contrat" in val["Chômage"]


def test_check_report_totals_and_missing(tiny):
    out = check.report(tiny)
    assert "Communes : 6 au COG de référence, 6 polygones." in out
    assert (f"pop_2022 : commune 13{NB}000{NB}hab. ; epci 13{NB}000{NB}hab. ; "
            f"territoire 13{NB}000{NB}hab. ; departement 13{NB}000{NB}hab.") in out
    assert "superficie : commune 100,0" in out
    assert "revenu_median_2021 : commune 1/6" in out
    assert "Communes par territoire : Pays du Plateau 3, Val d'Aubette 3" in out
    assert "Fusions de communes postérieures au COG de référence :\n  aucune" in out


def test_export_commune_frame_without_mergers(tiny):
    # regression: a pack without commune mergers made export_frame("commune") raise
    df = export.export_frame(tiny, "commune")
    assert list(df["code"]) == ["02001", "02002", "02003", "02004", "02005", "02006"]
    assert set(df["statut"]) == {"commune"}
    assert df.loc[df["code"] == "02002", "taux_chomage_2022"].item() == 20.0  # 300 / 1 500
    assert pd.isna(df.loc[df["code"] == "02003", "revenu_median_2021"].item())


def test_export_csv_keeps_codes_and_secret(tiny, tmp_path):
    out = tmp_path / "territoires.csv"
    export.export(tiny, "territoire", "csv", str(out))
    df = pd.read_csv(out, dtype={"code": str})
    assert list(df["code"]) == ["plateau", "val"]
    assert list(df["pop_2022"]) == [6000, 7000]
    assert list(df["taux_chomage_2022"]) == [15.0, 10.0]
    communes = tmp_path / "communes.csv"
    export.export(tiny, "commune", "csv", str(communes))
    text = communes.read_text(encoding="utf-8")
    back = pd.read_csv(io.StringIO(text), dtype={"code": str})
    assert back["code"].iloc[0] == "02001"
    assert pd.isna(back.loc[back["code"] == "02003", "revenu_median_2021"].item())
