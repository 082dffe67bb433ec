"""Regenerate the malformed-file corpus in tests/data/projets/ (small files, committed).

Run: ``.venv/bin/python -m tests.projets.make_corpus``. Each file must be refused with
the French message fragment recorded in ``MANIFEST.json``, and nothing written.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

OUT = Path(__file__).resolve().parents[1] / "data" / "projets"
HEADER = "titre;commune;statut;orientation;cout_total"
GOOD = "Maison médicale;59122;engagé;1;120 000,50"
VRT = (b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd'
       b"</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>")


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _shapefile(points, crs) -> dict[str, bytes]:
    import tempfile

    gdf = gpd.GeoDataFrame({"titre": [f"P{i}" for i in range(len(points))]},
                           geometry=[Point(p) for p in points], crs=crs)
    with tempfile.TemporaryDirectory() as tmp:
        gdf.to_file(Path(tmp) / "p.shp", engine="pyogrio")
        return {p.name: p.read_bytes() for p in Path(tmp).iterdir()}


def _geojson(features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


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
        "utf16.csv": ((HEADER + "\n" + GOOD + "\n").encode("utf-16"), "UTF-16"),
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
    }
    return files


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, (data, expected) in build().items():
        (OUT / name).write_bytes(data)
        manifest[name] = expected
    (OUT / "MANIFEST.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    print(f"{len(manifest)} fichiers écrits dans {OUT}")


if __name__ == "__main__":
    main()
