"""SQLAlchemy 2 models of the projects registry.

The location is stored as two WGS84 floats (``lon``, ``lat``) so that the same model
works on SQLite and PostgreSQL; on PostGIS the migration adds a generated
``geom geometry(Point, 4326)`` column with a GiST index for spatial SQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from carnet.db.base import Base

Money = Numeric(16, 2, asdecimal=False)


class Projet(Base):
    """A project of a territory's action plan.

    The fields (labels, kinds, lengths) are described in ``carnet/data/champs_projets.toml``
    (:mod:`carnet.projets.fields`); a test checks these columns and sizes against it.
    """

    __tablename__ = "projet"
    __table_args__ = (UniqueConstraint("pack", "ref", name="uq_projet_pack_ref"),
                      Index("uq_projet_pack_uuid", "pack", "uuid", unique=True))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str | None] = mapped_column(String(64))
    #: Stable universal identifier (set on creation, kept on import; migration 0005).
    uuid: Mapped[str | None] = mapped_column(String(36))
    titre: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    #: Territory pack of the project (``nord``): the registry of one pack.
    pack: Mapped[str] = mapped_column(String(40), index=True)
    #: Contract territory (``cambresis``), one of the pack's territories.
    territoire: Mapped[str | None] = mapped_column(String(64), index=True)
    commune: Mapped[str | None] = mapped_column(String(5), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    orientation: Mapped[str | None] = mapped_column(String(32))
    enjeu: Mapped[str | None] = mapped_column(String(300))
    #: The contract's enjeu the project serves (``enjeu.id``; the foreign key is the
    #: migration's, 0004_contrat): set where the free-text ``enjeu`` equals its title.
    enjeu_id: Mapped[int | None] = mapped_column(Integer, index=True)
    categorie: Mapped[str] = mapped_column(String(32), default="autre")
    nature: Mapped[str | None] = mapped_column(String(32))
    mode: Mapped[str | None] = mapped_column(String(32))
    statut: Mapped[str | None] = mapped_column(String(32), index=True)
    maitre_ouvrage: Mapped[str | None] = mapped_column(String(300))
    partenaires: Mapped[str | None] = mapped_column(Text)
    cout_total: Mapped[float | None] = mapped_column(Money)
    participation_cd: Mapped[float | None] = mapped_column(Money)
    annee_debut: Mapped[int | None] = mapped_column(Integer)
    annee_fin: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(500))
    illustratif: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(100))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    deleted_by: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)


class ProjetAudit(Base):
    """One change of a project: who, when, what before and after (JSON snapshots)."""

    __tablename__ = "projet_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    projet_id: Mapped[int] = mapped_column(ForeignKey("projet.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[str | None] = mapped_column(String(100))
    batch: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class LoginThrottle(Base):
    """Consecutive failed logins of one account (``compte:<nom>``) or one client (``source:<ip>``).

    Shared by every Streamlit session (a reload is a new session) and every server
    process, so that throttling cannot be escaped by reloading the page.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginEvent(Base):
    """Audit of the logins: who, when, from where, outcome — never a password."""

    __tablename__ = "login_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    username: Mapped[str] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(String(200))


class LoginSession(Base):
    """A login kept across reloads: the SHA-256 of a random token held in a session cookie."""

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
