"""The contrat de territoire: contrat, its parts, their audit; ``projet.enjeu_id``.

Tables (``carnet/contrat/models.py``): ``contrat`` (one per pack and territoire; titre,
statut, notes, ``t0`` the diagnostic frozen at signature), ``phase`` (known dates, each
with its provenance and certainty), ``instance`` (governance bodies), ``reunion``,
``chiffre_publie`` (counts the document publishes), ``orientation`` (the territoire's own
priority orientations), ``enjeu`` (with its indicator ids as a JSON list), ``fait``
(the document's statements about the contract: « voté à l'unanimité »),
``enjeu_orientation`` (links; the orientation is a code of the pack or of the contract)
and ``contrat_audit`` (objet, objet_id, action, at, user, batch, before, after: the shape
of ``projet_audit``). Each part keeps ``cle``, the digest of its natural key when first
written, and ``seeded`` (true while it is exactly what the pack's seed wrote). Every fact
row stores its provenance (``prov_kind``, ``prov_document``, ``prov_extrait``,
``prov_source``, ``prov_user``, ``prov_at``).

Projects: ``projet.enjeu_id`` INTEGER REFERENCES ``enjeu(id)``, NULL by default, added in
place (``ALTER TABLE … ADD COLUMN``; SQLite accepts a foreign key there because the
default is NULL), so no project row is copied. The free-text ``projet.enjeu`` is kept,
never dropped: projects are linked when the contract is seeded or an enjeu saved (title
equal up to case and accents), and the values left unlinked are reported
(``python -m carnet contrat enjeux-libres``). ``projet.orientation`` stays the code it is
(not a foreign key): it is one of the pack's orientations (``territoire.toml``) or of the
contract's own ``orientation`` rows, which the application validates.

Downgrade drops ``projet.enjeu_id`` in place (``ALTER TABLE … DROP COLUMN``, PostgreSQL and
SQLite ≥ 3.35; the projects keep every other value) and then the contract tables.

Revision ID: 0004_contrat
Revises: 0003_pack_territoire
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_contrat"
down_revision = "0003_pack_territoire"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _provenance(prefix: str = "prov") -> list[sa.Column]:
    return [
        sa.Column(f"{prefix}_kind", sa.String(10), nullable=prefix != "prov"),
        sa.Column(f"{prefix}_document", sa.String(2000)),
        sa.Column(f"{prefix}_extrait", sa.Text),
        sa.Column(f"{prefix}_source", sa.String(64)),
        sa.Column(f"{prefix}_user", sa.String(100)),
        sa.Column(f"{prefix}_at", TZ),
    ]


def _bookkeeping() -> list[sa.Column]:
    return [
        sa.Column("seeded", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(100)),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("updated_by", sa.String(100)),
        sa.Column("version", sa.Integer, nullable=False),
    ]


def _part(name: str, *columns, unique_code: bool = True, soft_delete: bool = True,
          provenance: bool = True) -> None:
    extra = []
    if provenance:
        extra += _provenance()
    if soft_delete:
        extra += [sa.Column("deleted_at", TZ), sa.Column("deleted_by", sa.String(100))]
    if unique_code:
        short = "chiffre" if name == "chiffre_publie" else name
        extra.append(sa.UniqueConstraint("contrat_id", "code", name=f"uq_{short}_contrat_code"))
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contrat_id", sa.Integer, sa.ForeignKey("contrat.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("cle", sa.String(40)),
        *columns,
        *_bookkeeping(),
        *extra,
    )
    op.create_index(f"ix_{name}_contrat_id", name, ["contrat_id"])


def upgrade() -> None:
    op.create_table(
        "contrat",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pack", sa.String(40), nullable=False),
        sa.Column("territoire", sa.String(64), nullable=False),
        sa.Column("titre", sa.String(300), nullable=False),
        sa.Column("statut", sa.String(32), nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("t0", sa.JSON),
        sa.Column("t0_at", TZ),
        sa.Column("t0_by", sa.String(100)),
        *_bookkeeping(),
        sa.UniqueConstraint("pack", "territoire", name="uq_contrat_pack_territoire"),
    )
    op.create_index("ix_contrat_pack", "contrat", ["pack"])
    date_cols = []
    for prefix in ("debut", "fin"):
        date_cols += [sa.Column(prefix, sa.Date), sa.Column(f"{prefix}_certitude", sa.String(16)),
                      sa.Column(f"{prefix}_note", sa.Text), *_provenance(f"{prefix}_prov")]
    _part("phase", sa.Column("code", sa.String(32), nullable=False), *date_cols,
          soft_delete=False, provenance=False)
    _part("instance",
          sa.Column("code", sa.String(64), nullable=False),
          sa.Column("libelle", sa.String(300), nullable=False),
          sa.Column("cote", sa.String(16), nullable=False),
          sa.Column("niveau", sa.String(16)))
    _part("reunion",
          sa.Column("date", sa.Date, nullable=False),
          sa.Column("instance", sa.String(64), nullable=False),
          sa.Column("objet", sa.String(500), nullable=False),
          sa.Column("document", sa.String(2000)),
          unique_code=False)
    _part("chiffre_publie",
          sa.Column("code", sa.String(64), nullable=False),
          sa.Column("libelle", sa.String(300), nullable=False),
          sa.Column("valeur", sa.Integer, nullable=False),
          sa.Column("borne", sa.String(16), nullable=False),
          soft_delete=False)
    _part("orientation",
          sa.Column("code", sa.String(32), nullable=False),
          sa.Column("libelle", sa.String(300), nullable=False),
          sa.Column("texte", sa.Text))
    _part("enjeu",
          sa.Column("code", sa.String(64), nullable=False),
          sa.Column("titre", sa.String(300), nullable=False),
          sa.Column("texte", sa.Text),
          sa.Column("indicateurs", sa.JSON, nullable=False))
    _part("fait",
          sa.Column("code", sa.String(64), nullable=False),
          sa.Column("libelle", sa.String(300), nullable=False),
          soft_delete=False)
    op.create_table(
        "enjeu_orientation",
        sa.Column("enjeu_id", sa.Integer, sa.ForeignKey("enjeu.id"), primary_key=True),
        sa.Column("orientation", sa.String(32), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "contrat_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contrat_id", sa.Integer, sa.ForeignKey("contrat.id"), nullable=False),
        sa.Column("objet", sa.String(20), nullable=False),
        sa.Column("objet_id", sa.Integer),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("user", sa.String(100)),
        sa.Column("batch", sa.String(64)),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
    )
    op.create_index("ix_contrat_audit_contrat_id", "contrat_audit", ["contrat_id"])

    # In place on both engines: a plain ADD COLUMN (no batch copy of the projects).
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("ALTER TABLE projet ADD COLUMN enjeu_id INTEGER REFERENCES enjeu(id)")
    else:
        op.add_column("projet", sa.Column("enjeu_id", sa.Integer,
                                          sa.ForeignKey("enjeu.id", name="fk_projet_enjeu")))
    op.create_index("ix_projet_enjeu_id", "projet", ["enjeu_id"])


def downgrade() -> None:
    # In place on both engines (SQLite ≥ 3.35 drops a column that only refers to another
    # table): no project row is copied; the projects' foreign key goes with the column.
    op.drop_index("ix_projet_enjeu_id", table_name="projet")
    op.execute("ALTER TABLE projet DROP COLUMN enjeu_id")
    op.drop_table("contrat_audit")
    op.drop_table("enjeu_orientation")
    for name in ("fait", "enjeu", "orientation", "chiffre_publie", "reunion", "instance", "phase"):
        op.drop_table(name)
    op.drop_table("contrat")
