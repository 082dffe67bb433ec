"""One vocabulary: ``territoire`` (the pack) → ``pack``, ``contrat`` → ``territoire``.

A project's pack (``nord``) was stored in ``projet.territoire`` and its contract territory
(``cambresis``) in ``projet.contrat``, a word the contract itself needs. The columns are
renamed in place (``ALTER TABLE … RENAME COLUMN``, PostgreSQL and SQLite ≥ 3.25), so no
row is copied and the foreign key of ``projet_audit`` is untouched; the indexes follow
the new names, and the keys of the audit snapshots (``before``/``after``) are renamed so
that a project's history reads in the new words.

The unique constraint ``(pack, ref)`` is renamed ``uq_projet_pack_ref`` on PostgreSQL. On
SQLite a table constraint cannot be renamed without rebuilding the table (which the
audit's foreign key forbids while it is enforced); it keeps its old name there and
covers ``(pack, ref)`` all the same (SQLite renames the column inside it).

Revision ID: 0003_pack_territoire
Revises: 0002_logins
Create Date: 2026-12-02
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003_pack_territoire"
down_revision = "0002_logins"
branch_labels = None
depends_on = None

#: (old, new) column names, in the order the renames must run.
UP = (("territoire", "pack"), ("contrat", "territoire"))


def _rename_columns(renames, indexes_before, indexes_after, constraint) -> None:
    bind = op.get_bind()
    for name in indexes_before:
        op.drop_index(f"ix_projet_{name}", table_name="projet")
    for old, new in renames:
        op.execute(f"ALTER TABLE projet RENAME COLUMN {old} TO {new}")
    for name in indexes_after:
        op.create_index(f"ix_projet_{name}", "projet", [name])
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE projet RENAME CONSTRAINT {constraint[0]} TO {constraint[1]}")


def _rename_audit_keys(renames) -> None:
    """Rename the keys of the audit snapshots, in the order of ``renames``."""
    bind = op.get_bind()
    audit = sa.table("projet_audit", sa.column("id", sa.Integer),
                     sa.column("before", sa.JSON), sa.column("after", sa.JSON))

    def renamed(snapshot):
        if isinstance(snapshot, str):  # a JSON text on a backend without a JSON type
            snapshot = json.loads(snapshot)
        if not isinstance(snapshot, dict):
            return snapshot, False
        out, changed = dict(snapshot), False
        for old, new in renames:
            if old in out:
                out[new] = out.pop(old)
                changed = True
        return out, changed

    rows = bind.execute(sa.select(audit.c.id, audit.c.before, audit.c.after)).all()
    for rid, before, after in rows:
        new_before, b = renamed(before)
        new_after, a = renamed(after)
        if a or b:
            bind.execute(audit.update().where(audit.c.id == rid)
                         .values(before=new_before, after=new_after))


def upgrade() -> None:
    _rename_columns(UP, ("territoire", "contrat"), ("pack", "territoire"),
                    ("uq_projet_territoire_ref", "uq_projet_pack_ref"))
    _rename_audit_keys(UP)


def downgrade() -> None:
    down = tuple((new, old) for old, new in reversed(UP))
    _rename_columns(down, ("pack", "territoire"), ("territoire", "contrat"),
                    ("uq_projet_pack_ref", "uq_projet_territoire_ref"))
    _rename_audit_keys(down)
