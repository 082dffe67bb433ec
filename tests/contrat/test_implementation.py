"""Implementation of the action plan (issue #10 §3): figures computed by hand on 8 projects."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from carnet.contrat.implementation import (
    BLOQUE,
    implementation,
    overdue,
    plan_totals,
    published_engaged,
)
from carnet.contrat.model import ChiffrePublie, Citation, Contrat, Enjeu, Orientation, Provenance

CITE = Provenance(citation=Citation("Document fondateur", "280 projets inscrits dont 91 déjà engagés"))
NAN = np.nan

#       id titre  statut       orientation      enjeu                 categorie      cout      part_cd  fin
ROWS = [
    (1, "A", "realise", "cohesion", "emploi", "mod", 1_000_000, 400_000, 2015),
    (2, "B", "en_cours", "cohesion", "Emploi et crise", "grand_projet", 500_000, NAN, 2020),
    (3, "C", "engage", "developpement", "base aérienne", "mod", NAN, 100_000, 2030),
    (4, "D", "etude", "developpement", None, "innovant", 200_000, 50_000, 2019),
    (5, "E", "abandonne", "environnement", "emploi", None, 300_000, 300_000, 2012),
    (6, "F", None, None, None, None, NAN, NAN, 2018),
    (7, "G", BLOQUE, "cohesion", "canal", "mod", 2_000_000, 1_000_000, 2024),
    (8, "H", "idee", "territoire_rural", "  ", "autre", NAN, NAN, None),
]


def frame(rows=ROWS) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["id", "titre", "statut", "orientation", "enjeu", "categorie",
                                     "cout_total", "participation_cd", "annee_fin"])
    df["annee_fin"] = df["annee_fin"].astype("Int64")
    df["illustratif"] = [r[0] == 8 for r in rows]  # H is illustrative
    return df


CONTRAT = Contrat(
    pack="nord", territoire="cambresis", titre="Contrat du Cambrésis", statut="signe",
    chiffres=(ChiffrePublie("projets", "projets inscrits", 280, CITE),
              ChiffrePublie("projets_engages", "projets déjà engagés", 91, CITE)),
    orientations=(Orientation("territoire_rural", "Un territoire rural qui s'organise"),),
    enjeux=(Enjeu("emploi", "Emploi et crise"), Enjeu("canal", "Canal Seine-Nord Europe")))
TODAY = date(2026, 12, 2)


def table(result, name):
    return result[name].set_index("libelle")


def test_counts_by_hand():
    r = implementation(frame(), CONTRAT, today=TODAY, pack_id="nord")
    assert (r["total"], r["illustratifs"], r["statut_renseigne"]) == (8, 1, 7)
    # Engaged = engagé, en cours or réalisé: projects 1, 2, 3 of 8 (the blocked one is not).
    assert (r["engages"].n, r["engages"].total, r["engages"].origine) == (3, 8, "registre")
    assert r["engages"].part == pytest.approx(3 / 8)
    pub = r["engages_publie"]  # the document's, beside: 91 / 280
    assert (pub.n, pub.total, pub.origine) == (91, 280, "document")
    assert pub.part == pytest.approx(0.325) and pub.chiffres[0].provenance is CITE
    assert (r["realises"], r["bloques"], r["abandonnes"]) == (1, 1, 1)
    # En retard: end year before 2026, status known, neither réalisé nor abandonné: 2 (2020),
    # 4 (2019), 7 (2024, blocked). Not 1 (réalisé), 5 (abandonné), 3 (2030), 8 (no end year),
    # nor 6 (2018, no status: maybe done), counted apart.
    assert r["en_retard"] == 3 and r["fin_passee_sans_statut"] == 1
    assert list(r["retards"]["id"]) == [4, 2, 7]  # oldest end year first
    assert list(r["retards"]["statut"]) == ["À l'étude", "En cours", "Bloqué"]


def test_euros_programmed_and_engaged_by_hand():
    e = implementation(frame(), CONTRAT, today=TODAY)["euros"]
    cout, cd = e["cout_total"], e["participation_cd"]
    # Programmed: every project but the abandoned one (7 projects), known amounts summed.
    assert cout["programme"] == 1_000_000 + 500_000 + 200_000 + 2_000_000
    assert (cout["programme_projets"], cout["programme_renseignes"]) == (7, 4)
    assert cd["programme"] == 400_000 + 100_000 + 50_000 + 1_000_000
    # Engaged: projects 1, 2, 3.
    assert cout["engage"] == 1_500_000 and (cout["engage_projets"], cout["engage_renseignes"]) == (3, 2)
    assert cd["engage"] == 500_000 and cd["engage_renseignes"] == 2


def test_tables_by_status_orientation_enjeu_categorie():
    r = implementation(frame(), CONTRAT, today=TODAY, pack_id="nord")
    st = table(r, "par_statut")
    assert list(st.index) == ["Idée", "À l'étude", "Engagé", "En cours", "Bloqué", "Réalisé",
                              "Abandonné", "Non renseigné"]  # the vocabulary's order
    assert st["projets"].sum() == 8
    assert st.at["Bloqué", "cout_total"] == 2_000_000
    assert pd.isna(st.at["En cours", "participation_cd"])  # unknown, never 0
    assert st.at["Non renseigné", "cout_renseigne"] == 0

    o = table(r, "par_orientation")  # the Département's three (short labels), then the contract's
    assert o["projets"].tolist()[-2:] == [1, 1] and o.index[-1] == "Non renseigné"
    assert o.index[-2] == "Un territoire rural qui s'organise"
    assert o["projets"].sum() == 8 and o["cout_total"].iloc[0] == 3_500_000  # cohésion: 1, 2, 7

    en = table(r, "par_enjeu")
    # « Emploi et crise » is the enjeu emploi's title: projects 1, 2, 5; blanks are none.
    assert en.at["Emploi et crise", "projets"] == 3
    assert en.at["Emploi et crise", "participation_cd"] == 700_000
    assert en.at["Canal Seine-Nord Europe", "projets"] == 1
    assert en.at["base aérienne", "projets"] == 1  # free text not matching an enjeu: as written
    assert en.at["Non renseigné", "projets"] == 3  # 4, 6, 8 (blank text)
    assert list(en.index)[:2] == ["Emploi et crise", "Canal Seine-Nord Europe"]

    cat = table(r, "par_categorie")
    assert cat.at["Maîtrise d'ouvrage départementale", "projets"] == 3
    assert cat.at["Non renseigné", "projets"] == 2


def test_no_projects_and_no_contract():
    r = implementation(frame([]), None, today=TODAY)
    assert r["total"] == 0 and r["engages"].part is None and r["engages_publie"] is None
    assert r["euros"]["cout_total"]["programme"] is None  # nothing known: not 0 €
    assert r["par_statut"].empty and r["en_retard"] == 0


def test_no_status_at_all_is_no_share_not_zero():
    # The founding document's 10 projects: no status entered. Not « 0 % engagés ».
    df = frame()
    df["statut"] = None
    r = implementation(df, CONTRAT, today=TODAY)
    assert (r["engages"].n, r["engages"].renseignes, r["engages"].part) == (0, 0, None)


def test_published_share_with_only_the_total():
    c = Contrat(pack="nord", territoire="x", titre="X", statut="signe",
                chiffres=(ChiffrePublie("projets", "projets", 280, CITE),))
    p = published_engaged(c)
    assert (p.n, p.total, p.part) == (None, 280, None)


def test_overdue_needs_the_end_year_to_be_over():
    df = frame()
    assert overdue(df, date(2024, 12, 31))[6] is np.False_  # 2024 still running
    assert overdue(df, date(2025, 1, 1))[6] is np.True_


def test_published_share_from_the_plan_seed_when_the_contract_has_none():
    from carnet.projets.seed import published_totals

    bare = Contrat(pack="nord", territoire="cambresis", titre="X", statut="signe")
    extra = plan_totals(published_totals("nord", "cambresis")["cambresis"])
    p = published_engaged(bare, extra)
    assert (p.n, p.total, p.origine) == (91, 280, "document")
    assert "280 projets inscrits dont 91 déjà engagés" in p.chiffres[0].provenance.citation.extrait
    assert published_engaged(CONTRAT, (ChiffrePublie("projets", "x", 1, CITE),)).total == 280  # own first
    assert plan_totals(None) == () and plan_totals({"projets": "280"}) == ()
