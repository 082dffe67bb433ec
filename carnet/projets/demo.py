"""Illustrative projects for demos and benchmarks (always flagged ``illustratif``)."""

from __future__ import annotations

import numpy as np
import shapely

from carnet.projets.constants import CATEGORIES, NATURES, STATUTS
from carnet.projets.orientations import orientations
from carnet.projets.territory import TerritoryContext

_OBJETS = [
    "Réhabilitation de la salle des fêtes", "Aménagement du centre-bourg",
    "Création d'une maison de santé", "Voie verte", "Restauration de l'église",
    "Extension de l'école", "Médiathèque", "Requalification de friche",
    "Plan de mobilité rurale", "Maison des services", "Zone humide", "Piste cyclable",
    "Pôle d'échanges de la gare", "Résidence seniors", "Équipement sportif",
    "Jardins partagés", "Tiers-lieu numérique", "Rénovation énergétique de la mairie",
]
_MOA = ["Commune", "Communauté d'agglomération", "Communauté de communes",
        "Département du Nord", "Association", "Syndicat mixte"]
_STATUT_WEIGHTS = {"idee": 0.15, "etude": 0.35, "engage": 0.2, "en_cours": 0.15,
                   "realise": 0.1, "abandonne": 0.05}


def _point_in(geom, rng: np.random.Generator, tries: int = 30) -> tuple[float, float]:
    xmin, ymin, xmax, ymax = geom.bounds
    for _ in range(tries):
        x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        if shapely.contains_xy(geom, x, y):
            return round(float(x), 6), round(float(y), 6)
    p = geom.representative_point()
    return round(p.x, 6), round(p.y, 6)


def generate_demo(ctx: TerritoryContext, territoire: str | None, n: int,
                  seed: int = 2012) -> list[dict]:
    """Generate ``n`` illustrative projects located in the contract territory.

    Parameters
    ----------
    ctx : TerritoryContext
    territoire : str, optional
        Contract territory; all communes of the pack when None.
    n : int
    seed : int
        Random seed (same seed → same projects).

    Returns
    -------
    list of dict
        Raw records with ``illustratif=True``, titles prefixed "[Illustratif]".
    """
    rng = np.random.default_rng(seed)
    communes = ctx.communes
    if territoire:
        communes = communes[communes["territoire"] == territoire]
    if communes.empty:
        return []
    idx = rng.integers(0, len(communes), size=n)
    statuts = list(_STATUT_WEIGHTS)
    st = rng.choice(statuts, size=n, p=list(_STATUT_WEIGHTS.values()))
    codes = orientations(ctx.pack_id).codes  # none in a pack without orientations
    ori = rng.choice(codes, size=n) if codes else [None] * n
    cat = rng.choice(list(CATEGORIES), size=n, p=[0.05, 0.15, 0.2, 0.6])
    nat = rng.choice(list(NATURES), size=n, p=[0.75, 0.25])
    cost = np.round(np.exp(rng.normal(13, 1.3, size=n)), -2)
    share = rng.uniform(0.05, 0.6, size=n)
    start = rng.integers(2011, 2017, size=n)
    out = []
    for i in range(n):
        row = communes.iloc[int(idx[i])]
        located = rng.random() > 0.05
        lon, lat = _point_in(row.geometry, rng) if located else (None, None)
        out.append({
            "titre": f"[Illustratif] {_OBJETS[i % len(_OBJETS)]} — {row['nom']}",
            "description": "Projet fictif généré pour une démonstration ou un test de charge.",
            "pack": ctx.pack_id,
            "territoire": str(row["territoire"]),
            "commune": str(row["code"]),
            "lon": lon, "lat": lat,
            "orientation": None if ori[i] is None else str(ori[i]),
            "categorie": str(cat[i]), "nature": str(nat[i]),
            "mode": "financement", "statut": str(st[i]),
            "maitre_ouvrage": _MOA[i % len(_MOA)],
            "cout_total": float(cost[i]),
            "participation_cd": float(round(cost[i] * share[i], 2)),
            "annee_debut": int(start[i]), "annee_fin": int(start[i] + rng.integers(0, 5)),
            "source": "Générateur de démonstration (données fictives)",
            "illustratif": True,
        })
    assert set(st) <= set(STATUTS)
    return out
