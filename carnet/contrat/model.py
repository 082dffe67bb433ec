"""The contract of a territoire, as plain data: what the pages, the exports and the store share.

A *contrat de territoire* goes: diagnostic partagé → enjeux et orientations (Cadre d'Action
Stratégique) → plan d'actions → signature → six years of mise en œuvre → clause de revoyure
(mid-term) → fin. These frozen dataclasses are the one shape of a contract: the pack's seed
(``data/territoires/<pack>/contrats/<territoire>.toml``, read by :mod:`carnet.contrat.seed`),
the database store (:mod:`carnet.contrat.repository`) and the JSON/TOML round trip all
produce and take them. No streamlit, no database here.

Every fact carries its :class:`Provenance`: the founding document (a :class:`Citation`, the
document's title and the exact words the fact rests on), a source of ``SOURCES.md``, or an
editor's entry (who, when). The pages say which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

#: Kinds of provenance of a fact.
PROVENANCES = ("document", "source", "saisie")
#: How sure a known date is: ``incertaine`` where the document is ambiguous.
CERTITUDES = ("certaine", "incertaine")
#: Sides of the governance (founding document: « Interne » / « Partenarial »).
COTES = ("interne", "partenarial")
#: Levels of a partnership body (« Politique » / « Technique »); empty for internal bodies.
NIVEAUX = ("politique", "technique", "")
#: How a published count reads: ``exact`` (« 280 projets »), ``plus_de`` (« plus de 30 »).
BORNES = ("exact", "plus_de", "au_moins")


@dataclass(frozen=True)
class Citation:
    """The document a fact comes from and the exact words it rests on (verbatim)."""

    document: str
    extrait: str


@dataclass(frozen=True)
class Provenance:
    """Where a fact comes from.

    ``kind`` is one of :data:`PROVENANCES`: ``document`` (with ``citation``), ``source``
    (``source`` is a source id of ``sources.toml``) or ``saisie`` (``user`` and ``at``: an
    editor's entry in the app).
    """

    kind: str = "document"
    citation: Citation | None = None
    source: str = ""
    user: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class DateConnue:
    """A known date and what it rests on; ``certitude`` is ``incertaine`` when ambiguous."""

    valeur: date
    provenance: Provenance
    certitude: str = "certaine"
    #: Why it is uncertain, or what else the document says (plain text).
    note: str = ""


@dataclass(frozen=True)
class Phase:
    """One phase of the contract (codes in ``carnet/data/phases_contrat.toml``).

    Only *known* dates are stored here. A date left ``None`` is *derived* when the phase
    registry gives a rule whose base is known (fin = signature + 6 ans, revoyure =
    signature + 3 ans: shown « date calculée »), else *unknown* (shown as such, never
    invented): see :func:`carnet.contrat.phases.timeline`.
    """

    code: str
    debut: DateConnue | None = None
    fin: DateConnue | None = None
    #: The stored version this phase was read at (optimistic locking of the store).
    version: int = 1


@dataclass(frozen=True)
class Instance:
    """A governance body: internal (Président, comité de pilotage…) or partnership."""

    code: str
    libelle: str
    cote: str
    niveau: str = ""
    provenance: Provenance = field(default_factory=Provenance)
    #: The stored version this body was read at (optimistic locking of the store).
    version: int = 1


@dataclass(frozen=True)
class Reunion:
    """A meeting of a body: date, object, optional document link (shown as plain text)."""

    date: date
    instance: str
    objet: str
    document: str = ""
    provenance: Provenance = field(default_factory=lambda: Provenance(kind="saisie"))
    id: int | None = None
    version: int = 1


@dataclass(frozen=True)
class ChiffrePublie:
    """A count the document publishes (« 8 conférences partenariales »), not a record."""

    code: str
    libelle: str
    valeur: int
    provenance: Provenance
    borne: str = "exact"


@dataclass(frozen=True)
class Orientation:
    """A territoire's own priority orientation (the Département's are the pack's)."""

    code: str
    libelle: str
    texte: str = ""
    provenance: Provenance = field(default_factory=Provenance)
    #: The stored version this orientation was read at (optimistic locking of the store).
    version: int = 1


@dataclass(frozen=True)
class Enjeu:
    """A stake of the contract, the indicators that evidence it and its orientations.

    ``indicateurs`` are ids of ``carnet/data/indicateurs.toml``; ``orientations`` are codes
    of the pack's orientations or of the contract's own.
    """

    code: str
    titre: str
    texte: str = ""
    indicateurs: tuple[str, ...] = ()
    orientations: tuple[str, ...] = ()
    provenance: Provenance = field(default_factory=Provenance)
    id: int | None = None
    version: int = 1


@dataclass(frozen=True)
class Fait:
    """A statement the document makes about the contract (« territoire d'expérimentation »,
    « documents votés à l'unanimité »): a short label and its provenance, nothing computed."""

    code: str
    libelle: str
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True)
class Contrat:
    """The contract of one territoire of one pack."""

    pack: str
    territoire: str
    titre: str
    #: Vocabulary in ``carnet/data/phases_contrat.toml`` (``[statuts]``).
    statut: str
    phases: tuple[Phase, ...] = ()
    instances: tuple[Instance, ...] = ()
    reunions: tuple[Reunion, ...] = ()
    chiffres: tuple[ChiffrePublie, ...] = ()
    orientations: tuple[Orientation, ...] = ()
    enjeux: tuple[Enjeu, ...] = ()
    #: Free remarks on the contract (plain text), e.g. why a date is uncertain.
    notes: str = ""
    id: int | None = None
    version: int = 1
    #: Statements of the document about the contract, each with its citation.
    faits: tuple[Fait, ...] = ()

    def phase(self, code: str) -> Phase | None:
        return next((p for p in self.phases if p.code == code), None)

    def chiffre(self, code: str) -> ChiffrePublie | None:
        return next((c for c in self.chiffres if c.code == code), None)

    def fait(self, code: str) -> Fait | None:
        return next((f for f in self.faits if f.code == code), None)
