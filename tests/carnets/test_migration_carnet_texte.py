"""Migration 0006: tables ``carnet_texte`` and its audit, added to a registry with projects;
no row lost on the way up or down. SQLite and PostGIS."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text

from carnet.carnets.store import CarnetStore
from tests.migrations import migrate as _migrate

AT = dt.datetime(2026, 11, 30, 8, 15, tzinfo=dt.UTC)
REV = "0006_carnet_texte"
BEFORE = "0005_projet_uuid"


def _projects(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT id, ref, titre, pack, territoire, version FROM projet ORDER BY id")).all()]


def test_upgrade_adds_the_tables_and_downgrade_drops_only_them(bare_engine):
    _migrate(bare_engine, BEFORE)
    with bare_engine.begin() as conn:
        for i, titre in enumerate(["Collège à Cambrai", "Musée « dentelle » ’é’" + "é" * 200], 1):
            conn.execute(text(
                "INSERT INTO projet (id, ref, titre, pack, territoire, categorie, illustratif, "
                "created_at, updated_at, version) VALUES (:id, :ref, :t, 'nord', 'cambresis', "
                "'mod', false, :at, :at, 2)"), {"id": i, "ref": f"CAM-{i}", "t": titre, "at": AT})
        conn.execute(text("INSERT INTO projet_audit (projet_id, action, at, \"user\") "
                          "VALUES (1, 'create', :at, 'cli:a')"), {"at": AT})
    before = _projects(bare_engine)
    assert len(before) == 2

    _migrate(bare_engine, REV)
    tables = set(inspect(bare_engine).get_table_names())
    assert {"carnet_texte", "carnet_texte_audit", "projet", "projet_audit"} <= tables
    assert _projects(bare_engine) == before
    uniques = inspect(bare_engine).get_unique_constraints("carnet_texte")
    assert [u["column_names"] for u in uniques] == [["pack", "territoire", "section"]]
    store = CarnetStore(bare_engine)
    store.save("nord", "cambresis", "culture", "Un fait. [source : a]", 0, "marie", "editor")
    with pytest.raises(Exception, match="(?i)unique|duplicate"), bare_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO carnet_texte (pack, territoire, section, texte, version, created_at, "
            "updated_at) VALUES ('nord', 'cambresis', 'culture', 'x', 1, :at, :at)"), {"at": AT})

    _migrate(bare_engine, BEFORE, down=True)
    tables = set(inspect(bare_engine).get_table_names())
    assert "carnet_texte" not in tables and "carnet_texte_audit" not in tables
    assert _projects(bare_engine) == before
    with bare_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM projet_audit")).scalar() == 1
