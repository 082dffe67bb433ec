"""Progress of a contract: shares as data, roll-ups on a tiny frame computed by hand."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from carnet.contrat import progress
from carnet.contrat.model import Contrat, Enjeu
from carnet.errors import ConfigError
from carnet.projets.constants import STATUTS, STATUTS_CLOS, to_code

TODAY = date(2026, 12, 1)


def _frame(rows):
    cols = ["id", "statut", "orientation", "enjeu", "cout_total", "participation_cd",
            "annee_fin", "updated_at"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("cout_total", "participation_cd"):
        df[c] = pd.to_numeric(df[c]).astype("float64")
    df["annee_fin"] = pd.array(df["annee_fin"], dtype="Int64")
    return df


def d(y, m, day, h=12):
    return datetime(y, m, day, h, 0)  # naive UTC, as SQLite gives them back


# id, statut, orientation, enjeu, coût, part CD, fin, updated_at
ROWS = [
    (1, "idee", "cohesion", "base", 100.0, 50.0, 2030, d(2026, 11, 1)),
    (2, "en_cours", "cohesion", "Fermeture de la base aérienne", 300.0, None, 2024, d(2026, 6, 1)),
    (3, "realise", "environnement", "base", 200.0, 20.0, 2020, d(2025, 1, 1)),
    (4, "abandonne", "cohesion", "base", 1000.0, 1000.0, 2020, d(2026, 11, 20)),
    (5, None, "cohesion", "BASE", None, None, 2019, d(2024, 1, 1)),
    (6, "bloque", None, "canal", 50.0, 25.0, 2025, d(2026, 1, 1)),
    (7, "engage", "developpement", None, None, 10.0, None, d(2026, 2, 1)),
]


def test_every_status_has_a_share_or_is_excluded_and_the_table_reads_as_the_issue_says():
    raw = tomllib.loads(progress.AVANCEMENT_TOML.read_text(encoding="utf-8"))
    assert raw["parts"] == {"idee": 0, "etude": 10, "engage": 40, "en_cours": 60,
                            "realise": 100, "bloque": 10}
    assert raw["exclus"] == ["abandonne"]
    assert set(raw["parts"]) | set(raw["exclus"]) == set(STATUTS)
    assert progress.bareme().jours_ancien == raw["fraicheur"]["jours_ancien"] == 180


@pytest.mark.parametrize("raw, words", [
    ({"parts": {"idee": 0}, "exclus": [], "fraicheur": {"jours_ancien": 9}}, "sans part ni exclusion"),
    ({"parts": {**dict.fromkeys(STATUTS, 0), "zorglub": 3}, "fraicheur": {"jours_ancien": 9}},
     "statut(s) inconnu(s) : zorglub"),
    ({"parts": {**dict.fromkeys(STATUTS, 0), "idee": 140}, "fraicheur": {"jours_ancien": 9}},
     "part de « idee » hors de 0 à 100"),
    ({"parts": dict.fromkeys(STATUTS, 0), "exclus": ["idee"], "fraicheur": {"jours_ancien": 9}},
     "à la fois avec une part et exclu"),
    ({"parts": dict.fromkeys(STATUTS, 0), "fraicheur": {"jours_ancien": "six mois"}}, "jours_ancien"),
])
def test_a_bad_table_is_refused_in_french(raw, words):
    with pytest.raises(ConfigError, match=words.replace("(", r"\(").replace(")", r"\)")):
        progress.parse_bareme(raw)


def test_bloque_is_a_status_everywhere_statuses_are():
    from carnet.maps.projects import legend_html
    from carnet.projets.constants import STATUT_STYLES, VOCABS
    from carnet.projets.fields import value_keywords

    assert STATUTS["bloque"] == "Bloqué"
    assert VOCABS["statut"]["bloque"] == "Bloqué"
    assert "bloque" in STATUT_STYLES and "bloque" not in STATUTS_CLOS
    for text in ("bloque", "Bloqué", "BLOQUÉE", "bloquee"):
        assert to_code("statut", text) == "bloque"
    assert "suspendu" in value_keywords("statut")["bloque"]
    assert "Bloqué" in legend_html("nord")
    assert "En retard" not in STATUTS.values()  # derived, never a stored status


def test_en_retard_is_derived_from_the_end_year_and_the_status():
    df = _frame(ROWS)
    late = progress.en_retard(df, TODAY)
    # 2 en cours ending 2024 and 6 bloqué ending 2025 are late; 3 réalisé and 4 abandonné are
    # closed; 5 has no status (maybe realised); 1 ends 2030; 7 has no end year.
    assert list(df["id"][late]) == [2, 6]
    # the end year itself is not past yet
    assert not progress.en_retard(_frame([(8, "en_cours", None, None, None, None, 2026, None)]),
                                  TODAY).any()


def test_node_figures_by_hand():
    a = progress.avancement(_frame(ROWS), TODAY)
    assert a.projets == 6 and a.abandonnes == 1
    # shares of the 5 with a status (4 abandonné out): 0, 60, 100, 10, 40 → 210 / 5 = 42
    assert a.avec_statut == 5 and a.sans_statut == 1
    assert a.avancement == pytest.approx(42.0)
    # budgets without the abandoned project: 100 + 300 + 200 + 50 (2 unknown)
    assert a.cout_total == 650.0 and a.cout_renseigne == 4
    assert a.participation_cd == 50.0 + 20.0 + 25.0 + 10.0 and a.participation_renseignee == 4
    # ratio of sums over projects with both amounts: (50 + 20 + 25) / (100 + 200 + 50)
    assert a.part_departement == pytest.approx(95 / 350)
    assert a.en_retard == 2 and a.bloques == 1
    assert a.par_statut == {"idee": 1, "en_cours": 1, "bloque": 1, "realise": 1, "engage": 1}
    # last update: the abandoned project's (20 Nov 2026) counts, it was an update too
    assert a.derniere_maj == datetime(2026, 11, 20, 12, tzinfo=UTC)
    assert not a.ancien


def test_empty_node_and_unknowns_are_never_zero():
    a = progress.avancement(_frame([]), TODAY)
    assert a.vide and a.avancement is None and a.cout_total is None and a.derniere_maj is None
    only_unknown = progress.avancement(_frame([ROWS[4]]), TODAY)
    assert only_unknown.projets == 1 and only_unknown.avancement is None
    assert only_unknown.cout_total is None and only_unknown.part_departement is None


def test_stale_past_the_threshold_in_paris_days():
    b = progress.Bareme(progress.bareme().parts, progress.bareme().exclus, jours_ancien=30)
    # 1 Nov 2026 23:30 UTC is 2 Nov in Paris: 29 days before 1 Dec → fresh
    fresh = _frame([(1, "idee", None, None, None, None, None, datetime(2026, 11, 1, 23, 30))])
    assert not progress.avancement(fresh, TODAY, b).ancien
    # 31 Oct 2026 12:00 UTC: 31 days → stale
    old = _frame([(1, "idee", None, None, None, None, None, d(2026, 10, 31))])
    assert progress.avancement(old, TODAY, b).ancien


def test_tree_enjeux_orientations_projects_by_hand():
    contrat = Contrat(pack="nord", territoire="cambresis", titre="t", statut="signe", enjeux=(
        Enjeu(code="base", titre="Fermeture de la base aérienne", orientations=("developpement",)),
        Enjeu(code="canal", titre="Canal Seine-Nord Europe"),
        Enjeu(code="crise", titre="Effets de la crise", orientations=("cohesion",)),
    ))
    tree = progress.arbre(contrat, _frame(ROWS), TODAY,
                          orientations=["cohesion", "environnement", "developpement"])
    assert [n.enjeu.code if n.enjeu else None for n in tree] == ["base", "canal", "crise", None]
    base, canal, crise, sans = tree
    # 1, 2 (by title), 3, 4 (abandoned), 5 (case) name « base »
    assert base.avancement.projets == 4 and base.avancement.abandonnes == 1
    assert base.avancement.avancement == pytest.approx((0 + 60 + 100) / 3)
    assert [b.orientation for b in base.branches] == ["cohesion", "environnement", "developpement"]
    coh, env, dev = base.branches
    assert sorted(coh.projets["id"]) == [1, 2, 4, 5] and coh.avancement.avancement == 30.0
    assert list(env.projets["id"]) == [3] and env.avancement.cout_total == 200.0
    assert dev.avancement.vide  # declared orientation, no project: says so
    assert [b.orientation for b in canal.branches] == [None]
    assert canal.avancement.bloques == 1 and canal.avancement.avancement == 10.0
    assert crise.avancement.vide and [b.orientation for b in crise.branches] == ["cohesion"]
    assert list(sans.branches[0].projets["id"]) == [7] and sans.avancement.avancement == 40.0


def test_by_orientation_includes_declared_ones_without_projects():
    out = progress.par_orientation(_frame(ROWS[:2]), TODAY, ["cohesion", "environnement"])
    assert list(out) == ["cohesion", "environnement"]
    assert out["cohesion"].avancement == 30.0 and out["environnement"].vide


def test_the_plan_d_actions_table_shows_en_retard_beside_the_status():
    from carnet.ui.projets.table import table_view

    df = _frame(ROWS).assign(
        titre=[f"p{i}" for i in range(1, 8)], categorie=None, maitre_ouvrage=None, annee_debut=pd.NA,
        illustratif=False, pack="nord")
    shown = table_view(df, today=TODAY).set_index("Titre")["Statut"]
    assert shown["p2"] == "En cours — en retard" and shown["p6"] == "Bloqué — en retard"
    assert shown["p3"] == "Réalisé" and shown["p5"] == "Non renseigné" and shown["p1"] == "Idée"


def test_a_project_s_enjeu_link_wins_over_its_free_text():
    enjeux = [Enjeu(code="base", titre="Base aérienne", id=7), Enjeu(code="canal", titre="Canal", id=8)]
    df = _frame(ROWS[:3]).assign(enjeu_id=pd.array([8, None, None], dtype="Int64"))
    # 1 says « base » in text but is linked to 8 (canal); 2 names the base by title; 3 « base »
    assert list(progress.enjeux_of(df, enjeux)) == ["canal", None, "base"]
