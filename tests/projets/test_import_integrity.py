"""Imports never store a wrong value (issue #8, section 1).

Rows and geometries stay aligned, nothing is cut, re-encoded into mojibake or disguised,
the sheet or layer read is named and chosen, and every refusal is French, names the file
and the row or cell, and never shows GDAL's English or a server path.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from carnet.projets.cli import projets_import
from carnet.projets.errors import ImportRejected, NotFoundError, ProjetError
from carnet.projets.importer import build_report, import_file, read_table, suggest_mapping
from carnet.projets.validation import clean_projet, ref_key
from tests.projets.conftest import COMMUNES, sample

CORPUS = Path(__file__).resolve().parents[1] / "data" / "projets"
MANIFEST = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
ACCEPTED = json.loads((CORPUS / "ACCEPTES.json").read_text(encoding="utf-8"))
#: Mojibake of French text (UTF-8 read as Windows-1252 or Latin-1), C1 controls.
MOJIBAKE = re.compile("[ÂÃ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|â€|Å[“’]|[\u0080-\u009f]")
INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _stored(repo) -> dict[str, tuple[float, float] | None]:
    df = repo.dataframe("nord")
    return {r.titre: (None if r.lon != r.lon else (round(r.lon, 6), round(r.lat, 6)))
            for r in df.itertuples()}


# -- the corpus of hostile but importable files ------------------------------------------
def test_accepted_corpus_files_exist_and_are_small():
    assert len(ACCEPTED) >= 15
    for name in ACCEPTED:
        assert (CORPUS / name).stat().st_size < 100_000, name
        assert name not in MANIFEST


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_hostile_file_imported_exactly(name, repo, ctx):
    expected = ACCEPTED[name]
    report, created = import_file((CORPUS / name).read_bytes(), name, ctx, repo, user="u")
    assert report.ok, report.rejected
    assert any(expected["note"] in n for n in report.notes), report.notes
    want = {t: (tuple(p) if p else None) for t, p in expected["projets"].items()}
    assert _stored(repo) == want
    assert len(created) == len(want) == repo.count()
    # no mojibake, no invisible character in anything stored
    for column in ("titre", "description", "maitre_ouvrage", "partenaires", "ref"):
        for value in repo.dataframe("nord")[column].dropna():
            assert not MOJIBAKE.search(value), (column, value)
            assert not INVISIBLE.search(value), (column, value)


# -- refusals: French, no GDAL English, no server path -----------------------------------
ENGLISH = re.compile(r"\b(error|failed|expecting|expected|unexpected|unsupported|"
                     r"recognized|invalid|no such|not a|traceback|field|line \d)\b", re.I)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_refusal_messages_have_no_english_nor_server_path(name, ctx):
    data = (CORPUS / name).read_bytes()
    with pytest.raises(ImportRejected) as err:
        _refuse(data, name, ctx)
    text = str(err.value)
    if err.value.report is not None:
        text += " " + " ".join(r["motifs"] for r in err.value.report.rejected)
        text += " " + " ".join(err.value.report.notes)
    assert "/tmp" not in text and "carnet-import-" not in text, text
    assert not ENGLISH.search(text), text


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_file_refusals_name_the_file(name):
    try:
        read_table((CORPUS / name).read_bytes(), name)
    except ImportRejected as exc:
        assert str(exc).startswith(f"Fichier « {name} » refusé : "), str(exc)


def _refuse(data: bytes, name: str, ctx) -> None:
    table = read_table(data, name)
    report = build_report(table, suggest_mapping(list(table.df.columns)), ctx)
    if not report.ok:
        raise ImportRejected(report.summary(), report=report)


# -- geometries stay on their rows (property-based) ---------------------------------------
CENTRES = [(c[1], (c[6], c[7])) for c in COMMUNES]


def _geo_bytes(fmt: str, gdf: gpd.GeoDataFrame) -> tuple[bytes, str]:
    with tempfile.TemporaryDirectory() as tmp:
        if fmt == "geojson":
            path = Path(tmp) / "p.geojson"
            gdf.to_file(path, driver="GeoJSON", engine="pyogrio")
            return path.read_bytes(), "p.geojson"
        if fmt == "gpkg":
            path = Path(tmp) / "p.gpkg"
            gdf.to_file(path, layer="projets", engine="pyogrio")
            return path.read_bytes(), "p.gpkg"
        gdf.to_file(Path(tmp) / "p.shp", engine="pyogrio", encoding="UTF-8")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for part in Path(tmp).iterdir():
                zf.write(part, part.name)
        return buf.getvalue(), "p.zip"


_row = st.one_of(
    st.tuples(st.just("projet"), st.sampled_from(range(len(CENTRES))),
              st.floats(-0.02, 0.02), st.floats(-0.02, 0.02), st.booleans()),
    st.tuples(st.just("vide"), st.sampled_from(range(len(CENTRES))), st.booleans()),
)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shapefile"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, min_size=1, max_size=12).filter(
    lambda rs: any(r[0] == "projet" for r in rs)))
def test_empty_rows_never_shift_points(fmt, rows, ctx):
    titles, statuts, geoms, expected = [], [], [], {}
    for k, row in enumerate(rows):
        if row[0] == "projet":
            _, c, dx, dy, located = row
            name, (lon, lat) = CENTRES[c]
            title = f"Projet n°{k} à {name}"
            point = (round(lon + dx, 6), round(lat + dy, 6)) if located else None
            titles.append(title)
            statuts.append("engagé")
            geoms.append(Point(point) if point else None)
            expected[title] = point
        else:  # a feature whose attributes are all empty, with or without a stray point
            _, c, with_point = row
            titles.append(None)
            statuts.append(None)
            geoms.append(Point(CENTRES[c][1]) if with_point else None)
    gdf = gpd.GeoDataFrame({"titre": titles, "statut": statuts}, geometry=geoms,
                           crs="EPSG:4326")
    data, filename = _geo_bytes(fmt, gdf)
    table = read_table(data, filename)
    assert len(table.df) == len(table.lon) == len(table.lat) == len(table.rows)
    report = build_report(table, {"titre": "titre", "statut": "statut"}, ctx)
    assert report.ok, report.rejected
    got = {r["titre"]: (None if r["lon"] is None else (r["lon"], r["lat"]))
           for r in report.valid}
    assert got == expected
    # the number shown for each row is its feature number in the file
    numbers = [k + 1 for k, r in enumerate(rows) if r[0] == "projet"]
    assert table.rows == numbers


def test_issue_case_cambrai_stays_in_cambrai(repo, ctx):
    """The issue's report: "Projet à Cambrai" was stored in Lille."""
    name = "entites_vides.gpkg"
    report, _ = import_file((CORPUS / name).read_bytes(), name, ctx, repo, user="u")
    assert report.summary() == "3 entité(s) valide(s) sur 3, prêtes à importer."
    stored = _stored(repo)
    assert stored["Projet à Cambrai"] == (3.235, 50.175)
    assert stored["Projet à Lille"] == (3.06, 50.63)


def test_csv_line_numbers_survive_blank_and_multiline_rows(ctx):
    data = (b"titre;commune\n\nMaison;59122\n;;\n\"Salle\nde sport\";59122\n;59122\n"
            b"Halle;12345\n")
    table = read_table(data, "p.csv")
    assert table.rows == [3, 5, 7, 8]
    assert table.df["titre"].tolist()[1] == "Salle\nde sport"
    report = build_report(table, suggest_mapping(list(table.df.columns)), ctx)
    assert [r["ligne"] for r in report.rejected] == [7, 8]
    assert "titre manquant" in report.rejected[0]["motifs"]


def test_xlsx_row_numbers_are_sheet_rows(ctx):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([])  # the table starts on row 2
    ws.append(["titre", "commune"])
    ws.append(["Maison", "59122"])
    ws.append([None, None])
    ws.append([None, "59122"])
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table(buf.getvalue(), "p.xlsx")
    assert table.rows == [3, 5]
    report = build_report(table, suggest_mapping(list(table.df.columns)), ctx)
    assert [(r["ligne"], r["motifs"]) for r in report.rejected] == [(5, "titre manquant")]


# -- nothing cut -------------------------------------------------------------------------
@pytest.mark.parametrize(("field", "length", "limit", "label"), [
    ("description", 7000, 5000, "description"), ("maitre_ouvrage", 1000, 300,
                                                  "maître d'ouvrage"),
    ("partenaires", 5001, 5000, "partenaires"), ("ref", 72, 64, "identifiant"),
    ("titre", 301, 300, "titre"), ("enjeu", 301, 300, "enjeu"), ("source", 501, 500, "source")])
def test_over_long_values_rejected_with_length_and_limit(field, length, limit, label):
    clean, errors = clean_projet(sample(**{field: "x" * length}))
    fmt = lambda n: f"{n:,}".replace(",", "\u202f")  # noqa: E731
    assert f"{label} : {fmt(length)} caractères, au-delà de la limite de {fmt(limit)}" in errors
    assert len(clean[field]) == length  # never cut, even in the rejected record


def test_values_at_the_limit_are_stored_whole(repo):
    p = repo.create(sample(description="é" * 5000, maitre_ouvrage="m" * 300, ref="R" * 64),
                    user="u")
    back = repo.get(p["id"])
    assert back["description"] == "é" * 5000 and back["maitre_ouvrage"] == "m" * 300
    assert back["ref"] == "R" * 64


def test_refs_differing_after_64_characters_do_not_collide(repo, ctx):
    name = "ref_trop_longue.csv"
    with pytest.raises(ImportRejected) as err:
        import_file((CORPUS / name).read_bytes(), name, ctx, repo, user="u")
    motifs = [r["motifs"] for r in err.value.report.rejected]
    assert len(motifs) == 2 and all("au-delà de la limite de 64" in m for m in motifs)
    assert not any("en double" in m for m in motifs)
    assert repo.count(include_deleted=True) == 0


# -- identifiers and invisible characters ------------------------------------------------
def test_ref_key_folds_case_and_invisible_characters():
    assert ref_key("CAM-01") == ref_key("cam-01") == ref_key("CAM\u200b-01") == ref_key(
        "\u202eCAM-01\u202c") == ref_key("ＣＡＭ-01")
    assert ref_key("CAM-01") != ref_key("CAM-02")


def test_ref_already_in_registry_under_another_case(repo, ctx):
    repo.create(sample(ref="CAM-01"), user="u")
    data = "ref;titre;commune\ncam-01;Maison;59122\nCAM\u200b-01;Halle;59122\n".encode()
    with pytest.raises(ImportRejected) as err:
        import_file(data, "p.csv", ctx, repo, user="u")
    motifs = [r["motifs"] for r in err.value.report.rejected]
    assert "déjà présent dans le registre sous la forme « CAM-01 »" in motifs[0]
    assert "en double dans le fichier (déjà ligne 2 sous la forme « cam-01 »)" in motifs[1]
    assert repo.count() == 1


def test_repository_refuses_a_ref_differing_only_by_case(repo):
    repo.create(sample(ref="CAM-01"), user="u")
    with pytest.raises(ProjetError, match="« CAM-01 »"):
        repo.create(sample(ref="cam\u200b-01", titre="Autre"), user="u")
    other = repo.create(sample(ref="CAM-02", titre="Autre"), user="u")
    with pytest.raises(ProjetError, match="« CAM-01 »"):
        repo.update(other["id"], {"ref": "Cam-01"}, other["version"], user="u")
    assert repo.count() == 2


def test_bidi_overrides_stripped_from_every_text_field(repo):
    evil = "Maison \u202egpj.exe\u202c \u2066x\u2069\u200b"
    p = repo.create(sample(titre=evil, description=evil, maitre_ouvrage=evil,
                           partenaires=evil, enjeu=evil, source=evil), user="u")
    for field in ("titre", "description", "maitre_ouvrage", "partenaires", "enjeu", "source"):
        assert p[field] == "Maison gpj.exe x", field


# -- sheets and layers -------------------------------------------------------------------
def test_two_sheets_the_report_asks_which(repo, ctx):
    data = (CORPUS / "deux_feuilles.xlsx").read_bytes()
    report, _ = import_file(data, "deux_feuilles.xlsx", ctx, repo, user="u", dry_run=True)
    assert report.choice_needed and not report.ok
    assert report.layer == "2025" and report.layers == ["2025", "2026"]
    assert "Feuille « 2025 » lue." in report.notes
    report, created = import_file(data, "deux_feuilles.xlsx", ctx, repo, user="u",
                                  layer="2026")
    assert report.ok and [c["titre"] for c in created] == ["Béguinage"]
    assert any("« 2025 » (non lues)" in n for n in report.notes)
    with pytest.raises(ImportRejected, match="feuille « 2027 » absente du fichier "
                                             r"\(feuilles : « 2025 », « 2026 »\)"):
        read_table(data, "deux_feuilles.xlsx", layer="2027")


def test_hidden_sheet_can_be_chosen_explicitly(ctx):
    data = (CORPUS / "feuille_masquee.xlsx").read_bytes()
    table = read_table(data, "feuille_masquee.xlsx")
    assert table.layer == "Projets" and table.df["titre"].tolist() == ["Médiathèque"]
    table = read_table(data, "feuille_masquee.xlsx", layer="ancienne version")
    assert table.layer == "Ancienne version"
    assert table.df["titre"].tolist() == ["Projet périmé"]


def test_two_layers_the_report_asks_which(repo, ctx):
    data = (CORPUS / "deux_couches.gpkg").read_bytes()
    with pytest.raises(ImportRejected) as err:
        import_file(data, "deux_couches.gpkg", ctx, repo, user="u")
    report = err.value.report
    assert report.layers == ["projets_2025", "projets_2026"]
    assert "Couche « projets_2025 » lue (1 entité(s))." in report.notes
    assert any("« projets_2026 » (2 entité(s))" in n for n in report.notes)
    assert repo.count() == 0
    report, _ = import_file(data, "deux_couches.gpkg", ctx, repo, user="u",
                            layer="projets_2026")
    assert _stored(repo) == {"Béguinage": (3.41, 50.125), "Voie verte": (3.54, 50.105)}


def test_formula_values_imported_only_when_computed(ctx):
    table = read_table((CORPUS / "formules_avec_valeurs.xlsx").read_bytes(), "f.xlsx")
    assert table.df.loc[0, "titre"] == "Médiathèque" and table.df.loc[0, "cout_total"] == 2000


def test_layer_choice_refused_for_single_table_formats():
    with pytest.raises(ImportRejected, match="ne s'applique qu'aux classeurs XLSX"):
        read_table(b"titre\nMaison\n", "p.csv", layer="x")


# -- CLI --------------------------------------------------------------------------------
def test_cli_names_ignored_columns(repo, tmp_path, capsys):
    f = tmp_path / "p.csv"
    f.write_bytes((CORPUS / "colonnes_ignorees.csv").read_bytes())
    assert projets_import(str(f), "nord", dry_run=True, repo=repo) == 0
    out = capsys.readouterr().out
    assert "Colonne(s) ignorée(s), associée(s) à aucun champ : « Budget 2027 (k€) », " \
           "« Élu référent »" in out


def test_cli_feuille_and_couche(repo, tmp_path, capsys):
    f = tmp_path / "deux_couches.gpkg"
    f.write_bytes((CORPUS / "deux_couches.gpkg").read_bytes())
    assert projets_import(str(f), "nord", repo=repo) == 1
    out, err = capsys.readouterr()
    assert "choisissez celle à importer" in out + err and "--couche" in out + err
    assert repo.count() == 0
    assert projets_import(str(f), "nord", layer="projets_2026", repo=repo) == 0
    assert repo.count() == 2


def test_cli_parses_feuille_and_couche():
    import argparse

    from carnet.projets.cli import add_subparsers

    p = argparse.ArgumentParser()
    add_subparsers(p.add_subparsers(dest="command"))
    a = p.parse_args(["projets", "import", "f.xlsx", "--pack", "nord", "--feuille", "2026"])
    assert a.layer == "2026"
    a = p.parse_args(["projets", "import", "f.gpkg", "--pack", "nord", "--couche", "b"])
    assert a.layer == "b"


# -- soft-deleted projects --------------------------------------------------------------
def test_updating_a_soft_deleted_project_is_refused(repo):
    p = repo.create(sample(), user="u")
    deleted = repo.delete(p["id"], user="u")
    with pytest.raises(NotFoundError, match="supprimé"):
        repo.update(p["id"], {"titre": "Ressuscité"}, deleted["version"], user="u")
    back = repo.get(p["id"], include_deleted=True)
    assert back["titre"] == p["titre"] and back["version"] == deleted["version"]
    assert [h["action"] for h in repo.history(p["id"])] == ["create", "delete"]


# -- encodings ---------------------------------------------------------------------------
@pytest.mark.parametrize(("codec", "label"), [
    ("utf-16", "UTF-16 LE"), ("utf-16-le", "UTF-16 LE (sans BOM)"),
    ("utf-16-be", "UTF-16 BE (sans BOM)"), ("utf-32", "UTF-32 LE"),
    ("utf-32-le", "UTF-32 LE (sans BOM)"), ("utf-32-be", "UTF-32 BE (sans BOM)"),
    ("utf-8-sig", "UTF-8 (avec BOM)"), ("cp1252", "Windows-1252 (cp1252)")])
def test_text_encodings_named_and_read(codec, label):
    data = "titre\tcommune\nŒuvre d'art – « Médiathèque »\t59122\n".encode(codec)
    table = read_table(data, "p.txt")
    assert table.notes[0] == f"Encodage : {label} ; séparateur : tabulation."
    assert table.df["titre"].tolist() == ["Œuvre d'art – « Médiathèque »"]


def test_mixed_file_line_valid_utf8_by_accident_is_read_as_cp1252():
    # "È«" in Windows-1252 is also valid UTF-8 (U+022B): implausible, so read as cp1252
    data = (b"titre\n" + "Médiathèque\n".encode() + "Salle È«\n".encode("cp1252")
            + "Église\n".encode("cp1252"))
    table = read_table(data, "p.csv")
    assert table.df["titre"].tolist() == ["Médiathèque", "Salle È«", "Église"]
    assert any("ligne(s) 2) et 2 en Windows-1252 (ligne(s) 3, 4)" in n for n in table.notes)


def test_undecodable_byte_names_the_line():
    data = "titre\nMédiathèque\n".encode("cp1252") + b"Salle \x81\n"
    with pytest.raises(ImportRejected, match="encodage illisible ligne 3 : ni UTF-8 ni "
                                             "Windows-1252 \\(octet 0x81\\)"):
        read_table(data, "p.csv")


def test_formula_with_an_empty_string_result_is_not_a_missing_value(ctx):
    """Excel writes ``<v></v>`` for a formula whose result is "": that is a result."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["titre", "description"])
    ws.append(["Maison", None])
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":  # B2: =IF(1=1,"",1) -> ""
                payload = payload.replace(b"</row></sheetData>", b'<c r="B2" t="str">'
                                          b'<f>IF(1=1,"",1)</f><v></v></c></row></sheetData>')
            if info.filename == "xl/workbook.xml":
                payload = payload.replace(b' fullCalcOnLoad="1"', b"")
            dst.writestr(info, payload)
    table = read_table(out.getvalue(), "p.xlsx")
    assert table.df["titre"].tolist() == ["Maison"]
    assert table.df["description"].isna().all()


# -- CSV structure ------------------------------------------------------------------------
def test_excel_sep_line_is_honoured_and_not_a_row():
    table = read_table(b"sep=,\r\ntitre,commune\r\n\"Maison; salle\",59122\r\n", "p.csv")
    assert table.notes[0] == "Encodage : UTF-8 ; séparateur : virgule."
    assert table.df.to_dict("records") == [{"titre": "Maison; salle", "commune": "59122"}]
    assert table.rows == [3]


@pytest.mark.parametrize(("data", "message"), [
    (b'titre;commune\n"Maison" du peuple;59122\n', "ligne 2 : guillemet mal placé"),
    (b"titre;commune\nMaison;59122\nSalle;59122\n\"Halle;59122\n", "ligne 4 : guillemets non "
                                                                  "fermés"),
    (b"titre;commune\n" + b"a;1\n" * 5000 + b"Maison\x00;59122\n", "ligne 5002 : caractère nul"),
    (b"titre;commune\nMaison;" + b"9" * 200_000 + b"\n", "ligne 2 : une valeur dépasse"),
])
def test_csv_structure_errors_name_the_line_in_french(data, message):
    with pytest.raises(ImportRejected) as err:
        read_table(data, "p.csv")
    assert f"Fichier « p.csv » refusé : structure CSV invalide {message}" in str(err.value)
    assert not ENGLISH.search(str(err.value))


def test_xlsx_row_cap(monkeypatch):
    import openpyxl

    from carnet.projets import importer

    monkeypatch.setattr(importer, "MAX_FEATURES", 3)
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["titre"], *[[f"P{i}"] for i in range(6)]]:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ImportRejected, match="plus de 3 lignes"):
        read_table(buf.getvalue(), "p.xlsx")
