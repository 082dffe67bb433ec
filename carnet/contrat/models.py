"""SQLAlchemy 2 models of the contract store (migration ``0004_contrat``).

One ``contrat`` per (pack, territoire); its parts (``phase``, ``instance``, ``reunion``,
``chiffre_publie``, ``orientation``, ``enjeu``, ``fait`` and the ``enjeu_orientation`` links) hang
from it by ``contrat_id``. Every change is journalled in ``contrat_audit`` (same shape as
``projet_audit``, plus the kind and id of the object changed).

Every fact row stores its provenance (:class:`carnet.contrat.model.Provenance`) in six
columns: ``prov_kind`` (``document`` / ``source`` / ``saisie``), ``prov_document`` and
``prov_extrait`` (the citation), ``prov_source`` (a source id), ``prov_user`` and
``prov_at`` (an editor's entry). A phase has one provenance per known date (``debut_…``,
``fin_…``).

``seeded`` is true while a row is exactly what the pack's seed wrote: the seed replaces
such rows when the seed file changes, and never a row an editor wrote, changed or deleted
(``seeded`` false). ``position`` keeps the order of a contract's lists.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from carnet.db.base import Base

#: Longest accepted values (the columns' widths; validation messages quote them).
CODE_MAX = 64
TITRE_MAX = 300
#: A document's title or a link (the seed's longest link).
DOCUMENT_MAX = 2000
OBJET_MAX = 500
SOURCE_MAX = 64
USER_MAX = 100
#: Cap of the unbounded text columns (``Text``), as for projects.
TEXTE_MAX = 20_000
#: Longest verbatim extract of a citation (the seed's).
EXTRAIT_MAX = 2000


class _Provenance:
    """The provenance of the row's fact (six columns)."""

    prov_kind: Mapped[str] = mapped_column(String(10), default="document")
    prov_document: Mapped[str | None] = mapped_column(String(DOCUMENT_MAX))
    prov_extrait: Mapped[str | None] = mapped_column(Text)
    prov_source: Mapped[str | None] = mapped_column(String(SOURCE_MAX))
    prov_user: Mapped[str | None] = mapped_column(String(USER_MAX))
    prov_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class _Bookkeeping:
    """Who wrote the row and when, its version (optimistic locking), whether seeded."""

    seeded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(USER_MAX))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(USER_MAX))
    version: Mapped[int] = mapped_column(Integer, default=1)


class _Part(_Bookkeeping):
    """A part of one contract (``contrat_id``), in the contract's order (``position``).

    ``cle`` is the digest of the part's natural key when it was first written (its code;
    for a meeting its date, body and object): it never changes, so the seed still finds
    the row it wrote after an editor changed its object or code (and keeps it).
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    cle: Mapped[str | None] = mapped_column(String(40))

    @declared_attr
    def contrat_id(cls) -> Mapped[int]:  # noqa: N805 - SQLAlchemy's declared_attr
        return mapped_column(ForeignKey("contrat.id"), index=True)


class _SoftDelete:
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_by: Mapped[str | None] = mapped_column(String(USER_MAX))


class ContratRow(_Bookkeeping, Base):
    """The contract of one territoire of one pack; ``t0`` is its frozen diagnostic."""

    __tablename__ = "contrat"
    __table_args__ = (UniqueConstraint("pack", "territoire", name="uq_contrat_pack_territoire"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pack: Mapped[str] = mapped_column(String(40), index=True)
    territoire: Mapped[str] = mapped_column(String(CODE_MAX))
    titre: Mapped[str] = mapped_column(String(TITRE_MAX))
    statut: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(Text)
    #: The diagnostic frozen at signature (written once, :meth:`ContratRepository.freeze_t0`).
    t0: Mapped[dict | None] = mapped_column(JSON)
    t0_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    t0_by: Mapped[str | None] = mapped_column(String(USER_MAX))


class PhaseRow(_Part, Base):
    """A phase (code of ``phases_contrat.toml``) and its known dates, each with provenance."""

    __tablename__ = "phase"
    __table_args__ = (UniqueConstraint("contrat_id", "code", name="uq_phase_contrat_code"),)

    code: Mapped[str] = mapped_column(String(32))
    debut: Mapped[date | None] = mapped_column(Date)
    debut_certitude: Mapped[str | None] = mapped_column(String(16))
    debut_note: Mapped[str | None] = mapped_column(Text)
    debut_prov_kind: Mapped[str | None] = mapped_column(String(10))
    debut_prov_document: Mapped[str | None] = mapped_column(String(DOCUMENT_MAX))
    debut_prov_extrait: Mapped[str | None] = mapped_column(Text)
    debut_prov_source: Mapped[str | None] = mapped_column(String(SOURCE_MAX))
    debut_prov_user: Mapped[str | None] = mapped_column(String(USER_MAX))
    debut_prov_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fin: Mapped[date | None] = mapped_column(Date)
    fin_certitude: Mapped[str | None] = mapped_column(String(16))
    fin_note: Mapped[str | None] = mapped_column(Text)
    fin_prov_kind: Mapped[str | None] = mapped_column(String(10))
    fin_prov_document: Mapped[str | None] = mapped_column(String(DOCUMENT_MAX))
    fin_prov_extrait: Mapped[str | None] = mapped_column(Text)
    fin_prov_source: Mapped[str | None] = mapped_column(String(SOURCE_MAX))
    fin_prov_user: Mapped[str | None] = mapped_column(String(USER_MAX))
    fin_prov_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InstanceRow(_Part, _Provenance, _SoftDelete, Base):
    """A governance body of the contract."""

    __tablename__ = "instance"
    __table_args__ = (UniqueConstraint("contrat_id", "code", name="uq_instance_contrat_code"),)

    code: Mapped[str] = mapped_column(String(CODE_MAX))
    libelle: Mapped[str] = mapped_column(String(TITRE_MAX))
    cote: Mapped[str] = mapped_column(String(16))
    niveau: Mapped[str | None] = mapped_column(String(16))


class ReunionRow(_Part, _Provenance, _SoftDelete, Base):
    """A meeting of a body (``instance`` is the body's code in the same contract)."""

    __tablename__ = "reunion"

    date: Mapped[date] = mapped_column(Date)
    instance: Mapped[str] = mapped_column(String(CODE_MAX))
    objet: Mapped[str] = mapped_column(String(OBJET_MAX))
    document: Mapped[str | None] = mapped_column(String(DOCUMENT_MAX))


class ChiffreRow(_Part, _Provenance, Base):
    """A count the founding document publishes (not a record)."""

    __tablename__ = "chiffre_publie"
    __table_args__ = (UniqueConstraint("contrat_id", "code", name="uq_chiffre_contrat_code"),)

    code: Mapped[str] = mapped_column(String(CODE_MAX))
    libelle: Mapped[str] = mapped_column(String(TITRE_MAX))
    valeur: Mapped[int] = mapped_column(Integer)
    borne: Mapped[str] = mapped_column(String(16))


class OrientationRow(_Part, _Provenance, _SoftDelete, Base):
    """A territoire's own priority orientation (the Département's are the pack's)."""

    __tablename__ = "orientation"
    __table_args__ = (UniqueConstraint("contrat_id", "code",
                                       name="uq_orientation_contrat_code"),)

    code: Mapped[str] = mapped_column(String(32))
    libelle: Mapped[str] = mapped_column(String(TITRE_MAX))
    texte: Mapped[str | None] = mapped_column(Text)


class EnjeuRow(_Part, _Provenance, _SoftDelete, Base):
    """A stake: title, text, the indicator ids that evidence it (JSON list)."""

    __tablename__ = "enjeu"
    __table_args__ = (UniqueConstraint("contrat_id", "code", name="uq_enjeu_contrat_code"),)

    code: Mapped[str] = mapped_column(String(CODE_MAX))
    titre: Mapped[str] = mapped_column(String(TITRE_MAX))
    texte: Mapped[str | None] = mapped_column(Text)
    indicateurs: Mapped[list] = mapped_column(JSON, default=list)


class FaitRow(_Part, _Provenance, Base):
    """A statement of the document about the contract (« voté à l'unanimité »)."""

    __tablename__ = "fait"
    __table_args__ = (UniqueConstraint("contrat_id", "code", name="uq_fait_contrat_code"),)

    code: Mapped[str] = mapped_column(String(CODE_MAX))
    libelle: Mapped[str] = mapped_column(String(TITRE_MAX))


class EnjeuOrientationRow(Base):
    """An enjeu ↔ orientation link; ``orientation`` is a code of the pack or the contract."""

    __tablename__ = "enjeu_orientation"

    enjeu_id: Mapped[int] = mapped_column(ForeignKey("enjeu.id"), primary_key=True)
    orientation: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContratAudit(Base):
    """One change of a contract or of one of its parts: who, when, before and after."""

    __tablename__ = "contrat_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contrat_id: Mapped[int] = mapped_column(ForeignKey("contrat.id"), index=True)
    #: ``contrat``, ``phase``, ``instance``, ``reunion``, ``chiffre_publie``, ``orientation``,
    #: ``enjeu``, ``fait`` or ``t0``.
    objet: Mapped[str] = mapped_column(String(20))
    objet_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[str | None] = mapped_column(String(USER_MAX))
    batch: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


def natural_key(objet: str, code: str | None = None, *, day: date | None = None,
                instance: str | None = None, texte: str | None = None) -> str:
    """The natural key of a part: ``objet`` and its code, or a meeting's date, body, object."""
    if objet == "reunion":
        return f"reunion|{day.isoformat() if day else ''}|{instance}|{texte}"
    return f"{objet}|{code}"


def cle(key: str) -> str:
    """The stored digest of a natural key (40 hex digits)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def row_key(row) -> str:
    """The natural key of a stored part, from its current values."""
    if isinstance(row, ReunionRow):
        return natural_key("reunion", day=row.date, instance=row.instance, texte=row.objet)
    return natural_key(row.__tablename__, row.code)


def _set_cle(_mapper, _connection, target) -> None:
    if target.cle is None:
        target.cle = cle(row_key(target))


for _model in (PhaseRow, InstanceRow, ReunionRow, ChiffreRow, OrientationRow, EnjeuRow,
               FaitRow):
    event.listen(_model, "before_insert", _set_cle)
