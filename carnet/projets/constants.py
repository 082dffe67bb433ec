"""Vocabularies of the project model (codes stored in the database, French labels shown)."""

from __future__ import annotations

ORIENTATIONS: dict[str, str] = {
    "cohesion": (
        "Assurer la cohésion sociale, la solidarité entre les territoires et les "
        "générations et favoriser l'épanouissement de tous"
    ),
    "environnement": "Proposer aux nordistes un environnement préservé et de qualité",
    "developpement": "Créer les conditions d'un développement responsable",
}
ORIENTATION_SHORT: dict[str, str] = {
    "cohesion": "Cohésion sociale et solidarités",
    "environnement": "Environnement préservé",
    "developpement": "Développement responsable",
}
ORIENTATION_COLORS: dict[str, str] = {
    "cohesion": "#d95f02",
    "environnement": "#1b9e77",
    "developpement": "#7570b3",
}
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
    "realise": (6, None, 1.0),
    "abandonne": (4, "1,4", 0.05),
}
#: Label of a field left empty (filters, fiche, map tooltips).
NON_RENSEIGNE = "Non renseigné"

CONTRATS: dict[str, str] = {
    "flandre-maritime": "Flandre maritime",
    "flandre-interieure": "Flandre intérieure",
    "metropole-lilloise": "Métropole lilloise",
    "douaisis": "Douaisis",
    "cambresis": "Cambrésis",
    "sambre-avesnois": "Sambre-Avesnois",
    "valenciennois": "Valenciennois",
}

TITRE_MAX = 300
TEXT_MAX = 5000
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
    "orientation": _lookup(
        ORIENTATIONS,
        {
            **{v: k for k, v in ORIENTATION_SHORT.items()},
            "1": "cohesion",
            "2": "environnement",
            "3": "developpement",
        },
    ),
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
         "abandonnee": "abandonne", "en cours": "en_cours"},
    ),
}


def to_code(field: str, value: object) -> str | None:
    """Map a code or a French label (any case/accents) to the stored code.

    Parameters
    ----------
    field : str
        One of ``orientation``, ``categorie``, ``nature``, ``mode``, ``statut``.
    value : object
        Code, label or alias.

    Returns
    -------
    str or None
        The code, or None if unknown.
    """
    if value is None:
        return None
    return _LOOKUPS[field].get(_normalize(str(value)))


VOCABS: dict[str, dict[str, str]] = {
    "orientation": ORIENTATIONS,
    "categorie": CATEGORIES,
    "nature": NATURES,
    "mode": MODES,
    "statut": STATUTS,
}
