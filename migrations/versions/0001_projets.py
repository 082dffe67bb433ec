"""Projects registry: projet + projet_audit (+ PostGIS geometry on PostgreSQL).

Revision ID: 0001_projets
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_projets"
down_revision = None
branch_labels = None
depends_on = None

Money = sa.Numeric(16, 2, asdecimal=False)


def upgrade() -> None:
    op.create_table(
        "projet",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ref", sa.String(64)),
        sa.Column("titre", sa.String(300), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("territoire", sa.String(40), nullable=False),
        sa.Column("contrat", sa.String(64)),
        sa.Column("commune", sa.String(5)),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
        sa.Column("orientation", sa.String(32)),
        sa.Column("enjeu", sa.String(300)),
        sa.Column("categorie", sa.String(32), nullable=False),
        sa.Column("nature", sa.String(32)),
        sa.Column("mode", sa.String(32)),
        sa.Column("statut", sa.String(32)),
        sa.Column("maitre_ouvrage", sa.String(300)),
        sa.Column("partenaires", sa.Text),
        sa.Column("cout_total", Money),
        sa.Column("participation_cd", Money),
        sa.Column("annee_debut", sa.Integer),
        sa.Column("annee_fin", sa.Integer),
        sa.Column("source", sa.String(500)),
        sa.Column("illustratif", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(100)),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        sa.Column("deleted_by", sa.String(100)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("territoire", "ref", name="uq_projet_territoire_ref"),
    )
    for col in ("territoire", "contrat", "commune", "statut", "deleted_at"):
        op.create_index(f"ix_projet_{col}", "projet", [col])
    op.create_table(
        "projet_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("projet_id", sa.Integer, sa.ForeignKey("projet.id"), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(100)),
        sa.Column("batch", sa.String(64)),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
    )
    op.create_index("ix_projet_audit_projet_id", "projet_audit", ["projet_id"])

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        has_postgis = bind.execute(
            sa.text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
        ).scalar()
        if has_postgis:
            op.execute(
                "ALTER TABLE projet ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS "
                "(CASE WHEN lon IS NOT NULL AND lat IS NOT NULL "
                "THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326) END) STORED"
            )
            op.execute("CREATE INDEX ix_projet_geom ON projet USING GIST (geom)")


def downgrade() -> None:
    op.drop_table("projet_audit")
    op.drop_table("projet")
