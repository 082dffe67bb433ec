"""Tables of the workshops: ``atelier``, ``contribution`` and ``contribution_audit``.

An atelier belongs to one (pack, territoire), has a title, dates and a short ``code``
(shown on the projector, unique). A contribution is a point (lon, lat, WGS84), a category,
a text (stored raw, at most 500 characters), an optional pseudonym, the SHA-256 of the
participant's session token (never the token, never an IP address), a ``statut``
(« en_attente », « approuvee », « rejetee ») and a version (optimistic locking of the
moderation). Rejection is a soft delete: ``deleted_at`` / ``deleted_by`` and the reason;
nothing is ever removed. Every submission and decision adds a row to ``contribution_audit``.
Created by the migration ``0007_ateliers``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from carnet.db.base import Base

#: Width of ``atelier.code``.
CODE_MAX = 12


class Atelier(Base):
    """A workshop opened by an editor for one territoire."""

    __tablename__ = "atelier"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(CODE_MAX), unique=True)
    pack: Mapped[str] = mapped_column(String(40))
    territoire: Mapped[str] = mapped_column(String(64))
    titre: Mapped[str] = mapped_column(String(200))
    debut: Mapped[date] = mapped_column(Date)
    fin: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(100))


class Contribution(Base):
    """One participant's contribution to an atelier."""

    __tablename__ = "contribution"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    atelier_id: Mapped[int] = mapped_column(ForeignKey("atelier.id"), index=True)
    categorie: Mapped[str] = mapped_column(String(20))
    texte: Mapped[str] = mapped_column(Text)
    pseudonyme: Mapped[str | None] = mapped_column(String(100))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    session_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: SHA-256 of the normalised text: identical repeats are refused.
    empreinte: Mapped[str] = mapped_column(String(64))
    statut: Mapped[str] = mapped_column(String(20), default="en_attente")
    motif: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    moderated_by: Mapped[str | None] = mapped_column(String(100))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_by: Mapped[str | None] = mapped_column(String(100))


class ContributionAudit(Base):
    """One event of a contribution: submission or decision (who, when, before, after)."""

    __tablename__ = "contribution_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contribution.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[str | None] = mapped_column(String(100))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
