"""A stable universal identifier per project: ``projet.uuid`` (unique per pack).

The national schema of local-authority projects (docs/SCHEMA_COLLECTIVITES.md) names a
project by a UUID that must not change from one export to the next. Existing rows (deleted
ones included) get a deterministic one, ``uuid5(NAMESPACE, "<pack>:<id>")``: migrating two
copies of the same registry gives the same identifiers. New projects get a random UUID
(``uuid4``) from the repository; an imported file that carries one keeps it.

The column is nullable so that a row written by older code still inserts; the exports give
such a row the same deterministic UUID as this backfill. Uniqueness per pack is a unique
index (``uq_projet_pack_uuid``): SQLite cannot add a table constraint without rebuilding the
table, which the audit's foreign key forbids. No row is copied.

Revision ID: 0005_projet_uuid
Revises: 0004_contrat
Create Date: 2026-12-02
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0005_projet_uuid"
down_revision = "0004_contrat"
branch_labels = None
depends_on = None

#: Namespace of the deterministic project UUIDs (a copy of
#: ``carnet.projets.schema_collectivites.NAMESPACE``: a migration does not import the app).
NAMESPACE = uuid.UUID("5b0f5c1e-8d0a-5c53-9a4e-3c61d2a7e010")


def backfill_uuid(pack: str, projet_id: int) -> str:
    """The deterministic UUID of project ``projet_id`` of ``pack``."""
    return str(uuid.uuid5(NAMESPACE, f"{pack}:{int(projet_id)}"))


def upgrade() -> None:
    op.add_column("projet", sa.Column("uuid", sa.String(36), nullable=True))
    bind = op.get_bind()
    projet = sa.table("projet", sa.column("id", sa.Integer), sa.column("pack", sa.String),
                      sa.column("uuid", sa.String))
    rows = bind.execute(sa.select(projet.c.id, projet.c.pack)).all()
    for pid, pack in rows:
        bind.execute(projet.update().where(projet.c.id == pid)
                     .values(uuid=backfill_uuid(pack or "", pid)))
    op.create_index("uq_projet_pack_uuid", "projet", ["pack", "uuid"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_projet_pack_uuid", table_name="projet")
    # ALTER TABLE … DROP COLUMN: PostgreSQL, and SQLite ≥ 3.35 (no table rebuild)
    op.execute("ALTER TABLE projet DROP COLUMN uuid")
