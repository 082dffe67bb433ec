"""The sections' figures against an independent computation from the raw layer files.

Monuments: rows of the Mérimée extract whose ``code_insee`` is a commune of the territoire
(csv module). Musées: raw latitude/longitude inside the territoire's polygons (shapely).
Gares: the SNCF file's « Code commune ». Parcs naturels régionaux: the raw GeoJSON (made
valid) intersected with the territoire's communes in Lambert-93 (pyproj), and the
indicator ``part_pnr`` of the built pack (a ratio of sums) agrees.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
import shapely
from pyproj import Transformer
from shapely.ops import transform

from carnet.carnets import sections as secs
from carnet.formatting import fmt_int

pytestmark = pytest.mark.integration

SOURCES = Path(os.environ.get("CARNET_SOURCES", "data/sources"))
NORD = ["flandre-maritime", "flandre-interieure", "metropole-lilloise", "douaisis", "cambresis",
        "sambre-avesnois", "valenciennois"]


@pytest.fixture(scope="module")
def nord_pack(built_cache):
    from carnet.pack import load_pack

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CARNET_CACHE", str(built_cache))
        yield load_pack("nord")


def _codes(pack, tid) -> set[str]:
    c = pack.communes
    return set(c.loc[c["territoire"] == tid, "code"])


def _rows(path: Path, sep: str = ","):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh, delimiter=sep)


@pytest.mark.parametrize("tid", NORD)
def test_monuments_match_the_raw_file(nord_pack, tid):
    codes = _codes(nord_pack, tid)
    raw = [r for r in _rows(SOURCES / "culture-monuments-historiques" / "merimee_nord_59_points.csv")
           if r["code_insee"] in codes]
    s = secs.sections(nord_pack, tid)[0]
    assert s.titre == "Histoire et patrimoine"
    frame = s.listings[0].frame
    assert sorted(frame["Référence Mérimée"]) == sorted(r["ref_merimee"] for r in raw)
    n_communes = len({r["code_insee"] for r in raw})
    word = "immeubles protégés" if len(raw) > 1 else "immeuble protégé"
    assert s.phrases[0].startswith(f"{fmt_int(len(raw))} {word} au titre des monuments historiques")
    assert f", dans {fmt_int(n_communes)} communes sur {fmt_int(len(codes))}." in s.phrases[0]
    assert all(u == f"https://pop.culture.gouv.fr/notice/merimee/{r}"
               for u, r in zip(frame["Notice"], frame["Référence Mérimée"], strict=True))
    assert "base Mérimée au 16 juillet 2026" in s.sources[0]


def test_cambresis_leaders_are_the_raw_counts(nord_pack):
    c = nord_pack.communes
    names = dict(zip(c["code"], c["nom"], strict=True))  # the raw file's names are not the COG's
    codes = _codes(nord_pack, "cambresis")
    counts: dict[str, int] = {}
    for r in _rows(SOURCES / "culture-monuments-historiques" / "merimee_nord_59_points.csv"):
        if r["code_insee"] in codes:
            counts[names[r["code_insee"]]] = counts.get(names[r["code_insee"]], 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    assert top[:3] == [("Cambrai", 30), ("Le Cateau-Cambrésis", 6), ("Caudry", 2)]
    third = top[2][1]
    named = [f"{k} ({v})" for k, v in top if v >= third]
    phrase = secs.sections(nord_pack, "cambresis")[0].phrases[1]
    assert phrase == ("Communes qui en comptent le plus : " + ", ".join(named[:-1]) + " et "
                      + named[-1] + ".")


def _in_polygons(points, polygons) -> list[bool]:
    union = shapely.union_all(polygons)
    return [shapely.contains(union, shapely.Point(lon, lat)) for lon, lat in points]


@pytest.mark.parametrize("tid", NORD)
def test_musees_match_the_raw_file(nord_pack, tid):
    c = nord_pack.communes
    polys = c.loc[c["territoire"] == tid].geometry.values
    raw = [r for r in _rows(SOURCES / "culture-musees-de-france"
                            / "liste-et-localisation-des-musees-de-france.csv", sep=";")
           if r["latitude"] and r["longitude"]]
    inside = _in_polygons([(float(r["longitude"]), float(r["latitude"])) for r in raw], polys)
    mine = [r for r, ok in zip(raw, inside, strict=True) if ok]
    s = secs.sections(nord_pack, tid)[1]
    frame = s.listings[0].frame
    assert sorted(frame["Muséofile"]) == sorted(r["identifiant_museofile"] for r in mine)
    assert sorted(frame["Musée"]) == sorted(r["nom_officiel_du_musee"].strip() for r in mine)
    if mine:
        assert s.phrases[0].startswith(f"{len(mine)} musée")


@pytest.mark.parametrize("tid", NORD)
def test_gares_match_the_raw_file(nord_pack, tid):
    codes = _codes(nord_pack, tid)
    raw = [r for r in _rows(SOURCES / "sncf-gares-de-voyageurs" / "gares-de-voyageurs.csv", sep=";")
           if r["Code commune"] in codes]
    s = secs.sections(nord_pack, tid)[2]
    gares = next(lst for lst in s.listings if lst.layer == "gares").frame
    assert sorted(gares["Gare"]) == sorted(r["Nom"].strip() for r in raw)
    word = "gares de voyageurs sont recensées" if len(raw) > 1 else "gare de voyageurs est recensée"
    assert f"{fmt_int(len(raw))} {word}" in " ".join(s.phrases)


@pytest.mark.parametrize("tid", NORD)
def test_pnr_share_matches_the_raw_geojson(nord_pack, tid):
    data = json.loads((SOURCES / "parcs-naturels-regionaux" / "PNR.geojson").read_text("utf-8"))
    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True).transform
    c = nord_pack.communes
    mine = [transform(to_l93, g) for g in c.loc[c["territoire"] == tid].geometry.values]
    area = sum(g.area for g in mine)
    expected = {}
    for f in data["features"]:
        park = shapely.make_valid(transform(to_l93, shapely.geometry.shape(f["geometry"])))
        inter = sum(shapely.intersection(g, park).area for g in mine)
        if inter > 0:
            expected[f["properties"]["DRGP_L_LIB"]] = 100 * inter / area
    shares, total = secs.pnr_shares(nord_pack, tid)
    assert total == pytest.approx(area / 1e6, rel=1e-9)
    got = dict(zip(shares["Parc"], shares["part"], strict=True))
    assert set(got) == set(expected)
    for name, part in expected.items():
        assert got[name] == pytest.approx(part, abs=0.05)
    # the indicator of the key figures (ratio of sums at the territoire) says the same
    ind = nord_pack.values("territoire").loc[tid, "part_pnr"]
    assert secs.pnr_union_share(nord_pack, tid) == pytest.approx(ind, abs=0.05)


def test_named_parks_of_the_nord(nord_pack):
    env = {tid: secs.sections(nord_pack, tid)[2] for tid in NORD}
    assert "« Avesnois »" in env["sambre-avesnois"].phrases[0]
    assert env["sambre-avesnois"].phrases[0].startswith("78,4\u202f% de la superficie")
    assert "« Scarpe-Escaut »" in env["valenciennois"].phrases[0]
    assert env["flandre-interieure"].phrases[0] == (
        "2,5\u202f% de la superficie du territoire (18 km² sur 702 km²) est dans un parc naturel "
        "régional : « Caps Et Marais D'Opale » (18 km², 2,5\u202f%).")
    assert env["valenciennois"].phrases[0] == (
        "49,3\u202f% de la superficie du territoire (314 km² sur 638 km²) est dans des parcs "
        "naturels régionaux : « Scarpe-Escaut » (313 km², 49,1\u202f%), « Avesnois » (1 km², "
        "0,2\u202f%).")


def test_somme_names_the_missing_layer(somme_cache, monkeypatch):
    monkeypatch.setenv("CARNET_CACHE", str(somme_cache))
    from carnet.pack import load_pack

    p = load_pack("somme")
    hist, cult, env = secs.sections(p, "abbeville")
    assert hist.phrases == () and hist.listings == ()
    assert hist.manquants == ("La couche « Monuments historiques » n'est pas dans le pack Somme : "
                              "elle n'est pas déclarée dans ses couches (territoire.toml, "
                              "[couches] utiliser), le Carnet n'en dit donc rien ici.",)
    assert cult.phrases[0] == "2 musées de France sont recensés, dans 2 communes sur 164."


@pytest.mark.parametrize("ref, url", [
    ("PA00107879", "https://pop.culture.gouv.fr/notice/merimee/PA00107879"),
    ("PA2A000001", "https://pop.culture.gouv.fr/notice/merimee/PA2A000001"),
    ("PA00107879?x=1", None), ("javascript:alert(1)", None), (" PA0010787", None), (None, None),
])
def test_merimee_links_only_from_valid_references(ref, url):
    assert secs.merimee_url(ref) == url


def test_museofile_links_only_from_valid_identifiers():
    assert secs.museofile_url("M0612") == "https://pop.culture.gouv.fr/notice/museo/M0612"
    assert secs.museofile_url("M0612/../x") is None
