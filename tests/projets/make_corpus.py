"""Regenerate the hostile-file corpus in tests/data/projets/ (small files, committed).

Run: ``.venv/bin/python -m tests.projets.make_corpus``. Each file of ``MANIFEST.json``
must be refused with the French message fragment recorded there, and nothing written.
Each file of ``ACCEPTES.json`` is hostile but importable: it must be imported with the
French note recorded there, and every project stored with its exact title and point
(no row shifted, no mojibake, no invisible character).
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import xlsxwriter
from shapely.geometry import Point

OUT = Path(__file__).resolve().parents[1] / "data" / "projets"
HEADER = "titre;commune;statut;orientation;cout_total"
GOOD = "Maison médicale;59122;engagé;1;120 000,50"
VRT = (b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd'
       b"</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>")


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():  # fixed dates: same bytes at every run
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data,
                        compress_type=compression)
    return buf.getvalue()


def _shapefile(points, crs, titles=None, encoding=None) -> dict[str, bytes]:
    titles = titles or [f"P{i}" for i in range(len(points))]
    gdf = gpd.GeoDataFrame({"titre": titles},
                           geometry=[Point(p) if p else None for p in points], crs=crs)
    with tempfile.TemporaryDirectory() as tmp:
        gdf.to_file(Path(tmp) / "p.shp", engine="pyogrio", encoding=encoding)
        return {p.name: p.read_bytes() for p in Path(tmp).iterdir()}


def _gpkg(layers: dict[str, gpd.GeoDataFrame | pd.DataFrame]) -> bytes:
    """A GeoPackage with these layers, vacuumed with small pages (a few dozen KB)."""
    import pyogrio

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.gpkg"
        for layer, frame in layers.items():
            pyogrio.write_dataframe(frame, path, layer=layer, append=path.exists())
        con = sqlite3.connect(path)
        con.execute("PRAGMA page_size = 512")
        con.execute("VACUUM")
        con.close()
        return path.read_bytes()


def _xlsx_openpyxl(sheets: list[tuple[str, str, list[list]]]) -> bytes:
    """(title, state, rows) per sheet; formulas saved without a cached result."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, state, rows in sheets:
        ws = wb.create_sheet(title)
        ws.sheet_state = state
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_cached(rows: list[list], cached: dict[tuple[int, int], object],
                 recalc: bool = True) -> bytes:
    """One sheet written by xlsxwriter: formula cells (strings starting with "=") get the
    cached result ``cached[(row, col)]`` (0 when absent, as xlsxwriter does). With
    ``recalc=False`` the workbook no longer asks to be recomputed, as a file saved by Excel.
    """
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("Projets")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.startswith("="):
                ws.write_formula(r, c, value, None, cached.get((r, c), 0))
            elif value is not None:
                ws.write(r, c, value)
    wb.close()
    data = buf.getvalue()
    if recalc:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w",
                                                                  zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "xl/workbook.xml":
                payload = re.sub(rb'\s*fullCalcOnLoad="1"', b"", payload)
            dst.writestr(info.filename, payload)
    return out.getvalue()


def _geojson(features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


SCHEMA_HEADER = ("id,createdAt,updatedAt,nom,description,budgetPrevisionnel,"
                 "dateDebutPrevisionnelle,phase,phaseStatut,programme,porteurCodeSiret,"
                 "porteurReferentEmail,porteurReferentTelephone,porteurReferentPrenom,"
                 "porteurReferentNom,porteurReferentFonction,competences,leviers,mecId,tetId,"
                 "recocoId,collectiviteIds")
#: uuid5 of the Carnet's namespace over "commune:<code>" (carnet.projets.schema_collectivites)
SCHEMA_CAMBRAI = "0ce8ecae-cfd8-56d6-8f9a-38d0c59cea11"
SCHEMA_CAUDRY = "6a6ed4f2-d8bf-56b6-9add-46b963d6ab1a"
SCHEMA_ROW = (SCHEMA_HEADER + "\n01890e30-5a80-7c22-9842-8263d0d0d890,2025-04-15T14:30:00Z,"
              "2025-04-15T14:30:00Z,Maison médicale,,120000,2025,Étude,En cours,"
              "Contrat de territoire du Cambrésis,,,,,,,,,,,,\n").encode()


def _schema_package(id: str = "01890e30-5a80-7c22-9842-8263d0d0d890", phase: str = "Étude",
                    ids: str = f'"[""{SCHEMA_CAMBRAI}""]"') -> bytes:
    """A zipped package of the national schema: one project in Cambrai (or as told)."""
    row = (f"{id},2025-04-15T14:30:00Z,2025-04-15T14:30:00Z,Maison médicale,,120000,2025,"
           f"{phase},En cours,Contrat de territoire du Cambrésis,,,,,,,,,,,,{ids}\n")
    communes = ("id,nom,type,codeInsee,codeDepartements,codeRegions,codeEpci,siren,createdAt,"
                f"updatedAt\n{SCHEMA_CAMBRAI},Cambrai,Commune,59122,,,,,2025-04-15T14:30:00Z,"
                f"2025-04-15T14:30:00Z\n{SCHEMA_CAUDRY},Caudry,Commune,59139,,,,,"
                "2025-04-15T14:30:00Z,2025-04-15T14:30:00Z\n")
    return _zip({"datapackage.json": b'{"resources": [{"name": "projets-territoire", "path": '
                                     b'"projets-territoire.csv"}, {"name": "collectivites", '
                                     b'"path": "collectivites.csv"}]}',
                 "projets-territoire.csv": (SCHEMA_HEADER + "\n" + row).encode(),
                 "collectivites.csv": communes.encode()})


def build() -> dict[str, tuple[bytes, str]]:
    """file name → (content, expected French message fragment)."""
    lines = lambda *rows: ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")  # noqa: E731
    shp_ok = _shapefile([(3.235, 50.175)], "EPSG:4326")
    files = {
        "vide.csv": (b"", "le fichier est vide"),
        "espaces.csv": (b"   \n\n  ", "le fichier est vide"),
        "entete_seule.csv": (lines(), "aucune ligne de données"),
        "sans_separateur.csv": (b"titre commune statut\nMaison 59122 engage\n",
                                "séparateur introuvable"),
        "separateur_barre.csv": (b"titre|commune\nMaison|59122\n", "séparateur « | »"),
        "utf16_tronque.csv": ((HEADER + "\n" + GOOD + "\n").encode("utf-16")[:-1],
                              "encodage UTF-16 LE invalide"),
        "binaire.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "fichier binaire"),
        "encodage_illisible.csv": (HEADER.encode() + b"\nMaison \x81\x8d;59122;engage;1;10\n",
                                   "encodage illisible"),
        "guillemet_non_ferme.csv": (lines('"Maison médicale;59122;engagé;1;10',
                                          'Autre;59122;engagé;1;10'),
                                    "structure CSV invalide"),
        "titre_manquant.csv": (lines(GOOD, ";59122;engagé;1;10"), "titre manquant"),
        "commune_inconnue.csv": (lines(GOOD, "Béguinage;59999;engagé;1;10"),
                                 "code commune inconnu « 59999 »"),
        "statut_inconnu.csv": (lines(GOOD, "Béguinage;59122;peut-être;1;10"),
                               "statut inconnu(e) « peut-être »"),
        "orientation_inconnue.csv": (lines("Béguinage;59122;engagé;9;10"),
                                     "orientation inconnu(e) « 9 »"),
        "montant_illisible.csv": (lines("Béguinage;59122;engagé;1;beaucoup"),
                                  "coût total illisible « beaucoup »"),
        "identifiants_en_double.csv": (
            b"ref;titre;commune\nA1;Maison;59122\nA1;Autre;59139\n", "en double dans le fichier"),
        "point_hors_territoire.csv": (
            b"titre;lon;lat\nTour Eiffel;2,2945;48,8584\n", "hors du territoire"),
        "lat_lon_inverses.csv": (b"titre;lon;lat\nCambrai;50,175;3,235\n", "inversées"),
        "sans_colonne_titre.csv": (b"nom_commune;statut\nCambrai;engage\n",
                                   "Aucune colonne n'est associée au titre"),
        "lambert93_hors_zone.csv": (b"titre;x;y\nBrest;145000;6837000\n", "hors du territoire"),
        "annees_inversees.csv": (b"titre;commune;annee_debut;annee_fin\nX;59122;2016;2012\n",
                                 "l'année de fin précède l'année de début"),
        "vrt_dans_zip.zip": (_zip({**shp_ok, "p.vrt": VRT}), "« p.vrt » n'est pas autorisé"),
        "bombe.zip": (_zip({"p.shp": bytes(30 * 2**20)}), "archive « bombe » possible"),
        "chemin_interdit.zip": (_zip({"../../p.shp": b"x"}), "chemin interdit"),
        "zip_sans_shp.zip": (_zip({"p.dbf": shp_ok["p.dbf"]}), "exactement un fichier .shp"),
        "shapefile_incomplet.zip": (_zip({"p.shp": shp_ok["p.shp"]}), "il manque .shx, .dbf"),
        "shapefile_sans_crs_absurde.zip": (
            _zip({k: v for k, v in _shapefile([(5e7, 9e7)], None).items()}),
            "système de coordonnées absent et impossible à deviner"),
        "vrt_deguise.geojson": (VRT, "fichier VRT de GDAL interdit"),
        # the national schema's zipped Data Package (docs/SCHEMA_COLLECTIVITES.md)
        "schema_sans_projets.zip": (_zip({"datapackage.json": b"{}", "autre.csv": b"a,b\n1,2\n"}),
                                    "la ressource « projets-territoire »"),
        "schema_descripteur_illisible.zip": (
            _zip({"datapackage.json": b"{pas du json", "projets-territoire.csv": SCHEMA_ROW}),
            "datapackage.json illisible"),
        "schema_chemin_interdit.zip": (
            _zip({"datapackage.json": b"{}", "../projets-territoire.csv": SCHEMA_ROW}),
            "chemin interdit"),
        "schema_uuid_invalide.zip": (_schema_package(id="pas-un-uuid"), "UUID invalide"),
        "schema_phase_sans_statut.zip": (_schema_package(phase=""),
                                         "aucun statut du registre ne leur correspond"),
        "schema_deux_communes.zip": (
            _schema_package(ids=f'"[""{SCHEMA_CAMBRAI}"",""{SCHEMA_CAUDRY}""]"'),
            "le registre ne rattache un projet qu'à une commune"),
        "pas_du_json.geojson": (b"titre,commune\nMaison,59122\n", "ce n'est pas un GeoJSON"),
        "json_tronque.geojson": (b'{"type": "FeatureCollection", "features": [',
                                 "JSON invalide"),
        "geometrie_invalide.geojson": (_geojson([
            {"type": "Feature", "properties": {"titre": "Point vide"},
             "geometry": {"type": "Point", "coordinates": []}}]),
            "géométrie vide ou invalide"),
        "anneau_non_ferme.geojson": (_geojson([
            {"type": "Feature", "properties": {"titre": "Zone"},
             "geometry": {"type": "Polygon", "coordinates": [[[3.2, 50.1], [3.3, 50.1]]]}}]),
            "géométrie vide ou invalide"),
        "coordonnee_infinie.geojson": (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
            b'{"titre": "Infini"}, "geometry": {"type": "Point", "coordinates": [1e400, 50]}}]}',
            "fichier géographique illisible"),
        "faux.gpkg": (b"ceci n'est pas une base SQLite", "ce n'est pas un GeoPackage"),
        "faux.xlsx": (b"titre;commune\n", "ce n'est pas un classeur Excel"),
        "executable.exe": (b"MZ\x90\x00", "extension « .exe » non prise en charge"),
        "couche.vrt": (VRT, "extension « .vrt » non prise en charge"),
        # -- issue #8, section 1: never store a wrong value
        "description_trop_longue.csv": (
            f"titre;description\nMédiathèque;{'d' * 7000}\n".encode(),
            "description : 7\u202f000 caractères, au-delà de la limite de 5\u202f000"),
        "maitre_ouvrage_trop_long.csv": (
            f"titre;maitre_ouvrage\nMédiathèque;{'m' * 1000}\n".encode(),
            "maître d'ouvrage : 1\u202f000 caractères, au-delà de la limite de 300"),
        "partenaires_trop_longs.csv": (
            f"titre;partenaires\nMédiathèque;{'Commune, ' * 700}\n".encode(),
            "partenaires : 6\u202f299 caractères, au-delà de la limite de 5\u202f000"),
        "ref_trop_longue.csv": (
            f"ref;titre\n{'R' * 64}-A-2026-v1;Maison\n{'R' * 64}-B-2026-v1;Autre\n".encode(),
            "identifiant : 74 caractères, au-delà de la limite de 64"),
        "refs_casse.csv": (b"ref;titre\nCAM-01;Maison\ncam-01;Autre\n",
                           "identifiant « cam-01 » en double dans le fichier (déjà ligne 2 "
                           "sous la forme « CAM-01 »)"),
        "refs_espace_zero.csv": ("ref;titre\nCAM-01;Maison\nCAM\u200b-01;Autre\n".encode(),
                                 "identifiant « CAM-01 » en double dans le fichier"),
        "csv_colonnes_en_trop.csv": (b"titre;commune\nMaison;59122\nPort;59122;Lille\n",
                                     "structure CSV invalide ligne 3 : 3 valeurs pour 2 "
                                     "colonnes"),
        "lonlat_xy_divergents.csv": (
            b"titre;lon;lat;x;y\nCambrai;3,235;50,175;704000;7059000\n",
            "désignent des points distants de"),
        "formules_sans_valeur.xlsx": (_xlsx_openpyxl([("Projets", "visible", [
            ["titre", "commune", "cout_total"], ['=CONCAT("Mai", "son")', "59122", "=1000*2"],
            ["Béguinage", "59122", 5000]])]),
            "2 cellule(s) sans valeur utilisable : A2 (formule =CONCAT(\"Mai\", \"son\") sans "
            "valeur calculée), C2 (formule =1000*2 sans valeur calculée)"),
        "formules_a_zero.xlsx": (_xlsx_cached([["titre", "cout_total"],
                                               ['="Mai"&"son"', "=1000*2"]], {}),
                                 "A2 (formule =\"Mai\"&\"son\" sans valeur calculée)"),
        "erreur_de_formule.xlsx": (_xlsx_cached([["titre", "cout_total"], ["Maison", "=1/0"]],
                                                {(1, 1): "#DIV/0!"}, recalc=False),
                                   "B2 (erreur « #DIV/0! »)"),
        "feuille_masquee_seule.xlsx": (_xlsx_openpyxl([
            ("Brouillon", "hidden", [["titre"], ["Ancien projet"]]),
            ("Notes", "visible", [])]),
            "aucune feuille visible ne contient de données ; feuille(s) masquée(s) : "
            "« Brouillon »"),
        "deux_feuilles.xlsx": (_xlsx_openpyxl([
            ("2025", "visible", [["titre", "commune"], ["Maison", "59122"]]),
            ("2026", "visible", [["titre", "commune"], ["Béguinage", "59139"]])]),
            "Le fichier contient 2 feuilles de données (« 2025 », « 2026 ») : choisissez celle "
            "à importer"),
        "deux_couches.gpkg": (_gpkg({
            "projets_2025": _points(["Maison"], [CAMBRAI]),
            "projets_2026": _points(["Béguinage", "Voie verte"], [CAUDRY, CATEAU])}),
            "Le fichier contient 2 couches de données (« projets_2025 », « projets_2026 ») : "
            "choisissez celle à importer"),
        "features_pas_une_liste.geojson": (b'{"type": "FeatureCollection", "features": 5}',
                                           "« features » doit être une liste"),
        "entite_pas_un_objet.geojson": (_geojson([5]), "entité n° 1 invalide"),
        "json_trop_imbrique.geojson": (
            b'{"type": "FeatureCollection", "features": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            "imbrication trop profonde"),
        "geojson_cp1252.geojson": (json.dumps(
            {"type": "FeatureCollection", "features": [_feature("Médiathèque", CAMBRAI)]},
            ensure_ascii=False).encode("cp1252"), "GeoJSON non encodé en UTF-8"),
    }
    return files


CAMBRAI, CAUDRY, CATEAU, LILLE = (3.235, 50.175), (3.41, 50.125), (3.54, 50.105), (3.06, 50.63)


def _feature(titre, point, **props) -> dict:
    return {"type": "Feature", "properties": {"titre": titre, **props},
            "geometry": {"type": "Point", "coordinates": list(point)} if point else None}


def _points(titles, points) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"titre": titles},
                            geometry=[Point(p) if p else None for p in points], crs="EPSG:4326")


def _empty_rows_gdf() -> gpd.GeoDataFrame:
    """The issue's case: an all-null feature between two projects (with a stray point)."""
    return gpd.GeoDataFrame(
        {"titre": ["Projet à Lille", None, "Projet à Cambrai", None, "Projet au Cateau"],
         "statut": ["engagé", None, "engagé", None, "idée"]},
        geometry=[Point(LILLE), Point(CAUDRY), Point(CAMBRAI), None, Point(CATEAU)],
        crs="EPSG:4326")


def _shapefile_zip(gdf: gpd.GeoDataFrame, encoding: str | None, cpg: bytes | None,
                   keep_cpg: bool = False) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        gdf.to_file(Path(tmp) / "p.shp", engine="pyogrio", encoding=encoding)
        parts = {p.name: p.read_bytes() for p in Path(tmp).iterdir()}
    if not keep_cpg:
        parts.pop("p.cpg", None)
    if cpg is not None:
        parts["p.cpg"] = cpg
    return _zip(parts)


EMPTY_ROWS = {"Projet à Lille": LILLE, "Projet à Cambrai": CAMBRAI, "Projet au Cateau": CATEAU}


def build_accepted() -> dict[str, tuple[bytes, str, dict]]:
    """file name → (content, expected French note fragment, {titre: (lon, lat) or None})."""
    accented = {"Médiathèque": CAMBRAI, "Bibliothèque Œuvre’s": CAUDRY}
    accents = _points(list(accented), list(accented.values()))
    xy = "titre;lon;lat;x;y\nCambrai;3,235;50,175;;\nCaudry;;;{:.1f};{:.1f}\n"
    from pyproj import Transformer

    l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True).transform(*CAUDRY)
    return {
        "entites_vides.geojson": (_geojson([
            _feature("Projet à Lille", LILLE, statut="engagé"),
            {"type": "Feature", "properties": {"titre": None, "statut": None},
             "geometry": {"type": "Point", "coordinates": list(CAUDRY)}},
            _feature("Projet à Cambrai", CAMBRAI, statut="engagé"),
            {"type": "Feature", "properties": {}, "geometry": None},
            _feature("Projet au Cateau", CATEAU, statut="idée")]),
            "Entité(s) n° 2 sans aucun attribut (géométrie seule) ignorée(s)", EMPTY_ROWS),
        "entites_vides.gpkg": (_gpkg({"projets": _empty_rows_gdf()}),
                               "Entité(s) n° 2 sans aucun attribut", EMPTY_ROWS),
        "entites_vides.zip": (_shapefile_zip(_empty_rows_gdf(), "UTF-8", None, keep_cpg=True),
                              "Entité(s) n° 2 sans aucun attribut", EMPTY_ROWS),
        "encodages_melanges.csv": (
            b"titre;commune\n" + "Médiathèque;59122\n".encode()
            + "Bibliothèque Œuvre’s;59139\n".encode("cp1252"),
            "Encodages mélangés : 1 ligne(s) en UTF-8 (ligne(s) 2) et 1 en Windows-1252 "
            "(ligne(s) 3)", accented),
        "double_encodage.csv": (
            "titre;commune\nMÃ©diathÃ¨que;59122\nBibliothÃ¨que Å’uvreâ€™s;59139\n"
            .encode(), "Texte doublement encodé corrigé dans 2 cellule(s)",
            accented),
        "shapefile_utf8_sans_cpg.zip": (_shapefile_zip(accents, "UTF-8", None),
                                        "Table attributaire (.dbf) en UTF-8 (pas de fichier "
                                        ".cpg", accented),
        "shapefile_cp1252_sans_cpg.zip": (_shapefile_zip(accents, "cp1252", None),
                                          "Table attributaire (.dbf) en Windows-1252 (pas de "
                                          "fichier .cpg", accented),
        "shapefile_cpg_menteur.zip": (_shapefile_zip(accents, "UTF-8", b"1252"),
                                      "Table attributaire (.dbf) en UTF-8, bien que le fichier "
                                      ".cpg annonce « 1252 »", accented),
        "utf16.csv": ("titre;commune\nMédiathèque;59122\n".encode("utf-16"),
                      "Encodage : UTF-16 LE ;", {"Médiathèque": CAMBRAI}),
        "utf16_sans_bom.csv": ("titre;commune\nMédiathèque;59122\n".encode("utf-16-be"),
                               "Encodage : UTF-16 BE (sans BOM)", {"Médiathèque": CAMBRAI}),
        "utf32.csv": ("titre;commune\nMédiathèque;59122\n".encode("utf-32"),
                      "Encodage : UTF-32 LE ;", {"Médiathèque": CAMBRAI}),
        "bidi.csv": ("titre;commune\nMédiathèque \u202efdp.exe\u202c;59122\n".encode(),
                     "Encodage : UTF-8", {"Médiathèque fdp.exe": CAMBRAI}),
        "feuille_masquee.xlsx": (_xlsx_openpyxl([
            ("Ancienne version", "hidden", [["titre", "commune"], ["Projet périmé", "59350"]]),
            ("Projets", "visible", [["titre", "commune"], ["Médiathèque", "59122"]])]),
            "Feuille(s) masquée(s) ignorée(s) : « Ancienne version »",
            {"Médiathèque": CAMBRAI}),
        "formules_avec_valeurs.xlsx": (_xlsx_cached(
            [["titre", "commune", "cout_total"], ['="Média"&"thèque"', "59122", "=1000*2"]],
            {(1, 0): "Médiathèque", (1, 2): 2000}, recalc=False),
            "Feuille « Projets » lue.", {"Médiathèque": CAMBRAI}),
        "colonnes_ignorees.csv": ("titre;commune;Budget 2027 (k€);Élu référent\n"
                                  "Médiathèque;59122;12;M. Dupont\n".encode(),
                                  "Colonne(s) ignorée(s), associée(s) à aucun champ : "
                                  "« Budget 2027 (k€) », « Élu référent »",
                                  {"Médiathèque": CAMBRAI}),
        "lonlat_et_xy.csv": (xy.format(*l93).replace(".", ",").encode(),
                             "Localisation : colonnes longitude/latitude sur 1 ligne(s), "
                             "colonnes X/Y sur 1 ligne(s)", {"Cambrai": CAMBRAI,
                                                            "Caudry": CAUDRY}),
        "table_attributaire.gpkg": (_gpkg({"projets": pd.DataFrame(
            {"titre": ["Médiathèque"], "commune": ["59122"]})}),
            "sans géométrie : les projets sont localisés par leurs colonnes",
            {"Médiathèque": CAMBRAI}),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, (data, expected) in build().items():
        (OUT / name).write_bytes(data)
        manifest[name] = expected
    (OUT / "MANIFEST.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    accepted = {}
    for name, (data, note, projets) in build_accepted().items():
        (OUT / name).write_bytes(data)
        accepted[name] = {"note": note, "projets": {t: list(p) if p else None
                                                    for t, p in projets.items()}}
    (OUT / "ACCEPTES.json").write_text(json.dumps(accepted, ensure_ascii=False, indent=1)
                                       + "\n", encoding="utf-8")
    print(f"{len(manifest)} fichiers refusés et {len(accepted)} fichiers acceptés écrits dans "
          f"{OUT}")


if __name__ == "__main__":
    main()
