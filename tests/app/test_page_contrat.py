"""AppTest of the « Contrat » page: the Nord (Cambrésis, a declared contract) and the Somme (none)."""

from __future__ import annotations

import tomllib

import pytest

from carnet.paths import ROOT
from tests.app.conftest import no_exception, texts
from tests.app.inert import assert_no_leak
from tests.app.tables import html_tables
from tests.support import shown

pytestmark = pytest.mark.integration

PAGE = "pages/contrat.py"
SEED = ROOT / "data" / "territoires" / "nord" / "contrats" / "cambresis.toml"
XSS = "<img src=x onerror=alert(1)> [lien](https://exemple.invalid/x) **gras**"


@pytest.fixture
def registry(tmp_path, monkeypatch, built_cache):
    """A fresh SQLite projects registry (seeded as the app seeds it), served to the app."""
    from carnet import db
    from carnet.pack import load_pack
    from carnet.projets.repository import ProjetRepository
    from carnet.projets.seed import ensure_seed
    from carnet.projets.territory import TerritoryContext

    url = f"sqlite:///{tmp_path / 'projets.sqlite'}"
    monkeypatch.setenv("CARNET_DATABASE_URL", url)
    monkeypatch.setenv("CARNET_CACHE", str(built_cache))
    repo = ProjetRepository(db.get_engine(url), TerritoryContext.from_pack(load_pack("nord")))
    ensure_seed(repo, "nord")
    yield repo
    db.dispose_all()


def _open(app, territoire: str = "cambresis", role: str | None = None):
    if role:
        app.session_state["projets_auth"] = {"user": "marie", "role": role}
    app.query_params["territoire"] = territoire
    app.run()
    no_exception(app)
    app.switch_page(PAGE).run()
    assert_no_leak(app)
    return app


def _phases(at):
    (table,) = html_tables(at, "carnet-contrat-phases")
    return table.set_index("Phase")


def test_cambresis_timeline_dates_known_calculated_unknown_with_their_origin(app, registry):
    at = _open(app)
    assert at.title[0].value == "Contrat de territoire du Cambrésis"
    # the declared status (December 2012) is said as declared, not as today's state
    assert any(shown(str(c.value)).startswith("Statut déclaré : Signé, en mise en œuvre (contrat "
                                              "déclaré") for c in at.caption)
    assert [t.label for t in at.tabs] == ["Étapes", "Gouvernance", "Cadre d'Action Stratégique"]
    (chart,) = at.get("vega_lite_chart")  # the timeline: the signature and today on it
    assert "2011-07-07" in str(chart.proto) and "2017-07-07" in str(chart.proto)
    seed = tomllib.loads(SEED.read_text(encoding="utf-8"))
    signature = next(p for p in seed["phases"] if p["code"] == "signature")
    phases = _phases(at)
    row = phases.loc["Signature du contrat"]
    assert row["Date(s)"] == "7 juillet 2011"
    # the citation: the document's full title and the very words the date rests on
    assert seed["documents"]["fondateur"] in row["D'où vient la date"]
    assert f"« {signature['extrait']} »" in row["D'où vient la date"]
    # signature + 6 years, + 3 years: calculated, said so, never shown as known
    fin = phases.loc["Fin du contrat"]
    assert fin["Date(s)"] == "7 juillet 2017 (calculée)"
    assert fin["D'où vient la date"] == "Calculée : signature du contrat + 6 ans"
    assert phases.loc["Clause de revoyure (mi-parcours)", "Date(s)"] == "7 juillet 2014 (calculée)"
    assert phases.loc["Mise en œuvre (six ans)", "Date(s)"] == "7 juillet 2011 – 7 juillet 2017 (calculée)"
    diag = phases.loc["Diagnostic partagé"]
    assert diag["Date(s)"] == "date inconnue"
    assert "Trait rouge : aujourd'hui" in texts(at).replace("\\", "")


def test_an_uncertain_date_is_flagged_with_its_note(app, registry):
    at = _open(app, territoire="flandre-maritime")
    seed = tomllib.loads((SEED.parent / "flandre-maritime.toml").read_text(encoding="utf-8"))
    debut = next(p for p in seed["phases"] if p["code"] == "diagnostic")["debut"]
    assert debut["certitude"] == "incertaine"
    (warning,) = [w.value.replace("\\", "") for w in at.warning if "Date incertaine" in w.value]
    assert warning.startswith("Date incertaine — Diagnostic partagé (17 février 2012")
    assert debut["note"].rstrip(".")[:80] in warning and not warning.endswith("..")
    assert _phases(at).loc["Diagnostic partagé", "Date(s)"].endswith("(incertaine)")
    (chart,) = at.get("vega_lite_chart")
    assert "incertaine" in str(chart.proto) and "2012-02-17" in str(chart.proto)


def test_governance_shows_published_counts_as_such_with_their_citation(app, registry):
    at = _open(app)
    out = texts(at).replace("\\", "")
    assert "**8 conférences partenariales**" in out
    assert "pas des réunions enregistrées une à une" in out
    assert "« 8 Conférences partenariales et plus de 30 groupes de travail »" in out
    assert "Aucune réunion enregistrée" in out  # the count is not turned into records
    (bodies,) = html_tables(at, "carnet-contrat-instances")
    groups = dict(zip(bodies["Côté et niveau"], bodies["Instances"], strict=True))
    assert list(groups) == ["Interne", "Partenarial — politique", "Partenarial — technique"]
    assert "Comité de pilotage" in groups["Interne"]
    assert groups["Partenarial — politique"] == "Conférence partenariale"
    assert groups["Partenarial — technique"] == "Groupes techniques territoriaux"
    assert "« Une gouvernance spécifique pour l" in out  # the one citation, once
    assert not html_tables(at, "carnet-contrat-reunions")


def test_cadre_progress_budget_and_vigilance_computed_from_the_registry(app, registry):
    df = registry.dataframe("nord", "cambresis")
    assert len(df) == 10  # the founding document's ten projects (no status, no amount)
    plan = {  # statut, orientation, coût, part CD, fin
        0: ("engage", "developpement", 1_200_000, 300_000, 2027),
        1: ("en_cours", "cohesion", 800_000, 200_000, 2024),
        2: ("realise", "environnement", 150_000, 50_000, 2022),
        3: ("bloque", "developpement", 2_000_000, None, 2025),
        4: ("etude", "cohesion", None, None, 2099),
        5: ("abandonne", "environnement", 90_000, 30_000, 2021),
    }
    for i, (statut, ori, cout, cd, fin) in plan.items():
        r = df.iloc[i]
        registry.update(int(r["id"]), {"statut": statut, "orientation": ori, "cout_total": cout,
                                       "participation_cd": cd, "annee_fin": fin},
                        int(r["version"]), "marie")
    at = _open(app)
    (total,) = html_tables(at, "carnet-contrat-total")
    row = total.iloc[0]
    nb = "\u202f"
    # 9 projects left once the abandoned one is out; shares 40 + 60 + 100 + 10 + 10 over the
    # five with a status = 44 %; four have no status
    assert row["Projets"] == "9"
    assert row["Avancement"] == f"44{nb}% (5 projets avec statut sur 9)"
    assert row["Coût total"] == f"4{nb}150{nb}000{nb}€ (4 sur 9 chiffrés)"
    # Département: 300 000 + 200 000 + 50 000; its part over the projects with both amounts
    # (1 200 000 + 800 000 + 150 000): 550 / 2 150 = 25,6 %
    assert row["Participation du Département"] == (
        f"550{nb}000{nb}€ (3 sur 9 renseignés, 25,6{nb}% du coût)")
    # en cours ending 2024 and bloqué ending 2025 are late; the abandoned one is out
    assert row["Vigilance"] == "2 en retard, 1 bloqué, 1 abandonné (hors calcul)"
    (by_o,) = html_tables(at, "carnet-contrat-orientations")
    by_o = by_o.set_index("Orientation")
    cohesion = by_o.loc[next(k for k in by_o.index if k.startswith("Assurer la cohésion"))]
    assert cohesion["Avancement"] == f"35{nb}%"  # (60 + 10) / 2
    assert by_o.loc["Orientation non renseignée", "Avancement"] == "non calculable : aucun statut renseigné"
    projets = html_tables(at, "carnet-contrat-projets")[0].set_index("Projet")
    assert projets.loc[df.iloc[1]["titre"], "Statut"] == "En cours — en retard"
    assert projets.loc[df.iloc[3]["titre"], "Statut"] == "Bloqué — en retard"
    assert projets.loc[df.iloc[5]["titre"], "Part"] == "hors calcul"


def test_project_titles_stay_plain_text_in_the_tree(app, registry):
    r = registry.dataframe("nord", "cambresis").iloc[0]
    registry.update(int(r["id"]), {"titre": XSS}, int(r["version"]), "marie")
    at = _open(app)
    bodies = [e.proto.body for e in at.get("html") if "carnet-contrat-projets" in e.proto.body]
    assert bodies and all("<img" not in b for b in bodies)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in b for b in bodies)
    projets = html_tables(at, "carnet-contrat-projets")[0]
    assert XSS in list(projets["Projet"])  # read back exactly as typed
    # st.html is not Markdown; no Markdown element carries the payload raw
    assert all(XSS not in m.value for kind in ("markdown", "caption") for m in getattr(at, kind))


def _page_alone(role: str):
    """The page without the frame (AppTest drops clicks in an app with st.navigation)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=120)
    at.session_state["projets_auth"] = {"user": "marie", "role": role}
    at.query_params["territoire"] = "cambresis"
    return at.run()


def _errors(at) -> str:
    return " ".join(e.value for e in at.error).replace("\\", "")


def test_viewer_reads_only(app, registry):
    at = _open(app)
    assert "Modifier" not in [t.label for t in at.tabs]
    assert any("Lecture seule" in c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Enregistrer la phase"]


def test_editor_forms_refuse_bad_input_in_french_and_save_nothing(registry):
    from datetime import date

    at = _page_alone("editor")
    assert_no_leak(at)
    assert [t.label for t in at.tabs][:4] == ["Étapes", "Gouvernance", "Cadre d'Action Stratégique",
                                             "Modifier"]
    at.selectbox(key="ct_phase").set_value("mise_en_oeuvre").run()
    at.date_input(key="ct_debut_mise_en_oeuvre").set_value(date(2012, 1, 1))
    at.date_input(key="ct_fin_mise_en_oeuvre").set_value(date(2011, 1, 1))
    at.radio(key="ct_cert_mise_en_oeuvre").set_value("incertaine")
    at.button(key="FormSubmitter:ct_phase_form-Enregistrer la phase").click().run()
    assert_no_leak(at)
    errors = _errors(at)
    assert "Rien n'a été enregistré" in errors
    assert "Fin : le 1er janvier 2011 précède le début (1er janvier 2012)" in errors
    assert "Note : dites pourquoi la date est incertaine" in errors
    # the input stays in the form
    assert at.date_input(key="ct_fin_mise_en_oeuvre").value == date(2011, 1, 1)

    at.button(key="FormSubmitter:ct_enjeu_form-Enregistrer l'enjeu").click().run()
    assert "Titre de l'enjeu : obligatoire" in _errors(at)

    at.button(key="FormSubmitter:ct_instance_form-Ajouter l'instance").click().run()
    assert "Nom de l'instance : obligatoire" in _errors(at)
    at.text_input(key="ct_inst_libelle").set_value("comité DE pilotage")  # the seed's own
    at.radio(key="ct_inst_niveau").set_value("politique")
    at.button(key="FormSubmitter:ct_instance_form-Ajouter l'instance").click().run()
    errors = _errors(at)
    assert "seules les instances partenariales ont un niveau" in errors
    assert "« comité DE pilotage » existe déjà dans ce contrat" in errors
    # a meeting needs a date, one of the contract's bodies and an object
    at.button(key="FormSubmitter:ct_reunion_form-Ajouter la réunion").click().run()
    errors = _errors(at)
    assert "Date : obligatoire" in errors and "Objet : obligatoire" in errors
    assert "Instance : choisissez une instance du contrat" in errors


def test_somme_has_no_contract_and_says_how_to_declare_one(somme_app):
    somme_app.query_params["territoire"] = "amiens"
    somme_app.run()
    somme_app.switch_page(PAGE).run()
    assert_no_leak(somme_app)
    out = texts(somme_app).replace("\\", "")
    assert "Aucun contrat déclaré pour cet arrondissement (Arrondissement d'Amiens)" in out
    assert "`data/territoires/somme/contrats/amiens.toml`" in out and "`docs/CONTRAT.md`" in out
    assert not somme_app.get("vega_lite_chart")


def test_editor_adds_a_meeting_recorded_as_their_entry_and_shown_as_text(registry):
    from datetime import date

    at = _page_alone("editor")
    at.date_input(key="ct_reun_date").set_value(date(2013, 3, 14))
    at.selectbox(key="ct_reun_instance").set_value("comite_pilotage")
    at.text_input(key="ct_reun_objet").set_value("Bilan <b>annuel</b> [lien](https://exemple.invalid)")
    at.button(key="FormSubmitter:ct_reunion_form-Ajouter la réunion").click().run()
    assert_no_leak(at)
    assert any("Enregistré à votre nom" in s.value for s in at.success)
    (table,) = html_tables(at, "carnet-contrat-reunions")
    row = table.iloc[0]
    assert (row["Date"], row["Instance"]) == ("14 mars 2013", "Comité de pilotage")
    assert row["Objet"] == "Bilan <b>annuel</b> [lien](https://exemple.invalid)"
    assert row["D'où"].startswith("Saisie de marie le ")
    body = next(e.proto.body for e in at.get("html") if "carnet-contrat-reunions" in e.proto.body)
    assert "<b>annuel" not in body and "&lt;b&gt;annuel" in body


def test_a_stale_phase_gets_the_conflict_message_and_nothing_is_overwritten(registry):
    from dataclasses import replace
    from datetime import date

    from carnet.contrat.model import DateConnue, Provenance
    from carnet.contrat.repository import ContratRepository

    at = _page_alone("editor")
    at.selectbox(key="ct_phase").set_value("signature").run()  # marie opens the signature
    store = ContratRepository(registry.engine, "nord")
    signature = store.get("cambresis").phase("signature")
    store.save_phase("cambresis", replace(signature, debut=DateConnue(
        date(2011, 7, 8), Provenance(kind="saisie"), "incertaine", "Vérifier la date")), user="bruno")
    at.date_input(key="ct_debut_signature").set_value(date(2011, 7, 6))
    at.button(key="FormSubmitter:ct_phase_form-Enregistrer la phase").click().run()
    assert_no_leak(at)
    errors = _errors(at)
    assert "Conflit" in errors and "bruno" in errors and "Rien n'a été écrasé" in errors
    assert store.get("cambresis").phase("signature").debut.valeur == date(2011, 7, 8)
    # the form now starts from bruno's version: saving again applies marie's input on it
    at.button(key="FormSubmitter:ct_phase_form-Enregistrer la phase").click().run()
    assert_no_leak(at)
    assert any("Enregistré à votre nom (marie)" in s.value.replace("\\", "") for s in at.success)
    saved = store.get("cambresis").phase("signature").debut
    assert (saved.valeur, saved.provenance.kind, saved.provenance.user) == (date(2011, 7, 6), "saisie",
                                                                            "marie")
