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
class DatePhase:
    """One end of a phase as shown: ``etat`` is ``connue``, ``calculee`` or ``inconnue``."""

    etat: str
    valeur: date | None = None
    connue: DateConnue | None = None
    #: For a derived date: the rule, in French (« signature + 6 ans »).
    regle: str = ""


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


def _rule(text: str, known: dict[tuple[str, str], date], labels: dict[str, str]):
    """``"signature.debut + 6 ans"`` → (date or None, French rule)."""
    base, _, years = text.partition("+")
    code, _, end = base.strip().partition(".")
    n = int(years.strip().split()[0])
    words = f"{labels.get(code, code).lower()} + {n} an{'s' if n > 1 else ''}"
    b = known.get((code, end))
    return (None if b is None else _plus_years(b, n)), words


def timeline(contrat: Contrat) -> list[tuple[dict, DatePhase, DatePhase]]:
    """Each phase of the registry, in order, with its start and end as shown.

    A known date wins; else a rule whose base is known gives a *calculée* date; else the
    date is *inconnue* (never invented). A phase without an end rule and no known end has
    an *inconnue* end only when it is a period (its start is not its end: « Mise en
    œuvre »); single events (signature) have no end.
    """
    registry = phase_registry()
    labels = {p["code"]: p["libelle"] for p in registry}
    known = {}
    for ph in contrat.phases:
        for end in ("debut", "fin"):
            d = getattr(ph, end)
            if d is not None:
                known[(ph.code, end)] = d.valeur
    out = []
    for spec in registry:
        ph = contrat.phase(spec["code"]) or Phase(spec["code"])
        ends = []
        for end in ("debut", "fin"):
            d = getattr(ph, end)
            if d is not None:
                ends.append(DatePhase("connue", d.valeur, d))
            elif end in spec:
                value, words = _rule(spec[end], known, labels)
                ends.append(DatePhase("calculee" if value else "inconnue", value, regle=words))
            else:
                ends.append(DatePhase("inconnue" if end == "debut" else "sans"))
        out.append((spec, *ends))
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
