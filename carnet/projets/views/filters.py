"""Which projects a view shows: the frame enriched with names, and the filters."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carnet.projets.constants import (
    NON_RENSEIGNE,
)
from carnet.projets.territory import TerritoryContext
from carnet.text import fold


def enrich(df: pd.DataFrame, ctx: TerritoryContext | None) -> pd.DataFrame:
    """Add commune name, EPCI and contract name columns from the territory pack."""
    out = df.copy()
    if ctx is None or out.empty:
        for col in ("commune_nom", "epci", "epci_nom", "territoire_nom"):
            out[col] = pd.Series(dtype="object", index=out.index)
        return out
    com = ctx.by_code_frame
    out["commune_nom"] = out["commune"].map(com.get("nom", pd.Series(dtype=object)))
    out["epci"] = out["commune"].map(com.get("epci", pd.Series(dtype=object)))
    out["epci_nom"] = out["commune"].map(com.get("epci_nom", pd.Series(dtype=object)))
    out["territoire_nom"] = out["territoire"].map(ctx.territoires)
    return out


def choices(df: pd.DataFrame, code: str, name: str) -> dict[str, str]:
    """Code → name of the distinct codes of column ``code`` (filter options), first seen first.

    A row without a code gives no option; a code without a name is named by itself (never
    paired with the name of another row).
    """
    rows = df.loc[df[code].notna(), [code, name]].drop_duplicates(code)
    names = rows[name].astype(object).where(rows[name].notna(), rows[code])
    return dict(zip(rows[code].astype(str), names.astype(str), strict=True))


@dataclass
class Filters:
    """Filter of the projects table and map (empty lists mean "all")."""

    territoires: list[str] = field(default_factory=list)
    epcis: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    orientations: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    statuts: list[str] = field(default_factory=list)
    maitre_ouvrage: str = ""
    annee_min: int | None = None
    annee_max: int | None = None
    budget_min: float | None = None
    budget_max: float | None = None
    texte: str = ""
    illustratifs: bool = True


def _fold(s: pd.Series) -> pd.Series:
    """:func:`carnet.text.fold` of every value (blank gives ``""``)."""
    return s.fillna("").astype(str).map(fold)


def apply_filters(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Return the rows of ``df`` matching the filter (vectorised).

    Parameters
    ----------
    df : pandas.DataFrame
        Projects (``enrich``-ed for the EPCI filter).
    f : Filters

    Returns
    -------
    pandas.DataFrame
    """
    mask = pd.Series(True, index=df.index)
    for col, values in (("territoire", f.territoires), ("epci", f.epcis), ("commune", f.communes),
                        ("orientation", f.orientations), ("categorie", f.categories),
                        ("statut", f.statuts)):
        if values and col in df:
            wanted = [None if v == NON_RENSEIGNE else v for v in values]
            m = df[col].isin([v for v in wanted if v is not None])
            if None in wanted:
                m |= df[col].isna()
            mask &= m
    if f.maitre_ouvrage:
        mask &= _fold(df["maitre_ouvrage"]).str.contains(
            _fold(pd.Series([f.maitre_ouvrage])).iloc[0], regex=False)
    if f.annee_min is not None:
        mask &= df["annee_fin"].fillna(df["annee_debut"]).fillna(9999) >= f.annee_min
    if f.annee_max is not None:
        mask &= df["annee_debut"].fillna(df["annee_fin"]).fillna(0) <= f.annee_max
    if f.budget_min is not None:
        mask &= df["cout_total"].fillna(-1) >= f.budget_min
    if f.budget_max is not None:
        mask &= df["cout_total"].fillna(np.inf) <= f.budget_max
    if f.texte.strip():
        hay = _fold(df["titre"]) + " " + _fold(df["description"]) + " " + _fold(
            df.get("commune_nom", df["commune"])) + " " + _fold(df["maitre_ouvrage"]) + " " + (
            _fold(df["partenaires"]))
        for word in _fold(pd.Series([f.texte])).iloc[0].split():
            mask &= hay.str.contains(word, regex=False)
    if not f.illustratifs:
        mask &= ~df["illustratif"].astype(bool)
    return df[mask.fillna(False).astype(bool)]
