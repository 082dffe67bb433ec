"""Import (safe reading, mapping, CRS, validation report, all-or-nothing) and export."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import Transformer

from carnet.projets import importer
from carnet.projets.errors import ImportRejected
from carnet.projets.exporter import export_projects
from carnet.projets.importer import build_report, import_file, read_table, suggest_mapping
from tests.projets.conftest import sample

CORPUS = Path(__file__).resolve().parents[1] / "data" / "projets"
MANIFEST = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
TO_L93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def test_corpus_has_at_least_20_files():
    assert len(MANIFEST) >= 20
    assert all((CORPUS / name).exists() for name in MANIFEST)
    assert all((CORPUS / name).stat().st_size < 100_000 for name in MANIFEST)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_malformed_file_refused_in_french_and_nothing_written(name, repo, ctx):
    data = (CORPUS / name).read_bytes()
    with pytest.raises(ImportRejected) as err:
        import_file(data, name, ctx, repo, user="u", territoire=None)
    exc = err.value
    text = str(exc)
    if exc.report is not None:
        text += " | " + " | ".join(r["motifs"] for r in exc.report.rejected)
        assert "Rien n'a été enregistré" in str(exc)
    assert MANIFEST[name] in text
    assert repo.count(include_deleted=True) == 0


def test_gdal_vrt_driver_is_skipped():
    assert "OGR_VRT" in os.environ["GDAL_SKIP"].split()


def _real_world_csv(rows: list[tuple]) -> bytes:
    """cp1252, ';', decimal comma, Lambert-93 coordinates, French headers."""
    out = ["Identifiant;Intitulé;Code INSEE;Statut;Orientation;Maître d'ouvrage;"
           "Coût total;Participation du Département;X;Y"]
    for ref, titre, code, statut, lon, lat in rows:
        x, y = TO_L93.transform(lon, lat)
        out.append(f"{ref};{titre};{code};{statut};Environnement préservé;Commune;"
                   f"1 250 000,50;300 000;{x:.1f};{y:.1f}".replace(".", ","))
    return ("\r\n".join(out) + "\r\n").encode("cp1252")


def test_real_world_csv_report_fix_import_export(repo, ctx, tmp_path):
    rows = [("C1", "Béguinage en éco-quartier", "59122", "Engagé", 3.23, 50.17),
            ("C2", "Maison médicale", "59139", "à l'étude", 3.41, 50.12),
            ("C3", "Espace multi-services", "59999", "En cours", 3.54, 50.10),
            ("C4", "Voie verte", "59136", "réalisée", 2.35, 48.85)]
    data = _real_world_csv(rows)
    table = read_table(data, "plan.csv")
    assert "Windows-1252" in table.notes[0] and "point-virgule" in table.notes[0]
    mapping = suggest_mapping(list(table.df.columns))
    assert mapping["titre"] == "Intitulé" and mapping["commune"] == "Code INSEE"
    assert mapping["x"] == "X" and mapping["cout_total"] == "Coût total"
    report = build_report(table, mapping, ctx, repo, territoire="cambresis")
    assert [r["ligne"] for r in report.rejected] == [4, 5]
    assert "code commune inconnu « 59999 »" in report.rejected[0]["motifs"]
    assert "hors du contrat « cambresis »" in report.rejected[1]["motifs"]
    assert any("Lambert-93" in n for n in report.notes)
    with pytest.raises(ImportRejected):
        importer.commit(report, repo, "tech")
    assert repo.count() == 0
    # the technician fixes the two rows
    rows[2] = ("C3", "Espace multi-services", "59136", "En cours", 3.54, 50.10)
    rows[3] = ("C4", "Voie verte", "59136", "réalisée", 3.55, 50.11)
    report, created = import_file(_real_world_csv(rows), "plan.csv", ctx, repo, "tech",
                                  territoire="cambresis")
    assert report.ok and len(created) == 4
    df = repo.dataframe("nord")
    c1 = df.set_index("ref").loc["C1"]
    assert c1["lon"] == pytest.approx(3.23, abs=1e-5) and c1["lat"] == pytest.approx(
        50.17, abs=1e-5)
    assert c1["cout_total"] == 1250000.5 and c1["statut"] == "engage"
    assert c1["orientation"] == "environnement" and c1["territoire"] == "cambresis"
    assert repo.history(int(c1["id"]))[0]["action"] == "import"
    # re-import of the same file: the refs match, nothing changes
    report, created = import_file(_real_world_csv(rows), "plan.csv", ctx, repo, "tech",
                                  territoire="cambresis")
    assert created == [] and report.unchanged == [2, 3, 4, 5] and repo.count() == 4
    # re-import with one status changed: that project is updated, in the audit log
    rows[1] = ("C2", "Maison médicale", "59139", "Réalisé", 3.41, 50.12)
    report, created = import_file(_real_world_csv(rows), "plan.csv", ctx, repo, "tech",
                                  territoire="cambresis")
    assert created == [] and [u["changes"] for u in report.updates] == [{"statut": "realise"}]
    c2 = repo.dataframe("nord").set_index("ref").loc["C2"]
    assert c2["statut"] == "realise" and c2["version"] == 2
    assert [h["action"] for h in repo.history(int(c2["id"]))] == ["import", "import"]
    # export as GeoPackage and read it back
    path = tmp_path / "projets.gpkg"
    path.write_bytes(export_projects(df, "gpkg"))
    back = gpd.read_file(path, layer="projets")
    assert back.crs.to_epsg() == 4326 and len(back) == 4
    assert sorted(back["ref"]) == ["C1", "C2", "C3", "C4"]
    assert back.set_index("ref").loc["C2", "statut"] == "À l'étude"
    assert back.geometry.x.round(5).tolist()[0] == pytest.approx(3.23, abs=1e-5)


def test_dry_run_writes_nothing(repo, ctx):
    data = b"titre,commune,cout_total\nMaison,59122,\"12,5\"\n"
    report, created = import_file(data, "a.csv", ctx, repo, "u", dry_run=True)
    assert report.ok and created == [] and repo.count() == 0
    assert report.valid[0]["cout_total"] == 12.5


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg"])
def test_export_roundtrip(fmt, repo, ctx, tmp_path):
    repo.create(sample(ref="R1"), user="u")
    repo.create(sample(titre="À localiser", commune=None, ref="R2"), user="u")
    df = repo.dataframe("nord")
    data = export_projects(df, fmt)
    # the exported file imports back (into another territory check: refs already exist)
    table = read_table(data, f"export.{fmt}")
    mapping = suggest_mapping(list(table.df.columns))
    report = build_report(table, mapping, ctx, None, territoire=None)
    assert report.ok, report.rejected
    by_ref = {r["ref"]: r for r in report.valid}
    assert by_ref["R1"]["statut"] == "engage" and by_ref["R1"]["cout_total"] == 1200000.5
    assert (by_ref["R1"]["lon"], by_ref["R1"]["lat"]) == (3.235, 50.175)
    assert by_ref["R2"]["lon"] is None
    assert by_ref["R1"]["territoire"] == "cambresis" and by_ref["R1"]["pack"] == "nord"


def _old_layout(export: bytes, fmt: str) -> bytes:
    """An export as written before the rename: ``territoire`` = pack, ``contrat`` = territory
    (and no ``uuid`` column: it came later)."""
    old = {"pack": "territoire", "territoire": "contrat"}
    if fmt == "csv":
        df = pd.read_csv(io.BytesIO(export), sep=";", dtype=str, keep_default_na=False,
                         encoding="utf-8-sig")
        assert list(df.columns[4:6]) == ["pack", "territoire"]
        df = df.drop(columns="uuid")
        return df.rename(columns=old).to_csv(sep=";", index=False).encode("utf-8-sig")
    df = pd.read_excel(io.BytesIO(export), dtype=object).drop(columns="uuid")
    buf = io.BytesIO()
    df.rename(columns=old).to_excel(buf, sheet_name="Projets", index=False)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_in_the_old_layout_reimports_unchanged(fmt, repo, ctx):
    repo.create(sample(ref="R1"), user="u")
    repo.create(sample(titre="Lille", ref=None, commune="59350",
                       territoire="metropole-lilloise"), user="u")
    repo.create(sample(titre="Sans territoire", ref=None, territoire=None, commune=None), user="u")
    before = repo.dataframe("nord")
    old = _old_layout(export_projects(before, fmt), fmt)
    table = read_table(old, f"ancien.{fmt}")
    assert {"territoire", "contrat"} <= set(table.df.columns) and "pack" not in table.df
    mapping = suggest_mapping(list(table.df.columns))
    assert mapping["territoire"] == "contrat"  # the pack column is not a territory
    report, created = import_file(old, f"ancien.{fmt}", ctx, repo, "u")
    assert report.ok and created == [] and report.updates == [], report.rejected
    assert len(report.unchanged) == 3
    pd.testing.assert_frame_equal(repo.dataframe("nord"), before)
    # into an empty registry, the old file creates the same projects and territories
    repo.delete(int(before["id"].iloc[0]), user="u", expected_version=1)
    fresh = old.replace(b"R1", b"R9") if fmt == "csv" else old
    if fmt == "csv":
        report, created = import_file(fresh, "ancien.csv", ctx, repo, "u", doublons="importer")
        assert [p["territoire"] for p in created] == ["cambresis"]
        assert created[0]["pack"] == "nord"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg"])
def test_export_reimported_unchanged_creates_and_updates_nothing(fmt, repo, ctx):
    repo.create(sample(ref="R1"), user="u")
    repo.create(sample(titre="Sans référence", ref=None, statut="Réalisé"), user="u")
    repo.create(sample(titre="=HYPERLINK(\"http://x\")", commune=None, ref=None), user="u")
    repo.create(sample(titre="Point précis", ref=None, lon=3.2401, lat=50.1702,
                       description="Ligne 1\nLigne 2"), user="u")
    export = export_projects(repo.dataframe("nord"), fmt)
    before = repo.dataframe("nord")
    report, created = import_file(export, f"export.{fmt}", ctx, repo, "u")
    assert report.ok and created == [] and report.updates == [], report.rejected
    assert len(report.unchanged) == 4 and repo.count() == 4
    pd.testing.assert_frame_equal(repo.dataframe("nord"), before)
    # someone edits a project after the export: the old export no longer applies to it
    pid = int(before.loc[before["titre"] == "Sans référence", "id"].iloc[0])
    repo.update(pid, {"statut": "engagé"}, expected_version=1, user="v")
    with pytest.raises(ImportRejected) as err:
        import_file(export, f"export.{fmt}", ctx, repo, "u")
    (bad,) = err.value.report.rejected
    assert f"projet n°{pid} modifié dans le registre depuis l'export" in bad["motifs"]


def test_template_reimports_and_lists_accepted_values(ctx):
    from carnet.projets.exporter import TEMPLATE_COLUMNS, template_bytes

    # the CSV template, filled in by a technician, imports with every column recognised
    cells = {"ref": "P1", "titre": "Maison de santé", "commune": "59122", "statut": "Engagé",
             "orientation": "Cohésion sociale", "cout_total": "1 250 000 €"}
    filled = template_bytes("csv") + (";".join(cells.get(c, "") for c in TEMPLATE_COLUMNS)
                                      + "\n").encode()
    table = read_table(filled, "modele.csv")
    mapping = suggest_mapping(list(table.df.columns), table, ctx)
    assert set(mapping) == set(TEMPLATE_COLUMNS)
    report = build_report(table, mapping, ctx)
    assert report.ok and report.valid[0]["orientation"] == "cohesion"
    values = pd.read_excel(io.BytesIO(template_bytes("xlsx", ctx.territoires)),
                           sheet_name="Valeurs acceptées")
    assert "Cohésion sociale et solidarités" in values["Aussi reconnu"].str.cat(sep=" ")
    assert "Cambrésis" in values["Libellé"].tolist()
    header = pd.read_excel(io.BytesIO(template_bytes("xlsx")), sheet_name="Projets")
    assert list(header.columns) == TEMPLATE_COLUMNS


def test_export_defuses_formulas(repo):
    repo.create(sample(titre="=HYPERLINK(\"http://x\")"), user="u")
    csv_text = export_projects(repo.dataframe("nord"), "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    df = pd.read_excel(io.BytesIO(export_projects(repo.dataframe("nord"), "xlsx")))
    assert df.loc[0, "titre"].startswith("'=")


def test_upload_size_cap():
    with pytest.raises(ImportRejected, match="limite de 20 Mo"):
        read_table(b"a" * (importer.MAX_UPLOAD_BYTES + 1), "gros.csv")


def test_feature_count_cap(monkeypatch):
    monkeypatch.setattr(importer, "MAX_FEATURES", 3)
    data = b"titre\n" + b"x\n" * 5
    with pytest.raises(ImportRejected, match="plus de 3 lignes"):
        read_table(data, "a.csv")


def test_lambert93_shapefile_zip_is_reprojected(ctx):
    x, y = TO_L93.transform(3.235, 50.175)
    gdf = gpd.GeoDataFrame({"titre": ["Collège"], "statut": ["engagé"]},
                           geometry=gpd.points_from_xy([x], [y]), crs="EPSG:2154")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        gdf.to_file(Path(tmp) / "p.shp", engine="pyogrio")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for p in Path(tmp).iterdir():
                zf.write(p, f"dossier/{p.name}")
    table = read_table(buf.getvalue(), "projets.zip")
    assert any("Lambert-93" in n for n in table.notes)
    assert table.lon[0] == pytest.approx(3.235, abs=1e-6)
    report = build_report(table, suggest_mapping(list(table.df.columns)), ctx)
    assert report.ok and report.valid[0]["statut"] == "engage"


def test_xlsx_import_with_numbers(ctx):
    buf = io.BytesIO()
    pd.DataFrame({"Titre": ["A", "B"], "Commune": [59122, 59139], "Coût": [1000.5, None],
                  "Début": [2012, 2013]}).to_excel(buf, index=False)
    table = read_table(buf.getvalue(), "p.xlsx")
    report = build_report(table, suggest_mapping(list(table.df.columns)), ctx)
    assert report.ok, report.rejected
    assert [r["commune"] for r in report.valid] == ["59122", "59139"]
    assert report.valid[0]["cout_total"] == 1000.5 and report.valid[1]["cout_total"] is None
    assert report.valid[0]["annee_debut"] == 2012


def test_gpkg_without_prj_like_crs_polygon_uses_inner_point(ctx, tmp_path):
    from shapely.geometry import box

    gdf = gpd.GeoDataFrame({"titre": ["Zone"]}, geometry=[box(3.22, 50.16, 3.25, 50.19)],
                           crs="EPSG:4326")
    gdf.to_file(tmp_path / "z.gpkg", layer="z", engine="pyogrio")
    table = read_table((tmp_path / "z.gpkg").read_bytes(), "z.gpkg")
    assert any("non ponctuelles" in n for n in table.notes)
    report = build_report(table, {"titre": "titre"}, ctx)
    assert report.ok and report.valid[0]["commune"] is None
