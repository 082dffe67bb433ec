"""Filters, dashboard, fiche and map (HTML escaping of every data string)."""

from __future__ import annotations

import pandas as pd
import pytest

from carnet.maps.projects import decode_points, map_points, payloads, projects_map
from carnet.projets.views import (
    Filters,
    apply_filters,
    choices,
    dashboard,
    enrich,
    fiche,
)
from tests.projets.conftest import sample

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def df(repo, ctx):
    repo.create(sample(titre="Collège à Cambrai", statut="engagé", cout_total=1000,
                       participation_cd=500, annee_debut=2012, annee_fin=2014), user="u")
    repo.create(sample(titre="Maison médicale", commune="59139", statut="idée",
                       orientation="2", categorie="innovant", cout_total=200,
                       participation_cd=None, maitre_ouvrage="Commune de Caudry",
                       annee_debut=2016, annee_fin=2018), user="u")
    repo.create(sample(titre="Béguinage", commune=None, statut=None, orientation=None,
                       cout_total=None, participation_cd=None, annee_debut=None,
                       annee_fin=None, illustratif=True), user="u")
    repo.create(sample(titre="Gare de Lille", commune="59350", territoire="metropole-lilloise",
                       statut="réalisé", cout_total=5000, participation_cd=100), user="u")
    return enrich(repo.dataframe("nord"), ctx)


def titles(d):
    return sorted(d["titre"])


def test_enrich_adds_names(df):
    row = df.set_index("titre").loc["Maison médicale"]
    assert row["commune_nom"] == "Caudry" and row["epci"] == "200030393"
    assert row["territoire_nom"] == "Cambrésis"


def test_filters(df):
    assert titles(apply_filters(df, Filters(territoires=["metropole-lilloise"]))) == [
        "Gare de Lille"]
    assert titles(apply_filters(df, Filters(epcis=["200030393"]))) == ["Maison médicale"]
    assert titles(apply_filters(df, Filters(statuts=["engage", "realise"]))) == [
        "Collège à Cambrai", "Gare de Lille"]
    assert titles(apply_filters(df, Filters(statuts=["Non renseigné"]))) == ["Béguinage"]
    assert titles(apply_filters(df, Filters(texte="college cambrai"))) == ["Collège à Cambrai"]
    assert titles(apply_filters(df, Filters(texte="caudry"))) == ["Maison médicale"]
    assert titles(apply_filters(df, Filters(maitre_ouvrage="commune"))) == ["Maison médicale"]
    assert titles(apply_filters(df, Filters(budget_min=300, budget_max=2000))) == [
        "Collège à Cambrai"]
    assert titles(apply_filters(df, Filters(annee_min=2015))) == [
        "Béguinage", "Gare de Lille", "Maison médicale"]
    assert titles(apply_filters(df, Filters(annee_max=2013))) == [
        "Béguinage", "Collège à Cambrai", "Gare de Lille"]
    assert "Béguinage" not in titles(apply_filters(df, Filters(illustratifs=False)))
    assert len(apply_filters(df, Filters())) == 4


def test_filter_choices_pair_each_code_with_its_own_name(df):
    assert choices(df, "commune", "commune_nom") == {
        "59122": "Cambrai", "59139": "Caudry", "59350": "Lille"}  # no commune: no option
    # a code whose name is missing, before a row that has both: names never shift
    odd = pd.DataFrame({"epci": ["A", None, "B", "A", "C"],
                        "epci_nom": [None, "Orphelin", "Bé", "Autre nom", "Cé"]})
    assert choices(odd, "epci", "epci_nom") == {"A": "A", "B": "Bé", "C": "Cé"}


def test_dashboard(df):
    d = dashboard(df)
    assert (d["total"], d["engages"], d["a_localiser"], d["illustratifs"]) == (4, 2, 1, 1)
    assert d["part_engagee"] == 0.5
    assert d["cout_total"] == 6200.0 and d["participation_cd"] == 600.0
    s = d["par_statut"]
    assert s.loc["Engagé", "Projets"] == 1 and s.loc["Non renseigné", "Projets"] == 1
    assert list(s.index) == ["Idée", "Engagé", "Réalisé", "Non renseigné"]
    o = d["par_orientation"]
    assert o.loc["Cohésion sociale et solidarités", "Coût total (€)"] == 6000.0
    assert d["par_categorie"].loc["Projet innovant", "Projets"] == 1


def test_dashboard_unknown_budget_is_not_zero():
    frame = pd.DataFrame({"id": [1, 2], "statut": ["idee", None], "orientation": [None, None],
                          "categorie": [None, None], "cout_total": [100.0, None],
                          "participation_cd": [None, None], "illustratif": [False, False],
                          "lon": [None, None]})
    s = dashboard(frame)["par_statut"]
    assert s.loc["Idée", "Coût total (€)"] == 100.0
    assert pd.isna(s.loc["Non renseigné", "Coût total (€)"])  # unknown, never 0
    assert pd.isna(s.loc["Idée", "Participation du Département (€)"])


def test_fiche(df, ctx):
    p = df.set_index("titre").loc["Maison médicale"].to_dict()
    f = dict(fiche(p, ctx))
    assert f["Commune"] == "Caudry (59139)"
    assert f["Statut"] == "Idée" and f["Catégorie"] == "Projet innovant"
    assert f["Coût total"] == "200\u202f€" and f["Participation du Département"] == "non renseigné"
    assert f["Années"] == "2016–2018"
    b = dict(fiche(df.set_index("titre").loc["Béguinage"].to_dict(), ctx))
    assert b["Localisation"] == "À localiser" and b["Orientation"] == "Non renseigné"


def test_fiche_french_formats():
    """#9: « 50,17217° N », exact euros, « 1er décembre 2026 à 19 h 31 » (Paris time), never « None »."""
    f = dict(fiche({"titre": "T", "lon": 3.24131, "lat": 50.172171, "cout_total": 1250000.0,
                    "participation_cd": None, "annee_debut": None, "version": 2,
                    "updated_at": "2026-12-01T18:31:05", "updated_by": "marie"}))
    assert f["Localisation"] == "50,17217° N, 3,24131° E"
    assert f["Coût total"] == "1\u202f250\u202f000\u202f€"
    assert f["Participation du Département"] == "non renseigné"
    assert f["Dernière modification"] == "1er décembre 2026 à 19 h 31 par marie"
    assert "None" not in " ".join(f.values())


def test_dashboard_nothing_entered_is_not_zero():
    """#9: no amount and no status entered: None (« non renseigné »), not 0 € nor 0,0 %."""
    frame = pd.DataFrame({"id": [1, 2], "statut": [None, None], "orientation": [None, None],
                          "categorie": ["mod", "mod"], "cout_total": [None, None],
                          "participation_cd": [None, None], "illustratif": [False, False],
                          "lon": [None, None]})
    d = dashboard(frame)
    assert d["cout_total"] is None and d["participation_cd"] is None
    assert d["part_engagee"] is None and d["statut_renseigne"] == 0
    half = dashboard(frame.assign(cout_total=[1_250_000.0, None], statut=["engage", None]))
    assert half["cout_total"] == 1_250_000.0 and half["cout_renseigne"] == 1
    assert half["part_engagee"] == 0.5


def test_money_formats():
    from carnet.projets.views import fmt_euros, fmt_meuros

    assert fmt_meuros(1_250_000) == "1,25\u202fM€"  # 3 significant digits, not « 1,2 M€ »
    assert fmt_meuros(12_345_678) == "12,3\u202fM€" and fmt_meuros(123_456_789) == "123\u202fM€"
    assert fmt_meuros(9_996_000) == "10,0\u202fM€" and fmt_meuros(850_000) == "850\u202f000\u202f€"
    assert fmt_meuros(None) == "non renseigné" and fmt_euros(float("nan")) == "non renseigné"
    assert fmt_euros(1_200_000.5) == "1\u202f200\u202f000,50\u202f€"


def test_map_sends_data_strings_as_raw_text_in_a_script_safe_payload(repo, ctx):
    repo.create(sample(titre=XSS, maitre_ouvrage=XSS, description=XSS), user="u")
    d = enrich(repo.dataframe("nord"), ctx)
    payload = map_points(d)
    # raw text in the payload (the browser writes it with text nodes, never as HTML)
    assert decode_points(payload)[0]["tooltip"] == [
        XSS, "Engagé · Cambrai", f"{XSS} · 2012–2016"]
    html_out = projects_map(d).get_root().render()
    assert XSS not in html_out and "<img" not in html_out
    assert "\\u003cimg" in html_out  # script_json: no "<" can close the script element
    assert payloads(html_out) == [payload]  # what the page carries decodes back to it


def test_map_points_style_and_colour(df):
    payload = map_points(df)
    points = {p["tooltip"][0]: p for p in decode_points(payload)}
    assert "Béguinage" not in points  # à localiser: not on the map
    college = points["Collège à Cambrai"]
    # Cambrai's centre (tests/projets/conftest.py), orientation 1's colour, « engagé » solid
    assert (college["lat"], college["lon"], college["color"]) == (50.175, 3.235, "#d95f02")
    assert (college["radius"], college["dash"], college["opacity"]) == (7, None, 0.8)
    assert college["tooltip"] == ["Collège à Cambrai", "Engagé · Cambrai",
                                  "Département du Nord · 2012–2014"]
    maison = points["Maison médicale"]
    assert maison["color"] == "#1b9e77" and (maison["radius"], maison["dash"]) == (4, "2,3")
    assert maison["tooltip"] == ["Maison médicale", "Idée · Caudry",
                                 "Commune de Caudry · 2016–2018"]
    # rows are numbers only; strings sit once in the dictionaries
    assert all(isinstance(v, int | float) for r in payload["r"] for v in r)
    assert len(payload["r"]) == 3 and payload["c"][0] == "" and payload["m"][0] == ""


def test_map_points_codes_missing_values_and_illustrative(repo, ctx):
    repo.create(sample(titre="Sans statut", statut=None, orientation=None,
                       maitre_ouvrage=None, annee_debut=None, annee_fin=None,
                       illustratif=True), user="u")
    repo.create(sample(titre="Même année", annee_debut=2020, annee_fin=2020), user="u")
    points = {p["tooltip"][0]: p for p in decode_points(map_points(
        enrich(repo.dataframe("nord"), ctx)))}
    grey = points["Sans statut"]
    assert grey["tooltip"] == ["Sans statut", "Non renseigné · Cambrai · illustratif"]
    assert (grey["color"], grey["radius"], grey["dash"]) == ("#6f6f6f", 6, "3,2")
    assert points["Même année"]["tooltip"][2] == "Département du Nord · 2020"


def test_map_uses_fast_cluster_not_markers(df):
    out = projects_map(df).get_root().render()
    assert "markerClusterGroup" in out
    assert out.count("L.marker(") == 0
    assert isinstance(out, str) and "Cohésion sociale" in out


def test_empty_frame_dashboard():
    empty = pd.DataFrame(columns=["id", "statut", "orientation", "categorie", "cout_total",
                                  "participation_cd", "illustratif", "lon"])
    d = dashboard(empty)
    assert d["total"] == 0 and d["part_engagee"] is None


def test_map_does_not_evaluate_template_syntax(repo, ctx):
    title = "{{ 7*7 }} {% if true %}x{% endif %}"
    repo.create(sample(titre=title), user="u")
    out = projects_map(enrich(repo.dataframe("nord"), ctx)).get_root().render()
    assert "{{" not in out and "{%" not in out
    payload = payloads(out)[0]
    assert "49" not in " ".join(payload["w"])  # not evaluated (folium ids may hold « 49 »)
    assert decode_points(payload)[0]["tooltip"][0] == title


def test_map_titles_survive_their_word_coding():
    titles = ["  Deux  espaces ", "Gare", "Gare de Lille — Gare", "=HYPERLINK(\"x\")", "**gras**"]
    frame = pd.DataFrame({"titre": titles, "lon": 3.0, "lat": [50.1, 50.2, 50.3, 50.4, 50.5],
                          "orientation": None, "statut": "engage", "commune": "59350",
                          "illustratif": False})
    payload = map_points(frame)
    assert [p["tooltip"][0] for p in decode_points(payload)] == titles
    assert payload["w"].count("Gare") == 1  # each word sent once
    assert [p["tooltip"][1] for p in decode_points(payload)] == ["Engagé · 59350"] * 5
