"""Where the Contrat page gets its contract, its phases and its projects: one loader each.

:func:`load` reads the contract store (:mod:`carnet.contrat.repository`) and falls back to
the pack's seed (:mod:`carnet.contrat.seed`, ``data/territoires/<pack>/contrats/<t>.toml``)
when the database holds nothing for the territory. Until those modules are on the branch,
an interim reader of the seed file's phases and published counts stands in (the same
file, the same citations): the page never shows a fact that is not in the pack.

:func:`timeline` gives each phase's dates as *connue* (with its provenance), *calculée*
(a rule of ``carnet/data/phases_contrat.toml`` from a known base) or *inconnue*.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from carnet.contrat.model import ChiffrePublie, Citation, Contrat, DateConnue, Phase, Provenance
from carnet.paths import PACKS_DIR, ROOT

PHASES_TOML = ROOT / "carnet" / "data" / "phases_contrat.toml"
#: The documentation of the seed format (shown to whoever declares a contract).
DOC = "docs/CONTRAT.md"


def contrats_dir(pack_id: str) -> Path:
    return PACKS_DIR / pack_id / "contrats"


def declaration_path(pack_id: str, territoire: str) -> str:
    """The file that declares a territory's contract, relative to the repository."""
    return f"data/territoires/{pack_id}/contrats/{territoire}.toml"


def declared(pack_id: str) -> list[str]:
    """Territories of a pack whose contract is declared (seed files)."""
    folder = contrats_dir(pack_id)
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


# ------------------------------------------------------------------ the contract
def store():
    """The contract store of the app's database, or None while it is not installed."""
    try:
        from carnet.contrat.repository import ContratRepository
    except ImportError:
        return None
    from carnet.db import get_database_url, get_engine
    from carnet.ui.data import pack_id

    return ContratRepository(get_engine(get_database_url()), pack_id())


def load(pack_id: str, territoire: str) -> Contrat | None:
    """The territory's contract: the store's, else the seed's, else None (none declared)."""
    repo = store()
    if repo is not None:
        found = repo.get(territoire)
        if found is not None:
            return found
    try:
        from carnet.contrat.seed import contrats
    except ImportError:
        return _interim_seed(pack_id, territoire)
    return contrats(pack_id).get(territoire)


def _provenance(item: dict, documents: dict) -> Provenance:
    if item.get("source"):
        return Provenance(kind="source", source=str(item["source"]))
    doc = str(item.get("document", ""))
    return Provenance(kind="document",
                      citation=Citation(documents.get(doc, doc), str(item.get("extrait", ""))))


def _interim_seed(pack_id: str, territoire: str) -> Contrat | None:
    """The seed file's title, status, phases and published counts (interim reader)."""
    path = contrats_dir(pack_id) / f"{territoire}.toml"
    if not path.is_file():
        return None
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    docs = raw.get("documents", {})
    phases = []
    for item in raw.get("phases", []):
        dates = {}
        for end in ("debut", "fin"):
            if isinstance(item.get(end), date):
                dates[end] = DateConnue(item[end], _provenance(item, docs),
                                        item.get("certitude", "certaine"), str(item.get("note", "")))
        phases.append(Phase(item["code"], **dates))
    chiffres = tuple(ChiffrePublie(c["code"], c["libelle"], int(c["valeur"]), _provenance(c, docs),
                                   c.get("borne", "exact")) for c in raw.get("chiffres", []))
    return Contrat(pack=pack_id, territoire=territoire, titre=raw.get("titre", territoire),
                   statut=raw.get("statut", "en_elaboration"), phases=tuple(phases),
                   chiffres=chiffres, notes=str(raw.get("notes", "")))


# ------------------------------------------------------------------ the timeline
@dataclass(frozen=True)
class _DateEtape:
    """Interim twin of :class:`carnet.contrat.phases.DateEtape` (same attributes)."""

    etat: str
    valeur: date | None = None
    provenance: Provenance | None = None
    certitude: str = ""
    note: str = ""
    regle: str = ""


@dataclass(frozen=True)
class _Etape:
    """Interim twin of :class:`carnet.contrat.phases.Etape`."""

    code: str
    libelle: str
    debut: _DateEtape
    fin: _DateEtape
    jalon: bool = False
    en_cours: bool = False


@lru_cache(maxsize=1)
def phase_registry() -> tuple[dict, ...]:
    return tuple(tomllib.loads(PHASES_TOML.read_text(encoding="utf-8"))["phases"])


def contract_statuses() -> dict[str, str]:
    return tomllib.loads(PHASES_TOML.read_text(encoding="utf-8")).get("statuts", {})


def _plus_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def timeline(contrat: Contrat, today: date) -> list:
    """Each phase of the registry, in order, its two dates connue / calculee / inconnue.

    :func:`carnet.contrat.phases.timeline` when installed; else an interim reading of the
    same registry (a known date wins; a rule whose base is known gives a calculated date
    that inherits the base's provenance and certainty; anything else is unknown).
    """
    try:
        from carnet.contrat.phases import timeline as phases_timeline
    except ImportError:
        pass
    else:
        return phases_timeline(contrat, today=today)
    stored = {p.code: p for p in contrat.phases}
    specs = {p["code"]: p for p in phase_registry()}

    def resolve(code: str, end: str, depth: int = 0) -> _DateEtape:
        known = getattr(stored.get(code), end, None) if code in stored else None
        if known is not None:
            return _DateEtape("connue", known.valeur, known.provenance, known.certitude, known.note)
        rule = specs.get(code, {}).get(end)
        if not rule or depth > 10:
            return _DateEtape("inconnue")
        base_ref, _, years = rule.partition("+")
        b_code, _, b_end = base_ref.strip().partition(".")
        base = resolve(b_code, b_end, depth + 1)
        if base.valeur is None:
            return _DateEtape("inconnue", regle=rule)
        return _DateEtape("calculee", _plus_years(base.valeur, int(years.split()[0])),
                          base.provenance, base.certitude, regle=rule)

    out = []
    for spec in phase_registry():
        # the registry marks events ``jalon = true``; before it did, signatures and phases
        # with a start rule only (revoyure, fin) were the events
        jalon = bool(spec.get("jalon", spec["code"].startswith("signature")
                              or ("debut" in spec and "fin" not in spec)))
        debut = resolve(spec["code"], "debut")
        out.append(_Etape(spec["code"], spec["libelle"], debut,
                          debut if jalon else resolve(spec["code"], "fin"), jalon))
    return out


# ------------------------------------------------------------------ projects
def projects(pack_id: str, territoire: str) -> pd.DataFrame | None:
    """The territory's projects of the registry (None, with a French message, without one)."""
    from carnet.ui import projets as ui

    repo = ui.repository()
    return None if repo is None else repo.dataframe(pack_id, territoire)


def today() -> date:
    """Today in the Nord's time (the timeline's red rule, « en retard », « à actualiser »)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from carnet.formatting import DISPLAY_TZ

    return datetime.now(ZoneInfo(DISPLAY_TZ)).date()
