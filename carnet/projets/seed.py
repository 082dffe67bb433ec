"""Seed projects from the founding document, and the contracts' published totals.

Seed files live in ``data/territoires/<territoire>/projets/<contrat>.json``. Projects are
placed at their commune's centre where the document names a commune, and left "à
localiser" (no point) otherwise. The document does not give their orientation or status:
those stay "non renseigné(e)" rather than being invented.
"""

from __future__ import annotations

import json
from pathlib import Path

from carnet.projets.db import REPO_ROOT
from carnet.projets.repository import ProjetRepository

SEED_DIR = REPO_ROOT / "data" / "territoires"


def seed_files(territoire: str) -> list[Path]:
    """Seed files of a territory pack, sorted."""
    folder = SEED_DIR / territoire / "projets"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def load_seed(path: Path) -> dict:
    """Read one seed file (contrat, source, totaux_publies, projets)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def seed_records(territoire: str, contrat: str | None = None) -> list[dict]:
    """Raw project records of the seed files (``contrat`` only when given)."""
    out = []
    for path in seed_files(territoire):
        seed = load_seed(path)
        if contrat and seed["contrat"] != contrat:
            continue
        for item in seed["projets"]:
            out.append({"territoire": territoire, "contrat": seed["contrat"],
                        "source": seed["source"], "illustratif": False, **item})
    return out


def published_totals(territoire: str, contrat: str | None = None) -> dict[str, dict]:
    """Published totals per contract, as given in the founding document.

    Returns
    -------
    dict
        contrat → ``{"projets", "engages", "maitrises_ouvrage_departementales", "note"}``.
    """
    out = {}
    for path in seed_files(territoire):
        seed = load_seed(path)
        if seed.get("totaux_publies") and (not contrat or seed["contrat"] == contrat):
            out[seed["contrat"]] = {**seed["totaux_publies"], "source": seed["source"]}
    return out


def ensure_seed(repo: ProjetRepository, territoire: str, user: str = "seed") -> int:
    """Insert the seed projects not yet in the registry (by ``ref``); return how many.

    A seed project deleted by a user is not re-created (its ref still exists). Two
    processes seeding a fresh registry at once insert each project once: the loser of
    the race (unique ``(territoire, ref)``, all or nothing) re-reads and finds nothing to do.
    """
    from carnet.projets.errors import ProjetError

    for attempt in range(2):
        known = repo.existing_refs(territoire)
        todo = [r for r in seed_records(territoire) if r["ref"] not in known]
        if not todo:
            return 0
        try:
            repo.create_many(todo, user=user, action="seed")
            return len(todo)
        except ProjetError:  # another process seeded at the same moment (unique ref)
            if attempt:
                raise
    return 0
