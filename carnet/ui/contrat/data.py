"""Where the Contrat page gets its contract, its phases and its projects: one loader each.

:func:`load` reads the contract store (:mod:`carnet.contrat.repository`) and falls back to
the pack's seed (:mod:`carnet.contrat.seed`, ``data/territoires/<pack>/contrats/<t>.toml``)
when the database holds nothing for the territory (or while the store is not installed).

:func:`timeline` gives each phase's dates as *connue* (with its provenance), *calculée*
(a rule of ``carnet/data/phases_contrat.toml`` from a known base) or *inconnue*
(:mod:`carnet.contrat.phases`).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from carnet.contrat.model import Contrat

#: The documentation of the seed format (shown to whoever declares a contract).
DOC = "docs/CONTRAT.md"


def contrats_dir(pack_id: str) -> Path:
    from carnet.contrat.seed import folder

    return folder(pack_id)


def declaration_path(pack_id: str, territoire: str) -> str:
    """The file that declares a territory's contract, relative to the repository."""
    return f"data/territoires/{pack_id}/contrats/{territoire}.toml"


def declared(pack_id: str) -> list[str]:
    """Territories of a pack whose contract is declared (seed files)."""
    folder = contrats_dir(pack_id)
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


# ------------------------------------------------------------------ the contract
def store():
    """The contract store of the app's database (the one the projects registry opens; opening
    it seeds the pack's contracts there), or None without a pack."""
    from carnet.contrat.repository import ContratRepository
    from carnet.ui import projets as ui

    repo = ui.repository()
    return None if repo is None else ContratRepository(repo.engine, repo.ctx.pack_id)


def load(pack_id: str, territoire: str) -> Contrat | None:
    """The territory's contract: the store's, else the seed file's, else None (none declared).

    Only this territory's seed file is read (a broken file of another territory does not
    hide this one); an invalid file raises the seed's French :class:`ConfigError`.
    """
    return load_stored(pack_id, territoire)[0]


def load_stored(pack_id: str, territoire: str):
    """``(contract, store)``: the store's contract and the store (where its T0 is frozen),
    else ``(the seed file's, None)``, else ``(None, None)``; as :func:`load`."""
    repo = store()
    if repo is not None:
        found = repo.get(territoire)
        if found is not None:
            return found, repo
    path = contrats_dir(pack_id) / f"{territoire}.toml"
    if not path.is_file():
        return None, None
    st = path.stat()
    return _seed(pack_id, territoire, str(path), st.st_mtime_ns, st.st_size), None


@lru_cache(maxsize=32)
def _seed(pack_id: str, territoire: str, path: str, mtime: int, size: int) -> Contrat:
    from carnet.contrat.seed import read_contrat

    return read_contrat(path, pack=pack_id, territoire=territoire)


# ------------------------------------------------------------------ the timeline
def phase_labels() -> dict[str, str]:
    """Phase code → French label, in the registry's order."""
    from carnet.contrat.phases import registry

    return {p.code: p.libelle for p in registry().phases}


def contract_status(code: str) -> str:
    from carnet.contrat.phases import registry

    return registry().statuts.get(code, code)


def timeline(contrat: Contrat, today: date):
    """:func:`carnet.contrat.phases.timeline`: each phase's dates, connue / calculee / inconnue."""
    from carnet.contrat.phases import timeline as phases_timeline

    return phases_timeline(contrat, today=today)


# ------------------------------------------------------------------ projects
def projects(pack_id: str, territoire: str) -> pd.DataFrame | None:
    """The territory's projects of the registry (None, with a French message, without one)."""
    from carnet.ui import projets as ui

    repo = ui.repository()
    return None if repo is None else repo.dataframe(pack_id, territoire)


def today() -> date:
    """Today in the Nord's time (the timeline's red rule, « en retard », « à actualiser »)."""
    from carnet.contrat.progress import today_paris

    return today_paris()
