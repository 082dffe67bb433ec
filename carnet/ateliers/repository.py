"""The ateliers and their contributions in the app's database (SQLite or PostgreSQL).

:class:`AtelierRepository` opens ateliers (permission ``moderate``), records participants'
contributions (no account: a browser-session token, stored hashed; the rules of
:mod:`carnet.ateliers.limits`), keeps them in a queue until an editor approves or rejects
them (permission ``moderate``; optimistic locking on the contribution's version; rejection
is a soft delete with a reason; every submission and decision is a row of
``contribution_audit``) and lists the approved ones for the map, the story and the exports.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carnet import auth
from carnet.ateliers import limits
from carnet.ateliers.categories import categorie as get_categorie
from carnet.ateliers.models import Atelier, Contribution, ContributionAudit
from carnet.errors import CarnetError, lookup
from carnet.formatting import fmt_date
from carnet.projets.repository import audit_user

#: Characters of an atelier's code: capitals and digits a projector cannot confuse.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
STATUTS = {"en_attente": "en attente", "approuvee": "approuvée", "rejetee": "rejetée"}
#: Moderation decisions → the status they give.
DECISIONS = {"approuver": "approuvee", "rejeter": "rejetee", "remettre": "en_attente"}
MOTIF_MAX = 300


class AtelierIntrouvable(CarnetError):
    """No atelier has that code."""


class ModerationConflict(CarnetError):
    """The contribution was moderated by someone else meanwhile; nothing written."""


@dataclass(frozen=True)
class Envoi:
    """A recorded contribution and, past :data:`limits.AVERTIR_A`, the warning to show."""

    contribution: dict
    avertissement: str | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _iso(value) -> str | None:
    if isinstance(value, datetime):
        return _aware(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def normalise_code(code) -> str:
    """An atelier's code as stored: upper case, spaces and dashes removed."""
    return "".join(c for c in str(code or "").upper() if c.isalnum())[:16]


def atelier_dict(a: Atelier) -> dict:
    return {"id": a.id, "code": a.code, "pack": a.pack, "territoire": a.territoire,
            "titre": a.titre, "debut": a.debut, "fin": a.fin,
            "created_at": _aware(a.created_at), "created_by": a.created_by}


def contribution_dict(c: Contribution, a: Atelier | None = None) -> dict:
    cat = get_categorie(c.categorie) if c.categorie in _known() else None
    out = {"id": c.id, "atelier_id": c.atelier_id, "categorie": c.categorie,
           "categorie_libelle": cat.libelle if cat else c.categorie, "texte": c.texte,
           "pseudonyme": c.pseudonyme or "", "lon": c.lon, "lat": c.lat,
           "session_hash": c.session_hash, "statut": c.statut, "motif": c.motif,
           "version": c.version, "created_at": _aware(c.created_at),
           "moderated_at": _aware(c.moderated_at), "moderated_by": c.moderated_by,
           "deleted_at": _aware(c.deleted_at), "deleted_by": c.deleted_by}
    if a is not None:
        out.update({"atelier": a.code, "atelier_titre": a.titre, "pack": a.pack,
                    "territoire": a.territoire})
    return out


def _known() -> dict:
    from carnet.ateliers.categories import categories

    return categories()


def _snapshot(c: Contribution) -> dict:
    return {"statut": c.statut, "motif": c.motif, "version": c.version}


class AtelierRepository:
    """Ateliers and contributions of the database.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        An engine whose schema is up to date (:func:`carnet.db.get_engine`).
    """

    def __init__(self, engine: Engine):
        self.engine = engine

    # -- ateliers ----------------------------------------------------------------
    def open_atelier(self, pack: str, territoire: str, titre: str, debut: date, fin: date,
                     user: str, role: str | None) -> dict:
        """Open an atelier for ``territoire`` of ``pack``; returns it with its new code.

        Raises
        ------
        PermissionDenied
            Unless ``role`` may ``moderate``.
        CarnetError
            Empty or too long title, dates in the wrong order, unknown territoire.
        """
        from carnet.config import load_config

        auth.require(role, "moderate")
        load_config(pack).territoire(territoire)  # unknown territoire: French error
        clean = limits.clean_text(titre, label="Titre de l'atelier", maximum=limits.TITRE_MAX,
                                  required=True).replace("\n", " ")
        if not isinstance(debut, date) or not isinstance(fin, date):
            raise CarnetError("Dates de l'atelier : début et fin sont à remplir.")
        if fin < debut:
            raise CarnetError(f"Dates de l'atelier : la fin ({fmt_date(fin)}) précède le début "
                              f"({fmt_date(debut)}).")
        who = audit_user(user)
        for _ in range(8):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with Session(self.engine) as session, session.begin():
                    row = Atelier(code=code, pack=pack, territoire=territoire, titre=clean,
                                  debut=debut, fin=fin, created_at=_now(), created_by=who)
                    session.add(row)
                    session.flush()
                    return atelier_dict(row)
            except IntegrityError:  # code already taken: draw another
                continue
        raise CarnetError("Impossible d'attribuer un code à l'atelier : réessayez.")

    def atelier(self, code) -> dict:
        """The atelier of ``code`` (case and spaces ignored).

        Raises
        ------
        AtelierIntrouvable
            With a French message when no atelier has it.
        """
        norm = normalise_code(code)
        with Session(self.engine) as session:
            row = session.scalars(select(Atelier).where(Atelier.code == norm)).first()
            if row is None:
                shown = auth.shown_name(str(code or ""), 20)
                raise AtelierIntrouvable(f"Aucun atelier n'a le code « {shown} ». Vérifiez le "
                                         "code affiché par l'animateur.")
            return atelier_dict(row)

    def ateliers(self, pack: str, territoire: str | None = None) -> list[dict]:
        """The ateliers of a pack (of one territoire), newest first."""
        with Session(self.engine) as session:
            q = select(Atelier).where(Atelier.pack == pack)
            if territoire is not None:
                q = q.where(Atelier.territoire == territoire)
            return [atelier_dict(a) for a in
                    session.scalars(q.order_by(Atelier.debut.desc(), Atelier.id.desc()))]

    # -- submission --------------------------------------------------------------
    def submit(self, code, categorie: str, texte: str, lon, lat, session_token: str, *,
               pseudonyme: str | None = None, zone=None, now: datetime | None = None) -> Envoi:
        """Record a participant's contribution, pending moderation.

        Parameters
        ----------
        code : str
            The atelier's code.
        categorie : str
            A code of ``categories_contribution.toml``.
        texte, pseudonyme : str
            Plain text; stored raw (escaped wherever shown).
        lon, lat : float
            The point clicked (WGS84).
        session_token : str
            The browser session's random token (only its SHA-256 is stored).
        zone : shapely geometry, optional
            When given, the point must fall in it (the territoire, slightly widened).
        now : datetime, optional
            Time of the submission (tests); default now.

        Raises
        ------
        AtelierIntrouvable, ContributionRefusee
            With a French message saying why nothing was recorded.
        """
        now = _aware(now) or _now()
        atelier = self.atelier(code)
        today = now.astimezone(_paris()).date()
        if today < atelier["debut"]:
            raise limits.ContributionRefusee(
                f"L'atelier « {atelier['titre']} » ouvre le {fmt_date(atelier['debut'])} : "
                "les contributions ne sont pas encore acceptées.")
        if today > atelier["fin"]:
            raise limits.ContributionRefusee(
                f"L'atelier « {atelier['titre']} » s'est terminé le {fmt_date(atelier['fin'])} : "
                "il n'accepte plus de contributions.")
        try:
            cat = get_categorie(str(categorie))
        except CarnetError as exc:
            raise limits.ContributionRefusee(str(exc)) from None
        text = limits.clean_text(texte, label="Contribution", maximum=limits.TEXTE_MAX,
                                 required=True)
        pseudo = limits.clean_text(pseudonyme, label="Pseudonyme", maximum=limits.PSEUDO_MAX,
                                   required=False).replace("\n", " ") or None
        point = _point(lon, lat)
        if zone is not None:
            from shapely.geometry import Point

            if not zone.contains(Point(*point)):
                raise limits.ContributionRefusee(
                    "Le point choisi est hors du territoire de l'atelier : cliquez sur la "
                    "carte, dans le territoire.")
        digest = limits.session_hash(session_token)
        mark = limits.empreinte(text)
        since = now - limits.FENETRE
        with Session(self.engine) as session, session.begin():
            if self.engine.dialect.name == "postgresql":  # one submission per session at once
                session.execute(select(func.pg_advisory_xact_lock(
                    func.hashtext(digest))))
            recent = session.scalars(select(Contribution.created_at).where(
                Contribution.session_hash == digest, Contribution.created_at > since)
                .order_by(Contribution.created_at)).all()
            ok, warning = limits.verdict_session(len(recent))
            if not ok:
                raise limits.ContributionRefusee(limits.refus_session(_aware(recent[0])))
            repeat = session.scalars(select(Contribution.id).where(
                Contribution.atelier_id == atelier["id"], Contribution.empreinte == mark)).first()
            if repeat is not None:
                raise limits.ContributionRefusee(
                    "Cette contribution a déjà été envoyée à cet atelier (même texte) : elle "
                    "n'est pas enregistrée deux fois.")
            row = Contribution(atelier_id=atelier["id"], categorie=cat.code, texte=text,
                               pseudonyme=pseudo, lon=point[0], lat=point[1],
                               session_hash=digest, empreinte=mark, statut="en_attente",
                               version=1, created_at=now)
            session.add(row)
            session.flush()
            session.add(ContributionAudit(
                contribution_id=row.id, action="soumission", at=now,
                user=f"participant:{digest[:12]}", before=None,
                after={"statut": "en_attente", "categorie": cat.code, "texte": text,
                       "pseudonyme": pseudo, "lon": point[0], "lat": point[1], "version": 1}))
            out = contribution_dict(row)
        return Envoi(out, warning)

    # -- moderation --------------------------------------------------------------
    def contributions(self, atelier_id: int, statut: str | None = None) -> list[dict]:
        """Contributions of an atelier (of one status), oldest first, with spam signals."""
        if statut is not None:
            lookup(STATUTS, statut, "Statut de contribution")
        with Session(self.engine) as session:
            a = session.get(Atelier, atelier_id)
            rows = session.scalars(select(Contribution).where(
                Contribution.atelier_id == atelier_id).order_by(Contribution.created_at,
                                                                 Contribution.id)).all()
            every = [contribution_dict(c, a) for c in rows]
        flags = limits.signaux(every)
        for r in every:
            r["signaux"] = flags[r["id"]]
        return [r for r in every if statut is None or r["statut"] == statut]

    def queue(self, atelier_id: int) -> list[dict]:
        """The contributions of an atelier waiting for a decision, oldest first."""
        return self.contributions(atelier_id, "en_attente")

    def moderate(self, contribution_id: int, decision: str, expected_version: int, user: str,
                 role: str | None, motif: str | None = None) -> dict:
        """Approve, reject (soft delete, with a reason) or put back in the queue.

        Raises
        ------
        PermissionDenied
            Unless ``role`` may ``moderate``.
        ModerationConflict
            If the contribution's version is not ``expected_version`` (someone decided
            meanwhile); nothing is written.
        CarnetError
            Rejection without a reason, unknown decision or contribution.
        """
        auth.require(role, "moderate")
        statut = lookup(DECISIONS, decision, "Décision de modération")
        reason = None
        if decision == "rejeter":
            reason = " ".join(str(motif or "").split())[:MOTIF_MAX]
            if not reason:
                raise CarnetError("Motif du refus : à remplir (il est gardé dans le journal).")
        who = audit_user(user)
        now = _now()
        with Session(self.engine) as session, session.begin():
            row = session.get(Contribution, contribution_id)
            if row is None:
                raise CarnetError(f"Contribution n° {contribution_id} introuvable.")
            before = _snapshot(row)
            values = {"statut": statut, "version": Contribution.version + 1,
                      "moderated_at": now, "moderated_by": who}
            if statut == "rejetee":
                values.update(motif=reason, deleted_at=now, deleted_by=who)
            else:
                values.update(motif=None, deleted_at=None, deleted_by=None)
            res = session.execute(update(Contribution).where(
                Contribution.id == contribution_id,
                Contribution.version == expected_version).values(**values))
            if res.rowcount != 1:
                session.rollback()
                current = self.get(contribution_id)
                by = current["moderated_by"] or "un autre modérateur"
                raise ModerationConflict(
                    f"Conflit : la contribution n° {contribution_id} a été modérée par {by} "
                    f"pendant votre lecture (elle est maintenant "
                    f"« {STATUTS[current['statut']]} »). Rien n'a été modifié.")
            session.add(ContributionAudit(
                contribution_id=contribution_id, action=decision, at=now, user=who,
                before=before, after={"statut": statut, "motif": reason,
                                      "version": expected_version + 1}))
        return self.get(contribution_id)

    def get(self, contribution_id: int) -> dict:
        """One contribution (any status)."""
        with Session(self.engine) as session:
            row = session.get(Contribution, contribution_id)
            if row is None:
                raise CarnetError(f"Contribution n° {contribution_id} introuvable.")
            return contribution_dict(row, session.get(Atelier, row.atelier_id))

    def history(self, contribution_id: int) -> list[dict]:
        """Submission and decisions of a contribution, oldest first."""
        with Session(self.engine) as session:
            rows = session.scalars(select(ContributionAudit).where(
                ContributionAudit.contribution_id == contribution_id)
                .order_by(ContributionAudit.id)).all()
            return [{"action": a.action, "at": _aware(a.at), "user": a.user,
                     "before": a.before, "after": a.after} for a in rows]

    # -- public ------------------------------------------------------------------
    def approved(self, pack: str, territoire: str | None = None,
                 atelier_id: int | None = None) -> list[dict]:
        """Approved contributions of a pack's territoire (or of one atelier), oldest first.

        Each is a dict with ``categorie`` (code), ``categorie_libelle``, ``texte`` and
        ``pseudonyme`` (raw strings), ``lon``, ``lat``, ``atelier`` (code),
        ``atelier_titre``, ``created_at``; no session hash.
        """
        with Session(self.engine) as session:
            q = (select(Contribution, Atelier).join(Atelier, Contribution.atelier_id == Atelier.id)
                 .where(Contribution.statut == "approuvee", Atelier.pack == pack))
            if territoire is not None:
                q = q.where(Atelier.territoire == territoire)
            if atelier_id is not None:
                q = q.where(Atelier.id == atelier_id)
            rows = session.execute(q.order_by(Contribution.created_at, Contribution.id)).all()
            out = []
            for c, a in rows:
                d = contribution_dict(c, a)
                out.append({k: d[k] for k in PUBLIC_KEYS})
            return out


#: Keys of an approved contribution as the map, the story and the exports get it.
PUBLIC_KEYS = ("id", "atelier", "atelier_titre", "territoire", "categorie", "categorie_libelle",
               "texte", "pseudonyme", "lon", "lat", "created_at")


def _point(lon, lat) -> tuple[float, float]:
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        raise limits.ContributionRefusee("Lieu : cliquez sur la carte pour choisir l'endroit "
                                         "dont parle votre contribution.") from None
    if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
        raise limits.ContributionRefusee("Lieu : coordonnées invalides ; cliquez sur la carte.")
    return round(x, 6), round(y, 6)


def _paris():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Paris")


def approved(engine_or_repo, pack: str, territoire: str) -> list[dict]:
    """Approved contributions of ``territoire`` (see :meth:`AtelierRepository.approved`)."""
    repo = engine_or_repo if isinstance(engine_or_repo, AtelierRepository) else (
        AtelierRepository(engine_or_repo))
    return repo.approved(pack, territoire)


__all__ = ["AtelierIntrouvable", "AtelierRepository", "Envoi", "ModerationConflict",
           "approved"]
