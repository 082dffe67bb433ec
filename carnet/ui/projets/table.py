"""The projects table of the Plan d'actions (columns that fit a 1024 px projector)."""

from __future__ import annotations

import pandas as pd

from carnet.projets.constants import (
    CATEGORIES,
    STATUTS,
)
from carnet.projets.orientations import orientations, pack_of
from carnet.projets.views import NON_RENSEIGNE

#: Columns of the projects table shown by default: they fit a 1024 px projector without
#: scrolling sideways; the others are one choice away (« Colonnes affichées »).
TABLE_COLUMNS = ["N°", "Titre", "Commune", "Statut", "Coût total", "Participation CD", "Années"]


def table_view(df: pd.DataFrame, today=None) -> pd.DataFrame:
    """Display-ready table: French headers, labels and amounts (pure pandas, shown by the page).

    Amounts are exact (``1 250 000 €``) and years plain (``2024``); a missing value reads
    « non renseigné », never ``None`` or an empty cell. A late project's status reads
    « En cours — en retard » (derived as of ``today``, default today: never stored).
    """
    from carnet.contrat.progress import en_retard, today_paris
    from carnet.projets.views import fmt_euros

    def year(v) -> str:
        return NON_RENSEIGNE.lower() if pd.isna(v) else str(int(v))

    missing = NON_RENSEIGNE.lower()

    def years(start, end) -> str:
        known = [str(int(y)) for y in (start, end) if not pd.isna(y)]
        if len(known) == 2 and known[0] == known[1]:
            known = known[:1]
        return "–".join(known) or missing

    out = pd.DataFrame({
        "N°": df["id"], "Titre": df["titre"], "Contrat": df.get("territoire_nom"),
        "Commune": df.get("commune_nom"),
        "Orientation": df["orientation"].map(orientations(pack_of(df)).short),
        "Catégorie": df["categorie"].map(CATEGORIES), "Statut": df["statut"].map(STATUTS),
        "Maître d'ouvrage": df["maitre_ouvrage"],
        "Coût total": df["cout_total"].map(fmt_euros).astype(object),
        "Participation CD": df["participation_cd"].map(fmt_euros).astype(object),
        "Années": pd.Series([years(a, b) for a, b in zip(df["annee_debut"], df["annee_fin"], strict=True)],
                            index=df.index, dtype=object),
        "Début": df["annee_debut"].map(year).astype(object),
        "Fin": df["annee_fin"].map(year).astype(object),
        "Illustratif": df["illustratif"].map({True: "oui", False: "non"}).fillna("non"),
    })
    late = en_retard(df, today or today_paris()) if len(df) else pd.Series(False, index=df.index)
    out.loc[late, "Statut"] = out.loc[late, "Statut"] + " — en retard"
    return out.fillna({"Orientation": NON_RENSEIGNE, "Statut": NON_RENSEIGNE, "Catégorie": NON_RENSEIGNE,
                       "Commune": missing, "Contrat": missing, "Maître d'ouvrage": missing,
                       "Titre": ""})
