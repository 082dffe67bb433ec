"""Vocabularies of the project model (codes stored in the database, French labels shown).

The orientations are the pack's (:mod:`carnet.projets.orientations`); the contract
territories too (``TerritoryContext.territoires``). The other vocabularies are national.
"""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "mod": "Maîtrise d'ouvrage départementale",
    "grand_projet": "Grand projet du territoire",
    "innovant": "Projet innovant",
    "autre": "Autre",
}
NATURES: dict[str, str] = {"investissement": "Investissement", "fonctionnement": "Fonctionnement"}
MODES: dict[str, str] = {
    "financement": "Financement",
    "cooperation": "Coopération",
    "maitrise_ouvrage": "Maîtrise d'ouvrage",
}
STATUTS: dict[str, str] = {
    "idee": "Idée",
    "etude": "À l'étude",
    "engage": "Engagé",
    "en_cours": "En cours",
    "bloque": "Bloqué",
    "realise": "Réalisé",
    "abandonne": "Abandonné",
}
#: Statuses counted as "engaged" in the dashboard's engaged share.
STATUTS_ENGAGES: frozenset[str] = frozenset({"engage", "en_cours", "realise"})
#: Marker style per status: (radius in px, dash pattern or None, fill opacity).
STATUT_STYLES: dict[str, tuple[int, str | None, float]] = {
    "idee": (4, "2,3", 0.15),
    "etude": (5, "4,3", 0.35),
    "engage": (7, None, 0.8),
    "en_cours": (7, None, 0.9),
    "bloque": (7, "8,4", 0.45),  # long dashes: stands apart from both solid and dotted ones
    "realise": (6, None, 1.0),
    "abandonne": (4, "1,4", 0.05),
}
#: Statuses after which a project can no longer be late (« en retard » is derived, never stored:
#: see :func:`carnet.contrat.progress.en_retard`).
STATUTS_CLOS: frozenset[str] = frozenset({"realise", "abandonne"})
#: Label of the derived « en retard » (end year passed, project neither realised nor abandoned).
EN_RETARD = "En retard"
#: Label of a field left empty (filters, fiche, map tooltips).
NON_RENSEIGNE = "Non renseigné"

ANNEE_MIN = 1990
ANNEE_MAX = 2100


def _normalize(text: str) -> str:
    from carnet.text import fold

    return fold(text)


def _lookup(vocab: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    table = {}
    for code, label in vocab.items():
        table[_normalize(code)] = code
        table[_normalize(label)] = code
    for alias, code in (extra or {}).items():
        table[_normalize(alias)] = code
    return table


_LOOKUPS = {
    "categorie": _lookup(
        CATEGORIES,
        {"maitrise d ouvrage departementale": "mod", "grand projet": "grand_projet",
         "innovation": "innovant"},
    ),
    "nature": _lookup(NATURES),
    "mode": _lookup(MODES, {"cooperation": "cooperation", "maitrise ouvrage": "maitrise_ouvrage"}),
    "statut": _lookup(
        STATUTS,
        {"a l etude": "etude", "etude": "etude", "engagee": "engage", "realisee": "realise",
         "abandonnee": "abandonne", "en cours": "en_cours", "bloquee": "bloque"},
    ),
}


def _orientation_lookup(pack_id: str | None) -> dict[str, str]:
    from carnet.projets.orientations import orientations

    o = orientations(pack_id)
    return _lookup(o.labels, {**{v: k for k, v in o.short.items()}, **o.numbers})


def to_code(field: str, value: object, pack_id: str | None = None) -> str | None:
    """Map a code or a French label (any case/accents) to the stored code.

    Parameters
    ----------
    field : str
        One of ``orientation``, ``categorie``, ``nature``, ``mode``, ``statut``.
    value : object
        Code, label or alias (for an orientation, also its short label or number).
    pack_id : str, optional
        The pack whose orientations apply (``$CARNET_PACK``, else ``nord``, when None).

    Returns
    -------
    str or None
        The code, or None if unknown.
    """
    if value is None:
        return None
    table = _orientation_lookup(pack_id) if field == "orientation" else _LOOKUPS[field]
    return table.get(_normalize(str(value)))


#: The national vocabularies (the orientations are the pack's: see :func:`vocabs`).
VOCABS: dict[str, dict[str, str]] = {
    "categorie": CATEGORIES,
    "nature": NATURES,
    "mode": MODES,
    "statut": STATUTS,
}


def vocabs(pack_id: str | None = None) -> dict[str, dict[str, str]]:
    """Every vocabulary of a project of a pack: its orientations first, then :data:`VOCABS`."""
    from carnet.projets.orientations import orientations

    return {"orientation": orientations(pack_id).labels, **VOCABS}
