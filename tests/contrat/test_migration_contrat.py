"""Migration 0004_contrat on a registry with projects: no row lost, downgrade restores.

A registry at revision 0003 is filled through plain SQL (projects with and without a
free-text enjeu, a deleted one, audit entries), upgraded to 0004, checked value by value
(``enjeu_id`` NULL everywhere, the free text intact, the contract tables empty and
usable, the foreign key enforced), downgraded and checked again. SQLite and PostGIS.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text

from tests.migrations import migrate as _migrate

AT = dt.datetime(2026, 11, 30, 8, 15, tzinfo=dt.UTC)
#: (id, ref, titre, territoire, enjeu, deleted)
ROWS = [
    (1, "CAM-1", "Collège à Cambrai", "cambresis", "Fermeture de la base aérienne", False),
    (2, None, "Sans enjeu « ni ref »", None, None, False),
    (3, "CAM-3", "Quai ’fluvial’ " + "é" * 250, "cambresis", "Canal Seine-Nord " + "x" * 280,
     True),
]
pytestmark = pytest.mark.filterwarnings("ignore:Did not recognize type .geometry.")
CONTRACT_TABLES = {"contrat", "phase", "instance", "reunion", "chiffre_publie", "orientation",
                   "enjeu", "enjeu_orientation", "contrat_audit"}


def _fill(engine) -> None:
    with engine.begin() as conn:
        for rid, ref, titre, terr, enjeu, deleted in ROWS:
            conn.execute(text(
                "INSERT INTO projet (id, ref, titre, pack, territoire, enjeu, orientation, "
                "categorie, statut, illustratif, created_at, updated_at, deleted_at, version, "
                "cout_total) VALUES (:id, :ref, :titre, 'nord', :t, :enjeu, 'cohesion', 'mod', "
                "'engage', false, :at, :at, :del, 4, 1200000.5)"),
                {"id": rid, "ref": ref, "titre": titre, "t": terr, "enjeu": enjeu, "at": AT,
                 "del": AT if deleted else None})
        conn.execute(text(
            "INSERT INTO projet_audit (id, projet_id, action, at, \"user\", before, after) "
            "VALUES (1, 1, 'create', :at, 'cli:a', NULL, '{\"enjeu\": \"x\"}')"), {"at": AT})


def _rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        got = conn.execute(text(
            "SELECT id, ref, titre, territoire, enjeu, deleted_at IS NOT NULL, orientation, "
            "version, cout_total FROM projet ORDER BY id")).all()
    return [tuple(r) for r in got]


EXPECTED = [(*r, "cohesion", 4, 1200000.5) for r in ROWS]


def test_upgrade_keeps_every_project_and_downgrade_restores(bare_engine):
    _migrate(bare_engine, "0003_pack_territoire")
    _fill(bare_engine)
    assert _rows(bare_engine) == EXPECTED

    _migrate(bare_engine, "0004_contrat")
    insp = inspect(bare_engine)
    assert set(insp.get_table_names()) >= CONTRACT_TABLES
    cols = {c["name"] for c in insp.get_columns("projet")}
    assert {"enjeu", "enjeu_id", "orientation"} <= cols
    assert _rows(bare_engine) == EXPECTED
    with bare_engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM projet WHERE enjeu_id IS NOT NULL")
                            ).scalar_one() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM projet_audit")).scalar_one() == 1
    fks = [fk for fk in insp.get_foreign_keys("projet") if fk["constrained_columns"] == ["enjeu_id"]]
    assert fks and fks[0]["referred_table"] == "enjeu"
    # the foreign key holds: a project cannot name an enjeu that does not exist
    with pytest.raises(Exception, match="(?i)foreign key"), bare_engine.begin() as conn:
        conn.execute(text("UPDATE projet SET enjeu_id = 999 WHERE id = 1"))
    # the contract tables take a contract, an enjeu, and a project's link to it
    with bare_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO contrat (id, pack, territoire, titre, statut, seeded, created_at, "
            "updated_at, version) VALUES (1, 'nord', 'cambresis', 'Contrat', 'signe', true, "
            ":at, :at, 1)"), {"at": AT})
        conn.execute(text(
            "INSERT INTO enjeu (id, contrat_id, position, code, titre, indicateurs, prov_kind, "
            "seeded, created_at, updated_at, version) VALUES (1, 1, 0, 'base', "
            "'Fermeture de la base aérienne', '[]', 'document', true, :at, :at, 1)"),
            {"at": AT})
        conn.execute(text("UPDATE projet SET enjeu_id = 1 WHERE id = 1"))
    with pytest.raises(Exception, match="(?i)unique|duplicate"), bare_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO contrat (pack, territoire, titre, statut, seeded, created_at, "
            "updated_at, version) VALUES ('nord', 'cambresis', 'Bis', 'signe', true, :at, :at, "
            "1)"), {"at": AT})

    _migrate(bare_engine, "0003_pack_territoire", down=True)
    insp = inspect(bare_engine)
    assert not CONTRACT_TABLES & set(insp.get_table_names())
    assert "enjeu_id" not in {c["name"] for c in insp.get_columns("projet")}
    assert _rows(bare_engine) == EXPECTED
    indexes = {i["name"] for i in insp.get_indexes("projet")}
    assert {"ix_projet_pack", "ix_projet_territoire"} <= indexes
    with bare_engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM projet_audit")).scalar_one() == 1

    # and up again (a downgrade is not a dead end)
    _migrate(bare_engine, "0004_contrat")
    assert _rows(bare_engine) == EXPECTED
