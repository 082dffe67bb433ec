"""AppTest of the import section of pages/plan_actions.py (template, report, partial import)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from carnet.projets.importer import build_report, read_table, suggest_mapping
from carnet.projets.report import accepted_from_frame
from tests.support import shown

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "plan_actions.py")
CSV = ("Plan d'actions du Cambrésis;;;\n"
       "Intitulé;Commune;Avancement;Coût total\n"
       "Maison de santé;CAMBRAI;Terminé;1 250 000 €\n"
       "Béguinage;Caudry;Engagé;400 000 €\n"
       "Médiathèque;Cambray;En cours;950 000 €\n"
       "Salle;Atlantide;Engagé;10\n"
       "Halle;Cambrai;Terminé **vite**;10\n").encode("cp1252")
MARKUP = "Terminé **vite**"


def test_proposals_table_round_trip(ctx):
    table = read_table(CSV, "plan.csv")
    report = build_report(table, suggest_mapping(list(table.df.columns), table, ctx), ctx)
    frame = report.proposals_frame()
    assert frame[["Champ", "Valeur du fichier", "Lignes", "Proposition"]].values.tolist() == [
        ["commune", "Cambray", "5", "Cambrai (59122)"]]
    assert accepted_from_frame(frame) == {}
    frame.loc[0, "Appliquer"] = True
    assert accepted_from_frame(frame) == {"commune": {"Cambray": "59122"}}


def test_editor_imports_the_valid_rows_of_a_technician_file(page_repo):
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.session_state["projets_auth"] = {"user": "marie", "role": "editor"}
    at.run()
    assert not at.exception, at.exception
    assert {b.label for b in at.download_button} >= {"Modèle XLSX", "Modèle CSV"}
    at.file_uploader[0].set_value(("plan.csv", CSV, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert any("2 ligne(s) rejetée(s) sur 5" in shown(w.value) for w in at.warning)
    # values of the file reach the page only escaped: shown as typed, never as bold
    assert any(MARKUP in shown(c.value) for c in at.caption)
    assert all(MARKUP not in m.value for m in [*at.markdown, *at.caption, *at.warning])
    assert any("En-tête trouvé ligne 2" in shown(c.value) for c in at.caption)
    rejected = at.dataframe[-1].value
    assert rejected["Ligne"].tolist() == [5, 6]
    button = next(b for b in at.button if b.label == "Importer les 3 lignes valides")
    at = button.click().run()
    assert not at.exception, at.exception
    df = page_repo.dataframe("nord")
    assert sorted(df["titre"]) == ["Béguinage", "Halle", "Maison de santé"]
    assert df.set_index("titre").loc["Maison de santé", "statut"] == "realise"
    assert df.set_index("titre").loc["Maison de santé", "cout_total"] == 1250000.0
