"""Two editors on one project, in the page (AppTest), on SQLite and PostGIS (issue #8, §2).

Editor B ("bruno") works in an AppTest session; editor A ("alice") writes straight to the
shared registry between two of B's interactions, as another browser would. Nothing B typed
may be lost, no traceback may reach the page, and the audit log holds every edit.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from carnet.projets.repository import ProjetRepository
from tests.projets.conftest import sample
from tests.support import open_tab, shown

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "plan_actions.py")
#: Text that must never reach a page (tracebacks, exception class names, server paths).
FORBIDDEN = ("Traceback", 'File "/', "Error")


@pytest.fixture
def shared(repo, monkeypatch) -> ProjetRepository:
    """The registry both editors work on (the page's registry is this one)."""
    import carnet.ui.projets as ui

    monkeypatch.setattr(ui, "repository", lambda: repo)
    return repo


def _strings(msg) -> list[str]:
    """Every string field of a protobuf message, recursively (labels, bodies, options…)."""
    out = []
    for desc, value in msg.ListFields():
        items = value if getattr(desc, "is_repeated", False) else [value]
        for item in items:
            if isinstance(item, str):
                out.append(item)
            elif hasattr(item, "ListFields"):
                out.extend(_strings(item))
    return out


def page_text(at: AppTest) -> str:
    """All the text the page shows: element protos' strings, tables' cells."""
    parts = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            parts.extend(shown(t) for t in _strings(proto))
        if getattr(node, "type", "") in ("arrow_data_frame", "arrow_table", "table", "dataframe"):
            parts.append(node.value.to_string())
    return html.unescape("\n".join(parts))


def assert_clean(at: AppTest) -> str:
    """No exception element, no traceback text, the Import tab still drawn."""
    assert not at.exception, [e.message for e in at.exception]
    text = page_text(at)
    for bad in FORBIDDEN:
        assert bad not in text, (bad, text[:3000])
    assert any(t.label == "Import / export" for t in at.tabs)
    assert any(s.value == "Exporter les projets filtrés" for s in at.subheader)
    assert any(s.value == "Importer des projets" for s in at.subheader)
    return text


def editor(name: str = "bruno") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["projets_auth"] = {"user": name, "role": "editor"}
    return at.run()


def click(at: AppTest, label: str) -> AppTest:
    buttons = [b for b in at.button if b.label.startswith(label)]
    assert buttons, (label, [b.label for b in at.button])
    buttons[0].click()
    return at.run()


def open_fiche(at: AppTest, pid: int) -> AppTest:
    if not any(s.label == "Fiche du projet" for s in at.selectbox):
        open_tab(at, "Tableau")  # the fiche picker is in the (lazy) Tableau tab
    next(s for s in at.selectbox if s.label == "Fiche du projet").set_value(pid)
    return at.run()


def field(at: AppTest, label: str):
    return next(w for w in [*at.text_input, *at.text_area, *at.selectbox] if w.label == label)


def start_editing(at: AppTest, pid: int) -> AppTest:
    at = click(open_fiche(at, pid), "Modifier")
    assert any(s.value == f"Modifier le projet n°{pid}" for s in at.subheader)
    return at


def plain_tables(at: AppTest, css_class: str) -> list[pd.DataFrame]:
    """The plain-text tables (carnet.ui.plain.table) of a class, as frames indexed by row header."""
    def cells(row: str) -> list[str]:
        return [html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]

    frames = []
    for e in at.get("html"):
        body = e.proto.body
        if f"carnet-plain {css_class}" not in body:
            continue
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        header = cells(rows[0]) if "<thead>" in body else None
        data = [cells(r) for r in rows[1 if header else 0:]]
        frame = pd.DataFrame(data, columns=header)
        frames.append(frame.set_index(frame.columns[0]))
    return frames


def conflict_table(at: AppTest):
    tables = [t for t in plain_tables(at, "carnet-conflit") if "Votre saisie" in t.columns]
    assert len(tables) == 1, [list(t.columns) for t in plain_tables(at, "carnet-conflit")]
    return tables[0]


def messages(at: AppTest) -> str:
    return " | ".join(shown(e.value) for e in [*at.error, *at.warning, *at.info, *at.success])


# ------------------------------------------------------------------ nothing changed
def test_saving_an_unchanged_form_says_so_and_writes_nothing(shared):
    p = shared.create(sample(), user="alice")
    b = click(start_editing(editor(), p["id"]), "Enregistrer")
    assert_clean(b)  # it raised a TypeError once (flash of a save that did not happen)
    assert "Aucune modification : le projet n°" in messages(b)
    assert "enregistré (version" not in messages(b)
    assert shared.get(p["id"])["version"] == 1
    assert [h["action"] for h in shared.history(p["id"])] == ["create"]


# ------------------------------------------------------------------ conflict (A saved)
def test_b_saves_after_a_gets_conflict_view_keeps_input_and_reapplies(shared):
    p = shared.create(sample(), user="alice")
    b = start_editing(editor(), p["id"])
    field(b, "Titre *").set_value("Collège de Cambrai (version de Bruno)")
    field(b, "Maître d'ouvrage").set_value("Ville de Cambrai")
    shared.update(p["id"], {"statut": "réalisé", "cout_total": 1500000}, 1, user="alice")

    b = click(b, "Enregistrer")
    text = assert_clean(b)
    assert "Conflit" in text and "alice" in text
    # nothing written for B yet; A's save stands
    stored = shared.get(p["id"])
    assert (stored["titre"], stored["statut"], stored["version"]) == (
        "Collège à Cambrai", "realise", 2)
    # both versions side by side: B's input, A's saved version, the version B started from
    rows = conflict_table(b)
    assert rows.loc["Titre", "Votre saisie"] == "Collège de Cambrai (version de Bruno)"
    assert rows.loc["Titre", "Version enregistrée (alice)"] == "Collège à Cambrai"
    assert rows.loc["Statut", "Version enregistrée (alice)"] == "Réalisé"
    assert rows.loc["Statut", "Version de départ"] == "Engagé"
    assert "Coût total" in rows.index
    # B's input is still in the form
    assert field(b, "Titre *").value == "Collège de Cambrai (version de Bruno)"
    assert field(b, "Maître d'ouvrage").value == "Ville de Cambrai"

    b = click(b, "Réappliquer mes modifications")
    assert_clean(b)
    assert "version 3" in messages(b)
    stored = shared.get(p["id"])
    assert stored["titre"] == "Collège de Cambrai (version de Bruno)"
    assert stored["maitre_ouvrage"] == "Ville de Cambrai"
    assert (stored["statut"], stored["cout_total"]) == ("realise", 1500000.0)  # A's kept
    assert stored["version"] == 3
    hist = shared.history(p["id"])
    assert [(h["action"], h["user"]) for h in hist] == [
        ("create", "alice"), ("update", "alice"), ("update", "bruno")]
    assert hist[-1]["after"]["titre"] == "Collège de Cambrai (version de Bruno)"
    # the edit is over: the tab is back to a new project
    assert any(s.value == "Nouveau projet" for s in b.subheader)


def test_same_field_changed_by_both_b_wins_only_on_click(shared):
    p = shared.create(sample(), user="alice")
    b = start_editing(editor(), p["id"])
    field(b, "Titre *").set_value("Titre de Bruno")
    shared.update(p["id"], {"titre": "Titre d'Alice"}, 1, user="alice")
    b = click(b, "Enregistrer")
    rows = conflict_table(b)
    assert rows.loc["Titre", "Votre saisie"] == "Titre de Bruno"
    assert rows.loc["Titre", "Version enregistrée (alice)"] == "Titre d'Alice"
    assert rows.loc["Titre", "Modifié par"] == "vous et alice"
    assert rows.loc["Titre", "Si vous réappliquez"] == "Titre de Bruno"
    assert shared.get(p["id"])["titre"] == "Titre d'Alice"
    b = click(b, "Garder la version enregistrée")
    assert_clean(b)
    assert shared.get(p["id"])["titre"] == "Titre d'Alice"
    assert [h["user"] for h in shared.history(p["id"])] == ["alice", "alice"]


def test_unchanged_save_keeps_a_precise_point(shared):
    p = shared.create(sample(lon=3.22, lat=50.17), user="alice")  # not the commune centre
    b = click(start_editing(editor(), p["id"]), "Enregistrer")
    assert_clean(b)
    stored = shared.get(p["id"])
    assert (stored["lon"], stored["lat"]) == (3.22, 50.17)


# ------------------------------------------------ every action on a just-deleted project
def test_save_on_project_deleted_by_a(shared):
    p = shared.create(sample(), user="alice")
    b = start_editing(editor(), p["id"])
    field(b, "Titre *").set_value("Titre de Bruno")
    shared.delete(p["id"], "alice")
    b = click(b, "Enregistrer")
    text = assert_clean(b)
    assert f"Le projet n°{p['id']} a été supprimé par alice" in text
    assert "Titre de Bruno" in text  # B's input shown, not lost
    assert shared.get(p["id"], include_deleted=True)["deleted_by"] == "alice"
    # one click: restore it and apply B's input
    b = click(b, "Restaurer le projet et appliquer mes modifications")
    assert_clean(b)
    stored = shared.get(p["id"])
    assert stored["titre"] == "Titre de Bruno" and stored["deleted_at"] is None
    assert [(h["action"], h["user"]) for h in shared.history(p["id"])] == [
        ("create", "alice"), ("delete", "alice"), ("restore", "bruno"), ("update", "bruno")]


def test_save_on_deleted_project_then_close_keeps_page_usable(shared):
    p = shared.create(sample(), user="alice")
    b = start_editing(editor(), p["id"])
    shared.delete(p["id"], "alice")
    b = click(b, "Enregistrer")
    b = click(b, "Fermer")
    assert_clean(b)
    assert any(s.value == "Nouveau projet" for s in b.subheader)
    b = b.run()  # and the next interaction too
    assert_clean(b)


def test_edit_form_of_project_deleted_by_a_any_rerun(shared):
    p = shared.create(sample(), user="alice")
    b = start_editing(editor(), p["id"])
    shared.delete(p["id"], "alice")
    b = b.run()  # any interaction
    text = assert_clean(b)
    assert "supprimé par alice" in text
    b = b.run()
    assert_clean(b)


def test_open_fiche_of_project_deleted_by_a(shared):
    p = shared.create(sample(), user="alice")
    q = shared.create(sample(titre="Autre projet"), user="alice")
    b = open_tab(editor(), "Tableau")  # B's list still offers p
    shared.delete(p["id"], "alice")
    b = open_fiche(b, p["id"])
    text = assert_clean(b)
    fiches = [t.to_string() for t in plain_tables(b, "carnet-fiche")]
    assert not any("Collège à Cambrai" in f for f in fiches) or "supprimé" in text
    assert "Autre projet" not in " ".join(fiches)  # not another one
    b = open_fiche(b, q["id"])
    assert_clean(b)
    assert "Autre projet" in plain_tables(b, "carnet-fiche")[0].to_string()


def test_fiche_open_while_a_deletes_then_rerun_modify_delete(shared):
    p = shared.create(sample(), user="alice")
    for action in ("rerun", "Modifier", "Supprimer"):
        b = open_fiche(editor(), p["id"])
        shared.delete(p["id"], "alice")
        b = b.run() if action == "rerun" else click(b, action)
        text = assert_clean(b)
        assert f"n°{p['id']}" in text and "supprimé par alice" in text, action
        b = b.run()
        assert_clean(b)
        shared.restore(p["id"], "alice")


def test_undo_after_someone_else_restored(shared):
    p = shared.create(sample(), user="alice")
    b = click(open_fiche(editor(), p["id"]), "Supprimer")
    assert_clean(b)
    assert shared.get(p["id"], include_deleted=True)["deleted_by"] == "bruno"
    shared.restore(p["id"], "alice")
    b = click(b, "↩ Annuler la suppression")
    text = assert_clean(b)
    assert "n'est pas supprimé" in text
    b = b.run()
    assert_clean(b)
    assert not [x for x in b.button if x.label.startswith("↩")]


def test_own_delete_from_the_edit_form(shared):
    """Tableau → fiche → Modifier → Supprimer (the traceback seen three times)."""
    p = shared.create(sample(), user="alice")
    b = start_editing(editor(), p["id"])
    b = click(b, "Supprimer")
    text = assert_clean(b)
    assert f"Projet n°{p['id']} supprimé" in text
    assert any(s.value == "Nouveau projet" for s in b.subheader)
    b = b.run()
    assert_clean(b)
    b = click(b, "↩ Annuler la suppression")
    assert_clean(b)
    assert shared.get(p["id"])["deleted_at"] is None


def test_long_user_name_saves_from_the_page(shared):
    """A 269-character account name (a long OIDC address) can write (PostgreSQL refused it)."""
    from carnet.projets.repository import audit_user
    from tests.projets.test_audit_user import LONG

    p = shared.create(sample(), user="alice")
    b = start_editing(editor(LONG), p["id"])
    field(b, "Titre *").set_value("Titre long-nom")
    b = click(b, "Enregistrer")
    assert_clean(b)
    assert "version 2" in messages(b)
    assert shared.history(p["id"])[-1]["user"] == audit_user(LONG)


def test_repository_refuses_to_update_a_deleted_project(repo):
    from carnet.projets.errors import DeletedError, NotFoundError

    p = repo.create(sample(), user="alice")
    repo.delete(p["id"], "alice")
    with pytest.raises(DeletedError) as err:
        repo.update(p["id"], {"titre": "Titre de Bruno"}, 2, user="bruno")  # its current version
    assert "supprimé par alice" in str(err.value) and "Rien n'a été écrit" in str(err.value)
    assert err.value.projet["deleted_by"] == "alice"
    assert isinstance(err.value, NotFoundError)  # callers catching NotFoundError still do
    stored = repo.get(p["id"], include_deleted=True)
    assert (stored["titre"], stored["version"]) == ("Collège à Cambrai", 2)
    assert [h["action"] for h in repo.history(p["id"])] == ["create", "delete"]


def test_new_project_starts_in_the_territory_filtered_on(shared):
    """Arriving filtered on one territory (from Territoire: ``?territoires=cambresis``), a new
    project's contract starts as that territory; unfiltered or on two, unchosen; an edited
    project keeps its own."""
    other = shared.create(sample(territoire="douaisis", commune=None), user="alice")
    assert field(editor(), "Contrat de territoire").value is None
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["projets_auth"] = {"user": "bruno", "role": "editor"}
    at.query_params["territoires"] = "cambresis"
    at.run()
    assert_clean(at)
    assert field(at, "Contrat de territoire").value == "cambresis"
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["projets_auth"] = {"user": "bruno", "role": "editor"}
    at.query_params["territoires"] = "cambresis,douaisis"
    at.run()
    assert field(at, "Contrat de territoire").value is None  # two territories: no guess
    at.multiselect(key="pf_territoires").set_value(["douaisis"]).run()
    at = start_editing(at, other["id"])
    assert field(at, "Contrat de territoire").value == "douaisis"
