"""AppTest of the « Atelier » and « Modération » pages on the tiny pack: a contribution goes
from the participant's form to the moderation queue, then, approved, to the public layer."""

from __future__ import annotations

import pytest

from carnet import db
from carnet.ateliers.repository import AtelierRepository
from tests.app.conftest import APP
from tests.app.inert import HOSTILE as HOSTILE_URL
from tests.app.inert import assert_inert, assert_no_leak, element_texts
from tests.app.tables import html_tables
from tests.ateliers.conftest import HOSTILE
from tests.support import shown

ATELIER = "pages/atelier.py"
MODERATION = "pages/moderation.py"
POINT = (3.35, 49.65)  # Aubeville, in the tiny pack's « plateau »


@pytest.fixture
def repo(tiny_pack, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ateliers.sqlite'}"
    monkeypatch.setenv("CARNET_DATABASE_URL", url)
    yield AtelierRepository(db.get_engine(url))
    db.dispose_all()


def _app(page: str, role: str | None = None, **params):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    if role:
        at.session_state["projets_auth"] = {"user": "marie", "role": role}
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page).run()
    assert_no_leak(at)
    return at


def _button(at, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, [b.label for b in at.button]
    return found[0]


def _map_script(at) -> str:
    """The map's script as streamlit-folium sends it to the browser (component arguments)."""
    import json

    out = []
    for kind, t in element_texts(at):
        if kind == "component_instance" and t.startswith('{"script"'):
            out.append(json.loads(t)["script"])
    assert out, "pas de carte"
    return "\n".join(out)


def _participant_sends(code: str, texte: str, pseudo: str = "", categorie: str = "idee"):
    at = _app(ATELIER, atelier=code)
    assert at.title[0].value.startswith("Atelier — ")
    send = _button(at, "Envoyer")
    assert send.disabled  # no place chosen yet
    at.session_state[f"atelier_{code}_point"] = POINT  # what a click on the map stores
    at.run()
    at.radio[0].set_value(categorie)
    at.text_area(key=f"atelier_{code}_texte").input(texte)
    at.text_input(key=f"atelier_{code}_pseudo").input(pseudo)
    _button(at, "Envoyer").click().run()
    assert_no_leak(at)
    return at


def test_submission_then_moderation_then_public_layer(repo):
    # an editor opens the atelier from the moderation page
    ed = _app(MODERATION, role="editor", territoire="plateau")
    assert ed.title[0].value == "Ateliers — Pays du Plateau"
    next(t for t in ed.text_input if t.label == "Titre").input("Atelier <b>mobilités</b>")
    _button(ed, "Ouvrir l'atelier").click().run()
    assert_no_leak(ed)
    (a,) = repo.ateliers("mini", "plateau")
    assert a["titre"] == "Atelier <b>mobilités</b>"
    assert any(a["code"] in shown(s.value) for s in ed.success)

    # a participant without account sends a hostile text
    at = _participant_sends(a["code"], HOSTILE[0], pseudo=HOSTILE[1], categorie="probleme")
    assert [shown(s.value) for s in at.success][-1].startswith("Merci ! Votre contribution est "
                                                        "enregistrée")
    assert at.text_area[0].value == ""  # cleared for the next one
    (pending,) = repo.queue(a["id"])
    assert pending["texte"] == HOSTILE[0] and pending["pseudonyme"] == HOSTILE[1]
    assert repo.approved("mini", "plateau") == []
    assert "onerror" not in _map_script(at)  # not public yet

    # the editor sees it in the queue, escaped, and approves it
    ed = _app(MODERATION, role="editor", territoire="plateau")
    (card,) = html_tables(ed, "carnet-queue")
    values = dict(zip(card[0], card[1], strict=True))
    assert values["Texte"] == HOSTILE[0] and values["Pseudonyme"] == HOSTILE[1]
    assert values["Catégorie"] == "Problème"
    raw = next(e.proto.body for e in ed.get("html") if "carnet-queue" in e.proto.body)
    assert "&lt;img src=x onerror=alert(1)&gt;" in raw and "<img" not in raw
    _button(ed, "Approuver").click().run()
    assert_no_leak(ed)
    assert any("publiée" in shown(s.value) for s in ed.success)
    (pub,) = html_tables(ed, "carnet-published")
    assert list(pub["Texte"]) == [HOSTILE[0]]
    assert repo.queue(a["id"]) == []

    # the public layer: on the participants' map of the territoire, escaped
    at = _app(ATELIER, atelier=a["code"])
    script = _map_script(at)
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in script
    assert "<img src=x" not in script and "{{ 7*7 }}" not in script
    assert any("1 contribution publiée" in shown(c.value) for c in at.caption)


def test_rejection_needs_a_reason_and_viewers_cannot_moderate(repo):
    from datetime import date

    a = repo.open_atelier("mini", "plateau", "Atelier", date.today(), date.today(), "m", "editor")
    _participant_sends(a["code"], "Acheter des pilules pas chères ici")
    viewer = _app(MODERATION, role="viewer", territoire="plateau")
    assert "Connectez-vous avec un compte d'éditeur" in shown(viewer.info[0].value)
    assert not html_tables(viewer, "carnet-queue")
    ed = _app(MODERATION, role="editor", territoire="plateau")
    _button(ed, "Rejeter").click().run()
    assert any("Motif du refus : à remplir" in shown(e.value) for e in ed.error)
    next(t for t in ed.text_input if t.label == "Motif du refus").input("Publicité")
    _button(ed, "Rejeter").click().run()
    assert any("rejetée" in shown(s.value) for s in ed.success)
    (c,) = repo.contributions(a["id"], "rejetee")
    assert c["motif"] == "Publicité" and c["deleted_by"] == "marie"


def test_the_eleventh_contribution_of_a_session_is_refused_in_french(repo):
    from datetime import date

    a = repo.open_atelier("mini", "plateau", "Atelier", date.today(), date.today(), "m", "editor")
    at = _app(ATELIER, atelier=a["code"])
    key = f"atelier_{a['code']}_point"
    for i in range(11):
        at.session_state[key] = (POINT[0] + i / 1000, POINT[1])
        at.run()
        at.text_area[0].input(f"Proposition numéro {i} pour la place")
        _button(at, "Envoyer").click().run()
        assert_no_leak(at)
        if i == 4:
            assert any("Vous avez envoyé 5 contributions" in shown(w.value) for w in at.warning)
    assert [shown(e.value) for e in at.error][-1].startswith(
        "Contribution refusée : 10 contributions ont déjà été envoyées depuis ce navigateur")
    assert len(repo.contributions(a["id"])) == 10


def test_unknown_code_says_so(repo):
    at = _app(ATELIER, atelier="NOPE42")
    assert "Aucun atelier n'a le code « NOPE42 »" in shown(at.error[0].value)
    at = _app(ATELIER)
    assert at.text_input[0].label == "Code de l'atelier"


@pytest.mark.parametrize("code", [HOSTILE_URL, "9" * 20_000, "<b>x</b>{{ 7*7 }}"])
def test_hostile_codes_get_a_short_french_message(repo, code):
    at = _app(ATELIER, atelier=code)
    assert_inert(at)
    (err,) = at.error
    assert shown(err.value).startswith("Aucun atelier n'a le code « ") and len(err.value) < 300
    assert at.text_input[0].label == "Code de l'atelier"


def test_a_closed_atelier_says_so_and_cannot_be_sent_to(repo):
    from datetime import date, timedelta

    today = date.today()
    a = repo.open_atelier("mini", "plateau", "Passé", today - timedelta(days=9),
                          today - timedelta(days=8), "m", "editor")
    at = _app(ATELIER, atelier=a["code"])
    assert "Cet atelier s'est terminé le" in shown(at.warning[0].value)
    at.session_state[f"atelier_{a['code']}_point"] = POINT
    at.run()
    assert _button(at, "Envoyer").disabled
