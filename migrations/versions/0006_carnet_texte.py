"""Carnet texts: the editable text of each section of a territoire's carnet, and its audit.

``carnet_texte``: one row per (pack, territoire, section) once an editor saved it (the
pack's seed file ``data/territoires/<pack>/carnets/<territoire>.md`` is the text until
then), with its version (optimistic locking) and who saved it when.
``carnet_texte_audit``: one row per save (action, at, user, text and version before and
after, JSON). New tables only: no existing row is touched; the downgrade drops them.

Revision ID: 0006_carnet_texte
Revises: 0005_projet_uuid
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_carnet_texte"
down_revision = "0005_projet_uuid"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "carnet_texte",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pack", sa.String(40), nullable=False),
        sa.Column("territoire", sa.String(64), nullable=False),
        sa.Column("section", sa.String(32), nullable=False),
        sa.Column("texte", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(100)),
        sa.UniqueConstraint("pack", "territoire", "section", name="uq_carnet_texte_section"),
    )
    op.create_table(
        "carnet_texte_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("carnet_texte_id", sa.Integer, sa.ForeignKey("carnet_texte.id"),
                  nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(100)),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
    )
    op.create_index("ix_carnet_texte_audit_carnet_texte_id", "carnet_texte_audit",
                    ["carnet_texte_id"])


def downgrade() -> None:
    op.drop_index("ix_carnet_texte_audit_carnet_texte_id", table_name="carnet_texte_audit")
    op.drop_table("carnet_texte_audit")
    op.drop_table("carnet_texte")
