"""Integration: a two-département pack (Aisne + Oise) built in code from the real sources into
a temporary pack folder and cache, its figures checked against the raw files read with pandas
and json directly (no carnet code): communes, population, a rate as a ratio of sums."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest

from carnet.geometry import METRIC_CRS
from tests.support import needs_sources, sources_dir

pytestmark = [pytest.mark.integration, needs_sources]

DEPS = ("02", "60")
CONFIG = """
id = "duo"
nom = "Aisne et Oise"
titre = "Aisne et Oise"
departements = ["02", "60"]

[geographie]
contours = "contours-admin-express-2018"
cog = "cog-decoupage-administratif-2024"
cog_recent = "cog-decoupage-administratif-2026"

[perimetre]
libelle = "Département"
libelle_pluriel = "Départements"
note = "Deux départements de la région Hauts-de-France, pour les tests."

[[territoires]]
id = "aisne"
nom = "Aisne"
departements = ["02"]

[[territoires]]
id = "oise"
nom = "Oise"
departements = ["60"]

[sources]
utiliser = ["insee-comparateur-2021", "insee-comparateur-2024-extrait", "insee-filosofi-2019",
            "cog-decoupage-administratif-2021", "cog-decoupage-administratif-2026"]
"""


@pytest.fixture(scope="module")
def duo(tmp_path_factory):
    from carnet import paths
    from carnet.build import build
    from carnet.pack import load_pack

    root = tmp_path_factory.mktemp("duo")
    (root / "territoires" / "duo").mkdir(parents=True)
    (root / "territoires" / "duo" / "territoire.toml").write_text(CONFIG, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "PACKS_DIR", root / "territoires")
        mp.setenv("CARNET_CACHE", str(root / "cache"))
        mp.setenv("CARNET_SOURCES", str(sources_dir()))
        result = build("duo", progress=False)
        assert result.rebuilt
        yield load_pack("duo")


def raw_cog_communes() -> list[dict]:
    p = sources_dir() / "cog-decoupage-administratif" / "4.1.0" / "communes.json"
    return [c for c in json.loads(p.read_text(encoding="utf-8"))
            if c.get("departement") in DEPS and c["type"] == "commune-actuelle"]


def raw_extrait() -> pd.DataFrame:
    df = pd.read_csv(sources_dir() / "insee-comparateur-2024-extrait" / "communes.csv",
                     dtype={"insee_com": str, "insee_dep": str})
    return df[df["insee_dep"].isin(DEPS)].drop_duplicates("insee_com")


def test_the_pack_holds_the_communes_of_both_departements(duo):
    cog = raw_cog_communes()
    assert len(cog) == 798 + 680
    c = duo.communes
    assert sorted(c["code"]) == sorted(x["code"] for x in cog)
    assert c["code"].str.fullmatch(r"(02|60)\d{3}").all()
    assert (c["territoire"] == "aisne").sum() == 798 and (c["territoire"] == "oise").sum() == 680
    assert c["territoire"].notna().all()
    assert duo.config.dep == "02-60" and duo.config.ensemble_libelle == "ensemble"
    assert duo.table("departement").to_dict("records") == [
        {"code": "02-60", "nom": "Aisne + Oise", "communes": 1478}]


def test_population_of_the_pack_is_the_sum_over_its_communes(duo):
    raw = raw_extrait()
    expected = raw["population_2021"].sum()
    assert expected == pytest.approx(527_468 + 828_838)  # Aisne + Oise, RP 2021
    assert duo.values("departement").loc["02-60", "pop_2021"] == pytest.approx(expected)
    by_dep = raw.groupby("insee_dep")["population_2021"].sum()
    terr = duo.values("territoire")["pop_2021"]
    assert terr["aisne"] == pytest.approx(by_dep["02"]) and terr["oise"] == pytest.approx(by_dep["60"])


def test_the_packs_rate_is_a_ratio_of_sums_not_a_mean_of_departement_rates(duo):
    raw = raw_extrait()
    expected = 100 * raw["pop_15_64_chomage_2021"].sum() / raw["pop_15_64_active_2021"].sum()
    got = duo.values("departement").loc["02-60", "taux_chomage_2021"]
    assert got == pytest.approx(expected, rel=1e-12)
    rates = duo.values("territoire")["taux_chomage_2021"]
    assert abs(got - rates.mean()) > 0.05  # the mean of the two rates would be wrong


def raw_c21() -> pd.DataFrame:
    zpath = sources_dir() / "insee-comparateur-2021" / "base_cc_comparateur_csv.zip"
    with zipfile.ZipFile(zpath) as z, z.open("base_cc_comparateur.CSV") as f:
        return pd.read_csv(f, sep=";", dtype={"CODGEO": str}, usecols=["CODGEO", "P18_POP", "MED19"])


def test_communes_merged_before_the_reference_cog_are_summed_into_their_new_commune(duo):
    """The comparateur 2021 (geography 2021) still has Berzy-le-Sec (02077) and Saint-Thibaut
    (02695), delegated communes of Bernoy-le-Château (02564) and Bazoches-et-Saint-Thibaut
    (02054) in the COG 2024: their residents count, in their new commune."""
    c21 = raw_c21()
    aisne = c21[c21["CODGEO"].str.startswith("02")]["P18_POP"].sum()
    assert duo.values("territoire").loc["aisne", "pop_2018"] == pytest.approx(aisne)
    rows = c21.set_index("CODGEO")
    vals = duo.values("commune")
    pop = rows["P18_POP"]
    assert vals.loc["02564", "pop_2018"] == pytest.approx(pop["02564"] + pop["02077"])
    assert vals.loc["02054", "pop_2018"] == pytest.approx(pop["02054"] + pop["02695"])
    # a median does not add up: the chef-lieu's own median is not the new commune's
    assert pd.notna(rows.at["02564", "MED19"]) and pd.isna(vals.loc["02564", "revenu_median_2019"])
    assert duo.meta["diagnostics"]["fusions_anterieures"]["insee-comparateur-2021"] == {
        "02054": ["02695"], "02564": ["02077"]}


def test_a_commune_detached_since_the_sources_geography_counts_once_in_its_totals(duo):
    """Les Hauts-Talican (60694) was a delegated commune of 60054 in the COG 2021: the comparateur
    2021's row 60054 covers both. Above the commune level it counts once (the Oise's P18_POP is the
    raw file's sum); at commune level neither has a 2018 value of its own, and both say why."""
    c21 = raw_c21()
    assert "60694" not in set(c21["CODGEO"])
    oise = c21[c21["CODGEO"].str.startswith("60")]["P18_POP"].sum()
    assert duo.values("territoire").loc["oise", "pop_2018"] == pytest.approx(oise)
    both = c21[c21["CODGEO"].str[:2].isin(DEPS)]["P18_POP"].sum()
    assert duo.values("departement").loc["02-60", "pop_2018"] == pytest.approx(both)
    assert duo.meta["diagnostics"]["scissions"] == {"60694": "60054"}
    vals = duo.values("commune")
    assert vals.loc[["60054", "60694"], "pop_2018"].isna().all()
    assert vals.loc[["60054", "60694"], "pop_2021"].notna().all()  # the 2024 extract has both
    notes = duo.communes.set_index("code")["note"]
    assert "ne formaient qu'une commune" in notes["60694"] and notes["60694"] == notes["60054"]


def test_geometries_of_each_level(duo):
    terr = duo.geometry("territoire", "departement")
    assert sorted(terr["code"]) == ["aisne", "oise"]
    whole = duo.geometry("departement", "complet").to_crs(METRIC_CRS)
    assert list(whole["code"]) == ["02-60"] and whole.geometry.iloc[0].is_valid
    communes = duo.geometry("commune", "complet").to_crs(METRIC_CRS)
    assert whole.geometry.iloc[0].area == pytest.approx(communes.geometry.area.sum(), rel=1e-6)
    assert whole.geometry.iloc[0].area / 1e6 == pytest.approx(7369 + 5860, rel=0.01)  # km², IGN


def test_check_reports_the_commune_changes_and_the_missing_indicators(duo):
    from carnet.check import report

    text = report(duo)
    assert "insee-comparateur-2021 : 02077 additionnée(s) dans 02564 Bernoy-le-Château" in text
    assert "60694 Les Hauts-Talican : détachée de 60054 Beaumont-les-Nonains" in text
    missing = next(line for line in text.splitlines() if line.startswith("Indicateurs du registre absents"))
    assert "pop_2022" in missing and "pop_2021" not in missing  # the Nord's 2025 comparateur is not used
    assert "doit égaler l'ensemble" in text
