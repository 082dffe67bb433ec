"""Logins: throttling counters, login audit and sessions kept across reloads.

Revision ID: 0002_logins
Revises: 0001_projets
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_logins"
down_revision = "0001_projets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "login_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("source", sa.String(100)),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("detail", sa.String(200)),
    )
    op.create_index("ix_login_event_at", "login_event", ["at"])
    op.create_table(
        "login_session",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("source", sa.String(100)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_login_session_expires_at", "login_session", ["expires_at"])


def downgrade() -> None:
    op.drop_table("login_session")
    op.drop_table("login_event")
    op.drop_table("login_throttle")
