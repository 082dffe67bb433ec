"""Needs vs projects (issue #10 §3): the method on small frames computed by hand.

Five communes A–E, three indicators (``chom``: higher = more need; ``rev``: a rise is good
news, sign flipped; ``p75``: higher = more need), E secret on two of them:

=====  ====  ======  ===  ======  ==========================================
unit   chom  rev     p75  pop     projects (Département €)
=====  ====  ======  ===  ======  ==========================================
A        10  19 000   12   1 000  1 engagé (10 000)
B        10  21 000    8   2 000  2 (5 000 + 15 000)
C        14  19 000   12   5 000  1 abandonné (not counted)
D        14  secret    8     500  1 without amount
E    secret  21 000  secret 1 000  1 (3 000)
=====  ====  ======  ===  ======  ==========================================

plus one project without a commune (not counted).

By hand, population standard deviation (ddof = 0) over the published values:

- chom (A–D): mean 12, deviations ±2, sd = √(4·4/4) = 2 → z A −1, B −1, C +1, D +1;
  (ddof = 1 would give sd = √(16/3) = 2.309 and z = ±0.866);
- rev (A, B, C, E): mean 20 000, deviations ±1 000, sd 1 000 → z A −1, B +1, C −1, E +1,
  flipped (higher income = less need): A +1, B −1, C +1, E −1;
- p75 (A–D): mean 10, deviations ±2, sd 2 → z A +1, B −1, C +1, D −1.

Scores (mean of the published signed z; 3 indicators → at least ⌈1,5⌉ = 2 published):
A (−1 + 1 + 1) / 3 = 1/3; B (−1 − 1 − 1) / 3 = −1; C (1 + 1 + 1) / 3 = 1;
D (1 − 1) / 2 = 0; E one published (−1) → « non calculable ». Ranks: C 1, A 2, D 3, B 4.

Projects per 10 000 inhabitants: A 1 / 1 000 × 10 000 = 10; B 2 / 2 000 × 10 000 = 10; C 0
(its only project is abandoned); D 1 / 500 × 10 000 = 20; E 10. Département € per
inhabitant: A 10 000 / 1 000 = 10; B 20 000 / 2 000 = 10; C 0 (no project: a true zero); D
unknown (its project has no amount: never 0); E 3 000 / 1 000 = 3.

Quadrants: median score of A–D = (1/3 + 0) / 2 = 1/6 → A and C above; median projects
per 10 000 of A–E = median(10, 10, 0, 20, 10) = 10 → only D above (strictly). So C and A
« besoin élevé, peu de projets » (listed first, by rank), B « besoin moindre, peu de
projets », D « besoin moindre, projets plus nombreux », E unclassed: order C, A, B, D, E.

Sensitivity, top 2 (C, A): without chom, A (1 + 1)/2 = 1, C 1, D −1, B −1, E −1 → top C, A:
2 stay; without rev, C 1, A 0, D 0 (tie broken by key: A) → 2 stay; without p75, C 1, D 1
(chom only), A 0 → top C, D: 1 stays.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carnet.contrat import besoins as b
from carnet.errors import CarnetError
from carnet.indicators import get_indicator, registry

KEYS = ["A", "B", "C", "D", "E"]


def small():
    values = pd.DataFrame({
        "chom": [10, 10, 14, 14, np.nan],
        "rev": [19000, 21000, 19000, np.nan, 21000],
        "p75": [12, 8, 12, 8, np.nan],
    }, index=KEYS, dtype=float)
    directions = {"chom": 1, "rev": -1, "p75": 1}
    population = pd.Series([1000, 2000, 5000, 500, 1000], index=KEYS, dtype=float)
    projects = pd.DataFrame({
        "commune": ["A", "B", "B", "C", "D", "E", None],
        "statut": ["engage", "etude", None, "abandonne", "idee", "realise", "engage"],
        "participation_cd": [10000, 5000, 15000, 99999, np.nan, 3000, 7000],
    })
    return values, directions, population, projects


def test_signed_zscores_population_sd_and_flip():
    values, directions, *_ = small()
    z = b.signed_zscores(values, directions)
    assert z["chom"].tolist()[:4] == [-1.0, -1.0, 1.0, 1.0] and math.isnan(z.at["E", "chom"])
    assert z["rev"].round(12).tolist()[:3] == [1.0, -1.0, 1.0] and z.at["E", "rev"] == -1.0
    assert math.isnan(z.at["D", "rev"])
    assert z["p75"].tolist()[:4] == [1.0, -1.0, 1.0, -1.0]
    # not the sample sd (ddof = 1: ±0.866)
    assert abs(z.at["C", "chom"]) == 1.0 != round(2 / math.sqrt(16 / 3), 3)


def test_scores_and_ranking_by_hand():
    values, directions, population, projects = small()
    r = b.analyse(values, directions, population, b.project_counts(projects), top=2)
    t = r.table
    assert t.loc["A", "score"] == pytest.approx(1 / 3)
    assert t.loc["B", "score"] == pytest.approx(-1)
    assert t.loc["C", "score"] == pytest.approx(1)
    assert t.loc["D", "score"] == pytest.approx(0)
    assert math.isnan(t.loc["E", "score"])  # one of three published: « non calculable »
    assert t["publies"].to_dict() == {"C": 3, "A": 3, "B": 3, "D": 2, "E": 1}
    assert t["rang"].dropna().to_dict() == {"C": 1, "A": 2, "B": 4, "D": 3}
    assert pd.isna(t.loc["E", "rang"])
    assert list(r.ranked().index) == ["C", "A", "D", "B", "E"]


def test_projects_per_inhabitant_by_hand():
    values, directions, population, projects = small()
    t = b.analyse(values, directions, population, b.project_counts(projects), top=2).table
    assert t["projets"].to_dict() == {"C": 0, "A": 1, "B": 2, "D": 1, "E": 1}
    assert t["projets_pour_10000"].to_dict() == {"C": 0.0, "A": 10.0, "B": 10.0, "D": 20.0,
                                                  "E": 10.0}
    e = t["euros_par_habitant"]
    assert (e["A"], e["B"], e["C"], e["E"]) == (10.0, 10.0, 0.0, 3.0)
    assert math.isnan(e["D"])  # an unknown amount is not 0
    assert t.loc["D", "sans_montant"] == 1
    assert b.excluded_counts(projects) == {"abandonnes": 1, "sans_commune": 1}


def test_quadrants_high_need_few_projects_first():
    values, directions, population, projects = small()
    r = b.analyse(values, directions, population, b.project_counts(projects), top=2)
    assert r.medians["score"] == pytest.approx(1 / 6)
    assert r.medians["projets_pour_10000"] == 10.0
    assert list(r.table.index) == ["C", "A", "B", "D", "E"]
    assert r.table["quadrant"].to_dict() == {
        "C": b.HIGH_FEW, "A": b.HIGH_FEW, "B": b.LOW_FEW, "D": b.LOW_MANY, "E": b.UNCLASSED}


def test_sensitivity_by_hand():
    values, directions, population, projects = small()
    r = b.analyse(values, directions, population, b.project_counts(projects), top=2)
    s = r.sensitivity.set_index("indicateur")
    assert s["restent"].to_dict() == {"chom": 2, "rev": 2, "p75": 1}
    assert set(s["sur"]) == {2}


def test_bivariate_classes_by_hand():
    """Need terciles of (−1, 0, 1/3, 1): 0 and 1/3 (linear quantiles); projects: none, then
    up to / above the median (10) of the positive ones (10, 10, 20, 10)."""
    values, directions, population, projects = small()
    r = b.analyse(values, directions, population, b.project_counts(projects), top=2)
    assert r.bounds["besoin"] == pytest.approx([0, 1 / 3])
    assert r.bounds["projets"] == 10.0
    assert r.table["classe_besoin"].to_dict() == {"C": 2, "A": 1, "B": 0, "D": 0, "E": -1}
    assert r.table["classe_projets"].to_dict() == {"C": 0, "A": 1, "B": 1, "D": 2, "E": 1}


def test_listed_subset_with_a_wider_reference():
    """Reference = all five (z, medians); listed = A, B, D: ranked among themselves."""
    values, directions, population, projects = small()
    r = b.analyse(values, directions, population, b.project_counts(projects),
                  listed=pd.Index(["A", "B", "D"]), top=2)
    assert r.n_reference == 5
    assert r.table.loc["A", "score"] == pytest.approx(1 / 3)  # same z as over all five
    assert r.table["rang"].to_dict() == {"A": 1, "D": 2, "B": 3}
    assert r.medians["score"] == pytest.approx(1 / 6)


def test_half_rule_rounds_up():
    assert [b.min_published(n) for n in (1, 2, 3, 4, 5)] == [1, 1, 2, 2, 3]


def test_constant_indicator_gives_zero_not_nan():
    z = b.signed_zscores(pd.DataFrame({"x": [5.0, 5.0, np.nan]}), {"x": 1})
    assert z["x"].tolist()[:2] == [0.0, 0.0] and math.isnan(z["x"].iloc[2])


def test_need_direction_from_sens_and_registry():
    reg = b.registry()
    assert b.need_direction(get_indicator("revenu_median_2021"), reg) == -1   # hausse_favorable
    assert b.need_direction(get_indicator("taux_chomage_2022"), reg) == 1     # baisse_favorable
    assert b.need_direction(get_indicator("part_75plus"), reg) == 1           # neutre
    # the registry says a population decline is a need (sens neutre in indicateurs.toml)
    assert b.need_direction(get_indicator("evol_pop_2016_2022"), reg) == -1
    assert "signe inversé" in b.direction_text(get_indicator("evol_pop_2016_2022"), reg)


def test_default_indicators_are_the_latest_vintages():
    assert b.default_indicators(registry()) == [
        "taux_chomage_2022", "revenu_median_2021", "taux_pauvrete_2021", "part_75plus",
        "evol_pop_2016_2022"]


def test_unknown_indicator_lists_the_valid_ones():
    with pytest.raises(CarnetError, match=r"Indicateur inconnu : 'chomage'.*taux_chomage_2022"):
        b.check_indicators(registry(), ["taux_chomage_2022", "chomage"])
    with pytest.raises(CarnetError, match="Aucun indicateur"):
        b.check_indicators(registry(), [" ", ""])
    assert b.check_indicators(registry(), ["part_75plus", "part_75plus"]) == ["part_75plus"]


# ----------------------------------------------------------------- on the tiny pack

SQ2 = math.sqrt(2)


def test_tiny_pack_by_hand(tiny):
    """Plateau: unemployment 10 %, 20 %, 10 % (50/500, 300/1 500, 100/1 000): mean 40/3,
    sd √(200/9) = 4,714 → z −1/√2, +√2, −1/√2; income 21 000, 19 000, secret → z +1, −1,
    flipped −1, +1. Two indicators: one published suffices. Scores: Aubeville
    (−1/√2 − 1)/2, Bellecourt (√2 + 1)/2, Castelmont −1/√2 (income secret)."""
    r = b.analyse_pack(tiny, None, "plateau")
    assert r.indicators == ["taux_chomage_2022", "revenu_median_2021"]
    s = r.table["score"]
    assert s["02001"] == pytest.approx((-1 / SQ2 - 1) / 2)
    assert s["02002"] == pytest.approx((SQ2 + 1) / 2)
    assert s["02003"] == pytest.approx(-1 / SQ2)
    assert r.ranked()["code"].tolist() == ["02002", "02003", "02001"]
    assert r.table.loc["02003", "publies"] == 1 and math.isnan(r.table.loc["02003", "revenu_median_2021"])
    assert b.missing_defaults(tiny.indicators) == ["taux_pauvrete", "part_75plus",
                                                   "evolution_population"]


def test_tiny_pack_reference_pack(tiny):
    """z over the six communes: unemployment 10, 20, 10, 10, 8, 15 % (50/500, 300/1 500,
    100/1 000, 20/200, 160/2 000, 120/800); income 21 000, 19 000, 22 000, 20 000, 18 500
    (Castelmont secret). Bellecourt: ((20 − μ)/σ − (19 000 − μ')/σ') / 2, σ population sd."""
    from statistics import fmean, pstdev

    r = b.analyse_pack(tiny, None, "plateau", reference="pack")
    assert r.n_reference == 6 and sorted(r.table["code"]) == ["02001", "02002", "02003"]
    chom = [10, 20, 10, 10, 8, 15]
    rev = [21000, 19000, 22000, 20000, 18500]
    expected = ((20 - fmean(chom)) / pstdev(chom) - (19000 - fmean(rev)) / pstdev(rev)) / 2
    assert r.table.loc["02002", "score"] == pytest.approx(expected)
    assert r.table.loc["02002", "rang"] == 1
    with pytest.raises(CarnetError, match="Choix de référence inconnu.*pack, territoire"):
        b.analyse_pack(tiny, None, "plateau", reference="departement")
    with pytest.raises(CarnetError, match="Territoire inconnu.*plateau, val"):
        b.analyse_pack(tiny, None, "cambresis")


def test_method_text_says_what_the_code_does(tiny):
    r = b.analyse_pack(tiny, None, "plateau")
    text = "\n".join(b.method_text(tiny, r, "territoire", pd.DataFrame()))
    assert f"ddof = {b.DDOF}" in text
    assert "moins de 1 sur 2" in text  # ceil(0.5 × 2) = 1
    assert "Revenu disponible médian 2021." in text.replace("Ici : ", "")  # flipped, named
    assert "abandonnés sont exclus" in text
    assert "10\u202f000 habitants" in text
    assert f"« {b.HIGH_FEW} » sont listées en premier" in text


def test_cli_table_and_export(tiny):
    r = b.analyse_pack(tiny, None, "plateau")
    t = b.cli_table(r)
    assert list(t.columns) == ["code", "nom", "score", "rang", "projets", "projets_pour_10000"]
    assert t["code"].tolist() == ["02002", "02003", "02001"]
    assert t["score"].tolist() == [round((SQ2 + 1) / 2, 3), round(-1 / SQ2, 3),
                                   round((-1 / SQ2 - 1) / 2, 3)]
    e = b.export_table(r)
    assert e.columns[:4].tolist() == ["code", "nom", "statut", "score"]
    assert e["code"].map(type).eq(str).all()


@pytest.fixture
def tiny_db(tiny, tmp_path, monkeypatch):
    from carnet import db

    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    yield
    db.dispose_all()


def test_cli_prints_the_ranking(tiny, tiny_db, capsys):
    from carnet.cli import main

    assert main(["besoins", "--pack", tiny.id, "--territoire", "plateau"]) == 0
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert lines[0] == "code,nom,score,rang,projets,projets_pour_10000"
    assert lines[1] == f"02002,Bellecourt,{round((SQ2 + 1) / 2, 3)},1,0,0"
    assert [x.split(",")[0] for x in lines[1:]] == ["02002", "02003", "02001"]
    assert "3 communes" in err and "abandonné" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["--indicateurs", "taux_chomage_2022,foo"], "Indicateur inconnu : 'foo'. Valeurs possibles : "
                                                 "densite_2022, pop_2018"),
    (["--reference", "monde"], "Choix de référence inconnu : 'monde'. Valeurs possibles : pack, "
                               "territoire"),
    (["--format", "xlsx"], "Format inconnu : 'xlsx'. Valeurs possibles : csv, csv-tableur"),
])
def test_cli_french_errors(tiny, tiny_db, capsys, argv, message):
    from carnet.cli import main

    assert main(["besoins", "--pack", tiny.id, "--territoire", "plateau", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err


def test_cli_unknown_territory(tiny, tiny_db, capsys):
    from carnet.cli import main

    assert main(["besoins", "--pack", tiny.id, "--territoire", "cambresis"]) == 2
    assert "Territoire inconnu : 'cambresis'. Valeurs possibles : plateau, val" in \
        capsys.readouterr().err


def test_cli_counts_the_registry_projects(tiny, tiny_db, capsys):
    """Aubeville (1 000 hab.): 2 projects counted (+1 abandoned, +1 deleted) → 20 per 10 000;
    Castelmont (2 000 hab.): 1 → 5; a project of the other territory is not listed."""
    from carnet import db
    from carnet.cli import main
    from carnet.projets.repository import ProjetRepository

    repo = ProjetRepository(db.get_engine())
    def add(commune, statut="engage", territoire="plateau"):
        return repo.create({"pack": tiny.id, "titre": f"Projet {commune} {statut}",
                            "territoire": territoire, "commune": commune, "statut": statut},
                           user="test")
    add("02001")
    add("02001", "realise")
    add("02001", "abandonne")
    gone = add("02001")
    repo.delete(gone["id"], user="test")
    add("02003", "idee")
    add("02005", territoire="val")
    assert main(["besoins", "--pack", tiny.id, "--territoire", "plateau"]) == 0
    out, err = capsys.readouterr()
    rows = {line.split(",")[0]: line.split(",") for line in out.strip().splitlines()[1:]}
    assert rows["02001"][4:] == ["2", "20"]
    assert rows["02003"][4:] == ["1", "5"]
    assert rows["02002"][4:] == ["0", "0"]
    assert "5 projet(s) du registre, dont 1 abandonné(s)" in err


def test_cli_without_territory_ranks_every_commune_of_the_pack(tiny, tiny_db, capsys):
    from carnet.cli import main

    assert main(["besoins", "--pack", tiny.id, "--brut"]) == 0
    out, err = capsys.readouterr()
    assert len(out.strip().splitlines()) == 1 + 6
    assert "toutes les communes du pack (6 communes)" in err
    assert "arrondi" not in err


def test_display_words_secrecy_and_non_calculable(tiny):
    """Income only: Castelmont's is secret → no score (« non calculable »), its value
    « non publié » (never 0); Aubeville 21 000 → z +1 flipped −1, Bellecourt 19 000 → +1."""
    r = b.analyse_pack(tiny, None, "plateau", ["revenu_median_2021"])
    d = b.display_table(r, tiny).set_index("Code")
    assert d.loc["02003", "Rang"] == "non calculable"
    assert d.loc["02003", "Score de besoin"] == "non calculable"
    assert d.loc["02003", "Revenu disponible médian 2021"] == "non publié"
    assert d.loc["02003", "Quadrant"] == b.UNCLASSED
    assert d.loc["02003", "Indicateurs publiés"] == "0 sur 1"
    assert (d.loc["02002", "Rang"], d.loc["02002", "Score de besoin"]) == ("1", "1,00")
    assert d.loc["02001", "Score de besoin"] == "-1,00"
    assert d.loc["02001", "€ du Département par hab."] == "0,00"  # no project: a true zero
    assert b.sensitivity_table(r, tiny) == [["Revenu disponible médian 2021",
                                             "sans objet (seul indicateur)"]]
    rows = b.indicators_table(r, tiny)
    assert rows[0][:5] == ["Revenu disponible médian 2021",
                           "plus bas = plus de besoin (signe inversé)", "20\u202f000,0",
                           "1\u202f000,0", "2 sur 3"]
