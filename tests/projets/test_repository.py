"""Repository suite, run on SQLite and (when configured) PostGIS."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from carnet import db
from carnet.projets.errors import ConflictError, NotFoundError, ValidationError
from carnet.projets.repository import ProjetRepository
from tests.projets.conftest import sample


def test_create_normalises_and_audits(repo):
    p = repo.create(sample(), user="alice")
    assert p["id"] >= 1
    assert p["version"] == 1
    assert p["statut"] == "engage"
    assert p["orientation"] == "cohesion"
    assert p["cout_total"] == 1200000.5
    assert p["participation_cd"] == 800000.0
    assert (p["lon"], p["lat"]) == (3.235, 50.175)  # placed at the commune centre
    assert p["created_by"] == "alice"
    hist = repo.history(p["id"])
    assert [h["action"] for h in hist] == ["create"]
    assert hist[0]["before"] is None
    assert hist[0]["after"]["titre"] == "Collège à Cambrai"
    assert hist[0]["user"] == "alice"


def test_create_invalid_writes_nothing(repo):
    with pytest.raises(ValidationError) as err:
        repo.create(sample(titre="", statut="peut-être", commune="99999"), user="a")
    msgs = " | ".join(err.value.errors)
    assert "titre manquant" in msgs
    assert "statut inconnu" in msgs
    assert "code commune inconnu « 99999 »" in msgs
    assert repo.count() == 0


def test_update_increments_version_and_logs_before_after(repo):
    p = repo.create(sample(), user="alice")
    q = repo.update(p["id"], {"statut": "en cours", "cout_total": 1500000}, 1, user="bob")
    assert q["version"] == 2
    assert q["statut"] == "en_cours"
    assert q["cout_total"] == 1500000.0
    assert q["updated_by"] == "bob"
    last = repo.history(p["id"])[-1]
    assert last["action"] == "update"
    assert last["user"] == "bob"
    assert last["before"]["statut"] == "engage"
    assert last["after"]["statut"] == "en_cours"
    assert last["before"]["version"] == 1 and last["after"]["version"] == 2


def test_conflict_shows_both_versions_and_loses_nothing(repo):
    p = repo.create(sample(), user="alice")
    repo.update(p["id"], {"statut": "réalisé"}, 1, user="alice")
    with pytest.raises(ConflictError) as err:
        repo.update(p["id"], {"titre": "Collège Cambrai gare"}, 1, user="bob")
    exc = err.value
    assert "Conflit" in str(exc) and "alice" in str(exc)
    assert exc.theirs["statut"] == "realise" and exc.theirs["version"] == 2
    assert exc.mine["titre"] == "Collège Cambrai gare"
    champs = {d["champ"]: d for d in exc.differences()}
    assert champs["titre"]["votre_version"] == "Collège Cambrai gare"
    assert champs["titre"]["version_enregistree"] == "Collège à Cambrai"
    stored = repo.get(p["id"])
    assert stored["titre"] == "Collège à Cambrai" and stored["version"] == 2
    assert len(repo.history(p["id"])) == 2


def test_concurrent_saves_exactly_one_wins(repo):
    p = repo.create(sample(), user="alice")
    results: list[str] = []

    def save(name):
        try:
            repo.update(p["id"], {"titre": f"par {name}"}, 1, user=name)
            results.append("ok")
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=save, args=(n,)) for n in ("a", "b", "c", "d")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "conflict", "conflict", "ok"]
    assert repo.get(p["id"])["version"] == 2


def test_soft_delete_and_undo(repo):
    p = repo.create(sample(), user="alice")
    repo.create(sample(titre="Maison médicale", commune="59139"), user="alice")
    d = repo.delete(p["id"], user="bob")
    assert d["deleted_by"] == "bob" and d["version"] == 2
    assert repo.count() == 1
    assert repo.count(include_deleted=True) == 2
    with pytest.raises(NotFoundError):
        repo.get(p["id"])
    assert repo.last_deleted("bob")["id"] == p["id"]
    r = repo.restore(p["id"], user="bob")
    assert r["deleted_at"] is None and r["version"] == 3
    assert repo.count() == 2
    assert [h["action"] for h in repo.history(p["id"])] == ["create", "delete", "restore"]


def test_create_many_is_all_or_nothing(repo):
    rows = [sample(titre=f"P{i}", ref=f"R{i}") for i in range(5)]
    rows.append(sample(titre="dup", ref="R1"))
    with pytest.raises(Exception) as err:
        repo.create_many(rows, user="imp")
    assert "Rien n'a été écrit" in str(err.value)
    assert repo.count(include_deleted=True) == 0
    out = repo.create_many(rows[:5], user="imp")
    assert [p["ref"] for p in out] == ["R0", "R1", "R2", "R3", "R4"]
    assert repo.existing_refs("nord") == {"R0", "R1", "R2", "R3", "R4"}


def test_dataframe_filters_and_types(repo):
    repo.create(sample(), user="a")
    repo.create(sample(titre="Lille", commune="59350", territoire="metropole-lilloise"), user="a")
    df = repo.dataframe(pack="nord", territoire="cambresis")
    assert list(df["titre"]) == ["Collège à Cambrai"]
    assert df["cout_total"].dtype == "float64"
    assert repo.dataframe(pack="nord").shape[0] == 2
    assert repo.dataframe(pack="aisne").empty


def test_schema_is_idempotent_and_versioned(engine):
    db.upgrade(engine)  # second upgrade: no-op
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(db.MIGRATIONS_DIR)).get_current_head()  # one head, no branches
    assert head == "0007_ateliers"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head


def test_sqlite_uses_wal(tmp_path):
    eng = db.get_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    db.dispose_all()


def test_postgis_geometry_column(engine, ctx):
    if engine.dialect.name != "postgresql":
        pytest.skip("PostGIS uniquement")
    assert db.has_postgis(engine)
    repo = ProjetRepository(engine, ctx)
    p = repo.create(sample(), user="a")
    with engine.connect() as conn:
        wkt = conn.execute(text("SELECT ST_AsText(geom) FROM projet WHERE id = :i"),
                           {"i": p["id"]}).scalar()
    assert wkt == "POINT(3.235 50.175)"
