"""Exports of approved contributions: formulas inert in CSV, hostile strings raw in GeoJSON,
read back with the standard library (an independent reader), not with our own code."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from carnet.ateliers.exports import export_contributions, export_filename
from carnet.errors import UnknownKeyError
from tests.ateliers.conftest import HOSTILE

AT = datetime(2026, 12, 2, 14, 5, tzinfo=UTC)


def _rows():
    return [{"id": i, "atelier": "ABC234", "atelier_titre": "Atelier « gare »",
             "territoire": "cambresis", "categorie": "idee", "categorie_libelle": "Idée",
             "texte": t, "pseudonyme": "-moi" if i == 0 else "", "lon": 3.235, "lat": 50.175,
             "created_at": AT} for i, t in enumerate([*HOSTILE, "+33 3 20", "@SOMME(A1)",
                                                      "\tcaché", "Texte\nsur deux lignes"])]


def test_csv_neutralises_formulas_and_keeps_text():
    data = export_contributions(_rows(), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["atelier", "titre_atelier", "territoire", "categorie", "texte",
                        "pseudonyme", "lon", "lat", "date"]
    texts = [r[4] for r in table[1:]]
    assert texts == ["<img src=x onerror=alert(1)>", "{{ 7*7 }}", "'=HYPERLINK(\"x\";\"clic\")",
                     "**gras**", "'+33 3 20", "'@SOMME(A1)", "'\tcaché", "Texte\nsur deux lignes"]
    assert table[1][5] == "'-moi"
    assert table[1][6:] == ["3,235000", "50,175000", "2026-12-02T14:05:00+00:00"]
    assert not any(c.startswith(("=", "+", "-", "@")) for r in table[1:] for c in r)


def test_geojson_keeps_raw_strings_json_escaped():
    data = export_contributions(_rows(), "geojson")
    doc = json.loads(data)
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 8
    props = [f["properties"] for f in doc["features"]]
    assert [p["texte"] for p in props[:4]] == HOSTILE  # raw: no HTML entity, no quote added
    assert props[0]["pseudonyme"] == "-moi" and props[0]["categorie"] == "Idée"
    assert doc["features"][0]["geometry"] == {"type": "Point", "coordinates": [3.235, 50.175]}
    assert "&lt;" not in data.decode() and "49" not in data.decode()


def test_unknown_format_lists_the_valid_ones():
    with pytest.raises(UnknownKeyError, match="Valeurs possibles : csv, geojson"):
        export_contributions([], "xlsx")
    assert export_filename("nord", "cambresis", "geojson", "ABC234") == (
        "contributions-nord-cambresis-ABC234.geojson")
