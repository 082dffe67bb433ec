"""Seed projects from the founding document, and the contracts' published totals.

Seed files live in ``data/territoires/<pack>/projets/<territoire>.json``. Projects are
placed at their commune's centre where the document names a commune, and left "à
localiser" (no point) otherwise. The document does not give their orientation or status:
those stay "non renseigné(e)" rather than being invented.
"""

from __future__ import annotations

import json
from pathlib import Path

from carnet.db import REPO_ROOT
from carnet.projets.repository import ProjetRepository

SEED_DIR = REPO_ROOT / "data" / "territoires"


def seed_files(pack: str) -> list[Path]:
    """Seed files of a territory pack, sorted."""
    folder = SEED_DIR / pack / "projets"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def load_seed(path: Path) -> dict:
    """Read one seed file (territoire, source, totaux_publies, projets).

    A file written before the rename names its territory ``contrat``: read the same.
    """
    seed = json.loads(Path(path).read_text(encoding="utf-8"))
    if "territoire" not in seed and "contrat" in seed:
        seed["territoire"] = seed.pop("contrat")
    return seed


def seed_records(pack: str, territoire: str | None = None) -> list[dict]:
    """Raw project records of the seed files (of ``territoire`` only when given)."""
    out = []
    for path in seed_files(pack):
        seed = load_seed(path)
        if territoire and seed["territoire"] != territoire:
            continue
        for item in seed["projets"]:
            out.append({"pack": pack, "territoire": seed["territoire"],
                        "source": seed["source"], "illustratif": False, **item})
    return out


def published_totals(pack: str, territoire: str | None = None) -> dict[str, dict]:
    """Published totals per contract territory, as given in the founding document.

    Returns
    -------
    dict
        territoire → ``{"projets", "engages", "maitrises_ouvrage_departementales", "note"}``.
    """
    out = {}
    for path in seed_files(pack):
        seed = load_seed(path)
        if seed.get("totaux_publies") and (not territoire or seed["territoire"] == territoire):
            out[seed["territoire"]] = {**seed["totaux_publies"], "source": seed["source"]}
    return out


def ensure_seed(repo: ProjetRepository, pack: str, user: str = "seed") -> int:
    """Insert the seed projects not yet in the registry (by ``ref``); return how many.

    A seed project deleted by a user is not re-created (its ref still exists). Two
    processes seeding a fresh registry at once insert each project once: the loser of
    the race (unique ``(pack, ref)``, all or nothing) re-reads and finds nothing to do.
    """
    from carnet.projets.errors import ProjetError

    for attempt in range(2):
        known = repo.existing_refs(pack)
        todo = [r for r in seed_records(pack) if r["ref"] not in known]
        if not todo:
            return 0
        try:
            repo.create_many(todo, user=user, action="seed")
            return len(todo)
        except ProjetError:  # another process seeded at the same moment (unique ref)
            if attempt:
                raise
    return 0
