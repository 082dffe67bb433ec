"""Migration 0007: tables ``atelier``, ``contribution`` and ``contribution_audit`` added to a
database with projects and carnet texts; nothing lost on the way up or down. Both backends."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, text

from carnet.ateliers.repository import AtelierRepository
from tests.migrations import migrate as _migrate

AT = dt.datetime(2026, 11, 30, 8, 15, tzinfo=dt.UTC)
REV = "0007_ateliers"
BEFORE = "0006_carnet_texte"
NEW = {"atelier", "contribution", "contribution_audit"}


def _rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return ([tuple(r) for r in conn.execute(text(
            "SELECT id, ref, titre, version FROM projet ORDER BY id")).all()]
            + [tuple(r) for r in conn.execute(text(
                "SELECT id, texte, version FROM carnet_texte ORDER BY id")).all()])


def test_upgrade_adds_the_tables_and_downgrade_drops_only_them(bare_engine):
    _migrate(bare_engine, BEFORE)
    with bare_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO projet (id, ref, titre, pack, territoire, categorie, illustratif, "
            "created_at, updated_at, version) VALUES (1, 'CAM-1', 'Collège « é »', 'nord', "
            "'cambresis', 'mod', false, :at, :at, 2)"), {"at": AT})
        conn.execute(text(
            "INSERT INTO carnet_texte (pack, territoire, section, texte, version, created_at, "
            "updated_at) VALUES ('nord', 'cambresis', 'culture', 'x [source : a]', 1, :at, :at)"),
            {"at": AT})
    before = _rows(bare_engine)
    assert len(before) == 2
    assert not NEW & set(inspect(bare_engine).get_table_names())

    _migrate(bare_engine, REV)
    assert set(inspect(bare_engine).get_table_names()) >= NEW
    assert _rows(bare_engine) == before
    uniques = inspect(bare_engine).get_unique_constraints("atelier")
    assert [u["column_names"] for u in uniques] == [["code"]]
    fks = inspect(bare_engine).get_foreign_keys("contribution")
    assert [(f["referred_table"], f["constrained_columns"]) for f in fks] == [
        ("atelier", ["atelier_id"])]
    repo = AtelierRepository(bare_engine)
    today = dt.date.today()
    a = repo.open_atelier("nord", "cambresis", "Atelier", today, today, "marie", "editor")
    repo.submit(a["code"], "idee", "Un banc", 3.2, 50.1, "s" * 32)
    with bare_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contribution_audit")).scalar() == 1

    _migrate(bare_engine, BEFORE, down=True)
    assert not NEW & set(inspect(bare_engine).get_table_names())
    assert _rows(bare_engine) == before
