"""The carnet texts edited in the app: table ``carnet_texte``, its audit, optimistic locking.

One row per (pack, territoire, section) once an editor saved it; until then the pack's
seed file (:func:`carnet.carnets.texts.read_seed`) is the text, at version 0. A save
names the version it started from: if someone saved in the meantime, nothing is written
and :class:`CarnetConflict` carries both texts. Every write adds a row to
``carnet_texte_audit`` (who, when, text before and after). Saving needs the permission
``edit`` (:func:`carnet.auth.require`) and a text every statement of which is cited
(:func:`carnet.carnets.texts.check`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from carnet import auth
from carnet.carnets.sections import SECTIONS
from carnet.carnets.texts import CarnetTextError, check, read_seed
from carnet.db.base import Base
from carnet.errors import CarnetError, lookup
from carnet.formatting import fmt_datetime
from carnet.projets.repository import audit_user


class CarnetTexte(Base):
    """The text of one section of one territoire's carnet, as last saved."""

    __tablename__ = "carnet_texte"
    __table_args__ = (UniqueConstraint("pack", "territoire", "section",
                                       name="uq_carnet_texte_section"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pack: Mapped[str] = mapped_column(String(40))
    territoire: Mapped[str] = mapped_column(String(64))
    section: Mapped[str] = mapped_column(String(32))
    texte: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(100))


class CarnetTexteAudit(Base):
    """One save of a carnet text: who, when, the version and text before and after."""

    __tablename__ = "carnet_texte_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    carnet_texte_id: Mapped[int] = mapped_column(ForeignKey("carnet_texte.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[str | None] = mapped_column(String(100))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


@dataclass(frozen=True)
class StoredText:
    """The text shown for a section: from the database (``origine = "base"``), the seed
    file (``"fichier"``) or nothing (``"vide"``); ``version`` 0 until first saved."""

    pack: str
    territoire: str
    section: str
    texte: str
    version: int
    origine: str
    updated_by: str | None = None
    updated_at: datetime | None = None
    #: Seed-file problems (unknown heading, encoding…), French, naming file and line.
    problemes: tuple[str, ...] = ()
    #: Line of the file where the section's text starts (seed only): messages name it.
    decalage: int = 0


class CarnetConflict(CarnetError):
    """Someone saved the section since the version the editor started from; nothing written."""

    def __init__(self, mine: str, theirs: StoredText, section_title: str):
        self.mine = mine
        self.theirs = theirs
        who = theirs.updated_by or "un autre utilisateur"
        when = fmt_datetime(theirs.updated_at, missing="?", naive_utc=True)
        super().__init__(
            f"Conflit : la section « {section_title} » a été modifiée par {who} ({when}, "
            f"version {theirs.version}) pendant votre saisie. Rien n'a été écrasé : votre texte "
            "est conservé dans le formulaire ; comparez-le au texte enregistré, puis "
            "enregistrez à nouveau.")


def _now() -> datetime:
    return datetime.now(UTC)


def _snapshot(row: CarnetTexte) -> dict:
    return {"texte": row.texte, "version": row.version}


class CarnetStore:
    """Read and save the carnet texts of the database (seeded from the pack's files)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def _row(self, session: Session, pack: str, tid: str, sid: str) -> CarnetTexte | None:
        return session.scalars(select(CarnetTexte).where(
            CarnetTexte.pack == pack, CarnetTexte.territoire == tid,
            CarnetTexte.section == sid)).first()

    def current(self, pack: str, tid: str, sid: str) -> StoredText:
        """The text of section ``sid`` of territoire ``tid``: database row, else seed file."""
        lookup(SECTIONS, sid, "Section du carnet")
        with Session(self.engine) as session:
            row = self._row(session, pack, tid, sid)
            if row is not None:
                return StoredText(pack, tid, sid, row.texte, row.version, "base",
                                  row.updated_by, row.updated_at)
        seed = read_seed(pack, tid)
        text = seed.texts.get(sid, "")
        return StoredText(pack, tid, sid, text, 0, "fichier" if text.strip() else "vide",
                          problemes=seed.problems, decalage=seed.offsets.get(sid, 0))

    def save(self, pack: str, tid: str, sid: str, texte: str, expected_version: int,
             user: str, role: str | None) -> StoredText:
        """Save a section's text if nobody saved it since ``expected_version``.

        Raises
        ------
        PermissionDenied
            Unless ``role`` may ``edit``.
        CarnetTextError
            If a statement has no citation (the message names each, with its line).
        CarnetConflict
            If the stored version is not ``expected_version``; nothing is written.
        """
        from carnet.config import load_config

        auth.require(role, "edit")
        title = lookup(SECTIONS, sid, "Section du carnet")
        load_config(pack).territoire(tid)  # unknown territoire: French error
        clean = check(texte, f"Section « {title} »")
        who = audit_user(user)
        now = _now()
        with Session(self.engine) as session, session.begin():
            row = self._row(session, pack, tid, sid)
            current = 0 if row is None else row.version
            if current != expected_version:
                session.rollback()
                raise CarnetConflict(clean, self.current(pack, tid, sid), title)
            seed = read_seed(pack, tid).texts.get(sid) if row is None else None
            if clean == (row.texte if row is not None else (seed or "")):
                return self.current(pack, tid, sid)  # nothing changed: no new version
            if row is None:
                row = CarnetTexte(pack=pack, territoire=tid, section=sid, texte=clean, version=1,
                                  created_at=now, created_by=who, updated_at=now, updated_by=who)
                session.add(row)
                try:
                    session.flush()
                except IntegrityError:  # someone created it at the same time
                    session.rollback()
                    raise CarnetConflict(clean, self.current(pack, tid, sid), title) from None
                session.add(CarnetTexteAudit(carnet_texte_id=row.id, action="create", at=now,
                                             user=who,
                                             before={"texte": seed, "version": 0, "origine": "fichier"}
                                             if seed else None,
                                             after=_snapshot(row)))
            else:
                before = _snapshot(row)
                res = session.execute(
                    update(CarnetTexte)
                    .where(CarnetTexte.id == row.id, CarnetTexte.version == expected_version)
                    .values(texte=clean, version=CarnetTexte.version + 1, updated_at=now,
                            updated_by=who))
                if res.rowcount != 1:
                    session.rollback()
                    raise CarnetConflict(clean, self.current(pack, tid, sid), title)
                session.add(CarnetTexteAudit(carnet_texte_id=row.id, action="update", at=now,
                                             user=who, before=before,
                                             after={"texte": clean, "version": expected_version + 1}))
        return self.current(pack, tid, sid)

    def history(self, pack: str, tid: str, sid: str) -> list[dict]:
        """Saves of a section, oldest first: action, at, user, version and text after."""
        with Session(self.engine) as session:
            row = self._row(session, pack, tid, sid)
            if row is None:
                return []
            audits = session.scalars(select(CarnetTexteAudit).where(
                CarnetTexteAudit.carnet_texte_id == row.id).order_by(CarnetTexteAudit.id)).all()
            return [{"action": a.action, "at": a.at, "user": a.user, "before": a.before,
                     "after": a.after} for a in audits]


__all__ = ["CarnetConflict", "CarnetStore", "CarnetTextError", "StoredText"]
