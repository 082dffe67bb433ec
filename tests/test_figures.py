"""Issue #9, section 1: every figure checked against an independent computation from the raw
files (csv / json modules, pyproj; no carnet code on the expected side)."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.support import needs_sources, sources_dir

pytestmark = [pytest.mark.integration, needs_sources]
NBSP = "\u202f"
ROOT = Path(__file__).resolve().parents[1]
C25 = "insee-comparateur-2025-nord/base_cc_comparateur_2025_59.csv"
DOSSIER = "insee-dossier-complet-2025-nord/dossier_complet_light_59.csv"


def raw_rows(rel, sep=";", member=None):
    p = sources_dir() / rel
    text = (zipfile.ZipFile(p).read(member).decode("utf-8") if member
            else p.read_text(encoding="utf-8-sig"))
    return list(csv.DictReader(io.StringIO(text), delimiter=sep))


def num(x):
    return None if x in ("", "s", None) else float(x.replace(",", "."))


def col_sum(rows, col, codes=None, key="CODGEO"):
    return sum(num(r[col]) or 0.0 for r in rows
               if r[key].startswith("59") and (codes is None or r[key] in codes))


def territory_codes(tid):
    """Codes of a contract territory from the raw COG 2024 EPCI list and the pack config."""
    cfg = tomllib.loads((ROOT / "data/territoires/nord/territoire.toml").read_text(encoding="utf-8"))
    epcis = next(t["epcis"] for t in cfg["territoires"] if t["id"] == tid)
    epci = json.loads((sources_dir() / "cog-decoupage-administratif/4.1.0/epci.json").read_text())
    return {m["code"] for e in epci if e["code"] in epcis for m in e["membres"]
            if m["code"].startswith("59")}


# --- per-year rates over a period ---------------------------------------------------


def test_natural_balance_divides_by_six_years(nord):
    """NAIS1621/DECE1621 cumulate the six years 2016-2021 (188 452 births / 6 = 31 409 a year)."""
    from carnet.fiches import fmt_ind

    c25 = raw_rows(C25)
    births, deaths, pop16 = (col_sum(c25, c) for c in ("NAIS1621", "DECE1621", "P16_POP"))
    assert births == 188_452 and round(births / 6) == 31_409
    expected = (births - deaths) / 6 / pop16 * 1000
    got = nord.values("departement").loc["59", "solde_naturel_2016_2021"]
    assert got == pytest.approx(expected, rel=1e-12)
    assert fmt_ind(nord, "solde_naturel_2016_2021", got, "departement") == f"3,1{NBSP}‰"  # not 3,7
    lille = next(r for r in c25 if r["CODGEO"] == "59350")
    exp_lille = (num(lille["NAIS1621"]) - num(lille["DECE1621"])) / 6 / num(lille["P16_POP"]) * 1000
    assert nord.values("commune").loc["59350", "solde_naturel_2016_2021"] == pytest.approx(exp_lille)
    codes = territory_codes("sambre-avesnois")
    exp_sa = ((col_sum(c25, "NAIS1621", codes) - col_sum(c25, "DECE1621", codes))
              / 6 / col_sum(c25, "P16_POP", codes) * 1000)
    assert nord.values("territoire").loc["sambre-avesnois", "solde_naturel_2016_2021"] == \
        pytest.approx(exp_sa, rel=1e-12)


def _growth(p0, p1, years):
    return ((p1 / p0) ** (1 / years) - 1) * 100


GROWTH = {  # id: (start file, start column, end file, end column, years), read with csv
    "evol_pop_2011_2016": (DOSSIER, "P11_POP", DOSSIER, "P16_POP", 5),
    "evol_pop_2016_2022": (C25, "P16_POP", C25, "P22_POP", 6),
    "evol_emplois_2016_2022": (C25, "P16_EMPLT", C25, "P22_EMPLT", 6),
    "evol_pop_2013_2018": ("c21", "P13_POP", "c21", "P18_POP", 5),
    "evol_emplois_2013_2018": ("c21", "P13_EMPLT", "c21", "P18_EMPLT", 5),
    "evol_pop_2015_2021": ("c24", "population_2015", "c24", "population_2021", 6),
}


def _rows(name):
    if name == "c21":
        return raw_rows("insee-comparateur-2021/base_cc_comparateur_csv.zip",
                        member="base_cc_comparateur.CSV"), "CODGEO"
    if name == "c24":
        rows = raw_rows("insee-comparateur-2024-extrait/communes.csv", sep=",")
        dedup = {r["insee_com"]: r for r in rows if r["insee_dep"] == "59"}
        return list(dedup.values()), "insee_com"
    return raw_rows(name), "CODGEO"


@pytest.mark.parametrize("iid", sorted(GROWTH))
def test_annual_growth_rates_from_raw_files(nord, iid):
    f0, c0, f1, c1, years = GROWTH[iid]
    (r0, k0), (r1, k1) = _rows(f0), _rows(f1)
    for level, code, codes in (("departement", "59", None),
                               ("territoire", "cambresis", territory_codes("cambresis"))):
        expected = _growth(col_sum(r0, c0, codes, k0), col_sum(r1, c1, codes, k1), years)
        assert nord.values(level).loc[code, iid] == pytest.approx(expected, rel=1e-10), (iid, level)


# --- L'Orée de Mormal --------------------------------------------------------------


def test_commune_level_sums_equal_departement_for_every_summed_indicator(nord):
    from carnet.export import export_frame

    df = export_frame(nord, "commune", rounded=False)
    dep = nord.values("departement").loc["59"]
    checked = 0
    for iid, ind in nord.indicators.items():
        if ind.rule != "sum":
            continue
        if math.isnan(dep[iid]):  # a secret commune makes the département « non publié »
            publishers = df[df["statut"] != "commune nouvelle (2025)"]
            assert publishers[iid].isna().any(), iid
            continue
        assert df[iid].sum() == pytest.approx(dep[iid], rel=1e-12), iid
        checked += 1
    assert checked >= 25
    c25 = raw_rows(C25)
    assert df["pop_2022"].sum() == pytest.approx(col_sum(c25, "P22_POP")) == 2_616_909


def test_merged_commune_has_its_own_export_row(nord):
    from carnet.export import export_frame

    df = export_frame(nord, "commune")
    rows = df[df["code"].isin(["59006", "59070"])].set_index("nom")
    assert list(rows.index) == ["L'Orée de Mormal", "Amfroipret", "Bermeries"]
    assert rows.loc["L'Orée de Mormal", "statut"] == "commune nouvelle (2025)"
    assert rows.loc["Amfroipret", "statut"] == "fusionnée dans L'Orée de Mormal (2025)"
    raw = next(r for r in raw_rows(C25) if r["CODGEO"] == "59006")
    assert rows.loc["L'Orée de Mormal", "pop_2022"] == float(raw["P22_POP"]) == 609
    assert math.isnan(rows.loc["Amfroipret", "pop_2022"])
    # the 2018 census still publishes the former communes, not the merged one
    c21 = {r["CODGEO"]: r for r in raw_rows("insee-comparateur-2021/base_cc_comparateur_csv.zip",
                                             member="base_cc_comparateur.CSV")}
    assert rows.loc["Bermeries", "pop_2018"] == float(c21["59070"]["P18_POP"])
    assert math.isnan(rows.loc["L'Orée de Mormal", "pop_2018"])
    assert len(df) == 649


def test_merged_commune_on_the_maps(nord):
    from carnet import fiches
    from carnet.geometry import METRIC_CRS

    frame = fiches.commune_map_frame(nord, "sambre-avesnois", "pop_2022")
    assert "59070" not in set(frame["code"])
    row = frame[frame["code"] == "59006"].iloc[0]
    assert row["nom"] == "L'Orée de Mormal" and row["valeur"] == 609
    members = nord.geometry("commune", "territoire")
    members = members[members["code"].isin(["59006", "59070"])].to_crs(METRIC_CRS)
    merged = frame[frame["code"] == "59006"].to_crs(METRIC_CRS).geometry.iloc[0]
    assert merged.area == pytest.approx(members.area.sum(), rel=1e-6)
    whole = fiches.commune_map_frame(nord, None, "pop_2022")
    assert len(whole) == 647 and whole["valeur"].sum() == pytest.approx(2_616_909)
    old = fiches.commune_map_frame(nord, "sambre-avesnois", "pop_2018")  # 2018 geography
    assert {"59006", "59070"} <= set(old["code"]) and "L'Orée de Mormal" not in set(old["nom"])
    rank = fiches.ranking(nord, "sambre-avesnois", "pop_2022")
    assert "L'Orée de Mormal" in set(rank["nom"]) and "Bermeries" not in set(rank["nom"])
    assert fiches.selection_text(nord, "59006", "pop_2022") == ("L'Orée de Mormal", f"609{NBSP}hab.")
    assert fiches.selection_text(nord, "59070", "pop_2022")[1] == "fusionnée dans L'Orée de Mormal (2025)"


def test_former_communes_never_read_non_publie(nord):
    from carnet import fiches

    for code in ("59006", "59070"):
        prof = fiches.commune_profile(nord, code)
        merged = set(fiches.merged_indicators(nord, "59006"))
        for _, r in prof.iterrows():
            iid = next(i for i in fiches.fiche_ids(nord) if nord.indicator(i).label == r["Indicateur"])
            if iid in merged:
                assert r["Commune"] == "fusionnée dans L'Orée de Mormal (2025)", (code, iid)
            assert r["Commune"] != "non publié" or not nord.indicator(iid).aggregable, (code, iid)


def test_merged_commune_has_its_own_fiche(nord):
    """Clicking L'Orée de Mormal's polygon opened Amfroipret's fiche (both are 59006): the
    merged commune has a fiche of its own (key 59006@2025), figures from the raw files."""
    from carnet import fiches

    assert fiches.picked_commune(nord, "59006", "pop_2022") == "59006@2025"  # its polygon
    assert fiches.picked_commune(nord, "59006", "pop_2018") == "59006"  # Amfroipret's polygon
    info = fiches.commune_info(nord, "59006@2025")
    assert (info.nom, info.code, info.territoire) == ("L'Orée de Mormal", "59006", "sambre-avesnois")
    assert info.anciennes == (("59006", "Amfroipret"), ("59070", "Bermeries"))
    assert fiches.commune_info(nord, "59006").nouvelle == ("59006@2025", "L'Orée de Mormal")
    assert fiches.commune_info(nord, "59006@2024") is None  # no such merged commune
    prof = fiches.commune_profile(nord, "59006@2025").set_index("Indicateur")
    raw25 = next(r for r in raw_rows(C25) if r["CODGEO"] == "59006")
    assert prof.loc["Population 2022", "Commune"] == f"{int(num(raw25['P22_POP']))}{NBSP}hab."
    # a source of the former geography (2018 census): the two former communes summed
    c21 = {r["CODGEO"]: r for r in raw_rows("insee-comparateur-2021/base_cc_comparateur_csv.zip",
                                             member="base_cc_comparateur.CSV")}
    pop18 = sum(num(c21[c]["P18_POP"]) for c in ("59006", "59070"))
    prof18 = fiches.commune_profile(nord, "59006@2025", ids=["pop_2018", "revenu_median_2021"])
    assert prof18["Commune"].tolist() == [f"{pop18:,.0f}".replace(",", NBSP) + f"{NBSP}hab.",
                                          "non agrégeable"]  # a median of two communes: none
    assert "Commune nouvelle" not in prof.columns
    assert "Commune nouvelle" in fiches.commune_profile(nord, "59006").columns
    hits = fiches.search_communes(nord, "oree de mormal")
    assert hits["code"].tolist() == ["59006@2025"]
    options, chosen = fiches.commune_choices(nord, "", "sambre-avesnois", "59006@2025")
    assert chosen == "59006@2025"
    assert options["59006@2025"] == "L'Orée de Mormal (59006, commune nouvelle 2025)"
    assert options["59006"] == "Amfroipret (59006)"
    assert fiches.selection_text(nord, "59006@2025", "pop_2022") == ("L'Orée de Mormal", f"609{NBSP}hab.")


# --- distances, collèges ----------------------------------------------------------


def test_station_distance_is_geodesic(nord):
    """Nord: 2,65 km by the ellipsoid (rounds to 2,6); the Lambert-93 plane gave 2,7."""
    from pyproj import Geod

    from carnet.fiches import fmt_ind

    geod = Geod(ellps="WGS84")
    stations = []
    for r in raw_rows("sncf-gares-de-voyageurs/gares-de-voyageurs.csv"):
        if r["Position géographique"].strip():
            lat, lon = (float(x) for x in r["Position géographique"].split(","))
            stations.append((lon, lat))
    lons, lats = [s[0] for s in stations], [s[1] for s in stations]
    c = nord.communes.set_index("code")  # centres as built (published BAN centre or inside point)
    pop = {r["CODGEO"]: num(r["P22_POP"]) for r in raw_rows(C25)}
    total = weight = 0.0
    for code, row in c.iterrows():
        n = len(lons)
        _, _, d = geod.inv([row["centre_lon"]] * n, [row["centre_lat"]] * n, lons, lats)
        km = min(d) / 1000
        if code in ("59350", "59122"):
            assert nord.values("commune").loc[code, "distance_gare"] == pytest.approx(km, abs=1e-9)
        if pop.get(code):
            total += km * pop[code]
            weight += pop[code]
    got = nord.values("departement").loc["59", "distance_gare"]
    assert got == pytest.approx(total / weight, rel=1e-9)
    assert fmt_ind(nord, "distance_gare", got, "departement") == f"2,6{NBSP}km"
    ind = nord.indicator("distance_gare")
    assert "géodésique" in ind.definition and "gares françaises" in ind.definition


def test_rep_colleges_counted_from_the_2021_layer(nord):
    feats = json.loads((sources_dir() / "education-etablissements-academie-lille-2021"
                        / "CollgeREPREP_3.geojson").read_text(encoding="utf-8"))["features"]
    rep = {f["properties"]["Code etablissement"]: str(int(float(f["properties"]["CP"])))
           for f in feats if f["properties"]["Nature"].strip() == "COLLEGE"
           and f["properties"]["Classement REP"].strip() in ("REP", "REP+")}
    nord_rep = {k: v for k, v in rep.items() if v.startswith("59")}
    assert len(nord_rep) == 77
    assert nord.values("departement").loc["59", "colleges_rep"] == 77  # IPS 2022 file: 76
    sa = territory_codes("sambre-avesnois")
    assert sum(v in sa for v in nord_rep.values()) == 12
    assert nord.values("territoire").loc["sambre-avesnois", "colleges_rep"] == 12
    assert "couche 2021" in nord.indicator("colleges_rep").definition


# --- wording and vintages ---------------------------------------------------------


@pytest.mark.parametrize("tid, of", [("cambresis", "du Cambrésis"), ("douaisis", "du Douaisis"),
                                     ("valenciennois", "du Valenciennois"),
                                     ("sambre-avesnois", "de la Sambre-Avesnois")])
def test_summary_writes_the_subject_out(nord, tid, of):
    from carnet import summary

    pop, _, rev = (p.text for p in summary.territory_summary(nord, tid))
    assert f"Depuis 2016, la population {of} a" in pop
    assert ", elle a" not in pop and "Depuis 2016, elle" not in pop
    assert rev.startswith("Les sources du Carnet ne donnent le revenu disponible médian (Filosofi 2021) "
                          "que par commune")


def test_commune_counts_carry_their_vintage(nord):
    from carnet import fiches

    assert fiches.communes_count(nord) == "648 communes (COG 2024 ; 647 depuis 2025)"
    camb = fiches.territory_communes(nord, "cambresis")["code"]
    assert fiches.communes_count(nord, camb) == "116 communes (COG 2024)"
    sa = fiches.territory_communes(nord, "sambre-avesnois")["code"]
    assert fiches.communes_count(nord, sa).endswith("(COG 2024 ; 150 depuis 2025)")


def test_sources_table_lists_the_check_sources_and_how_monuments_were_made(nord):
    from carnet import fiches

    t = fiches.sources_table(nord).set_index("Identifiant")
    assert "epci-contours-2025" in t.index and "COG 2025" in t.loc["epci-contours-2025", "Millésime"]
    mon = t.loc["culture-monuments-historiques"]
    assert "tuiles" in mon["Producteur"] and "point dans polygone" in mon["Producteur"]
    for sid in ("sncf-gares-de-voyageurs", "culture-musees-de-france", "culture-monuments-historiques",
                "parcs-naturels-regionaux"):
        vintage = t.loc[sid, "Millésime"]
        assert "liste publiée" not in vintage and re.search(r"20\d\d", vintage), sid
    assert "compilation tierce" in t.loc["insee-comparateur-2024-extrait", "Producteur"]


# --- exports -----------------------------------------------------------------------


def test_cli_export_rounds_and_says_what_it_writes(nord, capsys, monkeypatch, built_cache):
    from carnet.cli import main

    monkeypatch.setenv("CARNET_CACHE", str(built_cache))
    assert main(["export", "--maille", "territoire"]) == 0
    out = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out.out)))
    camb = next(r for r in rows if r["code"] == "cambresis")
    assert camb["evol_pop_2016_2022"] == "-0.39" and camb["pop_2022"] == "158302"
    solde = nord.values("territoire").loc["cambresis", "solde_naturel_2016_2021"]
    assert camb["solde_naturel_2016_2021"] == f"{solde:.1f}"
    assert "séparateur « , », point décimal" in out.err and "arrondies" in out.err
    assert main(["export", "--maille", "territoire", "--brut"]) == 0
    out = capsys.readouterr()
    camb = next(r for r in csv.DictReader(io.StringIO(out.out)) if r["code"] == "cambresis")
    assert len(camb["evol_pop_2016_2022"]) > 6 and "non arrondies" in out.err
    assert main(["export", "--maille", "territoire", "--format", "csv-tableur"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("\ufeffcode;nom;") and ";-0,39;" in out.out
    assert "virgule décimale" in out.err


def test_comparer_download_rounded_with_number_formats(nord):
    import openpyxl

    from carnet import fiches
    from carnet.export import csv_bytes, xlsx_bytes

    ids = ["pop_2022", "evol_pop_2016_2022", "taux_chomage_2022"]
    df = fiches.compare_export(nord, "territoire", ["cambresis", "douaisis"], ids)
    col = "Évolution annuelle de la population 2016-2022 (%)"
    assert df.loc[0, col] == -0.39 and df.attrs["decimals"][col] == 2
    text = csv_bytes(df).decode("utf-8-sig")
    assert text.splitlines()[1].startswith("cambresis;Cambrésis;158302;-0,39;16,8")
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(df, df.attrs["decimals"], "Comparaison")))
    ws = wb["Comparaison"]
    assert ws["C2"].value == 158302 and ws["C2"].number_format == "#,##0"
    assert ws["D2"].value == -0.39 and ws["D2"].number_format == "#,##0.00"
    assert ws["E2"].number_format == "#,##0.0"
    raw = fiches.compare_export(nord, "territoire", ["cambresis"], ids, rounded=False)
    assert raw.loc[0, col] != -0.39 and round(raw.loc[0, col], 2) == -0.39


def test_check_report_commune_totals_include_the_merged_commune(nord):
    from carnet.check import report

    text = report(nord)
    assert f"pop_2022 : commune 2{NBSP}616{NBSP}909{NBSP}hab. ; epci 2{NBSP}616{NBSP}909" in text
    assert f"pop_2018 : commune 2{NBSP}606{NBSP}234{NBSP}hab." in text
