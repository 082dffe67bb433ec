"""The carnet texts' store: seed as version 0, saves with audit, optimistic locking, roles.

SQLite and PostGIS (``CARNET_TEST_DATABASE_URL``).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from carnet.carnets.store import CarnetConflict, CarnetStore
from carnet.carnets.texts import CarnetTextError
from carnet.errors import PermissionDenied, UnknownKeyError

CITED = "Un fait. [source : culture-musees-de-france]"


def test_seed_file_until_first_save(engine):
    store = CarnetStore(engine)
    cur = store.current("nord", "cambresis", "culture")
    assert (cur.version, cur.origine) == (0, "fichier")
    assert "le musée de la Dentelle dans le cadre de Caudry 4M" in cur.texte
    assert store.current("nord", "cambresis", "histoire").origine == "vide"
    assert store.current("nord", "absent", "culture").origine == "vide"
    assert store.history("nord", "cambresis", "culture") == []


def test_save_update_and_audit(engine):
    store = CarnetStore(engine)
    seed = store.current("nord", "cambresis", "culture").texte
    one = store.save("nord", "cambresis", "culture", CITED, 0, "marie", "editor")
    assert (one.version, one.origine, one.updated_by, one.texte) == (1, "base", "marie", CITED)
    two = store.save("nord", "cambresis", "culture", CITED + "\n\nDeux. [source : b]", 1, "paul",
                     "admin")
    assert two.version == 2 and two.updated_by == "paul"
    same = store.save("nord", "cambresis", "culture", two.texte, 2, "paul", "editor")
    assert same.version == 2  # nothing changed, no new version
    hist = store.history("nord", "cambresis", "culture")
    assert [(h["action"], h["user"]) for h in hist] == [("create", "marie"), ("update", "paul")]
    assert hist[0]["before"] == {"texte": seed, "version": 0, "origine": "fichier"}
    assert hist[0]["after"] == {"texte": CITED, "version": 1}
    assert hist[1]["before"] == {"texte": CITED, "version": 1}
    assert hist[1]["after"]["version"] == 2
    # other territoires and packs untouched
    assert store.current("nord", "douaisis", "culture").version == 0


def test_stale_save_is_a_conflict_and_writes_nothing(engine):
    store = CarnetStore(engine)
    store.save("nord", "cambresis", "histoire", CITED, 0, "marie", "editor")
    with pytest.raises(CarnetConflict) as err:
        store.save("nord", "cambresis", "histoire", "Le mien. [source : x]", 0, "paul", "editor")
    msg = str(err.value)
    assert msg.startswith("Conflit : la section « Histoire et patrimoine » a été modifiée par marie")
    assert "version 1) pendant votre saisie. Rien n'a été écrasé" in msg
    assert err.value.mine == "Le mien. [source : x]"
    assert err.value.theirs.texte == CITED
    cur = store.current("nord", "cambresis", "histoire")
    assert (cur.texte, cur.version) == (CITED, 1)
    assert len(store.history("nord", "cambresis", "histoire")) == 1


def test_refusals_write_nothing(engine):
    store = CarnetStore(engine)
    with pytest.raises(PermissionDenied, match="Lecteur"):
        store.save("nord", "cambresis", "culture", CITED, 0, "anonyme", "viewer")
    with pytest.raises(CarnetTextError, match="ligne 3 : paragraphe sans citation"):
        store.save("nord", "cambresis", "culture", CITED + "\n\nInventé.", 0, "marie", "editor")
    with pytest.raises(UnknownKeyError, match="Territoire inconnu"):
        store.save("nord", "atlantide", "culture", CITED, 0, "marie", "editor")
    with pytest.raises(UnknownKeyError, match="Section du carnet inconnu"):
        store.save("nord", "cambresis", "poesie", CITED, 0, "marie", "editor")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM carnet_texte")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM carnet_texte_audit")).scalar() == 0


def test_unicode_and_long_user_names_are_kept(engine):
    store = CarnetStore(engine)
    body = "Émile — « œuvre » ’quai’ 漢字 😀. [source : x]"
    out = store.save("nord", "cambresis", "environnement", body, 0, "é" * 150, "editor")
    assert out.texte == body
    assert len(out.updated_by) == 100


def test_simultaneous_first_saves_one_wins_the_other_conflicts(engine, monkeypatch):
    """Two editors both start from the seed (version 0): the unique key refuses the second
    insert, which becomes a conflict (nothing written), not an error."""
    store = CarnetStore(engine)
    store.save("nord", "douaisis", "culture", CITED, 0, "marie", "editor")
    real, calls = CarnetStore._row, []

    def stale_once(self, *args):  # paul's read happened before marie's write
        calls.append(args)
        return None if len(calls) == 1 else real(self, *args)

    monkeypatch.setattr(CarnetStore, "_row", stale_once)
    with pytest.raises(CarnetConflict, match="modifiée par marie"):
        store.save("nord", "douaisis", "culture", "Le sien. [source : p]", 0, "paul", "editor")
    monkeypatch.undo()
    cur = store.current("nord", "douaisis", "culture")
    assert (cur.texte, cur.version) == (CITED, 1)
