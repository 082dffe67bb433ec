"""Needs vs projects on the real Nord pack, recomputed independently (issue #10 §3 acceptance).

The independent side uses pandas only, on files, never :mod:`carnet.contrat.besoins`: the
indicator values of ``python -m carnet export --maille commune --brut`` (one row per
commune as its sources publish it, merged commune included), the communes' territory from the
built pack's ``communes.parquet``, and the projects straight from the registry's SQLite table
(280 illustrative projects made by ``python -m carnet demo-projets``). Its ranking must be
the one ``python -m carnet besoins`` prints.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = ["taux_chomage_2022", "revenu_median_2021", "taux_pauvrete_2021", "part_75plus",
            "evol_pop_2016_2022"]
#: Lower value = more need: income (a rise is good news) and population change (the needs
#: registry: a decline is a need).
FLIPPED = {"revenu_median_2021", "evol_pop_2016_2022"}


def carnet(args, env) -> str:
    out = subprocess.run([sys.executable, "-m", "carnet", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def real(built_cache, tmp_path_factory):
    db = tmp_path_factory.mktemp("besoins") / "projets.sqlite"
    env = {**os.environ, "CARNET_CACHE": str(built_cache), "CARNET_DATABASE_URL": f"sqlite:///{db}"}
    env.pop("CARNET_PACK", None)
    carnet(["demo-projets", "--pack", "nord", "--territoire", "cambresis", "--n", "280",
            "--utilisateur", "test"], env)
    export = pd.read_csv(io.StringIO(carnet(["export", "--pack", "nord", "--maille", "commune",
                                             "--format", "csv", "--brut"], env)),
                         dtype={"code": str})
    communes = pd.read_parquet(Path(built_cache) / "nord" / "communes.parquet",
                               columns=["code", "territoire"])
    with sqlite3.connect(db) as con:
        projects = pd.read_sql("SELECT commune, statut FROM projet WHERE pack = 'nord' "
                               "AND deleted_at IS NULL", con)
    return env, export, communes, projects


def independent(export, communes, projects, reference: str) -> pd.DataFrame:
    """The method, from the files, in pandas: rows of the Cambrésis ranked by score."""
    terr = dict(zip(communes["code"].astype(str), communes["territoire"].astype(str), strict=True))
    rows = export.copy()
    # the merged commune's own row (« commune nouvelle ») is a unit of the pack's reference
    rows["territoire"] = rows["code"].map(terr)
    ref = rows if reference == "pack" else rows[(rows["territoire"] == "cambresis")
                                                & (rows["statut"] == "commune")]
    z = pd.DataFrame(index=ref.index)
    for iid in DEFAULTS:
        x = ref[iid]
        zz = (x - x.mean()) / x.std(ddof=0)
        z[iid] = -zz if iid in FLIPPED else zz
    n = z.notna().sum(axis=1)
    score = z.mean(axis=1).where(n >= 3)  # at least half of five
    out = ref[["code", "nom", "territoire", "statut", "pop_2022"]].assign(score=score)
    out = out[(out["territoire"] == "cambresis") & (out["statut"] == "commune")].copy()
    counted = projects[projects["statut"] != "abandonne"]
    out["projets"] = out["code"].map(counted.groupby("commune").size()).fillna(0).astype(int)
    out["projets_pour_10000"] = out["projets"] / out["pop_2022"] * 10_000
    out["rang"] = out["score"].rank(ascending=False, method="min")
    return out.sort_values(["rang", "code"]).reset_index(drop=True)


@pytest.mark.parametrize("reference", ["territoire", "pack"])
def test_ranking_equals_an_independent_recomputation(real, reference):
    env, export, communes, projects = real
    assert (export.loc[export["code"].map(dict(zip(communes["code"], communes["territoire"],
                                                   strict=True))) == "cambresis", "statut"]
            == "commune").all()  # no merger in the Cambrésis
    expected = independent(export, communes, projects, reference)
    got = pd.read_csv(io.StringIO(carnet(["besoins", "--pack", "nord", "--territoire", "cambresis",
                                          "--reference", reference, "--format", "csv", "--brut"],
                                         env)), dtype={"code": str})
    assert list(got.columns) == ["code", "nom", "score", "rang", "projets", "projets_pour_10000"]
    assert len(got) == len(expected) == 116
    assert got["code"].tolist() == expected["code"].tolist()
    assert got["nom"].tolist() == expected["nom"].tolist()
    np.testing.assert_allclose(got["score"], expected["score"], rtol=0, atol=1e-9)
    assert got["rang"].tolist() == expected["rang"].astype(int).tolist()
    assert got["projets"].tolist() == expected["projets"].tolist()
    np.testing.assert_allclose(got["projets_pour_10000"], expected["projets_pour_10000"], atol=1e-9)
    # the demo registry: 280 projects, the abandoned ones not counted
    assert got["projets"].sum() == (projects["statut"] != "abandonne").sum() < 280


def test_top_of_the_cambresis_and_the_secret_poverty_rate(real):
    """Published facts of the sources: the poverty rate is secret in most small communes
    (published for 15 of the 116), so the score rests on 4 indicators there — never on a 0."""
    env, export, communes, projects = real
    camb = export[export["code"].map(dict(zip(communes["code"], communes["territoire"],
                                              strict=True))) == "cambresis"]
    assert camb["taux_pauvrete_2021"].notna().sum() == 15
    assert (camb["taux_pauvrete_2021"] == 0).sum() == 0
    got = pd.read_csv(io.StringIO(carnet(["besoins", "--pack", "nord", "--territoire",
                                          "cambresis", "--format", "csv-tableur"], env)),
                      sep=";", decimal=",", dtype={"code": str}, encoding="utf-8-sig")
    assert got["score"].notna().all() and got["rang"].tolist()[:3] == [1, 2, 3]
