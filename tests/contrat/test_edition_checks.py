"""The editors' checks of the Contrat page (pure functions): French reasons, nothing cut."""

from __future__ import annotations

from datetime import date

from carnet.contrat.model import Contrat, Enjeu, Instance
from carnet.ui.contrat import edition

C = Contrat(pack="nord", territoire="cambresis", titre="t", statut="signe",
            instances=(Instance("copil", "Comité de pilotage", "interne"),),
            enjeux=(Enjeu("base", "Fermeture de la base aérienne"),))


def test_phase_checks():
    ok, errors = edition.check_phase("signature", date(2011, 7, 7), None, "certaine", "", "marie")
    assert errors == [] and ok.debut.valeur == date(2011, 7, 7)
    assert ok.debut.provenance.kind == "saisie" and ok.debut.provenance.user == "marie"
    _, errors = edition.check_phase("zorglub", date(1980, 1, 1), None, "incertaine", "", "m")
    assert errors == ["Phase : « zorglub » n'est pas une phase du contrat",
                      "Début : l'année 1980 est hors de 1990–2100",
                      "Note : dites pourquoi la date est incertaine (ce que dit le document)"]


def test_long_text_is_refused_never_cut():
    _, errors = edition.check_enjeu("x" * 201, "", [], [], "m", C, [], [])
    assert errors == ["Titre de l'enjeu : 201 caractères, 200 au plus (rien n'est coupé : "
                      "raccourcissez le texte)"]


def test_duplicates_and_unknown_references():
    _, errors = edition.check_instance(" comité DE pilotage ", "interne", "", "m", C)
    assert errors == ["Nom de l'instance : « comité DE pilotage » existe déjà dans ce contrat"]
    _, errors = edition.check_enjeu("Fermeture de la base AÉRIENNE", "", ["pop_x"], ["nulle"], "m",
                                    C, ["pop_2022"], ["cohesion"])
    assert errors == ["Indicateurs inconnus : pop_x", "Orientations inconnues : nulle",
                      "Titre de l'enjeu : « Fermeture de la base AÉRIENNE » existe déjà dans ce contrat"]
    enjeu, errors = edition.check_enjeu("Canal Seine-Nord Europe", "", [], ["cohesion"], "m", C,
                                        [], ["cohesion"])
    assert errors == [] and enjeu.code == "canal_seine_nord_europe"
    _, errors = edition.check_reunion(None, "inconnue", " ", "", "m", C)
    assert errors == ["Date : obligatoire",
                      "Instance : choisissez une instance du contrat (onglet Instances pour en ajouter)",
                      "Objet : obligatoire"]
    r, errors = edition.check_reunion(date(2012, 2, 17), "copil", "Lancement", "", "m", C)
    assert errors == [] and r.instance == "copil"
