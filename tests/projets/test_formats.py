"""Import readers and export writers are dispatched through one table each, by extension."""

from __future__ import annotations

import pytest

from carnet.projets import exporter, importer
from carnet.projets.errors import ImportRejected, ProjetError


def test_unknown_extension_lists_the_accepted_formats():
    with pytest.raises(ImportRejected) as e:
        importer.read_table(b"a;b\n1;2\n", "projets.ods")
    assert str(e.value).endswith(
        "extension « .ods » non prise en charge (admises : CSV, XLSX, GeoJSON, GeoPackage, "
        "Shapefile zippé).")
    with pytest.raises(ImportRejected, match="extension « \\(aucune\\) » non prise en charge"):
        importer.read_table(b"a;b\n1;2\n", "projets")


def test_every_extension_has_a_reader_and_the_layer_choice_follows_the_table():
    exts = [".csv", ".txt", ".xlsx", ".geojson", ".json", ".gpkg", ".zip"]
    assert list(importer.ALLOWED_EXTENSIONS) == exts
    assert [e for e, r in importer.READERS.items() if r.layers] == [".xlsx", ".gpkg"]
    table = importer.read_table("titre;commune\nÉcole;59001\n".encode(), "Projets.TXT")
    assert list(table.df.columns) == ["titre", "commune"] and table.kind == "csv"
    with pytest.raises(ImportRejected, match="ne s'applique qu'aux classeurs XLSX"):
        importer.read_table(b"titre\nA\n", "projets.csv", layer="Feuil1")
    with pytest.raises(ImportRejected, match="ce n'est pas un GeoPackage valide"):
        importer.read_table(b"not sqlite", "projets.gpkg")


def test_unknown_export_format_lists_the_accepted_ones():
    with pytest.raises(ProjetError) as e:
        exporter.export_projects(None, "ODS")
    assert str(e.value) == ("Format d'export inconnu « ods » (csv, xlsx, geojson, gpkg, "
                            "schema-collectivites).")
    assert exporter.export_format("GPKG") is exporter.FORMATS["gpkg"]
    assert exporter.FORMATS["xlsx"][0] == ".xlsx" == exporter.FORMATS["xlsx"].suffix
