"""Repository of projects: CRUD with optimistic locking, audit log, soft delete + undo."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carnet.projets.conflicts import deleted_message
from carnet.projets.errors import (
    ConflictError,
    DeletedError,
    NotFoundError,
    ProjetError,
    ValidationError,
)
from carnet.projets.fields import ALL_FIELDS, EDITABLE_FIELDS
from carnet.projets.models import Projet, ProjetAudit
from carnet.projets.territory import TerritoryContext
from carnet.projets.validation import clean_projet, ref_key

#: An import or a creation whose ref already exists in the pack (the unique constraint).
DUPLICATE_REF = ("Enregistrement refusé : une référence (ref) existe déjà dans ce territoire. "
                 "Rien n'a été écrit.")


def _now() -> datetime:
    return datetime.now(UTC)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


#: Width of the user columns (``created_by``, ``updated_by``, ``deleted_by``, audit ``user``).
USER_MAX = 100


def audit_user(user: Any) -> str:
    """The form of a user name stored in the registry (at most :data:`USER_MAX` characters).

    A name up to 100 characters is stored as is. A longer one (a long OIDC address, say)
    is stored as its first 89 characters, ``…`` and the first 10 hex digits of the SHA-256
    of the whole name: exactly 100 characters, the same for the same name (so "undo"
    still finds that user's deletions), different for two names sharing their first 89
    characters. PostgreSQL refuses a value longer than the column and SQLite would keep
    it whole: this makes both store the same thing, and never fails a write. A blank name
    becomes ``anonyme``.
    """
    text = "" if user is None else str(user).strip()
    if not text:
        return "anonyme"
    if len(text) <= USER_MAX:
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return f"{text[:USER_MAX - 11]}…{digest}"


#: Namespace of the deterministic UUIDs given to projects created before ``projet.uuid``
#: (migration 0005, which holds a copy): ``uuid5(NAMESPACE, "<pack>:<id>")``.
UUID_NAMESPACE = uuid.UUID("5b0f5c1e-8d0a-5c53-9a4e-3c61d2a7e010")


def backfill_uuid(pack: str | None, projet_id: int) -> str:
    """The deterministic UUID of a project stored without one (migration 0005's backfill)."""
    return str(uuid.uuid5(UUID_NAMESPACE, f"{pack or ''}:{int(projet_id)}"))


def clean_uuid(value: Any) -> str | None:
    """A UUID in its canonical form (lower case, hyphens), None when blank.

    Raises
    ------
    ValueError
        With a French message when the value is not a UUID.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise ValueError(f"UUID invalide « {shown} » (attendu : 8-4-4-4-12 chiffres "
                         "hexadécimaux)") from None


def _row_uuid(raw: dict) -> str:
    """The UUID of a project to insert: the one it carries (checked), else a new one."""
    try:
        given = clean_uuid(raw.get("uuid"))
    except ValueError as exc:
        raise ValidationError([str(exc)]) from None
    return given or str(uuid.uuid4())


def to_dict(obj: Projet) -> dict:
    """Serialise a project to a JSON-able dict (timestamps as ISO strings)."""
    return {name: _jsonable(getattr(obj, name)) for name in ALL_FIELDS}


class ProjetRepository:
    """Projects of the registry, on SQLite or PostgreSQL.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        An engine whose schema is up to date (see ``carnet.db.get_engine``).
    ctx : TerritoryContext, optional
        When given, records are validated against the territory (communes, outline).
    """

    def __init__(self, engine: Engine, ctx: TerritoryContext | None = None):
        self.engine = engine
        self.ctx = ctx
        #: Last frame read per (pack, territoire, include_deleted): (version, frame).
        self._frames: dict[tuple, tuple[tuple[int, int], pd.DataFrame]] = {}

    # -- validation ----------------------------------------------------------------
    def validate(self, data: dict) -> dict:
        """Validate and normalise ``data``; raise :class:`ValidationError` if invalid."""
        clean, errors = clean_projet(data, self.ctx)
        if errors:
            raise ValidationError(errors)
        return clean

    # -- reading -------------------------------------------------------------------
    def get(self, projet_id: int, include_deleted: bool = False) -> dict:
        """Return one project as a dict.

        Raises
        ------
        NotFoundError
            If absent (or deleted, unless ``include_deleted``).
        """
        with Session(self.engine) as session:
            obj = session.get(Projet, projet_id)
            if obj is None:
                raise NotFoundError(f"Projet n°{projet_id} introuvable.")
            if obj.deleted_at is not None and not include_deleted:
                snap = to_dict(obj)
                raise DeletedError(snap, deleted_message(snap) + ".")
            return to_dict(obj)

    def version(self) -> tuple[int, int]:
        """The registry's version: (number, last id) of its audit rows.

        Every write of a project adds an audit row in the same transaction, and audit rows
        are never deleted, so the count grows with every committed write, whichever
        process made it (the last id alone could miss a transaction that drew a lower id
        and committed later). One indexed aggregate, instead of reading every project.
        """
        with self.engine.connect() as conn:
            n, last = conn.execute(select(func.count(ProjetAudit.id), func.max(ProjetAudit.id))).one()
        return int(n), int(last or 0)

    def dataframe(
        self,
        pack: str | None = None,
        territoire: str | None = None,
        include_deleted: bool = False,
    ) -> pd.DataFrame:
        """Return projects as a DataFrame (one row per project, all columns).

        The frame is read again only when :meth:`version` has changed since the last read
        (a save of another editor, in any process, is seen on the next call); otherwise a
        copy of the last frame is returned.

        Parameters
        ----------
        pack, territoire : str, optional
            Restrict to a pack and/or a contract territory.
        include_deleted : bool
            Include soft-deleted projects.
        """
        key = (pack, territoire, include_deleted)
        version = self.version()
        kept = self._frames.get(key)
        if kept is not None and kept[0] == version:
            return kept[1].copy()
        df = self._read_frame(pack, territoire, include_deleted)
        self._frames[key] = (version, df)
        return df.copy()

    def _read_frame(self, pack: str | None, territoire: str | None,
                    include_deleted: bool) -> pd.DataFrame:
        cols = [getattr(Projet, name) for name in ALL_FIELDS]
        stmt = select(*cols).order_by(Projet.id)
        if pack:
            stmt = stmt.where(Projet.pack == pack)
        if territoire:
            stmt = stmt.where(Projet.territoire == territoire)
        if not include_deleted:
            stmt = stmt.where(Projet.deleted_at.is_(None))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        df = pd.DataFrame(rows, columns=list(ALL_FIELDS))
        for name in ("lon", "lat", "cout_total", "participation_cd"):
            df[name] = pd.to_numeric(df[name], errors="coerce").astype("float64")
        for name in ("annee_debut", "annee_fin", "id", "version", "enjeu_id"):
            df[name] = pd.to_numeric(df[name], errors="coerce").astype("Int64")
        df["illustratif"] = df["illustratif"].fillna(False).astype(bool)
        return df

    def count(self, pack: str | None = None, include_deleted: bool = False) -> int:
        """Number of projects (of one pack when given)."""
        stmt = select(func.count(Projet.id))
        if pack:
            stmt = stmt.where(Projet.pack == pack)
        if not include_deleted:
            stmt = stmt.where(Projet.deleted_at.is_(None))
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def history(self, projet_id: int) -> list[dict]:
        """Audit entries of a project, oldest first."""
        stmt = (select(ProjetAudit).where(ProjetAudit.projet_id == projet_id)
                .order_by(ProjetAudit.id))
        with Session(self.engine) as session:
            return [
                {"id": a.id, "action": a.action, "at": _jsonable(a.at), "user": a.user,
                 "batch": a.batch, "before": a.before, "after": a.after}
                for a in session.scalars(stmt)
            ]

    def _check_refs(self, rows: list[dict], exclude_id: int | None = None) -> None:
        """Refuse identifiers equal, up to case and invisible characters, to another one
        of the same pack (the database's unique constraint sees only exact equality).
        """
        wanted = [(r.get("pack"), r["ref"]) for r in rows if r.get("ref")]
        if not wanted:
            return
        seen: dict[tuple, str] = {}
        for pack in {t for t, _ in wanted}:
            stmt = select(Projet.id, Projet.ref).where(Projet.pack == pack,
                                                       Projet.ref.is_not(None))
            with self.engine.connect() as conn:
                for pid, ref in conn.execute(stmt):
                    if pid != exclude_id:
                        seen[(pack, ref_key(ref))] = ref
        for pack, ref in wanted:
            key = (pack, ref_key(ref))
            if key in seen:
                raise ProjetError(
                    f"Enregistrement refusé : l'identifiant « {ref} » est déjà utilisé dans ce "
                    f"territoire sous la forme « {seen[key]} » (la casse et les caractères "
                    "invisibles ne distinguent pas deux identifiants). Rien n'a été écrit.")
            seen[key] = ref

    def _check_uuids(self, rows: list[dict]) -> list[str]:
        """The UUIDs of new rows, refused (French message, nothing written) when one is
        already used in its pack or twice among the rows."""
        seen: set[tuple] = set()
        for pack in {r.get("pack") for r in rows}:
            stmt = select(Projet.uuid).where(Projet.pack == pack, Projet.uuid.is_not(None))
            with self.engine.connect() as conn:
                seen |= {(pack, u) for (u,) in conn.execute(stmt)}
        for r in rows:
            key = (r.get("pack"), r["uuid"])
            if key in seen:
                raise ProjetError(f"Enregistrement refusé : l'UUID « {r['uuid']} » est déjà "
                                  "celui d'un projet de ce territoire. Rien n'a été écrit.")
            seen.add(key)
        return [r["uuid"] for r in rows]

    def existing_refs(self, pack: str) -> set[str]:
        """External references already used in a pack (deleted ones included)."""
        stmt = select(Projet.ref).where(Projet.pack == pack,
                                        Projet.ref.is_not(None))
        with self.engine.connect() as conn:
            return {r for (r,) in conn.execute(stmt)}

    def last_deleted(self, user: str | None = None) -> dict | None:
        """Most recently soft-deleted project (by ``user`` if given), for "undo"."""
        stmt = select(Projet).where(Projet.deleted_at.is_not(None))
        if user:
            stmt = stmt.where(Projet.deleted_by == audit_user(user))
        stmt = stmt.order_by(Projet.deleted_at.desc(), Projet.id.desc()).limit(1)
        with Session(self.engine) as session:
            obj = session.scalars(stmt).first()
            return to_dict(obj) if obj else None

    # -- writing -------------------------------------------------------------------
    def _audit(self, session: Session, projet_id: int, action: str, user: str,
               before: dict | None, after: dict | None, batch: str | None = None,
               at: datetime | None = None) -> None:
        session.add(ProjetAudit(projet_id=projet_id, action=action, at=at or _now(),
                                user=user, batch=batch, before=before, after=after))

    def create(self, data: dict, user: str) -> dict:
        """Validate and insert a project; log it.

        Parameters
        ----------
        data : dict
            Raw field values.
        user : str
            Who creates it (audit).

        Returns
        -------
        dict
            The stored project (with id, version 1).
        """
        return self.create_many([data], user, action="create")[0]

    def create_many(self, rows: list[dict], user: str, action: str = "import",
                    batch: str | None = None, validate: bool = True) -> list[dict]:
        """Insert several projects in one transaction: all or nothing.

        Parameters
        ----------
        rows : list of dict
        user : str
        action : str
            Audit action (``create``, ``import``, ``demo``, ``seed``).
        batch : str, optional
            Batch id recorded in the audit log; a new one when None.
        validate : bool
            Re-validate each row (False when the caller already did).

        Returns
        -------
        list of dict
        """
        cleaned = [self.validate(r) if validate else {k: r.get(k) for k in EDITABLE_FIELDS}
                   for r in rows]
        self._check_refs(cleaned)
        uuids = self._check_uuids([{**c, "uuid": _row_uuid(r)} for c, r in zip(
            cleaned, rows, strict=True)])
        user = audit_user(user)
        batch = batch or uuid.uuid4().hex[:12]
        now = _now()
        out: list[dict] = []
        try:
            with Session(self.engine) as session, session.begin():
                objs = []
                for clean, uid in zip(cleaned, uuids, strict=True):
                    obj = Projet(**clean, uuid=uid, created_at=now,
                                 created_by=user, updated_at=now, updated_by=user, version=1)
                    session.add(obj)
                    objs.append(obj)
                session.flush()
                for obj in objs:
                    snap = to_dict(obj)
                    out.append(snap)
                if out:
                    session.execute(insert(ProjetAudit), [
                        {"projet_id": s["id"], "action": action, "at": now, "user": user,
                         "batch": batch, "before": None, "after": s} for s in out
                    ])
        except IntegrityError as exc:
            raise ProjetError(DUPLICATE_REF) from exc
        return out

    def apply_import(self, rows: list[dict], updates: list[dict], user: str) -> list[dict]:
        """Create ``rows`` and apply ``updates`` of an import in one transaction.

        Parameters
        ----------
        rows : list of dict
            Clean new projects.
        updates : list of dict
            ``id``, ``version`` (the version read when the file was checked) and
            ``changes`` (field → clean value).
        user : str

        Returns
        -------
        list of dict
            The projects created.

        Raises
        ------
        ConflictError
            If a project changed since the report was built (nothing written).
        """
        self._check_refs(rows)
        uuids = self._check_uuids([{**r, "uuid": _row_uuid(r)} for r in rows])
        for up in updates:
            ref = up["changes"].get("ref")
            if ref:
                self._check_refs([{"pack": up.get("pack") or (
                    self.ctx.pack_id if self.ctx else None), "ref": ref}],
                    exclude_id=up["id"])
        batch = uuid.uuid4().hex[:12]
        now = _now()
        out: list[dict] = []
        try:
            with Session(self.engine) as session, session.begin():
                objs = [Projet(**{k: r.get(k) for k in EDITABLE_FIELDS}, uuid=uid,
                               created_at=r.get("created_at") or now, created_by=user,
                               updated_at=now, updated_by=user, version=1)
                        for r, uid in zip(rows, uuids, strict=True)]
                session.add_all(objs)
                session.flush()
                out = [to_dict(o) for o in objs]
                audits = [{"projet_id": s["id"], "action": "import", "at": now, "user": user,
                           "batch": batch, "before": None, "after": s} for s in out]
                for up in updates:
                    obj = session.get(Projet, up["id"])
                    before = to_dict(obj) if obj is not None else None
                    changes = {k: v for k, v in up["changes"].items() if k in EDITABLE_FIELDS}
                    result = session.execute(
                        update(Projet).where(Projet.id == up["id"],
                                             Projet.version == up["version"],
                                             Projet.deleted_at.is_(None))
                        .values(**changes, updated_at=now, updated_by=user,
                                version=Projet.version + 1))
                    if result.rowcount != 1:
                        theirs = before or {"id": up["id"]}
                        raise ConflictError(mine={**(before or {}), **changes,
                                                  "version": up["version"]}, theirs=theirs)
                    session.refresh(obj)
                    audits.append({"projet_id": up["id"], "action": "import", "at": now,
                                   "user": user, "batch": batch, "before": before,
                                   "after": to_dict(obj)})
                if audits:
                    session.execute(insert(ProjetAudit), audits)
        except IntegrityError as exc:
            raise ProjetError(DUPLICATE_REF) from exc
        return out

    def update(self, projet_id: int, changes: dict, expected_version: int, user: str) -> dict:
        """Update a project if nobody saved it since ``expected_version``.

        Parameters
        ----------
        projet_id : int
        changes : dict
            Fields to change (others keep their stored value).
        expected_version : int
            The version the user started editing from.
        user : str

        Returns
        -------
        dict
            The stored project, version incremented.

        Raises
        ------
        ConflictError
            If the stored version differs; carries both versions, writes nothing.
        ValidationError
            If the merged record is invalid.
        NotFoundError
            If the project is absent; :class:`DeletedError` (a subclass) if it is
            soft-deleted (restore it first). Nothing written.
        """
        user = audit_user(user)
        current = self.get(projet_id, include_deleted=True)
        if current["deleted_at"] is not None:
            raise DeletedError(current, deleted_message(current) + " : restaurez-le avant "
                               "de le modifier. Rien n'a été écrit.")
        merged = {k: current.get(k) for k in EDITABLE_FIELDS}
        merged.update({k: v for k, v in changes.items() if k in EDITABLE_FIELDS})
        clean = self.validate(merged)
        mine = {**current, **clean, "version": expected_version}
        if current["version"] != expected_version:
            raise ConflictError(mine=mine, theirs=current)
        if clean.get("ref") and clean["ref"] != current.get("ref"):
            self._check_refs([clean], exclude_id=projet_id)
        now = _now()
        with Session(self.engine) as session, session.begin():
            result = session.execute(
                update(Projet)
                .where(Projet.id == projet_id, Projet.version == expected_version,
                       Projet.deleted_at.is_(None))
                .values(**clean, updated_at=now, updated_by=user,
                        version=Projet.version + 1)
            )
            after = None
            if result.rowcount == 1:
                after = to_dict(session.get(Projet, projet_id))
                self._audit(session, projet_id, "update", user, current, after, at=now)
        if after is None:
            theirs = self.get(projet_id, include_deleted=True)
            if theirs["deleted_at"] is not None:  # deleted between the read and the write
                raise DeletedError(theirs, deleted_message(theirs) + " : rien n'a été écrit.")
            raise ConflictError(mine=mine, theirs=theirs)
        return after

    def _set_deleted(self, projet_id: int, deleted: bool, user: str,
                     expected_version: int | None) -> dict:
        user = audit_user(user)
        current = self.get(projet_id, include_deleted=True)
        if deleted and current["deleted_at"] is not None:
            raise DeletedError(current, deleted_message(current) + " : rien à supprimer.")
        if not deleted and current["deleted_at"] is None:
            raise ProjetError(f"Projet n°{projet_id} n'est pas supprimé : rien à annuler.")
        version = current["version"] if expected_version is None else expected_version
        now = _now()
        with Session(self.engine) as session, session.begin():
            result = session.execute(
                update(Projet)
                .where(Projet.id == projet_id, Projet.version == version)
                .values(deleted_at=now if deleted else None,
                        deleted_by=user if deleted else None,
                        updated_at=now, updated_by=user, version=Projet.version + 1)
            )
            after = None
            if result.rowcount == 1:
                after = to_dict(session.get(Projet, projet_id))
                self._audit(session, projet_id, "delete" if deleted else "restore", user,
                            current, after, at=now)
        if after is None:
            raise ConflictError(mine={**current, "version": version},
                                theirs=self.get(projet_id, include_deleted=True))
        return after

    def delete(self, projet_id: int, user: str, expected_version: int | None = None) -> dict:
        """Soft-delete a project (recoverable with :meth:`restore`)."""
        return self._set_deleted(projet_id, True, user, expected_version)

    def restore(self, projet_id: int, user: str) -> dict:
        """Undo a soft delete."""
        return self._set_deleted(projet_id, False, user, None)

    def purge_illustrative(self, pack: str, user: str) -> int:
        """Soft-delete every illustrative project of a pack; return how many."""
        user = audit_user(user)
        now = _now()
        with Session(self.engine) as session, session.begin():
            ids = list(session.scalars(select(Projet.id).where(
                Projet.pack == pack, Projet.illustratif.is_(True),
                Projet.deleted_at.is_(None))))
            if ids:
                session.execute(update(Projet).where(Projet.id.in_(ids)).values(
                    deleted_at=now, deleted_by=user, updated_at=now, updated_by=user,
                    version=Projet.version + 1))
                session.execute(insert(ProjetAudit), [
                    {"projet_id": i, "action": "delete", "at": now, "user": user,
                     "batch": "purge-illustratif", "before": None, "after": None}
                    for i in ids])
        return len(ids)


class UserRepository:
    """The registry as one signed-in user sees it: every write checks the user's role.

    Reads (``get``, ``dataframe``, ``history``…) pass through to the shared
    :class:`ProjetRepository`; writes raise :class:`~carnet.projets.errors.PermissionDenied`
    (French message) unless the role allows them — ``edit`` for create, update, delete
    and restore, ``import`` for batch imports, ``admin`` for purging illustrative records.
    The page works on this object, so a viewer cannot write even if a widget or a
    crafted session state reaches a write call.

    Parameters
    ----------
    repo : ProjetRepository
        The shared registry.
    user : str
        Who acts (written in the audit log).
    role : str
        ``viewer``, ``editor`` or ``admin`` (see :mod:`carnet.auth`).
    """

    _WRITES = {"create": "edit", "update": "edit", "delete": "edit", "restore": "edit",
               "create_many": "import", "apply_import": "import",
               "purge_illustrative": "admin"}

    def __init__(self, repo: ProjetRepository, user: str, role: str):
        self.repo = repo
        self.user = user
        self.role = role

    def can(self, action: str) -> bool:
        """Whether this user's role allows ``action`` (read, export, edit, import, admin)."""
        from carnet import auth as roles

        return roles.can(self.role, action)

    def __getattr__(self, name: str):
        if name in self._WRITES:
            from carnet import auth as roles

            roles.require(self.role, self._WRITES[name])
        return getattr(self.repo, name)
