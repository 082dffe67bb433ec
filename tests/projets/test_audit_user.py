"""An over-long audit user name never fails a write (issue #8 §5), SQLite and PostGIS.

PostgreSQL refuses a value longer than ``varchar(100)`` where SQLite keeps it whole: the
repository stores the documented safe form (:func:`audit_user`) on both.
"""

from __future__ import annotations

import hashlib

from carnet.projets.repository import USER_MAX, audit_user
from tests.projets.conftest import sample

LONG = "prenom.nom-compose." * 12 + "@services.departement-du-nord.exemple.fr"  # 269 chars


def test_audit_user_form():
    assert audit_user("marie") == "marie"
    assert audit_user("  marie ") == "marie"
    assert audit_user("") == audit_user(None) == "anonyme"
    exact = "x" * USER_MAX
    assert audit_user(exact) == exact
    short = audit_user(LONG)
    assert len(short) == USER_MAX
    assert short == LONG[:89] + "…" + hashlib.sha256(LONG.encode()).hexdigest()[:10]
    assert audit_user(LONG) == short  # stable
    assert audit_user(LONG[:-1] + "g") != short  # same prefix, other name: other form


def test_every_write_with_a_long_user_name(repo):
    assert len(LONG) > USER_MAX
    stored_as = audit_user(LONG)
    p = repo.create(sample(), user=LONG)
    assert p["created_by"] == p["updated_by"] == stored_as
    q = repo.update(p["id"], {"statut": "réalisé"}, 1, user=LONG)
    assert q["updated_by"] == stored_as
    d = repo.delete(p["id"], LONG)
    assert d["deleted_by"] == stored_as
    assert repo.last_deleted(LONG)["id"] == p["id"]  # "undo" finds that user's deletion
    repo.restore(p["id"], LONG)
    many = repo.create_many([sample(titre="Importé", ref="R-1")], user=LONG)
    repo.create(sample(titre="Démo", illustratif=True), user="u")
    assert repo.purge_illustrative("nord", LONG) == 1
    assert [h["user"] for h in repo.history(p["id"])] == [stored_as] * 4
    assert repo.history(many[0]["id"])[0]["user"] == stored_as
    assert repo.count() == 2
