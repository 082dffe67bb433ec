"""The contracts of a pack in the database: read, seed, edit, import; audit of every change.

Imitates :mod:`carnet.projets.repository`: optimistic locking by ``version`` (each part
of a contract is locked on its own row: two editors editing two meetings never conflict),
an audit entry with before/after snapshots for every change (``contrat_audit``), soft
delete of meetings and enjeux (recoverable), the same error types and French messages
(:class:`ConflictError`, :class:`ValidationError`, :class:`DeletedError` subclasses).

The repository takes the acting user and journals it; it does not check permissions:
the page does (``carnet.auth``: editors edit, viewers read), or wraps the repository in
:class:`UserContratRepository`.

Seeding (:meth:`ContratRepository.seed`) writes the pack's contracts and is idempotent:
a row the seed wrote is replaced while untouched (``seeded``); a row an editor wrote,
changed or deleted is never overwritten, and the report says what was kept. Editors'
writes carry ``Provenance(kind="saisie", user, at)``; an import keeps the provenance the
file gives (export → import changes nothing).

Projects link to an enjeu (``projet.enjeu_id``) where their free-text ``enjeu`` equals
the enjeu's title up to case, accents and punctuation spacing (:func:`carnet.text.fold`);
the values left unlinked are kept and listed (:meth:`ContratRepository.enjeux_libres`).
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carnet.contrat.model import (
    BORNES,
    CERTITUDES,
    COTES,
    NIVEAUX,
    PROVENANCES,
    ChiffrePublie,
    Citation,
    Contrat,
    DateConnue,
    Enjeu,
    Fait,
    Instance,
    Orientation,
    Phase,
    Provenance,
    Reunion,
)
from carnet.contrat.models import (
    CODE_MAX,
    DOCUMENT_MAX,
    EXTRAIT_MAX,
    OBJET_MAX,
    SOURCE_MAX,
    TEXTE_MAX,
    TITRE_MAX,
    ChiffreRow,
    ContratAudit,
    ContratRow,
    EnjeuOrientationRow,
    EnjeuRow,
    FaitRow,
    InstanceRow,
    OrientationRow,
    PhaseRow,
    ReunionRow,
    cle,
    natural_key,
    row_key,
)
from carnet.errors import ProjetError
from carnet.formatting import fmt_date, fmt_datetime
from carnet.projets.errors import ConflictError, DeletedError, NotFoundError, ValidationError
from carnet.projets.repository import audit_user
from carnet.text import fold

PHASES_FILE = Path(__file__).resolve().parents[1] / "data" / "phases_contrat.toml"
#: The shape of a code (phase, body, count, orientation, enjeu).
CODE_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
CODE_RULE = "lettres minuscules sans accent, chiffres, « _ » ou « - »"
#: Control characters refused in a text (tab and line breaks are kept).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --------------------------------------------------------------------------- errors
class ContratError(ProjetError):
    """An error of the contract store (French message)."""


class ContratValidationError(ValidationError, ContratError):
    """A contract's data is invalid; ``errors`` lists the French messages."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        ContratError.__init__(self, "Contrat invalide : " + " ; ".join(self.errors))


class ContratNotFound(NotFoundError, ContratError):
    """No contract (or no such meeting / enjeu) in the store."""


class ContratDeletedError(DeletedError, ContratError):
    """The meeting or enjeu was deleted (``projet`` holds the stored snapshot)."""


class ContratConflictError(ConflictError, ContratError):
    """Optimistic-locking conflict on a part of a contract (``mine``, ``theirs``)."""

    def __init__(self, what: str, mine: dict, theirs: dict, feminine: bool = False):
        self.mine = mine
        self.theirs = theirs
        who = theirs.get("updated_by") or "un autre utilisateur"
        when = fmt_datetime(theirs.get("updated_at"), missing="?", naive_utc=True)
        e = "e" if feminine else ""
        ContratError.__init__(
            self,
            f"Conflit : {what} a été modifié{e} par {who} ({when}, version "
            f"{theirs.get('version')}) pendant votre saisie. Rien n'a été écrasé : comparez "
            "votre version et la version enregistrée, puis enregistrez à nouveau.")


# --------------------------------------------------------------------------- registry
@lru_cache(maxsize=1)
def phase_registry() -> tuple[dict[str, str], dict[str, str]]:
    """(phase code → label, statut code → label) of ``carnet/data/phases_contrat.toml``."""
    raw = tomllib.loads(PHASES_FILE.read_text(encoding="utf-8"))
    return ({p["code"]: p["libelle"] for p in raw["phases"]}, dict(raw["statuts"]))


def _indicator_ids() -> set[str]:
    from carnet.indicators import registry

    return set(registry())


# --------------------------------------------------------------------------- helpers
@contextmanager
def _no_duplicate(what: str):
    """Turn the unique constraints' refusal (two editors creating one code at once) into a
    French message; the transaction is rolled back, nothing is written."""
    try:
        yield
    except IntegrityError as exc:
        raise ContratError(f"Enregistrement refusé : {what} vient d'être enregistré(e) par un "
                           "autre éditeur (même code). Rien n'a été écrit : rechargez et "
                           "recommencez.") from exc


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    """A stored timestamp as an aware UTC datetime (SQLite returns naive UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _snap(row) -> dict:
    """A row as a JSON-able dict (audit snapshots)."""
    return {c.name: _jsonable(getattr(row, c.key)) for c in row.__table__.columns}


def json_snapshot(value: Any, where: str = "T0") -> Any:
    """``value`` made JSON: dates as ISO text, NaN (« non publié ») as None, tuples as lists.

    Raises :class:`ContratError` (French) on a value JSON cannot hold.
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float | Decimal):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(value, datetime | date):
        return _jsonable(value)
    if isinstance(value, dict):
        return {str(k): json_snapshot(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_snapshot(v, f"{where}[{i}]") for i, v in enumerate(value)]
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return json_snapshot(item(), where)
    raise ContratError(f"{where} : valeur de type {type(value).__name__} non enregistrable.")


def _prov_columns(p: Provenance, prefix: str = "prov") -> dict:
    return {f"{prefix}_kind": p.kind,
            f"{prefix}_document": p.citation.document if p.citation else None,
            f"{prefix}_extrait": p.citation.extrait if p.citation else None,
            f"{prefix}_source": p.source or None,
            f"{prefix}_user": p.user or None,
            f"{prefix}_at": _utc(p.at)}


def _prov_of(row, prefix: str = "prov") -> Provenance:
    doc = getattr(row, f"{prefix}_document")
    extrait = getattr(row, f"{prefix}_extrait")
    citation = Citation(doc or "", extrait or "") if (doc or extrait) else None
    return Provenance(kind=getattr(row, f"{prefix}_kind") or "document", citation=citation,
                      source=getattr(row, f"{prefix}_source") or "",
                      user=getattr(row, f"{prefix}_user") or "",
                      at=_utc(getattr(row, f"{prefix}_at")))


def _date_columns(d: DateConnue | None, prefix: str) -> dict:
    if d is None:
        return {prefix: None, f"{prefix}_certitude": None, f"{prefix}_note": None,
                **{k: None for k in _prov_columns(Provenance(), f"{prefix}_prov")}}
    return {prefix: d.valeur, f"{prefix}_certitude": d.certitude,
            f"{prefix}_note": d.note or None, **_prov_columns(d.provenance, f"{prefix}_prov")}


def _date_of(row, prefix: str) -> DateConnue | None:
    value = getattr(row, prefix)
    if value is None:
        return None
    return DateConnue(valeur=value, provenance=_prov_of(row, f"{prefix}_prov"),
                      certitude=getattr(row, f"{prefix}_certitude") or "certaine",
                      note=getattr(row, f"{prefix}_note") or "")


# Content columns of each part (what a seed or an import compares), from a dataclass.
def _phase_values(p: Phase) -> dict:
    return {"code": p.code, **_date_columns(p.debut, "debut"), **_date_columns(p.fin, "fin")}


def _instance_values(i: Instance) -> dict:
    return {"code": i.code, "libelle": i.libelle, "cote": i.cote, "niveau": i.niveau or None,
            **_prov_columns(i.provenance)}


def _reunion_values(r: Reunion) -> dict:
    return {"date": r.date, "instance": r.instance, "objet": r.objet,
            "document": r.document or None, **_prov_columns(r.provenance)}


def _chiffre_values(c: ChiffrePublie) -> dict:
    return {"code": c.code, "libelle": c.libelle, "valeur": int(c.valeur), "borne": c.borne,
            **_prov_columns(c.provenance)}


def _orientation_values(o: Orientation) -> dict:
    return {"code": o.code, "libelle": o.libelle, "texte": o.texte or None,
            **_prov_columns(o.provenance)}


def _enjeu_values(e: Enjeu) -> dict:
    return {"code": e.code, "titre": e.titre, "texte": e.texte or None,
            "indicateurs": list(e.indicateurs), **_prov_columns(e.provenance)}


def _fait_values(f: Fait) -> dict:
    return {"code": f.code, "libelle": f.libelle, **_prov_columns(f.provenance)}


def _fait_of(row: FaitRow) -> Fait:
    return Fait(code=row.code, libelle=row.libelle, provenance=_prov_of(row))


def _phase_of(row: PhaseRow) -> Phase:
    return Phase(code=row.code, debut=_date_of(row, "debut"), fin=_date_of(row, "fin"),
                 version=row.version)


def _instance_of(row: InstanceRow) -> Instance:
    return Instance(code=row.code, libelle=row.libelle, cote=row.cote, niveau=row.niveau or "",
                    provenance=_prov_of(row), version=row.version)


def _reunion_of(row: ReunionRow) -> Reunion:
    return Reunion(date=row.date, instance=row.instance, objet=row.objet,
                   document=row.document or "", provenance=_prov_of(row), id=row.id,
                   version=row.version)


def _chiffre_of(row: ChiffreRow) -> ChiffrePublie:
    return ChiffrePublie(code=row.code, libelle=row.libelle, valeur=row.valeur,
                         provenance=_prov_of(row), borne=row.borne)


def _orientation_of(row: OrientationRow) -> Orientation:
    return Orientation(code=row.code, libelle=row.libelle, texte=row.texte or "",
                       provenance=_prov_of(row), version=row.version)


def _same(row, values: dict) -> bool:
    return all(_norm(getattr(row, k)) == _norm(v) for k, v in values.items())


def _norm(v: Any) -> Any:
    if isinstance(v, datetime):
        return _utc(v)
    if isinstance(v, tuple):
        return list(v)
    return v


def slug(text: str, limit: int = CODE_MAX) -> str:
    """A code made of a title: ``"Fermeture de la base aérienne"`` → ``fermeture-de-la-base-aerienne``."""
    s = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return (s[:limit].rstrip("-") or "enjeu")


# --------------------------------------------------------------------------- reports
@dataclass
class LienReport:
    """Projects linked to an enjeu, and the free-text values left unlinked (kept)."""

    linked: list[dict] = field(default_factory=list)
    libres: list[dict] = field(default_factory=list)


@dataclass
class SeedReport:
    """What a seed (or an import) did, per contract."""

    created: list[str] = field(default_factory=list)
    changed: int = 0
    #: French lines: an editor's row the seed left as it is.
    kept: list[str] = field(default_factory=list)
    linked: int = 0
    libres: list[dict] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"Contrats créés : {', '.join(self.created) or 'aucun'}.",
               f"Éléments écrits : {self.changed}.",
               f"Projets rattachés à un enjeu : {self.linked}."]
        if self.kept:
            out.append("Saisies des éditeurs gardées (non remplacées par la graine) :")
            out += [f"  - {k}" for k in self.kept]
        if self.libres:
            out.append(f"Valeurs libres d'enjeu non rattachées : {len(self.libres)} "
                       "(python -m carnet contrat enjeux-libres).")
        return out


# --------------------------------------------------------------------------- validation
class _Checker:
    """Collects French validation messages, each prefixed by where the value sits."""

    def __init__(self):
        self.errors: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.errors.append(f"{where} : {message}" if where else message)

    def text(self, where: str, label: str, value: Any, limit: int, required: bool = False):
        if value is None or value == "":
            if required:
                self.add(where, f"{label} obligatoire")
            return
        if not isinstance(value, str):
            self.add(where, f"{label} : texte attendu")
            return
        if required and not value.strip():
            self.add(where, f"{label} obligatoire")
        if len(value) > limit:
            self.add(where, f"{label} trop long ({len(value)} caractères, au plus {limit})")
        if _CONTROL.search(value):
            self.add(where, f"{label} : caractère de contrôle refusé")

    def code(self, where: str, label: str, value: Any, limit: int = CODE_MAX) -> None:
        if not isinstance(value, str) or not value:
            self.add(where, f"{label} obligatoire")
        elif len(value) > limit or not CODE_RE.fullmatch(value):
            self.add(where, f"{label} « {value[:80]} » invalide ({CODE_RULE}, {limit} "
                            "caractères au plus)")

    def choice(self, where: str, label: str, value: Any, valid) -> None:
        if value not in valid:
            shown = ", ".join(f"« {v} »" if v else "« » (vide)" for v in valid)
            self.add(where, f"{label} inconnu(e) « {value} » (valeurs possibles : {shown})")

    def provenance(self, where: str, p: Any) -> None:
        if not isinstance(p, Provenance):
            self.add(where, "provenance manquante")
            return
        self.choice(where, "type de provenance", p.kind, PROVENANCES)
        if p.kind == "document":
            if p.citation is None or not (p.citation.document or "").strip():
                self.add(where, "provenance « document » sans titre de document")
            if p.citation is not None:
                self.text(where, "titre du document", p.citation.document, DOCUMENT_MAX)
                self.text(where, "extrait", p.citation.extrait, EXTRAIT_MAX)
        elif p.kind == "source":
            self.text(where, "source", p.source, SOURCE_MAX, required=True)
        elif p.kind == "saisie":
            self.text(where, "auteur de la saisie", p.user, 100)

    def date(self, where: str, label: str, d: Any) -> None:
        if d is None:
            return
        if not isinstance(d, DateConnue):
            self.add(where, f"{label} : date attendue")
            return
        if not isinstance(d.valeur, date) or isinstance(d.valeur, datetime):
            self.add(where, f"{label} : date attendue (AAAA-MM-JJ)")
        self.choice(where, f"certitude de la {label.lower()}", d.certitude, CERTITUDES)
        self.text(where, f"note de la {label.lower()}", d.note, TEXTE_MAX)
        self.provenance(where, d.provenance)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ContratValidationError(self.errors)


def _phase_label(code: str) -> str:
    return phase_registry()[0].get(code, code)


def check_phase(c: _Checker, p: Phase, where: str = "") -> None:
    phases = phase_registry()[0]
    c.choice(where, "phase", p.code, list(phases))
    c.date(where, "Date de début", p.debut)
    c.date(where, "Date de fin", p.fin)
    if (isinstance(p.debut, DateConnue) and isinstance(p.fin, DateConnue)
            and isinstance(p.debut.valeur, date) and isinstance(p.fin.valeur, date)
            and p.fin.valeur < p.debut.valeur):
        c.add(where, f"phase « {_phase_label(p.code)} » : la fin ({fmt_date(p.fin.valeur)}) "
                     f"précède le début ({fmt_date(p.debut.valeur)})")


def check_instance(c: _Checker, i: Instance, where: str = "") -> None:
    c.code(where, "code de l'instance", i.code)
    c.text(where, "libellé de l'instance", i.libelle, TITRE_MAX, required=True)
    c.choice(where, "côté", i.cote, COTES)
    c.choice(where, "niveau", i.niveau, NIVEAUX)
    if i.cote == "interne" and i.niveau:
        c.add(where, "une instance interne n'a pas de niveau (politique ou technique : "
                     "instances partenariales)")
    c.provenance(where, i.provenance)


def check_reunion(c: _Checker, r: Reunion, instances: list[str], where: str = "") -> None:
    if not isinstance(r.date, date) or isinstance(r.date, datetime):
        c.add(where, "date de la réunion attendue (AAAA-MM-JJ)")
    if instances:
        c.choice(where, "instance", r.instance, instances)
    else:
        c.add(where, "aucune instance déclarée dans ce contrat : déclarez-la avant ses "
                     "réunions")
    c.text(where, "objet de la réunion", r.objet, OBJET_MAX, required=True)
    c.text(where, "document", r.document, DOCUMENT_MAX)
    c.provenance(where, r.provenance)


def check_chiffre(c: _Checker, x: ChiffrePublie, where: str = "") -> None:
    c.code(where, "code du chiffre", x.code)
    c.text(where, "libellé du chiffre", x.libelle, TITRE_MAX, required=True)
    if isinstance(x.valeur, bool) or not isinstance(x.valeur, int) or x.valeur < 0:
        c.add(where, f"valeur « {x.valeur} » : nombre entier positif attendu")
    c.choice(where, "borne", x.borne, BORNES)
    c.provenance(where, x.provenance)


def check_fait(c: _Checker, f: Fait, where: str = "") -> None:
    c.code(where, "code du fait", f.code)
    c.text(where, "libellé du fait", f.libelle, TITRE_MAX, required=True)
    c.provenance(where, f.provenance)


def check_orientation(c: _Checker, o: Orientation, pack_codes: list[str],
                      where: str = "") -> None:
    c.code(where, "code de l'orientation", o.code, 32)
    if o.code in pack_codes:
        c.add(where, f"le code « {o.code} » est celui d'une orientation du Département "
                     f"({', '.join(pack_codes)}) : choisissez-en un autre")
    c.text(where, "libellé de l'orientation", o.libelle, TITRE_MAX, required=True)
    c.text(where, "texte de l'orientation", o.texte, TEXTE_MAX)
    c.provenance(where, o.provenance)


def check_enjeu(c: _Checker, e: Enjeu, orientations: list[str], where: str = "") -> None:
    c.code(where, "code de l'enjeu", e.code)
    c.text(where, "titre de l'enjeu", e.titre, TITRE_MAX, required=True)
    c.text(where, "texte de l'enjeu", e.texte, TEXTE_MAX)
    valid = sorted(_indicator_ids())
    for iid in e.indicateurs:
        if iid not in valid:
            c.add(where, f"indicateur inconnu « {iid} » (valeurs possibles : "
                         f"{', '.join(valid)})")
    if len(set(e.indicateurs)) != len(e.indicateurs):
        c.add(where, "indicateur en double")
    for code in e.orientations:
        if code not in orientations:
            c.add(where, f"orientation inconnue « {code} » (valeurs possibles : "
                         f"{', '.join(orientations) or 'aucune orientation déclarée'})")
    if len(set(e.orientations)) != len(e.orientations):
        c.add(where, "orientation en double")
    c.provenance(where, e.provenance)


def _duplicates(items, key, label: str, c: _Checker) -> None:
    seen = set()
    for item in items:
        k = key(item)
        if k in seen:
            c.add("", f"{label} « {k} » en double")
        seen.add(k)


# --------------------------------------------------------------------------- repository
class ContratRepository:
    """The contracts of one pack, on SQLite or PostgreSQL.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        An engine whose schema is up to date (``carnet.db.get_engine``).
    pack_id : str
        The territory pack (``nord``).
    territoires : list of str, optional
        The pack's contract territories (default: its ``territoire.toml``).
    pack_orientations : list of str, optional
        Codes of the Département's orientations (default: the pack's).
    """

    def __init__(self, engine: Engine, pack_id: str, *, territoires: list[str] | None = None,
                 pack_orientations: list[str] | None = None):
        self.engine = engine
        self.pack_id = pack_id
        self._territoires = None if territoires is None else list(territoires)
        self._pack_orientations = (None if pack_orientations is None
                                   else list(pack_orientations))

    # -- the pack ------------------------------------------------------------------
    @property
    def territoires(self) -> list[str]:
        if self._territoires is None:
            from carnet.config import load_config

            self._territoires = [t.id for t in load_config(self.pack_id).territoires]
        return self._territoires

    @property
    def pack_orientations(self) -> list[str]:
        if self._pack_orientations is None:
            from carnet.projets.orientations import orientations

            self._pack_orientations = orientations(self.pack_id).codes
        return self._pack_orientations

    def _check_territoire(self, territoire: str) -> None:
        if territoire not in self.territoires:
            raise ContratNotFound(
                f"Territoire inconnu « {territoire} » dans le pack {self.pack_id} (valeurs "
                f"possibles : {', '.join(self.territoires)}).")

    # -- reading -------------------------------------------------------------------
    def _row(self, session: Session, territoire: str, lock: bool = False) -> ContratRow | None:
        stmt = select(ContratRow).where(ContratRow.pack == self.pack_id,
                                        ContratRow.territoire == territoire)
        if lock:
            stmt = stmt.with_for_update()
        return session.scalars(stmt).first()

    def _require(self, session: Session, territoire: str) -> ContratRow:
        row = self._row(session, territoire, lock=True)
        if row is None:
            self._check_territoire(territoire)
            raise ContratNotFound(f"Aucun contrat déclaré pour le territoire « {territoire} » "
                                  f"(pack {self.pack_id}).")
        return row

    @staticmethod
    def _parts(session: Session, model, contrat_id: int, live: bool = True) -> list:
        stmt = select(model).where(model.contrat_id == contrat_id)
        if live and hasattr(model, "deleted_at"):
            stmt = stmt.where(model.deleted_at.is_(None))
        order = (model.date, model.position, model.id) if model is ReunionRow else (
            model.position, model.id)
        return list(session.scalars(stmt.order_by(*order)))

    @staticmethod
    def _links(session: Session, enjeu_ids: list[int]) -> dict[int, tuple[str, ...]]:
        out: dict[int, list[str]] = {i: [] for i in enjeu_ids}
        if enjeu_ids:
            stmt = (select(EnjeuOrientationRow)
                    .where(EnjeuOrientationRow.enjeu_id.in_(enjeu_ids))
                    .order_by(EnjeuOrientationRow.enjeu_id, EnjeuOrientationRow.position))
            for link in session.scalars(stmt):
                out[link.enjeu_id].append(link.orientation)
        return {k: tuple(v) for k, v in out.items()}

    def _enjeu_of(self, session: Session, row: EnjeuRow) -> Enjeu:
        return Enjeu(code=row.code, titre=row.titre, texte=row.texte or "",
                     indicateurs=tuple(row.indicateurs or ()),
                     orientations=self._links(session, [row.id])[row.id],
                     provenance=_prov_of(row), id=row.id, version=row.version)

    def _assemble(self, session: Session, row: ContratRow) -> Contrat:
        enjeux = self._parts(session, EnjeuRow, row.id)
        links = self._links(session, [e.id for e in enjeux])
        return Contrat(
            pack=row.pack, territoire=row.territoire, titre=row.titre, statut=row.statut,
            phases=tuple(_phase_of(p) for p in self._parts(session, PhaseRow, row.id)),
            instances=tuple(_instance_of(i) for i in self._parts(session, InstanceRow, row.id)),
            reunions=tuple(_reunion_of(r) for r in self._parts(session, ReunionRow, row.id)),
            chiffres=tuple(_chiffre_of(c) for c in self._parts(session, ChiffreRow, row.id)),
            orientations=tuple(_orientation_of(o)
                               for o in self._parts(session, OrientationRow, row.id)),
            enjeux=tuple(Enjeu(code=e.code, titre=e.titre, texte=e.texte or "",
                               indicateurs=tuple(e.indicateurs or ()),
                               orientations=links[e.id], provenance=_prov_of(e), id=e.id,
                               version=e.version) for e in enjeux),
            notes=row.notes or "", id=row.id, version=row.version,
            faits=tuple(_fait_of(f) for f in self._parts(session, FaitRow, row.id)))

    def get(self, territoire: str) -> Contrat | None:
        """The contract of ``territoire`` (deleted meetings and enjeux left out), or None."""
        with Session(self.engine) as session:
            row = self._row(session, territoire)
            return None if row is None else self._assemble(session, row)

    def list(self) -> list[Contrat]:
        """Every contract of the pack, in the pack's order of territories."""
        with Session(self.engine) as session:
            rows = list(session.scalars(select(ContratRow).where(
                ContratRow.pack == self.pack_id)))
            order = {t: i for i, t in enumerate(self.territoires)}
            rows.sort(key=lambda r: (order.get(r.territoire, len(order)), r.territoire))
            return [self._assemble(session, r) for r in rows]

    def updated(self, territoire: str) -> tuple[datetime | None, str | None]:
        """When and by whom the contract (or any of its parts) was last changed."""
        with Session(self.engine) as session:
            row = self._row(session, territoire)
            return (None, None) if row is None else (_utc(row.updated_at), row.updated_by)

    def history(self, territoire: str) -> list[dict]:
        """Audit entries of a contract and of its parts, oldest first."""
        with Session(self.engine) as session:
            row = self._row(session, territoire)
            if row is None:
                return []
            stmt = (select(ContratAudit).where(ContratAudit.contrat_id == row.id)
                    .order_by(ContratAudit.id))
            return [{"id": a.id, "objet": a.objet, "objet_id": a.objet_id,
                     "action": a.action, "at": _jsonable(a.at), "user": a.user,
                     "batch": a.batch, "before": a.before, "after": a.after}
                    for a in session.scalars(stmt)]

    def orientation_codes(self, territoire: str) -> list[str]:
        """The orientations a project or an enjeu of ``territoire`` may name: the pack's,
        then the contract's own."""
        c = self.get(territoire)
        own = [o.code for o in c.orientations] if c else []
        return [*self.pack_orientations, *own]

    # -- writing: bookkeeping ------------------------------------------------------
    @staticmethod
    def _audit(session: Session, contrat_id: int, objet: str, objet_id: int | None,
               action: str, user: str, before: dict | None, after: dict | None,
               at: datetime, batch: str | None = None) -> None:
        session.add(ContratAudit(contrat_id=contrat_id, objet=objet, objet_id=objet_id,
                                 action=action, at=at, user=user, batch=batch,
                                 before=before, after=after))

    @staticmethod
    def _touch(row: ContratRow, now: datetime, user: str) -> None:
        row.updated_at = now
        row.updated_by = user

    @staticmethod
    def _next_position(session: Session, model, contrat_id: int) -> int:
        top = session.scalar(select(func.max(model.position)).where(
            model.contrat_id == contrat_id))
        return 0 if top is None else top + 1

    @staticmethod
    def _saisie(user: str, now: datetime) -> Provenance:
        return Provenance(kind="saisie", user=user, at=now)

    def _versioned_update(self, session: Session, row, values: dict, expected: int,
                          now: datetime, user: str, what: str, feminine: bool,
                          mine: dict) -> None:
        """``UPDATE … WHERE id = :id AND version = :expected``; a conflict otherwise."""
        model = type(row)
        before_version = row.version
        result = session.execute(
            update(model).where(model.id == row.id, model.version == expected)
            .values(**values, seeded=False, updated_at=now, updated_by=user,
                    version=model.version + 1)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            theirs = _snap(row)
            theirs["version"] = before_version
            raise ContratConflictError(what, mine={**theirs, **mine, "version": expected},
                                       theirs=theirs, feminine=feminine)
        session.refresh(row)

    # -- contract ------------------------------------------------------------------
    def save_contrat(self, contrat: Contrat, *, user: str) -> Contrat:
        """Create the contract of ``contrat.territoire`` or change its titre, statut, notes.

        ``contrat.version`` is the version the editor read (optimistic locking).
        """
        self._check_territoire(contrat.territoire)
        c = _Checker()
        c.text("", "titre du contrat", contrat.titre, TITRE_MAX, required=True)
        c.choice("", "statut", contrat.statut, list(phase_registry()[1]))
        c.text("", "notes", contrat.notes, TEXTE_MAX)
        c.raise_if_any()
        user, now = audit_user(user), _now()
        values = {"titre": contrat.titre, "statut": contrat.statut,
                  "notes": contrat.notes or None}
        try:
            with Session(self.engine) as session, session.begin():
                row = self._row(session, contrat.territoire, lock=True)
                if row is None:
                    row = ContratRow(pack=self.pack_id, territoire=contrat.territoire,
                                     **values, seeded=False, created_at=now, created_by=user,
                                     updated_at=now, updated_by=user, version=1)
                    session.add(row)
                    session.flush()
                    self._audit(session, row.id, "contrat", row.id, "create", user, None,
                                _snap(row), now)
                elif not _same(row, values):
                    before = _snap(row)
                    self._versioned_update(session, row, values, contrat.version, now, user,
                                           f"le contrat « {row.titre} »", False, values)
                    self._audit(session, row.id, "contrat", row.id, "update", user, before,
                                _snap(row), now)
        except IntegrityError as exc:  # created by someone else meanwhile
            raise ContratConflictError(
                f"le contrat du territoire « {contrat.territoire} »", mine=values,
                theirs={"version": "?"}) from exc
        return self.get(contrat.territoire)

    # -- phases --------------------------------------------------------------------
    def save_phase(self, territoire: str, phase: Phase, *, user: str) -> Phase:
        """Write a phase's known dates; ``phase.version`` is the version read.

        A date whose value, certainty or note changed becomes an editor's entry
        (``Provenance(kind="saisie")``); an unchanged one keeps its provenance.
        """
        c = _Checker()
        check_phase(c, phase)
        c.raise_if_any()
        user, now = audit_user(user), _now()
        label = f"la phase « {_phase_label(phase.code)} »"
        try:
            with Session(self.engine) as session, session.begin():
                crow = self._require(session, territoire)
                row = session.scalars(select(PhaseRow).where(
                    PhaseRow.contrat_id == crow.id, PhaseRow.code == phase.code)).first()
                stored = _phase_of(row) if row is not None else Phase(phase.code)

                def mark(new: DateConnue | None, old: DateConnue | None):
                    if new is None:
                        return None
                    if old is not None and (new.valeur, new.certitude, new.note) == (
                            old.valeur, old.certitude, old.note):
                        return old
                    return replace(new, provenance=self._saisie(user, now))

                phase = replace(phase, debut=mark(phase.debut, stored.debut),
                                fin=mark(phase.fin, stored.fin))
                values = _phase_values(phase)
                if row is None:
                    row = PhaseRow(contrat_id=crow.id, position=self._phase_position(phase.code),
                                   **values, seeded=False, created_at=now, created_by=user,
                                   updated_at=now, updated_by=user, version=1)
                    session.add(row)
                    session.flush()
                    self._audit(session, crow.id, "phase", row.id, "create", user, None,
                                _snap(row), now)
                elif not _same(row, values):
                    before = _snap(row)
                    self._versioned_update(session, row, values, phase.version, now, user,
                                           label, True, _snap_values(values))
                    self._audit(session, crow.id, "phase", row.id, "update", user, before,
                                _snap(row), now)
                else:
                    return _phase_of(row)
                self._touch(crow, now, user)
                return _phase_of(row)
        except IntegrityError as exc:
            raise ContratConflictError(label, mine=_snap_values(_phase_values(phase)),
                                       theirs={"version": "?"}, feminine=True) from exc

    @staticmethod
    def _phase_position(code: str) -> int:
        codes = list(phase_registry()[0])
        return codes.index(code) if code in codes else len(codes)

    # -- governance ----------------------------------------------------------------
    def save_instance(self, territoire: str, instance: Instance, *, user: str) -> Instance:
        """Create or change a governance body (by code); ``instance.version`` read."""
        user, now = audit_user(user), _now()
        instance = replace(instance, niveau=instance.niveau or "",
                           provenance=self._saisie(user, now))
        c = _Checker()
        check_instance(c, instance)
        c.raise_if_any()
        label = f"l'instance « {instance.libelle} »"
        with _no_duplicate(f"l'instance « {instance.code} »"), Session(
                self.engine) as session, session.begin():
            crow = self._require(session, territoire)
            row = session.scalars(select(InstanceRow).where(
                InstanceRow.contrat_id == crow.id, InstanceRow.code == instance.code)).first()
            values = _instance_values(instance)
            if row is None:
                row = InstanceRow(contrat_id=crow.id,
                                  position=self._next_position(session, InstanceRow, crow.id),
                                  **values, seeded=False, created_at=now, created_by=user,
                                  updated_at=now, updated_by=user, version=1)
                session.add(row)
                session.flush()
                self._audit(session, crow.id, "instance", row.id, "create", user, None,
                            _snap(row), now)
            else:
                content = {k: v for k, v in values.items() if not k.startswith("prov_")}
                if _same(row, content) and row.deleted_at is None:
                    return _instance_of(row)
                before = _snap(row)
                self._versioned_update(session, row, {**values, "deleted_at": None,
                                                      "deleted_by": None},
                                       instance.version, now, user, label, True,
                                       _snap_values(values))
                self._audit(session, crow.id, "instance", row.id,
                            "restore" if before["deleted_at"] else "update", user, before,
                            _snap(row), now)
            self._touch(crow, now, user)
            return _instance_of(row)

    def _live_instances(self, session: Session, contrat_id: int) -> list[str]:
        return [i.code for i in self._parts(session, InstanceRow, contrat_id)]

    def add_reunion(self, territoire: str, reunion: Reunion, *, user: str) -> Reunion:
        """Record a meeting of one of the contract's bodies."""
        user, now = audit_user(user), _now()
        reunion = replace(reunion, provenance=self._saisie(user, now))
        with Session(self.engine) as session, session.begin():
            crow = self._require(session, territoire)
            c = _Checker()
            check_reunion(c, reunion, self._live_instances(session, crow.id))
            c.raise_if_any()
            row = ReunionRow(contrat_id=crow.id,
                             position=self._next_position(session, ReunionRow, crow.id),
                             **_reunion_values(reunion), seeded=False, created_at=now,
                             created_by=user, updated_at=now, updated_by=user, version=1)
            session.add(row)
            session.flush()
            self._audit(session, crow.id, "reunion", row.id, "create", user, None,
                        _snap(row), now)
            self._touch(crow, now, user)
            return _reunion_of(row)

    def _reunion_row(self, session: Session, crow: ContratRow, reunion_id: int | None,
                     deleted_ok: bool = False) -> ReunionRow:
        row = session.get(ReunionRow, reunion_id) if reunion_id is not None else None
        if row is None or row.contrat_id != crow.id:
            raise ContratNotFound(f"Réunion n°{reunion_id} introuvable dans ce contrat.")
        if row.deleted_at is not None and not deleted_ok:
            raise ContratDeletedError(
                _snap(row), f"Réunion n°{reunion_id} supprimée par {row.deleted_by} "
                f"({fmt_datetime(row.deleted_at, naive_utc=True)}) : restaurez-la avant de "
                "la modifier. Rien n'a été écrit.")
        return row

    @staticmethod
    def _reunion_label(row) -> str:
        return f"la réunion n°{row.id} ({fmt_date(row.date)})"

    def update_reunion(self, territoire: str, reunion: Reunion, *, user: str) -> Reunion:
        """Change a meeting (``reunion.id``) read at ``reunion.version``."""
        user, now = audit_user(user), _now()
        reunion = replace(reunion, provenance=self._saisie(user, now))
        with Session(self.engine) as session, session.begin():
            crow = self._require(session, territoire)
            row = self._reunion_row(session, crow, reunion.id)
            c = _Checker()
            check_reunion(c, reunion, self._live_instances(session, crow.id))
            c.raise_if_any()
            values = _reunion_values(reunion)
            content = {k: v for k, v in values.items() if not k.startswith("prov_")}
            if _same(row, content):
                return _reunion_of(row)
            before = _snap(row)
            self._versioned_update(session, row, values, reunion.version, now, user,
                                   self._reunion_label(row), True, _snap_values(values))
            self._audit(session, crow.id, "reunion", row.id, "update", user, before,
                        _snap(row), now)
            self._touch(crow, now, user)
            return _reunion_of(row)

    def _set_deleted(self, territoire: str, model, obj_id: int, deleted: bool, user: str,
                     expected_version: int | None) -> dict:
        user, now = audit_user(user), _now()
        objet = "reunion" if model is ReunionRow else "enjeu"
        with Session(self.engine) as session, session.begin():
            crow = self._require(session, territoire)
            row = session.get(model, obj_id)
            noun = "Réunion" if model is ReunionRow else "Enjeu"
            if row is None or row.contrat_id != crow.id:
                raise ContratNotFound(f"{noun} n°{obj_id} introuvable dans ce contrat.")
            if deleted and row.deleted_at is not None:
                raise ContratDeletedError(_snap(row), f"{noun} n°{obj_id} déjà supprimé"
                                          f"{'e' if model is ReunionRow else ''} : rien à "
                                          "supprimer.")
            if not deleted and row.deleted_at is None:
                raise ContratError(f"{noun} n°{obj_id} n'est pas supprimé"
                                   f"{'e' if model is ReunionRow else ''} : rien à annuler.")
            before = _snap(row)
            what = (self._reunion_label(row) if model is ReunionRow
                    else f"l'enjeu « {row.titre} »")
            self._versioned_update(
                session, row, {"deleted_at": now if deleted else None,
                               "deleted_by": user if deleted else None},
                row.version if expected_version is None else expected_version, now, user,
                what, model is ReunionRow, {"deleted_at": _jsonable(now) if deleted else None})
            if model is EnjeuRow:
                if deleted:
                    self._unlink(session, row.id, user, now)
                else:
                    self._link(session, crow, user, now)
            self._audit(session, crow.id, objet, row.id, "delete" if deleted else "restore",
                        user, before, _snap(row), now)
            self._touch(crow, now, user)
            return _snap(row)

    def delete_reunion(self, territoire: str, reunion_id: int, *, user: str,
                       expected_version: int | None = None) -> dict:
        """Soft-delete a meeting (recoverable with :meth:`restore_reunion`)."""
        return self._set_deleted(territoire, ReunionRow, reunion_id, True, user,
                                 expected_version)

    def restore_reunion(self, territoire: str, reunion_id: int, *, user: str) -> dict:
        """Undo :meth:`delete_reunion`."""
        return self._set_deleted(territoire, ReunionRow, reunion_id, False, user, None)

    # -- orientations and enjeux ---------------------------------------------------
    def save_orientation(self, territoire: str, orientation: Orientation, *,
                         user: str) -> Orientation:
        """Create or change one of the territoire's own orientations (by code)."""
        user, now = audit_user(user), _now()
        orientation = replace(orientation, provenance=self._saisie(user, now))
        c = _Checker()
        check_orientation(c, orientation, self.pack_orientations)
        c.raise_if_any()
        label = f"l'orientation « {orientation.libelle} »"
        with _no_duplicate(f"l'orientation « {orientation.code} »"), Session(
                self.engine) as session, session.begin():
            crow = self._require(session, territoire)
            row = session.scalars(select(OrientationRow).where(
                OrientationRow.contrat_id == crow.id,
                OrientationRow.code == orientation.code)).first()
            values = _orientation_values(orientation)
            if row is None:
                row = OrientationRow(
                    contrat_id=crow.id,
                    position=self._next_position(session, OrientationRow, crow.id), **values,
                    seeded=False, created_at=now, created_by=user, updated_at=now,
                    updated_by=user, version=1)
                session.add(row)
                session.flush()
                self._audit(session, crow.id, "orientation", row.id, "create", user, None,
                            _snap(row), now)
            else:
                content = {k: v for k, v in values.items() if not k.startswith("prov_")}
                if _same(row, content) and row.deleted_at is None:
                    return _orientation_of(row)
                before = _snap(row)
                self._versioned_update(session, row, {**values, "deleted_at": None,
                                                      "deleted_by": None},
                                       orientation.version, now, user, label, True,
                                       _snap_values(values))
                self._audit(session, crow.id, "orientation", row.id, "update", user, before,
                            _snap(row), now)
            self._touch(crow, now, user)
            return _orientation_of(row)

    def _enjeu_snap(self, session: Session, row: EnjeuRow) -> dict:
        return {**_snap(row), "orientations": list(self._links(session, [row.id])[row.id])}

    def _set_links(self, session: Session, enjeu_id: int, codes) -> None:
        session.execute(delete(EnjeuOrientationRow).where(
            EnjeuOrientationRow.enjeu_id == enjeu_id))
        for i, code in enumerate(codes):
            session.add(EnjeuOrientationRow(enjeu_id=enjeu_id, orientation=code, position=i))
        session.flush()

    def save_enjeu(self, territoire: str, enjeu: Enjeu, *, user: str) -> Enjeu:
        """Create (``enjeu.id`` None) or change an enjeu and its orientation links.

        A new enjeu without a code gets one made of its title. The projects of the
        territoire whose free-text ``enjeu`` equals its title are linked to it.
        """
        user, now = audit_user(user), _now()
        with _no_duplicate(f"l'enjeu « {enjeu.code or enjeu.titre} »"), Session(
                self.engine) as session, session.begin():
            crow = self._require(session, territoire)
            live = self._parts(session, EnjeuRow, crow.id, live=False)
            if enjeu.id is None and not enjeu.code:
                base, n = slug(enjeu.titre or ""), 2
                code, taken = base, {e.code for e in live}
                while code in taken:
                    code = f"{base[:CODE_MAX - 4]}-{n}"
                    n += 1
                enjeu = replace(enjeu, code=code)
            enjeu = replace(enjeu, provenance=self._saisie(user, now))
            own = [o.code for o in self._parts(session, OrientationRow, crow.id)]
            c = _Checker()
            check_enjeu(c, enjeu, [*self.pack_orientations, *own])
            clash = next((e for e in live if e.code == enjeu.code and e.id != enjeu.id), None)
            if clash is not None:
                c.add("", f"code de l'enjeu « {enjeu.code} » déjà pris par l'enjeu "
                          f"« {clash.titre} »")
            c.raise_if_any()
            values = _enjeu_values(enjeu)
            if enjeu.id is None:
                row = EnjeuRow(contrat_id=crow.id,
                               position=self._next_position(session, EnjeuRow, crow.id),
                               **values, seeded=False, created_at=now, created_by=user,
                               updated_at=now, updated_by=user, version=1)
                session.add(row)
                session.flush()
                self._set_links(session, row.id, enjeu.orientations)
                self._audit(session, crow.id, "enjeu", row.id, "create", user, None,
                            self._enjeu_snap(session, row), now)
            else:
                row = session.get(EnjeuRow, enjeu.id)
                if row is None or row.contrat_id != crow.id:
                    raise ContratNotFound(f"Enjeu n°{enjeu.id} introuvable dans ce contrat.")
                if row.deleted_at is not None:
                    raise ContratDeletedError(
                        _snap(row), f"Enjeu « {row.titre} » supprimé par {row.deleted_by} "
                        f"({fmt_datetime(row.deleted_at, naive_utc=True)}) : restaurez-le "
                        "avant de le modifier. Rien n'a été écrit.")
                before = self._enjeu_snap(session, row)
                content = {k: v for k, v in values.items() if not k.startswith("prov_")}
                if _same(row, content) and tuple(before["orientations"]) == tuple(
                        enjeu.orientations):
                    return self._enjeu_of(session, row)
                self._versioned_update(session, row, values, enjeu.version, now, user,
                                       f"l'enjeu « {before['titre']} »", False,
                                       {**_snap_values(values),
                                        "orientations": list(enjeu.orientations)})
                self._set_links(session, row.id, enjeu.orientations)
                self._audit(session, crow.id, "enjeu", row.id, "update", user, before,
                            self._enjeu_snap(session, row), now)
            self._link(session, crow, user, now)
            self._touch(crow, now, user)
            return self._enjeu_of(session, row)

    def delete_enjeu(self, territoire: str, enjeu_id: int, *, user: str,
                     expected_version: int | None = None) -> dict:
        """Soft-delete an enjeu; its projects lose the link (their free text stays)."""
        return self._set_deleted(territoire, EnjeuRow, enjeu_id, True, user, expected_version)

    def restore_enjeu(self, territoire: str, enjeu_id: int, *, user: str) -> dict:
        """Undo :meth:`delete_enjeu` (projects whose text matches are linked again)."""
        return self._set_deleted(territoire, EnjeuRow, enjeu_id, False, user, None)

    # -- projects ↔ enjeux ---------------------------------------------------------
    def _projet_update(self, session: Session, projet, enjeu_id: int | None, user: str,
                       now: datetime, action: str) -> None:
        from carnet.projets.models import ProjetAudit
        from carnet.projets.repository import to_dict

        before = to_dict(projet)
        projet.enjeu_id = enjeu_id
        projet.updated_at = now
        projet.updated_by = user
        projet.version = projet.version + 1
        session.flush()
        session.add(ProjetAudit(projet_id=projet.id, action=action, at=now, user=user,
                                batch="contrat", before=before, after=to_dict(projet)))

    def _unlink(self, session: Session, enjeu_id: int, user: str, now: datetime) -> None:
        from carnet.projets.models import Projet

        for projet in session.scalars(select(Projet).where(Projet.enjeu_id == enjeu_id)):
            self._projet_update(session, projet, None, user, now, "delien_enjeu")

    def _link(self, session: Session, crow: ContratRow, user: str, now: datetime) -> list[dict]:
        """Link the territoire's unlinked projects whose ``enjeu`` text equals a title."""
        from carnet.projets.models import Projet

        by_title: dict[str, list[EnjeuRow]] = {}
        for e in self._parts(session, EnjeuRow, crow.id):
            by_title.setdefault(fold(e.titre), []).append(e)
        linked = []
        stmt = select(Projet).where(Projet.pack == crow.pack,
                                    Projet.territoire == crow.territoire,
                                    Projet.enjeu_id.is_(None), Projet.enjeu.is_not(None),
                                    Projet.deleted_at.is_(None)).order_by(Projet.id)
        for projet in session.scalars(stmt).all():
            match = by_title.get(fold(projet.enjeu), [])
            if len(match) == 1:
                self._projet_update(session, projet, match[0].id, user, now, "lien_enjeu")
                linked.append({"projet": projet.id, "ref": projet.ref, "enjeu": match[0].code})
        return linked

    def link_projets(self, territoire: str, *, user: str = "seed") -> LienReport:
        """Link the projects of ``territoire`` to its enjeux; report the values left free."""
        user, now = audit_user(user), _now()
        with Session(self.engine) as session, session.begin():
            crow = self._require(session, territoire)
            linked = self._link(session, crow, user, now)
        return LienReport(linked=linked, libres=self.enjeux_libres(territoire))

    def enjeux_libres(self, territoire: str | None = None) -> list[dict]:
        """Free-text ``enjeu`` values of live projects that are linked to no enjeu.

        Returns
        -------
        list of dict
            ``{"territoire", "enjeu", "projets", "refs"}``, one per distinct value (the
            text as typed, trimmed), sorted by territoire then value.
        """
        from carnet.projets.models import Projet

        stmt = select(Projet.territoire, Projet.enjeu, Projet.ref, Projet.id).where(
            Projet.pack == self.pack_id, Projet.enjeu_id.is_(None),
            Projet.enjeu.is_not(None), Projet.deleted_at.is_(None)).order_by(Projet.id)
        if territoire:
            stmt = stmt.where(Projet.territoire == territoire)
        groups: dict[tuple, dict] = {}
        with self.engine.connect() as conn:
            for terr, text, ref, pid in conn.execute(stmt):
                value = text.strip()
                if not value:
                    continue
                g = groups.setdefault((terr or "", value), {
                    "territoire": terr or "", "enjeu": value, "projets": 0, "refs": []})
                g["projets"] += 1
                g["refs"].append(ref or f"n°{pid}")
        return [groups[k] for k in sorted(groups, key=lambda k: (k[0], fold(k[1]), k[1]))]

    # -- T0 ------------------------------------------------------------------------
    def freeze_t0(self, territoire: str, snapshot: dict, *, user: str) -> bool:
        """Store the contract's T0 once: False (nothing changed) if one exists already.

        ``snapshot`` is made JSON (:func:`json_snapshot`: dates as ISO text, NaN as None).
        """
        if not isinstance(snapshot, dict):
            raise ContratError("T0 : un dictionnaire est attendu.")
        data = json_snapshot(snapshot)
        user, now = audit_user(user), _now()
        with Session(self.engine) as session, session.begin():
            crow = self._require(session, territoire)
            result = session.execute(
                update(ContratRow).where(ContratRow.id == crow.id, ContratRow.t0.is_(None))
                .values(t0=data, t0_at=now, t0_by=user, updated_at=now, updated_by=user)
                .execution_options(synchronize_session=False))
            if result.rowcount != 1:
                return False
            self._audit(session, crow.id, "t0", crow.id, "freeze", user, None,
                        {"t0": data, "t0_at": _jsonable(now), "t0_by": user}, now)
        return True

    def t0(self, territoire: str) -> dict | None:
        """The frozen T0 of the contract (None when not frozen or no contract)."""
        with Session(self.engine) as session:
            row = self._row(session, territoire)
            if row is None or row.t0 is None:
                return None
            return json.loads(row.t0) if isinstance(row.t0, str) else row.t0

    def t0_frozen(self, territoire: str) -> tuple[datetime | None, str | None]:
        """When and by whom the T0 was frozen ((None, None) if not)."""
        with Session(self.engine) as session:
            row = self._row(session, territoire)
            return (None, None) if row is None else (_utc(row.t0_at), row.t0_by)

    # -- whole contracts: seed and import ------------------------------------------
    def validate(self, contrat: Contrat) -> None:
        """Check a whole contract; raise :class:`ContratValidationError` listing every problem
        (each prefixed by its place: ``enjeux[2]``, ``reunions[0]``…)."""
        c = _Checker()
        if contrat.pack != self.pack_id:
            c.add("pack", f"« {contrat.pack} » n'est pas le pack {self.pack_id}")
        if contrat.territoire not in self.territoires:
            c.add("territoire", f"territoire inconnu « {contrat.territoire} » (valeurs "
                                f"possibles : {', '.join(self.territoires)})")
        c.text("titre", "titre du contrat", contrat.titre, TITRE_MAX, required=True)
        c.choice("statut", "statut", contrat.statut, list(phase_registry()[1]))
        c.text("notes", "notes", contrat.notes, TEXTE_MAX)
        for i, p in enumerate(contrat.phases):
            check_phase(c, p, f"phases[{i}]")
        for i, x in enumerate(contrat.instances):
            check_instance(c, x, f"instances[{i}]")
        codes = [x.code for x in contrat.instances]
        for i, r in enumerate(contrat.reunions):
            check_reunion(c, r, codes, f"reunions[{i}]")
        for i, x in enumerate(contrat.chiffres):
            check_chiffre(c, x, f"chiffres[{i}]")
        for i, f in enumerate(contrat.faits):
            check_fait(c, f, f"faits[{i}]")
        for i, o in enumerate(contrat.orientations):
            check_orientation(c, o, self.pack_orientations, f"orientations[{i}]")
        valid = [*self.pack_orientations, *(o.code for o in contrat.orientations)]
        for i, e in enumerate(contrat.enjeux):
            check_enjeu(c, e, valid, f"enjeux[{i}]")
        _duplicates(contrat.phases, lambda p: p.code, "phase", c)
        _duplicates(contrat.instances, lambda x: x.code, "instance", c)
        _duplicates(contrat.chiffres, lambda x: x.code, "chiffre", c)
        _duplicates(contrat.orientations, lambda x: x.code, "orientation", c)
        _duplicates(contrat.faits, lambda x: x.code, "fait", c)
        _duplicates(contrat.enjeux, lambda x: x.code, "enjeu", c)
        _duplicates(contrat.reunions, lambda r: f"{r.date} {r.instance} {r.objet}",
                    "réunion", c)
        c.raise_if_any()

    def seed(self, contrats, *, user: str = "seed") -> SeedReport:
        """Write the pack's contracts (a dict or a list of :class:`Contrat`), idempotently.

        Rows the seed wrote are replaced while untouched by an editor; an editor's rows
        (written, changed or deleted in the app, or imported) are kept and listed in
        :attr:`SeedReport.kept`. All or nothing. Then the projects are linked.
        """
        items = list(contrats.values()) if isinstance(contrats, dict) else list(contrats)
        return self._sync(items, user=user, mode="seed")

    def import_contrat(self, contrat: Contrat, *, user: str) -> SeedReport:
        """Replace the whole contract of ``contrat.territoire`` by ``contrat``, all or nothing.

        Provenance is kept as given (an export imported back changes nothing); parts
        absent from ``contrat`` are deleted (meetings, enjeux, bodies and orientations
        softly). Rows then belong to the importing editor: a seed never replaces them.
        """
        return self._sync([contrat], user=user, mode="import")

    def _sync(self, items: list[Contrat], *, user: str, mode: str) -> SeedReport:
        for contrat in items:
            self.validate(contrat)
        user = audit_user(user)
        for attempt in range(2):
            report = SeedReport()
            try:
                with Session(self.engine) as session, session.begin():
                    batch, now = uuid.uuid4().hex[:12], _now()
                    for contrat in items:
                        self._sync_one(session, contrat, user, now, batch, mode, report)
                break
            except IntegrityError as exc:  # another process seeded the same contract meanwhile
                if attempt:
                    raise ContratError("Enregistrement refusé : un autre processus écrit ces "
                                       "contrats au même moment. Rien n'a été écrit : "
                                       "recommencez.") from exc
        for contrat in items:
            report.libres += self.enjeux_libres(contrat.territoire)
        return report

    def _sync_one(self, session: Session, contrat: Contrat, user: str, now: datetime,
                  batch: str, mode: str, report: SeedReport) -> None:
        seeded = mode == "seed"
        name = contrat.territoire
        crow = self._row(session, contrat.territoire, lock=True)
        values = {"titre": contrat.titre, "statut": contrat.statut,
                  "notes": contrat.notes or None}
        changed = 0
        if crow is None:
            crow = ContratRow(pack=self.pack_id, territoire=contrat.territoire, **values,
                              seeded=seeded, created_at=now, created_by=user, updated_at=now,
                              updated_by=user, version=1)
            session.add(crow)
            session.flush()
            self._audit(session, crow.id, "contrat", crow.id, mode, user, None, _snap(crow),
                        now, batch)
            report.created.append(name)
        elif not _same(crow, values):
            if seeded and not crow.seeded:
                report.kept.append(f"{name} : titre, statut et notes du contrat "
                                   f"(modifiés par {crow.updated_by})")
            else:
                before = _snap(crow)
                for k, v in values.items():
                    setattr(crow, k, v)
                crow.seeded, crow.version = seeded, crow.version + 1
                self._touch(crow, now, user)
                session.flush()
                self._audit(session, crow.id, "contrat", crow.id, mode, user, before,
                            _snap(crow), now, batch)
                changed += 1
        parts = [
            ("phase", PhaseRow, contrat.phases, _key, _phase_values, "phase"),
            ("instance", InstanceRow, contrat.instances, _key, _instance_values, "instance"),
            ("reunion", ReunionRow, contrat.reunions, _key, _reunion_values, "réunion"),
            ("chiffre_publie", ChiffreRow, contrat.chiffres, _key, _chiffre_values,
             "chiffre publié"),
            ("orientation", OrientationRow, contrat.orientations, _key, _orientation_values,
             "orientation"),
            ("enjeu", EnjeuRow, contrat.enjeux, _key, _enjeu_values, "enjeu"),
            ("fait", FaitRow, contrat.faits, _key, _fait_values, "fait"),
        ]
        for objet, model, wanted, key, to_values, noun in parts:
            rows = self._parts(session, model, crow.id, live=False)
            by_key = {row_key(r): r for r in rows}
            by_cle = {r.cle: r for r in rows if r.cle}
            used: set[int] = set()
            for position, item in enumerate(wanted):
                k = key(objet, item)
                # the seed first finds the row it wrote (``cle``), an import the row as it is
                found = ((by_cle.get(cle(k)), by_key.get(k)) if seeded
                         else (by_key.get(k), by_cle.get(cle(k))))
                row = next((r for r in found if r is not None and r.id not in used), None)
                vals = {**to_values(item), "position": position}
                links = tuple(item.orientations) if model is EnjeuRow else None
                if row is None:
                    row = model(contrat_id=crow.id, **vals, seeded=seeded, created_at=now,
                                created_by=user, updated_at=now, updated_by=user, version=1)
                    session.add(row)
                    session.flush()
                    used.add(row.id)
                    if links is not None:
                        self._set_links(session, row.id, links)
                    after = self._enjeu_snap(session, row) if links is not None else _snap(row)
                    self._audit(session, crow.id, objet, row.id, mode, user, None, after, now,
                                batch)
                    changed += 1
                    continue
                used.add(row.id)
                deleted = getattr(row, "deleted_at", None) is not None
                same = _same(row, vals) and not deleted and (
                    links is None or self._links(session, [row.id])[row.id] == links)
                if same:
                    continue
                if seeded and not row.seeded:
                    what = "supprimé(e)" if deleted else "modifié(e)"
                    report.kept.append(f"{name}, {noun} « {_label(item)} » : {what} par "
                                       f"{row.updated_by}, gardé(e)")
                    continue
                before = self._enjeu_snap(session, row) if links is not None else _snap(row)
                for col, v in vals.items():
                    setattr(row, col, v)
                if deleted:
                    row.deleted_at, row.deleted_by = None, None
                row.seeded, row.updated_at, row.updated_by = seeded, now, user
                row.version = row.version + 1
                session.flush()
                if links is not None:
                    self._set_links(session, row.id, links)
                after = self._enjeu_snap(session, row) if links is not None else _snap(row)
                self._audit(session, crow.id, objet, row.id, mode, user, before, after, now,
                            batch)
                changed += 1
            for row in rows:
                if row.id in used or getattr(row, "deleted_at", None) is not None:
                    continue
                if seeded and not row.seeded:
                    continue  # an editor's addition: never removed by the seed
                before = _snap(row)
                if hasattr(row, "deleted_at"):
                    row.deleted_at, row.deleted_by = now, user
                    row.seeded, row.updated_at, row.updated_by = seeded, now, user
                    row.version = row.version + 1
                    session.flush()
                    if model is EnjeuRow:
                        self._unlink(session, row.id, user, now)
                    self._audit(session, crow.id, objet, row.id, "delete", user, before,
                                _snap(row), now, batch)
                else:
                    session.delete(row)
                    session.flush()
                    self._audit(session, crow.id, objet, None, "delete", user, before, None,
                                now, batch)
                changed += 1
        if changed:
            self._touch(crow, now, user)
        report.changed += changed
        report.linked += len(self._link(session, crow, user, now))


def _label(item) -> str:
    if isinstance(item, Reunion):
        return f"{fmt_date(item.date)}, {item.instance}, {item.objet}"
    return item.code


def _key(objet: str, item) -> str:
    if isinstance(item, Reunion):
        return natural_key("reunion", day=item.date, instance=item.instance, texte=item.objet)
    return natural_key(objet, item.code)


def _snap_values(values: dict) -> dict:
    return {k: _jsonable(v) for k, v in values.items()}


# --------------------------------------------------------------------------- app start
def ensure_seed(repo: ContratRepository, user: str = "seed") -> SeedReport | None:
    """Seed the pack's contracts from its files (``carnet.contrat.seed``), if any.

    Called where the projects are seeded at app start. Returns None when the pack's seed
    reader is not available or the pack has no contract files.
    """
    try:
        from carnet.contrat.seed import contrats
    except ImportError:
        return None
    found = contrats(repo.pack_id)
    if not found:
        return None
    return repo.seed(found, user=user)


class UserContratRepository:
    """The contracts as one signed-in user sees them: every write checks the user's role.

    Writes (``save_*``, ``add_reunion``…) need the ``edit`` permission, ``import_contrat``
    ``import`` and ``seed`` ``admin`` (see :mod:`carnet.auth`); reads pass
    through. The acting user is given to each write.
    """

    _WRITES = {"save_contrat": "edit", "save_phase": "edit", "save_instance": "edit",
               "add_reunion": "edit", "update_reunion": "edit", "delete_reunion": "edit",
               "restore_reunion": "edit", "save_enjeu": "edit", "delete_enjeu": "edit",
               "restore_enjeu": "edit", "save_orientation": "edit", "link_projets": "edit",
               "import_contrat": "import", "seed": "admin", "freeze_t0": "edit"}

    def __init__(self, repo: ContratRepository, user: str, role: str):
        self.repo = repo
        self.user = user
        self.role = role

    def can(self, action: str) -> bool:
        from carnet import auth as roles

        return roles.can(self.role, action)

    def __getattr__(self, name: str):
        attr = getattr(self.repo, name)
        if name not in self._WRITES:
            return attr
        from carnet import auth as roles

        roles.require(self.role, self._WRITES[name])

        def write(*args, **kwargs):
            kwargs.setdefault("user", self.user)
            return attr(*args, **kwargs)

        return write
