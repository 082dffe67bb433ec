"""The phase registry and the timeline: dates connues, calculées (leap-day safe), inconnues."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from carnet.contrat import phases as ph
from carnet.contrat.model import Citation, Contrat, DateConnue, Phase, Provenance
from carnet.errors import ConfigError, UnknownKeyError

DOC = Provenance(kind="document", citation=Citation("Doc", "signé le 7 juillet 2011"))


def contrat(*phases_, statut="signe") -> Contrat:
    return Contrat(pack="nord", territoire="cambresis", titre="Contrat", statut=statut,
                   phases=tuple(phases_))


def signed(on: date, certitude="certaine", note="") -> Contrat:
    return contrat(Phase("signature", debut=DateConnue(on, DOC, certitude, note)))


# --------------------------------------------------------------------------- registry

def test_registry_lists_the_phases_of_the_founding_document_in_order():
    raw = tomllib.loads(ph.REGISTRY.read_text(encoding="utf-8"))
    assert ph.registry().codes == [r["code"] for r in raw["phases"]] == [
        "diagnostic", "enjeux", "signature_cas", "plan_actions", "signature",
        "mise_en_oeuvre", "revoyure", "fin"]
    reg = ph.registry()
    assert str(reg.phase("fin").debut) == "signature.debut + 6 ans"
    assert str(reg.phase("revoyure").debut) == "signature.debut + 3 ans"
    assert [p.code for p in reg.phases if p.jalon] == ["signature_cas", "signature", "revoyure", "fin"]
    assert reg.statut("en_elaboration") == "En élaboration"


def test_unknown_phase_or_statut_lists_the_valid_ones():
    with pytest.raises(UnknownKeyError) as exc:
        ph.phase("signatur")
    msg = str(exc.value)
    assert "Phase de contrat inconnu : 'signatur'" in msg
    assert "diagnostic" in msg and "mise_en_oeuvre" in msg and "revoyure" in msg
    with pytest.raises(UnknownKeyError) as exc:
        ph.statut_libelle("signé")
    assert "en_elaboration, revoyure, signe, termine" in str(exc.value)


@pytest.mark.parametrize("body, expected", [
    ('[[phases]]\ncode = "a"\nlibelle = "A"\nlibele = "x"\n[statuts]\ns = "S"\n',
     "[[phases]] n° 1 : clé inconnue « libele » (clés possibles : code, libelle, debut, fin, jalon)"),
    ('[[phases]]\ncode = "a"\nlibelle = "A"\n[statut]\ns = "S"\n',
     "clé inconnue « statut » (clés possibles : phases, statuts)"),
    ('[[phases]]\ncode = "a"\nlibelle = "A"\n[[phases]]\ncode = "a"\nlibelle = "B"\n[statuts]\ns = "S"\n',
     "[[phases]] n° 2 : code de phase « a » en double"),
    ('[[phases]]\ncode = "a"\nlibelle = "A"\ndebut = "a.fin plus 3"\n[statuts]\ns = "S"\n',
     "règle de date illisible 'a.fin plus 3'"),
    ('[[phases]]\ncode = "a"\nlibelle = "A"\ndebut = "b.debut + 3 ans"\n[statuts]\ns = "S"\n',
     "porte sur une phase inconnue « b » (phases : a)"),
    ('[[phases]]\ncode = "a"\nlibelle = "A"\ndebut = "a.fin + 1 an"\nfin = "a.debut + 1 an"\n'
     '[statuts]\ns = "S"\n', "règles de dates circulaires : a.debut → a.fin → a.debut"),
    ('[[phases]]\ncode = "a"\nlibelle = "A"\n', "[statuts] doit associer"),
    ('phases = 3\n', "aucune phase déclarée"),
    ('[[phases]\n', "TOML invalide"),
])
def test_a_bad_registry_is_refused_in_french_naming_file_row_and_reason(tmp_path, body, expected):
    path = tmp_path / "phases.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        ph.load_registry(path)
    assert str(exc.value).startswith(f"Fichier {path} : ")
    assert expected in str(exc.value)


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize("d, years, expected", [
    (date(2011, 7, 7), 6, date(2017, 7, 7)),
    (date(2012, 2, 29), 3, date(2015, 2, 28)),   # 29 February + 3 years: a common year
    (date(2012, 2, 29), 4, date(2016, 2, 29)),   # … + 4 years: a leap year again
    (date(2011, 2, 28), 1, date(2012, 2, 28)),
    (date(2011, 12, 31), 0, date(2011, 12, 31)),
])
def test_years_are_added_calendar_wise(d, years, expected):
    assert ph.add_years(d, years) == expected


def test_cambresis_timeline_on_2_december_2026():
    """Signed 7 July 2011: revoyure 7 July 2014 and end 7 July 2017, calculated; today after the end."""
    t = ph.timeline(signed(date(2011, 7, 7)), today=date(2026, 12, 2))
    assert [e.code for e in t] == ph.registry().codes
    sig, moe, rev, fin = (t.etape(c) for c in ("signature", "mise_en_oeuvre", "revoyure", "fin"))
    assert (sig.debut.etat, sig.debut.valeur, sig.debut.provenance) == ("connue", date(2011, 7, 7), DOC)
    assert sig.debut.libelle == "date connue" and sig.debut.certitude == "certaine"
    assert (rev.debut.etat, rev.debut.valeur) == ("calculee", date(2014, 7, 7))
    assert rev.debut.libelle == "date calculée" and rev.debut.regle == "signature.debut + 3 ans"
    assert (fin.debut.etat, fin.debut.valeur) == ("calculee", date(2017, 7, 7))
    assert (moe.debut.valeur, moe.fin.valeur) == (date(2011, 7, 7), date(2017, 7, 7))
    assert moe.fin.etat == "calculee" and moe.fin.regle == "signature.debut + 6 ans"
    assert t.position == ph.Position("apres_fin", "fin", date(2017, 7, 7))
    assert t.position.libelle == "Contrat terminé"
    assert not any(e.en_cours for e in t)
    assert t.today == date(2026, 12, 2)


def test_unknown_dates_stay_unknown_never_invented():
    t = ph.timeline(signed(date(2011, 7, 7)), today=date(2026, 12, 2))
    for code in ("diagnostic", "enjeux", "signature_cas", "plan_actions"):
        e = t.etape(code)
        assert (e.debut.etat, e.debut.valeur, e.fin.etat, e.fin.valeur) == (
            "inconnue", None, "inconnue", None)
        assert e.debut.libelle == "date inconnue" and e.debut.provenance is None
    # No signature: nothing derives from it.
    t = ph.timeline(contrat(statut="en_elaboration"), today=date(2026, 12, 2))
    assert all(e.debut.etat == e.fin.etat == "inconnue" for e in t)
    assert t.position == ph.Position("inconnue")
    assert t.etape("fin").debut.regle == "signature.debut + 6 ans"


def test_a_leap_day_signature_derives_28_february():
    t = ph.timeline(signed(date(2012, 2, 29)), today=date(2013, 1, 1))
    assert t.etape("revoyure").debut.valeur == date(2015, 2, 28)
    assert t.etape("fin").debut.valeur == date(2018, 2, 28)
    assert t.etape("mise_en_oeuvre").fin.valeur == date(2018, 2, 28)


def test_a_known_date_wins_over_the_rule():
    other = Provenance(kind="source", source="cog-decoupage-administratif-2024")
    c = contrat(Phase("signature", debut=DateConnue(date(2011, 7, 7), DOC)),
                Phase("revoyure", debut=DateConnue(date(2015, 1, 20), other)))
    t = ph.timeline(c, today=date(2016, 1, 1))
    rev = t.etape("revoyure")
    assert (rev.debut.etat, rev.debut.valeur, rev.debut.provenance) == ("connue", date(2015, 1, 20), other)
    assert rev.debut.regle == ""


def test_a_date_calculated_from_an_uncertain_base_is_uncertain():
    t = ph.timeline(signed(date(2012, 5, 10), "incertaine", "appariement ambigu"),
                    today=date(2013, 1, 1))
    rev = t.etape("revoyure").debut
    assert (rev.etat, rev.certitude, rev.provenance) == ("calculee", "incertaine", DOC)


@pytest.mark.parametrize("today, etat, phase", [
    (date(2011, 7, 6), "avant", None),
    (date(2011, 7, 7), "en_cours", "mise_en_oeuvre"),     # signature day: the six years start
    (date(2014, 7, 7), "en_cours", "mise_en_oeuvre"),     # revoyure is a milestone, not a period
    (date(2017, 7, 7), "en_cours", "mise_en_oeuvre"),     # last day
    (date(2017, 7, 8), "apres_fin", "fin"),
])
def test_todays_position_through_a_signed_contract(today, etat, phase):
    t = ph.timeline(signed(date(2011, 7, 7)), today=today)
    assert (t.position.etat, t.position.phase) == (etat, phase)
    assert [e.code for e in t if e.en_cours] == ([phase] if etat == "en_cours" else [])


def test_a_phase_with_only_its_start_known_is_the_last_known_one_not_a_current_one():
    launch = Phase("diagnostic", debut=DateConnue(date(2012, 2, 17), DOC, "incertaine", "ambigu"))
    t = ph.timeline(contrat(launch, statut="en_elaboration"), today=date(2026, 12, 2))
    assert t.position == ph.Position("derniere_connue", "diagnostic", date(2012, 2, 17))
    assert t.etape("diagnostic").en_cours
    assert t.etape("diagnostic").fin.etat == "inconnue"
    # A later known start bounds it: between the two, the diagnostic is current.
    cas = Phase("signature_cas", debut=DateConnue(date(2012, 9, 1), DOC))
    plan = Phase("plan_actions", debut=DateConnue(date(2012, 10, 1), DOC))
    t = ph.timeline(contrat(launch, cas, plan), today=date(2012, 5, 1))
    assert t.position == ph.Position("en_cours", "diagnostic", date(2012, 2, 17))
    t = ph.timeline(contrat(launch, cas, plan), today=date(2012, 11, 1))
    assert t.position == ph.Position("derniere_connue", "plan_actions", date(2012, 10, 1))


def test_a_contract_phase_missing_from_the_registry_is_an_error_listing_the_valid_ones():
    c = contrat(Phase("lancement", debut=DateConnue(date(2012, 2, 17), DOC)))
    with pytest.raises(UnknownKeyError) as exc:
        ph.timeline(c, today=date(2026, 12, 2))
    assert "'lancement'" in str(exc.value) and "diagnostic" in str(exc.value)


def test_after_an_ended_period_with_nothing_dated_after_it_the_last_known_step_is_given():
    diag = Phase("diagnostic", debut=DateConnue(date(2012, 1, 1), DOC),
                 fin=DateConnue(date(2012, 6, 1), DOC))
    t = ph.timeline(contrat(diag, statut="en_elaboration"), today=date(2012, 7, 1))
    assert t.position == ph.Position("derniere_connue", "diagnostic", date(2012, 1, 1))
    assert t.position.libelle == "Dernière étape connue ; la suite n'est pas datée"
    t = ph.timeline(contrat(diag, statut="en_elaboration"), today=date(2012, 6, 1))
    assert t.position == ph.Position("en_cours", "diagnostic", date(2012, 1, 1))
