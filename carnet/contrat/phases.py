"""The phases of a contrat de territoire and its timeline (dates known, calculated or unknown).

The registry ``carnet/data/phases_contrat.toml`` lists the phases in order, each with a code,
a French label, optional rules deriving its dates from another phase's (``"signature.debut
+ 6 ans"``) and ``jalon = true`` for a dated event rather than a period (a signature, the
revoyure, the end); its ``[statuts]`` table is the vocabulary of :attr:`Contrat.statut`.

:func:`timeline` gives one :class:`Etape` per phase, in registry order, whose two dates are
each *connue* (stored, with its provenance and certitude), *calculee* (a rule of the
registry applied to a known or calculated base: « date calculée ») or *inconnue* (never
invented); the returned :class:`Timeline` also carries today's :class:`Position`. Years
are added calendar-wise: 29 February + 3 years is 28 February (the last day of the month,
as a French delay expressed in years expires), never 1 March.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from carnet.contrat.model import Contrat, DateConnue, Provenance
from carnet.errors import ConfigError, lookup

REGISTRY = Path(__file__).resolve().parent.parent / "data" / "phases_contrat.toml"

#: States of a date on the timeline, and their French labels.
ETATS = {"connue": "date connue", "calculee": "date calculée", "inconnue": "date inconnue"}
#: Keys of one ``[[phases]]`` row of the registry.
PHASE_KEYS = ("code", "libelle", "debut", "fin", "jalon")
BORNES_DE_PHASE = ("debut", "fin")
_RULE = re.compile(r"\s*([a-z_]+)\.(debut|fin)\s*\+\s*(\d{1,3})\s*ans?\s*")


@dataclass(frozen=True)
class Regle:
    """A derived date: ``base_phase.base_borne`` + ``ans`` years."""

    phase: str
    borne: str
    ans: int

    def __str__(self) -> str:
        return f"{self.phase}.{self.borne} + {self.ans} ans"


@dataclass(frozen=True)
class PhaseDef:
    """One phase of the registry."""

    code: str
    libelle: str
    debut: Regle | None = None
    fin: Regle | None = None
    #: A dated event (signature, revoyure, fin), not a period: today is never « in » it.
    jalon: bool = False


@dataclass(frozen=True)
class Registre:
    """The phase registry: phases in order and the vocabulary of statuses."""

    phases: tuple[PhaseDef, ...]
    statuts: dict[str, str]

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.phases]

    def phase(self, code: str) -> PhaseDef:
        """The phase ``code``; an unknown code raises an error listing the valid ones."""
        return lookup({p.code: p for p in self.phases}, code, "Phase de contrat")

    def statut(self, code: str) -> str:
        """The French label of status ``code`` (unknown: error listing the valid ones)."""
        return lookup(self.statuts, code, "Statut de contrat")


def _fail(path: Path, reason: str) -> ConfigError:
    return ConfigError(f"Fichier {path} : {reason}")


def parse_rule(text: object, *, where: str = "") -> Regle:
    """``"signature.debut + 6 ans"`` → :class:`Regle` (a :class:`ValueError` in French if not)."""
    m = _RULE.fullmatch(text) if isinstance(text, str) else None
    if m is None:
        raise ValueError(f"{where}règle de date illisible {text!r} "
                         "(attendu : « <phase>.<debut|fin> + <n> ans », par exemple "
                         "« signature.debut + 6 ans »)")
    return Regle(m[1], m[2], int(m[3]))


def load_registry(path: Path | str | None = None) -> Registre:
    """Read and check a phase registry (default: ``carnet/data/phases_contrat.toml``).

    Raises
    ------
    ConfigError
        French message naming the file, the row and the reason: unknown key (listing the
        valid ones), duplicate code, unreadable rule, rule on an unknown phase, circular rules.
    """
    path = Path(path) if path else REGISTRY
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _fail(path, f"TOML invalide ({exc})") from None
    for key in raw:
        if key not in ("phases", "statuts"):
            raise _fail(path, f"clé inconnue « {key} » (clés possibles : phases, statuts)")
    rows = raw.get("phases")
    if not isinstance(rows, list) or not rows:
        raise _fail(path, "aucune phase déclarée ([[phases]])")
    phases: list[PhaseDef] = []
    for i, row in enumerate(rows, start=1):
        where = f"[[phases]] n° {i}"
        if not isinstance(row, dict):
            raise _fail(path, f"{where} : table attendue")
        for key in row:
            if key not in PHASE_KEYS:
                raise _fail(path, f"{where} : clé inconnue « {key} » "
                                  f"(clés possibles : {', '.join(PHASE_KEYS)})")
        code, libelle = row.get("code"), row.get("libelle")
        if not isinstance(code, str) or not code or not isinstance(libelle, str) or not libelle:
            raise _fail(path, f"{where} : « code » et « libelle » (textes) sont obligatoires")
        if code in {p.code for p in phases}:
            raise _fail(path, f"{where} : code de phase « {code} » en double")
        rules = {}
        for borne in BORNES_DE_PHASE:
            if borne in row:
                try:
                    rules[borne] = parse_rule(row[borne])
                except ValueError as exc:
                    raise _fail(path, f"{where} (« {code} »), {borne} : {exc}") from None
        jalon = row.get("jalon", False)
        if not isinstance(jalon, bool):
            raise _fail(path, f"{where} (« {code} ») : « jalon » vaut true ou false")
        phases.append(PhaseDef(code, libelle, rules.get("debut"), rules.get("fin"), jalon))
    codes = [p.code for p in phases]
    for p in phases:
        for borne in BORNES_DE_PHASE:
            rule = getattr(p, borne)
            if rule is not None and rule.phase not in codes:
                raise _fail(path, f"phase « {p.code} », {borne} : la règle « {rule} » porte sur "
                                  f"une phase inconnue « {rule.phase} » "
                                  f"(phases : {', '.join(codes)})")
    _check_acyclic(path, phases)
    statuts = raw.get("statuts", {})
    if not isinstance(statuts, dict) or not statuts or not all(
            isinstance(v, str) and v for v in statuts.values()):
        raise _fail(path, "[statuts] doit associer chaque code de statut à son libellé")
    return Registre(tuple(phases), dict(statuts))


def _check_acyclic(path: Path, phases: list[PhaseDef]) -> None:
    rules = {(p.code, b): getattr(p, b) for p in phases for b in BORNES_DE_PHASE}
    for start in rules:
        seen, node = [start], start
        while (rule := rules.get(node)) is not None:
            node = (rule.phase, rule.borne)
            if node in seen:
                chain = " → ".join(f"{c}.{b}" for c, b in (*seen, node))
                raise _fail(path, f"règles de dates circulaires : {chain}")
            seen.append(node)


@cache
def registry() -> Registre:
    """The phase registry of the Carnet (``carnet/data/phases_contrat.toml``), read once."""
    return load_registry()


def phase(code: str) -> PhaseDef:
    """The phase ``code`` of the registry (unknown: :class:`UnknownKeyError` listing them)."""
    return registry().phase(code)


def statut_libelle(code: str) -> str:
    """French label of a contract status (unknown: :class:`UnknownKeyError` listing them)."""
    return registry().statut(code)


def add_years(d: date, years: int) -> date:
    """``d`` + ``years`` calendar years; 29 February lands on 28 February of a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February → a common year
        return d.replace(year=d.year + years, day=28)


# --------------------------------------------------------------------------- timeline

@dataclass(frozen=True)
class DateEtape:
    """One date of the timeline: connue, calculee or inconnue (see :data:`ETATS`)."""

    etat: str
    valeur: date | None = None
    #: Known dates: where they come from; calculated ones: the base date's provenance.
    provenance: Provenance | None = None
    #: ``incertaine`` when the known date, or the base of a calculated one, is uncertain.
    certitude: str = ""
    note: str = ""
    #: Calculated dates: the registry's rule (« signature.debut + 3 ans »).
    regle: str = ""

    @property
    def libelle(self) -> str:
        """« date connue », « date calculée » or « date inconnue »."""
        return ETATS[self.etat]


@dataclass(frozen=True)
class Etape:
    """One phase on the timeline, in registry order."""

    code: str
    libelle: str
    debut: DateEtape
    #: A milestone's end is its start (the same :class:`DateEtape`).
    fin: DateEtape
    jalon: bool = False
    #: True for the phase today falls in (see :class:`Position`).
    en_cours: bool = False


#: States of today's :class:`Position`, and their French labels.
POSITIONS = {
    "en_cours": "En cours",
    "derniere_connue": "Dernière étape connue ; la suite n'est pas datée",
    "avant": "Avant la première date connue",
    "apres_fin": "Contrat terminé",
    "inconnue": "Aucune date connue",
}


@dataclass(frozen=True)
class Position:
    """Where today falls on the timeline.

    ``etat``: ``en_cours`` (today is inside phase ``phase``, its start and end known or
    calculated), ``derniere_connue`` (``phase`` is the last one known to have started and
    nothing after it is dated: its end is unknown, or it is a milestone or an ended
    period), ``avant`` (today precedes every known date), ``apres_fin`` (today is after the
    contract's end, ``phase`` = ``fin``) or ``inconnue`` (no date).
    ``depuis``: the start of ``phase`` (the end, for ``apres_fin``).
    """

    etat: str
    phase: str | None = None
    depuis: date | None = None

    @property
    def libelle(self) -> str:
        return POSITIONS[self.etat]


class Timeline(list):
    """The list of :class:`Etape` of a contract, in registry order, with ``today`` and ``position``."""

    def __init__(self, etapes, *, today: date, position: Position):
        super().__init__(etapes)
        self.today = today
        self.position = position

    def etape(self, code: str) -> Etape:
        return lookup({e.code: e for e in self}, code, "Phase de contrat")


def _known(d: DateConnue | None) -> DateEtape | None:
    if d is None:
        return None
    return DateEtape("connue", d.valeur, d.provenance, d.certitude, d.note)


def timeline(contrat: Contrat, *, today: date, registre: Registre | None = None) -> Timeline:
    """The contract's phases on a timeline, each date connue, calculee or inconnue.

    A known date always wins over a rule; a rule applies when its base date is known or
    itself calculated (the result inherits the base's provenance and ``incertaine`` if the
    base is uncertain). A phase code of the contract missing from the registry raises an
    :class:`UnknownKeyError` listing the valid ones.
    """
    reg = registre or registry()
    for p in contrat.phases:
        reg.phase(p.code)
    stored = {p.code: p for p in contrat.phases}
    resolved: dict[tuple[str, str], DateEtape] = {}

    def resolve(code: str, borne: str) -> DateEtape:
        key = (code, borne)
        if key in resolved:
            return resolved[key]
        p = stored.get(code)
        out = _known(getattr(p, borne) if p else None)
        if out is None:
            rule = getattr(reg.phase(code), borne)
            base = resolve(rule.phase, rule.borne) if rule else None
            if base is not None and base.valeur is not None:
                out = DateEtape("calculee", add_years(base.valeur, rule.ans), base.provenance,
                                base.certitude, regle=str(rule))
            else:
                out = DateEtape("inconnue", regle=str(rule) if rule else "")
        resolved[key] = out
        return out

    # A milestone is a point: its end is its start.
    rows = [(d, resolve(d.code, "debut"), resolve(d.code, "debut" if d.jalon else "fin"))
            for d in reg.phases]
    pos = _position(rows, today)
    etapes = [Etape(d.code, d.libelle, debut, fin, d.jalon,
                    en_cours=pos.etat in ("en_cours", "derniere_connue") and pos.phase == d.code)
              for d, debut, fin in rows]
    return Timeline(etapes, today=today, position=pos)


def _position(rows, today: date) -> Position:
    dates = [x.valeur for _, a, b in rows for x in (a, b) if x.valeur is not None]
    if not dates:
        return Position("inconnue")
    ends = [(d, a.valeur) for d, a, _ in rows if d.code == "fin" and a.valeur is not None]
    if ends and today > ends[0][1]:
        return Position("apres_fin", "fin", ends[0][1])
    if today < min(dates):
        return Position("avant")
    # The last period (not a milestone) started by today, in registry order: its end is its
    # own, else the start of a later phase, else unknown.
    current = None
    for i, (d, a, b) in enumerate(rows):
        if d.jalon or a.valeur is None or a.valeur > today:
            continue
        end = b.valeur
        if end is None:
            later = [x.valeur for _, x, _ in rows[i + 1:] if x.valeur is not None]
            end = min(later) if later else None
        if end is None:
            current = Position("derniere_connue", d.code, a.valeur)
        elif today <= end:
            current = Position("en_cours", d.code, a.valeur)
    if current is not None:
        return current
    # Between periods (or only milestones known): the last milestone reached.
    reached = [(a.valeur, d.code) for d, a, _ in rows if a.valeur is not None and a.valeur <= today]
    last = max(reached, key=lambda t: t[0]) if reached else None
    return Position("derniere_connue", last[1], last[0]) if last else Position("avant")


__all__ = ["ETATS", "POSITIONS", "DateEtape", "Etape", "PhaseDef", "Position", "Regle",
           "Registre", "Timeline", "add_years", "load_registry",
           "parse_rule", "phase", "registry", "statut_libelle", "timeline"]
