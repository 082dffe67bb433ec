"""Seed data from the founding document, published totals, demo generator."""

from __future__ import annotations

import pandas as pd

from carnet.projets.constants import CATEGORIES
from carnet.projets.demo import generate_demo
from carnet.projets.seed import ensure_seed, published_totals, seed_records


def test_seed_records_match_founding_document():
    recs = seed_records("nord", "cambresis")
    titles = [r["titre"] for r in recs]
    assert len(recs) == 10
    assert "Contournement du Cateau" in titles
    assert "Musée de la Dentelle (Caudry 4M)" in titles
    assert "École supérieure d'Arts de Cambrai" in titles
    assert {r["categorie"] for r in recs} == {"mod", "grand_projet", "innovant"}
    assert sum(r["categorie"] == "mod" for r in recs) == 3
    assert all("10 décembre 2012" in r["source"] for r in recs)
    assert all(r["illustratif"] is False for r in recs)


def test_published_totals():
    tot = published_totals("nord")["cambresis"]
    assert (tot["projets"], tot["engages"], tot["maitrises_ouvrage_departementales"]) == (
        280, 91, 12)


def test_ensure_seed_places_named_communes_and_is_idempotent(repo):
    assert ensure_seed(repo, "nord") == 10
    assert ensure_seed(repo, "nord") == 0
    df = repo.dataframe("nord").set_index("ref")
    cateau = df.loc["doc2012-cambresis-01"]
    assert cateau["commune"] == "59136"
    assert (cateau["lon"], cateau["lat"]) == (3.54, 50.105)
    ens = df.loc["doc2012-cambresis-03"]
    assert pd.isna(ens["commune"]) and pd.isna(ens["lon"])  # "à localiser"
    assert df["orientation"].isna().all()  # not given by the document: not invented
    # a user deletes a seed project: it is not resurrected
    repo.delete(int(cateau["id"]), user="u")
    assert ensure_seed(repo, "nord") == 0
    assert repo.count("nord") == 9


def test_generate_demo_is_illustrative_and_inside(ctx):
    rows = generate_demo(ctx, "cambresis", 50, seed=1)
    assert len(rows) == 50
    assert all(r["illustratif"] and r["titre"].startswith("[Illustratif]") for r in rows)
    assert {r["territoire"] for r in rows} == {"cambresis"}
    assert {r["commune"] for r in rows} <= {"59122", "59139", "59136"}
    located = [r for r in rows if r["lon"] is not None]
    assert located and all(ctx.contains(r["lon"], r["lat"], "cambresis") for r in located)
    assert {r["categorie"] for r in rows} <= set(CATEGORIES)
    assert generate_demo(ctx, "cambresis", 50, seed=1) == rows


def test_demo_rows_pass_validation(repo, ctx):
    out = repo.create_many(generate_demo(ctx, None, 40), user="demo", action="demo")
    assert len(out) == 40
    assert repo.dataframe("nord")["illustratif"].all()
