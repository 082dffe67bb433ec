"""Workshops: ateliers, their contributions (pre-moderated) and the contributions' audit.

``atelier``: one row per workshop (pack, territoire, title, dates, unique short code).
``contribution``: one row per participant's contribution (point, category, raw text,
pseudonym, SHA-256 of the session token, text fingerprint, status, reason, version,
moderation and soft-delete stamps). ``contribution_audit``: one row per submission and
decision (JSON before/after). New tables only: no existing row is touched; the downgrade
drops them.

Revision ID: 0007_ateliers
Revises: 0006_carnet_texte
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_ateliers"
down_revision = "0006_carnet_texte"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "atelier",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("pack", sa.String(40), nullable=False),
        sa.Column("territoire", sa.String(64), nullable=False),
        sa.Column("titre", sa.String(200), nullable=False),
        sa.Column("debut", sa.Date, nullable=False),
        sa.Column("fin", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100)),
        sa.UniqueConstraint("code", name="uq_atelier_code"),
    )
    op.create_table(
        "contribution",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("atelier_id", sa.Integer, sa.ForeignKey("atelier.id"), nullable=False),
        sa.Column("categorie", sa.String(20), nullable=False),
        sa.Column("texte", sa.Text, nullable=False),
        sa.Column("pseudonyme", sa.String(100)),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("empreinte", sa.String(64), nullable=False),
        sa.Column("statut", sa.String(20), nullable=False),
        sa.Column("motif", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderated_at", sa.DateTime(timezone=True)),
        sa.Column("moderated_by", sa.String(100)),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        sa.Column("deleted_by", sa.String(100)),
    )
    op.create_index("ix_contribution_atelier_id", "contribution", ["atelier_id"])
    op.create_index("ix_contribution_session_hash", "contribution", ["session_hash"])
    op.create_table(
        "contribution_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contribution_id", sa.Integer, sa.ForeignKey("contribution.id"),
                  nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(100)),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
    )
    op.create_index("ix_contribution_audit_contribution_id", "contribution_audit",
                    ["contribution_id"])


def downgrade() -> None:
    op.drop_index("ix_contribution_audit_contribution_id", table_name="contribution_audit")
    op.drop_table("contribution_audit")
    op.drop_index("ix_contribution_session_hash", table_name="contribution")
    op.drop_index("ix_contribution_atelier_id", table_name="contribution")
    op.drop_table("contribution")
    op.drop_table("atelier")
