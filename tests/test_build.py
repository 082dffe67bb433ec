"""Integration: the Nord pack built from the real sources, checked against values
computed independently from the raw files (csv module, no carnet code)."""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import zipfile

import pytest
import shapely

from carnet.geometry import METRIC_CRS, coverage_report
from tests.support import needs_sources, sources_dir

pytestmark = [pytest.mark.integration, needs_sources]
NBSP = "\u202f"


def raw_rows(rel, sep=";", member=None):
    p = sources_dir() / rel
    if member:
        text = zipfile.ZipFile(p).read(member).decode("utf-8")
    else:
        text = p.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=sep))


def nord_sum(rows, col):
    return sum(float(r[col]) for r in rows if r["CODGEO"].startswith("59") and r[col] not in ("", "s"))


def test_golden_population_totals(nord):
    c21 = raw_rows("insee-comparateur-2021/base_cc_comparateur_csv.zip", member="base_cc_comparateur.CSV")
    c25 = raw_rows("insee-comparateur-2025-nord/base_cc_comparateur_2025_59.csv")
    assert round(nord_sum(c21, "P18_POP")) == 2_606_234
    assert round(nord_sum(c25, "P22_POP")) == 2_616_909
    dep = nord.values("departement").loc["59"]
    assert dep["pop_2018"] == pytest.approx(2_606_234)
    assert dep["pop_2022"] == pytest.approx(2_616_909)


def test_communes_and_territories(nord):
    c = nord.communes
    assert len(c) == 648 and c["code"].is_unique
    assert c["code"].str.fullmatch(r"\d{5}").all()
    assert c["territoire"].notna().all()
    assert c["territoire"].nunique() == 7
    assert (c["territoire"] == "cambresis").sum() == 116
    # Flandre Lys: only its Nord communes
    assert (c["epci"] == "245900758").sum() == 4


def test_territory_populations_sum_to_departement(nord):
    for iid in ("pop_2022", "pop_2018", "pop_2011", "logements_2022", "emplois_2022"):
        terr = nord.values("territoire")[iid].sum()
        epci = nord.values("epci")[iid].sum()
        dep = nord.values("departement").loc["59", iid]
        assert terr == pytest.approx(dep) and epci == pytest.approx(dep), iid


def test_territory_unemployment_is_ratio_of_sums(nord):
    c25 = {r["CODGEO"]: r for r in raw_rows("insee-comparateur-2025-nord/base_cc_comparateur_2025_59.csv")}
    cambresis = set(nord.communes.loc[nord.communes["territoire"] == "cambresis", "code"])
    chom = sum(float(c25[k]["P22_CHOM1564"]) for k in cambresis if c25[k]["P22_CHOM1564"])
    act = sum(float(c25[k]["P22_ACT1564"]) for k in cambresis if c25[k]["P22_ACT1564"])
    expected = 100 * chom / act
    got = nord.values("territoire").loc["cambresis", "taux_chomage_2022"]
    assert got == pytest.approx(expected, rel=1e-12)
    rates = [float(c25[k]["P22_CHOM1564"]) / float(c25[k]["P22_ACT1564"]) * 100
             for k in cambresis if c25[k]["P22_ACT1564"] and float(c25[k]["P22_ACT1564"]) > 0]
    assert abs(got - sum(rates) / len(rates)) > 0.1  # the mean of rates would be wrong


def test_secret_median_income_is_missing_not_zero(nord):
    f19 = raw_rows("insee-filosofi-2019/cc_filosofi_2019_COM.CSV")
    secret = [r["CODGEO"] for r in f19 if r["CODGEO"].startswith("59") and r["MED19"] in ("", "s")]
    assert secret, "the source has secret medians in the Nord"
    vals = nord.values("commune")
    for code in secret:
        assert math.isnan(vals.loc[code, "revenu_median_2019"])
    assert (vals["revenu_median_2019"] == 0).sum() == 0
    c25 = raw_rows("insee-comparateur-2025-nord/base_cc_comparateur_2025_59.csv")
    s21 = [r["CODGEO"] for r in c25 if r["MED21"] == "s"]
    assert s21 and all(math.isnan(vals.loc[k, "revenu_median_2021"]) for k in s21 if k != "59006")


def test_merger_is_reported_and_counted_once(nord):
    assert nord.diagnostics["fusions"] == {"59006": ["59006", "59070"]}
    c = nord.communes.set_index("code")
    assert "ont fusionné en L'Orée de Mormal (59006)" in c.loc["59070", "note"]
    vals = nord.values("commune")
    assert math.isnan(vals.loc["59006", "pop_2022"]) and math.isnan(vals.loc["59070", "pop_2022"])
    # 59006 carries L'Orée de Mormal (609 inhabitants) in the 2025 file: counted in its EPCI
    epci = c.loc["59006", "epci"]
    members = c.index[c["epci"] == epci]
    c25 = {r["CODGEO"]: r for r in raw_rows("insee-comparateur-2025-nord/base_cc_comparateur_2025_59.csv")}
    expected = sum(float(c25[k]["P22_POP"]) for k in members if c25[k]["P22_POP"])
    assert nord.values("epci").loc[epci, "pop_2022"] == pytest.approx(expected)


def test_simplified_communes_form_a_coverage(nord):
    for detail in ("departement", "territoire"):
        rep = coverage_report(nord.geometry("commune", detail))
        assert rep["valid"] and rep["overlap_edges"] == 0, detail
        assert rep["area_gap_ratio"] < 1e-6, detail


def test_simplified_territory_outline_matches_union_of_its_communes(nord):
    comm = nord.geometry("commune", "departement").merge(
        nord.communes[["code", "territoire"]], on="code").to_crs(METRIC_CRS)
    outlines = nord.geometry("territoire", "departement").to_crs(METRIC_CRS).set_index("code")
    for tid, grp in comm.groupby("territoire"):
        union = shapely.union_all(grp.geometry.values)
        assert abs(union.area - outlines.loc[tid].geometry.area) / union.area < 0.005, tid
    full = nord.geometry("commune", "complet").to_crs(METRIC_CRS).area.sum()
    simple = nord.geometry("commune", "departement").to_crs(METRIC_CRS).area.sum()
    assert abs(full - simple) / full < 0.005


def test_point_layers(nord):
    assert set(nord.layer_ids) == {"monuments", "musees", "gares", "colleges", "pnr"}
    assert len(nord.layer("monuments")) == 771
    assert len(nord.layer("musees")) == 33
    assert len(nord.layer("gares")) == 117
    col = nord.layer("colleges")
    assert len(col) == 282 and set(col["Secteur"]) == {"public", "privé sous contrat"}
    assert set(nord.layer("pnr")["nom"]) >= {"Avesnois", "Scarpe-Escaut"}
    dep = nord.values("departement").loc["59"]
    assert dep["colleges"] == 282 and dep["gares"] == 117 and 0 < dep["part_pnr"] < 100


def test_rebuild_with_nothing_changed_reuses_cache(built_cache, monkeypatch):
    from carnet.build import build

    monkeypatch.setenv("CARNET_CACHE", str(built_cache))
    r = build("nord", progress=False)
    assert r.rebuilt is False


def test_somme_pack_builds_from_config_alone(tmp_path, monkeypatch):
    from carnet.build import build
    from carnet.pack import load_pack

    monkeypatch.setenv("CARNET_CACHE", str(tmp_path))
    build("somme", progress=False)
    p = load_pack("somme")
    assert len(p.values("territoire")) == 4
    assert p.values("territoire")["pop_2018"].sum() == pytest.approx(
        p.values("departement").loc["80", "pop_2018"])
    assert p.communes["territoire"].notna().all()


def test_export_csv_columns(nord, capsys):
    from carnet.export import export

    export(nord, "territoire", "csv")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("code,nom,pop_2011,")
    assert len(lines) == 8 and any(line.startswith("cambresis,Cambrésis,") for line in lines)


def test_export_gpkg_file(nord, tmp_path):
    import geopandas as gpd

    from carnet.export import export

    out = tmp_path / "epci.gpkg"
    export(nord, "epci", "gpkg", str(out))
    g = gpd.read_file(out)
    assert len(g) == 17 and list(g.columns[:2]) == ["code", "nom"]


# --- bad input -----------------------------------------------------------------------


def mirror(tmp_path):
    """A sources folder of symlinks to the real files, safe to corrupt one file in."""
    dst = tmp_path / "sources"
    shutil.copytree(sources_dir(), dst, symlinks=False, copy_function=lambda s, d: shutil.os.symlink(s, d))
    return dst


def test_missing_sources_folder_exit_code_and_nothing_written(tmp_path, monkeypatch, capsys):
    from carnet.cli import main

    monkeypatch.setenv("CARNET_SOURCES", str(tmp_path / "nulle-part"))
    monkeypatch.setenv("CARNET_CACHE", str(tmp_path / "cache"))
    assert main(["build", "--pack", "nord", "--quiet"]) != 0
    err = capsys.readouterr().err
    assert "Dossier des sources introuvable" in err and "nulle-part" in err
    assert not (tmp_path / "cache").exists()


def test_missing_file_names_it_and_where_to_get_it(tmp_path, monkeypatch, capsys):
    from carnet.cli import main

    src = mirror(tmp_path)
    (src / "insee-filosofi-2019" / "cc_filosofi_2019_COM.CSV").unlink()
    monkeypatch.setenv("CARNET_SOURCES", str(src))
    monkeypatch.setenv("CARNET_CACHE", str(tmp_path / "cache"))
    assert main(["build", "--quiet"]) != 0
    err = capsys.readouterr().err
    assert "cc_filosofi_2019_COM.CSV" in err and "https://www.insee.fr/fr/statistiques/6036907" in err
    assert not (tmp_path / "cache" / "nord").exists()


@pytest.mark.parametrize("corruption, expected", [
    ("separator", "séparateur"),
    ("truncated", "tronquée"),
    ("duplicate", "en double"),
])
def test_corrupt_source_names_file_and_line_and_keeps_old_pack(
        tmp_path, monkeypatch, capsys, built_cache, corruption, expected):
    from carnet.cli import main

    src = mirror(tmp_path)
    rel = "insee-comparateur-2025-nord/base_cc_comparateur_2025_59.csv"
    text = (sources_dir() / rel).read_text(encoding="utf-8")
    lines = text.splitlines()
    if corruption == "separator":
        text = text.replace(";", ",")
    elif corruption == "truncated":
        text = "\n".join(lines[:100]) + "\n" + lines[100][:20]
    else:
        text = "\n".join(lines[:50] + [lines[10]] + lines[50:]) + "\n"
    (src / rel).unlink()
    (src / rel).write_text(text, encoding="utf-8")
    cache = tmp_path / "cache"
    shutil.copytree(built_cache, cache)
    before = sorted(p.name for p in (cache / "nord").iterdir())
    monkeypatch.setenv("CARNET_SOURCES", str(src))
    monkeypatch.setenv("CARNET_CACHE", str(cache))
    assert main(["build", "--quiet"]) != 0
    err = capsys.readouterr().err
    assert "base_cc_comparateur_2025_59.csv" in err and "ligne" in err and expected in err
    assert sorted(p.name for p in (cache / "nord").iterdir()) == before  # old pack intact
    assert [p.name for p in cache.iterdir()] == ["nord"]  # no temporary folder left


def test_merged_commune_values_are_those_of_the_new_commune(nord):
    from carnet import fiches

    merged = nord.merged_values()
    assert merged.loc["59006", "nom"] == "L'Orée de Mormal"
    assert merged.loc["59006", "pop_2022"] == 609  # the 2025 file's row 59006
    assert merged.loc["59006", "pop_2011"] == pytest.approx(625)  # dossier complet, merged row
    profile = fiches.commune_profile(nord, "59070").set_index("Indicateur")
    assert profile.loc["Population 2022", "Commune nouvelle"] == "609\u202fhab."
    # never « non publié » (statistical secrecy): the 2025 sources publish the merged commune
    assert profile.loc["Population 2022", "Commune"] == "fusionnée dans L'Orée de Mormal (2025)"
    # the 2018 census still publishes Bermeries itself
    assert profile.loc["Revenu disponible médian 2021", "Commune"] == f"24{NBSP}140{NBSP}€/UC"


def test_check_report_names_merger_joins_and_totals(nord, monkeypatch):
    from carnet.check import report

    text = report(nord)
    assert "59006 ← 59006 Amfroipret, 59070 Bermeries" in text
    assert "insee-dossier-complet-2025-nord : 647 lignes" in text and "communes absentes : 59070" in text
    assert "648 communes comparées ; 0 ont changé d'EPCI" in text  # real XLSX with header rows
    assert "CC Flandre Lys" in text and "écart notable" in text
    assert "Cambrésis 116" in text


def test_check_report_of_the_somme_totals_its_own_vintages(somme_cache, monkeypatch):
    from carnet.check import report
    from carnet.pack import load_pack

    monkeypatch.setenv("CARNET_CACHE", str(somme_cache))
    text = report(load_pack("somme"))
    totals = text.split("Totaux par maille")[1].split("\n\n")[0]
    assert "pop_2021 : commune 566 252 hab." in totals.replace("\u202f", " ")  # its latest census
    assert "pop_2018 :" in totals and "emplois_2018 :" in totals and "pop_2022" not in totals
    assert "Contrôle des contours d'EPCI" not in text  # no outlines of the Somme's EPCI to check
    assert "du Nord" not in text and not re.search(r"(?<!\d)59\d{3}(?!\d)", text)  # no Nord commune


def test_the_cache_holds_exactly_the_files_of_the_layout(nord):
    """carnet.pack.Layout names every file the build writes (and nothing else is written)."""
    from carnet.indicators import LEVELS
    from carnet.pack import DETAILS, MERGED, Layout

    files = Layout(nord.path)
    expected = {files.meta, files.communes, files.variables,
                *(files.geometry(lvl, d) for lvl in (*LEVELS, MERGED) for d in DETAILS),
                *(files.values(lvl) for lvl in (*LEVELS, MERGED)),
                *(files.table(lvl) for lvl in LEVELS if lvl != "commune"),
                *(files.layer(lid) for lid in nord.layer_ids)}
    assert set(nord.path.iterdir()) == expected


def test_pack_does_not_import_build():
    """carnet.pack owns the layout; loading a pack never imports the build (issue #7, §5)."""
    import subprocess
    import sys

    code = "import sys, carnet.pack; print('carnet.build' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
