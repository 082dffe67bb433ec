"""Migration 0003: ``territoire`` → ``pack``, ``contrat`` → ``territoire``, no row lost.

A registry at revision 0002 is filled through plain SQL in the old layout (projects with
and without a contract territory, unicode and long values, deleted ones, audit snapshots),
upgraded to head, checked value by value, downgraded and checked again. SQLite and PostGIS.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text

from tests.migrations import migrate as _migrate

AT = dt.datetime(2026, 11, 30, 8, 15, tzinfo=dt.UTC)
#: (id, ref, titre, pack, contract territory, commune, lon, lat, deleted)
ROWS = [
    (1, "CAM-1", "Collège à Cambrai", "nord", "cambresis", "59122", 3.235, 50.175, False),
    (2, None, "Sans territoire de contrat « ni ref »", "nord", None, None, None, None, False),
    (3, "LIL-7", "Gare — Lille ’quai’ " + "é" * 250, "nord", "metropole-lilloise", "59350",
     3.06, 50.63, True),
    (4, "CAM-1", "Même ref, autre pack", "somme", "amienois", None, 2.3, 49.9, False),
]


def _fill_old(engine) -> None:
    with engine.begin() as conn:
        for rid, ref, titre, pack, contrat, commune, lon, lat, deleted in ROWS:
            conn.execute(text(
                "INSERT INTO projet (id, ref, titre, territoire, contrat, commune, lon, lat, "
                "categorie, statut, illustratif, created_at, updated_at, deleted_at, version, "
                "cout_total) VALUES (:id, :ref, :titre, :t, :c, :commune, :lon, :lat, 'mod', "
                "'engage', :ill, :at, :at, :del, 3, 1200000.5)"),
                {"id": rid, "ref": ref, "titre": titre, "t": pack, "c": contrat,
                 "commune": commune, "lon": lon, "lat": lat, "ill": rid == 2, "at": AT,
                 "del": AT if deleted else None})
        conn.execute(text(
            "INSERT INTO projet_audit (id, projet_id, action, at, \"user\", before, after) "
            "VALUES (1, 1, 'create', :at, 'cli:a', NULL, :after), "
            "(2, 1, 'update', :at, 'cli:b', :after, :after2)"),
            {"at": AT, "after": '{"titre": "Collège", "territoire": "nord", "contrat": "cambresis"}',
             "after2": '{"titre": "Collège à Cambrai", "territoire": "nord", "contrat": null}'})


def _rows(engine, pack_col: str, terr_col: str) -> list[tuple]:
    with engine.connect() as conn:
        got = conn.execute(text(
            f"SELECT id, ref, titre, {pack_col}, {terr_col}, commune, lon, lat, "
            "deleted_at IS NOT NULL, version, cout_total, categorie, statut FROM projet "
            "ORDER BY id")).all()
    return [tuple(r) for r in got]


def _expected() -> list[tuple]:
    return [(*r[:8], r[8], 3, 1200000.5, "mod", "engage") for r in ROWS]


def _audit(engine) -> list:
    import json

    with engine.connect() as conn:
        got = conn.execute(text("SELECT id, before, after FROM projet_audit ORDER BY id")).all()
    load = lambda v: json.loads(v) if isinstance(v, str) else v  # noqa: E731
    return [(r[0], load(r[1]), load(r[2])) for r in got]


def test_upgrade_renames_without_losing_a_row_and_downgrade_restores(bare_engine):
    _migrate(bare_engine, "0002_logins")
    _fill_old(bare_engine)
    assert _rows(bare_engine, "territoire", "contrat") == _expected()

    _migrate(bare_engine, "head")
    cols = {c["name"] for c in inspect(bare_engine).get_columns("projet")}
    assert {"pack", "territoire"} <= cols and "contrat" not in cols
    assert _rows(bare_engine, "pack", "territoire") == _expected()
    assert _audit(bare_engine) == [
        (1, None, {"titre": "Collège", "pack": "nord", "territoire": "cambresis"}),
        (2, {"titre": "Collège", "pack": "nord", "territoire": "cambresis"},
         {"titre": "Collège à Cambrai", "pack": "nord", "territoire": None})]
    indexes = {i["name"]: i["column_names"] for i in inspect(bare_engine).get_indexes("projet")}
    assert indexes["ix_projet_pack"] == ["pack"]
    assert indexes["ix_projet_territoire"] == ["territoire"]
    assert "ix_projet_contrat" not in indexes
    # the unique (pack, ref) still holds: the same ref twice in one pack is refused
    with pytest.raises(Exception, match="(?i)unique"), bare_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO projet (ref, titre, pack, categorie, illustratif, created_at, "
            "updated_at, version) VALUES ('CAM-1', 'x', 'nord', 'mod', false, :at, :at, 1)"),
            {"at": AT})
    if bare_engine.dialect.name == "postgresql":
        names = {u["name"] for u in inspect(bare_engine).get_unique_constraints("projet")}
        assert "uq_projet_pack_ref" in names

    _migrate(bare_engine, "0002_logins", down=True)
    assert _rows(bare_engine, "territoire", "contrat") == _expected()
    assert _audit(bare_engine)[1][2] == {"titre": "Collège à Cambrai", "territoire": "nord",
                                         "contrat": None}
