"""AppTest of pages/plan_actions.py with a tiny in-code territory."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.projets.conftest import sample
from tests.support import open_tab, shown

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "plan_actions.py")
XSS = "<img src=x onerror=alert(1)>"


def _run(role: str = "viewer") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["projets_auth"] = {"user": "marie", "role": role}
    return at.run()


def test_viewer_sees_projects_banner_and_read_only(page_repo):
    page_repo.create(sample(titre=XSS), user="u")
    page_repo.create(sample(titre="Démo", illustratif=True), user="u")
    at = _run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Plan d'actions"
    assert "1 projet(s) illustratif(s) affiché(s)" in at.warning[0].value
    assert any("Lecture seule" in i.value for i in at.info)
    table = open_tab(at, "Tableau").dataframe[0].value
    assert sorted(table["Titre"]) == sorted([XSS, "Démo"])
    # no markdown element carries the raw HTML title
    assert all(XSS not in m.value for m in at.markdown)
    open_tab(at, "Tableau de bord")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Projets (filtre)"] == "2"


def test_editor_creates_a_project_at_a_commune(page_repo):
    at = _run("editor")
    assert not at.exception, at.exception
    form_titre = next(t for t in at.text_input if t.label == "Titre *")
    form_titre.set_value("Maison de santé")
    commune = next(s for s in at.selectbox if s.label == "Commune")
    commune.set_value("59139")
    statut = next(s for s in at.selectbox if s.label == "Statut")
    statut.set_value("engage")
    categorie = next(s for s in at.selectbox if s.label == "Catégorie")
    assert categorie.value is None  # issue #9: no silent « Maîtrise d'ouvrage départementale »
    categorie.set_value("innovant")
    at = next(b for b in at.button if b.label == "Enregistrer").click().run()
    assert not at.exception, at.exception
    assert any("enregistré (version 1)" in shown(s.value) for s in at.success)
    df = page_repo.dataframe("nord")
    row = df.iloc[0]
    assert (row["titre"], row["commune"], row["statut"]) == ("Maison de santé", "59139",
                                                            "engage")
    assert (row["lon"], row["lat"]) == (3.41, 50.125)
    assert page_repo.history(int(row["id"]))[0]["user"] == "marie"


def test_editor_validation_message_in_french(page_repo):
    at = _run("editor")
    at = next(b for b in at.button if b.label == "Enregistrer").click().run()
    assert any("titre manquant" in shown(e.value) and "choisissez sa catégorie" in shown(e.value)
               for e in at.error)
    assert page_repo.count() == 0
